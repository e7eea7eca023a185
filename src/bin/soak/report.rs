//! The table the soak prints, and its verdict. The last line sums the verdict up in a form a
//! script (or the short CI soak) can check: `soak result: PASS lost=0 applied_twice=0 …`.

use std::time::Duration;

use bookbridge::audit::Verdict;

use crate::activity;
use crate::checks::{Coverage, Links, Twice};
use crate::converge::Convergence;
use crate::durability::{Missing, TABLES};
use crate::load::Answers;

/// Everything the run found.
pub struct Report {
    /// One line saying what ran: duration, database, rates, load.
    pub setup: String,
    pub activity: activity::Tally,
    pub links: Links,
    pub coverage: Coverage,
    pub twice: Twice,
    /// Rows gone since a checkpoint, the worst seen per table.
    pub deleted: Missing,
    pub audit: Result<Verdict, String>,
    /// `None` when there was no page load (or it failed: see `errors`).
    pub answers: Option<Answers>,
    pub convergence: Convergence,
    /// From each kill until the app answered again.
    pub restarts: Vec<Duration>,
    /// Links the slow full reconcile (the safety net) had to change because the incremental
    /// reconcile had not looked at them: 0 in a healthy system.
    pub missed_by_incremental: i64,
    /// Whatever went wrong in the soak itself: each one fails the run.
    pub errors: Vec<String>,
}

fn line(label: &str, value: impl std::fmt::Display, check: Option<bool>) {
    let mark = match check {
        None => "",
        Some(true) => "ok",
        Some(false) => "FAIL",
    };
    println!("{label:<58} {value:>12}  {mark}");
}

fn examples(list: &[String]) {
    for example in list {
        println!("      {example}");
    }
}

impl Report {
    fn audit_intact(&self) -> bool {
        matches!(self.audit, Ok(Verdict::Intact { .. }))
    }

    fn applied_twice(&self) -> u64 {
        self.twice.termino_keys + self.twice.reservio_keys
    }

    fn server_errors(&self) -> u64 {
        self.answers.map_or(0, |a| a.server_error)
    }

    /// Every check passed and the soak itself had no trouble.
    pub fn passed(&self) -> bool {
        self.links.lost == 0
            && self.coverage.unseen == 0
            && self.coverage.gone_unmarked == 0
            && self.applied_twice() == 0
            && self.deleted.iter().all(|n| *n == 0)
            && self.audit_intact()
            && self.server_errors() == 0
            && self.convergence.settled
            && self.missed_by_incremental == 0
            && self.errors.is_empty()
    }

    pub fn print(&self) {
        println!("\n{}\n", self.setup);
        println!("{:<58} {:>12}  check", "", "count");
        let changes: u64 = self
            .activity
            .iter()
            .filter(|(kind, _)| !kind.starts_with("not done"))
            .map(|(_, n)| n)
            .sum();
        line("changes made in the sandbox", changes, None);
        for (kind, n) in &self.activity {
            line(&format!("  {kind}"), n, None);
        }

        let settle = &self.convergence;
        line(
            "settled after the run (no push pending, 2 clean rounds)",
            format!("{:.0} s", settle.waited.as_secs_f64()),
            Some(settle.settled),
        );
        if !settle.settled {
            println!(
                "      still pending: {} pushes, {} procedures running",
                settle.pending_pushes, settle.running_procedures
            );
        }

        line(
            "links the safety net found the incremental reconcile missed",
            self.missed_by_incremental,
            Some(self.missed_by_incremental == 0),
        );

        let links = &self.links;
        line("links with both sides", links.total, None);
        line("  agree with the sandbox (time, status)", links.agree, None);
        line(
            "  flagged (differ; an unresolved mismatch says so)",
            links.flagged,
            None,
        );
        line(
            "  lost (differ; nothing flags it)",
            links.lost,
            Some(links.lost == 0),
        );
        examples(&links.examples);
        line(
            "unseen: sandbox bookings the database never saw",
            self.coverage.unseen,
            Some(self.coverage.unseen == 0),
        );
        line(
            "snapshots of bookings gone from the sandbox, not flagged",
            self.coverage.gone_unmarked,
            Some(self.coverage.gone_unmarked == 0),
        );
        examples(&self.coverage.examples);

        let twice = &self.twice;
        line(
            &format!(
                "applied twice: Termino keys (of {} changes)",
                twice.termino_effects
            ),
            twice.termino_keys,
            Some(twice.termino_keys == 0),
        );
        line(
            &format!(
                "applied twice: Reservio creates per key (of {})",
                twice.reservio_creates
            ),
            twice.reservio_keys,
            Some(twice.reservio_keys == 0),
        );
        examples(&twice.examples);

        for (table, n) in TABLES.iter().zip(self.deleted) {
            line(&format!("rows deleted: {table}"), n, Some(n == 0));
        }
        match &self.audit {
            Ok(Verdict::Intact { rows }) => line(
                &format!("audit chain ({rows} rows), audit::verify"),
                "intact",
                Some(true),
            ),
            Ok(Verdict::Broken { problems, .. }) => {
                line("audit chain, audit::verify", "BROKEN", Some(false));
                for problem in problems {
                    println!("      {}", problem.describe());
                }
            }
            Err(e) => {
                line("audit chain, audit::verify", "unread", Some(false));
                println!("      {e}");
            }
        }

        match &self.answers {
            Some(a) => {
                line("pages answered 2xx", a.ok, None);
                line(
                    "pages answered 3xx / 4xx",
                    format!("{} / {}", a.redirect, a.client_error),
                    None,
                );
                line(
                    "pages answered 5xx",
                    a.server_error,
                    Some(a.server_error == 0),
                );
                line(
                    "no answer: refused or reset while the app restarted",
                    a.no_answer,
                    None,
                );
                line("no answer within 10 s", a.timed_out, None);
            }
            None => line("page load", "none", None),
        }
        let restarts: Vec<String> = self
            .restarts
            .iter()
            .map(|d| format!("{:.1} s", d.as_secs_f64()))
            .collect();
        println!(
            "restarts, from SIGKILL to answering again: {}",
            if restarts.is_empty() {
                "none".to_string()
            } else {
                restarts.join(", ")
            }
        );
        for error in &self.errors {
            println!("error: {error}");
        }
        println!("\n{}", self.summary());
    }

    /// One line with the verdict and the figures it rests on.
    pub fn summary(&self) -> String {
        format!(
            "soak result: {} lost={} unseen={} applied_twice={} deleted={} audit={} \
             server_errors={} settled={} missed_by_incremental={} errors={}",
            if self.passed() { "PASS" } else { "FAIL" },
            self.links.lost,
            self.coverage.unseen + self.coverage.gone_unmarked,
            self.applied_twice(),
            self.deleted.iter().sum::<i64>(),
            if self.audit_intact() {
                "intact"
            } else {
                "broken"
            },
            self.server_errors(),
            self.convergence.settled,
            self.missed_by_incremental,
            self.errors.len()
        )
    }
}
