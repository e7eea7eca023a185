//! The route table of the fuzz: every handler the router mounts, the role that may use it,
//! which row its `{id}` names and the fields it reads; and the check that keeps the table in
//! step with `src/web/mod.rs`.

use std::collections::BTreeSet;

use Method::{Get, Post};
use bookbridge::web::paths;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Anonymous,
    Partner,
    Care,
    Sales,
    Admin,
}

impl Who {
    pub fn email(self) -> Option<&'static str> {
        match self {
            Who::Anonymous => None,
            Who::Partner => Some("partner@demo.test"),
            Who::Care => Some("care@demo.test"),
            Who::Sales => Some("sales@demo.test"),
            Who::Admin => Some("admin@demo.test"),
        }
    }
}

/// Which of the world's rows a route's `{id}` names; the fuzz always adds unknown and
/// malformed ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Id {
    None,
    Link,
    Mismatch,
    Case,
    PartnerConnection,
    RequestedConnection,
    AuditEntry,
    /// The latest guided procedure, when there is one.
    Procedure,
    /// Only unknown ids: a real one would disable the users the test is logged in as.
    UnknownOnly,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

pub struct Route {
    /// The handler as the router names it, e.g. `care::actions::resolve`.
    pub handler: &'static str,
    pub method: Method,
    pub path: &'static str,
    pub who: Who,
    pub id: Id,
    /// The fields (POST) or query parameters (GET) the handler reads.
    pub fields: &'static [&'static str],
}

pub const fn route(
    handler: &'static str,
    method: Method,
    path: &'static str,
    who: Who,
    id: Id,
    fields: &'static [&'static str],
) -> Route {
    Route {
        handler,
        method,
        path,
        who,
        id,
        fields,
    }
}

pub const BOOKING_FILTERS: &[&str] = &[
    "from",
    "to",
    "mismatches",
    "kind",
    "status",
    "q",
    "sort",
    "page",
];
pub const QUEUE_FILTERS: &[&str] = &[
    "kind", "severity", "partner", "age", "assignee", "state", "page", "sort",
];
pub const AUDIT_FILTERS: &[&str] = &[
    "entity_type",
    "entity_id",
    "actor",
    "action",
    "from",
    "to",
    "before",
];
pub const PROCEDURE_FIELDS: &[&str] = &["reason", "proposal", "date", "service", "slot", "case"];

/// Every route the router mounts, except `/hooks/termino/{code}` (its own test) and the static
/// files.
#[rustfmt::skip]
pub const ROUTES: &[Route] = &[
    route("healthz", Get, paths::HEALTHZ, Who::Anonymous, Id::None, &[]),
    route("home::show", Get, paths::HOME, Who::Partner, Id::None, &[]),
    route("login::show", Get, paths::LOGIN, Who::Anonymous, Id::None, &["next"]),
    route("bookings::list", Get, paths::BOOKINGS, Who::Partner, Id::None, BOOKING_FILTERS),
    route("bookings::csv::export", Get, paths::BOOKINGS_CSV, Who::Partner, Id::None, BOOKING_FILTERS),
    route("bookings::detail::show", Get, paths::BOOKING_ROUTE, Who::Partner, Id::Link, &[]),
    route("procedures::start::show", Get, paths::BOOKING_PROCEDURE_ROUTE, Who::Partner, Id::Link, &["case", "date", "service"]),
    route("procedures::slots::fragment", Get, paths::BOOKING_SLOTS_ROUTE, Who::Partner, Id::Link, &["date", "service", "slot"]),
    route("procedures::progress::show", Get, paths::PROCEDURE_ROUTE, Who::Partner, Id::Procedure, &[]),
    route("procedures::progress::moved", Get, paths::PROCEDURE_OLD_ROUTE, Who::Partner, Id::Procedure, &[]),
    route("care::queue", Get, paths::CARE_MISMATCHES, Who::Care, Id::None, QUEUE_FILTERS),
    route("care::detail::show", Get, "/care/mismatches/{id}", Who::Care, Id::Mismatch, &[]),
    route("cases::list", Get, paths::CARE_CASES, Who::Care, Id::None, &["state", "partner"]),
    route("cases::care_show", Get, "/care/cases/{id}", Who::Care, Id::Case, &[]),
    route("cases::partner_show", Get, "/cases/{id}", Who::Partner, Id::Case, &[]),
    route("connection::show", Get, paths::CONNECTION, Who::Partner, Id::None, &[]),
    route("connection::report::show", Get, "/connection/{id}/report", Who::Partner, Id::PartnerConnection, &[]),
    route("sales::list", Get, paths::SALES_CONNECTIONS, Who::Sales, Id::None, &["code"]),
    route("sales::connection::show", Get, "/sales/connections/{id}", Who::Sales, Id::RequestedConnection, &[]),
    route("outbox::list", Get, paths::OUTBOX, Who::Care, Id::None, &["partner", "page"]),
    route("audit::list", Get, paths::AUDIT, Who::Admin, Id::None, AUDIT_FILTERS),
    route("audit::csv", Get, paths::AUDIT_CSV, Who::Admin, Id::None, AUDIT_FILTERS),
    route("audit::entry", Get, "/audit/{id}", Who::Admin, Id::AuditEntry, &[]),
    route("admin::list_users", Get, paths::ADMIN_USERS, Who::Admin, Id::None, &["page"]),
    route("admin::list_partners", Get, paths::ADMIN_PARTNERS, Who::Admin, Id::None, &["page"]),
    route("account::show", Get, paths::ACCOUNT, Who::Partner, Id::None, &[]),
    route("account::second_factor::show", Get, paths::ACCOUNT_SECOND_FACTOR, Who::Partner, Id::None, &[]),
    route("second_step::show", Get, paths::LOGIN_SECOND_FACTOR, Who::Anonymous, Id::None, &[]),
    route("forgot::show", Get, paths::PASSWORD_FORGOT, Who::Anonymous, Id::None, &[]),
    route("set_password::show_reset", Get, paths::PASSWORD_RESET_ROUTE, Who::Anonymous, Id::UnknownOnly, &[]),
    route("set_password::show_invitation", Get, paths::INVITATION_ROUTE, Who::Anonymous, Id::UnknownOnly, &[]),
    route("demo_mailbox::show", Get, paths::DEMO_MAILBOX, Who::Admin, Id::None, &[]),
    route("team::show", Get, paths::TEAM, Who::Partner, Id::None, &[]),
    // Forms. Logging in and out end or lock sessions, so they run last, on their own clients.
    route("language::switch", Post, paths::LANGUAGE, Who::Partner, Id::None, &["lang", "next"]),
    route("bookings::send_again::submit", Post, paths::BOOKING_SEND_AGAIN_ROUTE, Who::Partner, Id::Link, &[]),
    route("procedures::start::submit", Post, paths::BOOKING_PROCEDURE_ROUTE, Who::Partner, Id::Link, PROCEDURE_FIELDS),
    route("procedures::actions::retry", Post, paths::PROCEDURE_RETRY_ROUTE, Who::Partner, Id::Procedure, &[]),
    route("procedures::actions::abandon", Post, paths::PROCEDURE_ABANDON_ROUTE, Who::Partner, Id::Procedure, &["confirm", "understood"]),
    route("care::actions::bulk", Post, paths::CARE_MISMATCHES_BULK, Who::Care, Id::None, &["action", "ids", "back"]),
    route("care::actions::assign", Post, "/care/mismatches/{id}/assign", Who::Care, Id::Mismatch, &["back", "from"]),
    route("care::actions::acknowledge", Post, "/care/mismatches/{id}/acknowledge", Who::Care, Id::Mismatch, &["back", "from"]),
    route("care::actions::resolve", Post, "/care/mismatches/{id}/resolve", Who::Care, Id::Mismatch, &["note"]),
    route("care::alarms::confirm", Post, "/care/alarms/{id}/confirm", Who::Care, Id::UnknownOnly, &[]),
    route("care::actions::accept", Post, "/care/mismatches/{id}/accept", Who::Care, Id::Mismatch, &["reason"]),
    route("cases::actions::take", Post, "/care/cases/{id}/take", Who::Care, Id::Case, &[]),
    route("cases::actions::care_note", Post, "/care/cases/{id}/notes", Who::Care, Id::Case, &["body"]),
    route("cases::actions::resolve", Post, "/care/cases/{id}/resolve", Who::Care, Id::Case, &["outcome", "body"]),
    route("cases::actions::partner_note", Post, "/cases/{id}/notes", Who::Partner, Id::Case, &["body"]),
    route("connection::actions::request", Post, paths::CONNECTION, Who::Partner, Id::None, &["reservio_business_id", "reservio_token"]),
    route("connection::actions::request_sandbox", Post, paths::CONNECTION_SANDBOX, Who::Partner, Id::None, &[]),
    route("connection::actions::go_live", Post, "/connection/{id}/go-live", Who::Partner, Id::PartnerConnection, &[]),
    route("connection::actions::report_problem", Post, "/connection/{id}/problem", Who::Partner, Id::PartnerConnection, &["description"]),
    route("sales::account::account", Post, "/sales/connections/{id}/account", Who::Sales, Id::RequestedConnection, &["termino_partner_id", "termino_token"]),
    route("sales::account::sandbox_account", Post, "/sales/connections/{id}/sandbox", Who::Sales, Id::RequestedConnection, &[]),
    route("sales::mapping::mapping", Post, "/sales/connections/{id}/mapping", Who::Sales, Id::RequestedConnection, &["offer:s1", "offer:s2", "offer:"]),
    route("sales::connection::confirm", Post, "/sales/connections/{id}/confirm", Who::Sales, Id::RequestedConnection, &[]),
    route("sales::connection::reopen", Post, "/sales/connections/{id}/reopen", Who::Sales, Id::RequestedConnection, &[]),
    route("connection::credentials::partner_replace", Post, "/connection/{id}/credentials", Who::Partner, Id::PartnerConnection, &["kind", "token", "client_id", "client_secret"]),
    route("connection::credentials::sales_replace", Post, "/sales/connections/{id}/credentials", Who::Sales, Id::RequestedConnection, &["kind", "token", "client_id", "client_secret"]),
    route("connection::credentials::sales_set_mode", Post, "/sales/connections/{id}/mode", Who::Sales, Id::RequestedConnection, &["mode"]),
    route("admin::create_user", Post, paths::ADMIN_USERS, Who::Admin, Id::None, &["email", "role", "partner_id"]),
    route("admin_access::resend_invitation", Post, paths::ADMIN_USER_INVITATION_RESEND_ROUTE, Who::Admin, Id::UnknownOnly, &[]),
    route("admin_access::revoke_invitation", Post, paths::ADMIN_USER_INVITATION_REVOKE_ROUTE, Who::Admin, Id::UnknownOnly, &[]),
    route("admin_access::reset_second_factor", Post, paths::ADMIN_USER_SECOND_FACTOR_RESET_ROUTE, Who::Admin, Id::UnknownOnly, &[]),
    route("admin_access::send_password_reset", Post, paths::ADMIN_USER_PASSWORD_RESET_ROUTE, Who::Admin, Id::UnknownOnly, &[]),
    route("account::preferences", Post, paths::ACCOUNT_PREFERENCES, Who::Partner, Id::None, &["lang", "timezone"]),
    route("account::second_factor::confirm", Post, paths::ACCOUNT_SECOND_FACTOR, Who::Partner, Id::None, &["code"]),
    route("account::sessions::end_one", Post, paths::ACCOUNT_SESSION_END_ROUTE, Who::Partner, Id::UnknownOnly, &[]),
    route("second_step::submit", Post, paths::LOGIN_SECOND_FACTOR, Who::Anonymous, Id::None, &["code", "recovery_code"]),
    route("second_step::enrol", Post, paths::LOGIN_SECOND_FACTOR_ENROL, Who::Anonymous, Id::None, &["code"]),
    route("forgot::submit", Post, paths::PASSWORD_FORGOT, Who::Anonymous, Id::None, &["email"]),
    route("set_password::submit_reset", Post, paths::PASSWORD_RESET_ROUTE, Who::Anonymous, Id::UnknownOnly, &["new_password", "confirm_password"]),
    route("set_password::submit_invitation", Post, paths::INVITATION_ROUTE, Who::Anonymous, Id::UnknownOnly, &["new_password", "confirm_password", "lang"]),
    route("admin::disable_user", Post, "/admin/users/{id}/disable", Who::Admin, Id::UnknownOnly, &[]),
    route("admin::enable_user", Post, "/admin/users/{id}/enable", Who::Admin, Id::UnknownOnly, &[]),
    route("admin::create_partner", Post, paths::ADMIN_PARTNERS, Who::Admin, Id::None, &["name"]),
    route("admin::disable_partner", Post, "/admin/partners/{id}/disable", Who::Admin, Id::UnknownOnly, &[]),
    route("admin::enable_partner", Post, "/admin/partners/{id}/enable", Who::Admin, Id::UnknownOnly, &[]),
    // Changing the password and ending the other sessions sign the partner's other clients out.
    route("account::change_password", Post, paths::ACCOUNT_PASSWORD, Who::Partner, Id::None, &["current_password", "new_password", "confirm_password"]),
    route("account::sessions::end_others", Post, paths::ACCOUNT_SESSIONS_END_OTHERS, Who::Partner, Id::None, &[]),
    route("partner_settings::save", Post, "/admin/partners/{id}/settings", Who::Admin, Id::UnknownOnly, &["timezone", "locale"]),
    route("team::set_allowed", Post, paths::ADMIN_PARTNER_COLLEAGUE_INVITATIONS_ROUTE, Who::Admin, Id::UnknownOnly, &["allow"]),
    route("team::invite", Post, paths::TEAM, Who::Partner, Id::None, &["email"]),
    route("team::resend", Post, paths::TEAM_INVITATION_RESEND_ROUTE, Who::Partner, Id::UnknownOnly, &[]),
    route("team::revoke", Post, paths::TEAM_INVITATION_REVOKE_ROUTE, Who::Partner, Id::UnknownOnly, &[]),
    route("login::logout", Post, paths::LOGOUT, Who::Partner, Id::None, &[]),
    route("login::submit", Post, paths::LOGIN, Who::Anonymous, Id::None, &["email", "password", "next"]),
];

/// Handlers mounted outside the table, each with its own test.
pub const MOUNTED_ELSEWHERE: &[&str] = &["hooks::termino"];

/// The handlers `src/web/mod.rs` mounts with `get(…)` or `post(…)`, by method.
pub fn routed_handlers() -> BTreeSet<(String, &'static str)> {
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/mod.rs"))
        .expect("the router's source is readable");
    let mut found = BTreeSet::new();
    for (method, call) in [("get", "get("), ("post", "post(")] {
        for (at, _) in source.match_indices(call) {
            let before = source[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // e.g. `to_get(`, not a routing call
            }
            let rest = &source[at + call.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            if !name.is_empty() && rest[name.len()..].starts_with(')') {
                found.insert((name, method));
            }
        }
    }
    found
}

pub fn every_routed_handler_is_in_the_table() {
    let routed = routed_handlers();
    assert!(routed.len() > 40, "the router was read: {routed:?}");
    let listed: BTreeSet<(String, &'static str)> = ROUTES
        .iter()
        .map(|r| {
            let method = if r.method == Get { "get" } else { "post" };
            (r.handler.to_string(), method)
        })
        .chain(MOUNTED_ELSEWHERE.iter().map(|h| (h.to_string(), "post")))
        .collect();
    let missing: Vec<_> = routed.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&routed).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "tests/foundation/fuzz.rs ROUTES is out of step with the router: add {missing:?}, \
         remove {stale:?}"
    );
}

/// Handlers that call the booking systems. Without them (the foundation app has none) they
/// answer 502 or 503 on purpose, with a page saying so; the systems-on test holds them to
/// "never 5xx" like every other route.
pub const NEED_SYSTEMS: &[&str] = &[
    "procedures::start::show",
    "procedures::start::submit",
    "procedures::slots::fragment",
    "procedures::progress::show",
    "procedures::actions::retry",
    "procedures::actions::abandon",
    "sales::account::account",
    "sales::account::sandbox_account",
    "sales::mapping::mapping",
    "sales::connection::show",
    "connection::actions::request_sandbox",
];
