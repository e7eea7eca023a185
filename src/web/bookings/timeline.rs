//! The booking detail's timeline: audit log rows told in the reader's language.

use serde_json::Value;

use super::row::system_key;
use crate::db::booking_detail::TimelineEntry;
use crate::domain::MismatchKind;
use crate::web::page::Page;

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
}

fn field<'a>(json: &'a Option<Value>, name: &str) -> Option<&'a str> {
    json.as_ref()?.get(name)?.as_str()
}

fn parse(text: &Option<String>) -> Option<Value> {
    serde_json::from_str(text.as_deref()?).ok()
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
            "push.retry" => (Some("timeline-push_retry"), system()),
            "push.failed" => (Some("timeline-push_failed"), system()),
            "mismatch.opened" => (
                Some("timeline-mismatch_opened"),
                kind_key(field(&after, "kind")),
            ),
            "mismatch.resolved" => (
                Some("timeline-mismatch_resolved"),
                kind_key(field(&before, "kind").or(field(&after, "kind"))),
            ),
            _ => (None, Subject::None),
        };
        TimelineItem {
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
        match (self.sentence, &self.subject) {
            (Some(key), Subject::Key(subject)) => page.t_value(key, &page.t(subject)),
            (Some(key), Subject::None) => page.t_value(key, ""),
            (None, _) => self.action.clone(),
        }
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
    fn an_action_without_words_is_shown_by_its_code() {
        let page = Page::bare(Lang::En);
        let item = TimelineItem::new(entry("operation.step_done", None, Some("not json")));
        assert_eq!(item.text(&page), "operation.step_done");
        assert_eq!(item.actor(&page), page.t("timeline-actor-sync"));
    }
}
