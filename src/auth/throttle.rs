//! Login throttling: after 5 failures for one account, or 20 from one address, within 15
//! minutes, further attempts are refused until the oldest failures age out of the window.
//! Counts live in the database, so every instance enforces the same limit.

use crate::db::{Db, login_attempts};

/// How far back failures count.
pub const WINDOW_SECS: i64 = 15 * 60;
/// Failures allowed for one account within the window.
pub const ACCOUNT_LIMIT: i64 = 5;
/// Failures allowed from one address within the window.
pub const ADDRESS_LIMIT: i64 = 20;

/// Whether a login attempt may go ahead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// Too many recent failures for this account.
    AccountLocked,
    /// Too many recent failures from this address.
    AddressLocked,
}

/// Pure rule over the two counts.
pub fn decide(account_failures: i64, address_failures: i64) -> Decision {
    if account_failures >= ACCOUNT_LIMIT {
        Decision::AccountLocked
    } else if address_failures >= ADDRESS_LIMIT {
        Decision::AddressLocked
    } else {
        Decision::Allowed
    }
}

/// Looks up the recent failures and decides.
pub async fn check(db: &Db, email: &str, ip: &str, now: i64) -> Result<Decision, sqlx::Error> {
    let since = now - WINDOW_SECS;
    let account = login_attempts::failures_for_email(db, email, since).await?;
    let address = login_attempts::failures_for_ip(db, ip, since).await?;
    Ok(decide(account, address))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fifth_failure_locks_the_account() {
        assert_eq!(decide(4, 0), Decision::Allowed);
        assert_eq!(decide(5, 0), Decision::AccountLocked);
    }

    #[test]
    fn twenty_failures_lock_the_address() {
        assert_eq!(decide(0, 19), Decision::Allowed);
        assert_eq!(decide(0, 20), Decision::AddressLocked);
        assert_eq!(decide(5, 20), Decision::AccountLocked);
    }
}
