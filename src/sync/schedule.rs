//! How soon a connection is polled again. Reservio cannot tell us about a change, so its side
//! is polled; a connection that changed recently is likely to change again soon, while one that
//! has been quiet for hours can wait longer — the budget of requests goes where the changes are.
//! Termino notifies, and a notification makes the connection due at once whatever this says.

use super::context::Settings;

/// Seconds until the next poll of a connection whose last change was at `last_change_at`.
///
/// Polled every `poll_interval_secs` while it changed within the last ten intervals; after
/// that the interval grows with the quiet (a tenth of it), up to `quiet_poll_interval_secs`.
/// A connection never seen changing waits the longest interval.
pub fn poll_delay(settings: &Settings, now: i64, last_change_at: Option<i64>) -> i64 {
    let active = i64::try_from(settings.poll_interval_secs.max(1)).unwrap_or(i64::MAX);
    let quiet = i64::try_from(settings.quiet_poll_interval_secs)
        .unwrap_or(i64::MAX)
        .max(active);
    match last_change_at {
        None => quiet,
        Some(at) => (now.saturating_sub(at) / 10).clamp(active, quiet),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings {
            poll_interval_secs: 5,
            quiet_poll_interval_secs: 60,
            ..Settings::default()
        }
    }

    #[test]
    fn a_connection_that_just_changed_is_polled_at_the_shortest_interval() {
        assert_eq!(poll_delay(&settings(), 1_000, Some(1_000)), 5);
        assert_eq!(poll_delay(&settings(), 1_000, Some(950)), 5);
    }

    #[test]
    fn the_interval_grows_with_the_quiet_up_to_the_longest() {
        let s = settings();
        assert_eq!(poll_delay(&s, 1_000, Some(800)), 20);
        assert_eq!(poll_delay(&s, 10_000, Some(0)), 60);
        assert_eq!(poll_delay(&s, 10_000, None), 60);
    }

    #[test]
    fn a_longest_interval_below_the_shortest_is_the_shortest() {
        let s = Settings {
            poll_interval_secs: 30,
            quiet_poll_interval_secs: 10,
            ..Settings::default()
        };
        assert_eq!(poll_delay(&s, 10_000, None), 30);
    }
}
