//! Undelivered changes: a push that failed for good because the system did not answer (no
//! answer, 5xx, 429) is not given up while its `push_failed` mismatch is open. It goes again
//! at a slow pace (`Settings::slow_retry_secs`), and at once when the system answers again —
//! a later push to it went through, or it answered a read after it had stopped answering. A
//! push the system refused stays refused until a person sends it again
//! ([`send_again_now`]).

use std::collections::HashMap;

use super::context::{SYNC, SyncContext, SyncError};
use crate::audit::{self, Actor, Event};
use crate::db::Tx;
use crate::db::connections::Connection;
use crate::db::outbox::{self, Undelivered};
use crate::domain::System;

/// Why an undelivered push goes again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// Its slow retry is due.
    Scheduled,
    /// The system answers again.
    Answered,
}

impl Why {
    pub fn as_str(self) -> &'static str {
        match self {
            Why::Scheduled => "scheduled",
            Why::Answered => "answered_again",
        }
    }
}

/// Whether (and why) a push goes again now. `reads_back` holds, for each system that answered
/// this round's read, since when it had been silent: a push that last failed after that moment
/// failed while the system was not answering, so its answering now is news.
pub fn due(push: &Undelivered, reads_back: &HashMap<System, i64>, now: i64) -> Option<Why> {
    let retry_at = push.retry_at?;
    let read_back = push
        .system
        .parse::<System>()
        .ok()
        .and_then(|system| reads_back.get(&system))
        .is_some_and(|silent_since| push.done_at > *silent_since);
    if push.written_since != 0 || read_back {
        Some(Why::Answered)
    } else if retry_at <= now {
        Some(Why::Scheduled)
    } else {
        None
    }
}

/// Puts the connection's due undelivered pushes back in the queue; returns how many.
pub async fn requeue_due(
    ctx: &SyncContext,
    connection: &Connection,
    reads_back: &HashMap<System, i64>,
) -> Result<usize, SyncError> {
    let now = ctx.clock.now();
    let mut requeued = 0;
    for push in outbox::undelivered_for_connection(&ctx.db, connection.id).await? {
        let Some(why) = due(&push, reads_back, now) else {
            continue;
        };
        let mut tx = ctx.db.begin_write().await?;
        if requeue(
            &mut tx,
            &SYNC,
            connection.partner_id,
            &push,
            why.as_str(),
            None,
            now,
        )
        .await?
        {
            requeued += 1;
        }
        tx.commit().await?;
    }
    Ok(requeued)
}

/// A person's "send it again now": every undelivered push of the link, refused ones too, goes
/// back in the queue due now. Returns how many; the caller wakes the worker.
pub async fn send_again_now(
    ctx: &SyncContext,
    actor: &Actor,
    partner_id: i64,
    link_id: i64,
    request_id: Option<&str>,
) -> Result<usize, SyncError> {
    let now = ctx.clock.now();
    let pushes = outbox::undelivered_for_link(&ctx.db, link_id).await?;
    let mut tx = ctx.db.begin_write().await?;
    let mut requeued = 0;
    for push in &pushes {
        if requeue(
            &mut tx,
            actor,
            partner_id,
            push,
            "sent_again",
            request_id,
            now,
        )
        .await?
        {
            requeued += 1;
        }
    }
    tx.commit().await?;
    Ok(requeued)
}

async fn requeue(
    tx: &mut Tx,
    actor: &Actor,
    partner_id: i64,
    push: &Undelivered,
    why: &str,
    request_id: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    if !outbox::send_again(tx, push.id, now).await? {
        return Ok(false);
    }
    audit::append(
        tx,
        now,
        Event::new(actor, "push.requeued", "outbox", push.id)
            .partner(Some(partner_id))
            .request(request_id)
            .before(serde_json::json!({ "state": "failed", "retry_at": push.retry_at }))
            .after(serde_json::json!({
                "state": "pending",
                "system": push.system,
                "action": push.action,
                "link_id": push.link_id,
                "why": why,
            })),
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(retry_at: Option<i64>, done_at: i64, written_since: i64) -> Undelivered {
        Undelivered {
            id: 1,
            link_id: 2,
            system: "termino".into(),
            action: "update_time".into(),
            done_at,
            retry_at,
            written_since,
        }
    }

    #[test]
    fn a_refused_push_never_goes_again_by_itself() {
        let answered = HashMap::from([(System::Termino, 0)]);
        assert_eq!(due(&push(None, 100, 1), &answered, 10_000), None);
    }

    #[test]
    fn an_unanswered_push_goes_at_its_slow_pace_and_at_once_when_the_system_answers() {
        let none = HashMap::new();
        assert_eq!(due(&push(Some(700), 100, 0), &none, 699), None);
        assert_eq!(
            due(&push(Some(700), 100, 0), &none, 700),
            Some(Why::Scheduled)
        );
        assert_eq!(
            due(&push(Some(700), 100, 1), &none, 200),
            Some(Why::Answered)
        );
        // Termino had been silent since 50 and answers now: the push failed while it was down.
        let back = HashMap::from([(System::Termino, 50)]);
        assert_eq!(
            due(&push(Some(700), 100, 0), &back, 200),
            Some(Why::Answered)
        );
        // Reads went through all along (writes failed): a read answering is no news.
        let always = HashMap::from([(System::Termino, 100)]);
        assert_eq!(due(&push(Some(700), 100, 0), &always, 200), None);
        let reservio = HashMap::from([(System::Reservio, 0)]);
        assert_eq!(due(&push(Some(700), 100, 0), &reservio, 200), None);
    }
}
