//! Load generation: `wrk` when it is installed (Debian: `apt-get install wrk`), else a small
//! generator in this process with the same shape — a fixed number of keep-alive connections,
//! each sending the next request as soon as the last answer arrived.

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Context;

/// One measured run.
#[derive(Clone, Copy, Debug)]
pub struct Figures {
    pub requests_per_sec: f64,
    /// 99th percentile latency, milliseconds.
    pub p99_ms: f64,
    pub errors: u64,
}

/// What to hit and how hard.
pub struct Load<'a> {
    pub url: &'a str,
    /// The `Cookie` header values to send, in turns (one request each); none when empty.
    pub cookies: &'a [String],
    pub connections: usize,
    pub duration: Duration,
}

/// Which generator runs the load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Generator {
    Wrk,
    InProcess,
}

impl Generator {
    pub fn detect() -> Generator {
        match Command::new("wrk").arg("--version").output() {
            Ok(_) => Generator::Wrk,
            Err(_) => Generator::InProcess,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Generator::Wrk => "wrk",
            Generator::InProcess => "in-process (wrk not found)",
        }
    }

    pub async fn run(self, load: &Load<'_>) -> anyhow::Result<Figures> {
        match self {
            Generator::Wrk => run_wrk(load).await,
            Generator::InProcess => run_in_process(load).await,
        }
    }
}

/// Milliseconds from a wrk latency such as `812.00us`, `3.41ms` or `1.02s`.
fn millis(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => number / 1000.0,
        "ms" => number,
        "s" => number * 1000.0,
        "m" => number * 60_000.0,
        _ => return None,
    })
}

/// The figures of wrk's `--latency` report.
fn parse_wrk(report: &str) -> Option<Figures> {
    let mut rps = None;
    let mut p99 = None;
    let mut errors = 0;
    for line in report.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", n] => rps = n.parse().ok(),
            ["99%", t] => p99 = millis(t),
            ["Non-2xx", "or", "3xx", "responses:", n] => errors += n.parse::<u64>().ok()?,
            ["Socket", "errors:", rest @ ..] => {
                errors += rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum::<u64>();
            }
            _ => {}
        }
    }
    Some(Figures {
        requests_per_sec: rps?,
        p99_ms: p99?,
        errors,
    })
}

async fn run_wrk(load: &Load<'_>) -> anyhow::Result<Figures> {
    let mut command = Command::new("wrk");
    command
        // Two threads, one per core, but never more threads than connections.
        .arg(format!("-t{}", load.connections.clamp(1, 2)))
        .arg(format!("-c{}", load.connections))
        .arg(format!("-d{}s", load.duration.as_secs().max(1)))
        .arg("--latency");
    // Kept until wrk is done with it.
    let mut _script = None;
    match load.cookies {
        [] => {}
        [cookie] => {
            command.arg("-H").arg(format!("Cookie: {cookie}"));
        }
        many => {
            let path = rotation_script(many)?;
            command.arg("-s").arg(&path);
            _script = Some(Removed(path));
        }
    }
    command.arg(load.url);
    // wrk blocks a thread for the whole run; the server keeps the runtime's threads.
    let output = tokio::task::spawn_blocking(move || command.output())
        .await?
        .context("cannot run wrk")?;
    let report = String::from_utf8_lossy(&output.stdout);
    parse_wrk(&report).with_context(|| format!("cannot read wrk's report:\n{report}"))
}

/// A file removed when dropped.
struct Removed(std::path::PathBuf);

impl Drop for Removed {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A wrk script sending the cookies in turns, each thread starting at its own place in the
/// list, so that the same session comes back only after all the others.
fn rotation_script(cookies: &[String]) -> anyhow::Result<std::path::PathBuf> {
    let list: Vec<String> = cookies.iter().map(|c| format!("{c:?}")).collect();
    let script = format!(
        "local cookies = {{{}}}\n\
         local threads = 0\n\
         function setup(thread)\n  thread:set(\"offset\", threads)\n  threads = threads + 1\nend\n\
         local i = nil\n\
         function request()\n\
         \x20 if i == nil then i = (offset or 0) * math.floor(#cookies / 2) end\n\
         \x20 i = i % #cookies + 1\n\
         \x20 return wrk.format(\"GET\", nil, {{[\"Cookie\"] = cookies[i]}})\n\
         end\n",
        list.join(", ")
    );
    let path = std::env::temp_dir().join(format!("bench-pages-{}.lua", std::process::id()));
    std::fs::write(&path, script).context("cannot write the wrk script")?;
    Ok(path)
}

async fn run_in_process(load: &Load<'_>) -> anyhow::Result<Figures> {
    let deadline = Instant::now() + load.duration;
    let mut tasks = vec![];
    for lane in 0..load.connections {
        // One client per connection, holding at most one keep-alive connection.
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .build()?;
        let url = load.url.to_string();
        // Each connection goes through the cookies from its own place in the list.
        let cookies = load.cookies.to_vec();
        let mut turn = lane * cookies.len() / load.connections.max(1);
        tasks.push(tokio::spawn(async move {
            let mut latencies = vec![];
            let mut errors = 0u64;
            while Instant::now() < deadline {
                let started = Instant::now();
                let mut request = client.get(&url);
                if !cookies.is_empty() {
                    turn = (turn + 1) % cookies.len();
                    request = request.header("cookie", &cookies[turn]);
                }
                match request.send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        latencies.push(started.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let started = Instant::now();
    let mut all = vec![];
    let mut errors = 0;
    for task in tasks {
        let (latencies, failed) = task.await?;
        all.extend(latencies);
        errors += failed;
    }
    let elapsed = started.elapsed().max(load.duration).as_secs_f64();
    all.sort();
    let p99 = all
        .get((all.len() * 99 / 100).min(all.len().saturating_sub(1)))
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    Ok(Figures {
        requests_per_sec: all.len() as f64 / elapsed,
        p99_ms: p99,
        errors,
    })
}

/// The median of some figures (the middle run, by each measure separately).
pub fn median(runs: &[Figures]) -> Figures {
    let middle = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    Figures {
        requests_per_sec: middle(runs.iter().map(|r| r.requests_per_sec).collect()),
        p99_ms: middle(runs.iter().map(|r| r.p99_ms).collect()),
        errors: runs.iter().map(|r| r.errors).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_reports_are_read_in_milliseconds() {
        let report = "Running 10s test @ http://127.0.0.1:1/x\n  2 threads and 64 connections\n\
            Latency Distribution\n     50%    1.20ms\n     75%    1.90ms\n     90%    2.80ms\n\
                 99%  812.00us\n  120000 requests in 10.00s, 1.2GB read\n\
            Non-2xx or 3xx responses: 3\nRequests/sec:  12000.50\nTransfer/sec:    120MB\n";
        let f = parse_wrk(report).expect("a report");
        assert_eq!(f.requests_per_sec, 12000.5);
        assert!((f.p99_ms - 0.812).abs() < 1e-9);
        assert_eq!(f.errors, 3);
        assert_eq!(millis("1.5s"), Some(1500.0));
    }
}
