//! An audit row as the audit trail tells it: a sentence in the reader's language (the booking
//! timeline's words), with the time a booking moved from and to, and the entity's name. A push
//! to a system is called so: "outbox" is the partners' e-mail Outbox here.

use serde_json::Value;

use crate::audit::Entry;
use crate::db::read::booking_detail::TimelineEntry;
use crate::web::bookings::timeline::TimelineItem;
use crate::web::page::Page;

/// The catalogue key naming a stored entity type, if this build has words for it.
pub fn entity_key(entity_type: &str) -> Option<&'static str> {
    Some(match entity_type {
        "booking_link" => "audit-entity-booking_link",
        "external_booking" => "audit-entity-external_booking",
        "mismatch" => "audit-entity-mismatch",
        "operation" => "audit-entity-procedure",
        "case" => "audit-entity-case",
        "user" => "audit-entity-user",
        "connection" => "audit-entity-connection",
        "outbox" => "audit-entity-push",
        "partner" => "audit-entity-partner",
        "login" => "audit-entity-login",
        "logout" => "audit-entity-logout",
        "email" => "audit-entity-email",
        _ => return None,
    })
}

/// The entity type's name in the reader's language; one without words is shown by its code.
pub fn entity_label(page: &Page, entity_type: &str) -> String {
    entity_key(entity_type).map_or_else(|| entity_type.to_string(), |key| page.t(key))
}

/// When a snapshot starts, e.g. `4 Dec 2026 13:00`.
fn start_of(page: &Page, state: &Option<String>) -> Option<String> {
    let value: Value = serde_json::from_str(state.as_deref()?).ok()?;
    let start = value.get("start_at")?.as_i64()?;
    Some(format!("{} {}", page.date(start), page.time(start)))
}

/// What happened, e.g. "Reservio booking changed: 4 Dec 2026 13:00 → 5 Dec 2026 10:00".
pub fn sentence(page: &Page, e: &Entry) -> String {
    let item = TimelineItem::new(TimelineEntry {
        id: e.id,
        at: e.at,
        actor: e.actor.clone(),
        action: e.action.clone(),
        entity_type: e.entity_type.clone(),
        before_state: e.before_state.clone(),
        after_state: e.after_state.clone(),
    });
    let text = item.text(page);
    // A move the timeline already tells with its times ("Moved in Reservio: A → B") is whole.
    if e.entity_type != "external_booking" || text.contains(" → ") {
        return text;
    }
    match (
        start_of(page, &e.before_state),
        start_of(page, &e.after_state),
    ) {
        (Some(before), Some(after)) if before != after => format!("{text}: {before} → {after}"),
        (_, Some(after)) => format!("{text}: {after}"),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn entry(action: &str, entity_type: &str, before: Option<&str>, after: &str) -> Entry {
        Entry {
            id: 413,
            at: 0,
            actor: "sync".into(),
            actor_user_id: None,
            action: action.into(),
            entity_type: entity_type.into(),
            entity_id: "413".into(),
            partner_id: None,
            before_state: before.map(str::to_string),
            after_state: Some(after.into()),
            request_id: None,
            prev_hash: String::new(),
            hash: String::new(),
            key_id: "legacy".into(),
        }
    }

    #[test]
    fn a_moved_booking_says_from_when_to_when_in_the_readers_language() {
        let page = Page::bare(Lang::En);
        let e = entry(
            "booking.changed",
            "external_booking",
            Some(r#"{"start_at":1796389200}"#),
            r#"{"system":"reservio","start_at":1796461200}"#,
        );
        let text = sentence(&page, &e);
        assert!(text.contains("Reservio"), "{text}");
        assert!(text.contains(" → "), "{text}");
        assert!(!text.contains("booking.changed"), "{text}");
    }

    #[test]
    fn a_push_is_not_called_outbox() {
        for lang in [Lang::En, Lang::Pl, Lang::Cs] {
            let page = Page::bare(lang);
            let label = entity_label(&page, "outbox");
            assert!(!label.to_lowercase().contains("outbox"), "{label}");
        }
        assert_eq!(entity_label(&Page::bare(Lang::En), "gizmo"), "gizmo");
    }
}
