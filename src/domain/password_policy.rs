//! What makes a new password acceptable beyond its length: it is not one of the commonest
//! leaked passwords, and it does not contain the user's e-mail address or the product's name
//! (NIST SP 800-63B 3.1.1.2, ASVS 5.0 6.2.4 and 6.2.11). No network call: the list ships in
//! the binary.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::invalid::Invalid;

/// The product's name, which nobody's password should lean on.
pub const PRODUCT_NAME: &str = "bookbridge";

/// The 10,000 commonest leaked passwords, lower case; `#` lines are the file's notes.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect()
    })
}

/// Whether `password` is a common one, also once the digits and punctuation people add at
/// either end to satisfy old composition rules ("Sunshine2024!") are taken off.
pub fn is_common(password: &str) -> bool {
    let lower = password.trim().to_lowercase();
    let set = common_passwords();
    if set.contains(lower.as_str()) {
        return true;
    }
    let core = lower.trim_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    core.chars().count() >= 4 && set.contains(core)
}

/// Checks a password that is long enough against the list, the user's e-mail address (whole,
/// or its part before `@` when that is 3 characters or more) and the product's name.
pub fn check(password: &str, email: &str) -> Result<(), Invalid> {
    let lower = password.to_lowercase();
    if is_common(password) {
        return Err(Invalid("error-password-common"));
    }
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or_default();
    let contains_email = (!email.is_empty() && lower.contains(&email))
        || (local.chars().count() >= 3 && lower.contains(local));
    if contains_email {
        return Err(Invalid("error-password-email"));
    }
    if lower.contains(PRODUCT_NAME) {
        return Err(Invalid("error-password-product"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_shipped_whole() {
        assert_eq!(common_passwords().len(), 10_000);
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case_and_padding() {
        for bad in [
            "password1234",
            "Qwertyuiop",
            "1234567890",
            "Sunshine2024!",
            "!!football!!",
        ] {
            assert_eq!(
                check(bad, "someone@example.test"),
                Err(Invalid("error-password-common")),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_password_naming_the_user_or_the_product_is_refused() {
        assert_eq!(
            check("my-Jana.Novak-pass", "jana.novak@salon.test"),
            Err(Invalid("error-password-email"))
        );
        assert_eq!(
            check("BookBridge-rocks-77", "someone@example.test"),
            Err(Invalid("error-password-product"))
        );
    }

    #[test]
    fn an_uncommon_password_passes() {
        assert_eq!(check("violet tram at dawn", "jana@salon.test"), Ok(()));
        // A short local part is too common a string to forbid.
        assert_eq!(check("violet tram at dawn", "ja@salon.test"), Ok(()));
    }
}
