//! What the merge reads and decides: the two sides and the base it compares, the policy, and
//! the outcome it builds.

use crate::domain::booking::{BookingStatus, Customer, System};
use crate::domain::mismatch::{MismatchKind, Severity};
use crate::domain::sides::Sides;

/// One side's booking as the caller loaded it, normalised for comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// Unix seconds, UTC.
    pub start_at: i64,
    pub end_at: i64,
    /// The Reservio service id. Termino offer ids are mapped through the connection's service
    /// mappings by the caller; `None` means the offer or service is not mapped.
    pub service: Option<String>,
    /// Compared field by field, byte for byte: the caller should normalise (trim, phone format,
    /// e-mail case) so that two spellings of the same value do not look like a change.
    pub customer: Customer,
    pub status: BookingStatus,
    /// Termino: the customer has used their one self-reschedule (rule 3). Only reported in
    /// details, to tell a person resolving a conflict who moved the booking.
    pub self_rescheduled: bool,
}

impl Snapshot {
    pub(super) fn time(&self) -> Slot {
        Slot {
            start_at: self.start_at,
            end_at: self.end_at,
        }
    }
}

/// The last state both sides agreed on, field by field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base {
    pub start_at: i64,
    pub end_at: i64,
    pub service: Option<String>,
    pub customer: Customer,
    pub status: BookingStatus,
}

impl Base {
    /// The base a snapshot would give if both sides showed exactly it.
    pub fn of(snapshot: &Snapshot) -> Base {
        Base {
            start_at: snapshot.start_at,
            end_at: snapshot.end_at,
            service: snapshot.service.clone(),
            customer: snapshot.customer.clone(),
            status: snapshot.status,
        }
    }

    pub(super) fn time(&self) -> Slot {
        Slot {
            start_at: self.start_at,
            end_at: self.end_at,
        }
    }
}

/// What is known of a link's booking in one system.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Side {
    /// The latest snapshot.
    Present(Snapshot),
    /// Never seen in this system (yet).
    NotYetSeen,
    /// Was seen, and has since disappeared from the system.
    Vanished {
        /// When sync first noticed it was gone (Unix seconds).
        since: i64,
    },
}

impl Side {
    /// The snapshot, if the booking is there.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        match self {
            Side::Present(snapshot) => Some(snapshot),
            Side::NotYetSeen | Side::Vanished { .. } => None,
        }
    }
}

/// Everything [`reconcile`] needs to know about one link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkView {
    /// `None` until the two sides have agreed once.
    pub base: Option<Base>,
    /// What each system shows of the booking.
    pub sides: Sides<Side>,
    /// Where the booking was created; its values win while the link has no base (rule 3: edit
    /// where it was created), and only its counterpart is ever created automatically.
    pub origin: System,
    /// When the link was created (Unix seconds); grace periods count from here.
    pub created_at: i64,
    /// Since when a propagated change has been on its way, as the last outcome said.
    pub change_pending_since: Option<i64>,
    /// Partner Care has an open case for this booking (rule 4).
    pub has_open_care_case: bool,
    /// The outbox still has undone pushes for this link.
    pub pending_pushes: bool,
}

impl LinkView {
    /// The side of `system`.
    pub fn side(&self, system: System) -> &Side {
        self.sides.get(system)
    }
}

/// How long things may take before they are flagged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// How long a new link may miss one side before `missing_in_…` is raised (Reservio is
    /// polled, so its side can lag).
    pub missing_grace_secs: i64,
    /// How long a propagated change may take before `time_differs` / `customer_differs` is
    /// raised: the channel's FAQ says "about an hour" for a date change.
    pub propagation_sla_secs: i64,
    /// How long a booking may stay pending before it is `unanswered`.
    pub unanswered_after_secs: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            missing_grace_secs: 15 * 60,
            propagation_sla_secs: 60 * 60,
            unanswered_after_secs: 24 * 60 * 60,
        }
    }
}

/// A change to make in one system, through the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Push {
    /// Move the booking in `to` to this slot.
    UpdateTime {
        to: System,
        start_at: i64,
        end_at: i64,
    },
    /// Set the customer details in `to`. Carries the whole customer: fields that are not being
    /// propagated hold `to`'s own current values, so a conflicting field is never overwritten.
    UpdateCustomer { to: System, customer: Customer },
    /// Create the booking in `to` as a copy of the other side (the origin's snapshot).
    Create { to: System },
}

impl Push {
    /// The system the push changes.
    pub fn target(&self) -> System {
        match self {
            Push::UpdateTime { to, .. } | Push::UpdateCustomer { to, .. } | Push::Create { to } => {
                *to
            }
        }
    }
}

/// A mismatch as detected now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub kind: MismatchKind,
    /// Always `kind.default_severity()`.
    pub severity: Severity,
    /// Short English for logs and the audit trail (the UI uses the kind's catalogue keys).
    /// Never contains customer details, and nothing that changes with `now` alone, so a
    /// re-detection of an unchanged situation writes the same text.
    pub detail: String,
}

/// What the worker should do for a link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Changes to enqueue, in a deterministic order.
    pub pushes: Vec<Push>,
    /// The base to store. `Some` whenever the link already had one (a base is never dropped);
    /// `None` only while a new link's sides have not agreed yet.
    pub new_base: Option<Base>,
    /// Every mismatch the link shows now, at most one per kind, sorted by kind. Open mismatches
    /// of kinds absent here are resolved by the caller.
    pub findings: Vec<Finding>,
    /// To store on the link: since when a propagated change has been on its way; `None` when
    /// nothing is.
    pub change_pending_since: Option<i64>,
}

impl Outcome {
    /// The finding of `kind`, if the link shows it.
    pub fn finding(&self, kind: MismatchKind) -> Option<&Finding> {
        self.findings.iter().find(|finding| finding.kind == kind)
    }

    /// The kinds found, in order.
    pub fn kinds(&self) -> Vec<MismatchKind> {
        self.findings.iter().map(|finding| finding.kind).collect()
    }
}

/// The outcome being built. Starts from "keep everything as it is", so a check that decides
/// nothing changes nothing.
pub(super) struct Draft {
    pub(super) pushes: Vec<Push>,
    pub(super) findings: Vec<Finding>,
    pub(super) new_base: Option<Base>,
    pub(super) change_pending_since: Option<i64>,
}

impl Draft {
    /// Records a finding. A second finding of the same kind joins the first one's detail, so the
    /// caller never sees two rows' worth of the same kind.
    pub(super) fn flag(&mut self, kind: MismatchKind, detail: String) {
        match self
            .findings
            .iter_mut()
            .find(|finding| finding.kind == kind)
        {
            Some(existing) => {
                existing.detail.push_str("; ");
                existing.detail.push_str(&detail);
            }
            None => self.findings.push(Finding {
                kind,
                severity: kind.default_severity(),
                detail,
            }),
        }
    }

    pub(super) fn finish(mut self) -> Outcome {
        self.findings.sort_by_key(|finding| finding.kind);
        Outcome {
            pushes: self.pushes,
            new_base: self.new_base,
            findings: self.findings,
            change_pending_since: self.change_pending_since,
        }
    }
}

/// Start and end, which only ever change together as far as the merge is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Slot {
    pub(super) start_at: i64,
    pub(super) end_at: i64,
}

impl std::fmt::Display for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}–{}", instant(self.start_at), instant(self.end_at))
    }
}

/// A Unix time as `2026-11-03 10:00Z`, for details a person reads in the audit log.
pub(super) fn instant(secs: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(secs) {
        Ok(at) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}Z",
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute()
        ),
        // Out of the calendar's range: only a corrupt row can get here, show the raw value.
        Err(_) => format!("@{secs}"),
    }
}
