//! Login throttling: after 5 failures for one account from one address, or 20 from one
//! address, within 15 minutes, further attempts from there are refused until the oldest
//! failures age out of the window. Counts live in the database, so every instance enforces the
//! same limit.
//!
//! Failures count per (account, address), never per account alone: wrong passwords sent from
//! anywhere else must not lock the owner out (ASVS 6.3.1). A correct password from an address
//! that has not failed is never refused. A password guesser gets 4 tries per address and
//! window, and at most 20 per address over all accounts.

use crate::db::account_attempts::{self, Kind};
use crate::db::{Db, login_attempts};

/// How far back failures count.
pub const WINDOW_SECS: i64 = 15 * 60;
/// Failures allowed for one account from one address within the window.
pub const ACCOUNT_LIMIT: i64 = 5;
/// Failures allowed from one address within the window.
pub const ADDRESS_LIMIT: i64 = 20;

/// Whether a login attempt may go ahead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// Too many recent failures for this account from this address.
    AccountLockedFromAddress,
    /// Too many recent failures from this address.
    AddressLocked,
}

impl Decision {
    /// The limit's name in the audit trail and the refusal counts.
    pub fn limit_kind(self) -> &'static str {
        match self {
            Decision::Allowed => "none",
            Decision::AccountLockedFromAddress => "account_address",
            Decision::AddressLocked => "address",
        }
    }
}

/// Pure rule over the two counts.
pub fn decide(account_address_failures: i64, address_failures: i64) -> Decision {
    if account_address_failures >= ACCOUNT_LIMIT {
        Decision::AccountLockedFromAddress
    } else if address_failures >= ADDRESS_LIMIT {
        Decision::AddressLocked
    } else {
        Decision::Allowed
    }
}

/// The start of the fixed window `now` falls in: repeated refusals are audited once per
/// window.
pub fn window_start(now: i64) -> i64 {
    now - now.rem_euclid(WINDOW_SECS)
}

/// Looks up the recent failures and decides.
pub async fn check(db: &Db, email: &str, ip: &str, now: i64) -> Result<Decision, sqlx::Error> {
    let since = now - WINDOW_SECS;
    let account = login_attempts::failures_for_email_from_ip(db, email, ip, since).await?;
    let address = login_attempts::failures_for_ip(db, ip, since).await?;
    Ok(decide(account, address))
}

/// [`check`] for the other attempts counted like logins (second-factor codes, the current
/// password, reset requests): `subject`'s recent failures of `kind` from `ip`, and all from
/// `ip`.
pub async fn check_attempts(
    db: &Db,
    kind: Kind,
    subject: &str,
    ip: &str,
    now: i64,
) -> Result<Decision, sqlx::Error> {
    let since = now - WINDOW_SECS;
    let (by_subject, by_ip) = account_attempts::failures(db, kind, subject, ip, since).await?;
    Ok(decide(by_subject, by_ip))
}

/// One more than the longest e-mail address `Email::parse` accepts (254 bytes).
const MAX_CLAIMED_EMAIL_CHARS: usize = 255;

/// The address someone not logged in typed (at login, or asking for a reset link), as it is
/// looked up, counted and audited: trimmed, lower-cased, and cut to one more character than
/// any user's address can have. Stored whole, a long claim could outgrow what PostgreSQL can
/// put in an index entry, and a wrong login would become a 500.
pub fn claimed_email(typed: &str) -> String {
    typed
        .trim()
        .to_lowercase()
        .chars()
        .take(MAX_CLAIMED_EMAIL_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fifth_failure_from_one_address_locks_the_account_there() {
        assert_eq!(decide(4, 4), Decision::Allowed);
        assert_eq!(decide(5, 5), Decision::AccountLockedFromAddress);
    }

    #[test]
    fn twenty_failures_lock_the_address() {
        assert_eq!(decide(0, 19), Decision::Allowed);
        assert_eq!(decide(0, 20), Decision::AddressLocked);
        assert_eq!(decide(5, 20), Decision::AccountLockedFromAddress);
    }

    #[test]
    fn a_claimed_address_is_trimmed_lower_cased_and_cut() {
        assert_eq!(claimed_email("  Ana@Example.CZ \n"), "ana@example.cz");
        let long = "a".repeat(300);
        assert_eq!(
            claimed_email(&long).chars().count(),
            MAX_CLAIMED_EMAIL_CHARS
        );
        assert_eq!(
            claimed_email(&"é".repeat(300)),
            "é".repeat(MAX_CLAIMED_EMAIL_CHARS)
        );
    }

    #[test]
    fn windows_are_fixed_and_fifteen_minutes_long() {
        assert_eq!(window_start(0), 0);
        assert_eq!(window_start(WINDOW_SECS - 1), 0);
        assert_eq!(window_start(WINDOW_SECS), WINDOW_SECS);
        assert_eq!(window_start(10 * WINDOW_SECS + 7), 10 * WINDOW_SECS);
    }
}
