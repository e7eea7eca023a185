//! What the pages read: queries that join several tables into the shape one page shows, and
//! write nothing. The tables' own modules are [`crate::db`]'s other children; a read model may
//! read any table, a table's module reads and writes only its own (and what it must lock).

pub mod booking_detail;
pub mod bookings_view;
pub mod care_queue;
pub mod dashboard;
pub mod metrics;
