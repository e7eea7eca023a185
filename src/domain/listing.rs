//! How far a system's listing can be believed (issue 18). A polled listing is the only proof
//! that a booking is gone, so a listing that lies — a date filter applied to the wrong field, a
//! token for another business, related resources left out — must not turn into false facts:
//! a whole calendar vanishing at once is one alarm about the connection, not hundreds of
//! deletions, and hundreds of unreadable bookings are one cause with a count.

/// When a listing's missing bookings are too many to be real deletions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MassVanishPolicy {
    /// More than this share of the bookings we knew in the window, gone at once, is a problem
    /// with the listing or the account (0.1 = 10 %).
    pub share: f64,
    /// ... provided at least this many are gone: a small calendar losing one booking is a
    /// delete to flag, not an alarm.
    pub min_count: i64,
}

impl Default for MassVanishPolicy {
    fn default() -> Self {
        MassVanishPolicy {
            share: 0.1,
            min_count: 5,
        }
    }
}

impl MassVanishPolicy {
    /// Checks the two settings; the error names the one that is wrong.
    pub fn new(share: f64, min_count: i64) -> Result<MassVanishPolicy, String> {
        if !(share > 0.0 && share <= 1.0) {
            return Err(format!(
                "BOOKBRIDGE_MASS_VANISH_SHARE must be above 0 and at most 1, not {share}"
            ));
        }
        if min_count < 1 {
            return Err(format!(
                "BOOKBRIDGE_MASS_VANISH_MIN must be at least 1, not {min_count}"
            ));
        }
        Ok(MassVanishPolicy { share, min_count })
    }

    /// Whether `missing` of the `known` bookings vanishing in one listing is a mass vanish.
    pub fn is_mass(&self, known: i64, missing: i64) -> bool {
        missing >= self.min_count.max(1) && (missing as f64) > self.share * (known as f64)
    }
}

/// Where a connection's mass-vanish alarm stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlarmState {
    None,
    /// Raised; the vanish marking is held.
    Open,
    /// A person confirmed the bookings are really gone.
    Confirmed,
}

/// What to do with the bookings a complete listing no longer shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VanishDecision {
    /// Mark them vanished; resolve the alarm, if one is active, for this reason.
    Mark { resolve: Option<&'static str> },
    /// Leave them as they are: the listing is not believed. `raise` opens the alarm.
    Hold { raise: bool },
}

/// Decides between marking and holding, from the counts and the alarm alone.
pub fn decide_vanish(
    policy: &MassVanishPolicy,
    known: i64,
    missing: i64,
    alarm: AlarmState,
) -> VanishDecision {
    let mass = policy.is_mass(known, missing);
    match (mass, alarm) {
        (true, AlarmState::None) => VanishDecision::Hold { raise: true },
        (true, AlarmState::Open) => VanishDecision::Hold { raise: false },
        (true, AlarmState::Confirmed) => VanishDecision::Mark {
            resolve: Some("a person confirmed the bookings are gone"),
        },
        (false, AlarmState::None) => VanishDecision::Mark { resolve: None },
        (false, AlarmState::Open | AlarmState::Confirmed) => VanishDecision::Mark {
            resolve: Some("the listing looks whole again"),
        },
    }
}

/// The cause of an unreadable booking without what is particular to the booking (its id, its
/// event's id, a time), so that one cause shared by every booking is counted once.
pub fn unreadable_cause(message: &str) -> String {
    let mut words: Vec<&str> = Vec::new();
    for word in message.split_whitespace() {
        let particular = word.chars().any(|c| c.is_ascii_digit());
        let word = if particular { "…" } else { word };
        if !(word == "…" && words.last() == Some(&"…")) {
            words.push(word);
        }
    }
    words.join(" ")
}

/// Several causes as one line, most frequent first, for the log and the sync-health line.
pub fn summarize_causes(causes: &std::collections::BTreeMap<String, i64>) -> String {
    let mut sorted: Vec<(&String, &i64)> = causes.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    sorted
        .into_iter()
        .map(|(cause, _)| cause.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_out_of_range_are_refused_naming_the_setting() {
        assert!(MassVanishPolicy::new(0.25, 3).is_ok());
        let share = MassVanishPolicy::new(0.0, 5).expect_err("zero share");
        assert!(share.contains("BOOKBRIDGE_MASS_VANISH_SHARE"), "{share}");
        assert!(MassVanishPolicy::new(1.5, 5).is_err());
        assert!(MassVanishPolicy::new(f64::NAN, 5).is_err());
        let min = MassVanishPolicy::new(0.1, 0).expect_err("zero minimum");
        assert!(min.contains("BOOKBRIDGE_MASS_VANISH_MIN"), "{min}");
    }

    #[test]
    fn a_few_deletes_in_a_big_calendar_are_marked() {
        let p = MassVanishPolicy::default();
        assert!(!p.is_mass(241, 3));
        assert!(!p.is_mass(241, 24));
        assert!(p.is_mass(241, 25));
        assert_eq!(
            decide_vanish(&p, 241, 3, AlarmState::None),
            VanishDecision::Mark { resolve: None }
        );
    }

    #[test]
    fn a_small_calendar_losing_a_booking_is_a_delete_not_an_alarm() {
        let p = MassVanishPolicy::default();
        assert!(!p.is_mass(1, 1));
        assert!(!p.is_mass(4, 4));
        assert!(p.is_mass(5, 5));
    }

    #[test]
    fn an_empty_listing_of_a_known_calendar_raises_one_alarm_and_holds() {
        let p = MassVanishPolicy::default();
        assert_eq!(
            decide_vanish(&p, 241, 241, AlarmState::None),
            VanishDecision::Hold { raise: true }
        );
        assert_eq!(
            decide_vanish(&p, 241, 241, AlarmState::Open),
            VanishDecision::Hold { raise: false }
        );
    }

    #[test]
    fn marking_resumes_when_the_listing_is_whole_again_or_a_person_confirms() {
        let p = MassVanishPolicy::default();
        assert!(matches!(
            decide_vanish(&p, 241, 0, AlarmState::Open),
            VanishDecision::Mark { resolve: Some(_) }
        ));
        assert!(matches!(
            decide_vanish(&p, 241, 241, AlarmState::Confirmed),
            VanishDecision::Mark { resolve: Some(_) }
        ));
    }

    #[test]
    fn causes_lose_what_is_particular_to_one_booking() {
        let a = unreadable_cause(
            "the system's answer could not be read: booking 5f0c81: its event 9a1e2 is not included",
        );
        let b = unreadable_cause(
            "the system's answer could not be read: booking 77ab3: its event 1c4d is not included",
        );
        assert_eq!(a, b);
        assert!(a.contains("is not included"), "{a}");
        let state = unreadable_cause("booking 77ab3: unknown state \"on_hold\"");
        assert!(state.contains("\"on_hold\""), "{state}");
    }

    #[test]
    fn several_causes_read_most_frequent_first() {
        let mut causes = std::collections::BTreeMap::new();
        causes.insert("b".to_string(), 1);
        causes.insert("a".to_string(), 5);
        assert_eq!(summarize_causes(&causes), "a; b");
    }
}
