//! The channel-wide change feed (`GET /v1/channel/changes`, docs/termino-api.md): every
//! partner's changes through one cursor, read with the channel's own token. One read serves
//! every connection of the channel, instead of one poll per connection.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::Value;

use super::wire::{describe_error_body, reservation_from_value};
use crate::domain::RemoteBooking;
use crate::systems::SystemError;

/// One change of the channel feed: the account it belongs to, and the reservation as it is now
/// (or why it could not be read).
#[derive(Debug)]
pub struct ChannelChange {
    /// The Termino partner id: which connections the change belongs to.
    pub account: String,
    pub booking: Result<RemoteBooking, SystemError>,
}

/// One page of the channel feed.
#[derive(Debug)]
pub struct ChannelPage {
    pub changes: Vec<ChannelChange>,
    /// Where to continue; store it only with what the page brought.
    pub next_cursor: String,
    pub has_more: bool,
}

/// What a read of the channel feed answered.
#[derive(Debug)]
pub enum ChannelRead {
    Page(ChannelPage),
    /// The feed cannot continue from the cursor (older than its retention, or ahead of its
    /// newest change): read every account in full, then continue from `resume_cursor`.
    Resync {
        resume_cursor: String,
    },
}

/// The channel feed, behind a trait so that tests can stand between the engine and it.
#[async_trait]
pub trait ChannelFeed: Send + Sync {
    /// The changes after `cursor` (None: from the oldest the feed keeps).
    async fn read(&self, cursor: Option<&str>) -> Result<ChannelRead, SystemError>;
}

#[derive(Deserialize)]
struct PageWire {
    changes: Vec<ChangeWire>,
    next_cursor: String,
    has_more: bool,
}

#[derive(Deserialize)]
struct ChangeWire {
    partner_id: String,
    reservation: Value,
}

#[derive(Deserialize)]
struct GoneWire {
    error: GoneDetail,
}

#[derive(Deserialize)]
struct GoneDetail {
    code: String,
    resume_cursor: String,
}

fn invalid(err: impl std::fmt::Display) -> SystemError {
    SystemError::InvalidPayload(format!("Termino channel feed: {err}"))
}

/// A page as the engine uses it. A page whose frame is not the documented one, or a change
/// that does not name its account, is garbage as a whole: its place in the feed cannot be
/// trusted. A reservation that cannot be read is one `Err` for its account; the rest are read.
pub(crate) fn page_from_slice(body: &[u8]) -> Result<ChannelPage, SystemError> {
    let wire: PageWire = serde_json::from_slice(body).map_err(invalid)?;
    if wire.next_cursor.is_empty() {
        return Err(invalid("next_cursor is empty"));
    }
    let mut changes = Vec::with_capacity(wire.changes.len());
    for change in wire.changes {
        if change.partner_id.is_empty() {
            return Err(invalid("a change names no partner"));
        }
        changes.push(ChannelChange {
            booking: reservation_from_value(&change.reservation),
            account: change.partner_id,
        });
    }
    Ok(ChannelPage {
        changes,
        next_cursor: wire.next_cursor,
        has_more: wire.has_more,
    })
}

/// A reservation as a delivered change's payload keeps it (its JSON, `RemoteBooking::raw`).
pub fn reservation_from_payload(payload: &str) -> Result<RemoteBooking, SystemError> {
    let value: Value = serde_json::from_str(payload).map_err(invalid)?;
    reservation_from_value(&value)
}

/// A `410` that asks for a resync, with the cursor to continue from.
pub(crate) fn resync_from_slice(body: &[u8]) -> Result<ChannelRead, SystemError> {
    match serde_json::from_slice::<GoneWire>(body) {
        Ok(wire)
            if wire.error.code == "resync_required" && !wire.error.resume_cursor.is_empty() =>
        {
            Ok(ChannelRead::Resync {
                resume_cursor: wire.error.resume_cursor,
            })
        }
        _ => Err(SystemError::Http {
            status: 410,
            body: describe_error_body(body),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_that_names_no_partner_makes_the_whole_page_garbage() {
        let body = br#"{"changes":[{"partner_id":"","reservation":{}}],"next_cursor":"5","has_more":false}"#;
        assert!(matches!(
            page_from_slice(body),
            Err(SystemError::InvalidPayload(_))
        ));
        assert!(page_from_slice(b"<html>").is_err());
        assert!(page_from_slice(br#"{"changes":[],"next_cursor":"","has_more":false}"#).is_err());
    }

    #[test]
    fn an_unreadable_reservation_is_one_error_for_its_account_only() {
        let body = br#"{"changes":[{"partner_id":"p1","reservation":{"id":"x"}}],"next_cursor":"5","has_more":true}"#;
        let page = page_from_slice(body).expect("the frame is fine");
        assert_eq!(page.changes.len(), 1);
        assert_eq!(page.changes[0].account, "p1");
        assert!(page.changes[0].booking.is_err());
        assert_eq!(page.next_cursor, "5");
        assert!(page.has_more);
    }

    #[test]
    fn a_gone_answer_asks_for_a_resync_only_with_a_cursor_to_resume_from() {
        let gone = br#"{"error":{"code":"resync_required","message":"m","resume_cursor":"42"}}"#;
        assert!(matches!(
            resync_from_slice(gone),
            Ok(ChannelRead::Resync { resume_cursor }) if resume_cursor == "42"
        ));
        let other = br#"{"error":{"code":"gone","message":"m"}}"#;
        assert!(matches!(
            resync_from_slice(other),
            Err(SystemError::Http { status: 410, .. })
        ));
    }
}
