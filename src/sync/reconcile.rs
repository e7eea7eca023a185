//! Reconcile: run the three-way merge on each link and apply its decisions — pushes into the
//! outbox, mismatches opened or resolved, the new base — in one transaction per link that
//! needs one. Links that agree and stay agreed cost one read and no write.

use std::collections::HashSet;

use super::context::{SYNC, SyncContext, SyncError};
use crate::audit::{self, Event};
use crate::db::connections::{Connection, ServiceMap};
use crate::db::links::{self, LinkRow};
use crate::db::mismatches::{self, Detected};
use crate::db::outbox::{self, NewPush};
use crate::db::{Tx, accepted};
use crate::domain::mismatch::MismatchKind;
use crate::domain::procedure::ProcedureKind;
use crate::domain::reconcile::{
    Base, LinkView, Outcome, Push, Side, Snapshot, next_check_at, reconcile,
};
use crate::domain::{BookingStatus, Customer, NewBooking, System};

/// What a reconcile pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReconcileReport {
    pub links_seen: usize,
    pub links_written: usize,
    /// Links whose stored state the pass changed: a new base, a change found on its way or
    /// arrived, a push enqueued, a mismatch opened or resolved (refreshing one that stays open
    /// is not a change).
    pub links_changed: usize,
    pub pushes_enqueued: usize,
    pub mismatches_opened: usize,
    pub mismatches_resolved: usize,
}

/// Links read by reconcile in this process since it started (for the benchmark of a whole
/// channel: the cost of a quiet channel is how slowly this grows).
static LINKS_READ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Links read by reconcile in this process so far.
pub fn links_read() -> u64 {
    LINKS_READ.load(std::sync::atomic::Ordering::Relaxed)
}

/// Links read per query. Each page costs a round trip and, on PostgreSQL, a fresh plan of the
/// joined query (several milliseconds); at 1,000 links that overhead was a third of a pass over
/// 1,000,000 links. A page of 5,000 holds a few MiB, so memory stays flat however many links
/// a connection has.
pub const PAGE: i64 = 5000;

fn status(raw: &str) -> BookingStatus {
    raw.parse().unwrap_or(BookingStatus::Confirmed)
}

/// The link as the pure merge sees it. Termino offers are translated to Reservio services so
/// both sides name services alike; an unmapped one becomes `None`.
pub fn view_of(row: &LinkRow, map: &ServiceMap) -> LinkView {
    let sides = row.sides.as_ref().map(|system, side| match side {
        None => Side::NotYetSeen,
        Some(s) => match s.vanished_at {
            Some(since) => Side::Vanished { since },
            None => Side::Present(Snapshot {
                start_at: s.start_at,
                end_at: s.end_at,
                service: match system {
                    System::Reservio => map
                        .offer_for_service(&s.service_id)
                        .map(|_| s.service_id.as_str()),
                    System::Termino => map.service_for_offer(&s.service_id),
                }
                .map(str::to_string),
                customer: Customer {
                    name: s.customer_name.clone(),
                    email: s.customer_email.clone(),
                    phone: s.customer_phone.clone(),
                },
                status: status(&s.status),
                self_rescheduled: s.self_rescheduled,
            }),
        },
    });
    let base = row.base.as_ref().map(|b| Base {
        start_at: b.start_at,
        end_at: b.end_at,
        service: b.service_id.clone(),
        customer: Customer {
            name: b.customer_name.clone(),
            email: b.customer_email.clone(),
            phone: b.customer_phone.clone(),
        },
        status: status(&b.status),
    });
    LinkView {
        base,
        sides,
        origin: row.origin_system.parse().unwrap_or(System::Termino),
        created_at: row.created_at,
        change_pending_since: row.change_pending_since,
        has_open_care_case: row.has_open_case != 0,
        pending_pushes: row.pending_pushes != 0,
    }
}

/// Whether applying the outcome would change nothing that is stored.
fn is_noop(row: &LinkRow, view: &LinkView, outcome: &Outcome) -> bool {
    outcome.pushes.is_empty()
        && outcome.findings.is_empty()
        && row.open_mismatches == 0
        && outcome.change_pending_since == row.change_pending_since
        && match &outcome.new_base {
            None => true,
            Some(new) => view.base.as_ref() == Some(new),
        }
}

/// Reconciles the links of a connection that need it: one of their inputs changed since the
/// last look (their snapshots, pushes, cases, procedures, mismatches — each marks its link when
/// written), or a time-based check falls due (`next_check_at`). A quiet connection costs one
/// indexed look-up, however many links it has.
pub async fn reconcile_connection(
    ctx: &SyncContext,
    connection: &Connection,
    map: &ServiceMap,
) -> Result<ReconcileReport, SyncError> {
    let now = ctx.clock.now();
    reconcile_pages(ctx, connection, map, |after| {
        links::page_due_for_connection(&ctx.db, connection.id, now, after, PAGE)
    })
    .await
}

/// Reconciles every current link of a connection, whether marked or not: the slow safety net
/// behind [`reconcile_connection`]. In a healthy system it writes nothing (its
/// `links_changed` counts what the incremental reconcile missed).
pub async fn reconcile_all(
    ctx: &SyncContext,
    connection: &Connection,
    map: &ServiceMap,
) -> Result<ReconcileReport, SyncError> {
    reconcile_pages(ctx, connection, map, |after| {
        links::page_for_connection(&ctx.db, connection.id, after, PAGE)
    })
    .await
}

async fn reconcile_pages<F, Fut>(
    ctx: &SyncContext,
    connection: &Connection,
    map: &ServiceMap,
    page: F,
) -> Result<ReconcileReport, SyncError>
where
    F: Fn(i64) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<LinkRow>, sqlx::Error>>,
{
    let mut report = ReconcileReport::default();
    let mut after = 0;
    loop {
        let rows = page(after).await?;
        let Some(last) = rows.last() else {
            break;
        };
        after = last.id;
        let full_page = rows.len() as i64 == PAGE;
        LINKS_READ.fetch_add(rows.len() as u64, std::sync::atomic::Ordering::Relaxed);
        let mut writes = Writes::new(ctx);
        for row in &rows {
            report.links_seen += 1;
            reconcile_row(ctx, connection, map, row, &mut report, &mut writes).await?;
        }
        writes.finish().await?;
        if !full_page {
            break;
        }
    }
    Ok(report)
}

/// Reconciles one link (after a push, a procedure step, or a notification).
pub async fn reconcile_link(
    ctx: &SyncContext,
    connection: &Connection,
    map: &ServiceMap,
    link_id: i64,
) -> Result<ReconcileReport, SyncError> {
    let mut report = ReconcileReport::default();
    if let Some(row) = links::find_row(&ctx.db, link_id).await? {
        report.links_seen = 1;
        let mut writes = Writes::new(ctx);
        reconcile_row(ctx, connection, map, &row, &mut report, &mut writes).await?;
        writes.finish().await?;
    }
    Ok(report)
}

/// Links whose writes share one transaction. A first sync writes nearly every link it places
/// (its agreed state, a mismatch), and a transaction of its own for each one made that many
/// commits, each one a turn at the audit chain's head; this many to a transaction keeps the
/// rows a transaction holds (and SQLite's single writer) to a short while.
const WRITE_BATCH: usize = 20;

/// The write transaction links of one page share: begun when the first of them has something
/// to write, committed every [`WRITE_BATCH`] links and at the end of the page. A failure rolls
/// back the links since the last commit; they stay marked, so the next sync does them again.
struct Writes<'c> {
    ctx: &'c SyncContext,
    tx: Option<Tx>,
    links: usize,
}

impl<'c> Writes<'c> {
    fn new(ctx: &'c SyncContext) -> Self {
        Writes {
            ctx,
            tx: None,
            links: 0,
        }
    }

    async fn tx(&mut self) -> Result<&mut Tx, sqlx::Error> {
        if self.tx.is_none() {
            self.tx = Some(self.ctx.db.begin_write().await?);
        }
        self.tx
            .as_mut()
            .ok_or_else(|| sqlx::Error::Protocol("no write transaction".into()))
    }

    /// When reconcile must look at a link again, for a link with nothing else to write: in the
    /// open transaction if there is one (on SQLite, a write beside it would wait for it), else
    /// on its own. Not if the link was marked since it was read.
    async fn next_check(&mut self, row: &LinkRow, at: Option<i64>) -> Result<(), sqlx::Error> {
        match self.tx.as_mut() {
            Some(tx) => links::set_next_check_unless_marked(&mut **tx, row.id, at, row.marks).await,
            None => {
                let pool = self.ctx.db.pool();
                links::set_next_check_unless_marked(pool, row.id, at, row.marks).await
            }
        }
        .map(|_| ())
    }

    /// One more link's writes are in; commits when the batch is full.
    async fn link_written(&mut self) -> Result<(), sqlx::Error> {
        self.links += 1;
        if self.links >= WRITE_BATCH {
            self.finish_batch().await?;
        }
        Ok(())
    }

    async fn finish_batch(&mut self) -> Result<(), sqlx::Error> {
        self.links = 0;
        match self.tx.take() {
            Some(tx) => tx.commit().await,
            None => Ok(()),
        }
    }

    async fn finish(mut self) -> Result<(), sqlx::Error> {
        self.finish_batch().await
    }
}

async fn reconcile_row(
    ctx: &SyncContext,
    connection: &Connection,
    map: &ServiceMap,
    row: &LinkRow,
    report: &mut ReconcileReport,
    writes: &mut Writes<'_>,
) -> Result<(), SyncError> {
    let now = ctx.clock.now();
    let view = view_of(row, map);
    let outcome = reconcile(&view, now, &ctx.settings.policy);
    let next_check = next_check_at(&view, &outcome, now, &ctx.settings.policy);
    if is_noop(row, &view, &outcome) {
        if row.next_check_at != next_check {
            writes.next_check(row, next_check).await?;
        }
        return Ok(());
    }
    let tx = writes.tx().await?;
    // Marked since it was read (a procedure's step, a push's answer): decided on what is
    // already out of date. It stays marked, and the next pass decides on what marked it.
    if !links::take_unless_marked(tx, row.id, row.marks).await? {
        return Ok(());
    }
    report.links_written += 1;
    let before = (
        report.pushes_enqueued,
        report.mismatches_opened,
        report.mismatches_resolved,
    );

    let base_changed = outcome
        .new_base
        .as_ref()
        .is_some_and(|new| view.base.as_ref() != Some(new));
    let new_base = outcome.new_base.as_ref();
    links::set_base(
        tx,
        row.id,
        if base_changed { new_base } else { None },
        outcome.change_pending_since,
        now,
    )
    .await?;
    if base_changed {
        audit::append(
            tx,
            now,
            Event::new(&SYNC, "link.agreed", "booking_link", row.id)
                .partner(Some(row.partner_id))
                .after(serde_json::json!({
                    "start_at": new_base.map(|b| b.start_at),
                    "end_at": new_base.map(|b| b.end_at),
                    "status": new_base.map(|b| b.status.as_str()),
                })),
        )?;
    }

    for push in &outcome.pushes {
        let Some(planned) = plan_push(row, map, push) else {
            continue;
        };
        let enqueued = outbox::enqueue(
            tx,
            &NewPush {
                connection_id: connection.id,
                link_id: Some(row.id),
                procedure_id: None,
                system: planned.system.as_str(),
                action: planned.action,
                payload: &planned.payload,
                idempotency_key: &planned.key,
                reason: planned.reason,
            },
            now,
        )
        .await?;
        if let Some(id) = enqueued {
            report.pushes_enqueued += 1;
            audit::append(
                tx,
                now,
                Event::new(&SYNC, "push.enqueued", "outbox", id)
                    .partner(Some(row.partner_id))
                    .after(serde_json::json!({
                        "link_id": row.id,
                        "system": planned.system.as_str(),
                        "action": planned.action,
                        "payload": planned.payload,
                    })),
            )?;
        }
    }

    let unresolved = mismatches::unresolved_for_link(tx, row.id).await?;
    let intended = row
        .active_procedure
        .as_deref()
        .and_then(|k| k.parse::<ProcedureKind>().ok())
        .map_or(&[][..], ProcedureKind::intended_differences);
    // Differences Partner Care accepted stay silent until either side changes again.
    let accepted = if outcome.findings.is_empty() {
        vec![]
    } else {
        accepted::still_accepted(tx, row.id).await?
    };
    let mut present: HashSet<&str> = HashSet::new();
    for finding in &outcome.findings {
        if accepted.iter().any(|k| k == finding.kind.as_str()) {
            continue;
        }
        // The procedure under way produces this difference on its way: flagging it would make
        // the history flap (agreed → flagged → resolved). One already open stays open.
        let already_open = unresolved.iter().any(|m| m.kind == finding.kind.as_str());
        if intended.contains(&finding.kind) && !already_open {
            continue;
        }
        present.insert(finding.kind.as_str());
        let (id, opened) = mismatches::open_or_refresh(
            tx,
            &Detected {
                link_id: row.id,
                partner_id: row.partner_id,
                kind: finding.kind.as_str(),
                severity: finding.severity.as_str(),
                details: &finding.detail,
            },
            now,
        )
        .await?;
        if opened {
            report.mismatches_opened += 1;
            audit::append(
                tx,
                now,
                Event::new(&SYNC, "mismatch.opened", "mismatch", id)
                    .partner(Some(row.partner_id))
                    .after(serde_json::json!({
                        "link_id": row.id,
                        "kind": finding.kind.as_str(),
                        "severity": finding.severity.as_str(),
                        "detail": finding.detail,
                    })),
            )?;
        }
    }
    // A failed push stays flagged until the link is fully in agreement again.
    let agreed = outcome.findings.is_empty() && outcome.pushes.is_empty() && !view.pending_pushes;
    // A side we cannot see agrees with nothing: while one has vanished, what was found by
    // looking at it stays open, and the same row carries on when the booking comes back.
    let out_of_view = view
        .sides
        .pairs()
        .iter()
        .any(|(_, side)| matches!(side, Side::Vanished { .. }));
    for open in unresolved {
        let compares = open
            .kind
            .parse::<MismatchKind>()
            .is_ok_and(MismatchKind::needs_both_sides_to_resolve);
        let keep = present.contains(open.kind.as_str())
            || (compares && out_of_view)
            || (open.kind == MismatchKind::PushFailed.as_str() && !agreed)
            // The procedure runner owns this one.
            || open.kind == MismatchKind::ProcedureFailed.as_str();
        if keep {
            continue;
        }
        if mismatches::resolve(tx, open.id, "sync", "both sides agree again", now).await? {
            report.mismatches_resolved += 1;
            audit::append(
                tx,
                now,
                Event::new(&SYNC, "mismatch.resolved", "mismatch", open.id)
                    .partner(Some(row.partner_id))
                    .before(serde_json::json!({ "kind": open.kind, "state": open.state }))
                    .after(serde_json::json!({ "state": "resolved", "by": "sync" })),
            )?;
        }
    }
    // Last: the writes above marked the link for a check of their own.
    links::set_next_check_in(tx, row.id, next_check).await?;
    writes.link_written().await?;
    let after = (
        report.pushes_enqueued,
        report.mismatches_opened,
        report.mismatches_resolved,
    );
    if base_changed || outcome.change_pending_since != row.change_pending_since || after != before {
        report.links_changed += 1;
    }
    Ok(())
}

/// A push ready for the outbox.
struct PlannedPush {
    system: System,
    action: &'static str,
    payload: String,
    key: String,
    reason: &'static str,
}

fn external_id(row: &LinkRow, system: System) -> Option<String> {
    Some(row.sides.get(system).as_ref()?.external_id.clone())
}

fn plan_push(row: &LinkRow, map: &ServiceMap, push: &Push) -> Option<PlannedPush> {
    match push {
        Push::UpdateTime {
            to,
            start_at,
            end_at,
        } => Some(PlannedPush {
            system: *to,
            action: "update_time",
            payload: serde_json::json!({
                "external_id": external_id(row, *to)?,
                "start_at": start_at,
                "end_at": end_at,
            })
            .to_string(),
            // The base is part of the key: the same decision made twice is one push, while
            // moving back to an earlier time later is a new decision with a new key.
            key: format!(
                "link{}-time-{}-from-{}-{}-to-{start_at}-{end_at}",
                row.id,
                to.as_str(),
                row.base.as_ref().map_or(0, |b| b.start_at),
                row.base.as_ref().map_or(0, |b| b.end_at)
            ),
            reason: "a date change propagates to the other system",
        }),
        Push::UpdateCustomer { to, customer } => {
            let payload = serde_json::json!({
                "external_id": external_id(row, *to)?,
                "customer": customer,
            })
            .to_string();
            let digest = {
                use sha2::{Digest, Sha256};
                let mut hasher = Sha256::new();
                hasher.update(payload.as_bytes());
                let base = row.base.as_ref();
                for field in [
                    base.map(|b| &b.customer_name),
                    base.map(|b| &b.customer_email),
                    base.map(|b| &b.customer_phone),
                ] {
                    hasher.update(b"\x1f");
                    hasher.update(field.map_or("", String::as_str).as_bytes());
                }
                hex::encode(&hasher.finalize()[..8])
            };
            Some(PlannedPush {
                system: *to,
                action: "update_customer",
                payload,
                key: format!("link{}-customer-{}-{digest}", row.id, to.as_str()),
                reason: "customer details propagate to the other system",
            })
        }
        Push::Create { to } => {
            // A copy of the other side: a voucher redeemed in Termino must appear in the
            // partner's calendar, and a Reservio booking gets its Termino reservation.
            let from = row.sides.get(to.other()).as_ref()?;
            let service_id = match to {
                System::Reservio => map.service_for_offer(&from.service_id)?,
                System::Termino => map.offer_for_service(&from.service_id)?,
            };
            let booking = NewBooking {
                start_at: from.start_at,
                end_at: from.end_at,
                service_id: service_id.to_string(),
                customer: Customer {
                    name: from.customer_name.clone(),
                    email: from.customer_email.clone(),
                    phone: from.customer_phone.clone(),
                },
                voucher_code: match to {
                    System::Reservio => row.voucher_code.clone(),
                    // Termino reservations always belong to a voucher.
                    System::Termino => Some(row.voucher_code.clone()?),
                },
                counterpart_id: Some(from.external_id.clone()),
            };
            Some(PlannedPush {
                system: *to,
                action: "create",
                payload: serde_json::to_string(&booking).ok()?,
                key: format!("link{}-create-{}", row.id, to.as_str()),
                reason: "the booking exists on one side only",
            })
        }
    }
}
