//! Page load while the app is killed and restarted: logged-in users fetching the bookings
//! list, the home page and Partner Care's mismatches, over keep-alive connections, from `wrk`
//! when it is installed (Debian: `apt-get install wrk`) or else from tasks in this process.
//! Answers are counted by status class; a request that got no answer at all (refused or reset
//! while the app was down) is counted apart, since a killed server cannot answer.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use tokio::process::Command;
use tokio::time::Instant;

/// The user and page each request asks for, in turns.
const PAGES: [(Who, &str); 3] = [
    (Who::Partner, "/bookings"),
    (Who::Partner, "/"),
    (Who::Care, "/care/mismatches"),
];

/// A page that takes longer than this counts as timed out.
const PATIENCE: Duration = Duration::from_secs(10);

/// How long the two logins before the load may take. They come as the app starts its first
/// sync of every demo partner: hundreds of snapshots and links, each audited, and every audited
/// write (a login too) takes its turn at the audit chain's head. On PostgreSQL, on a machine
/// busy with other builds, the turns ahead of a login added up to more than `PATIENCE` (the
/// app's log shows no error; the login waits on the chain's row lock). What the soak checks
/// starts after the logins, so waiting longer for them weakens none of it.
const LOGIN_PATIENCE: Duration = Duration::from_secs(60);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Partner,
    Care,
}

/// The session cookies (`name=value`) of the two users.
#[derive(Clone, Debug)]
pub struct Sessions {
    pub partner: String,
    pub care: String,
}

impl Sessions {
    fn cookie(&self, who: Who) -> &str {
        match who {
            Who::Partner => &self.partner,
            Who::Care => &self.care,
        }
    }
}

/// Answers by class, and requests that got none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Answers {
    pub ok: u64,
    pub redirect: u64,
    pub client_error: u64,
    pub server_error: u64,
    /// Connection refused or reset: the app was down.
    pub no_answer: u64,
    /// No answer within [`PATIENCE`].
    pub timed_out: u64,
}

impl Answers {
    fn add(&mut self, other: &Answers) {
        self.ok += other.ok;
        self.redirect += other.redirect;
        self.client_error += other.client_error;
        self.server_error += other.server_error;
        self.no_answer += other.no_answer;
        self.timed_out += other.timed_out;
    }

    fn count_status(&mut self, status: u16) {
        match status {
            200..=299 => self.ok += 1,
            300..=399 => self.redirect += 1,
            500..=599 => self.server_error += 1,
            // 1xx never reaches a client as a final answer; count oddities with the 4xx.
            _ => self.client_error += 1,
        }
    }
}

/// Which generator runs the load.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Generator {
    /// `wrk` when it is on the PATH, else in-process.
    Auto,
    Wrk,
    InProcess,
}

impl Generator {
    /// Settles `Auto`.
    pub fn resolve(self) -> Generator {
        match self {
            Generator::Auto => match std::process::Command::new("wrk").arg("--version").output() {
                Ok(_) => Generator::Wrk,
                Err(_) => Generator::InProcess,
            },
            chosen => chosen,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Generator::Auto => "auto",
            Generator::Wrk => "wrk",
            Generator::InProcess => "in-process",
        }
    }
}

/// Loads `base` with `connections` keep-alive connections for `duration`.
pub async fn run(
    generator: Generator,
    base: &str,
    sessions: &Sessions,
    connections: usize,
    duration: Duration,
    scratch_dir: &Path,
) -> anyhow::Result<Answers> {
    match generator {
        Generator::Wrk => run_wrk(base, sessions, connections, duration, scratch_dir).await,
        Generator::Auto | Generator::InProcess => {
            run_in_process(base, sessions, connections, duration).await
        }
    }
}

/// Rotates the pages, each as its user (the partner's cookie comes with `-H`, Partner Care's
/// as the script's argument), and counts answers per thread; `done` adds them up.
const WRK_SCRIPT: &str = r#"-- Written by bookbridge's soak.
local pages = { "/bookings", "/", "/care/mismatches" }
local threads = {}
local turn = 0
local care = nil

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  care = args[1]
  c2, c3, c4, c5 = 0, 0, 0, 0
end

function request()
  turn = turn % #pages + 1
  local path = pages[turn]
  if path == "/care/mismatches" then
    return wrk.format("GET", path, { ["Cookie"] = care })
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status >= 500 then c5 = c5 + 1
  elseif status >= 400 then c4 = c4 + 1
  elseif status >= 300 then c3 = c3 + 1
  else c2 = c2 + 1 end
end

function done(summary, latency, requests)
  local t = { 0, 0, 0, 0 }
  for _, thread in ipairs(threads) do
    t[1] = t[1] + thread:get("c2")
    t[2] = t[2] + thread:get("c3")
    t[3] = t[3] + thread:get("c4")
    t[4] = t[4] + thread:get("c5")
  end
  local e = summary.errors
  io.write(string.format("soak-answers %d %d %d %d\n", t[1], t[2], t[3], t[4]))
  io.write(string.format("soak-errors %d %d %d %d\n", e.connect, e.read, e.write, e.timeout))
end
"#;

async fn run_wrk(
    base: &str,
    sessions: &Sessions,
    connections: usize,
    duration: Duration,
    scratch_dir: &Path,
) -> anyhow::Result<Answers> {
    let script = scratch_dir.join("load.lua");
    std::fs::write(&script, WRK_SCRIPT)
        .with_context(|| format!("cannot write {}", script.display()))?;
    let connections = connections.max(1);
    let output = Command::new("wrk")
        .arg(format!("-t{}", connections.min(2)))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", duration.as_secs().max(1)))
        .arg(format!("--timeout={}s", PATIENCE.as_secs()))
        .arg("-H")
        .arg(format!("Cookie: {}", sessions.partner))
        .arg("-s")
        .arg(&script)
        .arg(format!("{base}/bookings"))
        .arg("--")
        .arg(&sessions.care)
        .kill_on_drop(true)
        .output()
        .await
        .context("cannot run wrk")?;
    let report = String::from_utf8_lossy(&output.stdout);
    parse_wrk(&report).with_context(|| {
        format!(
            "cannot read wrk's report ({}):\n{report}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// The counts the script's `done` writes.
fn parse_wrk(report: &str) -> Option<Answers> {
    let numbers = |prefix: &str| -> Option<Vec<u64>> {
        let line = report.lines().find(|l| l.starts_with(prefix))?;
        line[prefix.len()..]
            .split_whitespace()
            .map(|n| n.parse().ok())
            .collect()
    };
    let answers = numbers("soak-answers ")?;
    let errors = numbers("soak-errors ")?;
    match (answers.as_slice(), errors.as_slice()) {
        ([ok, redirect, client_error, server_error], [connect, read, write, timeout]) => {
            Some(Answers {
                ok: *ok,
                redirect: *redirect,
                client_error: *client_error,
                server_error: *server_error,
                no_answer: connect + read + write,
                timed_out: *timeout,
            })
        }
        _ => None,
    }
}

async fn run_in_process(
    base: &str,
    sessions: &Sessions,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Answers> {
    let deadline = Instant::now() + duration;
    let mut tasks = vec![];
    for lane in 0..connections.max(1) {
        // One client per lane, holding at most one keep-alive connection.
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PATIENCE)
            .build()?;
        let base = base.to_string();
        let sessions = sessions.clone();
        tasks.push(tokio::spawn(async move {
            let mut answers = Answers::default();
            let mut turn = lane;
            while Instant::now() < deadline {
                let (who, path) = PAGES[turn % PAGES.len()];
                turn += 1;
                let sent = client
                    .get(format!("{base}{path}"))
                    .header(reqwest::header::COOKIE, sessions.cookie(who))
                    .send()
                    .await;
                match sent {
                    Ok(answer) => {
                        let status = answer.status().as_u16();
                        // A body cut off half-way is a reset, not an answer.
                        match answer.bytes().await {
                            Ok(_) => answers.count_status(status),
                            Err(e) if e.is_timeout() => answers.timed_out += 1,
                            Err(_) => answers.no_answer += 1,
                        }
                    }
                    Err(e) if e.is_timeout() => answers.timed_out += 1,
                    Err(_) => {
                        answers.no_answer += 1;
                        // The app is down: do not spin while it restarts.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
            }
            answers
        }));
    }
    let mut total = Answers::default();
    for task in tasks {
        total.add(&task.await.context("a load task failed")?);
    }
    Ok(total)
}

/// Logs `email` in through the form; returns the session cookie (`name=value`). The app runs
/// as in production, so its cookies are `Secure` and a cookie jar would not send them over
/// plain HTTP: the cookie is carried by hand.
pub async fn log_in(base: &str, email: &str, password: &str) -> anyhow::Result<String> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(LOGIN_PATIENCE)
        .build()?;
    let form = client.get(format!("{base}/login")).send().await?;
    let before = session_cookie(form.headers());
    let html = form.text().await?;
    let token = html
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .context("the login form has a CSRF token")?
        .to_string();
    let mut post = client.post(format!("{base}/login")).form(&[
        ("email", email),
        ("password", password),
        ("csrf_token", token.as_str()),
    ]);
    if let Some(cookie) = &before {
        post = post.header(reqwest::header::COOKIE, cookie);
    }
    let answer = post.send().await?;
    anyhow::ensure!(
        answer.status() == 303,
        "logging in as {email} answered {}",
        answer.status()
    );
    session_cookie(answer.headers()).context("the login set a session cookie")
}

fn session_cookie(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("bookbridge_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scripts_counts_are_read_from_wrks_report() {
        let report = "Running 25s test @ http://127.0.0.1:1/bookings\n  2 threads and 4 \
            connections\n  1200 requests in 25.00s, 90MB read\n  Socket errors: connect 31, \
            read 2, write 0, timeout 1\nRequests/sec: 48.00\nsoak-answers 1190 0 3 1\n\
            soak-errors 31 2 0 1\n";
        assert_eq!(
            parse_wrk(report),
            Some(Answers {
                ok: 1190,
                redirect: 0,
                client_error: 3,
                server_error: 1,
                no_answer: 33,
                timed_out: 1,
            })
        );
        assert_eq!(parse_wrk("soak-answers 1 2 3\nsoak-errors 0 0 0 0\n"), None);
        assert_eq!(parse_wrk("Requests/sec: 12\n"), None);
    }

    #[test]
    fn statuses_are_counted_by_class() {
        let mut answers = Answers::default();
        for status in [200, 204, 303, 404, 403, 500, 503] {
            answers.count_status(status);
        }
        assert_eq!(
            (
                answers.ok,
                answers.redirect,
                answers.client_error,
                answers.server_error
            ),
            (2, 1, 2, 2)
        );
    }
}
