//! `GET /bookings/{id}`: one linked booking, field by field from both systems, what each open
//! mismatch means and which FAQ rule applies, a date change still crossing over, the guided
//! procedures it offers (or why not), its procedures under way and past, and the timeline of
//! everything that happened to it. Its partner reads it, and Partner Care for any partner.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::row::{status_key, system_key};
use super::timeline::TimelineItem;
use crate::db::link_sides::{Snapshot, StoredBase};
use crate::db::outbox::{self, LinkPush, Undelivered};
use crate::db::procedures::{self, ProcedureRow};
use crate::db::read::booking_detail::{self, MismatchSummary};
use crate::db::read::bookings_view::ListedLink;
use crate::domain::MismatchKind;
use crate::domain::procedure::{self, ProcedureKind, Situation};
use crate::sync::procedure::situation;
use crate::web::error::AppError;
use crate::web::extract::Path;
use crate::web::page::Page;
use crate::web::paths::{self, IntArg};
use crate::web::procedures::{booking_for, labels};
use crate::web::session::BookingUser;
use crate::web::state::AppState;

/// The newest timeline entries shown; the audit trail has the rest.
const TIMELINE_LIMIT: i64 = 200;

/// A date change on its way from one system to the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PendingChange {
    /// When it started crossing.
    pub since: i64,
    pub minutes: i64,
    /// Past the channel's promise ("about an hour"; shorter in the demo).
    pub overdue: bool,
}

impl PendingChange {
    fn new(since: i64, now: i64, promise_secs: i64) -> PendingChange {
        let elapsed = (now - since).max(0);
        PendingChange {
            since,
            minutes: elapsed / 60,
            overdue: elapsed > promise_secs,
        }
    }

    /// How long it has been on its way, e.g. "1 h 5 min".
    pub fn duration(&self, page: &Page) -> String {
        minutes_text(page, self.minutes)
    }

    /// Elapsed share of the promise, 0–100, for the progress bar.
    pub fn percent(&self, promise_secs: impl IntArg) -> i64 {
        let promise_secs = promise_secs.int();
        (self.minutes * 60 * 100 / promise_secs.max(1)).clamp(0, 100)
    }
}

/// A number of minutes in hours and minutes, e.g. "1 hour 5 minutes".
fn minutes_text(page: &Page, minutes: i64) -> String {
    let (hours, minutes) = (minutes / 60, minutes % 60);
    match (hours, minutes) {
        (0, m) => page.t_count("duration-minutes", m),
        (h, 0) => page.t_count("duration-hours", h),
        (h, m) => format!(
            "{} {}",
            page.t_count("duration-hours", h),
            page.t_count("duration-minutes", m)
        ),
    }
}

/// Where a change of the booking stands, as the one card about it says — one state, one
/// message: it is crossing over within the channel's promise, it is overdue, or it was not
/// delivered (and what happens next). An undelivered change is no longer "on its way".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InFlight {
    Crossing {
        change: PendingChange,
        /// The catalogue key of the system it is crossing to, in the sentence's case.
        towards: &'static str,
    },
    Overdue {
        change: PendingChange,
        towards: &'static str,
    },
    NotDelivered {
        /// The system's name key.
        system: &'static str,
        /// The system refused it: it is not sent again by itself.
        refused: bool,
        /// Its next slow try, when the system did not answer.
        next_try: Option<i64>,
        /// It has been put back in the queue and is being sent now.
        sending: bool,
    },
}

impl InFlight {
    /// Decides the card from the undelivered pushes of the link, its open `push_failed` flag
    /// and pushes under way, and the crossing clock.
    pub fn decide(
        undelivered: &[Undelivered],
        push_failed_open: bool,
        current: Option<&LinkPush>,
        pending: Option<PendingChange>,
        derived_towards: Option<&'static str>,
    ) -> Option<InFlight> {
        let pending_push = current.filter(|p| p.state == "pending");
        if let Some(push) = undelivered.last() {
            return Some(InFlight::NotDelivered {
                system: system_key(&push.system),
                refused: push.retry_at.is_none(),
                next_try: push.retry_at,
                sending: false,
            });
        }
        if let (true, Some(push)) = (push_failed_open, pending_push) {
            return Some(InFlight::NotDelivered {
                system: system_key(&push.system),
                refused: false,
                next_try: None,
                sending: true,
            });
        }
        let change = pending?;
        let towards = pending_push
            .map(|p| towards_key(&p.system))
            .or(derived_towards)
            .unwrap_or("booking-inflight-towards-other");
        Some(if change.overdue {
            InFlight::Overdue { change, towards }
        } else {
            InFlight::Crossing { change, towards }
        })
    }

    /// The state's name, for the card's `data-state` and its style.
    pub fn state_name(&self) -> &'static str {
        match self {
            InFlight::Crossing { .. } => "crossing",
            InFlight::Overdue { .. } => "overdue",
            InFlight::NotDelivered { .. } => "not-delivered",
        }
    }

    pub fn title_key(&self) -> &'static str {
        match self {
            InFlight::Crossing { .. } => "booking-inflight-crossing-title",
            InFlight::Overdue { .. } => "booking-inflight-overdue-title",
            InFlight::NotDelivered { .. } => "booking-inflight-undelivered-title",
        }
    }

    /// The card's one message.
    pub fn text(&self, page: &Page, promise_secs: impl IntArg) -> String {
        let promise = minutes_text(page, promise_secs.int() / 60);
        match self {
            InFlight::Crossing { change, towards } | InFlight::Overdue { change, towards } => {
                let key = match self {
                    InFlight::Overdue { .. } => "booking-inflight-overdue",
                    _ => "booking-inflight-crossing",
                };
                page.t_args(
                    key,
                    &[
                        ("system", page.t(towards)),
                        ("since", page.datetime(change.since)),
                        ("elapsed", change.duration(page)),
                        ("promise", promise),
                    ],
                )
            }
            InFlight::NotDelivered {
                system,
                refused,
                next_try,
                sending,
            } => {
                let key = if *sending {
                    "booking-inflight-undelivered-sending"
                } else if *refused {
                    "booking-inflight-undelivered-refused"
                } else {
                    "booking-inflight-undelivered-retrying"
                };
                page.t_args(
                    key,
                    &[
                        ("system", page.t(system)),
                        (
                            "next",
                            next_try.map(|t| page.datetime(t)).unwrap_or_default(),
                        ),
                    ],
                )
            }
        }
    }

    /// The crossing clock, while the change is within the promise or past it.
    pub fn change(&self) -> Option<&PendingChange> {
        match self {
            InFlight::Crossing { change, .. } | InFlight::Overdue { change, .. } => Some(change),
            InFlight::NotDelivered { .. } => None,
        }
    }

    /// Whether "send it again now" is offered: not while it is being sent anyway.
    pub fn offers_send_again(&self) -> bool {
        matches!(self, InFlight::NotDelivered { sending: false, .. })
    }
}

/// "to Termino" / "to Reservio" in the crossing sentences.
fn towards_key(system: &str) -> &'static str {
    match system {
        "reservio" => "booking-inflight-towards-reservio",
        "termino" => "booking-inflight-towards-termino",
        _ => "booking-inflight-towards-other",
    }
}

/// Which system a change is crossing to, from the snapshots: the side still at the agreed
/// time is the one waiting for it.
fn towards_from_sides(row: &ListedLink, base: Option<&StoredBase>) -> Option<&'static str> {
    let ((r, t), base) = (row.sides.both()?, base?);
    let at_base = |s: &Snapshot| (s.start_at, s.end_at) == (base.start_at, base.end_at);
    match (at_base(r), at_base(t)) {
        (true, false) => Some(towards_key("reservio")),
        (false, true) => Some(towards_key("termino")),
        _ => None,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "bookings/detail.html")]
pub struct BookingDetailPage {
    pub page: Page,
    pub row: ListedLink,
    pub created_at: i64,
    pub superseded_by: Option<i64>,
    pub base: Option<StoredBase>,
    pub origin_system: String,
    pub mismatches: Vec<MismatchSummary>,
    pub in_flight: Option<InFlight>,
    pub promise_secs: i64,
    pub timeline: Vec<TimelineItem>,
    /// The four procedures, each with why it cannot start here, if it cannot.
    pub procedures: Vec<ProcedureLink>,
    /// The procedure under way (or stopped, awaiting a retry), if any.
    pub active: Option<ProcedureSummary>,
    /// The booking's other procedures, newest first.
    pub past: Vec<ProcedureSummary>,
    /// Partner Care is reading (it came from its queue, not from the bookings list).
    pub care: bool,
    /// The Partner Care cases about this booking (escalations), newest first.
    pub cases: Vec<crate::db::cases::CaseRecord>,
    /// Pushes waiting for observe mode or new credentials: what bookbridge would do.
    pub held: Vec<outbox::HeldForLink>,
}

impl BookingDetailPage {
    /// "Would do (observe mode): move the booking — Reservio", for a held push.
    fn held_text(&self, push: &outbox::HeldForLink) -> String {
        let why = if push.held == "observe" {
            "push-would-do"
        } else {
            "push-held-credentials"
        };
        let action = match push.action.as_str() {
            "create" => "push-action-create",
            "update_time" => "push-action-update_time",
            "update_customer" => "push-action-update_customer",
            "cancel" => "push-action-cancel",
            _ => "push-action-other",
        };
        format!(
            "{}: {} — {}",
            self.page.t(why),
            self.page.t(action),
            self.page.t(system_key(&push.system))
        )
    }

    /// A case's page, as the reader reaches it.
    fn case_href(&self, id: &i64) -> String {
        if self.care {
            paths::care_case(*id)
        } else {
            paths::partner_case(*id)
        }
    }
}

/// The four procedures of booking `id`, each with why it cannot start here, if it cannot.
pub fn procedure_links(
    state: &AppState,
    id: i64,
    situation: &Situation,
    busy: bool,
) -> Vec<ProcedureLink> {
    ProcedureKind::ALL
        .into_iter()
        .map(|kind| {
            let refusal = if state.sync.is_none() {
                Some("procedure-not-connected")
            } else if busy {
                Some("booking-procedure-busy")
            } else {
                procedure::plan(kind, situation).err().map(|r| r.key())
            };
            ProcedureLink {
                kind,
                href: paths::booking_procedure(id, kind.as_str()),
                label_key: labels::kind_key(kind),
                refusal,
            }
        })
        .collect()
}

/// A procedure the booking offers, or does not and says why.
#[derive(Clone, Debug)]
pub struct ProcedureLink {
    pub kind: ProcedureKind,
    pub href: String,
    pub label_key: &'static str,
    /// Why it cannot start (a catalogue key); the link is then shown disabled.
    pub refusal: Option<&'static str>,
}

/// One procedure of the booking, for the lists.
#[derive(Clone, Debug)]
pub struct ProcedureSummary {
    pub id: i64,
    pub href: String,
    pub kind_key: &'static str,
    pub state_key: &'static str,
    pub state_css: &'static str,
    pub created_at: i64,
}

impl ProcedureSummary {
    fn new(op: &ProcedureRow) -> Self {
        let state = labels::procedure_state(&op.state);
        ProcedureSummary {
            id: op.id,
            href: paths::procedure(op.id),
            kind_key: op
                .kind
                .parse()
                .map_or("procedure-kind-unknown", labels::kind_key),
            state_key: labels::procedure_state_key(state),
            state_css: labels::procedure_state_css(state),
            created_at: op.created_at,
        }
    }
}

/// One line of the field-by-field comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRow {
    pub label_key: &'static str,
    pub reservio: String,
    pub termino: String,
    /// The last agreed value; empty for fields the base does not keep.
    pub base: String,
    pub differs: bool,
}

impl BookingDetailPage {
    /// Both sides and the base, field by field, formatted for the reader.
    pub fn fields(&self) -> Vec<FieldRow> {
        let page = &self.page;
        let row = &self.row;
        let absent = page.t("bookings-side-absent");
        let value = |side: &Option<Snapshot>, f: &dyn Fn(&Snapshot) -> String| match side {
            Some(s) => f(s),
            None => absent.clone(),
        };
        let line = |label_key, differs, f: &dyn Fn(&Snapshot) -> String, base: String| FieldRow {
            label_key,
            reservio: value(&row.sides.reservio, f),
            termino: value(&row.sides.termino, f),
            base,
            differs,
        };
        let base = self.base.as_ref();
        let when = |start: i64, end: i64| {
            format!(
                "{} {}–{}",
                page.date(start),
                page.time(start),
                page.time(end)
            )
        };
        [
            line(
                "booking-field-time",
                row.sides.time_differs(),
                &|s| when(s.start_at, s.end_at),
                base.map(|b| when(b.start_at, b.end_at)).unwrap_or_default(),
            ),
            line(
                "booking-field-service",
                row.sides.service_differs(),
                &|s| s.service_label(page),
                base.and_then(|b| b.service_name.clone())
                    .unwrap_or_default(),
            ),
            line(
                "booking-field-name",
                row.sides.name_differs(),
                &|s| s.customer_name.clone(),
                base.map(|b| b.customer_name.clone()).unwrap_or_default(),
            ),
            line(
                "booking-field-email",
                row.sides.email_differs(),
                &|s| s.customer_email.clone(),
                base.map(|b| b.customer_email.clone()).unwrap_or_default(),
            ),
            line(
                "booking-field-phone",
                row.sides.phone_differs(),
                &|s| s.customer_phone.clone(),
                base.map(|b| b.customer_phone.clone()).unwrap_or_default(),
            ),
            line(
                "booking-field-status",
                row.sides.status_differs(),
                &|s| page.t(s.status_key()),
                base.map(|b| page.t(status_key(&b.status)))
                    .unwrap_or_default(),
            ),
            // Where each side's snapshot came from.
            line(
                "booking-field-external-id",
                false,
                &|s| s.external_id.clone(),
                String::new(),
            ),
            line(
                "booking-field-fetched",
                false,
                &|s| page.datetime(s.fetched_at),
                String::new(),
            ),
        ]
        .into_iter()
        .chain(self.vanished().then(|| {
            line(
                "booking-field-vanished",
                false,
                &|s| {
                    s.vanished_at
                        .map(|at| page.datetime(at))
                        .unwrap_or_default()
                },
                String::new(),
            )
        }))
        .collect()
    }

    /// Whether a side has disappeared from its system.
    fn vanished(&self) -> bool {
        let gone = |side: &Option<Snapshot>| side.as_ref().is_some_and(|s| s.vanished_at.is_some());
        gone(&self.row.sides.reservio) || gone(&self.row.sides.termino)
    }

    /// The origin system's name: where the booking was created.
    pub fn origin_key(&self) -> &'static str {
        system_key(&self.origin_system)
    }
}

pub async fn show(
    State(state): State<AppState>,
    who: BookingUser,
    page: Page,
    Path(id): Path<i64>,
) -> Result<BookingDetailPage, AppError> {
    let link = booking_for(&state, &who, id).await?;
    let partner_id = link.partner_id;
    let detail = booking_detail::detail(&state.db, partner_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let timeline = booking_detail::timeline(&state.db, partner_id, &detail, TIMELINE_LIMIT)
        .await?
        .into_iter()
        .map(TimelineItem::new)
        .collect();
    let promise_secs = state.config.sync.policy.propagation_sla_secs;
    let now = state.clock.now();
    let history = procedures::for_link(&state.db, id).await?;
    let active = procedures::active_for_link(&state.db, id).await?;
    let situation = situation(&link, detail.superseded_by.is_some());
    let procedures = procedure_links(&state, id, &situation, active.is_some());
    let active_id = active.as_ref().map(|op| op.id);
    let pending = detail
        .link
        .change_pending_since
        .map(|since| PendingChange::new(since, now, promise_secs));
    let push_failed_open = detail
        .mismatches
        .iter()
        .any(|m| m.badge.kind_name() == MismatchKind::PushFailed.as_str());
    let undelivered = outbox::undelivered_for_link(&state.db, id).await?;
    let current = outbox::current_for_link(&state.db, id).await?;
    let row = detail.link;
    let in_flight = InFlight::decide(
        &undelivered,
        push_failed_open,
        current.as_ref(),
        pending,
        towards_from_sides(&row, detail.base.as_ref()),
    );
    let cases = crate::db::cases::of_link(&state.db, id).await?;
    let held = outbox::held_for_link(&state.db, id).await?;
    Ok(BookingDetailPage {
        in_flight,
        cases,
        held,
        page,
        row,
        created_at: detail.created_at,
        superseded_by: detail.superseded_by,
        base: detail.base,
        origin_system: detail.origin_system,
        mismatches: detail.mismatches,
        promise_secs,
        timeline,
        procedures,
        active: active.as_ref().map(ProcedureSummary::new),
        past: history
            .iter()
            .filter(|op| Some(op.id) != active_id)
            .map(ProcedureSummary::new)
            .collect(),
        care: who.is_care(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn a_change_is_overdue_only_past_the_promised_hour() {
        assert!(!PendingChange::new(0, 3600, 3600).overdue);
        assert!(PendingChange::new(0, 3601, 3600).overdue);
        assert_eq!(PendingChange::new(0, 1800, 3600).percent(3600_i64), 50);
        assert_eq!(PendingChange::new(0, 9000, 3600).percent(3600_i64), 100);
    }

    #[test]
    fn the_time_on_its_way_reads_in_hours_and_minutes() {
        let page = Page::bare(Lang::En);
        let d = |secs| PendingChange::new(0, secs, 3600).duration(&page);
        assert_eq!(d(25 * 60), page.t_count("duration-minutes", 25));
        assert_eq!(d(2 * 3600), page.t_count("duration-hours", 2));
        assert!(d(3600 + 5 * 60).contains(&page.t_count("duration-minutes", 5)));
    }
}
