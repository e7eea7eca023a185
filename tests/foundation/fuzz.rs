//! Garbage in, never a server error: every route of the router, as the role that may use it,
//! with empty, random and hostile forms (carrying a valid CSRF token, so the garbage reaches the
//! handler) and random query strings, and random notifications on the Termino webhook. The
//! generator is seeded, so every run sends the same requests.
//!
//! The route table below must list every handler the router mounts; a plain test reads
//! `src/web/mod.rs` and fails when a route is added without a row here.

#[path = "fuzz/garbage.rs"]
mod garbage;
#[path = "fuzz/hooks.rs"]
mod hooks;
#[path = "fuzz/world.rs"]
mod world;

use std::collections::{BTreeMap, BTreeSet};

use bookbridge::web::paths;
use libtest_mimic::Trial;
use rand::Rng;
use rand::rngs::StdRng;
use reqwest::header::CONTENT_TYPE;

use crate::common::{self, TestApp};
use crate::tests;
use garbage::{Attempt, FORM, attempts, queries, seeded, shown};
use hooks::random_termino_notifications_are_refused_with_a_4xx_never_a_5xx;
use world::World;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        garbage_forms_on_every_post_route_never_get_a_server_error,
        garbage_query_strings_on_every_page_never_get_a_server_error,
        garbage_reaches_the_procedures_and_the_channel_setup_with_the_systems_on,
        random_termino_notifications_are_refused_with_a_4xx_never_a_5xx,
    ]
}

/// Tests that need no server: the route table covers the router.
pub fn plain() -> Vec<Trial> {
    vec![Trial::test(
        "the_fuzz_route_table_lists_every_route_of_the_router",
        || {
            every_routed_handler_is_in_the_table();
            Ok(())
        },
    )]
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    Partner,
    Care,
    Sales,
    Admin,
}

impl Who {
    fn email(self) -> Option<&'static str> {
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
enum Id {
    None,
    Link,
    Mismatch,
    Case,
    PartnerConnection,
    RequestedConnection,
    AuditEntry,
    /// The latest guided procedure, when there is one.
    Operation,
    /// Only unknown ids: a real one would disable the users the test is logged in as.
    UnknownOnly,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    Get,
    Post,
}

struct Route {
    /// The handler as the router names it, e.g. `care::actions::resolve`.
    handler: &'static str,
    method: Method,
    path: &'static str,
    who: Who,
    id: Id,
    /// The fields (POST) or query parameters (GET) the handler reads.
    fields: &'static [&'static str],
}

const fn route(
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

use Method::{Get, Post};

const BOOKING_FILTERS: &[&str] = &[
    "from",
    "to",
    "mismatches",
    "kind",
    "status",
    "q",
    "sort",
    "page",
];
const QUEUE_FILTERS: &[&str] = &[
    "kind", "severity", "partner", "age", "assignee", "state", "page", "sort",
];
const AUDIT_FILTERS: &[&str] = &[
    "entity_type",
    "entity_id",
    "actor",
    "action",
    "from",
    "to",
    "before",
];
const PROCEDURE_FIELDS: &[&str] = &["reason", "proposal", "date", "service", "slot", "case"];

/// Every route the router mounts, except `/hooks/termino/{code}` (its own test) and the static
/// files.
const ROUTES: &[Route] = &[
    route(
        "healthz",
        Get,
        paths::HEALTHZ,
        Who::Anonymous,
        Id::None,
        &[],
    ),
    route("home::show", Get, paths::HOME, Who::Partner, Id::None, &[]),
    route(
        "login::show",
        Get,
        paths::LOGIN,
        Who::Anonymous,
        Id::None,
        &["next"],
    ),
    route(
        "bookings::list",
        Get,
        paths::BOOKINGS,
        Who::Partner,
        Id::None,
        BOOKING_FILTERS,
    ),
    route(
        "bookings::csv::export",
        Get,
        paths::BOOKINGS_CSV,
        Who::Partner,
        Id::None,
        BOOKING_FILTERS,
    ),
    route(
        "bookings::detail::show",
        Get,
        paths::BOOKING_ROUTE,
        Who::Partner,
        Id::Link,
        &[],
    ),
    route(
        "procedures::start::show",
        Get,
        paths::BOOKING_PROCEDURE_ROUTE,
        Who::Partner,
        Id::Link,
        &["case", "date", "service"],
    ),
    route(
        "procedures::slots::fragment",
        Get,
        paths::BOOKING_SLOTS_ROUTE,
        Who::Partner,
        Id::Link,
        &["date", "service", "slot"],
    ),
    route(
        "procedures::progress::show",
        Get,
        paths::OPERATION_ROUTE,
        Who::Partner,
        Id::Operation,
        &[],
    ),
    route(
        "care::queue",
        Get,
        paths::CARE_MISMATCHES,
        Who::Care,
        Id::None,
        QUEUE_FILTERS,
    ),
    route(
        "care::detail::show",
        Get,
        "/care/mismatches/{id}",
        Who::Care,
        Id::Mismatch,
        &[],
    ),
    route(
        "cases::list",
        Get,
        paths::CARE_CASES,
        Who::Care,
        Id::None,
        &["state", "partner"],
    ),
    route(
        "cases::care_show",
        Get,
        "/care/cases/{id}",
        Who::Care,
        Id::Case,
        &[],
    ),
    route(
        "cases::partner_show",
        Get,
        "/cases/{id}",
        Who::Partner,
        Id::Case,
        &[],
    ),
    route(
        "connection::show",
        Get,
        paths::CONNECTION,
        Who::Partner,
        Id::None,
        &[],
    ),
    route(
        "connection::report::show",
        Get,
        "/connection/{id}/report",
        Who::Partner,
        Id::PartnerConnection,
        &[],
    ),
    route(
        "sales::list",
        Get,
        paths::SALES_CONNECTIONS,
        Who::Sales,
        Id::None,
        &["code"],
    ),
    route(
        "sales::connection::show",
        Get,
        "/sales/connections/{id}",
        Who::Sales,
        Id::RequestedConnection,
        &[],
    ),
    route(
        "outbox::list",
        Get,
        paths::OUTBOX,
        Who::Care,
        Id::None,
        &["partner", "page"],
    ),
    route(
        "audit::list",
        Get,
        paths::AUDIT,
        Who::Admin,
        Id::None,
        AUDIT_FILTERS,
    ),
    route(
        "audit::csv",
        Get,
        paths::AUDIT_CSV,
        Who::Admin,
        Id::None,
        AUDIT_FILTERS,
    ),
    route(
        "audit::entry",
        Get,
        "/audit/{id}",
        Who::Admin,
        Id::AuditEntry,
        &[],
    ),
    route(
        "admin::list_users",
        Get,
        paths::ADMIN_USERS,
        Who::Admin,
        Id::None,
        &["page"],
    ),
    route(
        "admin::list_partners",
        Get,
        paths::ADMIN_PARTNERS,
        Who::Admin,
        Id::None,
        &["page"],
    ),
    // Forms. Logging in and out end or lock sessions, so they run last, on their own clients.
    route(
        "language::switch",
        Post,
        paths::LANGUAGE,
        Who::Partner,
        Id::None,
        &["lang", "next"],
    ),
    route(
        "procedures::start::submit",
        Post,
        paths::BOOKING_PROCEDURE_ROUTE,
        Who::Partner,
        Id::Link,
        PROCEDURE_FIELDS,
    ),
    route(
        "procedures::progress::retry",
        Post,
        paths::OPERATION_RETRY_ROUTE,
        Who::Partner,
        Id::Operation,
        &[],
    ),
    route(
        "procedures::progress::abandon",
        Post,
        paths::OPERATION_ABANDON_ROUTE,
        Who::Partner,
        Id::Operation,
        &["confirm", "understood"],
    ),
    route(
        "care::actions::bulk",
        Post,
        paths::CARE_MISMATCHES_BULK,
        Who::Care,
        Id::None,
        &["action", "ids", "back"],
    ),
    route(
        "care::actions::assign",
        Post,
        "/care/mismatches/{id}/assign",
        Who::Care,
        Id::Mismatch,
        &["back", "from"],
    ),
    route(
        "care::actions::acknowledge",
        Post,
        "/care/mismatches/{id}/acknowledge",
        Who::Care,
        Id::Mismatch,
        &["back", "from"],
    ),
    route(
        "care::actions::resolve",
        Post,
        "/care/mismatches/{id}/resolve",
        Who::Care,
        Id::Mismatch,
        &["note"],
    ),
    route(
        "cases::actions::take",
        Post,
        "/care/cases/{id}/take",
        Who::Care,
        Id::Case,
        &[],
    ),
    route(
        "cases::actions::care_note",
        Post,
        "/care/cases/{id}/notes",
        Who::Care,
        Id::Case,
        &["body"],
    ),
    route(
        "cases::actions::resolve",
        Post,
        "/care/cases/{id}/resolve",
        Who::Care,
        Id::Case,
        &["outcome", "body"],
    ),
    route(
        "cases::actions::partner_note",
        Post,
        "/cases/{id}/notes",
        Who::Partner,
        Id::Case,
        &["body"],
    ),
    route(
        "connection::actions::request",
        Post,
        paths::CONNECTION,
        Who::Partner,
        Id::None,
        &["reservio_business_id", "reservio_token"],
    ),
    route(
        "connection::actions::request_sandbox",
        Post,
        paths::CONNECTION_SANDBOX,
        Who::Partner,
        Id::None,
        &[],
    ),
    route(
        "connection::actions::go_live",
        Post,
        "/connection/{id}/go-live",
        Who::Partner,
        Id::PartnerConnection,
        &[],
    ),
    route(
        "connection::actions::report_problem",
        Post,
        "/connection/{id}/problem",
        Who::Partner,
        Id::PartnerConnection,
        &["description"],
    ),
    route(
        "sales::account::account",
        Post,
        "/sales/connections/{id}/account",
        Who::Sales,
        Id::RequestedConnection,
        &["termino_partner_id", "termino_token"],
    ),
    route(
        "sales::account::sandbox_account",
        Post,
        "/sales/connections/{id}/sandbox",
        Who::Sales,
        Id::RequestedConnection,
        &[],
    ),
    route(
        "sales::mapping::mapping",
        Post,
        "/sales/connections/{id}/mapping",
        Who::Sales,
        Id::RequestedConnection,
        &["offer:s1", "offer:s2", "offer:"],
    ),
    route(
        "sales::connection::confirm",
        Post,
        "/sales/connections/{id}/confirm",
        Who::Sales,
        Id::RequestedConnection,
        &[],
    ),
    route(
        "sales::connection::reopen",
        Post,
        "/sales/connections/{id}/reopen",
        Who::Sales,
        Id::RequestedConnection,
        &[],
    ),
    route(
        "admin::create_user",
        Post,
        paths::ADMIN_USERS,
        Who::Admin,
        Id::None,
        &["email", "role", "partner_id", "password"],
    ),
    route(
        "admin::disable_user",
        Post,
        "/admin/users/{id}/disable",
        Who::Admin,
        Id::UnknownOnly,
        &[],
    ),
    route(
        "admin::enable_user",
        Post,
        "/admin/users/{id}/enable",
        Who::Admin,
        Id::UnknownOnly,
        &[],
    ),
    route(
        "admin::create_partner",
        Post,
        paths::ADMIN_PARTNERS,
        Who::Admin,
        Id::None,
        &["name"],
    ),
    route(
        "admin::disable_partner",
        Post,
        "/admin/partners/{id}/disable",
        Who::Admin,
        Id::UnknownOnly,
        &[],
    ),
    route(
        "admin::enable_partner",
        Post,
        "/admin/partners/{id}/enable",
        Who::Admin,
        Id::UnknownOnly,
        &[],
    ),
    route(
        "login::logout",
        Post,
        paths::LOGOUT,
        Who::Partner,
        Id::None,
        &[],
    ),
    route(
        "login::submit",
        Post,
        paths::LOGIN,
        Who::Anonymous,
        Id::None,
        &["email", "password", "next"],
    ),
];

/// Handlers mounted outside the table, each with its own test.
const MOUNTED_ELSEWHERE: &[&str] = &["hooks::termino"];

/// The handlers `src/web/mod.rs` mounts with `get(…)` or `post(…)`, by method.
fn routed_handlers() -> BTreeSet<(String, &'static str)> {
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

fn every_routed_handler_is_in_the_table() {
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
const NEED_SYSTEMS: &[&str] = &[
    "procedures::start::show",
    "procedures::start::submit",
    "procedures::slots::fragment",
    "procedures::progress::show",
    "procedures::progress::retry",
    "procedures::progress::abandon",
    "sales::account::account",
    "sales::account::sandbox_account",
    "sales::mapping::mapping",
    "sales::connection::show",
    "connection::actions::request_sandbox",
];

/// Path ids that name nothing: unknown, zero, negative, beyond `i64`, not numbers at all.
const UNKNOWN_IDS: &[&str] = &[
    "987654321",
    "0",
    "-1",
    "99999999999999999999999",
    "abc",
    "%00",
    "%FF%FE",
    "1.5",
];

const PROCEDURE_KINDS: &[&str] = &[
    "cancel",
    "reschedule",
    "change_service",
    "escalate",
    "delete",
    "%00",
];

/// Every server error (or dropped connection), by route, for one assertion at the end.
#[derive(Default)]
pub struct Failures(BTreeMap<String, Vec<String>>);

impl Failures {
    /// Records `answer` unless it is below 500, or a 502/503 of a route that needs the
    /// systems while they are off. Returns the status, if there was an answer.
    pub fn judge(
        &mut self,
        handler: &str,
        systems_off: bool,
        what: String,
        answer: Result<reqwest::Response, reqwest::Error>,
    ) -> Option<reqwest::StatusCode> {
        let failure = match &answer {
            Ok(response) => {
                let status = response.status();
                let unavailable = systems_off
                    && NEED_SYSTEMS.contains(&handler)
                    && matches!(status.as_u16(), 502 | 503);
                (status.is_server_error() && !unavailable).then(|| status.to_string())
            }
            Err(e) => Some(format!("no answer ({e:?})")),
        };
        if let Some(failure) = failure {
            self.0
                .entry(handler.to_string())
                .or_default()
                .push(format!("{failure} for {what}"));
        }
        answer.ok().map(|response| response.status())
    }

    pub fn assert_none(self, app: &TestApp) {
        let report: Vec<String> = self
            .0
            .iter()
            .map(|(handler, failures)| {
                let examples: Vec<&str> = failures.iter().take(3).map(String::as_str).collect();
                format!(
                    "{handler}: {} failures, e.g.\n  {}",
                    failures.len(),
                    examples.join("\n  ")
                )
            })
            .collect();
        assert!(
            report.is_empty(),
            "server errors on {}:\n{}",
            app.backend.name(),
            report.join("\n")
        );
    }
}

pub async fn still_healthy(app: &TestApp) {
    let response = app.get(&app.client(), paths::HEALTHZ).await;
    assert_eq!(response.status(), 200, "the server still answers /healthz");
}

/// Logged-in clients, one per role, with each session's CSRF token.
struct Clients(Vec<(Who, reqwest::Client, String)>);

impl Clients {
    async fn log_in(app: &TestApp) -> Clients {
        let mut all = Vec::new();
        for who in [
            Who::Anonymous,
            Who::Partner,
            Who::Care,
            Who::Sales,
            Who::Admin,
        ] {
            let (client, token) = client_of(app, who).await;
            all.push((who, client, token));
        }
        Clients(all)
    }

    fn of(&self, who: Who) -> (&reqwest::Client, &str) {
        let (_, client, token) = self
            .0
            .iter()
            .find(|(w, _, _)| *w == who)
            .expect("every role has a client");
        (client, token)
    }
}

/// A fresh client of `who`, logged in, and its session's CSRF token.
async fn client_of(app: &TestApp, who: Who) -> (reqwest::Client, String) {
    let client = match who.email() {
        Some(email) => app.login(email).await,
        None => app.client(),
    };
    let form_page = if who == Who::Anonymous {
        paths::LOGIN
    } else {
        paths::HOME
    };
    let token = app.csrf(&client, form_page).await;
    (client, token)
}

/// One fuzzing session against one app: its world, its clients, the generator, the failures.
struct Fuzz<'a> {
    app: &'a TestApp,
    world: &'a World,
    clients: Clients,
    rng: StdRng,
    failures: Failures,
    systems_off: bool,
}

impl<'a> Fuzz<'a> {
    async fn new(app: &'a TestApp, world: &'a World, stream: u64, systems_off: bool) -> Self {
        Fuzz {
            app,
            world,
            clients: Clients::log_in(app).await,
            rng: seeded(stream),
            failures: Failures::default(),
            systems_off,
        }
    }

    async fn latest(&self, table: &str) -> Option<i64> {
        let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
        Some(self.app.count(&sql).await).filter(|id| *id > 0)
    }

    /// The paths to try for a route: its real row (if any) and every kind of unknown id.
    async fn paths_of(&self, route: &Route) -> Vec<(String, bool)> {
        let real = match route.id {
            Id::None => return vec![(route.path.to_string(), true)],
            Id::Link => Some(self.world.link),
            Id::Mismatch => Some(self.world.mismatch),
            Id::Case => Some(self.world.case),
            Id::PartnerConnection => Some(self.world.partner_connection),
            Id::RequestedConnection => Some(self.world.requested_connection),
            Id::AuditEntry => self.latest("audit_log").await,
            Id::Operation => self.latest("operations").await,
            Id::UnknownOnly => None,
        };
        let ids = real
            .map(|id| (id.to_string(), true))
            .into_iter()
            .chain(UNKNOWN_IDS.iter().map(|id| (id.to_string(), false)));
        let mut all = Vec::new();
        for (id, is_real) in ids {
            let path = route.path.replace("{id}", &id);
            if path.contains("{kind}") {
                for kind in PROCEDURE_KINDS {
                    all.push((path.replace("{kind}", kind), is_real));
                }
            } else {
                all.push((path, is_real));
            }
        }
        all
    }

    async fn post(&mut self, route: &Route, client: &reqwest::Client, token: &str) {
        let world_ids = self.world.ids();
        for (path, is_real) in self.paths_of(route).await {
            let random = if is_real { 10 } else { 1 };
            for attempt in attempts(&mut self.rng, route.fields, &world_ids, random) {
                let what = format!("POST {path} body {}", shown(&attempt.body));
                let mut answer = send(self.app, client, &path, &attempt, token).await;
                if answer.is_err() {
                    // Refused on its path (an id that names nothing) before the body was read,
                    // the server may close the connection while the body is still on its way:
                    // the same request without a body shows what the server answered.
                    let bare = Attempt {
                        body: Vec::new(),
                        ..attempt
                    };
                    answer = send(self.app, client, &path, &bare, token).await;
                }
                self.failures
                    .judge(route.handler, self.systems_off, what, answer);
            }
        }
    }

    async fn get(&mut self, route: &Route) {
        let (client, _) = self.clients.of(route.who);
        let client = client.clone();
        let world_ids = self.world.ids();
        let mut others: Vec<&str> = garbage::HOSTILE.to_vec();
        others.extend(ROUTES.iter().flat_map(|r| r.fields.iter().copied()));
        for (path, is_real) in self.paths_of(route).await {
            let random = match (is_real, route.fields.is_empty()) {
                (true, false) => 24,
                (true, true) => 4,
                (false, _) => 1,
            };
            let queries = queries(&mut self.rng, route.fields, &others, &world_ids, random);
            for query in queries {
                let url = format!("{path}?{query}");
                let mut request = client.get(self.app.url(&url));
                if self.rng.random_bool(0.3) {
                    request = request.header("hx-request", "true");
                }
                let what = format!("GET {}", url.chars().take(200).collect::<String>());
                self.failures
                    .judge(route.handler, self.systems_off, what, request.send().await);
            }
        }
    }

    /// Every POST route in `routes`, each as its role; logging out and in last, each attempt
    /// on a fresh client, as the one ends the session and the other locks the address.
    async fn forms(&mut self, routes: &[&Route]) {
        let (sessions, own): (Vec<&Route>, Vec<&Route>) = routes
            .iter()
            .filter(|r| r.method == Post)
            .partition(|r| matches!(r.handler, "login::logout" | "login::submit"));
        for route in own {
            let (client, token) = self.clients.of(route.who);
            let (client, token) = (client.clone(), token.to_string());
            self.post(route, &client, &token).await;
        }
        for route in sessions {
            let world_ids = self.world.ids();
            for attempt in attempts(&mut self.rng, route.fields, &world_ids, 8) {
                let (client, token) = client_of(self.app, route.who).await;
                let what = format!("POST {} body {}", route.path, shown(&attempt.body));
                let answer = send(self.app, &client, route.path, &attempt, &token).await;
                if answer.as_ref().is_ok_and(|r| r.status() == 500) {
                    std::fs::write("/tmp/login500.body", &attempt.body).ok();
                }
                self.failures
                    .judge(route.handler, self.systems_off, what, answer);
            }
        }
    }

    async fn pages(&mut self, routes: &[&Route]) {
        for route in routes.iter().filter(|r| r.method == Get) {
            self.get(route).await;
        }
    }

    async fn finish(self) {
        still_healthy(self.app).await;
        self.failures.assert_none(self.app);
    }
}

async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    attempt: &Attempt,
    token: &str,
) -> Result<reqwest::Response, reqwest::Error> {
    let mut body = attempt.body.clone();
    let mut request = client
        .post(app.url(path))
        .header(CONTENT_TYPE, attempt.content_type);
    if attempt.token_in_header {
        request = request.header("x-csrf-token", token);
    } else {
        body.extend_from_slice(format!("&csrf_token={token}").as_bytes());
    }
    if attempt.htmx {
        request = request.header("hx-request", "true");
    }
    if attempt.content_type != FORM && body.is_empty() {
        request = request.header(CONTENT_TYPE, FORM);
    }
    request.body(body).send().await
}

fn all_routes() -> Vec<&'static Route> {
    ROUTES.iter().collect()
}

async fn garbage_forms_on_every_post_route_never_get_a_server_error(app: TestApp) {
    let world = world::stored(&app).await;
    let mut fuzz = Fuzz::new(&app, &world, 0, true).await;
    fuzz.forms(&all_routes()).await;
    fuzz.finish().await;
}

async fn garbage_query_strings_on_every_page_never_get_a_server_error(app: TestApp) {
    let world = world::stored(&app).await;
    let mut fuzz = Fuzz::new(&app, &world, 1, true).await;
    fuzz.pages(&all_routes()).await;
    fuzz.finish().await;
}

/// The routes that need the booking systems, against a second app with the sandbox's: the
/// procedures' forms and slot pickers, the channel account and the service mapping.
async fn garbage_reaches_the_procedures_and_the_channel_setup_with_the_systems_on(app: TestApp) {
    let (systems_on, world) = world::with_systems(&app).await;
    let routes: Vec<&Route> = ROUTES
        .iter()
        .filter(|r| NEED_SYSTEMS.contains(&r.handler))
        .collect();
    let mut fuzz = Fuzz::new(&systems_on, &world, 3, false).await;
    fuzz.forms(&routes).await;
    fuzz.pages(&routes).await;
    fuzz.finish().await;
}
