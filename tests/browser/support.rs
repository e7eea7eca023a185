//! A headless Chromium for the browser tests, driven over WebDriver (fantoccini) by a
//! chromedriver each test starts on a free port and stops when it is done.
//!
//! Every page the test reaches is screenshotted in memory; the pictures are written to
//! `target/browser-screenshots/<test>/` when the test ends, or fails, so what a person would see
//! can be looked at, not guessed.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::common::{DEMO_PASSWORD, TestApp};

/// How long to wait for an element, a navigation or an htmx swap.
const WAIT: Duration = Duration::from_secs(15);

/// The browser and its driver, where Debian installs them; `CHROME_BIN` and `CHROMEDRIVER`
/// point elsewhere.
fn binaries() -> (PathBuf, PathBuf) {
    let chrome = std::env::var_os("CHROME_BIN").unwrap_or_else(|| "/usr/bin/chromium".into());
    let driver = std::env::var_os("CHROMEDRIVER").unwrap_or_else(|| "/usr/bin/chromedriver".into());
    (chrome.into(), driver.into())
}

/// What is missing to run browser tests here, if anything.
pub fn missing() -> Option<String> {
    let (chrome, driver) = binaries();
    let absent: Vec<String> = [&chrome, &driver]
        .into_iter()
        .filter(|path| !path.exists())
        .map(|path| path.display().to_string())
        .collect();
    (!absent.is_empty()).then(|| {
        format!(
            "{} not found; install Debian's chromium and chromium-driver to run the browser tests",
            absent.join(" and ")
        )
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// One test's browser.
pub struct Browser {
    client: Option<Client>,
    driver: Child,
    port: u16,
    profile: PathBuf,
    base: String,
    test: String,
    shots: Vec<(String, Vec<u8>)>,
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium for the test named `test`.
    pub async fn start(app: &TestApp, test: &str) -> Browser {
        let (chrome, driver_path) = binaries();
        let port = free_port();
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile =
            std::env::temp_dir().join(format!("bookbridge-chromium-{}-{port}", std::process::id()));
        let mut browser = Browser {
            client: None,
            driver,
            port,
            profile: profile.clone(),
            base: app.base.clone(),
            test: test.to_string(),
            shots: vec![],
        };
        let options = serde_json::json!({
            "binary": chrome,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1280,1000",
                format!("--user-data-dir={}", profile.display()),
            ],
        });
        let mut caps = Capabilities::new();
        caps.insert("browserName".into(), "chrome".into());
        caps.insert("goog:chromeOptions".into(), options);
        let url = format!("http://127.0.0.1:{port}");
        // chromedriver takes a moment to listen.
        let mut last_error = None;
        for _ in 0..50 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    browser.client = Some(client);
                    return browser;
                }
                Err(e) => last_error = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("no browser session: {last_error:?}");
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("the session is open")
    }

    /// Keeps a picture of the page as it is now, named `label`.
    pub async fn snapshot(&mut self, label: &str) {
        if let Ok(png) = self.client().screenshot().await {
            let n = self.shots.len() + 1;
            self.shots.push((format!("{n:02}-{label}"), png));
        }
    }

    /// Opens `path` of the app.
    pub async fn goto(&mut self, path: &str) {
        let url = format!("{}{path}", self.base);
        self.client().goto(&url).await.expect("navigation");
        self.snapshot(&label_of(path)).await;
    }

    /// Logs in through the login form.
    pub async fn login(&mut self, email: &str) {
        self.goto("/login").await;
        self.fill("#email", email).await;
        self.fill("#password", DEMO_PASSWORD).await;
        self.click("main form button[type=submit]").await;
        self.wait_for("header .user-email").await;
        self.snapshot("logged-in").await;
    }

    /// Logs out with the header's button.
    pub async fn logout(&mut self) {
        self.click("header .who button").await;
        self.wait_for("#email").await;
    }

    /// Waits for the element matching `css`.
    pub async fn wait_for(&self, css: &str) -> Element {
        self.client()
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
    }

    /// Waits until the element matching `css` contains `text`.
    pub async fn wait_for_text(&mut self, css: &str, text: &str) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Ok(element) = self.client().find(Locator::Css(css)).await {
                if let Ok(found) = element.text().await {
                    if found.contains(text) {
                        self.snapshot(&label_of(css)).await;
                        return found;
                    }
                }
            }
            if tokio::time::Instant::now() > deadline {
                self.snapshot("timeout").await;
                panic!("{css} never said {text:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the element matching `css`.
    pub async fn click(&mut self, css: &str) {
        self.wait_for(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    }

    /// Clicks and keeps a picture of what follows.
    pub async fn click_and_snapshot(&mut self, css: &str, label: &str) {
        self.click(css).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        self.snapshot(label).await;
    }

    /// Types `text` into the (cleared) field matching `css`.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.wait_for(css).await;
        field.clear().await.expect("field clears");
        field.send_keys(text).await.expect("typing");
    }

    /// Chooses the option with `value` in the select matching `css`.
    pub async fn select(&self, css: &str, value: &str) {
        self.wait_for(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("choosing {value} in {css}: {e}"));
    }

    /// The text of the element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        self.wait_for(css).await.text().await.expect("text")
    }

    /// The attribute `attr` of the element matching `css`.
    pub async fn attr(&self, css: &str, attr: &str) -> Option<String> {
        self.wait_for(css)
            .await
            .attr(attr)
            .await
            .expect("attribute")
    }

    /// Resizes the window, e.g. to a phone's 390 × 844.
    pub async fn resize(&self, width: u32, height: u32) {
        self.client()
            .set_window_size(width, height)
            .await
            .expect("the window resizes");
    }

    /// Whether the element matching `css` is rendered, as the page's own CSS decides: the
    /// browser's `checkVisibility()` (WebDriver's "displayed" calls anything inside a closed
    /// `<details>` hidden, whatever the CSS says).
    pub async fn shown(&self, css: &str) -> bool {
        self.wait_for(css).await;
        let shown = self
            .client()
            .execute(
                "return document.querySelector(arguments[0]).checkVisibility();",
                vec![serde_json::Value::from(css)],
            )
            .await
            .expect("the script runs");
        shown.as_bool().expect("a boolean")
    }

    /// How far down the page the element matching `css` starts, in CSS pixels.
    pub async fn top(&self, css: &str) -> f64 {
        let (_, y, _, _) = self
            .wait_for(css)
            .await
            .rectangle()
            .await
            .expect("the element's box");
        y
    }

    /// Scrolls the element matching `css` to the top of the window and keeps a picture.
    pub async fn scroll_to(&mut self, css: &str, label: &str) {
        self.wait_for(css).await;
        self.client()
            .execute(
                "document.querySelector(arguments[0]).scrollIntoView();",
                vec![serde_json::Value::from(css)],
            )
            .await
            .expect("the script runs");
        self.snapshot(label).await;
    }

    /// How wide the element matching `css` is, in CSS pixels.
    pub async fn width(&self, css: &str) -> f64 {
        let (_, _, width, _) = self
            .wait_for(css)
            .await
            .rectangle()
            .await
            .expect("the element's box");
        width
    }

    /// How many elements match `css` now, without waiting for one.
    pub async fn count(&self, css: &str) -> usize {
        self.client()
            .find_all(Locator::Css(css))
            .await
            .map_or(0, |found| found.len())
    }

    /// The current value of every form control matching `css`.
    pub async fn values(&self, css: &str) -> Vec<String> {
        self.wait_for(css).await;
        let mut values = vec![];
        for element in self
            .client()
            .find_all(Locator::Css(css))
            .await
            .expect("elements")
        {
            values.push(
                element
                    .prop("value")
                    .await
                    .expect("value")
                    .unwrap_or_default(),
            );
        }
        values
    }

    /// The current path and query.
    pub async fn path(&self) -> String {
        let url = self.client().current_url().await.expect("url");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// Ends the session and keeps its screenshots, to be looked at; Drop stops the driver
    /// either way.
    pub async fn close(mut self) {
        self.save_screenshots();
        if let Some(client) = self.client.take() {
            let _ = client.close().await;
        }
    }

    fn save_screenshots(&self) {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .map(|target| target.join("browser-screenshots"))
            .unwrap_or_else(|| PathBuf::from("target/browser-screenshots"))
            .join(&self.test);
        if std::fs::create_dir_all(&dir).is_err() {
            return;
        }
        for (name, png) in &self.shots {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
        eprintln!("screenshots of {} are in {}", self.test, dir.display());
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.save_screenshots();
        }
        // Asking chromedriver to shut down closes its browsers too; killing it might leave
        // a Chromium behind.
        shutdown(self.port);
        for _ in 0..20 {
            if matches!(self.driver.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// chromedriver's own `GET /shutdown`, sent by hand: Drop cannot wait on async code.
fn shutdown(port: u16) {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(3)));
    let request =
        format!("GET /shutdown HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_ok() {
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
    }
}

/// A file-name-safe label for a path or selector.
fn label_of(what: &str) -> String {
    let label: String = what
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    label.trim_matches('-').chars().take(60).collect()
}
