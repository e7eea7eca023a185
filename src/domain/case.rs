//! Escalations to Partner Care (FAQ rule 4: a partner who cannot honour a booking must tell
//! Partner Care at once; a connection that does not copy correctly is reported too).

use super::account::Invalid;

/// What a case is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaseKind {
    /// The partner found bookings or availability not copying over while verifying.
    ConnectionProblem,
    /// The partner cannot honour a booking (rule 4); it stays valid until Partner Care decides.
    CannotHonour,
    /// Anything else the partner needs Partner Care for.
    NeedsHelp,
}

impl CaseKind {
    pub const ALL: [CaseKind; 3] = [
        CaseKind::ConnectionProblem,
        CaseKind::CannotHonour,
        CaseKind::NeedsHelp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::ConnectionProblem => "connection_problem",
            CaseKind::CannotHonour => "cannot_honour",
            CaseKind::NeedsHelp => "needs_help",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            CaseKind::ConnectionProblem => "case-kind-connection_problem",
            CaseKind::CannotHonour => "case-kind-cannot_honour",
            CaseKind::NeedsHelp => "case-kind-needs_help",
        }
    }
}

stored_by_name!(CaseKind, "case kind");

/// Where a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaseState {
    /// Nobody in Partner Care has taken it yet.
    Open,
    /// Someone in Partner Care is on it.
    InProgress,
    /// Decided, with an outcome. Final.
    Resolved,
}

/// A state change the case life cycle does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a case cannot go from {from} to {to}")]
pub struct IllegalCaseTransition {
    pub from: CaseState,
    pub to: CaseState,
}

impl CaseState {
    pub const ALL: [CaseState; 3] = [CaseState::Open, CaseState::InProgress, CaseState::Resolved];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Open => "open",
            CaseState::InProgress => "in_progress",
            CaseState::Resolved => "resolved",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            CaseState::Open => "case-state-open",
            CaseState::InProgress => "case-state-in_progress",
            CaseState::Resolved => "case-state-resolved",
        }
    }

    pub fn css(self) -> &'static str {
        match self {
            CaseState::Open => "bad",
            CaseState::InProgress => "warn",
            CaseState::Resolved => "ok",
        }
    }

    /// `open → in_progress → resolved`, or straight to resolved; nothing after resolved.
    pub fn transition(self, to: CaseState) -> Result<CaseState, IllegalCaseTransition> {
        use CaseState::{InProgress, Open, Resolved};
        match (self, to) {
            (Open, InProgress) | (Open, Resolved) | (InProgress, Resolved) => Ok(to),
            (from, to) => Err(IllegalCaseTransition { from, to }),
        }
    }
}

stored_by_name!(CaseState, "case state");

/// How Partner Care decided a case (DESIGN: "cancel, move, or keep"), or fixed a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaseOutcome {
    /// The booking stays valid; the customer will come.
    BookingKept,
    /// The voucher and the booking are cancelled, in both systems.
    BookingCancelled,
    /// The booking moved to another slot, agreed with the customer.
    BookingMoved,
    /// The connection's mapping or set-up was corrected.
    ConnectionFixed,
    /// Nothing needed doing after all.
    NoActionNeeded,
}

impl CaseOutcome {
    pub const ALL: [CaseOutcome; 5] = [
        CaseOutcome::BookingKept,
        CaseOutcome::BookingCancelled,
        CaseOutcome::BookingMoved,
        CaseOutcome::ConnectionFixed,
        CaseOutcome::NoActionNeeded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseOutcome::BookingKept => "booking_kept",
            CaseOutcome::BookingCancelled => "booking_cancelled",
            CaseOutcome::BookingMoved => "booking_moved",
            CaseOutcome::ConnectionFixed => "connection_fixed",
            CaseOutcome::NoActionNeeded => "no_action_needed",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            CaseOutcome::BookingKept => "case-outcome-booking_kept",
            CaseOutcome::BookingCancelled => "case-outcome-booking_cancelled",
            CaseOutcome::BookingMoved => "case-outcome-booking_moved",
            CaseOutcome::ConnectionFixed => "case-outcome-connection_fixed",
            CaseOutcome::NoActionNeeded => "case-outcome-no_action_needed",
        }
    }

    /// The outcome chosen in a form; an empty or unknown choice is the user's mistake.
    pub fn parse(raw: &str) -> Result<CaseOutcome, Invalid> {
        CaseOutcome::ALL
            .into_iter()
            .find(|o| o.as_str() == raw.trim())
            .ok_or(Invalid("error-outcome-required"))
    }
}

#[cfg(test)]
mod tests {
    use super::CaseState::*;
    use super::*;

    #[test]
    fn a_case_is_taken_then_resolved_or_resolved_at_once() {
        assert_eq!(Open.transition(InProgress), Ok(InProgress));
        assert_eq!(InProgress.transition(Resolved), Ok(Resolved));
        assert_eq!(Open.transition(Resolved), Ok(Resolved));
    }

    #[test]
    fn a_resolved_case_stays_resolved() {
        for to in CaseState::ALL {
            assert!(Resolved.transition(to).is_err(), "resolved → {to}");
        }
        assert!(InProgress.transition(InProgress).is_err());
        assert!(InProgress.transition(Open).is_err());
    }

    #[test]
    fn names_round_trip() {
        for kind in CaseKind::ALL {
            assert_eq!(kind.as_str().parse::<CaseKind>(), Ok(kind));
            assert!(kind.label_key().ends_with(kind.as_str()));
        }
        for state in CaseState::ALL {
            assert_eq!(state.as_str().parse::<CaseState>(), Ok(state));
            assert!(state.label_key().ends_with(state.as_str()));
        }
        for outcome in CaseOutcome::ALL {
            assert_eq!(CaseOutcome::parse(outcome.as_str()), Ok(outcome));
            assert!(outcome.label_key().ends_with(outcome.as_str()));
        }
    }

    #[test]
    fn an_outcome_must_be_chosen() {
        for bad in ["", "  ", "deleted"] {
            assert_eq!(
                CaseOutcome::parse(bad),
                Err(Invalid("error-outcome-required"))
            );
        }
    }
}
