//! The sync engine against the sandbox's fake systems over real HTTP, on both databases: date
//! changes cross over both ways, cancellations and service changes never propagate by
//! themselves, every mismatch kind is raised by its scenario and clears when the sides agree,
//! and under injected faults and restarts changes converge, none lost and none applied twice.

#[path = "sync/budget.rs"]
mod budget;
mod common;
#[path = "sync/credentials.rs"]
mod credentials;
#[path = "sync/faults.rs"]
mod faults;
#[path = "sync/feed.rs"]
mod feed;
#[path = "sync/flags.rs"]
mod flags;
#[path = "sync/holds.rs"]
mod holds;
#[path = "sync/integrity.rs"]
mod integrity;
#[path = "sync/list_rows.rs"]
mod list_rows;
#[path = "sync/listing.rs"]
mod listing;
#[path = "sync/metrics.rs"]
mod metrics;
#[path = "sync/propagation.rs"]
mod propagation;
#[path = "sync/reservio_contract.rs"]
mod reservio_contract;
#[path = "sync/schedule.rs"]
mod schedule;
#[path = "sync/sessions.rs"]
mod sessions;

use std::time::Duration;

use bookbridge::config::SystemsConfig;
use budget::*;
use listing::*;
use metrics::*;
use reservio_contract::the_verification_report_shows_the_probed_reservio_profile_in_plain_words;
use schedule::*;
use sessions::the_worker_removes_expired_sessions_and_keeps_live_ones;

fn main() {
    let mut all = propagation::tests();
    all.extend(flags::tests());
    all.extend(faults::tests());
    all.extend(feed::tests());
    all.extend(tests![
        a_vanished_side_agrees_with_nothing_and_its_mismatches_carry_on_when_it_returns,
        a_change_whose_read_back_cannot_be_read_stays_pending_and_is_verified_later,
        an_empty_listing_of_a_known_calendar_is_one_alarm_not_a_flood_of_deletions,
        bookings_dropping_out_of_a_created_at_filter_raise_the_alarm_instead_of_deletions,
        partner_care_confirming_the_alarm_lets_the_vanished_bookings_be_marked,
        bookings_that_cannot_be_read_are_one_log_line_per_cause_and_one_health_line,
        a_listing_that_ignores_the_date_filter_never_makes_bookings_beyond_the_window_vanish,
        the_verification_report_shows_the_probed_reservio_profile_in_plain_words,
        due_connections_are_claimed_once_across_instances_and_a_notification_makes_one_due_now,
        a_notification_that_arrives_during_a_sync_keeps_its_connection_due,
        a_quiet_connection_is_polled_less_often_than_one_that_just_changed,
        the_poll_that_reads_the_whole_reservio_window_comes_when_it_falls_due,
        reconcile_reads_only_the_links_that_changed_or_whose_check_falls_due,
        a_push_retried_or_a_flag_seen_again_marks_its_link_only_when_its_state_changes,
        the_request_budget_is_shared_by_every_instance_through_the_database,
        a_429_with_retry_after_holds_off_every_instance,
        requests_over_a_seconds_budget_go_in_the_seconds_after,
        metrics_want_the_bearer_token_and_follow_the_schedule,
        the_worker_removes_expired_sessions_and_keeps_live_ones,
    ]);
    all.extend(credentials::tests());
    all.extend(integrity::tests());
    all.extend(holds::tests());
    all.extend(list_rows::tests());
    common::run_configured(
        |config| {
            config.systems = Some(SystemsConfig::Sandbox {
                bookings_per_partner: 0,
            });
            config.run_worker = false;
            // Hanging requests fail fast, so fault tests finish quickly.
            config.sync.call_timeout = Duration::from_millis(400);
            config.sync.max_attempts = 10;
            config.sync.retry_base_secs = 5;
            config.metrics_token = Some(METRICS_TOKEN.into());
        },
        reservio_contract::trials(),
        all,
    );
}
