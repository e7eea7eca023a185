//! A link's two snapshots and its base as every read decodes them — the sync's link read, one
//! booking in full: one list of columns, one set of joins, one decoder. The bookings list reads
//! the sides ready, as one value kept on the link ([`decode_list_row`]).
//!
//! What is selected depends on the reader ([`Read`]): reconcile reads thousands of links, so it
//! takes only the columns it uses.

use std::sync::LazyLock;

use serde::Deserialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::domain::Sides;

/// One side of a link: its system's latest snapshot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub booking_id: i64,
    pub start_at: i64,
    pub end_at: i64,
    /// The system's own id: a Reservio service or a Termino offer.
    pub service_id: String,
    /// Its name from the connection's service mappings; `None` when it is not mapped (or the
    /// read took no names: [`Read::Sync`]).
    pub service_name: Option<String>,
    /// The Reservio service it is mapped to (for Reservio, itself), so both sides compare;
    /// `None` when unmapped (or the read took no names).
    pub mapped_service: Option<String>,
    pub customer_name: String,
    pub customer_email: String,
    pub customer_phone: String,
    pub status: String,
    /// When sync noticed the booking had gone from its system.
    pub vanished_at: Option<i64>,
    /// The booking's id in its own system (empty in the bookings list's row).
    pub external_id: String,
    /// Termino: the customer has used their one self-reschedule (not in the list's row).
    pub self_rescheduled: bool,
    /// When sync last read it (only read by [`Read::Full`]).
    pub fetched_at: i64,
}

/// The last state both sides agreed on, as stored on the link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredBase {
    pub start_at: i64,
    pub end_at: i64,
    /// A Reservio service id.
    pub service_id: Option<String>,
    /// Its name from the mappings (only read by [`Read::Full`]).
    pub service_name: Option<String>,
    pub customer_name: String,
    pub customer_email: String,
    pub customer_phone: String,
    pub status: String,
}

/// Which reader reads the sides, and so which columns are selected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Read {
    /// Reconcile over a connection's links: the snapshots with their external ids, and the
    /// base; no service names (reconcile maps services itself).
    Sync,
    /// One link in full: everything.
    Full,
}

impl Read {
    /// Every reader, in the order of their discriminants (an index into per-read tables).
    pub const ALL: [Read; 2] = [Read::Sync, Read::Full];

    /// Service names and when each side was read: only one link in full.
    fn full(self) -> bool {
        self == Read::Full
    }

    /// The columns of both snapshots (prefixed `r_` and `t_`) and of the base (`base_`), over
    /// `booking_links l` with [`Read::joins`].
    pub fn columns(self) -> &'static str {
        &COLUMNS[self as usize]
    }

    /// The joins that bring both snapshots of `booking_links l` (and, when named, their
    /// services' mappings).
    pub fn joins(self) -> &'static str {
        match self {
            Read::Sync => JOIN_SNAPSHOTS,
            Read::Full => JOIN_FULL,
        }
    }

    fn build_columns(self) -> String {
        let mut columns = vec![];
        for p in ["r", "t"] {
            for c in [
                "id",
                "start_at",
                "end_at",
                "service_id",
                "customer_name",
                "customer_email",
                "customer_phone",
                "status",
                "vanished_at",
            ] {
                columns.push(format!("{p}.{c} AS {p}_{c}"));
            }
            for c in ["external_id", "self_rescheduled"] {
                columns.push(format!("{p}.{c} AS {p}_{c}"));
            }
            if self.full() {
                columns.push(format!("{p}.fetched_at AS {p}_fetched_at"));
            }
        }
        if self.full() {
            columns.push("rs.reservio_service_name AS r_service_name".into());
            columns.push("ts.termino_offer_name AS t_service_name".into());
            columns.push("ts.reservio_service_id AS t_mapped_service".into());
        }
        for c in BASE {
            columns.push(format!("l.base_{c}"));
        }
        if self.full() {
            columns.push("bs.reservio_service_name AS base_service_name".into());
        }
        columns.join(", ")
    }
}

/// The base's own columns on `booking_links`, after `base_`.
const BASE: [&str; 7] = [
    "start_at",
    "end_at",
    "service_id",
    "customer_name",
    "customer_email",
    "customer_phone",
    "status",
];

static COLUMNS: LazyLock<[String; 2]> = LazyLock::new(|| Read::ALL.map(Read::build_columns));

/// Both snapshots of `booking_links l`, without their service names (also for counting).
pub const JOIN_SNAPSHOTS: &str = "LEFT JOIN external_bookings r ON r.id = l.reservio_booking_id \
     LEFT JOIN external_bookings t ON t.id = l.termino_booking_id";

/// Both snapshots of `booking_links l`, the mappings that name their services and the one that
/// names the base's service.
const JOIN_FULL: &str = "LEFT JOIN external_bookings r ON r.id = l.reservio_booking_id \
     LEFT JOIN external_bookings t ON t.id = l.termino_booking_id \
     LEFT JOIN service_mappings rs ON rs.connection_id = l.connection_id \
         AND rs.reservio_service_id = r.service_id \
     LEFT JOIN service_mappings ts ON ts.connection_id = l.connection_id \
         AND ts.termino_offer_id = t.service_id \
     LEFT JOIN service_mappings bs ON bs.connection_id = l.connection_id \
         AND bs.reservio_service_id = l.base_service_id";

/// Both snapshots (`None` for a side not seen yet) and the base (`None` until the sides
/// agreed once), from a row that selected [`Read::columns`] of `read`.
pub fn decode(
    row: &AnyRow,
    read: Read,
) -> Result<(Sides<Option<Snapshot>>, Option<StoredBase>), sqlx::Error> {
    let reservio = snapshot(row, read, &RESERVIO)?.map(|mut s| {
        // A Reservio service is mapped when a mapping names it.
        s.mapped_service = s.service_name.as_ref().map(|_| s.service_id.clone());
        s
    });
    let termino = snapshot(row, read, &TERMINO)?;
    Ok((Sides { reservio, termino }, base(row, read)?))
}

/// The column names of one side, as [`Read::columns`] selects them.
struct Names {
    id: &'static str,
    start_at: &'static str,
    end_at: &'static str,
    service_id: &'static str,
    customer_name: &'static str,
    customer_email: &'static str,
    customer_phone: &'static str,
    status: &'static str,
    vanished_at: &'static str,
    external_id: &'static str,
    self_rescheduled: &'static str,
    fetched_at: &'static str,
    service_name: &'static str,
    /// Only Termino's offers are mapped to another system's service.
    mapped_service: Option<&'static str>,
}

macro_rules! names {
    ($p:literal, $mapped:expr) => {
        Names {
            id: concat!($p, "_id"),
            start_at: concat!($p, "_start_at"),
            end_at: concat!($p, "_end_at"),
            service_id: concat!($p, "_service_id"),
            customer_name: concat!($p, "_customer_name"),
            customer_email: concat!($p, "_customer_email"),
            customer_phone: concat!($p, "_customer_phone"),
            status: concat!($p, "_status"),
            vanished_at: concat!($p, "_vanished_at"),
            external_id: concat!($p, "_external_id"),
            self_rescheduled: concat!($p, "_self_rescheduled"),
            fetched_at: concat!($p, "_fetched_at"),
            service_name: concat!($p, "_service_name"),
            mapped_service: $mapped,
        }
    };
}

const RESERVIO: Names = names!("r", None);
const TERMINO: Names = names!("t", Some("t_mapped_service"));

fn snapshot(row: &AnyRow, read: Read, n: &Names) -> Result<Option<Snapshot>, sqlx::Error> {
    let Some(booking_id) = row.try_get::<Option<i64>, _>(n.id)? else {
        return Ok(None);
    };
    let int = |c: &str| -> Result<i64, sqlx::Error> {
        Ok(row.try_get::<Option<i64>, _>(c)?.unwrap_or_default())
    };
    let text = |c: &str| -> Result<String, sqlx::Error> {
        Ok(row.try_get::<Option<String>, _>(c)?.unwrap_or_default())
    };
    let named = |c: Option<&str>| -> Result<Option<String>, sqlx::Error> {
        match c {
            Some(c) if read.full() => row.try_get(c),
            _ => Ok(None),
        }
    };
    Ok(Some(Snapshot {
        booking_id,
        start_at: int(n.start_at)?,
        end_at: int(n.end_at)?,
        service_id: text(n.service_id)?,
        service_name: named(Some(n.service_name))?,
        mapped_service: named(n.mapped_service)?,
        customer_name: text(n.customer_name)?,
        customer_email: text(n.customer_email)?,
        customer_phone: text(n.customer_phone)?,
        status: text(n.status)?,
        vanished_at: row.try_get(n.vanished_at)?,
        external_id: text(n.external_id)?,
        self_rescheduled: int(n.self_rescheduled)? != 0,
        fetched_at: if read.full() { int(n.fetched_at)? } else { 0 },
    }))
}

fn base(row: &AnyRow, read: Read) -> Result<Option<StoredBase>, sqlx::Error> {
    let start_at: Option<i64> = row.try_get("base_start_at")?;
    let end_at: Option<i64> = row.try_get("base_end_at")?;
    let (Some(start_at), Some(end_at)) = (start_at, end_at) else {
        return Ok(None);
    };
    let text = |c: &str| -> Result<String, sqlx::Error> {
        Ok(row.try_get::<Option<String>, _>(c)?.unwrap_or_default())
    };
    Ok(Some(StoredBase {
        start_at,
        end_at,
        service_id: row.try_get("base_service_id")?,
        service_name: if read.full() {
            row.try_get("base_service_name")?
        } else {
            None
        },
        customer_name: text("base_customer_name")?,
        customer_email: text("base_customer_email")?,
        customer_phone: text("base_customer_phone")?,
        status: text("base_status")?,
    }))
}

/// The bookings list's row of a link as stored ready in `booking_links.list_row`: an object
/// with one object per side, `r` and `t`, each with what the list shows of its snapshot and the
/// names its connection's mappings give its service. Written by the database itself, by the
/// triggers and the view `link_list_rows` of migration 0019, whenever the link, either
/// snapshot or a mapping of their services changes; every key of a side not seen yet is null.
#[derive(Deserialize)]
struct ListRow {
    r: ListSide,
    t: ListSide,
}

/// One side of a [`ListRow`]. Reservio's side has no `mapped_service`: a Reservio service is
/// mapped when a mapping names it.
#[derive(Deserialize)]
struct ListSide {
    id: Option<i64>,
    start_at: Option<i64>,
    end_at: Option<i64>,
    service_id: Option<String>,
    service_name: Option<String>,
    mapped_service: Option<String>,
    customer_name: Option<String>,
    customer_email: Option<String>,
    customer_phone: Option<String>,
    status: Option<String>,
    vanished_at: Option<i64>,
}

impl ListSide {
    fn snapshot(self) -> Option<Snapshot> {
        Some(Snapshot {
            booking_id: self.id?,
            start_at: self.start_at.unwrap_or_default(),
            end_at: self.end_at.unwrap_or_default(),
            service_id: self.service_id.unwrap_or_default(),
            service_name: self.service_name,
            mapped_service: self.mapped_service,
            customer_name: self.customer_name.unwrap_or_default(),
            customer_email: self.customer_email.unwrap_or_default(),
            customer_phone: self.customer_phone.unwrap_or_default(),
            status: self.status.unwrap_or_default(),
            vanished_at: self.vanished_at,
            ..Snapshot::default()
        })
    }
}

/// Both snapshots as the bookings list shows them (`None` for a side not seen yet), from a
/// link's ready list row (`booking_links.list_row`, see [`ListRow`]).
pub fn decode_list_row(json: &str) -> Result<Sides<Option<Snapshot>>, sqlx::Error> {
    let row: ListRow = serde_json::from_str(json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let reservio = row.r.snapshot().map(|mut s| {
        // A Reservio service is mapped when a mapping names it.
        s.mapped_service = s.service_name.as_ref().map(|_| s.service_id.clone());
        s
    });
    Ok(Sides {
        reservio,
        termino: row.t.snapshot(),
    })
}

impl Sides<Option<Snapshot>> {
    pub fn time_differs(&self) -> bool {
        self.differ(|r, t| (r.start_at, r.end_at) != (t.start_at, t.end_at))
    }

    /// Services are compared through the mappings: an unmapped side matches nothing.
    pub fn service_differs(&self) -> bool {
        self.differ(|r, t| r.mapped_service.is_none() || r.mapped_service != t.mapped_service)
    }

    pub fn name_differs(&self) -> bool {
        self.differ(|r, t| r.customer_name != t.customer_name)
    }

    pub fn email_differs(&self) -> bool {
        self.differ(|r, t| r.customer_email != t.customer_email)
    }

    pub fn phone_differs(&self) -> bool {
        self.differ(|r, t| r.customer_phone != t.customer_phone)
    }

    pub fn customer_differs(&self) -> bool {
        self.name_differs() || self.email_differs() || self.phone_differs()
    }

    pub fn status_differs(&self) -> bool {
        self.differ(|r, t| r.status != t.status)
    }

    /// Whether any shown field differs between the sides.
    pub fn any_differs(&self) -> bool {
        self.time_differs()
            || self.service_differs()
            || self.customer_differs()
            || self.status_differs()
    }

    /// Whether only one system has shown the booking so far: that is waiting for the other
    /// system, never agreement (a side that vanished is flagged by itself).
    pub fn one_sided(&self) -> bool {
        self.reservio.is_none() || self.termino.is_none()
    }

    /// Whether a side is missing or has disappeared from its system.
    pub fn gone(&self) -> Sides<bool> {
        self.as_ref()
            .map(|_, s| s.as_ref().is_none_or(|s| s.vanished_at.is_some()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_reader_selects_what_it_decodes_and_nothing_it_does_not() {
        let has = |read: Read, column: &str| read.columns().contains(column);
        // Reconcile maps services itself: no names, no mapping joined.
        assert!(!has(Read::Sync, "service_name") && !Read::Sync.joins().contains("mappings"));
        assert!(has(Read::Sync, "AS t_self_rescheduled") && has(Read::Sync, "l.base_status"));
        assert!(!has(Read::Sync, "fetched_at"));
        // One link in full has everything, the base's service name too.
        for column in [
            "AS r_fetched_at",
            "AS base_service_name",
            "AS r_service_name",
        ] {
            assert!(has(Read::Full, column), "{column}");
        }
        assert!(Read::Full.joins().contains(" bs ON "));
    }

    #[test]
    fn a_ready_list_row_gives_back_both_sides_and_a_missing_one_as_none() {
        let json = r#"{"r" : {"id" : 3, "start_at" : 100, "end_at" : 200, "service_id" : "svc",
            "service_name" : "Massage", "customer_name" : "Eva \"N\"", "customer_email" : "e@x",
            "customer_phone" : "+1", "status" : "confirmed", "vanished_at" : null},
            "t" : {"id" : null, "start_at" : null, "end_at" : null, "service_id" : null,
            "service_name" : null, "mapped_service" : null, "customer_name" : null,
            "customer_email" : null, "customer_phone" : null, "status" : null,
            "vanished_at" : null}}"#;
        let sides = decode_list_row(json).expect("decodes");
        let r = sides.reservio.expect("reservio side");
        assert_eq!((r.booking_id, r.start_at, r.end_at), (3, 100, 200));
        assert_eq!(r.customer_name, "Eva \"N\"");
        assert_eq!(r.mapped_service.as_deref(), Some("svc"), "named, so mapped");
        assert_eq!(r.status, "confirmed");
        assert!(sides.termino.is_none());
        assert!(
            decode_list_row("{}").is_err(),
            "a row without its sides is an error"
        );
    }
}
