//! The dashboard over HTTP, on both databases: every page and filter of each role, role and
//! partner boundaries, CSRF, and the audit rows of every state change.

#[path = "dashboard/access.rs"]
mod access;
#[path = "dashboard/audit.rs"]
mod audit;
#[path = "dashboard/care.rs"]
mod care;
#[path = "dashboard/cases.rs"]
mod cases;
mod common;
#[path = "dashboard/daily.rs"]
mod daily;
#[path = "dashboard/metrics.rs"]
mod metrics;
#[path = "dashboard/onboarding.rs"]
mod onboarding;
#[path = "dashboard/outbox.rs"]
mod outbox;
#[path = "dashboard/partner.rs"]
mod partner;
#[path = "dashboard/partner_list.rs"]
mod partner_list;
#[path = "dashboard/partner_pages.rs"]
mod partner_pages;
#[path = "dashboard/procedures_ui.rs"]
mod procedures_ui;
#[path = "dashboard/synced.rs"]
mod synced;
#[path = "dashboard/verifying.rs"]
mod verifying;

use bookbridge::config::SystemsConfig;

fn main() {
    let mut all = partner::tests();
    all.extend(care::tests());
    all.extend(cases::tests());
    all.extend(onboarding::tests());
    all.extend(verifying::tests());
    all.extend(access::tests());
    all.extend(audit::tests());
    all.extend(procedures_ui::tests());
    all.extend(outbox::tests());
    all.extend(daily::tests());
    all.extend(metrics::tests());
    common::run_configured(
        |config| {
            // A small sandbox world per test; the tests run the sync engine themselves.
            config.systems = Some(SystemsConfig::Sandbox {
                bookings_per_partner: 40,
            });
            config.run_worker = false;
        },
        vec![],
        all,
    );
}
