//! Dates, times and numbers the way each language writes them.
//!
//! Everything is stored as UTC Unix seconds; these functions are the one place an instant is
//! turned into a wall-clock time, in the time zone of whoever reads it. The time zone data is
//! compiled in, so a server without a zoneinfo directory shows the same times as one with it.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

use super::number::NBSP;
pub use super::number::format_number;
use super::{Lang, text};

/// The zone of staff and of any partner whose stored zone is unknown: the channel is in Prague,
/// and it is the zone new partners get.
pub const DEFAULT_TIME_ZONE: &str = "Europe/Prague";

/// The default zone, [`DEFAULT_TIME_ZONE`].
pub fn default_time_zone() -> TimeZone {
    // The bundled database always has Prague; UTC only guards against a broken build.
    TimeZone::get(DEFAULT_TIME_ZONE).unwrap_or(TimeZone::UTC)
}

/// The IANA zone `name` (e.g. `Europe/Warsaw`), else the default zone.
///
/// An unknown name is logged rather than refused: a page shown in Prague time is better than
/// no page, and the admin can correct the partner's zone.
pub fn time_zone(name: &str) -> TimeZone {
    match TimeZone::get(name) {
        Ok(tz) => tz,
        Err(error) => {
            tracing::warn!(zone = name, %error, "unknown time zone, using the default");
            default_time_zone()
        }
    }
}

/// The catalogue key of a month's short name (1 = January).
fn month_key(month: i8) -> &'static str {
    match month {
        1 => "month-jan",
        2 => "month-feb",
        3 => "month-mar",
        4 => "month-apr",
        5 => "month-may",
        6 => "month-jun",
        7 => "month-jul",
        8 => "month-aug",
        9 => "month-sep",
        10 => "month-oct",
        11 => "month-nov",
        _ => "month-dec",
    }
}

fn zoned(unix: i64, tz: &TimeZone) -> Option<ZonedDateTime> {
    Timestamp::from_second(unix)
        .ok()
        .map(|ts| ts.to_zoned_datetime(tz.clone()))
}

fn date_of(lang: Lang, at: &ZonedDateTime) -> String {
    let (day, month, year) = (at.day(), at.month(), at.year());
    match lang {
        Lang::En => format!("{day} {} {year}", text(lang, month_key(month))),
        Lang::Pl => format!("{day}.{month:02}.{year}"),
        Lang::Cs => format!("{day}.{NBSP}{month}.{NBSP}{year}"),
    }
}

fn time_of(lang: Lang, at: &ZonedDateTime) -> String {
    let (hour, minute) = (at.hour(), at.minute());
    match lang {
        // Czech writes the hour without a leading zero: 9:05.
        Lang::Cs => format!("{hour}:{minute:02}"),
        Lang::En | Lang::Pl => format!("{hour:02}:{minute:02}"),
    }
}

/// The zone's abbreviation at that instant, e.g. `CET` or `CEST`; zones without a common
/// abbreviation give their offset, e.g. `+03`.
fn zone_of(at: &ZonedDateTime) -> String {
    at.time_zone()
        .to_offset_info(at.timestamp())
        .abbreviation()
        .to_string()
}

/// Date, time and zone, e.g. en `26 Nov 2026, 14:30 CET`, pl `26.11.2026, 14:30 CET`,
/// cs `26. 11. 2026 14:30 CET`.
///
/// The zone is shown because staff read one partner's times while sitting in another zone,
/// and because the hour around a clock change happens twice.
pub fn format_datetime(lang: Lang, unix: i64, tz: &TimeZone) -> String {
    let Some(at) = zoned(unix, tz) else {
        // Only an instant beyond year 9999 gets here; show it rather than hide it.
        return unix.to_string();
    };
    let (date, time, zone) = (date_of(lang, &at), time_of(lang, &at), zone_of(&at));
    match lang {
        Lang::En | Lang::Pl => format!("{date}, {time} {zone}"),
        Lang::Cs => format!("{date} {time} {zone}"),
    }
}

/// The calendar date in `tz`, e.g. en `26 Nov 2026`, pl `26.11.2026`, cs `26. 11. 2026`.
pub fn format_date(lang: Lang, unix: i64, tz: &TimeZone) -> String {
    zoned(unix, tz)
        .map(|at| date_of(lang, &at))
        .unwrap_or_else(|| unix.to_string())
}

/// The time of day in `tz`, e.g. `09:05` (cs `9:05`), without the zone: for lists whose
/// heading or date already says which day and zone.
pub fn format_time(lang: Lang, unix: i64, tz: &TimeZone) -> String {
    zoned(unix, tz)
        .map(|at| time_of(lang, &at))
        .unwrap_or_else(|| unix.to_string())
}

/// The calendar date of an instant in `tz`, e.g. to know which day "today" is for a partner.
pub fn local_date(unix: i64, tz: &TimeZone) -> Option<Date> {
    zoned(unix, tz).map(|at| at.date())
}

/// A day of the year without the year, for short labels: en `5 Jul`, pl `5.07`, cs `5. 7.`.
pub fn format_day_month(lang: Lang, date: Date) -> String {
    let (day, month) = (date.day(), date.month());
    match lang {
        Lang::En => format!("{day} {}", text(lang, month_key(month))),
        Lang::Pl => format!("{day}.{month:02}"),
        Lang::Cs => format!("{day}.{NBSP}{month}."),
    }
}

/// The first instant of a calendar day in `tz`, as Unix seconds. On a day whose midnight a
/// clock change skips, that is the first instant after the gap.
pub fn start_of_day(date: Date, tz: &TimeZone) -> Option<i64> {
    date.to_zoned_datetime(tz.clone())
        .ok()
        .map(|at| at.timestamp().as_second())
}

/// Date and time as `2026-07-05 09:05` in `tz`, the same in every language: for files that
/// spreadsheets and scripts read, such as CSV exports.
pub fn format_sortable_datetime(unix: i64, tz: &TimeZone) -> String {
    match zoned(unix, tz) {
        Some(at) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            at.year(),
            at.month(),
            at.day(),
            at.hour(),
            at.minute()
        ),
        None => unix.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-26 13:30:00 UTC: winter time in Central Europe.
    const WINTER: i64 = 1_795_699_800;
    /// 2026-07-05 07:05:00 UTC: summer time in Central Europe.
    const SUMMER: i64 = 1_783_235_100;

    fn prague() -> TimeZone {
        time_zone("Europe/Prague")
    }

    #[test]
    fn the_test_instants_are_what_their_comments_say() {
        let utc = |unix| {
            Timestamp::from_second(unix)
                .expect("in range")
                .to_zoned_datetime(TimeZone::UTC)
                .to_string()
        };
        assert_eq!(utc(WINTER), "2026-11-26T13:30:00+00:00[UTC]");
        assert_eq!(utc(SUMMER), "2026-07-05T07:05:00+00:00[UTC]");
    }

    #[test]
    fn each_language_writes_date_and_time_its_own_way() {
        let tz = prague();
        assert_eq!(
            format_datetime(Lang::En, WINTER, &tz),
            "26 Nov 2026, 14:30 CET"
        );
        assert_eq!(
            format_datetime(Lang::Pl, WINTER, &tz),
            "26.11.2026, 14:30 CET"
        );
        assert_eq!(
            format_datetime(Lang::Cs, WINTER, &tz),
            "26.\u{a0}11.\u{a0}2026 14:30 CET"
        );
    }

    #[test]
    fn short_days_months_and_hours_are_padded_only_where_the_language_pads_them() {
        let tz = prague();
        assert_eq!(format_date(Lang::En, SUMMER, &tz), "5 Jul 2026");
        assert_eq!(format_date(Lang::Pl, SUMMER, &tz), "5.07.2026");
        assert_eq!(format_date(Lang::Cs, SUMMER, &tz), "5.\u{a0}7.\u{a0}2026");
        assert_eq!(format_time(Lang::En, SUMMER, &tz), "09:05");
        assert_eq!(format_time(Lang::Pl, SUMMER, &tz), "09:05");
        assert_eq!(format_time(Lang::Cs, SUMMER, &tz), "9:05");
    }

    #[test]
    fn times_follow_the_partners_zone_and_its_summer_time() {
        assert_eq!(
            format_datetime(Lang::Pl, SUMMER, &time_zone("Europe/Warsaw")),
            "5.07.2026, 09:05 CEST"
        );
        assert_eq!(
            format_datetime(Lang::En, SUMMER, &time_zone("Europe/London")),
            "5 Jul 2026, 08:05 BST"
        );
        assert_eq!(
            format_datetime(Lang::En, WINTER, &time_zone("UTC")),
            "26 Nov 2026, 13:30 UTC"
        );
    }

    #[test]
    fn the_date_is_the_one_in_the_partners_zone_not_in_utc() {
        // 23:30 UTC on 31 December is already New Year in Prague.
        let new_year = 1_798_759_800;
        assert_eq!(
            format_date(Lang::En, new_year, &TimeZone::UTC),
            "31 Dec 2026"
        );
        assert_eq!(format_date(Lang::Pl, new_year, &prague()), "1.01.2027");
    }

    #[test]
    fn an_unknown_zone_falls_back_to_prague() {
        assert_eq!(
            format_time(Lang::En, WINTER, &time_zone("Mars/Olympus_Mons")),
            "14:30"
        );
        assert_eq!(
            format_time(Lang::En, WINTER, &time_zone("")),
            format_time(Lang::En, WINTER, &default_time_zone())
        );
    }

    #[test]
    fn instants_out_of_range_are_shown_as_they_are() {
        assert_eq!(
            format_datetime(Lang::En, i64::MAX, &prague()),
            i64::MAX.to_string()
        );
    }

    #[test]
    fn a_partners_day_starts_at_its_own_midnight() {
        let tz = prague();
        let day = local_date(WINTER, &tz).expect("in range");
        assert_eq!(day.to_string(), "2026-11-26");
        // Midnight in Prague in winter is 23:00 UTC the day before.
        assert_eq!(start_of_day(day, &tz), Some(1_795_647_600));
        assert_eq!(format_sortable_datetime(WINTER, &tz), "2026-11-26 14:30");
        assert_eq!(format_day_month(Lang::En, day), "26 Nov");
        assert_eq!(format_day_month(Lang::Cs, day), "26.\u{a0}11.");
    }

    #[test]
    fn numbers_are_grouped_per_language() {
        assert_eq!(format_number(Lang::En, 12_345), "12,345");
        assert_eq!(format_number(Lang::Pl, 12_345), "12\u{a0}345");
        assert_eq!(format_number(Lang::Cs, 12_345), "12\u{a0}345");
        assert_eq!(format_number(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(format_number(Lang::Cs, -1_234_567), "-1\u{a0}234\u{a0}567");
        assert_eq!(format_number(Lang::En, 999), "999");
        assert_eq!(format_number(Lang::En, 0), "0");
    }

    #[test]
    fn polish_leaves_four_digit_numbers_ungrouped_and_czech_does_not() {
        assert_eq!(format_number(Lang::Pl, 1234), "1234");
        assert_eq!(format_number(Lang::Cs, 1234), "1\u{a0}234");
        assert_eq!(format_number(Lang::En, 1234), "1,234");
    }

    #[test]
    fn the_extremes_of_i64_are_grouped_without_overflow() {
        assert_eq!(
            format_number(Lang::En, i64::MIN),
            "-9,223,372,036,854,775,808"
        );
        assert_eq!(
            format_number(Lang::En, i64::MAX),
            "9,223,372,036,854,775,807"
        );
    }
}
