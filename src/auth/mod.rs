//! Who is asking: passwords, second factors, one-time tokens and login throttling. The session
//! extractors, roles and CSRF middleware that use them live in `web/` beside the router.

pub mod password;
pub mod second_factor;
pub mod throttle;
pub mod tokens;

pub use password::Passwords;
