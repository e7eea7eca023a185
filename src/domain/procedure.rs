//! Guided procedures: what each one does, in which order, and what it refuses — the FAQ's rules
//! 2 to 5 as plans of steps. Pure: [`crate::sync::procedure`] runs the plans.

use serde::{Deserialize, Serialize};

use super::booking::BookingStatus;
use super::mismatch::MismatchKind;

/// The four procedures a partner (or Partner Care for one) can start from a booking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureKind {
    /// Rule 2: cancel in both systems, the voucher first.
    Cancel,
    /// Rule 3: move to a free slot in the system where the booking was made.
    Reschedule,
    /// Rule 5: a new voucher for another service and a new booking for it.
    ChangeService,
    /// Rule 4: cannot honour it — tell Partner Care; the booking stays valid meanwhile.
    Escalate,
}

impl ProcedureKind {
    pub const ALL: [ProcedureKind; 4] = [
        ProcedureKind::Cancel,
        ProcedureKind::Reschedule,
        ProcedureKind::ChangeService,
        ProcedureKind::Escalate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProcedureKind::Cancel => "cancel",
            ProcedureKind::Reschedule => "reschedule",
            ProcedureKind::ChangeService => "change_service",
            ProcedureKind::Escalate => "escalate",
        }
    }

    /// The FAQ rule the procedure enforces.
    pub fn rule(self) -> u8 {
        match self {
            ProcedureKind::Cancel => 2,
            ProcedureKind::Reschedule => 3,
            ProcedureKind::Escalate => 4,
            ProcedureKind::ChangeService => 5,
        }
    }

    /// The differences the procedure itself produces on its way (the voucher cancelled before
    /// the booking, the new time in one system before the other): while it runs, the sync
    /// does not flag these, only what the procedure did not intend.
    pub fn intended_differences(self) -> &'static [MismatchKind] {
        match self {
            ProcedureKind::Cancel => &[MismatchKind::StatusDiffers],
            ProcedureKind::Reschedule => &[MismatchKind::TimeDiffers],
            ProcedureKind::ChangeService => {
                &[MismatchKind::StatusDiffers, MismatchKind::ServiceDiffers]
            }
            ProcedureKind::Escalate => &[],
        }
    }
}

/// The procedure that settles a mismatch of `kind`, if one does: the next step a flagged row
/// offers. A missing or vanished side, a rejection or a booking left unanswered go to Partner
/// Care; customer details cross over by themselves and failed pushes are retried.
pub fn procedure_for(kind: MismatchKind) -> Option<ProcedureKind> {
    match kind {
        MismatchKind::StatusDiffers => Some(ProcedureKind::Cancel),
        MismatchKind::TimeDiffers | MismatchKind::Conflict => Some(ProcedureKind::Reschedule),
        MismatchKind::ServiceDiffers => Some(ProcedureKind::ChangeService),
        MismatchKind::RejectedWithoutCare
        | MismatchKind::Unanswered
        | MismatchKind::MissingInReservio
        | MismatchKind::MissingInTermino
        | MismatchKind::DeletedRemotely => Some(ProcedureKind::Escalate),
        MismatchKind::CustomerDiffers
        | MismatchKind::PushFailed
        | MismatchKind::ProcedureFailed => None,
    }
}

stored_by_name!(ProcedureKind, "procedure");

/// One step of a procedure. The names are stored in `procedure_steps.name`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// Termino: cancel the voucher (and with it its reservation).
    CancelVoucher,
    /// Termino: read the reservation back until it shows cancelled.
    ConfirmVoucherCancelled,
    /// Reservio: cancel the booking (never delete it).
    CancelReservio,
    /// Read both systems: both show cancelled.
    VerifyCancelled,
    /// Reservio: the new slot is free, in the future, within opening hours.
    CheckSlot,
    /// The origin system: move the booking to the new slot.
    ApplyTime,
    /// Wait until the sync has carried the new time to the other system.
    AwaitPropagation,
    /// Read both systems: both show the new time.
    VerifyTime,
    /// Termino: cancel the old voucher and issue a new one for the new offer.
    ReissueVoucher,
    /// Reservio: cancel the original booking (never delete it).
    CancelOldReservio,
    /// Start the new link and book the new voucher in Termino; the sync books it in Reservio.
    CreateNewBooking,
    /// Wait until the new booking exists in both systems and is linked.
    AwaitNewBooking,
    /// Read both systems: the new booking shows the new service and slot on both sides.
    VerifyNewBooking,
    /// Open a Partner Care case.
    OpenCase,
}

/// The wait reason of a step held by observe mode: the page shows it as "would do".
pub const HELD_OBSERVE: &str = "observe mode: bookbridge would do this step now";

/// The wait reason of a step held because a system refused the connection's credentials.
pub const HELD_CREDENTIALS: &str = "waiting for new credentials: a system refused the old ones";

/// The wait reason of a move Reservio would not take through its API: the partner moves the
/// booking in Reservio's own calendar, and the step reads it back until Reservio shows it.
pub const MOVE_BY_HAND: &str =
    "Reservio does not let bookbridge move bookings: move it in Reservio's own calendar";

impl Step {
    /// Whether the step changes something in Reservio or Termino (directly, or through a push
    /// it starts): such a step waits while the connection writes nothing.
    pub fn writes(self) -> bool {
        matches!(
            self,
            Step::CancelVoucher
                | Step::CancelReservio
                | Step::ApplyTime
                | Step::ReissueVoucher
                | Step::CancelOldReservio
                | Step::CreateNewBooking
        )
    }

    pub const ALL: [Step; 14] = [
        Step::CancelVoucher,
        Step::ConfirmVoucherCancelled,
        Step::CancelReservio,
        Step::VerifyCancelled,
        Step::CheckSlot,
        Step::ApplyTime,
        Step::AwaitPropagation,
        Step::VerifyTime,
        Step::ReissueVoucher,
        Step::CancelOldReservio,
        Step::CreateNewBooking,
        Step::AwaitNewBooking,
        Step::VerifyNewBooking,
        Step::OpenCase,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::CancelVoucher => "cancel_voucher",
            Step::ConfirmVoucherCancelled => "confirm_voucher_cancelled",
            Step::CancelReservio => "cancel_reservio",
            Step::VerifyCancelled => "verify_cancelled",
            Step::CheckSlot => "check_slot",
            Step::ApplyTime => "apply_time",
            Step::AwaitPropagation => "await_propagation",
            Step::VerifyTime => "verify_time",
            Step::ReissueVoucher => "reissue_voucher",
            Step::CancelOldReservio => "cancel_old_reservio",
            Step::CreateNewBooking => "create_new_booking",
            Step::AwaitNewBooking => "await_new_booking",
            Step::VerifyNewBooking => "verify_new_booking",
            Step::OpenCase => "open_case",
        }
    }

    /// The catalogue key of the step's label.
    pub fn label_key(self) -> String {
        format!("step-{}", self.as_str())
    }
}

stored_by_name!(Step, "step");

/// Where a procedure stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProcedureState {
    /// Started; the runner has not taken it yet.
    Pending,
    /// A step is being carried out.
    Running,
    /// Waiting for a system (a confirmation, the sync) or backing off after a transient error.
    Waiting,
    /// Stopped at a step; a person retries it or abandons the procedure.
    Failed,
    Completed,
    /// Given up by a person; nothing already done is undone.
    Abandoned,
}

impl ProcedureState {
    pub const ALL: [ProcedureState; 6] = [
        ProcedureState::Pending,
        ProcedureState::Running,
        ProcedureState::Waiting,
        ProcedureState::Failed,
        ProcedureState::Completed,
        ProcedureState::Abandoned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProcedureState::Pending => "pending",
            ProcedureState::Running => "running",
            ProcedureState::Waiting => "waiting",
            ProcedureState::Failed => "failed",
            ProcedureState::Completed => "completed",
            ProcedureState::Abandoned => "abandoned",
        }
    }

    /// Finished for good: nothing more will happen.
    pub fn is_final(self) -> bool {
        matches!(self, ProcedureState::Completed | ProcedureState::Abandoned)
    }
}

stored_by_name!(ProcedureState, "procedure state");

/// What the person asked for, stored as JSON in `procedures.params`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Params {
    Cancel {
        reason: String,
    },
    Reschedule {
        start_at: i64,
        end_at: i64,
    },
    ChangeService {
        /// The Reservio service and the Termino offer it is mapped to.
        service_id: String,
        offer_id: String,
        start_at: i64,
        end_at: i64,
    },
    Escalate {
        reason: String,
        proposal: String,
    },
}

impl Params {
    pub fn kind(&self) -> ProcedureKind {
        match self {
            Params::Cancel { .. } => ProcedureKind::Cancel,
            Params::Reschedule { .. } => ProcedureKind::Reschedule,
            Params::ChangeService { .. } => ProcedureKind::ChangeService,
            Params::Escalate { .. } => ProcedureKind::Escalate,
        }
    }

    /// The new slot, for the procedures that move the booking.
    pub fn slot(&self) -> Option<(i64, i64)> {
        match self {
            Params::Reschedule { start_at, end_at }
            | Params::ChangeService {
                start_at, end_at, ..
            } => Some((*start_at, *end_at)),
            _ => None,
        }
    }
}

/// What is known about the booking when a procedure is planned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Situation {
    pub reservio: Option<BookingStatus>,
    pub termino: Option<BookingStatus>,
    pub voucher_code: Option<String>,
    /// The link is already superseded (its service was changed).
    pub superseded: bool,
}

/// One planned step: carried out, or skipped with the reason (a catalogue key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedStep {
    pub step: Step,
    pub skip: Option<&'static str>,
}

impl PlannedStep {
    fn run(step: Step) -> Self {
        PlannedStep { step, skip: None }
    }

    fn skipped(step: Step, reason: &'static str) -> Self {
        PlannedStep {
            step,
            skip: Some(reason),
        }
    }
}

/// Why a procedure cannot start on this booking; each is a catalogue key with the plain reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Both sides already show cancelled.
    AlreadyCancelled,
    /// A cancelled booking cannot be moved or changed.
    Cancelled,
    /// The booking's service was already changed; the new booking is where to act.
    Superseded,
    /// The booking has no voucher in Termino, so the channel cannot change it.
    NoVoucher,
    /// The booking is not in Reservio (yet): there is nothing to move there.
    NotInReservio,
    /// The booking's connection no longer syncs (disconnected or suspended): nothing can be done
    /// in its systems from here.
    ConnectionEnded,
    /// Cancelled in both systems: the customer will not come, there is nothing to honour.
    NothingToHonour,
}

impl Refusal {
    pub fn key(self) -> &'static str {
        match self {
            Refusal::AlreadyCancelled => "procedure-refused-already_cancelled",
            Refusal::Cancelled => "procedure-refused-cancelled",
            Refusal::Superseded => "procedure-refused-superseded",
            Refusal::NoVoucher => "procedure-refused-no_voucher",
            Refusal::NotInReservio => "procedure-refused-not_in_reservio",
            Refusal::ConnectionEnded => "procedure-refused-connection_ended",
            Refusal::NothingToHonour => "procedure-refused-nothing_to_honour",
        }
    }
}

/// The steps of `kind` for this booking, or why it cannot start.
pub fn plan(kind: ProcedureKind, s: &Situation) -> Result<Vec<PlannedStep>, Refusal> {
    if s.superseded {
        return Err(Refusal::Superseded);
    }
    let cancelled = |side: Option<BookingStatus>| side == Some(BookingStatus::Cancelled);
    match kind {
        ProcedureKind::Cancel => {
            let voucher_done = s.termino.is_none() || cancelled(s.termino);
            let reservio_done = s.reservio.is_none() || cancelled(s.reservio);
            if voucher_done && reservio_done {
                return Err(Refusal::AlreadyCancelled);
            }
            let voucher_skip = if s.termino.is_none() {
                Some("step-skip-no_termino")
            } else if cancelled(s.termino) {
                Some("step-skip-voucher_cancelled")
            } else {
                None
            };
            let mut steps = match voucher_skip {
                Some(reason) => vec![
                    PlannedStep::skipped(Step::CancelVoucher, reason),
                    PlannedStep::skipped(Step::ConfirmVoucherCancelled, reason),
                ],
                None if s.voucher_code.is_none() => return Err(Refusal::NoVoucher),
                None => vec![
                    PlannedStep::run(Step::CancelVoucher),
                    PlannedStep::run(Step::ConfirmVoucherCancelled),
                ],
            };
            steps.push(if s.reservio.is_none() {
                PlannedStep::skipped(Step::CancelReservio, "step-skip-no_reservio")
            } else if cancelled(s.reservio) {
                PlannedStep::skipped(Step::CancelReservio, "step-skip-reservio_cancelled")
            } else {
                PlannedStep::run(Step::CancelReservio)
            });
            steps.push(PlannedStep::run(Step::VerifyCancelled));
            Ok(steps)
        }
        ProcedureKind::Reschedule => {
            if cancelled(s.reservio) || cancelled(s.termino) {
                return Err(Refusal::Cancelled);
            }
            if s.reservio.is_none() {
                return Err(Refusal::NotInReservio);
            }
            Ok([
                Step::CheckSlot,
                Step::ApplyTime,
                Step::AwaitPropagation,
                Step::VerifyTime,
            ]
            .into_iter()
            .map(PlannedStep::run)
            .collect())
        }
        ProcedureKind::ChangeService => {
            if cancelled(s.reservio) || cancelled(s.termino) {
                return Err(Refusal::Cancelled);
            }
            if s.termino.is_none() || s.voucher_code.is_none() {
                return Err(Refusal::NoVoucher);
            }
            let mut steps = vec![
                PlannedStep::run(Step::CheckSlot),
                PlannedStep::run(Step::ReissueVoucher),
            ];
            steps.push(if s.reservio.is_none() {
                PlannedStep::skipped(Step::CancelOldReservio, "step-skip-no_reservio")
            } else {
                PlannedStep::run(Step::CancelOldReservio)
            });
            steps.extend(
                [
                    Step::CreateNewBooking,
                    Step::AwaitNewBooking,
                    Step::VerifyNewBooking,
                ]
                .map(PlannedStep::run),
            );
            Ok(steps)
        }
        ProcedureKind::Escalate => {
            let gone = |side: Option<BookingStatus>| side.is_none() || cancelled(side);
            if gone(s.reservio) && gone(s.termino) {
                return Err(Refusal::NothingToHonour);
            }
            Ok(vec![PlannedStep::run(Step::OpenCase)])
        }
    }
}

/// Why a chosen slot cannot be taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotProblem {
    /// It starts in the past (or now).
    Past,
    /// Its end is not after its start.
    Invalid,
    /// Another booking holds it.
    Taken,
    /// Reservio does not offer it: outside opening hours or off the service's grid.
    NotOffered,
}

impl SlotProblem {
    pub fn key(self) -> &'static str {
        match self {
            SlotProblem::Past => "slot-problem-past",
            SlotProblem::Invalid => "slot-problem-invalid",
            SlotProblem::Taken => "slot-problem-taken",
            SlotProblem::NotOffered => "slot-problem-not_offered",
        }
    }
}

/// Checks a chosen slot against Reservio's free slots. `taken` says whether a booking we know of
/// overlaps it (to tell "taken" from "not offered" when it is not free).
pub fn check_slot(
    slot: (i64, i64),
    now: i64,
    free: &[(i64, i64)],
    taken: bool,
) -> Result<(), SlotProblem> {
    let (start, end) = slot;
    if end <= start {
        return Err(SlotProblem::Invalid);
    }
    if start <= now {
        return Err(SlotProblem::Past);
    }
    if free.contains(&slot) {
        return Ok(());
    }
    if taken {
        Err(SlotProblem::Taken)
    } else {
        Err(SlotProblem::NotOffered)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_flag_a_procedure_settles_names_it() {
        use super::{MismatchKind, ProcedureKind, procedure_for};
        assert_eq!(
            procedure_for(MismatchKind::StatusDiffers),
            Some(ProcedureKind::Cancel)
        );
        assert_eq!(
            procedure_for(MismatchKind::ServiceDiffers),
            Some(ProcedureKind::ChangeService)
        );
        assert_eq!(
            procedure_for(MismatchKind::RejectedWithoutCare),
            Some(ProcedureKind::Escalate)
        );
        assert_eq!(procedure_for(MismatchKind::CustomerDiffers), None);
    }

    #[test]
    fn a_running_cancellation_owns_the_status_difference_and_nothing_else() {
        use super::{MismatchKind, ProcedureKind};
        let intended = ProcedureKind::Cancel.intended_differences();
        assert_eq!(intended, &[MismatchKind::StatusDiffers]);
        assert!(!intended.contains(&MismatchKind::TimeDiffers));
        assert!(ProcedureKind::Escalate.intended_differences().is_empty());
    }

    use super::*;

    fn situation(r: Option<BookingStatus>, t: Option<BookingStatus>) -> Situation {
        Situation {
            reservio: r,
            termino: t,
            voucher_code: Some("SV-1".into()),
            superseded: false,
        }
    }

    fn steps(plan: &[PlannedStep]) -> Vec<(Step, bool)> {
        plan.iter().map(|p| (p.step, p.skip.is_some())).collect()
    }

    use BookingStatus::{Cancelled, Confirmed};

    #[test]
    fn cancel_runs_the_voucher_first_then_reservio_then_checks_both() {
        let p = plan(
            ProcedureKind::Cancel,
            &situation(Some(Confirmed), Some(Confirmed)),
        )
        .expect("test value");
        assert_eq!(
            steps(&p),
            vec![
                (Step::CancelVoucher, false),
                (Step::ConfirmVoucherCancelled, false),
                (Step::CancelReservio, false),
                (Step::VerifyCancelled, false),
            ]
        );
    }

    #[test]
    fn cancel_of_an_already_cancelled_voucher_starts_at_the_reservio_step() {
        let p = plan(
            ProcedureKind::Cancel,
            &situation(Some(Confirmed), Some(Cancelled)),
        )
        .expect("test value");
        assert_eq!(
            steps(&p),
            vec![
                (Step::CancelVoucher, true),
                (Step::ConfirmVoucherCancelled, true),
                (Step::CancelReservio, false),
                (Step::VerifyCancelled, false),
            ]
        );
        assert_eq!(p[0].skip, Some("step-skip-voucher_cancelled"));
    }

    #[test]
    fn cancel_of_a_booking_cancelled_on_both_sides_is_refused() {
        assert_eq!(
            plan(
                ProcedureKind::Cancel,
                &situation(Some(Cancelled), Some(Cancelled))
            ),
            Err(Refusal::AlreadyCancelled)
        );
    }

    #[test]
    fn asking_for_help_with_a_booking_cancelled_everywhere_gives_its_own_reason() {
        let both = situation(Some(Cancelled), Some(Cancelled));
        assert_eq!(
            plan(ProcedureKind::Escalate, &both),
            Err(Refusal::NothingToHonour)
        );
        assert_ne!(
            Refusal::NothingToHonour.key(),
            Refusal::AlreadyCancelled.key()
        );
    }

    #[test]
    fn a_cancelled_booking_cannot_be_moved_or_changed() {
        for kind in [ProcedureKind::Reschedule, ProcedureKind::ChangeService] {
            assert_eq!(
                plan(kind, &situation(Some(Confirmed), Some(Cancelled))),
                Err(Refusal::Cancelled)
            );
        }
    }

    #[test]
    fn a_service_change_needs_a_voucher() {
        let mut s = situation(Some(Confirmed), None);
        assert_eq!(
            plan(ProcedureKind::ChangeService, &s),
            Err(Refusal::NoVoucher)
        );
        s.termino = Some(Confirmed);
        s.voucher_code = None;
        assert_eq!(
            plan(ProcedureKind::ChangeService, &s),
            Err(Refusal::NoVoucher)
        );
    }

    #[test]
    fn a_superseded_booking_takes_no_procedure() {
        let mut s = situation(Some(Confirmed), Some(Confirmed));
        s.superseded = true;
        for kind in ProcedureKind::ALL {
            assert_eq!(plan(kind, &s), Err(Refusal::Superseded));
        }
    }

    #[test]
    fn escalation_is_one_step_and_always_possible() {
        let p = plan(
            ProcedureKind::Escalate,
            &situation(Some(Confirmed), Some(Confirmed)),
        )
        .expect("test value");
        assert_eq!(steps(&p), vec![(Step::OpenCase, false)]);
    }

    #[test]
    fn slot_checks_tell_past_taken_and_not_offered_apart() {
        let free = [(1_000, 2_000), (2_000, 3_000)];
        assert_eq!(check_slot((1_000, 2_000), 500, &free, false), Ok(()));
        assert_eq!(
            check_slot((1_000, 2_000), 1_000, &free, false),
            Err(SlotProblem::Past)
        );
        assert_eq!(
            check_slot((2_000, 1_000), 0, &free, false),
            Err(SlotProblem::Invalid)
        );
        assert_eq!(
            check_slot((5_000, 6_000), 0, &free, true),
            Err(SlotProblem::Taken)
        );
        assert_eq!(
            check_slot((5_000, 6_000), 0, &free, false),
            Err(SlotProblem::NotOffered)
        );
    }

    #[test]
    fn names_round_trip_and_an_unknown_name_says_what_it_is() {
        use crate::domain::mismatch::UnknownName;
        for s in Step::ALL {
            assert_eq!(s.as_str().parse::<Step>(), Ok(s));
        }
        for k in ProcedureKind::ALL {
            assert_eq!(k.as_str().parse::<ProcedureKind>(), Ok(k));
        }
        for s in ProcedureState::ALL {
            assert_eq!(s.as_str().parse::<ProcedureState>(), Ok(s));
        }
        let unknown = |e: UnknownName| e.to_string();
        assert_eq!(
            "reboot".parse::<Step>().map_err(unknown),
            Err("unknown step \"reboot\"".to_string())
        );
        assert_eq!(
            "refund".parse::<ProcedureKind>().map_err(unknown),
            Err("unknown procedure \"refund\"".to_string())
        );
        assert_eq!(
            "paused".parse::<ProcedureState>().map_err(unknown),
            Err("unknown procedure state \"paused\"".to_string())
        );
        let p = Params::Reschedule {
            start_at: 1,
            end_at: 2,
        };
        let json = serde_json::to_string(&p).expect("test value");
        assert_eq!(
            serde_json::from_str::<Params>(&json).expect("round trip"),
            p
        );
        assert_eq!(p.kind(), ProcedureKind::Reschedule);
    }
}
