//! The second factor: TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, as every
//! authenticator app expects), the QR code of its `otpauth://` URL drawn as inline SVG on our
//! own page, and the rule of who must have one.

use totp_rs::{Algorithm, Secret, TOTP};

use crate::domain::Role;

/// The name authenticator apps show for our entries.
pub const ISSUER: &str = "bookbridge";
/// Seconds per step.
pub const STEP: i64 = 30;
/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;

/// Whether staff must have a second factor: `Required` under `serve` by default, `Optional`
/// in the demo so that its logins work with a password alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffSecondFactor {
    Required,
    Optional,
}

impl std::str::FromStr for StaffSecondFactor {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "required" => Ok(StaffSecondFactor::Required),
            "optional" => Ok(StaffSecondFactor::Optional),
            other => Err(format!("{other:?} is not `required` or `optional`")),
        }
    }
}

/// Whether a user of `role` must have a second factor. Partners never must.
pub fn required_for(role: Role, staff: StaffSecondFactor) -> bool {
    role != Role::Partner && staff == StaffSecondFactor::Required
}

/// A fresh secret, base32 (160 bits, as RFC 4226 recommends).
pub fn new_secret() -> String {
    match Secret::generate_secret().to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(bytes) => base32_fallback(&bytes),
    }
}

fn base32_fallback(bytes: &[u8]) -> String {
    // `to_encoded` always yields `Encoded`; this keeps the match total without a panic.
    hex::encode(bytes)
}

fn totp(secret: &str, email: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_string()).to_bytes().ok()?;
    let account = email.replace(':', "");
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP as u64,
        bytes,
        Some(ISSUER.to_string()),
        account,
    )
    .ok()
}

/// The step whose code `code` is, looking one step either side of `now` for clock drift;
/// `None` when it is none of them. The caller must still refuse a step already used.
pub fn matching_step(secret: &str, email: &str, code: &str, now: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, email)?;
    let current = now / STEP;
    [current - 1, current, current + 1]
        .into_iter()
        .filter(|step| *step >= 0)
        .find(|step| {
            let expected = totp.generate((step * STEP) as u64);
            constant_time_eq(expected.as_bytes(), code.as_bytes())
        })
}

/// The code of `now`, for tests and the browser test's "authenticator".
pub fn code_at(secret: &str, email: &str, now: i64) -> Option<String> {
    Some(totp(secret, email)?.generate(now.max(0) as u64))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The enrolment QR code as an inline SVG document, drawn here (no image service sees the
/// secret).
pub fn qr_svg(secret: &str, email: &str) -> Option<String> {
    let url = totp(secret, email)?.get_url();
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_790_000_000;

    #[test]
    fn a_code_matches_its_own_step_and_one_either_side() {
        let secret = new_secret();
        let code = code_at(&secret, "a@b.test", NOW).expect("code");
        assert_eq!(
            matching_step(&secret, "a@b.test", &code, NOW),
            Some(NOW / STEP)
        );
        assert!(matching_step(&secret, "a@b.test", &code, NOW + STEP).is_some());
        assert_eq!(
            matching_step(&secret, "a@b.test", &code, NOW + 3 * STEP),
            None
        );
        assert_eq!(matching_step(&secret, "a@b.test", "12345", NOW), None);
        assert_eq!(matching_step(&secret, "a@b.test", "abcdef", NOW), None);
    }

    #[test]
    fn the_qr_code_is_an_svg_drawn_here() {
        let svg = qr_svg(&new_secret(), "a@b.test").expect("svg");
        assert!(svg.contains("<svg"), "{svg}");
        assert!(!svg.contains("<image"), "drawn, not an image reference");
    }

    #[test]
    fn only_staff_need_a_second_factor_and_only_when_required() {
        let required = StaffSecondFactor::Required;
        assert!(required_for(Role::Admin, required));
        assert!(required_for(Role::PartnerCare, required));
        assert!(required_for(Role::SalesRep, required));
        assert!(!required_for(Role::Partner, required));
        assert!(!required_for(Role::Admin, StaffSecondFactor::Optional));
    }
}
