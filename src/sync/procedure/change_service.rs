//! FAQ rule 5, a change of service goes through the channel: the voucher reissued, a new link
//! for the new voucher superseding the old one, the new booking in both systems.

use serde_json::{Value, json};

use super::context::{Outcome, Reach, Snapshots, StepRun, db_error};
use crate::audit::{self, Actor, Event};
use crate::db::links::{self, NewLink};
use crate::db::outbox::{self, NewPush};
use crate::db::{mismatches, procedures};
use crate::domain::procedure::{Params, Step};
use crate::domain::{BookingStatus, Customer, NewBooking, System};
use crate::systems::SystemError;

/// Termino cancels the old voucher and issues a new one for the new offer (FAQ rule 5).
pub(super) async fn reissue_voucher(
    run: &StepRun<'_>,
    at: &Reach<'_>,
    seen: &mut Snapshots,
) -> Result<Outcome, SystemError> {
    let Reach {
        partner, t_token, ..
    } = *at;
    let connector = &run.ctx.connector;
    let (Some(code), Params::ChangeService { offer_id, .. }) =
        (run.row.voucher_code.as_deref(), run.params)
    else {
        return Ok(Outcome::Fail("the booking has no voucher code".into()));
    };
    let client = connector.termino_client(t_token)?;
    let reissued = client
        .reissue_voucher(partner, code, offer_id, &run.key("reissue"))
        .await?;
    let result = json!({
        "old_voucher": code,
        "new_voucher": reissued.new_voucher_code,
        "offer_id": offer_id,
    });
    seen.push(reissued.cancelled);
    Ok(Outcome::Done(result))
}

/// Rule 5's last part: a new link for the new voucher supersedes the old one (both stay), and
/// the new voucher is booked in Termino through the outbox; the sync then books it in
/// Reservio, as for any voucher redeemed on the channel. One transaction, so a repeat after a
/// crash finds the link already there.
pub(super) async fn create_new_booking(run: &StepRun<'_>) -> Result<Outcome, SystemError> {
    let Params::ChangeService {
        offer_id,
        start_at,
        end_at,
        ..
    } = run.params
    else {
        return Ok(Outcome::Fail("not a service change".into()));
    };
    let Some(voucher) = new_voucher(run).await? else {
        return Ok(Outcome::Fail("Termino issued no new voucher".into()));
    };
    if let Some(existing) = new_link_id(run).await? {
        return Ok(Outcome::Done(
            json!({ "link_id": existing, "voucher": voucher }),
        ));
    }
    // Termino's customer details, else Reservio's.
    let seen = run
        .row
        .side(System::Termino)
        .or(run.row.side(System::Reservio));
    let customer = Customer {
        name: seen.map(|s| s.customer_name.clone()).unwrap_or_default(),
        email: seen.map(|s| s.customer_email.clone()).unwrap_or_default(),
        phone: seen.map(|s| s.customer_phone.clone()).unwrap_or_default(),
    };
    let booking = NewBooking {
        start_at: *start_at,
        end_at: *end_at,
        service_id: offer_id.clone(),
        customer,
        voucher_code: Some(voucher.clone()),
        counterpart_id: None,
    };
    let payload = serde_json::to_string(&booking).unwrap_or_default();
    let now = run.ctx.clock.now();
    let actor = Actor::Sync;
    let write = async {
        let mut tx = run.ctx.db.begin_write().await?;
        let new_link = links::insert(
            &mut tx,
            &NewLink {
                connection_id: run.conn.id,
                partner_id: run.row.partner_id,
                reservio_booking_id: None,
                termino_booking_id: None,
                voucher_code: Some(&voucher),
                origin: System::Termino,
            },
            now,
        )
        .await?;
        links::set_appointment(&mut tx, new_link, *start_at).await?;
        if !links::supersede(&mut tx, run.op.link_id, new_link, now).await? {
            // Someone superseded it meanwhile; leave everything as it was.
            return Ok::<_, sqlx::Error>(None);
        }
        outbox::enqueue(
            &mut tx,
            &NewPush {
                connection_id: run.conn.id,
                link_id: Some(new_link),
                procedure_id: Some(run.op.id),
                system: System::Termino.as_str(),
                action: "create",
                payload: &payload,
                idempotency_key: &run.key("create"),
                reason: "service change: the new voucher's booking",
            },
            now,
        )
        .await?;
        audit::append(
            &mut tx,
            now,
            Event::new(&actor, "link.created", "booking_link", new_link)
                .partner(Some(run.row.partner_id))
                .after(json!({ "voucher_code": voucher, "operation_id": run.op.id })),
        )?;
        audit::append(
            &mut tx,
            now,
            Event::new(&actor, "link.superseded", "booking_link", run.op.link_id)
                .partner(Some(run.row.partner_id))
                .after(json!({ "superseded_by": new_link, "operation_id": run.op.id })),
        )?;
        // The old booking's flags belong to it; the new link starts clean.
        for open in mismatches::unresolved_for_link(&mut tx, run.op.link_id).await? {
            if mismatches::resolve(
                &mut tx,
                open.id,
                "sync",
                "superseded by a service change",
                now,
            )
            .await?
            {
                audit::append(
                    &mut tx,
                    now,
                    Event::new(&actor, "mismatch.resolved", "mismatch", open.id)
                        .partner(Some(run.row.partner_id))
                        .after(json!({ "link_id": run.op.link_id, "kind": open.kind, "superseded_by": new_link })),
                )?;
            }
        }
        tx.commit().await?;
        Ok(Some(new_link))
    };
    match write.await.map_err(db_error)? {
        Some(new_link) => {
            run.notify_sync();
            Ok(Outcome::Done(
                json!({ "link_id": new_link, "voucher": voucher }),
            ))
        }
        None => Ok(Outcome::Fail(
            "the booking was superseded by another change meanwhile".into(),
        )),
    }
}

/// Waits until the new booking exists in both systems.
pub(super) async fn await_new_booking(
    run: &StepRun<'_>,
    _at: &Reach<'_>,
    _seen: &mut Snapshots,
) -> Result<Outcome, SystemError> {
    let Some(new_link) = new_link_id(run).await? else {
        return Ok(Outcome::Fail("the new booking was not started".into()));
    };
    if link_complete(run, new_link).await? {
        return Ok(Outcome::Done(json!({ "link_id": new_link })));
    }
    run.sync_now().await;
    Ok(Outcome::done_if(
        link_complete(run, new_link).await?,
        json!({ "link_id": new_link }),
        run.wait_for_sync("waiting for the new booking to exist in both systems".into()),
    ))
}

/// Reads the new booking back in both systems: live, at the new time, for the new service.
pub(super) async fn verify_new_booking(
    run: &StepRun<'_>,
    at: &Reach<'_>,
    seen: &mut Snapshots,
) -> Result<Outcome, SystemError> {
    let Reach {
        business,
        partner,
        reservio,
        termino,
        ..
    } = *at;
    let (
        Some(new_link),
        Params::ChangeService {
            service_id,
            offer_id,
            start_at,
            end_at,
        },
    ) = (new_link_id(run).await?, run.params)
    else {
        return Ok(Outcome::Fail("the new booking was not started".into()));
    };
    let Some(new_row) = links::find_row(&run.ctx.db, new_link)
        .await
        .map_err(|e| SystemError::Transport(e.to_string()))?
    else {
        return Ok(Outcome::Fail("the new booking's link is gone".into()));
    };
    let mut problems = vec![];
    for (system, client, account, id, service) in [
        (
            System::Reservio,
            reservio,
            business,
            new_row.external_ids().reservio,
            service_id,
        ),
        (
            System::Termino,
            termino,
            partner,
            new_row.external_ids().termino,
            offer_id,
        ),
    ] {
        let Some(id) = id else {
            problems.push(format!("not in {system}"));
            continue;
        };
        let now = client.get(account, id).await?;
        if now.status == BookingStatus::Cancelled {
            problems.push(format!("{system} shows it cancelled"));
        }
        if (now.start_at, now.end_at) != (*start_at, *end_at) {
            problems.push(format!("{system} shows another time"));
        }
        if &now.service_id != service {
            problems.push(format!("{system} shows another service"));
        }
        seen.push(now);
    }
    Ok(Outcome::verified(problems, json!({ "link_id": new_link })))
}

async fn new_voucher(run: &StepRun<'_>) -> Result<Option<String>, SystemError> {
    let mut tx = run.ctx.db.begin_write().await.map_err(db_error)?;
    let result = procedures::step_result(&mut tx, run.op.id, Step::ReissueVoucher.as_str())
        .await
        .map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    Ok(result
        .and_then(|r| serde_json::from_str::<Value>(&r).ok())
        .and_then(|v| v["new_voucher"].as_str().map(str::to_owned)))
}

/// The link this procedure started for the new booking, if it did.
async fn new_link_id(run: &StepRun<'_>) -> Result<Option<i64>, SystemError> {
    links::superseded_by(&run.ctx.db, run.op.link_id)
        .await
        .map_err(db_error)
}

async fn link_complete(run: &StepRun<'_>, link_id: i64) -> Result<bool, SystemError> {
    let sides = links::side_ids(&run.ctx.db, link_id)
        .await
        .map_err(db_error)?;
    Ok(matches!(sides, Some((Some(_), Some(_)))))
}
