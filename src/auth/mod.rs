//! Who is asking, and may they: passwords, sessions, roles, CSRF and login throttling.

pub mod csrf;
pub mod password;
pub mod second_factor;
pub mod session;
pub mod throttle;
pub mod tokens;

pub use password::Passwords;
pub use session::{AdminUser, BookingUser, CareUser, CurrentUser, PartnerUser, SalesUser};
