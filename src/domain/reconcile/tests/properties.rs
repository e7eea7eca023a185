//! Property tests: random sequences of edits on both sides of a booking that started agreed,
//! checked against the FAQ rules the merge implements. Where the scenario files show one case
//! per rule, these show that no combination of edits breaks one.

use proptest::prelude::*;

use super::*;
use BookingStatus::{Cancelled, Confirmed, Pending, Rejected};
use System::{Reservio, Termino};

/// Enough cases to meet every combination of one-sided, alike and conflicting edits many times
/// over, few enough that the suite stays quick.
const CASES: u32 = 256;

/// One edit someone makes to one side's booking.
#[derive(Clone, Debug)]
enum Edit {
    /// Agree a new slot with the customer (rule 3); on Termino it may be the customer's own
    /// reschedule.
    Move {
        start: i64,
        minutes: i64,
        by_customer: bool,
    },
    /// A longer or shorter treatment: only the end moves.
    Resize {
        minutes: i64,
    },
    Name(String),
    Email(String),
    Phone(String),
    /// Cancelled is final: later status edits of a cancelled booking do nothing.
    Status(BookingStatus),
    /// What the mapping makes of the side's service; `None` when unmapped.
    Service(Option<String>),
}

fn start_time() -> impl Strategy<Value = i64> {
    // Half-hour steps over one working day: few enough values that both sides often pick the
    // same one (an alike change), many enough that they often differ (a conflict).
    (0..12i64).prop_map(|half_hours| at(8, 0) + half_hours * 30 * MINUTE)
}

fn minutes() -> impl Strategy<Value = i64> {
    (1..=8i64).prop_map(|quarters| quarters * 15)
}

/// A detail from a small pool (so both sides sometimes type the same), or any text at all.
fn detail(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(pool).prop_map(str::to_string),
        1 => any::<String>(),
    ]
}

const NAMES: &[&str] = &["Jana Nováková", "Jana Dvořáková", "J. Nováková", ""];
const EMAILS: &[&str] = &[
    "jana@example.test",
    "jana.n@example.test",
    "JANA@example.test",
];
const PHONES: &[&str] = &["+420777000111", "+420608111222", "+48 601 000 000"];
const SERVICES: &[&str] = &["svc-massage", "svc-facial"];

fn service() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        4 => proptest::sample::select(SERVICES).prop_map(|s| Some(s.to_string())),
        1 => Just(None),
    ]
}

/// The statuses a system can show: Termino knows no rejection, that is the partner's answer in
/// Reservio (rule 4).
fn status(system: System) -> BoxedStrategy<BookingStatus> {
    match system {
        Reservio => proptest::sample::select(vec![Pending, Confirmed, Rejected, Cancelled]).boxed(),
        Termino => proptest::sample::select(vec![Pending, Confirmed, Cancelled]).boxed(),
    }
}

fn edit(system: System) -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (start_time(), minutes(), any::<bool>()).prop_map(move |(start, minutes, own)| {
            Edit::Move { start, minutes, by_customer: own && system == Termino }
        }),
        1 => minutes().prop_map(|minutes| Edit::Resize { minutes }),
        2 => detail(NAMES).prop_map(Edit::Name),
        2 => detail(EMAILS).prop_map(Edit::Email),
        2 => detail(PHONES).prop_map(Edit::Phone),
        1 => status(system).prop_map(Edit::Status),
        1 => service().prop_map(Edit::Service),
    ]
}

fn edits(system: System) -> impl Strategy<Value = Vec<Edit>> {
    proptest::collection::vec(edit(system), 0..5)
}

fn apply_edits(mut snapshot: Snapshot, edits: &[Edit]) -> Snapshot {
    for edit in edits {
        match edit.clone() {
            Edit::Move {
                start,
                minutes,
                by_customer,
            } => {
                snapshot.start_at = start;
                snapshot.end_at = start + minutes * MINUTE;
                snapshot.self_rescheduled |= by_customer;
            }
            Edit::Resize { minutes } => snapshot.end_at = snapshot.start_at + minutes * MINUTE,
            Edit::Name(name) => snapshot.customer.name = name,
            Edit::Email(email) => snapshot.customer.email = email,
            Edit::Phone(phone) => snapshot.customer.phone = phone,
            Edit::Status(status) if snapshot.status != Cancelled => snapshot.status = status,
            Edit::Status(_) => {}
            Edit::Service(service) => snapshot.service = service,
        }
    }
    snapshot
}

/// The booking both sides agreed on: answered or not yet, mapped.
fn agreed() -> impl Strategy<Value = Snapshot> {
    (
        start_time(),
        minutes(),
        detail(NAMES),
        detail(EMAILS),
        detail(PHONES),
        proptest::sample::select(vec![Pending, Confirmed]),
        proptest::sample::select(SERVICES),
    )
        .prop_map(
            |(start, minutes, name, email, phone, status, service)| Snapshot {
                start_at: start,
                end_at: start + minutes * MINUTE,
                service: Some(service.to_string()),
                customer: Customer { name, email, phone },
                status,
                self_rescheduled: false,
            },
        )
}

/// A live link after both sides were edited since they last agreed, and when it is reconciled.
fn edited_link() -> impl Strategy<Value = (LinkView, i64)> {
    (
        agreed(),
        edits(Reservio),
        edits(Termino),
        proptest::sample::select(System::BOTH.to_vec()),
        proptest::sample::select(vec![None, Some(NOW - 10 * MINUTE), Some(NOW - 2 * HOUR)]),
        any::<bool>(),
    )
        .prop_map(
            |(base, r_edits, t_edits, origin, pending_since, care_case)| {
                let link = LinkView {
                    base: Some(Base::of(&base)),
                    sides: Sides::new(
                        Side::Present(apply_edits(base.clone(), &r_edits)),
                        Side::Present(apply_edits(base, &t_edits)),
                    ),
                    origin,
                    created_at: CREATED,
                    change_pending_since: pending_since,
                    has_open_care_case: care_case,
                    pending_pushes: false,
                };
                (link, NOW)
            },
        )
}

/// How one field moved since the base.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Moved {
    Neither,
    /// Only this side changed it.
    Only(System),
    /// Both changed it to the same value.
    Alike,
    /// Both changed it, to different values.
    Apart,
}

fn moved<T: PartialEq>(base: &T, reservio: &T, termino: &T) -> Moved {
    match (reservio != base, termino != base) {
        (false, false) => Moved::Neither,
        (true, false) => Moved::Only(Reservio),
        (false, true) => Moved::Only(Termino),
        (true, true) if reservio == termino => Moved::Alike,
        (true, true) => Moved::Apart,
    }
}

/// The three sides of a generated link.
fn parts(link: &LinkView) -> (&Base, &Snapshot, &Snapshot) {
    match (&link.base, &link.sides.reservio, &link.sides.termino) {
        (Some(base), Side::Present(r), Side::Present(t)) => (base, r, t),
        _ => unreachable!("edited_link() always has a base and both sides"),
    }
}

/// A customer detail: its label, and how to read it.
type Detail = (&'static str, fn(&Customer) -> &String);

const DETAILS: [Detail; 3] = [
    ("name", |c| &c.name),
    ("e-mail", |c| &c.email),
    ("phone", |c| &c.phone),
];

fn customer_pushed_to(outcome: &Outcome, to: System) -> Option<&Customer> {
    outcome.pushes.iter().find_map(|push| match push {
        Push::UpdateCustomer {
            to: target,
            customer,
        } if *target == to => Some(customer),
        _ => None,
    })
}

fn time_pushes(outcome: &Outcome) -> Vec<&Push> {
    outcome
        .pushes
        .iter()
        .filter(|push| matches!(push, Push::UpdateTime { .. }))
        .collect()
}

fn cancelled(snapshot: &Snapshot) -> bool {
    snapshot.status == Cancelled
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// Rules 3, 2 and 5: a change made on one side only is pushed to the other (time, customer
    /// details), or, for a cancellation or a service change, flagged and never pushed.
    #[test]
    fn a_change_made_on_one_side_only_is_never_lost((link, now) in edited_link()) {
        let outcome = reconcile_at(&link, now);
        let (base, r, t) = parts(&link);
        let new_base = outcome.new_base.as_ref().expect("a live link keeps a base");
        if cancelled(r) != cancelled(t) {
            // Rule 2: nothing is pushed to or from a half-cancelled booking, and the base
            // waits for the other side to be cancelled too.
            prop_assert!(outcome.pushes.is_empty());
            prop_assert!(outcome.finding(MismatchKind::StatusDiffers).is_some());
            prop_assert_eq!(new_base, base);
            return Ok(());
        }
        if cancelled(r) {
            prop_assert!(outcome.pushes.is_empty());
            prop_assert!(outcome.findings.is_empty(), "both cancelled: they agree");
            prop_assert_eq!(new_base.status, Cancelled);
            return Ok(());
        }
        if let Moved::Only(changed) = moved(&base.time(), &r.time(), &t.time()) {
            let source = if changed == Reservio { r } else { t };
            let expected = time_push(changed.other(), source.start_at, source.end_at);
            prop_assert_eq!(time_pushes(&outcome), vec![&expected]);
            prop_assert_eq!(new_base.time(), base.time(), "kept until the other side confirms");
        }
        for (label, field) in DETAILS {
            if let Moved::Only(changed) = moved(field(&base.customer), field(&r.customer), field(&t.customer)) {
                let source = if changed == Reservio { r } else { t };
                let pushed = customer_pushed_to(&outcome, changed.other());
                prop_assert_eq!(
                    pushed.map(field),
                    Some(field(&source.customer)),
                    "the {} changed in {} reaches {}", label, changed, changed.other()
                );
            }
        }
        // Rule 5: a service differs → flagged, and the base keeps the agreed service.
        if r.service != t.service || r.service.is_none() {
            prop_assert!(outcome.finding(MismatchKind::ServiceDiffers).is_some());
            prop_assert_eq!(&new_base.service, &base.service);
        } else {
            prop_assert!(outcome.finding(MismatchKind::ServiceDiffers).is_none());
            prop_assert_eq!(&new_base.service, &r.service);
        }
    }

    /// Both sides changed the same field: to different values, nothing overwrites either and a
    /// `conflict` is raised; to the same value, the base takes it and nothing is flagged.
    #[test]
    fn a_change_made_on_both_sides_is_never_overwritten((link, now) in edited_link()) {
        let outcome = reconcile_at(&link, now);
        let (base, r, t) = parts(&link);
        prop_assume!(!cancelled(r) && !cancelled(t));
        let new_base = outcome.new_base.as_ref().expect("a live link keeps a base");
        let mut apart = Vec::new();
        match moved(&base.time(), &r.time(), &t.time()) {
            Moved::Apart => {
                prop_assert!(time_pushes(&outcome).is_empty());
                prop_assert_eq!(new_base.time(), base.time());
                apart.push("time");
            }
            Moved::Alike => {
                prop_assert!(time_pushes(&outcome).is_empty());
                prop_assert_eq!(new_base.time(), r.time());
            }
            Moved::Neither | Moved::Only(_) => {}
        }
        for (label, field) in DETAILS {
            let how = moved(field(&base.customer), field(&r.customer), field(&t.customer));
            if matches!(how, Moved::Apart | Moved::Alike) {
                // Whatever is pushed for other details carries each side's own value of this one.
                for (to, own) in [(Reservio, r), (Termino, t)] {
                    if let Some(pushed) = customer_pushed_to(&outcome, to) {
                        prop_assert_eq!(field(pushed), field(&own.customer), "{} in {}", label, to);
                    }
                }
            }
            match how {
                Moved::Apart => {
                    prop_assert_eq!(field(&new_base.customer), field(&base.customer));
                    apart.push(label);
                }
                Moved::Alike => prop_assert_eq!(field(&new_base.customer), field(&r.customer)),
                Moved::Neither | Moved::Only(_) => {}
            }
        }
        prop_assert_eq!(
            outcome.finding(MismatchKind::Conflict).is_some(),
            !apart.is_empty(),
            "conflict exactly when a field moved apart: {:?}", apart
        );
        if apart.contains(&"time") {
            // A conflicting time is nobody's change on its way, so it is not also overdue.
            prop_assert!(outcome.finding(MismatchKind::TimeDiffers).is_none());
        }
    }

    /// Deciding again after the decision was carried out changes nothing: while the pushes are
    /// queued nothing more is pushed, once they landed nothing is left to push or to flag anew,
    /// and a push that did not land is decided again, identically.
    #[test]
    fn reconciling_the_resulting_state_again_is_quiet(
        (link, now) in edited_link(),
        landed in proptest::collection::vec(any::<bool>(), 3),
    ) {
        let first = reconcile_at(&link, now);
        let later = now + MINUTE;

        // The outcome is stored and the pushes are queued but not yet done.
        let mut queued = link.clone();
        queued.base = first.new_base.clone();
        queued.change_pending_since = first.change_pending_since;
        queued.pending_pushes = !first.pushes.is_empty();
        let waiting = reconcile_at(&queued, later);
        prop_assert!(waiting.pushes.is_empty());
        prop_assert_eq!(&waiting.new_base, &first.new_base);
        prop_assert_eq!(waiting.kinds(), first.kinds());

        // Some pushes landed, the others failed and were dropped from the queue.
        let mut done = Vec::new();
        let mut failed = Vec::new();
        for (push, landed) in first.pushes.iter().zip(landed.iter().chain(std::iter::repeat(&true))) {
            if *landed { done.push(push.clone()) } else { failed.push(push.clone()) }
        }
        let mut partly = link.clone();
        apply(&mut partly, &Outcome { pushes: done, ..first.clone() });
        let retried = reconcile_at(&partly, later);
        prop_assert_eq!(&retried.pushes, &failed, "a push that did not land is decided again");
        prop_assert!(retried.kinds().iter().all(|kind| first.kinds().contains(kind)));

        // Everything landed: nothing left to push, nothing new to flag, and a fixed point.
        let mut settled = link.clone();
        apply(&mut settled, &first);
        let second = reconcile_at(&settled, later);
        prop_assert!(second.pushes.is_empty(), "{:?}", second.pushes);
        for kind in second.kinds() {
            prop_assert!(first.kinds().contains(&kind), "{} is new after applying", kind);
        }
        apply(&mut settled, &second);
        prop_assert_eq!(&reconcile_at(&settled, later + MINUTE), &second);
    }
}

/// Any link at all, including sides missing or vanished, a new link without a base, a queue
/// still busy and any moment from its creation to past the appointment.
fn any_link() -> impl Strategy<Value = (LinkView, i64)> {
    let side = |system: System| {
        prop_oneof![
            6 => (agreed(), edits(system)).prop_map(|(snapshot, edits)| {
                Side::Present(apply_edits(snapshot, &edits))
            }),
            1 => Just(Side::NotYetSeen),
            1 => (CREATED..NOW).prop_map(|since| Side::Vanished { since }),
        ]
    };
    (
        proptest::option::of(agreed().prop_map(|s| Base::of(&s))),
        side(Reservio),
        side(Termino),
        proptest::sample::select(System::BOTH.to_vec()),
        proptest::option::of(CREATED..NOW),
        any::<bool>(),
        any::<bool>(),
        CREATED..BOOKING_DAY + DAY,
    )
        .prop_map(
            |(base, reservio, termino, origin, since, care, pending, now)| {
                let link = LinkView {
                    base,
                    sides: Sides::new(reservio, termino),
                    origin,
                    created_at: CREATED,
                    change_pending_since: since.filter(|since| *since <= now),
                    has_open_care_case: care,
                    pending_pushes: pending,
                };
                (link, now)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// The detector is a function of its input: the same link gives the same findings, sorted,
    /// at most one per kind, each with its kind's default severity (the domain never raises or
    /// lowers one: the DESIGN table is the only source), and only kinds reconcile owns.
    #[test]
    fn the_findings_are_stable_sorted_unique_and_of_their_kinds_severity((link, now) in any_link()) {
        let outcome = reconcile(&link, now, &Policy::default());
        prop_assert_eq!(&reconcile(&link.clone(), now, &Policy::default()), &outcome);
        let kinds = outcome.kinds();
        prop_assert!(kinds.windows(2).all(|pair| pair[0] < pair[1]), "{:?}", kinds);
        for finding in &outcome.findings {
            prop_assert_eq!(finding.severity, finding.kind.default_severity());
            prop_assert!(!matches!(
                finding.kind,
                MismatchKind::PushFailed | MismatchKind::ProcedureFailed
            ));
        }
        // And every invariant the scenario tests hold each outcome to.
        check_invariants(&link, now, &outcome);
    }
}
