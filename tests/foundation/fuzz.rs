//! Garbage in, never a server error: every route of the router, as the role that may use it,
//! with empty, random and hostile forms (carrying a valid CSRF token, so the garbage reaches the
//! handler) and random query strings, and random notifications on the Termino webhook. The
//! generator is seeded, so every run sends the same requests.
//!
//! The route table (`fuzz/routes.rs`) must list every handler the router mounts; a plain test
//! reads `src/web/mod.rs` and fails when a route is added without a row there. `FUZZ_REPORT=1`
//! prints how many requests each test judged.

#[path = "fuzz/garbage.rs"]
mod garbage;
#[path = "fuzz/hooks.rs"]
mod hooks;
#[path = "fuzz/routes.rs"]
mod routes;
#[path = "fuzz/world.rs"]
mod world;

use std::collections::BTreeMap;

use bookbridge::web::paths;
use libtest_mimic::Trial;
use rand::Rng;
use rand::rngs::StdRng;
use reqwest::header::CONTENT_TYPE;

use crate::common::{self, TestApp};
use crate::tests;
use garbage::{Attempt, FORM, attempts, queries, seeded, shown};
use hooks::random_termino_notifications_are_refused_with_a_4xx_never_a_5xx;
use routes::{
    Id,
    Method::{Get, Post},
    NEED_SYSTEMS, ROUTES, Route, Who, every_routed_handler_is_in_the_table,
};
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
    vec![
        Trial::test(
            "the_fuzz_route_table_lists_every_route_of_the_router",
            || {
                every_routed_handler_is_in_the_table();
                Ok(())
            },
        ),
        Trial::test(
            "every_page_of_the_router_is_a_place_login_may_send_a_visitor_back_to",
            || {
                every_page_is_a_redirect_target();
                Ok(())
            },
        ),
    ]
}

/// `paths::GET_ROUTES` (what login and the language switch follow) keeps up with the router:
/// every `GET` route of the table but the health check, with its ids filled in.
fn every_page_is_a_redirect_target() {
    let refused: Vec<String> = ROUTES
        .iter()
        .filter(|r| r.method == Get && r.path != paths::HEALTHZ)
        .map(|r| {
            r.path
                .replace("{id}", "12")
                .replace("{kind}", "cancel")
                .replace("{token}", "abc123")
        })
        .filter(|path| paths::local_redirect_target(path).is_none())
        .collect();
    assert!(
        refused.is_empty(),
        "add these to paths::GET_ROUTES: {refused:?}"
    );
}

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

/// Every server error (or dropped connection), by route, for one assertion at the end, and
/// how many requests were judged.
#[derive(Default)]
pub struct Failures {
    by_handler: BTreeMap<String, Vec<String>>,
    judged: usize,
}

impl Failures {
    /// Records `answer` unless it is below 500, or a 502/503 of a route that needs the
    /// systems while they are off. Returns the status, if there was an answer.
    pub fn judge(
        &mut self,
        handler: &str,
        systems_off: bool,
        what: String,
        answer: Result<reqwest::Response, String>,
    ) -> Option<reqwest::StatusCode> {
        self.judged += 1;
        let failure = match &answer {
            Ok(response) => {
                let status = response.status();
                let unavailable = systems_off
                    && NEED_SYSTEMS.contains(&handler)
                    && matches!(status.as_u16(), 502 | 503);
                (status.is_server_error() && !unavailable).then(|| status.to_string())
            }
            Err(e) => Some(format!("no answer ({e})")),
        };
        if let Some(failure) = failure {
            self.by_handler
                .entry(handler.to_string())
                .or_default()
                .push(format!("{failure} for {what}"));
        }
        answer.ok().map(|response| response.status())
    }

    pub fn assert_none(self, app: &TestApp) {
        if std::env::var_os("FUZZ_REPORT").is_some() {
            eprintln!("{} requests judged", self.judged);
        }
        let report: Vec<String> = self
            .by_handler
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
            Id::Procedure => self.latest("procedures").await,
            Id::UnknownOnly => None,
        };
        let ids = real
            .map(|id| (id.to_string(), true))
            .into_iter()
            .chain(UNKNOWN_IDS.iter().map(|id| (id.to_string(), false)));
        let mut all = Vec::new();
        for (id, is_real) in ids {
            // Invitation and reset links name a token, not a row: only unknown ones are tried.
            let path = route.path.replace("{id}", &id).replace("{token}", &id);
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
                    .judge(route.handler, self.systems_off, what, answer(request).await);
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

/// Sends a request and waits at most a few seconds for the answer: a handler that hangs on
/// garbage is a failure too.
pub async fn answer(request: reqwest::RequestBuilder) -> Result<reqwest::Response, String> {
    match tokio::time::timeout(std::time::Duration::from_secs(10), request.send()).await {
        Ok(Ok(response)) => Ok(response),
        Ok(Err(e)) => Err(format!("{e:?}")),
        Err(_) => Err("nothing within 10 s".to_string()),
    }
}

async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    attempt: &Attempt,
    token: &str,
) -> Result<reqwest::Response, String> {
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
    answer(request.body(body)).await
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
    // Bounded, so a setup that hangs fails here instead of stalling the whole run.
    let setup = world::with_systems(&app);
    let (systems_on, world) = tokio::time::timeout(std::time::Duration::from_secs(90), setup)
        .await
        .expect("the sandbox app starts and syncs within 90 s");
    let routes: Vec<&Route> = ROUTES
        .iter()
        .filter(|r| NEED_SYSTEMS.contains(&r.handler))
        .collect();
    let mut fuzz = Fuzz::new(&systems_on, &world, 3, false).await;
    fuzz.forms(&routes).await;
    fuzz.pages(&routes).await;
    fuzz.finish().await;
}
