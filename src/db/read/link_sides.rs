//! The two snapshots of a link as the bookings pages read them: the columns to select, the
//! joins that bring them with their service names, and the row they decode into.
//!
//! Only what the pages show is selected: the list reads fifty links at a time on every view
//! and refresh, and each column costs time to fetch and decode.

use sqlx::FromRow;

/// One side of a link: its system's latest snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub booking_id: i64,
    pub start_at: i64,
    pub end_at: i64,
    /// The system's own id: a Reservio service or a Termino offer.
    pub service_id: String,
    /// Its name from the connection's service mappings; `None` when it is not mapped.
    pub service_name: Option<String>,
    /// The Reservio service it is mapped to (for Reservio, itself), so both sides compare.
    pub mapped_service: Option<String>,
    pub customer_name: String,
    pub customer_email: String,
    pub customer_phone: String,
    pub status: String,
    /// When sync noticed the booking had gone from its system.
    pub vanished_at: Option<i64>,
}

/// The columns of both snapshots (prefixed `r_` and `t_`) and their service names, over
/// `booking_links l` with [`JOIN_SIDES`].
pub const SIDES: &str = "\
     r.id AS r_id, r.start_at AS r_start_at, r.end_at AS r_end_at, \
     r.service_id AS r_service_id, r.customer_name AS r_customer_name, \
     r.customer_email AS r_customer_email, r.customer_phone AS r_customer_phone, \
     r.status AS r_status, r.vanished_at AS r_vanished_at, \
     t.id AS t_id, t.start_at AS t_start_at, t.end_at AS t_end_at, \
     t.service_id AS t_service_id, t.customer_name AS t_customer_name, \
     t.customer_email AS t_customer_email, t.customer_phone AS t_customer_phone, \
     t.status AS t_status, t.vanished_at AS t_vanished_at, \
     rs.reservio_service_name AS r_service_name, ts.termino_offer_name AS t_service_name, \
     ts.reservio_service_id AS t_mapped_service";

/// Both snapshots of `booking_links l`, without their service names (for counting).
pub const JOIN_SNAPSHOTS: &str = "LEFT JOIN external_bookings r ON r.id = l.reservio_booking_id \
     LEFT JOIN external_bookings t ON t.id = l.termino_booking_id";

/// Both snapshots of `booking_links l` and the mappings that name their services.
pub const JOIN_SIDES: &str = "LEFT JOIN external_bookings r ON r.id = l.reservio_booking_id \
     LEFT JOIN external_bookings t ON t.id = l.termino_booking_id \
     LEFT JOIN service_mappings rs ON rs.connection_id = l.connection_id \
         AND rs.reservio_service_id = r.service_id \
     LEFT JOIN service_mappings ts ON ts.connection_id = l.connection_id \
         AND ts.termino_offer_id = t.service_id";

/// Both snapshots as flat columns, as [`SIDES`] selects them.
#[derive(Default, FromRow)]
pub struct FlatSides {
    pub r_id: Option<i64>,
    pub r_start_at: Option<i64>,
    pub r_end_at: Option<i64>,
    pub r_service_id: Option<String>,
    pub r_service_name: Option<String>,
    pub r_customer_name: Option<String>,
    pub r_customer_email: Option<String>,
    pub r_customer_phone: Option<String>,
    pub r_status: Option<String>,
    pub r_vanished_at: Option<i64>,
    pub t_id: Option<i64>,
    pub t_start_at: Option<i64>,
    pub t_end_at: Option<i64>,
    pub t_service_id: Option<String>,
    pub t_service_name: Option<String>,
    pub t_mapped_service: Option<String>,
    pub t_customer_name: Option<String>,
    pub t_customer_email: Option<String>,
    pub t_customer_phone: Option<String>,
    pub t_status: Option<String>,
    pub t_vanished_at: Option<i64>,
}

impl FlatSides {
    pub fn reservio(&self) -> Option<Snapshot> {
        let service_id = self.r_service_id.clone().unwrap_or_default();
        Some(Snapshot {
            booking_id: self.r_id?,
            start_at: self.r_start_at.unwrap_or_default(),
            end_at: self.r_end_at.unwrap_or_default(),
            // A Reservio service is mapped when a mapping names it.
            mapped_service: self.r_service_name.as_ref().map(|_| service_id.clone()),
            service_id,
            service_name: self.r_service_name.clone(),
            customer_name: self.r_customer_name.clone().unwrap_or_default(),
            customer_email: self.r_customer_email.clone().unwrap_or_default(),
            customer_phone: self.r_customer_phone.clone().unwrap_or_default(),
            status: self.r_status.clone().unwrap_or_default(),
            vanished_at: self.r_vanished_at,
        })
    }

    pub fn termino(&self) -> Option<Snapshot> {
        Some(Snapshot {
            booking_id: self.t_id?,
            start_at: self.t_start_at.unwrap_or_default(),
            end_at: self.t_end_at.unwrap_or_default(),
            service_id: self.t_service_id.clone().unwrap_or_default(),
            service_name: self.t_service_name.clone(),
            mapped_service: self.t_mapped_service.clone(),
            customer_name: self.t_customer_name.clone().unwrap_or_default(),
            customer_email: self.t_customer_email.clone().unwrap_or_default(),
            customer_phone: self.t_customer_phone.clone().unwrap_or_default(),
            status: self.t_status.clone().unwrap_or_default(),
            vanished_at: self.t_vanished_at,
        })
    }
}
