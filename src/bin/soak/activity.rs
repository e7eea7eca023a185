//! The sandbox's everyday activity at a multiple of the demo's rate, counted by kind.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use bookbridge::sandbox::world::Sandbox;
use tokio::time::Instant;

/// The demo's pace: one change every 2.5 s (`Sandbox::run_activity`).
pub const DEMO_INTERVAL: Duration = Duration::from_millis(2500);

/// What the generator did, by kind: `one_activity`'s own words with the ids left out.
pub type Tally = BTreeMap<String, u64>;

/// Calls `one_activity` every `every` until `until`.
pub async fn run(sandbox: Arc<Sandbox>, every: Duration, until: Instant) -> Tally {
    let mut tally = Tally::new();
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if Instant::now() >= until {
            return tally;
        }
        let kind = match sandbox.one_activity() {
            Ok(done) => kind(&done),
            Err(reason) => format!("not done: {}", kind(&reason)),
        };
        *tally.entry(kind).or_default() += 1;
    }
}

/// The kind of an activity: its description with every word that holds a digit (voucher
/// codes, ids, hours) replaced by `…`, so "customer moved SLV00012345 by 2h" and
/// "customer moved SLV00067890 by 3h" count together.
pub fn kind(description: &str) -> String {
    description
        .split_whitespace()
        .map(|word| {
            if word.chars().any(|c| c.is_ascii_digit()) {
                "…"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::kind;

    #[test]
    fn activities_count_together_whatever_booking_they_touched() {
        assert_eq!(
            kind("customer moved SLV00012345 by 2h"),
            kind("customer moved SLV00067890 by 3h")
        );
        assert_eq!(kind("voucher SLV1 cancelled"), "voucher … cancelled");
        assert_eq!(kind("nothing to do this time"), "nothing to do this time");
    }
}
