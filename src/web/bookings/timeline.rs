//! The booking detail's timeline: audit log rows told in the reader's language.

use serde_json::Value;

use super::row::system_key;
use crate::db::read::booking_detail::TimelineEntry;
use crate::domain::MismatchKind;
use crate::domain::procedure::{ProcedureKind, Step};
use crate::web::page::Page;
use crate::web::procedures::labels;

/// What an entry's sentence names: a system, a mismatch kind, or nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Subject {
    None,
    /// A catalogue key, e.g. `system-reservio` or `mismatch-status_differs`.
    Key(&'static str),
}

/// One line of the timeline.
#[derive(Clone, Debug)]
pub struct TimelineItem {
    pub id: i64,
    pub at: i64,
    actor: String,
    /// The sentence's catalogue key; `None` for an action this build has no words for, which
    /// is then shown by its code rather than left out.
    sentence: Option<&'static str>,
    subject: Subject,
    pub action: String,
    /// Whether it happened to the link's data by itself (sync) rather than by a person.
    pub automatic: bool,
    /// A booking moved in its system: told with its old and new time, and by whom where the
    /// system says.
    moved: Option<Moved>,
}

/// A booking moved in its own system.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Moved {
    /// The customer's one self-reschedule from their channel account.
    by_customer: bool,
    system: &'static str,
    from: i64,
    to: i64,
}

/// The move a `booking.changed` entry records, if its time changed.
fn moved(before: &Option<Value>, after: &Option<Value>) -> Option<Moved> {
    let start = |json: &Option<Value>| json.as_ref()?.get("start_at")?.as_i64();
    let (from, to) = (start(before)?, start(after)?);
    (from != to).then(|| Moved {
        by_customer: field(after, "moved_by") == Some("customer"),
        system: system_key(field(after, "system").unwrap_or_default()),
        from,
        to,
    })
}

fn field<'a>(json: &'a Option<Value>, name: &str) -> Option<&'a str> {
    json.as_ref()?.get(name)?.as_str()
}

fn parse(text: &Option<String>) -> Option<Value> {
    serde_json::from_str(text.as_deref()?).ok()
}

/// The procedure a procedure entry names.
fn procedure_key(kind: Option<&str>) -> Subject {
    match kind.and_then(|k| k.parse::<ProcedureKind>().ok()) {
        Some(kind) => Subject::Key(labels::kind_key(kind)),
        None => Subject::Key("procedure-kind-unknown"),
    }
}

/// The step a procedure entry names.
fn step_key(step: Option<&str>) -> Subject {
    match step.and_then(|s| s.parse::<Step>().ok()) {
        Some(step) => Subject::Key(labels::step_key(step)),
        None => Subject::Key("procedure-step-unknown"),
    }
}

fn kind_key(kind: Option<&str>) -> Subject {
    match kind.and_then(|k| k.parse::<MismatchKind>().ok()) {
        Some(kind) => Subject::Key(kind.label_key()),
        None => Subject::Key("mismatch-unknown"),
    }
}

impl TimelineItem {
    pub fn new(entry: TimelineEntry) -> Self {
        let before = parse(&entry.before_state);
        let after = parse(&entry.after_state);
        let system = || match field(&after, "system") {
            Some(system) => Subject::Key(system_key(system)),
            None => Subject::None,
        };
        let (sentence, subject) = match entry.action.as_str() {
            "booking.seen" => (Some("timeline-booking_seen"), system()),
            "booking.changed" => (Some("timeline-booking_changed"), system()),
            "booking.vanished" => (Some("timeline-booking_vanished"), system()),
            "link.created" => (Some("timeline-link_created"), system()),
            "link.completed" => (Some("timeline-link_completed"), system()),
            "link.agreed" => (Some("timeline-link_agreed"), Subject::None),
            "push.enqueued" => (Some("timeline-push_enqueued"), system()),
            "push.applied" => (Some("timeline-push_applied"), system()),
            "push.found_existing" => (Some("timeline-push_found_existing"), system()),
            "link.merged" => (Some("timeline-link_merged"), Subject::None),
            "push.retry" => (Some("timeline-push_retry"), system()),
            "push.unverified" => (Some("timeline-push_unverified"), system()),
            "push.failed" => (Some("timeline-push_failed"), system()),
            "push.requeued" => (Some("timeline-push_requeued"), system()),
            "mismatch.opened" => (
                Some("timeline-mismatch_opened"),
                kind_key(field(&after, "kind")),
            ),
            "mismatch.resolved" => (
                Some("timeline-mismatch_resolved"),
                kind_key(field(&before, "kind").or(field(&after, "kind"))),
            ),
            "link.superseded" => (Some("timeline-link_superseded"), Subject::None),
            "operation.started" => (
                Some("timeline-procedure_started"),
                procedure_key(field(&after, "kind")),
            ),
            "operation.completed" => (
                Some("timeline-procedure_completed"),
                procedure_key(field(&after, "kind")),
            ),
            "operation.step_done" => (
                Some("timeline-procedure_step_done"),
                step_key(field(&after, "step")),
            ),
            "operation.step_skipped" => (
                Some("timeline-procedure_step_skipped"),
                step_key(field(&after, "step")),
            ),
            "operation.step_waiting" => (
                Some("timeline-procedure_step_waiting"),
                step_key(field(&after, "step")),
            ),
            "operation.step_retry" => (
                Some("timeline-procedure_step_retry"),
                step_key(field(&after, "step")),
            ),
            "operation.failed" => (
                Some("timeline-procedure_failed"),
                step_key(field(&after, "step")),
            ),
            "operation.retried" => (Some("timeline-procedure_retried"), Subject::None),
            "operation.abandoned" => (Some("timeline-procedure_abandoned"), Subject::None),
            "case.opened" => (Some("timeline-case_opened"), Subject::None),
            "case.resolved" => (Some("timeline-case_resolved"), Subject::None),
            _ => (None, Subject::None),
        };
        let moved = match entry.action.as_str() {
            "booking.changed" => moved(&before, &after),
            _ => None,
        };
        TimelineItem {
            moved,
            id: entry.id,
            at: entry.at,
            automatic: entry.actor == "sync",
            actor: entry.actor,
            sentence,
            subject,
            action: entry.action,
        }
    }

    /// What happened, in the reader's language.
    pub fn text(&self, page: &Page) -> String {
        if let Some(m) = &self.moved {
            let (from, to) = (page.datetime(m.from), page.datetime(m.to));
            return if m.by_customer {
                page.t_args(
                    "timeline-booking_moved_by_customer",
                    &[("from", from), ("to", to)],
                )
            } else {
                page.t_args(
                    "timeline-booking_moved",
                    &[("system", page.t(m.system)), ("from", from), ("to", to)],
                )
            };
        }
        match (self.sentence, &self.subject) {
            (Some(key), Subject::Key(subject)) => page.t_value(key, &page.t(subject)),
            (Some(key), Subject::None) => page.t_value(key, ""),
            (None, _) => self.action.clone(),
        }
    }

    /// What happened, where this build has words for it (the audit entry page shows it
    /// beside the raw record).
    pub fn told(&self, page: &Page) -> Option<String> {
        self.sentence.map(|_| self.text(page))
    }

    /// Who did it: the sync engine and the application by name, people by e-mail.
    pub fn actor(&self, page: &Page) -> String {
        match self.actor.as_str() {
            "sync" => page.t("timeline-actor-sync"),
            "system" => page.t("timeline-actor-system"),
            person => person.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn entry(action: &str, before: Option<&str>, after: Option<&str>) -> TimelineEntry {
        TimelineEntry {
            id: 1,
            at: 0,
            actor: "sync".into(),
            action: action.into(),
            entity_type: "mismatch".into(),
            before_state: before.map(str::to_string),
            after_state: after.map(str::to_string),
        }
    }

    #[test]
    fn a_flagged_mismatch_names_its_kind() {
        let page = Page::bare(Lang::En);
        let item = TimelineItem::new(entry(
            "mismatch.opened",
            None,
            Some(r#"{"kind":"status_differs","link_id":3}"#),
        ));
        let text = item.text(&page);
        assert!(text.contains(&page.t("mismatch-status_differs")), "{text}");
        assert!(item.automatic);
    }

    #[test]
    fn a_resolved_mismatch_takes_its_kind_from_before() {
        let page = Page::bare(Lang::Pl);
        let item = TimelineItem::new(entry(
            "mismatch.resolved",
            Some(r#"{"kind":"conflict","state":"open"}"#),
            Some(r#"{"state":"resolved"}"#),
        ));
        assert!(item.text(&page).contains(&page.t("mismatch-conflict")));
    }

    #[test]
    fn a_snapshot_event_names_its_system() {
        let page = Page::bare(Lang::Cs);
        let item = TimelineItem::new(entry(
            "booking.changed",
            None,
            Some(r#"{"system":"termino"}"#),
        ));
        assert!(item.text(&page).contains(&page.t("system-termino")));
    }

    #[test]
    fn a_self_reschedule_says_the_customer_moved_it_from_their_account_and_from_when() {
        let page = Page::bare(Lang::En);
        let item = TimelineItem::new(entry(
            "booking.changed",
            Some(r#"{"start_at":1796389200,"end_at":1796392800}"#),
            Some(r#"{"system":"termino","start_at":1796464800,"moved_by":"customer"}"#),
        ));
        let text = item.text(&page);
        assert!(
            text.starts_with("The customer moved it from their Slevomat account: "),
            "{text}"
        );
        let (from, to) = (page.datetime(1_796_389_200), page.datetime(1_796_464_800));
        assert!(text.ends_with(&format!("{from} → {to}")), "{text}");
        let staff = TimelineItem::new(entry(
            "booking.changed",
            Some(r#"{"start_at":1796389200}"#),
            Some(r#"{"system":"reservio","start_at":1796464800,"moved_by":null}"#),
        ));
        assert_eq!(
            staff.text(&page),
            format!("Moved in Reservio: {from} → {to}")
        );
    }

    #[test]
    fn an_action_without_words_is_shown_by_its_code() {
        let page = Page::bare(Lang::En);
        let item = TimelineItem::new(entry("operation.teleported", None, Some("not json")));
        assert_eq!(item.text(&page), "operation.teleported");
        assert_eq!(item.actor(&page), page.t("timeline-actor-sync"));
    }

    #[test]
    fn a_procedure_step_names_the_step_and_a_started_procedure_its_kind() {
        let page = Page::bare(Lang::Pl);
        let step = TimelineItem::new(entry(
            "operation.step_done",
            None,
            Some(r#"{"position":0,"step":"cancel_voucher","detail":{}}"#),
        ));
        assert!(step.text(&page).contains(&page.t("step-cancel_voucher")));
        let started = TimelineItem::new(entry(
            "operation.started",
            None,
            Some(r#"{"kind":"reschedule","link_id":3}"#),
        ));
        assert!(
            started
                .text(&page)
                .contains(&page.t("booking-procedure-reschedule"))
        );
        let odd = TimelineItem::new(entry("operation.failed", None, Some(r#"{"step":"x"}"#)));
        assert!(odd.text(&page).contains(&page.t("procedure-step-unknown")));
    }
}
