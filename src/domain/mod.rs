//! Pure types and rules: no I/O. Input from outside becomes one of these types at the edge.

/// `Display` and `FromStr` for an enum stored by its name: `as_str` names each value and `ALL`
/// lists them, so each name is written once. A name this build does not know is an
/// [`mismatch::UnknownName`] saying what was being read (`$what`).
macro_rules! stored_by_name {
    ($type:ty, $what:literal) => {
        impl std::fmt::Display for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $type {
            type Err = $crate::domain::mismatch::UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$type>::ALL
                    .into_iter()
                    .find(|value| value.as_str() == s)
                    .ok_or_else(|| $crate::domain::mismatch::UnknownName {
                        what: $what,
                        value: s.to_string(),
                    })
            }
        }
    };
}

pub mod account;
pub mod backoff;
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
