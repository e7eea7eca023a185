//! The catalogue keys the procedure pages show: each procedure's name, rule and button, each
//! step's label, and the states of procedures and steps. Literal keys, one place, so the
//! catalogue test sees them used.

use crate::domain::procedure::{ProcedureKind, ProcedureState, Step};

/// The procedure a flagged row offers as its next step: one click to its start form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextStep {
    pub kind: &'static str,
    pub href: String,
    pub label_key: &'static str,
}

impl NextStep {
    /// The procedure that settles a mismatch of `kind` on link `link`, if one does.
    pub fn for_mismatch(link: i64, kind: crate::domain::mismatch::MismatchKind) -> Option<Self> {
        crate::domain::procedure::procedure_for(kind).map(|procedure| NextStep {
            kind: procedure.as_str(),
            href: crate::web::paths::booking_procedure(link, procedure.as_str()),
            label_key: kind_key(procedure),
        })
    }
}

/// The procedure's short name, e.g. "Cancel in both systems".
pub fn kind_key(kind: ProcedureKind) -> &'static str {
    match kind {
        ProcedureKind::Cancel => "booking-procedure-cancel",
        ProcedureKind::Reschedule => "booking-procedure-reschedule",
        ProcedureKind::ChangeService => "booking-procedure-change_service",
        ProcedureKind::Escalate => "booking-procedure-escalate",
    }
}

/// The FAQ rule the procedure enforces, in words.
pub fn rule_key(kind: ProcedureKind) -> &'static str {
    match kind {
        ProcedureKind::Cancel => "procedure-rule-cancel",
        ProcedureKind::Reschedule => "procedure-rule-reschedule",
        ProcedureKind::ChangeService => "procedure-rule-change_service",
        ProcedureKind::Escalate => "procedure-rule-escalate",
    }
}

/// The start form's submit button.
pub fn submit_key(kind: ProcedureKind) -> &'static str {
    match kind {
        ProcedureKind::Cancel => "procedure-submit-cancel",
        ProcedureKind::Reschedule => "procedure-submit-reschedule",
        ProcedureKind::ChangeService => "procedure-submit-change_service",
        ProcedureKind::Escalate => "procedure-submit-escalate",
    }
}

/// What to check once the procedure has completed (FAQ rule 6).
pub fn check_key(kind: ProcedureKind) -> &'static str {
    match kind {
        ProcedureKind::Cancel => "procedure-check-cancel",
        ProcedureKind::Reschedule => "procedure-check-reschedule",
        ProcedureKind::ChangeService => "procedure-check-change_service",
        ProcedureKind::Escalate => "procedure-check-escalate",
    }
}

/// The step's label; the same key as [`Step::label_key`], spelt out.
pub fn step_key(step: Step) -> &'static str {
    match step {
        Step::CancelVoucher => "step-cancel_voucher",
        Step::ConfirmVoucherCancelled => "step-confirm_voucher_cancelled",
        Step::CancelReservio => "step-cancel_reservio",
        Step::VerifyCancelled => "step-verify_cancelled",
        Step::CheckSlot => "step-check_slot",
        Step::ApplyTime => "step-apply_time",
        Step::AwaitPropagation => "step-await_propagation",
        Step::VerifyTime => "step-verify_time",
        Step::ReissueVoucher => "step-reissue_voucher",
        Step::CancelOldReservio => "step-cancel_old_reservio",
        Step::CreateNewBooking => "step-create_new_booking",
        Step::AwaitNewBooking => "step-await_new_booking",
        Step::VerifyNewBooking => "step-verify_new_booking",
        Step::OpenCase => "step-open_case",
    }
}

/// What a step waits for, in words.
pub fn waiting_key(step: Step) -> &'static str {
    match step {
        Step::ConfirmVoucherCancelled => "procedure-waiting-confirm_voucher_cancelled",
        Step::AwaitPropagation => "procedure-waiting-await_propagation",
        Step::AwaitNewBooking => "procedure-waiting-await_new_booking",
        _ => "procedure-waiting",
    }
}

/// A procedure's state; a state this build does not know reads as stopped.
pub fn procedure_state(state: &str) -> ProcedureState {
    state.parse().unwrap_or(ProcedureState::Failed)
}

pub fn procedure_state_key(state: ProcedureState) -> &'static str {
    match state {
        ProcedureState::Pending => "procedure-state-pending",
        ProcedureState::Running => "procedure-state-running",
        ProcedureState::Waiting => "procedure-state-waiting",
        ProcedureState::Failed => "procedure-state-failed",
        ProcedureState::Completed => "procedure-state-completed",
        ProcedureState::Abandoned => "procedure-state-abandoned",
    }
}

/// The badge class of a procedure's state.
pub fn procedure_state_css(state: ProcedureState) -> &'static str {
    match state {
        ProcedureState::Completed => "ok",
        ProcedureState::Failed | ProcedureState::Abandoned => "bad",
        ProcedureState::Pending | ProcedureState::Running | ProcedureState::Waiting => "warn",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{self, Lang};

    #[test]
    fn each_step_label_is_the_key_the_engine_names() {
        for step in Step::ALL {
            assert_eq!(step_key(step), step.label_key());
        }
    }

    /// The runner builds these keys from the kind's name when it queues the confirmation
    /// e-mail (FAQ rule 6); every language must have them, with the booking's details.
    #[test]
    fn every_procedure_has_its_confirmation_e_mail_in_every_language() {
        let keys = [
            ("mail-subject-cancel", "mail-body-cancel"),
            ("mail-subject-reschedule", "mail-body-reschedule"),
            ("mail-subject-change_service", "mail-body-change_service"),
            ("mail-subject-escalate", "mail-body-escalate"),
        ];
        for (kind, (subject, body)) in ProcedureKind::ALL.into_iter().zip(keys) {
            assert_eq!(subject, format!("mail-subject-{}", kind.as_str()));
            assert_eq!(body, format!("mail-body-{}", kind.as_str()));
            for lang in Lang::ALL {
                let mut args = vec![
                    ("customer", "Eva Nováková".into()),
                    ("voucher", "SV-123".into()),
                    ("booking", 42.into()),
                ];
                // The cancellation tells its steps as they ran (see `sync::procedure`).
                let steps = ["mail-cancel-voucher-done", "mail-cancel-reservio-done"]
                    .map(|key| i18n::text_with(lang, key, &args))
                    .join("\n");
                args.push(("steps", steps.into()));
                let text = i18n::text_with(lang, body, &args);
                assert!(
                    text.contains("SV-123") && text.contains("42"),
                    "{lang:?} {body}: {text}"
                );
                assert!(
                    text.contains("Reservio"),
                    "{lang:?} {body} says what happened in Reservio"
                );
                let subject = i18n::text_with(lang, subject, &args);
                assert!(!subject.is_empty() && subject != "mail-subject-cancel");
            }
        }
    }
}
