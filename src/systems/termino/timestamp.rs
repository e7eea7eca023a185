//! RFC 3339 timestamps as the Termino API writes and reads them.
//!
//! Written by hand rather than through `time`'s `formatting`/`parsing` features: the API only
//! needs one fixed shape out (`2026-11-20T09:30:00Z`) and a strict reader in, and this keeps
//! the dependency's feature set untouched.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`; `None` outside the four-digit years RFC 3339 allows.
pub fn format_rfc3339(unix: i64) -> Option<String> {
    let at = OffsetDateTime::from_unix_timestamp(unix).ok()?;
    if !(0..=9999).contains(&at.year()) {
        return None;
    }
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    ))
}

/// Reads an RFC 3339 date-time (`Z` or a `±HH:MM` offset, optional fraction) as Unix seconds.
/// Fractions of a second are dropped: bookings are never finer than a minute.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let hour = digits(&b[11..13])?;
    let minute = digits(&b[14..16])?;
    let second = digits(&b[17..19])?;

    let mut rest = &b[19..];
    if let Some(after_dot) = rest.strip_prefix(b".") {
        let fraction_len = after_dot.iter().take_while(|c| c.is_ascii_digit()).count();
        if fraction_len == 0 {
            return None;
        }
        rest = &after_dot[fraction_len..];
    }
    let offset_seconds = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hours = digits(&[*h1, *h2])?;
            let minutes = digits(&[*m1, *m2])?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let magnitude = i64::from(hours * 3600 + minutes * 60);
            if *sign == b'-' { -magnitude } else { magnitude }
        }
        _ => return None,
    };

    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date =
        Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()?;
    let time = Time::from_hms(
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second).ok()?,
    )
    .ok()?;
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_utc()
            .unix_timestamp()
            - offset_seconds,
    )
}

/// A fixed-width run of ASCII digits (`str::parse` alone would also take a leading `+`).
fn digits(bytes: &[u8]) -> Option<u32> {
    if !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    bytes.iter().try_fold(0u32, |acc, d| {
        acc.checked_mul(10)?.checked_add(u32::from(d - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_utc_instant_is_written_with_a_z_and_read_back_unchanged() {
        let at = 1_795_685_400; // 2026-11-26T09:30:00Z
        let text = format_rfc3339(at).expect("2026 is a four-digit year");
        assert_eq!(text, "2026-11-26T09:30:00Z");
        assert_eq!(parse_rfc3339(&text), Some(at));
    }

    #[test]
    fn offsets_and_fractions_are_understood() {
        let utc = parse_rfc3339("2026-11-26T09:30:00Z");
        assert_eq!(parse_rfc3339("2026-11-26T10:30:00+01:00"), utc);
        assert_eq!(parse_rfc3339("2026-11-26T08:30:00.123-01:00"), utc);
        assert_eq!(parse_rfc3339("2026-11-26t09:30:00.5z"), utc);
    }

    #[test]
    fn anything_that_is_not_a_valid_rfc3339_date_time_is_refused() {
        for text in [
            "",
            "2026-11-26",
            "2026-11-26 09:30:00Z",
            "2026-11-26T09:30:00",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-11-26T24:00:00Z",
            "2026-11-26T09:30:00.Z",
            "2026-11-26T09:30:00+1:00",
            "+026-11-26T09:30:00Z",
            "2026-11-26T09:30:00Zjunk",
            "１０26-11-26T09:30:00Z",
        ] {
            assert_eq!(parse_rfc3339(text), None, "{text:?} should be refused");
        }
    }

    #[test]
    fn instants_beyond_four_digit_years_cannot_be_written() {
        assert_eq!(format_rfc3339(i64::MAX), None);
        assert_eq!(format_rfc3339(-62_167_219_201), None); // one second before year 0
    }
}
