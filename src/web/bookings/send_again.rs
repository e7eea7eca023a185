//! `POST /bookings/{id}/send-again`: the partner's (or Partner Care's) "send it again now" for
//! a change that was not delivered. Every undelivered push of the booking goes back in the
//! queue, due now — a refused one too, since a person has decided to try — and the worker is
//! woken so it goes within seconds. Audited as `push.requeued` by that person.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::sync::undelivered;
use crate::web::error::AppError;
use crate::web::extract::Path;
use crate::web::page::{FlashKind, flash};
use crate::web::paths;
use crate::web::procedures::booking_for;
use crate::web::request_id::RequestId;
use crate::web::session::BookingUser;
use crate::web::state::AppState;

pub async fn submit(
    State(state): State<AppState>,
    who: BookingUser,
    session: Session,
    request_id: RequestId,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let link = booking_for(&state, &who, id).await?;
    let Some(ctx) = state.sync.as_ref() else {
        flash(&session, FlashKind::Error, "procedure-not-connected", None).await?;
        return Ok(Redirect::to(&paths::booking(id)).into_response());
    };
    let actor = who.user().actor();
    let requeued =
        undelivered::send_again_now(ctx, &actor, link.partner_id, id, Some(request_id.as_str()))
            .await
            .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("send again")))?;
    if requeued > 0 {
        if let Some(notifier) = &state.notifier {
            notifier.notify(link.connection_id);
        }
        flash(
            &session,
            FlashKind::Success,
            "booking-send-again-queued",
            None,
        )
        .await?;
    } else {
        flash(
            &session,
            FlashKind::Info,
            "booking-send-again-nothing",
            None,
        )
        .await?;
    }
    Ok(Redirect::to(&paths::booking(id)).into_response())
}
