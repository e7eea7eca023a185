//! What the soak checks once the app has settled, by comparing the database with the sandbox's
//! own state: every link's two snapshots against the bookings they stand for, bookings either
//! side has that the other never heard of, and changes the fake systems applied twice.

use std::collections::{HashMap, HashSet};

use bookbridge::db::Db;
use bookbridge::db::link_sides::Snapshot;
use bookbridge::domain::BookingStatus;
use bookbridge::sandbox::reservio::EffectKind;
use bookbridge::sandbox::world::{DemoPartner, Sandbox};
use bookbridge::systems::reservio::wire::status_from_state;

/// How many examples of each failure the report shows.
const EXAMPLES: usize = 8;

/// A booking as the sandbox holds it now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Remote {
    start_at: i64,
    end_at: i64,
    /// `None`: a state bookbridge cannot read (staff can type anything into Reservio).
    status: Option<BookingStatus>,
}

/// Both systems' bookings of one connection, by their own ids.
#[derive(Default)]
struct World {
    reservio: HashMap<String, Remote>,
    termino: HashMap<String, Remote>,
}

fn worlds(sandbox: &Sandbox, partners: &[DemoPartner]) -> HashMap<i64, World> {
    partners
        .iter()
        .map(|p| {
            let reservio = sandbox
                .reservio
                .bookings(&p.business_id)
                .into_iter()
                .map(|b| {
                    let remote = Remote {
                        start_at: b.start_at,
                        end_at: b.end_at,
                        status: status_from_state(&b.state).ok(),
                    };
                    (b.id, remote)
                })
                .collect();
            let termino = sandbox
                .termino
                .reservations(&p.termino_partner_id)
                .into_iter()
                .map(|r| {
                    let remote = Remote {
                        start_at: r.start_at,
                        end_at: r.end_at,
                        status: Some(r.status),
                    };
                    (r.id, remote)
                })
                .collect();
            (p.connection_id, World { reservio, termino })
        })
        .collect()
}

/// Whether a snapshot still describes the booking it stands for.
fn compare(system: &str, snapshot: &Snapshot, remote: Option<&Remote>) -> Result<(), String> {
    match (remote, snapshot.vanished_at) {
        (None, Some(_)) => Ok(()),
        (None, None) => Err(format!("{system}: gone, the snapshot does not say so")),
        (Some(_), Some(_)) => Err(format!("{system}: marked vanished, yet it is there")),
        (Some(remote), None) => {
            if (remote.start_at, remote.end_at) != (snapshot.start_at, snapshot.end_at) {
                return Err(format!(
                    "{system}: snapshot {}–{}, system {}–{}",
                    snapshot.start_at, snapshot.end_at, remote.start_at, remote.end_at
                ));
            }
            match remote.status {
                Some(status) if status.as_str() == snapshot.status => Ok(()),
                Some(status) => Err(format!(
                    "{system}: snapshot {}, system {}",
                    snapshot.status,
                    status.as_str()
                )),
                None => Err(format!("{system}: a state bookbridge cannot read")),
            }
        }
    }
}

/// Whether the two systems agree with each other as far as sync promises: the same time, unless
/// cancelled on both sides (a cancellation never propagates, and a cancelled booking is not
/// merged).
fn across(reservio: Option<&Remote>, termino: Option<&Remote>) -> Result<(), String> {
    use BookingStatus::Cancelled;
    let (Some(r), Some(t)) = (reservio, termino) else {
        return Err("gone from a system".into());
    };
    match (r.status, t.status) {
        (Some(Cancelled), Some(Cancelled)) => Ok(()),
        (Some(Cancelled), _) | (_, Some(Cancelled)) => Err("cancelled in one system only".into()),
        (None, _) | (_, None) => Err("a state bookbridge cannot read".into()),
        _ if (r.start_at, r.end_at) != (t.start_at, t.end_at) => Err(format!(
            "reservio {}–{}, termino {}–{}",
            r.start_at, r.end_at, t.start_at, t.end_at
        )),
        _ => Ok(()),
    }
}

/// The links with both sides, sorted into agree / flagged / lost.
#[derive(Debug, Default)]
pub struct Links {
    pub total: u64,
    pub agree: u64,
    /// They differ, and an unresolved mismatch on the link says so.
    pub flagged: u64,
    /// They differ and nothing says so.
    pub lost: u64,
    pub examples: Vec<String>,
}

/// Sandbox bookings the database never saw, and snapshots whose booking is gone from the
/// sandbox without being marked vanished.
#[derive(Debug, Default)]
pub struct Coverage {
    pub unseen: u64,
    pub gone_unmarked: u64,
    pub examples: Vec<String>,
}

pub async fn links(
    db: &Db,
    sandbox: &Sandbox,
    partners: &[DemoPartner],
) -> Result<(Links, Coverage), sqlx::Error> {
    let worlds = worlds(sandbox, partners);
    let mut links = Links::default();
    // The links with both sides; one still missing a side has nothing to compare yet.
    for row in bookbridge::db::links::all_current(db).await? {
        let (Some((r_snapshot, t_snapshot)), Some(world)) =
            (row.sides.both(), worlds.get(&row.connection_id))
        else {
            continue;
        };
        links.total += 1;
        let reservio = world.reservio.get(&r_snapshot.external_id);
        let termino = world.termino.get(&t_snapshot.external_id);
        let problems: Vec<String> = [
            compare("reservio", r_snapshot, reservio),
            compare("termino", t_snapshot, termino),
            across(reservio, termino),
        ]
        .into_iter()
        .filter_map(Result::err)
        .collect();
        if problems.is_empty() {
            links.agree += 1;
        } else if row.open_mismatches > 0 {
            links.flagged += 1;
        } else {
            links.lost += 1;
            if links.examples.len() < EXAMPLES {
                links
                    .examples
                    .push(format!("link {}: {}", row.id, problems.join("; ")));
            }
        }
    }

    let mut coverage = Coverage::default();
    let known: Vec<(i64, String, String, Option<i64>)> = sqlx::query_as(
        "SELECT connection_id, system, external_id, vanished_at FROM external_bookings",
    )
    .fetch_all(db.pool())
    .await?;
    let mut seen = HashSet::new();
    for (connection_id, system, external_id, vanished_at) in &known {
        let Some(world) = worlds.get(connection_id) else {
            continue;
        };
        let there = match system.as_str() {
            "reservio" => world.reservio.contains_key(external_id),
            _ => world.termino.contains_key(external_id),
        };
        if !there && vanished_at.is_none() {
            coverage.gone_unmarked += 1;
            if coverage.examples.len() < EXAMPLES {
                coverage.examples.push(format!(
                    "{system} {external_id}: gone, the snapshot does not say so"
                ));
            }
        }
        seen.insert((*connection_id, system.as_str(), external_id.as_str()));
    }
    for (connection_id, world) in &worlds {
        let sides = [("reservio", &world.reservio), ("termino", &world.termino)];
        for (system, bookings) in sides {
            for id in bookings.keys() {
                if !seen.contains(&(*connection_id, system, id.as_str())) {
                    coverage.unseen += 1;
                    if coverage.examples.len() < EXAMPLES {
                        coverage
                            .examples
                            .push(format!("{system} {id}: never seen by the database"));
                    }
                }
            }
        }
    }
    Ok((links, coverage))
}

/// Changes a fake system applied more than once.
#[derive(Debug, Default)]
pub struct Twice {
    /// Termino: idempotency keys with more than one effect.
    pub termino_keys: u64,
    pub termino_effects: u64,
    /// Reservio: note keys (`bbkey:`) with more than one create.
    pub reservio_keys: u64,
    pub reservio_creates: u64,
    pub examples: Vec<String>,
}

pub fn applied_twice(sandbox: &Sandbox) -> Twice {
    let mut twice = Twice::default();
    let mut termino: HashMap<String, u64> = HashMap::new();
    for effect in sandbox.termino.effects() {
        twice.termino_effects += 1;
        *termino.entry(effect.idempotency_key).or_default() += 1;
    }
    let mut reservio: HashMap<String, u64> = HashMap::new();
    for effect in sandbox.reservio.effects() {
        if effect.kind != EffectKind::Created {
            continue;
        }
        twice.reservio_creates += 1;
        if let Some(key) = effect.key {
            *reservio.entry(key).or_default() += 1;
        }
    }
    for (system, counts, total) in [
        ("termino", &termino, &mut twice.termino_keys),
        ("reservio", &reservio, &mut twice.reservio_keys),
    ] {
        for (key, n) in counts.iter().filter(|(_, n)| **n > 1) {
            *total += 1;
            if twice.examples.len() < EXAMPLES {
                twice
                    .examples
                    .push(format!("{system}: key {key} applied {n} times"));
            }
        }
    }
    twice
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(start_at: i64, status: BookingStatus) -> Remote {
        Remote {
            start_at,
            end_at: start_at + 3600,
            status: Some(status),
        }
    }

    fn snapshot(start_at: i64, status: &str) -> Snapshot {
        Snapshot {
            start_at,
            end_at: start_at + 3600,
            status: status.into(),
            ..Snapshot::default()
        }
    }

    #[test]
    fn a_snapshot_agrees_only_with_the_same_time_and_status() {
        let there = remote(100, BookingStatus::Confirmed);
        assert!(compare("r", &snapshot(100, "confirmed"), Some(&there)).is_ok());
        assert!(compare("r", &snapshot(200, "confirmed"), Some(&there)).is_err());
        assert!(compare("r", &snapshot(100, "cancelled"), Some(&there)).is_err());
    }

    #[test]
    fn a_booking_gone_from_its_system_agrees_only_with_a_vanished_snapshot() {
        let mut gone = snapshot(100, "confirmed");
        assert!(compare("r", &gone, None).is_err());
        gone.vanished_at = Some(5);
        assert!(compare("r", &gone, None).is_ok());
        let there = remote(100, BookingStatus::Confirmed);
        assert!(compare("r", &gone, Some(&there)).is_err());
    }

    #[test]
    fn the_systems_must_agree_on_time_unless_both_are_cancelled() {
        use BookingStatus::*;
        assert!(across(Some(&remote(1, Confirmed)), Some(&remote(1, Pending))).is_ok());
        assert!(across(Some(&remote(1, Confirmed)), Some(&remote(2, Confirmed))).is_err());
        assert!(across(Some(&remote(1, Cancelled)), Some(&remote(2, Cancelled))).is_ok());
        assert!(across(Some(&remote(1, Cancelled)), Some(&remote(1, Confirmed))).is_err());
        assert!(across(None, Some(&remote(1, Confirmed))).is_err());
    }
}
