//! A linked booking as the pages show it: which fields differ between the two sides, and the
//! catalogue keys of statuses, mismatch kinds and severities.

use crate::db::link_sides::Snapshot;
use crate::db::read::bookings_view::{Badge, ListedLink};
use crate::domain::mismatch::Severity;
use crate::web::page::Page;
use crate::web::paths::IntArg;
use crate::web::procedures::labels::NextStep;

/// What the pages ask of a listed link beyond its sides' own comparisons
/// ([`crate::db::link_sides`]).
impl ListedLink {
    /// Both sides in the order the pages show them, with their system's catalogue key.
    pub fn by_system(&self) -> [(&Option<Snapshot>, &'static str); 2] {
        self.sides
            .pairs()
            .map(|(system, side)| (side, system_key(system.as_str())))
    }

    pub fn has_mismatches(&self) -> bool {
        !self.mismatches.is_empty()
    }

    /// The procedure that settles the row's first mismatch one procedure can settle.
    pub fn next_step(&self) -> Option<NextStep> {
        self.mismatches
            .iter()
            .filter_map(|m| m.kind)
            .find_map(|kind| NextStep::for_mismatch(self.id, kind))
    }

    /// The voucher code, or the link's number when it has none.
    pub fn title(&self) -> String {
        match &self.voucher_code {
            Some(code) if !code.is_empty() => code.clone(),
            _ => format!("#{}", self.id),
        }
    }

    /// A change crossing over, and whether it is past the promise, if one is.
    pub fn crossing(&self, now: impl IntArg, promise_secs: impl IntArg) -> Option<Crossing> {
        let now = now.int();
        let since = self.change_pending_since?;
        let elapsed = (now - since).max(0);
        Some(Crossing {
            minutes: elapsed / 60,
            overdue: elapsed > promise_secs.int(),
        })
    }

    /// Whether the row may say the sides are in agreement: nothing flagged, nothing crossing,
    /// no field different.
    pub fn in_agreement(&self) -> bool {
        !self.has_mismatches() && self.change_pending_since.is_none() && !self.sides.any_differs()
    }
}

/// A change on its way, as a list row shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Crossing {
    pub minutes: i64,
    /// Past the channel's promise: shown like the flag it is.
    pub overdue: bool,
}

impl Snapshot {
    pub fn status_key(&self) -> &'static str {
        status_key(&self.status)
    }

    /// The service's name; a service no mapping names is shown by its id and said to be
    /// unmapped, since that is why the sides cannot agree.
    pub fn service_label(&self, page: &Page) -> String {
        match &self.service_name {
            Some(name) => name.clone(),
            None => page.t_value("bookings-service-unmapped", &self.service_id),
        }
    }

    /// When it starts and ends, e.g. `09:05–10:05`.
    pub fn time_range(&self, page: &Page) -> String {
        format!("{}–{}", page.time(self.start_at), page.time(self.end_at))
    }
}

/// The catalogue key of a stored booking status.
pub fn status_key(status: &str) -> &'static str {
    match status {
        "pending" => "booking-status-pending",
        "confirmed" => "booking-status-confirmed",
        "cancelled" => "booking-status-cancelled",
        "rejected" => "booking-status-rejected",
        _ => "booking-status-unknown",
    }
}

/// The catalogue key of a stored severity name.
pub fn severity_key(severity: &str) -> &'static str {
    match severity {
        "critical" => "severity-critical",
        "high" => "severity-high",
        "medium" => "severity-medium",
        _ => "severity-low",
    }
}

/// The catalogue key of a stored system name.
pub fn system_key(system: &str) -> &'static str {
    match system {
        "reservio" => "system-reservio",
        _ => "system-termino",
    }
}

impl Badge {
    /// The kind's short name (a catalogue key); a kind this build does not know is named as
    /// such rather than hidden.
    pub fn label_key(&self) -> &'static str {
        self.kind.map_or("mismatch-unknown", |k| k.label_key())
    }

    /// What the kind means and which FAQ rule applies (a catalogue key).
    pub fn explanation_key(&self) -> &'static str {
        self.kind
            .map_or("mismatch-unknown-help", |k| k.explanation_key())
    }

    /// The kind's stored name, for attributes tests and scripts can select on.
    pub fn kind_name(&self) -> &'static str {
        self.kind.map_or("unknown", |k| k.as_str())
    }

    pub fn severity_key(&self) -> &'static str {
        severity_key(self.severity.as_str())
    }

    /// The CSS class of its badge.
    pub fn severity_class(&self) -> &'static str {
        match self.severity {
            Severity::Critical => "sev-critical",
            Severity::High => "sev-high",
            Severity::Medium => "sev-medium",
            Severity::Low => "sev-low",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::Sides;

    fn side(start_at: i64, service: Option<&str>, name: &str, status: &str) -> Snapshot {
        Snapshot {
            booking_id: 1,
            start_at,
            end_at: start_at + 3600,
            service_id: "svc".into(),
            service_name: service.map(str::to_string),
            mapped_service: service.map(str::to_string),
            customer_name: name.into(),
            customer_email: "a@example.test".into(),
            customer_phone: "+420 1".into(),
            status: status.into(),
            ..Snapshot::default()
        }
    }

    fn row(reservio: Option<Snapshot>, termino: Option<Snapshot>) -> ListedLink {
        ListedLink {
            id: 7,
            voucher_code: None,
            appointment_at: 0,
            change_pending_since: Some(100),
            sides: Sides { reservio, termino },
            mismatches: vec![],
        }
    }

    #[test]
    fn equal_sides_differ_in_nothing() {
        let r = row(
            Some(side(0, Some("svc-1"), "Eva", "confirmed")),
            Some(side(0, Some("svc-1"), "Eva", "confirmed")),
        );
        let s = &r.sides;
        assert!(!s.time_differs() && !s.service_differs());
        assert!(!s.customer_differs() && !s.status_differs());
    }

    #[test]
    fn each_differing_field_is_told_apart() {
        let r = row(
            Some(side(0, Some("svc-1"), "Eva", "confirmed")),
            Some(side(3600, Some("svc-2"), "Eva N.", "cancelled")),
        );
        let s = &r.sides;
        assert!(s.time_differs() && s.service_differs());
        assert!(s.name_differs() && !s.email_differs() && s.customer_differs());
        assert!(s.status_differs());
    }

    #[test]
    fn an_unmapped_service_matches_nothing_not_even_another_unmapped_one() {
        let r = row(
            Some(side(0, None, "Eva", "confirmed")),
            Some(side(0, None, "Eva", "confirmed")),
        );
        assert!(r.sides.service_differs());
    }

    #[test]
    fn a_missing_side_highlights_no_field() {
        let r = row(None, Some(side(0, Some("svc-1"), "Eva", "confirmed")));
        let s = &r.sides;
        assert!(!s.time_differs() && !s.status_differs() && !s.service_differs());
        assert!(s.one_sided(), "waiting for the other system, not agreeing");
        assert_eq!(r.title(), "#7");
    }

    #[test]
    fn a_pending_change_counts_whole_minutes_and_is_overdue_past_the_promise() {
        let r = row(None, None);
        let c = |now: i64| r.crossing(now, 300_i64).expect("crossing");
        assert_eq!(c(100 + 59).minutes, 0);
        assert_eq!(c(100 + 4 * 60).minutes, 4);
        assert!(!c(100 + 300).overdue);
        assert!(c(100 + 301).overdue);
    }

    #[test]
    fn a_row_with_a_change_crossing_is_never_in_agreement() {
        let same = || Some(side(0, Some("svc-1"), "Eva", "confirmed"));
        let mut r = row(same(), same());
        r.change_pending_since = None;
        assert!(r.in_agreement());
        r.change_pending_since = Some(100);
        assert!(!r.in_agreement());
    }

    #[test]
    fn unknown_names_get_a_key_that_says_so() {
        assert_eq!(status_key("lost"), "booking-status-unknown");
        let m = Badge {
            kind: None,
            severity: Severity::High,
        };
        assert_eq!(m.label_key(), "mismatch-unknown");
        assert_eq!(m.kind_name(), "unknown");
        assert_eq!(m.severity_class(), "sev-high");
    }
}
