//! Runs guided procedures: starts them after checking the plan, then carries out their steps one
//! by one against the two systems, recording each step before moving on. The plan itself (which
//! steps, which are skipped, why a procedure does not apply) is pure and lives in
//! [`crate::domain::procedure`]; the rows in [`crate::db::procedures`].
//!
//! Crash safety: a step's external effect is made with an idempotency key derived from the
//! procedure and the step, and every step first reads the system to see whether its effect is
//! already there. A runner killed mid-step leaves the step `running`; when the lease runs out
//! another runner (or the restarted one) does the step again, and the key and the read make sure
//! the effect happens once.
//!
//! - `start`: the plan a form shows, the checks before a procedure starts, and the start itself;
//! - `slots`: Reservio's free times and the check of a chosen one (reschedule, change of service);
//! - `run`: the runner: claims due procedures, runs their steps, retries a stopped one;
//! - `cancel`, `reschedule`, `change_service`, `escalate`: each kind's own steps;
//! - `finish`: completing (case, confirmation e-mail), stopping at a failed step, abandoning;
//! - `context`: what they all share (the hooks, a step's outcome, the audit of a step).

mod cancel;
mod change_service;
mod context;
mod escalate;
mod finish;
mod reschedule;
mod run;
mod slots;
mod start;

pub use context::{Hooks, StartError, Starter, connection_syncs};
pub use finish::abandon;
pub use run::{retry, run_due, run_forever, run_one, run_steps};
pub use slots::{booking_resource, check_slot, free_slots, slot_message};
pub use start::{preview, situation, start};
