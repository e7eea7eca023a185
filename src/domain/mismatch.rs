//! What can disagree between the two sides of a linked booking, how bad it is, and the life of a
//! flagged mismatch (`open → acknowledged → resolved`).

use super::booking::System;

/// A stored name (kind, severity or state) that this build does not know. Values come from our
/// own database, so this is an internal fault, not a user's mistake.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}")]
pub struct UnknownName {
    /// What was being parsed: "mismatch kind", "severity", "mismatch state".
    pub what: &'static str,
    pub value: String,
}

/// One way the two sides of a linked booking can disagree (the table in DESIGN.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MismatchKind {
    /// The booking exists in Termino only, past the grace period.
    MissingInReservio,
    /// The booking exists in Reservio only, past the grace period.
    MissingInTermino,
    /// One side is cancelled, the other is not (rule 2: cancellation does not propagate).
    StatusDiffers,
    /// Start or end differ and the propagation is overdue.
    TimeDiffers,
    /// The mapped services disagree, or a side's service is not mapped (rule 5).
    ServiceDiffers,
    /// A side shows the booking rejected and no Partner Care case exists (rule 4).
    RejectedWithoutCare,
    /// Still awaiting the partner's confirmation after the allowed time (rule 4).
    Unanswered,
    /// The booking vanished from a system (rule 2 forbids deletes).
    DeletedRemotely,
    /// Name, e-mail or phone differ and the propagation is overdue.
    CustomerDiffers,
    /// A change could not be pushed after all retries; raised by the outbox, not by reconcile.
    PushFailed,
    /// A guided procedure stopped at a step; raised by the procedure runner, cleared when the
    /// procedure is retried to completion or abandoned.
    ProcedureFailed,
    /// Both sides changed the same field differently since the base.
    Conflict,
}

impl MismatchKind {
    /// Every kind, in the order of the DESIGN.md table.
    pub const ALL: [MismatchKind; 12] = [
        MismatchKind::MissingInReservio,
        MismatchKind::MissingInTermino,
        MismatchKind::StatusDiffers,
        MismatchKind::TimeDiffers,
        MismatchKind::ServiceDiffers,
        MismatchKind::RejectedWithoutCare,
        MismatchKind::Unanswered,
        MismatchKind::DeletedRemotely,
        MismatchKind::CustomerDiffers,
        MismatchKind::PushFailed,
        MismatchKind::ProcedureFailed,
        MismatchKind::Conflict,
    ];

    /// The name stored in the database and written to the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            MismatchKind::MissingInReservio => "missing_in_reservio",
            MismatchKind::MissingInTermino => "missing_in_termino",
            MismatchKind::StatusDiffers => "status_differs",
            MismatchKind::TimeDiffers => "time_differs",
            MismatchKind::ServiceDiffers => "service_differs",
            MismatchKind::RejectedWithoutCare => "rejected_without_care",
            MismatchKind::Unanswered => "unanswered",
            MismatchKind::DeletedRemotely => "deleted_remotely",
            MismatchKind::CustomerDiffers => "customer_differs",
            MismatchKind::PushFailed => "push_failed",
            MismatchKind::ProcedureFailed => "procedure_failed",
            MismatchKind::Conflict => "conflict",
        }
    }

    /// The kind for a booking that is missing in `system`.
    pub fn missing_in(system: System) -> MismatchKind {
        match system {
            System::Reservio => MismatchKind::MissingInReservio,
            System::Termino => MismatchKind::MissingInTermino,
        }
    }

    /// The severity a newly detected mismatch of this kind gets (DESIGN.md table).
    pub fn default_severity(self) -> Severity {
        match self {
            MismatchKind::DeletedRemotely => Severity::Critical,
            MismatchKind::MissingInReservio
            | MismatchKind::MissingInTermino
            | MismatchKind::StatusDiffers
            | MismatchKind::TimeDiffers
            | MismatchKind::RejectedWithoutCare
            | MismatchKind::PushFailed
            | MismatchKind::ProcedureFailed
            | MismatchKind::Conflict => Severity::High,
            MismatchKind::ServiceDiffers | MismatchKind::Unanswered => Severity::Medium,
            MismatchKind::CustomerDiffers => Severity::Low,
        }
    }

    /// Whether this kind is found by looking at the sides' bookings (comparing them, or reading
    /// one's state), so that it can only be cleared while both sides are in view. A side that
    /// vanished or dropped out of a listing agrees with nothing: such a mismatch stays open
    /// until the booking is back and the finding is gone.
    pub fn needs_both_sides_to_resolve(self) -> bool {
        match self {
            MismatchKind::StatusDiffers
            | MismatchKind::TimeDiffers
            | MismatchKind::ServiceDiffers
            | MismatchKind::RejectedWithoutCare
            | MismatchKind::Unanswered
            | MismatchKind::CustomerDiffers
            | MismatchKind::Conflict => true,
            // About presence itself, or owned by the outbox and the procedure runner.
            MismatchKind::MissingInReservio
            | MismatchKind::MissingInTermino
            | MismatchKind::DeletedRemotely
            | MismatchKind::PushFailed
            | MismatchKind::ProcedureFailed => false,
        }
    }

    /// The catalogue key of the kind's short name. Spelled out literally (not built with
    /// `format!`) so a scanner can check every key exists in every catalogue.
    pub fn label_key(self) -> &'static str {
        match self {
            MismatchKind::MissingInReservio => "mismatch-missing_in_reservio",
            MismatchKind::MissingInTermino => "mismatch-missing_in_termino",
            MismatchKind::StatusDiffers => "mismatch-status_differs",
            MismatchKind::TimeDiffers => "mismatch-time_differs",
            MismatchKind::ServiceDiffers => "mismatch-service_differs",
            MismatchKind::RejectedWithoutCare => "mismatch-rejected_without_care",
            MismatchKind::Unanswered => "mismatch-unanswered",
            MismatchKind::DeletedRemotely => "mismatch-deleted_remotely",
            MismatchKind::CustomerDiffers => "mismatch-customer_differs",
            MismatchKind::PushFailed => "mismatch-push_failed",
            MismatchKind::ProcedureFailed => "mismatch-procedure_failed",
            MismatchKind::Conflict => "mismatch-conflict",
        }
    }

    /// The catalogue key of the text explaining what went wrong and what the procedure is.
    pub fn explanation_key(self) -> &'static str {
        match self {
            MismatchKind::MissingInReservio => "mismatch-missing_in_reservio-help",
            MismatchKind::MissingInTermino => "mismatch-missing_in_termino-help",
            MismatchKind::StatusDiffers => "mismatch-status_differs-help",
            MismatchKind::TimeDiffers => "mismatch-time_differs-help",
            MismatchKind::ServiceDiffers => "mismatch-service_differs-help",
            MismatchKind::RejectedWithoutCare => "mismatch-rejected_without_care-help",
            MismatchKind::Unanswered => "mismatch-unanswered-help",
            MismatchKind::DeletedRemotely => "mismatch-deleted_remotely-help",
            MismatchKind::CustomerDiffers => "mismatch-customer_differs-help",
            MismatchKind::PushFailed => "mismatch-push_failed-help",
            MismatchKind::ProcedureFailed => "mismatch-procedure_failed-help",
            MismatchKind::Conflict => "mismatch-conflict-help",
        }
    }
}

stored_by_name!(MismatchKind, "mismatch kind");

/// How urgently a mismatch needs a human. Ordered: `Low < Medium < High < Critical`, so a queue
/// can sort by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Low,
    Medium,
    High,
    /// Something the rules forbid outright has happened (a delete).
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

stored_by_name!(Severity, "severity");

/// Where a flagged mismatch stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MismatchState {
    /// Detected and nobody has looked at it yet.
    Open,
    /// Someone has seen it and is on it.
    Acknowledged,
    /// Done, by a person or because sync saw both sides agree. Final: a later re-detection opens
    /// a new row, so the history of the first one is never rewritten.
    Resolved,
}

/// A state change the mismatch life cycle does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a mismatch cannot go from {from} to {to}")]
pub struct IllegalTransition {
    pub from: MismatchState,
    pub to: MismatchState,
}

impl MismatchState {
    /// Every state, in life-cycle order.
    pub const ALL: [MismatchState; 3] = [
        MismatchState::Open,
        MismatchState::Acknowledged,
        MismatchState::Resolved,
    ];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            MismatchState::Open => "open",
            MismatchState::Acknowledged => "acknowledged",
            MismatchState::Resolved => "resolved",
        }
    }

    /// Whether nothing can follow this state.
    pub fn is_final(self) -> bool {
        matches!(self, MismatchState::Resolved)
    }

    /// Moves to `to` if the life cycle allows it: `open → acknowledged → resolved`, or
    /// `open → resolved` when sync sees the sides agree before anyone looked. Staying in the same
    /// state is refused too, so a double-click or a stale form shows up as an error instead of
    /// writing a second, meaningless audit entry.
    pub fn transition(self, to: MismatchState) -> Result<MismatchState, IllegalTransition> {
        use MismatchState::{Acknowledged, Open, Resolved};
        match (self, to) {
            (Open, Acknowledged) | (Open, Resolved) | (Acknowledged, Resolved) => Ok(to),
            (from, to) => Err(IllegalTransition { from, to }),
        }
    }
}

stored_by_name!(MismatchState, "mismatch state");

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn what_was_found_by_looking_at_a_booking_waits_for_both_sides_to_be_in_view() {
        // Issue 18: a side that vanished agrees with nothing.
        for kind in [
            MismatchKind::StatusDiffers,
            MismatchKind::ServiceDiffers,
            MismatchKind::RejectedWithoutCare,
            MismatchKind::Conflict,
        ] {
            assert!(kind.needs_both_sides_to_resolve(), "{kind}");
        }
        // Presence itself, and what the outbox and procedures own, follow their own rules.
        for kind in [
            MismatchKind::DeletedRemotely,
            MismatchKind::MissingInReservio,
            MismatchKind::PushFailed,
            MismatchKind::ProcedureFailed,
        ] {
            assert!(!kind.needs_both_sides_to_resolve(), "{kind}");
        }
    }

    /// The DESIGN.md table, row by row: stored name and default severity.
    const DESIGN_TABLE: [(MismatchKind, &str, Severity); 12] = [
        (
            MismatchKind::MissingInReservio,
            "missing_in_reservio",
            Severity::High,
        ),
        (
            MismatchKind::MissingInTermino,
            "missing_in_termino",
            Severity::High,
        ),
        (
            MismatchKind::StatusDiffers,
            "status_differs",
            Severity::High,
        ),
        (MismatchKind::TimeDiffers, "time_differs", Severity::High),
        (
            MismatchKind::ServiceDiffers,
            "service_differs",
            Severity::Medium,
        ),
        (
            MismatchKind::RejectedWithoutCare,
            "rejected_without_care",
            Severity::High,
        ),
        (MismatchKind::Unanswered, "unanswered", Severity::Medium),
        (
            MismatchKind::DeletedRemotely,
            "deleted_remotely",
            Severity::Critical,
        ),
        (
            MismatchKind::CustomerDiffers,
            "customer_differs",
            Severity::Low,
        ),
        (MismatchKind::PushFailed, "push_failed", Severity::High),
        (
            MismatchKind::ProcedureFailed,
            "procedure_failed",
            Severity::High,
        ),
        (MismatchKind::Conflict, "conflict", Severity::High),
    ];

    #[test]
    fn every_kind_has_the_name_and_severity_of_the_design_table() {
        for (kind, name, severity) in DESIGN_TABLE {
            assert_eq!(kind.as_str(), name);
            assert_eq!(kind.to_string(), name);
            assert_eq!(kind.default_severity(), severity, "{name}");
        }
        let listed: Vec<MismatchKind> = DESIGN_TABLE.iter().map(|row| row.0).collect();
        assert_eq!(listed, MismatchKind::ALL.to_vec());
    }

    #[test]
    fn every_kind_round_trips_through_its_stored_name() {
        for kind in MismatchKind::ALL {
            assert_eq!(kind.as_str().parse::<MismatchKind>(), Ok(kind));
        }
    }

    #[test]
    fn an_unknown_kind_name_is_refused_and_named_in_the_error() {
        let err = "status_differ".parse::<MismatchKind>().expect_err("a typo");
        assert_eq!(err.what, "mismatch kind");
        assert_eq!(err.to_string(), "unknown mismatch kind \"status_differ\"");
        assert!("StatusDiffers".parse::<MismatchKind>().is_err());
        assert!("".parse::<MismatchKind>().is_err());
    }

    #[test]
    fn a_push_that_keeps_failing_is_a_high_mismatch_raised_by_the_outbox() {
        assert_eq!(MismatchKind::PushFailed.as_str(), "push_failed");
        assert_eq!(MismatchKind::PushFailed.default_severity(), Severity::High);
        assert_eq!("push_failed".parse(), Ok(MismatchKind::PushFailed));
    }

    #[test]
    fn a_deleted_booking_is_the_only_critical_kind_because_deletes_are_forbidden() {
        let critical: Vec<MismatchKind> = MismatchKind::ALL
            .into_iter()
            .filter(|kind| kind.default_severity() == Severity::Critical)
            .collect();
        assert_eq!(critical, vec![MismatchKind::DeletedRemotely]);
    }

    #[test]
    fn every_kind_has_its_own_label_and_explanation_keys() {
        let mut seen = HashSet::new();
        for kind in MismatchKind::ALL {
            assert_eq!(kind.label_key(), format!("mismatch-{}", kind.as_str()));
            assert_eq!(
                kind.explanation_key(),
                format!("mismatch-{}-help", kind.as_str())
            );
            assert!(seen.insert(kind.label_key()));
            assert!(seen.insert(kind.explanation_key()));
        }
    }

    #[test]
    fn a_missing_booking_is_named_after_the_system_it_is_missing_from() {
        assert_eq!(
            MismatchKind::missing_in(System::Reservio),
            MismatchKind::MissingInReservio
        );
        assert_eq!(
            MismatchKind::missing_in(System::Termino),
            MismatchKind::MissingInTermino
        );
    }

    #[test]
    fn severities_are_ordered_from_low_to_critical() {
        assert!(Severity::Low < Severity::Medium);
        assert!(Severity::Medium < Severity::High);
        assert!(Severity::High < Severity::Critical);
        let mut shuffled = vec![
            Severity::High,
            Severity::Low,
            Severity::Critical,
            Severity::Medium,
        ];
        shuffled.sort();
        assert_eq!(shuffled, Severity::ALL.to_vec());
    }

    #[test]
    fn every_severity_round_trips_through_its_stored_name() {
        let names = ["low", "medium", "high", "critical"];
        for (severity, name) in Severity::ALL.into_iter().zip(names) {
            assert_eq!(severity.as_str(), name);
            assert_eq!(severity.to_string(), name);
            assert_eq!(name.parse::<Severity>(), Ok(severity));
        }
        assert!("urgent".parse::<Severity>().is_err());
    }

    #[test]
    fn every_state_round_trips_through_its_stored_name() {
        let names = ["open", "acknowledged", "resolved"];
        for (state, name) in MismatchState::ALL.into_iter().zip(names) {
            assert_eq!(state.as_str(), name);
            assert_eq!(state.to_string(), name);
            assert_eq!(name.parse::<MismatchState>(), Ok(state));
        }
        assert!("closed".parse::<MismatchState>().is_err());
    }

    #[test]
    fn an_open_mismatch_can_be_acknowledged_and_then_resolved() {
        let acknowledged = MismatchState::Open
            .transition(MismatchState::Acknowledged)
            .expect("open → acknowledged is allowed");
        let resolved = acknowledged
            .transition(MismatchState::Resolved)
            .expect("acknowledged → resolved is allowed");
        assert_eq!(resolved, MismatchState::Resolved);
    }

    #[test]
    fn an_open_mismatch_resolves_directly_when_the_sides_agree_again() {
        assert_eq!(
            MismatchState::Open.transition(MismatchState::Resolved),
            Ok(MismatchState::Resolved)
        );
    }

    #[test]
    fn a_resolved_mismatch_is_final_so_a_redetection_needs_a_new_row() {
        assert!(MismatchState::Resolved.is_final());
        for to in MismatchState::ALL {
            assert_eq!(
                MismatchState::Resolved.transition(to),
                Err(IllegalTransition {
                    from: MismatchState::Resolved,
                    to
                })
            );
        }
    }

    #[test]
    fn the_life_cycle_allows_exactly_three_moves() {
        use MismatchState::{Acknowledged, Open, Resolved};
        let table = [
            (Open, Open, false),
            (Open, Acknowledged, true),
            (Open, Resolved, true),
            (Acknowledged, Open, false),
            (Acknowledged, Acknowledged, false),
            (Acknowledged, Resolved, true),
            (Resolved, Open, false),
            (Resolved, Acknowledged, false),
            (Resolved, Resolved, false),
        ];
        for (from, to, allowed) in table {
            assert_eq!(from.transition(to).is_ok(), allowed, "{from} → {to}");
        }
        assert!(!Open.is_final() && !Acknowledged.is_final());
    }

    #[test]
    fn a_refused_transition_says_what_was_attempted() {
        let err = MismatchState::Acknowledged
            .transition(MismatchState::Open)
            .expect_err("a mismatch cannot be reopened");
        assert_eq!(
            err.to_string(),
            "a mismatch cannot go from acknowledged to open"
        );
    }
}
