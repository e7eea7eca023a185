//! What the parts of the procedure runner share: the hooks it is given, who starts a procedure
//! and why one could not start, what one step came to, and everything a step needs.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::audit::{self, Actor, Event};
use crate::db::Tx;
use crate::db::connections::{self, Connection};
use crate::db::links::LinkRow;
use crate::db::procedures::{ProcedureRow, StepRow};
use crate::domain::connection::ConnectionState;
use crate::domain::procedure::{Params, Refusal, SlotProblem, Step};
use crate::domain::{RemoteBooking, Sides, System};
use crate::sync::context::{SyncContext, SyncError};
use crate::sync::worker::{Notifier, sync_connection};
use crate::systems::{BookingSystem, SystemError};

/// How long a confirmation from Termino may take before the step fails.
pub(super) const CONFIRM_DEADLINE_SECS: i64 = 10 * 60;
/// How long to wait between looks at a waiting step.
pub(super) const WAIT_SECS: i64 = 2;
/// How many procedures one round takes.
pub(super) const BATCH: i64 = 20;

/// What the runner needs besides the sync context.
#[derive(Clone, Debug, Default)]
pub struct Hooks {
    /// Wakes the sync worker for a connection (so a change crosses over sooner).
    pub notifier: Option<Notifier>,
    /// Confirmation e-mails are kept for the Outbox page instead of being sent.
    pub mail_held: bool,
    /// Wakes the runner when a procedure is started or retried.
    pub wake: Arc<tokio::sync::Notify>,
}

/// Why a procedure could not be started.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("no such booking")]
    NotFound,
    #[error("the procedure does not apply: {0:?}")]
    Refused(Refusal),
    #[error("the slot cannot be taken: {0:?}")]
    Slot(SlotProblem),
    #[error("another procedure is under way on this booking")]
    Busy(i64),
    #[error("the service is not mapped to an offer")]
    Unmapped,
    #[error("an open case already exists for this booking")]
    CaseOpen(i64),
    #[error("the booking's connection is not set up")]
    NoConnection,
    #[error("{0}")]
    System(#[from] SystemError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// Who starts a procedure.
pub struct Starter<'a> {
    pub actor: &'a Actor,
    pub user_id: Option<i64>,
    pub request_id: Option<&'a str>,
    /// The case this procedure settles (Partner Care acting on an escalation).
    pub case_id: Option<i64>,
}

/// What one step came to.
pub(super) enum Outcome {
    Done(Value),
    /// Not yet: look again later. `deadline`: when waiting turns into failing.
    Wait {
        reason: String,
        deadline: i64,
    },
    Fail(String),
    /// A system did not answer (timeout, 5xx): try again after a backoff, a few times.
    Transient(String),
    /// A system refused the credentials (401): the step waits for new ones.
    CredentialsRefused(SystemError),
}

impl Outcome {
    /// `Done(result)` when the step found what it looked for, else `otherwise` (wait, or fail).
    pub fn done_if(found: bool, result: Value, otherwise: Outcome) -> Outcome {
        if found {
            Outcome::Done(result)
        } else {
            otherwise
        }
    }

    /// How a read-back ends: `Done(result)` when it found nothing wrong, else a failure that
    /// lists what it found.
    pub fn verified(problems: Vec<String>, result: Value) -> Outcome {
        let failed = Outcome::Fail(problems.join(", "));
        Outcome::done_if(problems.is_empty(), result, failed)
    }
}

impl From<SystemError> for Outcome {
    fn from(e: SystemError) -> Self {
        if crate::sync::hold::refused_credentials(&e) {
            Outcome::CredentialsRefused(e)
        } else if e.is_transient() {
            Outcome::Transient(e.to_string())
        } else {
            Outcome::Fail(e.to_string())
        }
    }
}

/// Everything one step needs.
pub(super) struct StepRun<'a> {
    pub ctx: &'a SyncContext,
    pub hooks: &'a Hooks,
    pub op: &'a ProcedureRow,
    pub step_row: &'a StepRow,
    pub row: &'a LinkRow,
    pub conn: &'a Connection,
    pub params: &'a Params,
}

/// The bookings a step read, stored as snapshots when the step is recorded.
pub(super) type Snapshots = Vec<RemoteBooking>;

/// The two systems as a step reaches them: the accounts, the clients and the booking's ids.
#[derive(Clone, Copy)]
pub(super) struct Reach<'a> {
    pub business: &'a str,
    pub partner: &'a str,
    pub t_token: &'a str,
    pub reservio: &'a dyn BookingSystem,
    pub termino: &'a dyn BookingSystem,
    /// The booking's id in each system, once seen.
    pub ids: Sides<Option<&'a str>>,
}

impl<'a> Reach<'a> {
    /// The client, the account and the booking's id in `system`.
    pub fn side(&self, system: System) -> (&'a dyn BookingSystem, &'a str, Option<&'a str>) {
        match system {
            System::Reservio => (self.reservio, self.business, self.ids.reservio),
            System::Termino => (self.termino, self.partner, self.ids.termino),
        }
    }

    /// Reads the booking back in each system it is in, Reservio first: `look` sees each answer
    /// before it is kept as a snapshot. The last step of a procedure checks what it promised.
    pub async fn read_back(
        &self,
        seen: &mut Snapshots,
        mut look: impl FnMut(System, &RemoteBooking),
    ) -> Result<(), SystemError> {
        for system in [System::Reservio, System::Termino] {
            let (client, account, id) = self.side(system);
            let Some(id) = id else { continue };
            let now = client.get(account, id).await?;
            look(system, &now);
            seen.push(now);
        }
        Ok(())
    }
}

impl StepRun<'_> {
    /// The system the booking was made in (Reservio when the link does not say).
    pub fn origin(&self) -> System {
        self.row
            .origin_system
            .parse::<System>()
            .unwrap_or(System::Reservio)
    }

    /// The idempotency key of this step's external effect: the same on every attempt.
    pub fn key(&self, what: &str) -> String {
        format!("op{}-s{}-{what}", self.op.id, self.step_row.position)
    }

    pub fn deadline(&self, secs: i64) -> i64 {
        self.step_row.started_at.unwrap_or(self.ctx.clock.now()) + secs
    }

    /// Wakes the sync worker for the booking's connection, so a change made in one system
    /// crosses over sooner.
    pub fn notify_sync(&self) {
        if let Some(notifier) = &self.hooks.notifier {
            notifier.notify(self.conn.id);
        }
    }

    /// Waits for the sync to carry a change over, until the propagation deadline.
    pub fn wait_for_sync(&self, reason: String) -> Outcome {
        Outcome::Wait {
            reason,
            deadline: self.deadline(self.ctx.settings.policy.propagation_sla_secs),
        }
    }

    /// Runs a sync of the connection now; another instance already syncing it is fine.
    pub async fn sync_now(&self) {
        match sync_connection(self.ctx, self.conn).await {
            Ok(_) | Err(SyncError::Busy(_)) => {}
            Err(e) => tracing::debug!(error = %e, "sync during a procedure step"),
        }
    }
}

/// The connection's accounts: Reservio business and token, Termino partner and token.
pub(super) fn connection_accounts(conn: &Connection) -> Option<(&str, &str, &str, &str)> {
    Some((
        conn.reservio_business_id.as_deref()?,
        conn.reservio_token.as_deref()?,
        conn.termino_partner_id.as_deref()?,
        conn.termino_token.as_deref()?,
    ))
}

/// Whether the connection of a link still syncs, so a procedure on it can act in its systems.
pub async fn connection_syncs(db: &crate::db::Db, link_id: i64) -> Result<bool, sqlx::Error> {
    Ok(connections::state_of_link(db, link_id)
        .await?
        .and_then(|s| s.parse::<ConnectionState>().ok())
        .is_some_and(ConnectionState::syncs))
}

pub(super) fn db_error(e: sqlx::Error) -> SystemError {
    // A database hiccup is worth another try, like a system that did not answer.
    SystemError::Transport(format!("database: {e}"))
}

/// Which step of which procedure (of which partner) an audit row is about.
#[derive(Clone, Copy, Debug)]
pub(super) struct StepRef {
    pub procedure_id: i64,
    pub partner_id: i64,
    pub position: i64,
    pub step: Step,
}

/// The audit row of one step: `action` (`operation.step_done`, …) with the step and `detail`.
pub(super) async fn audit_step(
    tx: &mut Tx,
    actor: &Actor,
    at: StepRef,
    action: &str,
    detail: Value,
    now: i64,
) -> Result<(), sqlx::Error> {
    let StepRef {
        procedure_id,
        partner_id,
        position,
        step,
    } = at;
    audit::append(
        tx,
        now,
        Event::new(actor, action, "operation", procedure_id)
            .partner(Some(partner_id))
            .after(json!({ "position": position, "step": step.as_str(), "detail": detail })),
    )?;
    Ok(())
}
