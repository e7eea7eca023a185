//! Demo data: partners and one user per role, created when missing, never overwritten.

pub mod sandbox;

use crate::audit::{self, Actor, Event};
use crate::auth::Passwords;
use crate::clock::Clock;
use crate::config::DemoSettings;
use crate::db::{Db, partners, users};
use crate::domain::{Email, PartnerName, Role};

/// The demo partners, by name.
pub const PARTNERS: [&str; 3] = ["Salon Aurora", "Studio Wellness Kraków", "Masáže Vltava"];

/// The demo logins: e-mail, role, index into [`PARTNERS`] for partner users.
pub const USERS: [(&str, Role, Option<usize>); 5] = [
    ("partner@demo.test", Role::Partner, Some(0)),
    ("partner2@demo.test", Role::Partner, Some(1)),
    ("care@demo.test", Role::PartnerCare, None),
    ("sales@demo.test", Role::SalesRep, None),
    ("admin@demo.test", Role::Admin, None),
];

/// The demo's thresholds: shorter than production, so that every kind of flag — and the
/// channel's promise for a change to cross over — can be watched within minutes.
pub fn shorten_thresholds(sync: &mut crate::sync::Settings) {
    // A missing side is flagged after 1 minute instead of 15.
    sync.policy.missing_grace_secs = 60;
    // An unanswered booking after 10 minutes instead of 24 hours.
    sync.policy.unanswered_after_secs = 10 * 60;
    // A change crossing over is overdue after 5 minutes instead of the channel's hour.
    sync.policy.propagation_sla_secs = 5 * 60;
    // An undelivered change goes again every 2 minutes instead of 10.
    sync.slow_retry_secs = 2 * 60;
    // The full comparison with each system every two minutes instead of every six hours.
    sync.sweep_interval_secs = 2 * 60;
}

/// Creates whatever demo partners and users are missing.
pub async fn seed(
    db: &Db,
    passwords: &Passwords,
    clock: &Clock,
    settings: &DemoSettings,
) -> anyhow::Result<()> {
    let actor = Actor::System;
    let mut partner_ids = Vec::with_capacity(PARTNERS.len());
    for name in PARTNERS {
        let name = PartnerName::parse(name).map_err(|e| anyhow::anyhow!(e.0))?;
        let id = match partners::find_by_name(db, name.as_str()).await? {
            Some(p) => p.id,
            None => {
                let now = clock.now();
                let mut tx = db.begin_write().await?;
                let id = partners::insert(&mut tx, &name, now).await?;
                audit::append(
                    &mut tx,
                    now,
                    Event::new(&actor, "partner.created", "partner", id)
                        .partner(Some(id))
                        .after(serde_json::json!({ "name": name.as_str(), "demo": true })),
                )?;
                tx.commit().await?;
                id
            }
        };
        partner_ids.push(id);
    }
    let mut hash = None;
    for (email, role, partner) in USERS {
        let email = Email::parse(email).map_err(|e| anyhow::anyhow!(e.0))?;
        if users::find_by_email(db, email.as_str()).await?.is_some() {
            continue;
        }
        let password_hash = match &hash {
            Some(h) => h,
            None => hash.insert(passwords.hash(&settings.password).await?),
        };
        let partner_id = partner.and_then(|i| partner_ids.get(i).copied());
        let now = clock.now();
        let mut tx = db.begin_write().await?;
        let new_user = users::NewUser {
            email: &email,
            password_hash,
            role,
            partner_id,
        };
        let id = users::insert(&mut tx, &new_user, now).await?;
        audit::append(
            &mut tx,
            now,
            Event::new(&actor, "user.created", "user", id)
                .partner(partner_id)
                .after(serde_json::json!({
                    "email": email.as_str(),
                    "role": role.as_str(),
                    "demo": true,
                })),
        )?;
        tx.commit().await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_shows_the_one_hour_promise_in_five_minutes() {
        let mut sync = crate::sync::Settings::default();
        assert_eq!(sync.policy.propagation_sla_secs, 60 * 60);
        shorten_thresholds(&mut sync);
        assert_eq!(sync.policy.propagation_sla_secs, 5 * 60);
        assert_eq!(sync.policy.missing_grace_secs, 60);
        assert_eq!(sync.policy.unanswered_after_secs, 10 * 60);
        assert!(sync.slow_retry_secs < crate::sync::Settings::default().slow_retry_secs);
    }
}
