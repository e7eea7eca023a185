//! The sync engine's decisions for one linked booking: a three-way merge of the two sides against
//! the link's base, and the mismatches the result shows.
//!
//! Pure: the worker loads a [`LinkView`], calls [`reconcile`] with `now`, and applies the
//! [`Outcome`] (enqueue the pushes, open or refresh the findings, resolve open mismatches whose
//! kind is absent, store the new base and `change_pending_since`, audit). Calling it again on the
//! same view gives the same outcome, so a crash between deciding and applying loses nothing.
//!
//! How each FAQ rule maps to a decision:
//! - time and customer details propagate (rule 3): changed on one side only → pushed to the
//!   other; changed on both sides alike → the new base; changed differently → `conflict`;
//! - cancellation never propagates (rule 2): one side cancelled → `status_differs`;
//! - a service change never propagates (rule 5): different services → `service_differs`;
//! - rejected or unanswered bookings still count (rule 4): flagged until Partner Care has a case;
//! - deletes are forbidden (rule 2): a vanished booking is `deleted_remotely`, never re-created.

mod due;
mod merge;
mod model;
mod pair;
mod sides;
#[cfg(test)]
mod tests;

pub use due::next_check_at;
use model::Draft;
pub use model::{Base, Finding, LinkView, Outcome, Policy, Push, Side, Snapshot};

/// Decides what to push, what the new base is and which mismatches the link shows, from the two
/// sides and the base alone. `now` is a parameter so the decision is reproducible.
#[must_use = "the outcome is the decision: pushes, base and findings to apply"]
pub fn reconcile(link: &LinkView, now: i64, policy: &Policy) -> Outcome {
    let mut draft = Draft {
        pushes: Vec::new(),
        findings: Vec::new(),
        new_base: link.base.clone(),
        change_pending_since: link.change_pending_since,
    };
    sides::check_presence(link, now, policy, &mut draft);
    sides::check_answers(link, now, policy, &mut draft);
    if let (Side::Present(reservio), Side::Present(termino)) =
        (&link.sides.reservio, &link.sides.termino)
    {
        pair::merge(link, reservio, termino, now, policy, &mut draft);
    }
    draft.finish()
}
