//! Checks that need both sides: the status comparison and the three-way merge of time, customer
//! details and service.

use super::merge::{Merge, three_way};
use super::model::{Base, Draft, LinkView, Policy, Push, Snapshot, instant};
use crate::domain::booking::{BookingStatus, Customer, System};
use crate::domain::mismatch::MismatchKind;

/// Compares and merges two present sides.
pub(super) fn merge(
    link: &LinkView,
    reservio: &Snapshot,
    termino: &Snapshot,
    now: i64,
    policy: &Policy,
    draft: &mut Draft,
) {
    use BookingStatus::Cancelled;
    // Rule 2: a cancellation never propagates; the guided cancel form finishes it. Until both
    // sides are cancelled nothing else is merged either: pushing a new time or customer to a
    // cancelled booking, or from one, would be meaningless, and the status is what matters.
    match (reservio.status, termino.status) {
        (Cancelled, Cancelled) => {
            both_cancelled(link, reservio, termino, draft);
            return;
        }
        (status, Cancelled) => {
            draft.flag(
                MismatchKind::StatusDiffers,
                format!(
                    "the voucher is cancelled in termino but the booking is still {status} in \
                     reservio: cancel it in reservio too (never delete it)",
                    status = status.as_str()
                ),
            );
            return;
        }
        (Cancelled, status) => {
            draft.flag(
                MismatchKind::StatusDiffers,
                format!(
                    "the booking is cancelled in reservio but still {status} in termino: the \
                     voucher must be cancelled in termino through Partner Care; until then the \
                     customer will come",
                    status = status.as_str()
                ),
            );
            return;
        }
        // Pending, confirmed and rejected all mean "the customer will come" (rule 4), so they
        // never disagree with each other; `sides::check_answers` deals with them.
        _ => {}
    }

    let base = link.base.as_ref();
    let mut conflicts = Vec::new();

    let time = three_way(
        base.map(Base::time).as_ref(),
        &reservio.time(),
        &termino.time(),
        link.origin,
    );
    let (agreed_time, time_propagating) = match time {
        Merge::Agreed(slot) => (Some(slot), false),
        Merge::Propagate { to, value } => {
            // The outbox may already hold this very push (or an older one for the link): wait
            // for it rather than stack another.
            if !link.pending_pushes {
                draft.pushes.push(Push::UpdateTime {
                    to,
                    start_at: value.start_at,
                    end_at: value.end_at,
                });
            }
            (None, true)
        }
        Merge::Conflict => {
            conflicts.push(format!(
                "time (agreed {}, reservio {}, termino {}{})",
                base.map_or_else(|| "never".to_string(), |b| b.time().to_string()),
                reservio.time(),
                termino.time(),
                self_reschedule_note(termino)
            ));
            (None, false)
        }
    };

    let customer = merge_customer(link, reservio, termino);
    if !link.pending_pushes {
        draft.pushes.extend(customer.pushes);
    }
    if !customer.conflicting.is_empty() {
        conflicts.push(format!("customer {}", customer.conflicting.join(" and ")));
    }

    // Rule 5: a service change goes through the channel (new voucher, new booking), so services
    // are only compared, never pushed. An unmapped side cannot be shown to agree.
    let agreed_service = match (&reservio.service, &termino.service) {
        (Some(r), Some(t)) if r == t => Some(r.clone()),
        (r, t) => {
            let name = |service: &Option<String>| {
                service.clone().unwrap_or_else(|| "not mapped".to_string())
            };
            draft.flag(
                MismatchKind::ServiceDiffers,
                format!(
                    "service in reservio: {}, in termino: {}; a service change goes through the \
                     channel",
                    name(r),
                    name(t)
                ),
            );
            None
        }
    };
    let agreed_status = (reservio.status == termino.status).then_some(reservio.status);

    if !conflicts.is_empty() {
        draft.flag(
            MismatchKind::Conflict,
            format!(
                "both sides changed since they last agreed: {}; nothing was overwritten",
                conflicts.join("; ")
            ),
        );
    }

    draft.new_base = match base {
        // Each field moves on only where both sides now agree; a field on its way keeps its old
        // value until the other side confirms it, which is what makes the next merge see a
        // one-sided change (and not a conflict) if the push has not landed yet.
        Some(base) => Some(Base {
            start_at: agreed_time.map_or(base.start_at, |slot| slot.start_at),
            end_at: agreed_time.map_or(base.end_at, |slot| slot.end_at),
            service: agreed_service.or_else(|| base.service.clone()),
            customer: customer.new_base.unwrap_or_else(|| base.customer.clone()),
            status: agreed_status.unwrap_or(base.status),
        }),
        // A new link gets its base once the fields that propagate agree. Service and status
        // never propagate, so waiting for them could leave the link without a base for good
        // (and the origin winning every later change); take the origin's where they differ.
        None => match (agreed_time, customer.new_base) {
            (Some(slot), Some(customer)) => {
                let origin = match link.origin {
                    System::Reservio => reservio,
                    System::Termino => termino,
                };
                Some(Base {
                    start_at: slot.start_at,
                    end_at: slot.end_at,
                    service: agreed_service.or_else(|| origin.service.clone()),
                    customer,
                    status: agreed_status.unwrap_or(origin.status),
                })
            }
            _ => None,
        },
    };

    // One clock for everything on its way (time and customer): it starts with the first push and
    // stops once nothing needs propagating. A conflict stops it too: nothing of ours is on its
    // way, a person has to decide.
    let customer_propagating = !customer.propagating.is_empty();
    draft.change_pending_since = if time_propagating || customer_propagating {
        link.change_pending_since.or(Some(now))
    } else {
        None
    };
    // Within the SLA a difference is a change crossing over ("about an hour", says the FAQ);
    // only beyond it is it a mismatch.
    let overdue = draft
        .change_pending_since
        .filter(|since| now - since > policy.propagation_sla_secs);
    if let Some(since) = overdue {
        if time_propagating {
            draft.flag(
                MismatchKind::TimeDiffers,
                format!(
                    "reservio {}, termino {}{}; the change has been on its way since {}",
                    reservio.time(),
                    termino.time(),
                    self_reschedule_note(termino),
                    instant(since)
                ),
            );
        }
        // Customer details only differ without a conflict when one side's change has not
        // arrived on the other: a three-way merge always decides a push otherwise. So, like
        // time, this is raised only once that push is overdue, which catches a push that
        // "succeeded" without effect and a new link whose details never converge.
        if customer_propagating {
            draft.flag(
                MismatchKind::CustomerDiffers,
                format!(
                    "customer {} differ; the change has been on its way since {}",
                    customer.propagating.join(" and "),
                    instant(since)
                ),
            );
        }
    }
}

/// Both sides cancelled: they agree, and nothing else about the booking matters any more.
fn both_cancelled(link: &LinkView, reservio: &Snapshot, termino: &Snapshot, draft: &mut Draft) {
    draft.change_pending_since = None;
    draft.new_base = Some(match &link.base {
        Some(base) => Base {
            status: BookingStatus::Cancelled,
            ..base.clone()
        },
        None => Base::of(match link.origin {
            System::Reservio => reservio,
            System::Termino => termino,
        }),
    });
}

fn self_reschedule_note(termino: &Snapshot) -> &'static str {
    if termino.self_rescheduled {
        " (the customer's self-reschedule is used)"
    } else {
        ""
    }
}

/// One customer detail, merged on its own: a new phone number on one side and a corrected name on
/// the other are two one-sided changes, not a conflict.
#[derive(Clone, Copy, Debug)]
enum Field {
    Name,
    Email,
    Phone,
}

impl Field {
    const ALL: [Field; 3] = [Field::Name, Field::Email, Field::Phone];

    fn label(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Email => "e-mail",
            Field::Phone => "phone",
        }
    }

    fn of(self, customer: &Customer) -> &String {
        match self {
            Field::Name => &customer.name,
            Field::Email => &customer.email,
            Field::Phone => &customer.phone,
        }
    }

    fn of_mut(self, customer: &mut Customer) -> &mut String {
        match self {
            Field::Name => &mut customer.name,
            Field::Email => &mut customer.email,
            Field::Phone => &mut customer.phone,
        }
    }
}

struct CustomerMerge {
    /// At most one push per side, carrying that side's own values for fields not propagated.
    pushes: Vec<Push>,
    /// The customer for the new base: the old base with agreed fields moved on, or, for a new
    /// link, the customer both sides show; `None` for a new link whose sides still differ.
    new_base: Option<Customer>,
    /// Fields on their way to the other side.
    propagating: Vec<&'static str>,
    /// Fields changed differently on both sides.
    conflicting: Vec<&'static str>,
}

fn merge_customer(link: &LinkView, reservio: &Snapshot, termino: &Snapshot) -> CustomerMerge {
    let base = link.base.as_ref().map(|base| &base.customer);
    let mut new_base = base.cloned();
    let mut for_reservio = (reservio.customer.clone(), false);
    let mut for_termino = (termino.customer.clone(), false);
    let mut propagating = Vec::new();
    let mut conflicting = Vec::new();
    for field in Field::ALL {
        let merged = three_way(
            base.map(|customer| field.of(customer)),
            field.of(&reservio.customer),
            field.of(&termino.customer),
            link.origin,
        );
        match merged {
            Merge::Agreed(value) => {
                if let Some(customer) = new_base.as_mut() {
                    *field.of_mut(customer) = value;
                }
            }
            Merge::Propagate { to, value } => {
                let target = match to {
                    System::Reservio => &mut for_reservio,
                    System::Termino => &mut for_termino,
                };
                *field.of_mut(&mut target.0) = value;
                target.1 = true;
                propagating.push(field.label());
            }
            Merge::Conflict => conflicting.push(field.label()),
        }
    }
    if base.is_none() && propagating.is_empty() {
        // No base and no field to propagate means every field agrees (a conflict needs a base).
        new_base = Some(reservio.customer.clone());
    }
    let pushes = [
        (System::Reservio, for_reservio),
        (System::Termino, for_termino),
    ]
    .into_iter()
    .filter(|(_, (_, changed))| *changed)
    .map(|(to, (customer, _))| Push::UpdateCustomer { to, customer })
    .collect();
    CustomerMerge {
        pushes,
        new_base,
        propagating,
        conflicting,
    }
}
