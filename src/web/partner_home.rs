//! What a partner sees first: open mismatches by kind, today's and tomorrow's bookings, and
//! how many mismatches were opened and resolved each day over the last 30 days.

use jiff::Span;
use jiff::civil::Date;

use crate::db::Db;
use crate::db::read::bookings_view::{self, ListQuery, ListedLink};
use crate::db::read::dashboard::{self, SLOT_SECS};
use crate::domain::MismatchKind;
use crate::i18n::format::{local_date, start_of_day};
use crate::web::chart::{ActivityChart, Day};
use crate::web::error::AppError;
use crate::web::page::Page;
use crate::web::paths;

/// Bookings listed per day; the list page has them all.
const DAY_LIMIT: i64 = 8;
/// Days in the chart, today included.
const CHART_DAYS: i64 = 30;

/// Open mismatches of one kind.
pub struct KindCount {
    pub kind: MismatchKind,
    pub count: i64,
}

impl KindCount {
    /// The bookings list showing exactly these, on any date.
    pub fn url(&self) -> String {
        format!("{}?from=&kind={}", paths::BOOKINGS, self.kind.as_str())
    }
}

/// One day's bookings, as far as the home page lists them.
pub struct DayList {
    pub date: Date,
    /// When the day starts, for showing the date in the reader's language.
    pub start: i64,
    pub rows: Vec<ListedLink>,
    /// All of the day's bookings, counted up to a cap.
    pub total: i64,
}

impl DayList {
    pub fn url(&self) -> String {
        format!("{}?from={}&to={}", paths::BOOKINGS, self.date, self.date)
    }

    pub fn more(&self) -> bool {
        self.total > self.rows.len() as i64
    }
}

pub struct PartnerHome {
    /// Whether the partner has a live connection; without one there is nothing to agree on,
    /// and the home says how to set one up.
    pub connected: bool,
    pub open: Vec<KindCount>,
    pub open_total: i64,
    pub today: DayList,
    pub tomorrow: DayList,
    pub chart: ActivityChart,
}

impl PartnerHome {
    /// Today's and tomorrow's lists with their headings' catalogue keys (also their ids).
    pub fn days(&self) -> [(&DayList, &'static str); 2] {
        [
            (&self.today, "home-today"),
            (&self.tomorrow, "home-tomorrow"),
        ]
    }
}

fn add_days(date: Date, days: i64) -> Result<Date, AppError> {
    date.checked_add(Span::new().days(days))
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("date out of range")))
}

fn day_start(date: Date, page: &Page) -> Result<i64, AppError> {
    start_of_day(date, &page.time_zone)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no start of day for {date}")))
}

async fn day_list(db: &Db, partner_id: i64, date: Date, page: &Page) -> Result<DayList, AppError> {
    let start = day_start(date, page)?;
    let query = ListQuery {
        from: Some(start),
        until: Some(day_start(add_days(date, 1)?, page)?),
        ..ListQuery::default()
    };
    let (links, total) = tokio::join!(
        bookings_view::list(db, partner_id, &query, DAY_LIMIT, 0),
        bookings_view::count(db, partner_id, &query, 1_000),
    );
    Ok(DayList {
        date,
        start,
        rows: links?,
        total: total?,
    })
}

/// Sums the per-slot counts into the days starting at `starts` (one more start than days,
/// the last being the end), in the partner's zone.
fn days_of(activity: &[(i64, i64, i64)], dates: &[Date], starts: &[i64]) -> Vec<Day> {
    let mut days: Vec<Day> = dates
        .iter()
        .map(|date| Day {
            date: *date,
            opened: 0,
            resolved: 0,
        })
        .collect();
    for (resolved, slot, n) in activity {
        let at = slot * SLOT_SECS;
        // The day whose start is the last one at or before `at`.
        let index = starts.partition_point(|start| *start <= at);
        if let Some(day) = index.checked_sub(1).and_then(|i| days.get_mut(i)) {
            if *resolved == 0 {
                day.opened += n;
            } else {
                day.resolved += n;
            }
        }
    }
    days
}

pub async fn load(
    db: &Db,
    partner_id: i64,
    page: &Page,
    now: i64,
) -> Result<PartnerHome, AppError> {
    let today = local_date(now, &page.time_zone)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the clock is out of range")))?;
    let dates: Vec<Date> = (0..CHART_DAYS)
        .map(|back| add_days(today, back - CHART_DAYS + 1))
        .collect::<Result<_, _>>()?;
    let mut starts: Vec<i64> = dates
        .iter()
        .map(|d| day_start(*d, page))
        .collect::<Result<_, _>>()?;
    starts.push(day_start(add_days(today, 1)?, page)?);
    let tomorrow = add_days(today, 1)?;
    let (connections, by_kind, activity, today_list, tomorrow_list) = tokio::join!(
        crate::db::connections::list_for_partner(db, partner_id),
        dashboard::open_mismatches_by_kind(db, partner_id),
        dashboard::mismatch_activity(db, partner_id, starts[0]),
        day_list(db, partner_id, today, page),
        day_list(db, partner_id, tomorrow, page),
    );
    let by_kind = by_kind?;
    let open: Vec<KindCount> = MismatchKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let count = by_kind
                .iter()
                .find(|(k, _)| k == kind.as_str())
                .map(|(_, n)| *n)?;
            Some(KindCount { kind, count })
        })
        .collect();
    Ok(PartnerHome {
        connected: connections?.iter().any(|c| c.state == "active"),
        open_total: by_kind.iter().map(|(_, n)| n).sum(),
        open,
        today: today_list?,
        tomorrow: tomorrow_list?,
        chart: ActivityChart::new(days_of(&activity?, &dates, &starts)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_summed_into_the_partners_days() {
        let dates = [
            Date::new(2026, 7, 4).expect("date"),
            Date::new(2026, 7, 5).expect("date"),
        ];
        // Days starting at 1000·900 and 1096·900 seconds, ending at 1192·900.
        let starts = [1000 * SLOT_SECS, 1096 * SLOT_SECS, 1192 * SLOT_SECS];
        let activity = [
            (0, 999, 9),  // before the first day: not counted
            (0, 1000, 2), // first slot of day one
            (1, 1095, 1), // last slot of day one
            (0, 1096, 3), // first slot of day two
            (1, 1191, 4),
            (1, 1192, 5), // after the end: not counted
        ];
        let days = days_of(&activity, &dates, &starts);
        assert_eq!((days[0].opened, days[0].resolved), (2, 1));
        assert_eq!((days[1].opened, days[1].resolved), (3, 4));
    }
}
