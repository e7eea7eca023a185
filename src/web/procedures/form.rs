//! The start form's input, parsed into the procedure's [`Params`] at the edge, with the message
//! each field shows when it cannot be.

use serde::Deserialize;

use crate::domain::note::{NOTE_MAX_CHARS, Note};
use crate::domain::procedure::{Params, ProcedureKind};

/// What the start form sends; every field may be missing, and what was typed comes back with
/// the errors.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ProcedureForm {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub proposal: String,
    /// The day whose free slots were shown (`YYYY-MM-DD`).
    #[serde(default)]
    pub date: String,
    /// The Reservio service to change to.
    #[serde(default)]
    pub service: String,
    /// The chosen slot, `<start_unix>-<end_unix>`.
    #[serde(default)]
    pub slot: String,
    /// The Partner Care case the procedure settles, if it was started from one.
    #[serde(default)]
    pub case: String,
}

/// The message (a catalogue key) next to each field that cannot be taken.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors {
    pub reason: Option<&'static str>,
    pub proposal: Option<&'static str>,
    pub service: Option<&'static str>,
    pub slot: Option<&'static str>,
}

impl FieldErrors {
    pub fn is_empty(&self) -> bool {
        *self == FieldErrors::default()
    }
}

/// A service the booking can change to: a mapped Reservio service and its Termino offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceChoice {
    pub service_id: String,
    pub offer_id: String,
    pub name: String,
}

/// A slot as the form sends it: `<start_unix>-<end_unix>`, both whole seconds, end after start.
pub fn parse_slot(raw: &str) -> Result<(i64, i64), &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("procedure-error-slot-missing");
    }
    let malformed = "procedure-error-slot-malformed";
    let (start, end) = raw.split_once('-').ok_or(malformed)?;
    let number = |s: &str| {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed);
        }
        s.parse::<i64>().map_err(|_| malformed)
    };
    let (start, end) = (number(start)?, number(end)?);
    if end <= start {
        return Err(malformed);
    }
    Ok((start, end))
}

fn reason(raw: &str) -> Result<String, &'static str> {
    match Note::parse(raw) {
        Ok(note) => Ok(note.as_str().to_string()),
        Err(e) if e.0 == "error-note-empty" => Err("procedure-error-reason-missing"),
        Err(e) => Err(e.0),
    }
}

/// The procedure's parameters from the form; `services` are the ones the booking may change
/// to (for a service change).
pub fn to_params(
    kind: ProcedureKind,
    form: &ProcedureForm,
    services: &[ServiceChoice],
) -> Result<Params, FieldErrors> {
    let mut errors = FieldErrors::default();
    let params = match kind {
        ProcedureKind::Cancel => match reason(&form.reason) {
            Ok(reason) => Some(Params::Cancel { reason }),
            Err(key) => {
                errors.reason = Some(key);
                None
            }
        },
        ProcedureKind::Escalate => {
            let proposal = form.proposal.trim().replace("\r\n", "\n");
            if proposal.chars().count() > NOTE_MAX_CHARS {
                errors.proposal = Some("error-note-long");
            }
            match reason(&form.reason) {
                Ok(reason) => Some(Params::Escalate { reason, proposal }),
                Err(key) => {
                    errors.reason = Some(key);
                    None
                }
            }
        }
        ProcedureKind::Reschedule => match parse_slot(&form.slot) {
            Ok((start_at, end_at)) => Some(Params::Reschedule { start_at, end_at }),
            Err(key) => {
                errors.slot = Some(key);
                None
            }
        },
        ProcedureKind::ChangeService => {
            let service = form.service.trim();
            let choice = if service.is_empty() {
                errors.service = Some("procedure-error-service-missing");
                None
            } else {
                let found = services.iter().find(|s| s.service_id == service);
                if found.is_none() {
                    errors.service = Some("procedure-error-unmapped");
                }
                found
            };
            let slot = parse_slot(&form.slot).map_err(|key| errors.slot = Some(key));
            match (choice, slot) {
                (Some(choice), Ok((start_at, end_at))) => Some(Params::ChangeService {
                    service_id: choice.service_id.clone(),
                    offer_id: choice.offer_id.clone(),
                    start_at,
                    end_at,
                }),
                _ => None,
            }
        }
    };
    match params {
        Some(params) if errors.is_empty() => Ok(params),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(reason: &str, slot: &str, service: &str) -> ProcedureForm {
        ProcedureForm {
            reason: reason.into(),
            slot: slot.into(),
            service: service.into(),
            ..ProcedureForm::default()
        }
    }

    fn services() -> Vec<ServiceChoice> {
        vec![ServiceChoice {
            service_id: "svc-2".into(),
            offer_id: "offer-2".into(),
            name: "Massage".into(),
        }]
    }

    #[test]
    fn a_slot_is_two_instants_end_after_start() {
        assert_eq!(parse_slot("1000-4600"), Ok((1000, 4600)));
        assert_eq!(parse_slot(" 1000-4600 "), Ok((1000, 4600)));
        assert_eq!(parse_slot(""), Err("procedure-error-slot-missing"));
        for bad in [
            "1000",
            "a-b",
            "1000-",
            "-1000",
            "4600-1000",
            "1000-1000",
            "1-2-3",
            "+1-2",
        ] {
            assert_eq!(
                parse_slot(bad),
                Err("procedure-error-slot-malformed"),
                "{bad}"
            );
        }
        assert_eq!(
            parse_slot("99999999999999999999-1"),
            Err("procedure-error-slot-malformed")
        );
    }

    #[test]
    fn a_cancellation_needs_a_reason() {
        let blank = to_params(ProcedureKind::Cancel, &form("  ", "", ""), &[]);
        assert_eq!(
            blank.map_err(|e| e.reason),
            Err(Some("procedure-error-reason-missing"))
        );
        assert_eq!(
            to_params(ProcedureKind::Cancel, &form(" Ill. ", "", ""), &[]),
            Ok(Params::Cancel {
                reason: "Ill.".into()
            })
        );
    }

    #[test]
    fn an_escalation_keeps_its_optional_proposal() {
        let mut f = form("Closed that day", "", "");
        f.proposal = " Move to Monday ".into();
        assert_eq!(
            to_params(ProcedureKind::Escalate, &f, &[]),
            Ok(Params::Escalate {
                reason: "Closed that day".into(),
                proposal: "Move to Monday".into()
            })
        );
        f.proposal = "x".repeat(NOTE_MAX_CHARS + 1);
        assert_eq!(
            to_params(ProcedureKind::Escalate, &f, &[]).map_err(|e| e.proposal),
            Err(Some("error-note-long"))
        );
    }

    #[test]
    fn a_reschedule_needs_a_slot() {
        assert_eq!(
            to_params(ProcedureKind::Reschedule, &form("", "10-20", ""), &[]),
            Ok(Params::Reschedule {
                start_at: 10,
                end_at: 20
            })
        );
        assert_eq!(
            to_params(ProcedureKind::Reschedule, &form("", "", ""), &[]).map_err(|e| e.slot),
            Err(Some("procedure-error-slot-missing"))
        );
    }

    #[test]
    fn a_service_change_needs_a_mapped_service_and_a_slot_and_reports_both() {
        assert_eq!(
            to_params(
                ProcedureKind::ChangeService,
                &form("", "10-20", "svc-2"),
                &services()
            ),
            Ok(Params::ChangeService {
                service_id: "svc-2".into(),
                offer_id: "offer-2".into(),
                start_at: 10,
                end_at: 20
            })
        );
        let errors = to_params(
            ProcedureKind::ChangeService,
            &form("", "x", "svc-9"),
            &services(),
        )
        .expect_err("refused");
        assert_eq!(errors.service, Some("procedure-error-unmapped"));
        assert_eq!(errors.slot, Some("procedure-error-slot-malformed"));
        let errors = to_params(
            ProcedureKind::ChangeService,
            &form("", "10-20", ""),
            &services(),
        )
        .expect_err("refused");
        assert_eq!(errors.service, Some("procedure-error-service-missing"));
        assert_eq!(errors.slot, None);
    }
}
