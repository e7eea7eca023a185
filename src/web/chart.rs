//! A bar chart drawn on the server as inline SVG: mismatches opened and resolved per day.
//!
//! The geometry is computed here, in plain numbers a test can check; the template only writes
//! the shapes. No script and no chart library are involved.

use jiff::civil::Date;

/// The drawing's size in SVG user units; it scales to the page's width.
pub const WIDTH: i64 = 640;
pub const HEIGHT: i64 = 220;
/// Room for the axis labels.
const LEFT: i64 = 36;
const BOTTOM: i64 = 24;
const TOP: i64 = 10;
const RIGHT: i64 = 8;

/// What happened on one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Day {
    pub date: Date,
    pub opened: i64,
    pub resolved: i64,
}

/// One bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
    pub value: i64,
    pub date: Date,
}

/// A label on the value axis, with its grid line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tick {
    pub y: i64,
    pub value: i64,
}

/// A date label under the bars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateLabel {
    pub x: i64,
    pub date: Date,
}

/// The chart, ready to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityChart {
    pub days: Vec<Day>,
    pub opened: Vec<Bar>,
    pub resolved: Vec<Bar>,
    pub ticks: Vec<Tick>,
    pub labels: Vec<DateLabel>,
    /// The top of the value axis.
    pub max: i64,
}

/// The smallest "nice" axis top (1, 2 or 5 times a power of ten) at or above `n`.
fn nice_ceiling(n: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= n {
                return m * step;
            }
        }
        step *= 10;
    }
}

impl ActivityChart {
    pub fn new(days: Vec<Day>) -> ActivityChart {
        let highest = days
            .iter()
            .map(|d| d.opened.max(d.resolved))
            .max()
            .unwrap_or(0);
        let max = nice_ceiling(highest.max(1));
        let plot_width = WIDTH - LEFT - RIGHT;
        let plot_height = HEIGHT - TOP - BOTTOM;
        let slot = plot_width / (days.len() as i64).max(1);
        // Two bars side by side in each day's slot, with a gap between days.
        let bar_width = ((slot - 2) / 2).max(1);
        let bar = |index: usize, nth: i64, value: i64, date: Date| {
            let height = value * plot_height / max;
            Bar {
                x: LEFT + index as i64 * slot + 1 + nth * bar_width,
                y: TOP + plot_height - height,
                width: bar_width,
                height,
                value,
                date,
            }
        };
        let opened = days
            .iter()
            .enumerate()
            .map(|(i, d)| bar(i, 0, d.opened, d.date))
            .collect();
        let resolved = days
            .iter()
            .enumerate()
            .map(|(i, d)| bar(i, 1, d.resolved, d.date))
            .collect();
        let ticks = [0, max / 2, max]
            .into_iter()
            .filter(|v| *v == 0 || *v == max || max % 2 == 0)
            .map(|value| Tick {
                y: TOP + plot_height - value * plot_height / max,
                value,
            })
            .collect();
        // A date under every seventh day, counted back from the last so today is labelled.
        let last = days.len().saturating_sub(1);
        let labels = days
            .iter()
            .enumerate()
            .filter(|(i, _)| (last - i) % 7 == 0)
            .map(|(i, d)| DateLabel {
                x: LEFT + i as i64 * slot + slot / 2,
                date: d.date,
            })
            .collect();
        ActivityChart {
            days,
            opened,
            resolved,
            ticks,
            labels,
            max,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.days.iter().all(|d| d.opened == 0 && d.resolved == 0)
    }

    pub fn view_box(&self) -> String {
        format!("0 0 {WIDTH} {HEIGHT}")
    }

    /// Where the value axis's labels end and the bars begin.
    pub fn axis_x(&self) -> i64 {
        LEFT
    }

    pub fn axis_right(&self) -> i64 {
        WIDTH - RIGHT
    }

    /// The baseline the date labels hang from.
    pub fn label_y(&self) -> i64 {
        HEIGHT - 6
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(counts: &[(i64, i64)]) -> Vec<Day> {
        let first = Date::new(2026, 7, 1).expect("a date");
        counts
            .iter()
            .enumerate()
            .map(|(i, (opened, resolved))| Day {
                date: first
                    .checked_add(jiff::Span::new().days(i as i64))
                    .expect("in range"),
                opened: *opened,
                resolved: *resolved,
            })
            .collect()
    }

    #[test]
    fn the_axis_ends_at_a_round_number_above_the_highest_bar() {
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(3), 5);
        assert_eq!(nice_ceiling(7), 10);
        assert_eq!(nice_ceiling(11), 20);
        assert_eq!(nice_ceiling(480), 500);
    }

    #[test]
    fn the_highest_bar_reaches_the_top_in_proportion() {
        let chart = ActivityChart::new(days(&[(4, 1), (0, 2), (5, 5)]));
        assert_eq!(chart.max, 5);
        let plot_height = HEIGHT - TOP - BOTTOM;
        assert_eq!(chart.opened[2].height, plot_height);
        assert_eq!(chart.opened[2].y, TOP);
        assert_eq!(chart.opened[1].height, 0);
        assert_eq!(chart.resolved[0].height, plot_height / 5);
        // The resolved bar stands right of the opened one of the same day.
        assert_eq!(
            chart.resolved[0].x,
            chart.opened[0].x + chart.opened[0].width
        );
        assert!(chart.opened[1].x > chart.resolved[0].x);
    }

    #[test]
    fn thirty_days_fit_inside_the_drawing_with_today_labelled() {
        let chart = ActivityChart::new(days(&[(1, 0); 30]));
        let last = chart.resolved.last().expect("30 bars");
        assert!(last.x + last.width <= WIDTH - RIGHT);
        let labelled: Vec<Date> = chart.labels.iter().map(|l| l.date).collect();
        assert_eq!(labelled.last(), Some(&chart.days[29].date));
        assert_eq!(labelled.len(), 5);
    }

    #[test]
    fn a_quiet_month_is_an_empty_chart_with_a_unit_axis() {
        let chart = ActivityChart::new(days(&[(0, 0); 30]));
        assert!(chart.is_empty());
        assert_eq!(chart.max, 1);
        assert!(chart.opened.iter().all(|b| b.height == 0));
    }
}
