//! The guided procedures against the sandbox's fake systems over real HTTP, on both databases:
//! each procedure end to end (FAQ rules 2 to 5), a fault at every step that calls a system
//! (stops there, nothing after it happens, retry completes it), a crash mid-step (the restarted
//! runner finishes with each external effect applied once), and the refusals.
//!
//! The pages that start and show procedures are tested in `tests/dashboard.rs` and, in a
//! browser, in `tests/browser.rs`.

#[path = "procedures/cancel.rs"]
mod cancel;
#[path = "procedures/change_service.rs"]
mod change_service;
mod common;
#[path = "procedures/daily.rs"]
mod daily;
#[path = "procedures/escalate.rs"]
mod escalate;
#[path = "procedures/faults.rs"]
mod faults;
#[path = "procedures/holds.rs"]
mod holds;
#[path = "procedures/integrity.rs"]
mod integrity;
#[path = "procedures/reschedule.rs"]
mod reschedule;

use std::time::Duration;

use bookbridge::config::SystemsConfig;
use daily::{
    a_case_settled_by_moving_a_rejected_booking_resolves_only_once_both_show_it_confirmed,
    a_confirmation_is_written_in_the_partners_language_and_on_its_clock,
    a_running_cancellation_is_not_flagged_for_the_state_it_passes_through,
};

fn main() {
    let mut all = cancel::tests();
    all.extend(reschedule::tests());
    all.extend(escalate::tests());
    all.extend(change_service::tests());
    all.extend(faults::tests());
    all.extend(tests![
        a_case_settled_by_moving_a_rejected_booking_resolves_only_once_both_show_it_confirmed,
        a_running_cancellation_is_not_flagged_for_the_state_it_passes_through,
        a_confirmation_is_written_in_the_partners_language_and_on_its_clock,
    ]);
    all.extend(integrity::tests());
    all.extend(holds::tests());
    common::run_configured(
        |config| {
            config.systems = Some(SystemsConfig::Sandbox {
                bookings_per_partner: 0,
            });
            config.run_worker = false;
            config.sync.call_timeout = Duration::from_millis(400);
            config.sync.max_attempts = 3;
            config.sync.retry_base_secs = 1;
        },
        vec![],
        all,
    );
}
