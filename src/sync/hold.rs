//! When a connection writes nothing: its credentials were refused (a 401 from either system),
//! or it runs in observe mode. Reads, links, comparisons and flags go on; every push waits
//! `held` in the outbox — recorded once as what bookbridge would do — and goes once the hold is
//! lifted (new credentials, or the sales rep switching the connection to live). Nothing is
//! dropped, and a refusal is never silent: it is audited, and the partner's connection page and
//! Partner Care's queue show it until new credentials are entered.

use serde_json::json;

use super::context::{SYNC, SyncContext, SyncError};
use crate::audit::{self, Event};
use crate::db::connections::{Connection, Hold};
use crate::db::{Tx, holds};
use crate::domain::System;
use crate::systems::SystemError;

/// Whether an error is a system refusing the credentials themselves.
pub fn refused_credentials(error: &SystemError) -> bool {
    matches!(error, SystemError::Http { status: 401, .. })
}

/// Marks the connection's credentials as refused by `system` (audited once) and holds its
/// pending pushes. Returns whether this was news.
pub async fn credentials_refused(
    ctx: &SyncContext,
    connection: &Connection,
    system: Option<System>,
    error: &SystemError,
) -> Result<bool, sqlx::Error> {
    let mut tx = ctx.db.begin_write().await?;
    let news = mark_refused(&mut tx, connection, system, error, ctx.clock.now()).await?;
    tx.commit().await?;
    Ok(news)
}

/// [`credentials_refused`] inside a transaction (`system`: none when a step cannot tell).
pub async fn mark_refused(
    tx: &mut Tx,
    connection: &Connection,
    system: Option<System>,
    error: &SystemError,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let detail: String = error.to_string().chars().take(300).collect();
    let system = system.map(System::as_str);
    let news = holds::mark_credentials_expired(tx, connection.id, system, &detail, now).await?;
    if news {
        audit::append(
            tx,
            now,
            Event::new(
                &SYNC,
                "connection.credentials_expired",
                "connection",
                connection.id,
            )
            .partner(Some(connection.partner_id))
            .before(json!({ "credentials": "accepted" }))
            .after(json!({
                "credentials": "expired",
                "system": system,
                "detail": detail,
            })),
        )?;
        tracing::warn!(
            connection = connection.id,
            system = system.unwrap_or("?"),
            "credentials refused: writes wait until new credentials are entered"
        );
    }
    hold_pushes(tx, connection, Hold::CredentialsExpired, now).await?;
    Ok(news)
}

/// Holds the connection's pending pushes for `hold`, recording each once: `push.would_do` in
/// observe mode, `push.held` while credentials are refused.
pub async fn hold_pushes(
    tx: &mut Tx,
    connection: &Connection,
    hold: Hold,
    now: i64,
) -> Result<usize, sqlx::Error> {
    let held = holds::hold_pending(tx, connection.id, hold.as_str()).await?;
    let action = match hold {
        Hold::Observe => "push.would_do",
        Hold::CredentialsExpired => "push.held",
    };
    for push in &held {
        let payload: serde_json::Value =
            serde_json::from_str(&push.payload).unwrap_or(serde_json::Value::Null);
        audit::append(
            tx,
            now,
            Event::new(&SYNC, action, "outbox", push.id)
                .partner(Some(connection.partner_id))
                .after(json!({
                    "system": push.system,
                    "action": push.action,
                    "link_id": push.link_id,
                    "why": hold.as_str(),
                    "payload": payload,
                })),
        )?;
    }
    Ok(held.len())
}

/// Holds the due pushes of a connection that must not write now; called by the round instead
/// of pushing.
pub async fn hold_round(
    ctx: &SyncContext,
    connection: &Connection,
    hold: Hold,
) -> Result<usize, SyncError> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin_write().await?;
    let held = hold_pushes(&mut tx, connection, hold, now).await?;
    tx.commit().await?;
    Ok(held)
}
