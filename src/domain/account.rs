//! Who may log in and what they may do.

use std::fmt;
use std::str::FromStr;

pub use super::invalid::Invalid;

/// What a user may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// A business's staff: sees only its own partner's data.
    Partner,
    /// The channel's Partner Care team: works mismatches and cases of all partners.
    PartnerCare,
    /// The channel's sales rep: confirms connections.
    SalesRep,
    /// Manages users and partners.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Partner,
        Role::PartnerCare,
        Role::SalesRep,
        Role::Admin,
    ];

    /// The catalogue key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Partner => "role-partner",
            Role::PartnerCare => "role-partner_care",
            Role::SalesRep => "role-sales_rep",
            Role::Admin => "role-admin",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Partner => "partner",
            Role::PartnerCare => "partner_care",
            Role::SalesRep => "sales_rep",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Invalid;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or(Invalid("error-role-unknown"))
    }
}

/// A syntactically plausible e-mail address, trimmed and lower-cased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, Invalid> {
        let email = raw.trim().to_lowercase();
        let (local, domain) = email
            .split_once('@')
            .ok_or(Invalid("error-email-invalid"))?;
        let plausible = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && email.len() <= 254
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if plausible {
            Ok(Email(email))
        } else {
            Err(Invalid("error-email-invalid"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password good enough to be set: long enough, not absurdly long.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(raw: &str) -> Result<NewPassword, Invalid> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            Err(Invalid("error-password-short"))
        } else if chars > Self::MAX_CHARS {
            Err(Invalid("error-password-long"))
        } else {
            Ok(NewPassword(raw.to_string()))
        }
    }

    /// [`NewPassword::parse`], then the policy for a user with this e-mail address: not a
    /// common leaked password, not naming the user or the product.
    pub fn parse_for(raw: &str, email: &str) -> Result<NewPassword, Invalid> {
        let password = Self::parse(raw)?;
        super::password_policy::check(raw, email)?;
        Ok(password)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

/// A partner's display name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnerName(String);

impl PartnerName {
    pub fn parse(raw: &str) -> Result<PartnerName, Invalid> {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            Err(Invalid("error-partner-name-empty"))
        } else if name.chars().count() > 120 {
            Err(Invalid("error-partner-name-long"))
        } else {
            Ok(PartnerName(name))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        let email = Email::parse("  Partner@Demo.TEST ").expect("valid");
        assert_eq!(email.as_str(), "partner@demo.test");
    }

    #[test]
    fn implausible_emails_are_refused() {
        for bad in [
            "",
            "no-at",
            "@demo.test",
            "a@nodot",
            "a@.test",
            "a@test.",
            "a b@demo.test",
            "a@b@c.d",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn passwords_need_ten_characters() {
        assert_eq!(
            NewPassword::parse("short").err(),
            Some(Invalid("error-password-short"))
        );
        assert!(NewPassword::parse("long enough!").is_ok());
        assert!(NewPassword::parse(&"x".repeat(300)).is_err());
    }

    #[test]
    fn partner_names_collapse_whitespace() {
        let name = PartnerName::parse("  Salon   Aurora ").expect("valid");
        assert_eq!(name.as_str(), "Salon Aurora");
        assert!(PartnerName::parse("   ").is_err());
    }
}
