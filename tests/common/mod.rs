//! The test harness: every test runs against a real server on a random port with a fresh
//! database, once on SQLite and once on PostgreSQL.
//!
//! PostgreSQL cases run when `TEST_DATABASE_URL` names a server (e.g.
//! `postgres://postgres@127.0.0.1:5432/test`); each test gets a database of its own, created
//! from that URL and dropped afterwards. Without the variable they are reported as ignored, with
//! the reason, never as passed.

#![allow(dead_code)]

pub mod procedure;
pub mod tap;
pub mod world;

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;

use bookbridge::app::App;
use bookbridge::clock::Clock;
use bookbridge::config::{Config, DemoSettings, KeySettings};
use bookbridge::db::{Backend, DatabaseUrl, Db};
use libtest_mimic::{Arguments, Failed, Trial};
use reqwest::redirect::Policy;
use scraper::{Html, Selector};
use sqlx::Executor;

pub const DEMO_PASSWORD: &str = "demo-password-for-tests";

pub type TestFuture = Pin<Box<dyn Future<Output = ()>>>;
pub type TestFn = fn(TestApp) -> TestFuture;

/// Lists async test functions for [`run`].
#[macro_export]
macro_rules! tests {
    ($($name:ident),* $(,)?) => {
        vec![$((stringify!($name), (|app| Box::pin($name(app)) as common::TestFuture) as common::TestFn)),*]
    };
}

/// A running application and what a test needs to poke at it.
pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub clock: Clock,
    pub backend: Backend,
    pub database_url: DatabaseUrl,
    /// The sandbox's fake systems, when the binary's config starts them.
    pub sandbox: Option<std::sync::Arc<bookbridge::sandbox::world::Sandbox>>,
    /// The sync engine, when the config turns it on (the worker is off: tests drive it).
    pub sync: Option<bookbridge::sync::SyncContext>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A browser-like client: its own cookie jar, redirects not followed.
    pub fn client(&self) -> reqwest::Client {
        self.client_builder().build().expect("client builds")
    }

    /// The builder behind [`TestApp::client`], for a browser with more settings, e.g. its
    /// preferred language.
    pub fn client_builder(&self) -> reqwest::ClientBuilder {
        // reqwest comes without a TLS provider of its own, and a test may build its client
        // before the app builds its first; installing twice keeps the first.
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
    }

    /// The CSRF token of the form on `path`.
    pub async fn csrf(&self, client: &reqwest::Client, path: &str) -> String {
        let html = client
            .get(self.url(path))
            .send()
            .await
            .expect("page loads")
            .text()
            .await
            .expect("page has a body");
        let doc = Html::parse_document(&html);
        select_attr(&doc, "input[name=csrf_token]", "value")
            .unwrap_or_else(|| panic!("{path} has a csrf_token field"))
    }

    /// Logs in through the form and returns the response of the form post.
    pub async fn try_login(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let token = self.csrf(client, "/login").await;
        client
            .post(self.url("/login"))
            .form(&[
                ("email", email),
                ("password", password),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .expect("login answers")
    }

    /// A client logged in as one of the demo users.
    pub async fn login(&self, email: &str) -> reqwest::Client {
        let client = self.client();
        let response = self.try_login(&client, email, DEMO_PASSWORD).await;
        assert_eq!(response.status(), 303, "{email} logs in");
        client
    }

    /// Posts a form with the CSRF token taken from `form_page`.
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        form_page: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.csrf(client, form_page).await;
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", &token));
        client
            .post(self.url(path))
            .form(&fields)
            .send()
            .await
            .expect("post answers")
    }

    pub async fn get(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client
            .get(self.url(path))
            .send()
            .await
            .expect("get answers")
    }

    /// One number from the database.
    pub async fn count(&self, sql: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql)
            .fetch_one(self.db.pool())
            .await
            .expect("count query runs");
        n
    }
}

/// The first element matching `selector`, its attribute `attr`.
pub fn select_attr(doc: &Html, selector: &str, attr: &str) -> Option<String> {
    let selector = Selector::parse(selector).expect("valid selector");
    doc.select(&selector)
        .next()
        .and_then(|e| e.value().attr(attr))
        .map(str::to_string)
}

/// The text of every element matching `selector`.
pub fn select_texts(doc: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).expect("valid selector");
    doc.select(&selector)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

pub async fn html(response: reqwest::Response) -> Html {
    Html::parse_document(&response.text().await.expect("body"))
}

fn random_suffix() -> String {
    use rand::Rng;
    let n: u64 = rand::rng().random();
    format!("{n:016x}")
}

/// A fresh, empty database of the given kind; returns its URL and how to drop it.
async fn fresh_database(
    backend: Backend,
    pg_url: Option<&str>,
) -> Result<(String, Option<String>), Failed> {
    match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("bookbridge-test-{}.db", random_suffix()));
            Ok((format!("sqlite://{}", path.display()), None))
        }
        Backend::Postgres => {
            let admin_url = pg_url.ok_or("TEST_DATABASE_URL is not set")?;
            let name = format!("bookbridge_test_{}", random_suffix());
            sqlx::any::install_default_drivers();
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(admin_url)
                .await
                .map_err(|e| format!("cannot reach PostgreSQL at TEST_DATABASE_URL: {e}"))?;
            conn.execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .map_err(|e| format!("cannot create a test database: {e}"))?;
            let base = admin_url.split('?').next().unwrap_or(admin_url);
            let server = base.rsplit_once('/').map(|(s, _)| s).unwrap_or(base);
            Ok((format!("{server}/{name}"), Some(name)))
        }
    }
}

async fn drop_database(backend: Backend, url: &str, name: Option<String>, pg_url: Option<&str>) {
    if let Ok(parsed) = url.parse::<DatabaseUrl>() {
        let keys = key_file(&parsed);
        let _ = std::fs::remove_file(keys.with_extension("checkpoints"));
        let _ = std::fs::remove_file(keys);
    }
    match (backend, name, pg_url) {
        (Backend::Postgres, Some(name), Some(admin_url)) => {
            if let Ok(mut conn) =
                <sqlx::AnyConnection as sqlx::Connection>::connect(admin_url).await
            {
                let _ = conn
                    .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await;
            }
        }
        _ => {
            let path = url.trim_start_matches("sqlite://");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
    }
}

/// Where a test database's key file and audit checkpoints live: in the temporary directory,
/// one pair per database, so every app started on the same database shares them.
pub fn key_file(url: &DatabaseUrl) -> std::path::PathBuf {
    let name = hex::encode(bookbridge::keys::hmac_sha256(
        b"test database",
        &[url.as_str().as_bytes()],
    ));
    std::env::temp_dir().join(format!("bookbridge-test-{}.key", &name[..16]))
}

/// The keys of a test database (created on first use).
pub fn test_keys(url: &DatabaseUrl) -> KeySettings {
    KeySettings::load(&key_file(url), None, true).expect("the test key file is usable")
}

/// The config a test app runs with: demo data, secure cookies as in production, the test
/// database's own keys.
pub fn test_config(url: DatabaseUrl) -> Config {
    let addr: SocketAddr = "127.0.0.1:0".parse().expect("valid address");
    let keys = test_keys(&url);
    let mut config = Config::new(url, addr);
    config.keys = Some(keys);
    config.demo = Some(DemoSettings {
        password: DEMO_PASSWORD.into(),
    });
    config.hash_concurrency = 2;
    // As in the demo: staff may log in with a password alone unless a test asks otherwise.
    config.staff_second_factor = bookbridge::auth::second_factor::StaffSecondFactor::Optional;
    // Tests read what they just wrote; the list's micro-cache has unit tests of its own.
    config.page_cache_ttl = std::time::Duration::ZERO;
    // Tests move the clock by hand: every poll reads the whole window unless a test asks
    // otherwise.
    config.sync.far_window_every_secs = 0;
    config
}

struct Started {
    url: String,
    pg_name: Option<String>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Adjusts the config of a test binary's apps (e.g. to start the sandbox).
pub type Configure = fn(&mut Config);

async fn start(
    backend: Backend,
    pg_url: Option<&str>,
    configure: Configure,
) -> Result<(TestApp, Started), Failed> {
    let (url, pg_name) = fresh_database(backend, pg_url).await?;
    let database_url: DatabaseUrl = url.parse().map_err(|e: String| Failed::from(e))?;
    // The clock starts at the real time (session expiry is checked against it) and moves only
    // when a test says so.
    let clock = Clock::fixed(Clock::System.now());
    let mut config = test_config(database_url.clone());
    configure(&mut config);
    let app = App::build(config, clock.clone())
        .await
        .map_err(|e| format!("app does not start: {e:#}"))?;
    let test_app = TestApp {
        base: format!("http://127.0.0.1:{}", app.port()),
        db: app.state().db.clone(),
        clock,
        backend,
        database_url,
        sandbox: app.sandbox(),
        sync: app.state().sync.clone(),
    };
    let server = tokio::spawn(app.run());
    Ok((
        test_app,
        Started {
            url,
            pg_name,
            server,
        },
    ))
}

fn panic_message(panic: Box<dyn std::any::Any + Send>) -> Failed {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "test panicked".into())
        .into()
}

fn trial(
    backend: Backend,
    pg_url: Option<String>,
    name: &str,
    test: TestFn,
    configure: Configure,
) -> Trial {
    Trial::test(format!("{}::{name}", backend.name()), move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("runtime: {e}"))?;
        let (app, started) = runtime.block_on(start(backend, pg_url.as_deref(), configure))?;
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| runtime.block_on(test(app))));
        started.server.abort();
        runtime.block_on(drop_database(
            backend,
            &started.url,
            started.pg_name,
            pg_url.as_deref(),
        ));
        outcome.map_err(panic_message)
    })
}

/// Runs every test on SQLite, and on PostgreSQL when `TEST_DATABASE_URL` is set.
pub fn run(tests: Vec<(&'static str, TestFn)>) -> ! {
    run_with(vec![], tests)
}

/// Like [`run`], with `plain` trials that need no server or database and so run once.
pub fn run_with(plain: Vec<Trial>, tests: Vec<(&'static str, TestFn)>) -> ! {
    run_configured(|_| {}, plain, tests)
}

/// Like [`run_configured`], for tests that need something besides a database (e.g. a browser):
/// when `missing` says what is absent, every test is reported as ignored with that reason —
/// never as passed — and fails instead under `CI=true`, where it must run.
pub fn run_gated(
    configure: Configure,
    tests: Vec<(&'static str, TestFn)>,
    missing: Option<String>,
) -> ! {
    let Some(reason) = missing else {
        run_configured(configure, vec![], tests)
    };
    let on_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    eprintln!("note: these tests are skipped (shown as ignored): {reason}");
    let args = Arguments::from_args();
    let mut trials = vec![];
    for (name, _) in tests {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let reason = reason.clone();
            trials.push(Trial::ignorable_test(
                format!("{}::{name}", backend.name()),
                move || {
                    if on_ci {
                        Err(format!("cannot run on CI: {reason}").into())
                    } else {
                        Ok(libtest_mimic::Completion::ignored_with(reason))
                    }
                },
            ));
        }
    }
    libtest_mimic::run(&args, trials).exit()
}

/// Like [`run_with`], with every app's config adjusted by `configure`.
pub fn run_configured(
    configure: Configure,
    plain: Vec<Trial>,
    tests: Vec<(&'static str, TestFn)>,
) -> ! {
    let args = Arguments::from_args();
    let pg_url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if pg_url.is_none() {
        eprintln!(
            "note: the postgres:: cases are skipped (shown as ignored): set TEST_DATABASE_URL, \
             e.g. postgres://postgres@127.0.0.1:5432/test, to run them"
        );
    }
    let mut trials = plain;
    trials.reserve(tests.len() * 2);
    for (name, test) in tests {
        trials.push(trial(Backend::Sqlite, None, name, test, configure));
        let pg = match &pg_url {
            Some(url) => trial(Backend::Postgres, Some(url.clone()), name, test, configure),
            // Run anyway (--include-ignored), it fails and says why rather than passing.
            None => Trial::test(format!("postgres::{name}"), || {
                Err("skipped: TEST_DATABASE_URL is not set".into())
            })
            .with_ignored_flag(true),
        };
        trials.push(pg);
    }
    libtest_mimic::run(&args, trials).exit()
}
