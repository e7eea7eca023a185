//! Pure types and rules: no I/O. Input from outside becomes one of these types at the edge.

pub mod account;
pub mod booking;
pub mod case;
pub mod connection;
pub mod email;
pub mod invalid;
pub mod listing;
pub mod mismatch;
pub mod note;
pub mod password_policy;
pub mod procedure;
pub mod reconcile;
pub mod sides;
pub mod verification;

pub use account::{Email, NewPassword, PartnerName, Role};
pub use booking::{BookingStatus, Customer, NewBooking, RemoteBooking, System};
pub use mismatch::{MismatchKind, MismatchState, Severity};
pub use sides::Sides;
