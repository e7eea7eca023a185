//! What the partner's bookings list reads: current links with both snapshots side by side and
//! their unresolved mismatches, filtered, sorted and a page at a time, and how many match.
//! One link in full is [`super::booking_detail`].
//!
//! Every query takes the partner id and is scoped by it: another partner's links never match.

use std::sync::LazyLock;

use sqlx::Row;

use crate::db::Db;
use crate::db::filter::{Bind, Where, like_escape};
use crate::db::link_sides::{self, JOIN_SNAPSHOTS, Snapshot};
use crate::domain::mismatch::Severity;
use crate::domain::{BookingStatus, MismatchKind, Sides};

/// How the list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// By appointment, earliest first.
    #[default]
    Time,
    /// By appointment, latest first.
    TimeDesc,
    /// Most recently changed by sync first.
    Changed,
    /// Most severe open mismatch first, then by appointment.
    Severity,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Time, Sort::TimeDesc, Sort::Changed, Sort::Severity];

    /// The value in the URL.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Time => "time",
            Sort::TimeDesc => "time_desc",
            Sort::Changed => "changed",
            Sort::Severity => "severity",
        }
    }

    pub fn parse(value: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Sort::Time => "bookings-sort-time",
            Sort::TimeDesc => "bookings-sort-time_desc",
            Sort::Changed => "bookings-sort-changed",
            Sort::Severity => "bookings-sort-severity",
        }
    }

    /// The value the list is ordered by, as an expression over `booking_links l`.
    fn key_sql(self) -> &'static str {
        match self {
            Sort::Time | Sort::TimeDesc => "l.appointment_at",
            Sort::Changed => "l.updated_at",
            Sort::Severity => SEVERITY_RANK,
        }
    }

    /// The ORDER BY terms over `booking_links l`; ties are broken by id, so pages never
    /// overlap.
    fn order_sql(self) -> String {
        let key = self.key_sql();
        match self {
            Sort::Time => format!("{key}, l.id"),
            Sort::TimeDesc | Sort::Changed => format!("{key} DESC, l.id DESC"),
            Sort::Severity => format!("{key} DESC, l.appointment_at, l.id"),
        }
    }
}

/// The rank of a link's worst unresolved mismatch, 0 when it has none.
const SEVERITY_RANK: &str = "CAST(COALESCE((SELECT MAX(CASE m.severity \
     WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END) \
     FROM mismatches m WHERE m.link_id = l.id AND m.state <> 'resolved'), 0) AS BIGINT)";

/// Which of the partner's current links to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// Appointments starting at or after this instant.
    pub from: Option<i64>,
    /// Appointments starting before this instant.
    pub until: Option<i64>,
    /// Only links with an unresolved mismatch.
    pub only_mismatches: bool,
    /// Only links with an unresolved mismatch of this kind.
    pub kind: Option<MismatchKind>,
    /// Only links where either side has this status.
    pub status: Option<BookingStatus>,
    /// Text to find in the voucher code or in either side's customer name, e-mail or phone.
    pub text: Option<String>,
    pub sort: Sort,
}

/// An unresolved mismatch of a listed link: what its badge says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Badge {
    /// `None` for a kind this build does not know (stored by a newer one).
    pub kind: Option<MismatchKind>,
    pub severity: Severity,
}

/// A current link with both sides and what disagrees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedLink {
    pub id: i64,
    pub voucher_code: Option<String>,
    pub appointment_at: i64,
    /// Since when a propagated change has been on its way to the other side.
    pub change_pending_since: Option<i64>,
    /// Each system's latest snapshot; `None` for a side not seen yet.
    pub sides: Sides<Option<Snapshot>>,
    /// Worst first.
    pub mismatches: Vec<Badge>,
}

/// Bits per kind in a mismatch code: a severity rank of 1–4, 0 for none.
const CODE_BITS: usize = 3;

fn severity_rank(severity: Severity) -> i64 {
    match severity {
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

/// A link's unresolved mismatches as one number: for the kind at position k of
/// [`MismatchKind::ALL`], its severity's rank times 8^k (unknown kinds after the last). A link
/// has at most one unresolved mismatch per kind (a unique index holds that line), so the
/// ranks never carry into each other, and a page of links needs no join that multiplies
/// its rows.
static MISMATCH_CODE: LazyLock<String> = LazyLock::new(|| {
    let slot = |k: usize| 1_i64 << (CODE_BITS * k);
    let kinds: String = MismatchKind::ALL
        .iter()
        .enumerate()
        .map(|(k, kind)| format!("WHEN '{}' THEN {} ", kind.as_str(), slot(k)))
        .collect();
    let ranks: String = Severity::ALL
        .iter()
        .map(|s| format!("WHEN '{}' THEN {} ", s.as_str(), severity_rank(*s)))
        .collect();
    format!(
        "(SELECT CAST(COALESCE(SUM((CASE m.kind {kinds}ELSE {} END) \
         * (CASE m.severity {ranks}ELSE 1 END)), 0) AS BIGINT) \
         FROM mismatches m WHERE m.link_id = l.id AND m.state <> 'resolved')",
        slot(MismatchKind::ALL.len())
    )
});

/// The badges a mismatch code stands for, worst first.
fn badges(code: i64) -> Vec<Badge> {
    let rank_at = |k: usize| (code >> (CODE_BITS * k)) & 0b111;
    let severity = |rank: i64| match rank {
        1 => Severity::Low,
        2 => Severity::Medium,
        3 => Severity::High,
        _ => Severity::Critical,
    };
    let mut out: Vec<Badge> = MismatchKind::ALL
        .iter()
        .enumerate()
        .filter(|(k, _)| rank_at(*k) > 0)
        .map(|(k, kind)| Badge {
            kind: Some(*kind),
            severity: severity(rank_at(k)),
        })
        .collect();
    // Several unknown kinds add up in the last slot; one badge says there are some.
    let unknown = code >> (CODE_BITS * MismatchKind::ALL.len());
    if unknown > 0 {
        out.push(Badge {
            kind: None,
            severity: severity(unknown.min(4)),
        });
    }
    out.sort_by_key(|b| std::cmp::Reverse(b.severity));
    out
}

/// The WHERE clause of a list query over `booking_links l`, and whether it reads the
/// snapshots `r` and `t` (so a count must join them).
fn filter(partner_id: i64, q: &ListQuery) -> (Where, bool) {
    let mut w = Where::new();
    let mut needs_sides = false;
    w.and("l.partner_id = {}", [Bind::Int(partner_id)]);
    w.and("l.superseded_by IS NULL", []);
    if let Some(from) = q.from {
        w.and("l.appointment_at >= {}", [Bind::Int(from)]);
    }
    if let Some(until) = q.until {
        w.and("l.appointment_at < {}", [Bind::Int(until)]);
    }
    match q.kind {
        Some(kind) => w.and(
            "EXISTS (SELECT 1 FROM mismatches m WHERE m.link_id = l.id \
             AND m.state <> 'resolved' AND m.kind = {})",
            [Bind::from(kind.as_str())],
        ),
        None if q.only_mismatches => w.and(
            "EXISTS (SELECT 1 FROM mismatches m WHERE m.link_id = l.id \
             AND m.state <> 'resolved')",
            [],
        ),
        None => {}
    }
    if let Some(status) = q.status {
        let status = Bind::from(status.as_str());
        w.and("(r.status = {} OR t.status = {})", [status.clone(), status]);
        needs_sides = true;
    }
    if let Some(text) = q.text.as_deref().filter(|t| !t.is_empty()) {
        // Lower-cased here too: SQLite's LOWER only knows ASCII, so "NOVÁKOVÁ" must arrive
        // as "nováková" to find "Nováková".
        let pattern = Bind::Text(format!("%{}%", like_escape(&text.to_lowercase())));
        let columns = [
            "l.voucher_code",
            "r.customer_name",
            "r.customer_email",
            "r.customer_phone",
            "t.customer_name",
            "t.customer_email",
            "t.customer_phone",
        ];
        let any: Vec<String> = columns
            .iter()
            .map(|c| format!("LOWER({c}) LIKE LOWER({{}}) ESCAPE '\\'"))
            .collect();
        w.and(
            &format!("({})", any.join(" OR ")),
            std::iter::repeat_n(pattern, columns.len()),
        );
        needs_sides = true;
    }
    (w, needs_sides)
}

/// A link's sides as the list shows them: the ready value the database keeps on the link
/// (migration 0019), or, should one be missing, the same value computed by its view.
const LIST_ROW: &str = "COALESCE(l.list_row, \
     (SELECT v.list_row FROM link_list_rows v WHERE v.link_id = l.id)) AS list_row";

/// One page of the partner's current links that match `q`, each with both sides and its
/// unresolved mismatches: one query. The sides come ready, one value per link; the snapshots
/// are joined only when a filter reads them.
pub async fn list(
    db: &Db,
    partner_id: i64,
    q: &ListQuery,
    limit: i64,
    offset: i64,
) -> Result<Vec<ListedLink>, sqlx::Error> {
    Ok(read(db, partner_id, q, (limit, offset), None).await?.0)
}

/// [`list`], and how many links match, counting no further than `cap` (see [`count`]), in the
/// same query: the count is a subquery the database runs once per statement, not once per
/// row. It comes with the rows, so a page past the end (no row) gives `None`; [`count`] tells
/// that total.
pub async fn list_counted(
    db: &Db,
    partner_id: i64,
    q: &ListQuery,
    page: (i64, i64),
    cap: i64,
) -> Result<(Vec<ListedLink>, Option<i64>), sqlx::Error> {
    read(db, partner_id, q, page, Some(cap)).await
}

async fn read(
    db: &Db,
    partner_id: i64,
    q: &ListQuery,
    page: (i64, i64),
    cap: Option<i64>,
) -> Result<(Vec<ListedLink>, Option<i64>), sqlx::Error> {
    let (limit, offset) = page;
    let (mut w, needs_sides) = filter(partner_id, q);
    let joins = if needs_sides { JOIN_SNAPSHOTS } else { "" };
    let order = q.sort.order_sql();
    // The count's subquery has its own `l` (and `r`, `t`), which the same conditions name
    // with the same placeholders.
    let counted = match cap {
        Some(cap) => {
            let cap = w.bind(cap);
            format!(
                "(SELECT COUNT(*) FROM (SELECT 1 AS one FROM booking_links l {joins}{} \
                 LIMIT {cap}) AS counted)",
                w.sql()
            )
        }
        None => "NULL".to_string(),
    };
    let limit = w.bind(limit);
    let offset = w.bind(offset);
    let sql = format!(
        "SELECT l.id, l.voucher_code, l.appointment_at, l.change_pending_since, {LIST_ROW}, \
         {} AS mismatch_code, CAST({counted} AS BIGINT) AS counted \
         FROM booking_links l {joins}{} \
         ORDER BY {order} LIMIT {limit} OFFSET {offset}",
        *MISMATCH_CODE,
        w.sql(),
    );
    let rows = w.bind_to(sqlx::query(&sql)).fetch_all(db.pool()).await?;
    let counted = match rows.first() {
        Some(row) => row.try_get::<Option<i64>, _>("counted")?,
        None => None,
    };
    let links = rows
        .iter()
        .map(|row| {
            let sides = link_sides::decode_list_row(row.try_get::<&str, _>("list_row")?)?;
            Ok(ListedLink {
                id: row.try_get("id")?,
                voucher_code: row.try_get("voucher_code")?,
                appointment_at: row.try_get("appointment_at")?,
                change_pending_since: row.try_get("change_pending_since")?,
                sides,
                mismatches: badges(row.try_get("mismatch_code")?),
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok((links, counted))
}

/// How many links match `q`, counting no further than `cap`: counting every one of a large
/// partner's links on each page view would cost more than the page itself.
pub async fn count(db: &Db, partner_id: i64, q: &ListQuery, cap: i64) -> Result<i64, sqlx::Error> {
    let (mut w, needs_sides) = filter(partner_id, q);
    let joins = if needs_sides { JOIN_SNAPSHOTS } else { "" };
    let cap = w.bind(cap);
    let sql = format!(
        "SELECT COUNT(*) FROM (SELECT 1 AS one FROM booking_links l {joins}{} \
         LIMIT {cap}) AS counted",
        w.sql()
    );
    let (n,): (i64,) = w.bind_as(sqlx::query_as(&sql)).fetch_one(db.pool()).await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sort_round_trips_through_its_url_value() {
        for sort in Sort::ALL {
            assert_eq!(Sort::parse(sort.as_str()), Some(sort));
        }
        assert_eq!(Sort::parse("price"), None);
    }

    #[test]
    fn filters_read_the_snapshots_only_when_they_must() {
        let q = ListQuery {
            from: Some(10),
            kind: Some(MismatchKind::StatusDiffers),
            ..ListQuery::default()
        };
        let (w, needs_sides) = filter(7, &q);
        let sql = w.sql();
        assert!(sql.starts_with(" WHERE l.partner_id = $1 AND l.superseded_by IS NULL"));
        assert!(sql.contains("l.appointment_at >= $2"));
        assert!(sql.contains("m.kind = $3"));
        assert!(!needs_sides, "{sql}");
        let text = ListQuery {
            text: Some("Nová".into()),
            ..ListQuery::default()
        };
        let (w, needs_sides) = filter(7, &text);
        assert!(needs_sides);
        assert!(
            w.sql()
                .contains("LOWER(t.customer_phone) LIKE LOWER($8) ESCAPE '\\'")
        );
    }

    #[test]
    fn a_mismatch_code_gives_back_each_kind_with_its_severity_worst_first() {
        let slot = |k: usize| 1_i64 << (CODE_BITS * k);
        let conflict = MismatchKind::ALL.len() - 1;
        let code = 2 * slot(4) + 4 * slot(7) + slot(conflict);
        let got = badges(code);
        let kinds: Vec<Option<MismatchKind>> = got.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            vec![
                Some(MismatchKind::DeletedRemotely),
                Some(MismatchKind::ServiceDiffers),
                Some(MismatchKind::Conflict)
            ]
        );
        assert_eq!(got[0].severity, Severity::Critical);
        assert_eq!(got[2].severity, Severity::Low);
        assert!(badges(0).is_empty());
    }

    #[test]
    fn unknown_kinds_show_as_one_badge() {
        let unknown = 1_i64 << (CODE_BITS * MismatchKind::ALL.len());
        let got = badges(6 * unknown);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].kind, None);
        assert_eq!(got[0].severity, Severity::Critical);
    }

    #[test]
    fn the_mismatch_code_names_every_kind_and_severity() {
        for kind in MismatchKind::ALL {
            assert!(MISMATCH_CODE.contains(&format!("'{}'", kind.as_str())));
        }
        for severity in Severity::ALL {
            assert!(MISMATCH_CODE.contains(&format!("'{}'", severity.as_str())));
        }
    }
}
