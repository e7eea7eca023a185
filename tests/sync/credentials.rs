//! Partners' credentials sealed at rest, sealed at start when found in plain text, and
//! resealed when the key rotates, while the sync still reaches both systems.

use crate::common::TestApp;
use crate::common::world::{World, tomorrow};

use crate::common;
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        partners_credentials_are_sealed_at_rest_and_the_sync_still_reaches_both_systems,
        credentials_stored_in_plain_text_are_sealed_at_start_keeping_every_row,
        rotating_the_key_reseals_credentials_and_old_audit_rows_still_verify,
    ]
}

/// Each connection's stored credential columns, exactly as in the database.
async fn raw_credentials(app: &TestApp) -> Vec<(i64, Option<String>, Option<String>, String)> {
    sqlx::query_as(
        "SELECT id, reservio_token, termino_token, webhook_secret FROM connections ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("connections")
}

async fn partners_credentials_are_sealed_at_rest_and_the_sync_still_reaches_both_systems(
    app: TestApp,
) {
    let raw = raw_credentials(&app).await;
    assert!(!raw.is_empty());
    for (id, reservio, termino, webhook) in &raw {
        let plain = bookbridge::db::connections::find(&app.db, *id)
            .await
            .expect("read")
            .expect("connection");
        let pairs = [
            (reservio.clone(), plain.reservio_token.clone()),
            (termino.clone(), plain.termino_token.clone()),
            (Some(webhook.clone()), Some(plain.webhook_secret.clone())),
        ];
        for (stored, plain) in pairs {
            let (stored, plain) = (stored.expect("stored"), plain.expect("opened"));
            assert!(!plain.is_empty());
            assert!(stored.starts_with("sealed1:"), "connection {id} is sealed");
            assert!(
                !stored.contains(&plain),
                "connection {id} stores no plain credential"
            );
        }
        // Nor does anything that prints a connection.
        let shown = format!("{plain:?}");
        assert!(!shown.contains(plain.reservio_token.as_deref().unwrap_or("?")));
        assert!(!shown.contains(&plain.webhook_secret));
    }
    // The clients built from the opened credentials still reach both systems.
    let w = World::of(&app);
    let start = tomorrow(&app);
    let (_, voucher, _) = w.agreed_booking(0, start, 1).await;
    assert_eq!(w.calendar_bookings_for(&voucher), 1);
    // A sealed value copied into another connection's row does not open there.
    let (first, second) = (&raw[0], &raw[1]);
    sqlx::query("UPDATE connections SET reservio_token = $1 WHERE id = $2")
        .bind(&first.1)
        .bind(second.0)
        .execute(app.db.pool())
        .await
        .expect("copy");
    assert!(
        bookbridge::db::connections::find(&app.db, second.0)
            .await
            .is_err()
    );
}

async fn credentials_stored_in_plain_text_are_sealed_at_start_keeping_every_row(app: TestApp) {
    let before = raw_credentials(&app).await;
    // As the version before encryption stored them.
    for (id, _, _, _) in &before {
        sqlx::query(
            "UPDATE connections SET reservio_token = $1, termino_token = $2, \
             webhook_secret = $3 WHERE id = $4",
        )
        .bind(format!("plain-reservio-{id}"))
        .bind(format!("plain-termino-{id}"))
        .bind(format!("plain-secret-{id}"))
        .bind(id)
        .execute(app.db.pool())
        .await
        .expect("plain");
    }
    let connections = app.count("SELECT COUNT(*) FROM connections").await;
    let sealed = bookbridge::db::connections::seal_credentials(&app.db, app.clock.now())
        .await
        .expect("sealed");
    assert_eq!(sealed, 3 * before.len() as u64);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM connections").await,
        connections
    );
    for (id, reservio, termino, webhook) in raw_credentials(&app).await {
        for stored in [reservio.expect("r"), termino.expect("t"), webhook] {
            assert!(stored.starts_with("sealed1:"), "{id}");
            assert!(!stored.contains("plain-"), "{id}");
        }
        let opened = bookbridge::db::connections::find(&app.db, id)
            .await
            .expect("read")
            .expect("connection");
        assert_eq!(
            opened.reservio_token.as_deref(),
            Some(format!("plain-reservio-{id}").as_str())
        );
        assert_eq!(opened.webhook_secret, format!("plain-secret-{id}"));
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'connection.credentials_sealed'")
            .await,
        before.len() as i64
    );
    // Sealing again changes nothing.
    assert_eq!(
        bookbridge::db::connections::seal_credentials(&app.db, app.clock.now())
            .await
            .expect("sealed"),
        0
    );
}

async fn rotating_the_key_reseals_credentials_and_old_audit_rows_still_verify(app: TestApp) {
    let key_file = common::key_file(&app.database_url);
    let old_id = bookbridge::keys::Keyring::load(&key_file)
        .expect("keys")
        .current_id()
        .to_string();
    let new_id = bookbridge::keys::Keyring::rotate_file(&key_file).expect("rotated");
    assert_ne!(old_id, new_id);
    // The next start reads the rotated file.
    let restarted = bookbridge::app::App::build(
        common::test_config(app.database_url.clone()),
        app.clock.clone(),
    )
    .await
    .expect("restarts");
    let db = restarted.state().db.clone();
    drop(restarted);
    for (id, reservio, termino, webhook) in raw_credentials(&app).await {
        for stored in [reservio.expect("r"), termino.expect("t"), webhook] {
            assert!(
                stored.starts_with(&format!("sealed1:{new_id}:")),
                "connection {id} is sealed under the new key"
            );
        }
        assert!(
            bookbridge::db::connections::find(&db, id)
                .await
                .expect("opens")
                .is_some()
        );
    }
    let key_ids: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT key_id FROM audit_log")
        .fetch_all(app.db.pool())
        .await
        .expect("key ids");
    assert!(key_ids.iter().any(|(k,)| *k == old_id));
    assert!(key_ids.iter().any(|(k,)| *k == new_id));
    assert!(matches!(
        bookbridge::audit::verify(&db).await.expect("verify"),
        bookbridge::audit::Verdict::Intact { .. }
    ));
}
