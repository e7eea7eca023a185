//! The audit chain: it verifies, the command and the page name every broken row, and what
//! someone with write access to the database but not the key file cannot hide.

use bookbridge::audit::{self, Entry, Problem, Verdict};
use bookbridge::web::paths;
use sha2::{Digest, Sha256};

use crate::common::{self, TestApp, html, select_attr, select_texts};
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        the_audit_chain_verifies_and_names_a_tampered_row,
        the_audit_command_exits_non_zero_on_a_broken_chain,
        rewriting_the_chain_without_the_key_is_caught_row_by_row,
        cutting_off_the_newest_rows_is_caught_by_the_signed_checkpoint,
        rows_written_before_the_chain_was_keyed_still_verify_and_cannot_be_imitated,
        a_transactions_rows_take_their_place_in_the_chain_at_commit_in_order,
    ]
}

async fn the_audit_chain_verifies_and_names_a_tampered_row(app: TestApp) {
    app.login("partner@demo.test").await;
    app.login("admin@demo.test").await;
    let rows = app.count("SELECT COUNT(*) FROM audit_log").await;
    assert!(rows > 5);
    assert_eq!(
        audit::verify(&app.db).await.expect("verify runs"),
        Verdict::Intact { rows }
    );
    let care = app.login("care@demo.test").await;
    let doc = html(app.get(&care, paths::AUDIT).await).await;
    assert!(
        select_attr(&doc, "#chain-status", "class")
            .expect("status")
            .contains("ok")
    );

    sqlx::query("UPDATE audit_log SET actor = 'someone-else' WHERE id = 3")
        .execute(app.db.pool())
        .await
        .expect("tamper");
    let verdict = audit::verify(&app.db).await.expect("verify runs");
    assert_eq!(
        verdict.problems(),
        &[Problem::Altered { row: 3 }],
        "exactly the edited row"
    );
    let doc = html(app.get(&care, paths::AUDIT).await).await;
    assert!(
        select_attr(&doc, "#chain-status", "class")
            .expect("status")
            .contains("bad")
    );
}

fn event(n: i64) -> audit::Event<'static> {
    audit::Event::new(&audit::Actor::System, "test.ordered", "row", n)
        .after(serde_json::json!({ "n": n }))
}

/// Rows of one transaction keep their order and stay together; a transaction that rolls back
/// leaves no row and no gap; and on PostgreSQL a transaction that has appended rows but not
/// committed holds no lock on the chain, so another writer's rows go in before it (the chain's
/// order is the order of commits).
async fn a_transactions_rows_take_their_place_in_the_chain_at_commit_in_order(app: TestApp) {
    let now = app.clock.now();
    let before = app
        .count("SELECT COALESCE(MAX(id), 0) FROM audit_log")
        .await;

    let mut abandoned = app.db.begin_write().await.expect("begin");
    audit::append(&mut abandoned, now, event(-1)).expect("append");
    abandoned.rollback().await.expect("rollback");

    let mut first = app.db.begin_write().await.expect("begin");
    for n in 1..=3 {
        audit::append(&mut first, now, event(n)).expect("append");
    }
    if app.backend == bookbridge::db::Backend::Postgres {
        // Another writer appends and commits while `first` is still open: it must not wait.
        let db = app.db.clone();
        let other = async move {
            let mut tx = db.begin_write().await?;
            audit::append(&mut tx, now, event(100))?;
            tx.commit().await
        };
        tokio::time::timeout(std::time::Duration::from_secs(10), other)
            .await
            .expect("an open transaction with audit rows held the chain's head")
            .expect("the other writer commits");
    }
    first.commit().await.expect("commit");

    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, entity_id FROM audit_log WHERE id > $1 AND action = 'test.ordered' \
         ORDER BY id",
    )
    .bind(before)
    .fetch_all(app.db.pool())
    .await
    .expect("rows");
    let order: Vec<&str> = rows.iter().map(|(_, e)| e.as_str()).collect();
    let expected: &[&str] = if app.backend == bookbridge::db::Backend::Postgres {
        &["100", "1", "2", "3"]
    } else {
        &["1", "2", "3"]
    };
    assert_eq!(
        order, expected,
        "commit order, each transaction's rows together"
    );
    let ids: Vec<i64> = rows.iter().rev().take(3).map(|(id, _)| *id).collect();
    assert!(
        ids.windows(2).all(|w| w[0] == w[1] + 1),
        "one transaction's rows are consecutive: {ids:?}"
    );
    // The verifier reports any gap in the ids: the rolled-back row left none.
    let all = app.count("SELECT COUNT(*) FROM audit_log").await;
    assert_eq!(
        audit::verify(&app.db).await.expect("verify runs"),
        Verdict::Intact { rows: all }
    );
}

/// `bookbridge audit verify` on the test's database, with its key file.
fn verify_command(app: &TestApp) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_bookbridge"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", app.database_url.as_str())
        .env("BOOKBRIDGE_KEY_FILE", common::key_file(&app.database_url))
        .env_remove("BOOKBRIDGE_CHECKPOINT_FILE")
        .output()
        .expect("the command runs")
}

async fn the_audit_command_exits_non_zero_on_a_broken_chain(app: TestApp) {
    app.login("partner@demo.test").await;
    let verify = || verify_command(&app);
    let ok = verify();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("intact"));
    // Removing the newest row is noticed too.
    let newest = app.count("SELECT MAX(id) FROM audit_log").await;
    sqlx::query(&format!("DELETE FROM audit_log WHERE id = {newest}"))
        .execute(app.db.pool())
        .await
        .expect("tamper");
    let broken = verify();
    assert!(!broken.status.success());
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(stderr.contains(&format!("row {newest}")), "{stderr}");
    // A bad database URL is a one-line reason, not a panic.
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_bookbridge"))
        .args(["migrate"])
        .env("DATABASE_URL", "mysql://nope")
        .output()
        .expect("the command runs");
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
    // Production refuses to start without a key, saying which setting is missing.
    let keyless = std::process::Command::new(env!("CARGO_BIN_EXE_bookbridge"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("DATABASE_URL", app.database_url.as_str())
        .env_remove("BOOKBRIDGE_KEY_FILE")
        .env_remove("RESERVIO_URL")
        .env_remove("TERMINO_URL")
        .output()
        .expect("the command runs");
    assert!(!keyless.status.success());
    let stderr = String::from_utf8_lossy(&keyless.stderr);
    assert!(stderr.contains("BOOKBRIDGE_KEY_FILE"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Every row, oldest first, as stored.
async fn audit_rows(app: &TestApp) -> Vec<Entry> {
    sqlx::query_as(
        "SELECT id, at, actor, actor_user_id, action, entity_type, entity_id, partner_id, \
         before_state, after_state, request_id, prev_hash, hash, key_id FROM audit_log ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("audit rows")
}

/// The unkeyed hash every row had before the chain was keyed: what anyone can compute.
fn unkeyed_hash(prev_hash: &str, e: &Entry) -> String {
    let content = serde_json::json!([
        e.id,
        e.at,
        e.actor,
        e.actor_user_id,
        e.action,
        e.entity_type,
        e.entity_id,
        e.partner_id,
        e.before_state,
        e.after_state,
        e.request_id,
    ]);
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(content.to_string().as_bytes());
    hex::encode(hasher.finalize())
}

/// What someone with write access to the database (but not the key file) can do: rewrite the
/// rows from `from` on, each hash recomputed after the edit, and the head moved to match.
async fn rewrite_chain_from(app: &TestApp, from: i64, key_id: Option<&str>) {
    let rows = audit_rows(app).await;
    let mut prev = rows
        .iter()
        .find(|e| e.id == from - 1)
        .map(|e| e.hash.clone())
        .unwrap_or_else(|| audit::GENESIS_HASH.to_string());
    for mut e in rows.into_iter().filter(|e| e.id >= from) {
        if let Some(key_id) = key_id {
            e.key_id = key_id.to_string();
        }
        let hash = unkeyed_hash(&prev, &e);
        sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2, key_id = $3 WHERE id = $4")
            .bind(&prev)
            .bind(&hash)
            .bind(&e.key_id)
            .bind(e.id)
            .execute(app.db.pool())
            .await
            .expect("rewrite");
        prev = hash;
    }
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&prev)
        .execute(app.db.pool())
        .await
        .expect("move the head");
}

async fn rewriting_the_chain_without_the_key_is_caught_row_by_row(app: TestApp) {
    app.login("partner@demo.test").await;
    app.login("admin@demo.test").await;
    let care = app.login("care@demo.test").await;
    let rows = app.count("SELECT COUNT(*) FROM audit_log").await;
    assert!(rows > 5);
    sqlx::query("UPDATE audit_log SET actor = 'someone-else' WHERE id = 3")
        .execute(app.db.pool())
        .await
        .expect("tamper");
    // Recomputing every hash after the edited row made the unkeyed chain whole again.
    rewrite_chain_from(&app, 3, None).await;
    let verdict = audit::verify(&app.db).await.expect("verify runs");
    assert_eq!(verdict.first_break(), Some(3), "{verdict:?}");
    let flagged: Vec<i64> = verdict.problems().iter().filter_map(Problem::row).collect();
    for row in 3..=rows {
        assert!(
            verdict.problems().contains(&Problem::Altered { row }),
            "row {row} is listed: {flagged:?}"
        );
    }
    assert!(!flagged.iter().any(|row| *row < 3), "{flagged:?}");

    // Passed off as rows from before the chain was keyed, they are caught too.
    rewrite_chain_from(&app, 3, Some("legacy")).await;
    let verdict = audit::verify(&app.db).await.expect("verify runs");
    for row in 3..=rows {
        assert!(
            verdict
                .problems()
                .contains(&Problem::LegacyAfterKeyed { row }),
            "row {row} is listed: {verdict:?}"
        );
    }

    // The pages say so: the list names every problem, an entry's page says it comes after
    // the break, and an entry before the break does not.
    let doc = html(app.get(&care, paths::AUDIT).await).await;
    assert!(
        select_attr(&doc, "#chain-status", "class")
            .expect("status")
            .contains("bad")
    );
    assert!(select_texts(&doc, "#chain-problems li").len() as i64 >= rows - 2);
    let after = html(app.get(&care, &paths::audit_entry(rows)).await).await;
    assert_eq!(select_texts(&after, "#entry-after-break").len(), 1);
    let before = html(app.get(&care, "/audit/2").await).await;
    assert!(select_texts(&before, "#entry-after-break").is_empty());
}

async fn cutting_off_the_newest_rows_is_caught_by_the_signed_checkpoint(app: TestApp) {
    app.login("partner@demo.test").await;
    let checkpoint = audit::checkpoint::write(&app.db, app.clock.now(), "manual")
        .await
        .expect("checkpoint written")
        .expect("the test app has a checkpoint file");
    let signed = checkpoint.seq;
    app.login("admin@demo.test").await;
    let newest = app.count("SELECT MAX(id) FROM audit_log").await;
    assert!(newest > signed);
    // Cut the chain back to two rows before the checkpoint, and move the head to match:
    // what is left is a chain whose every link and MAC is right.
    let keep = signed - 2;
    let (kept_hash,): (String,) = sqlx::query_as("SELECT hash FROM audit_log WHERE id = $1")
        .bind(keep)
        .fetch_one(app.db.pool())
        .await
        .expect("kept row");
    sqlx::query("DELETE FROM audit_log WHERE id > $1")
        .bind(keep)
        .execute(app.db.pool())
        .await
        .expect("cut");
    sqlx::query("UPDATE audit_head SET seq = $1, last_hash = $2 WHERE id = 1")
        .bind(keep)
        .bind(&kept_hash)
        .execute(app.db.pool())
        .await
        .expect("move the head back");
    let verdict = audit::verify(&app.db).await.expect("verify runs");
    assert_eq!(
        verdict.problems(),
        &[Problem::Missing {
            from: keep + 1,
            to: signed
        }],
        "the rows up to the checkpoint are reported missing"
    );
    let out = verify_command(&app);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("rows {} to {signed} are missing", keep + 1)),
        "{stderr}"
    );

    // New rows written over the cut take the old numbers, and differ from what was signed.
    app.login("care@demo.test").await;
    app.login("sales@demo.test").await;
    let verdict = audit::verify(&app.db).await.expect("verify runs");
    assert!(
        verdict
            .problems()
            .iter()
            .any(|p| matches!(p, Problem::DiffersFromCheckpoint { row, .. } if *row == signed)),
        "{verdict:?}"
    );

    // A checkpoint line forged to cover the cut does not verify.
    let path = app
        .db
        .checkpoint_file()
        .expect("checkpoint file")
        .to_path_buf();
    let mut forged = checkpoint.clone();
    forged.seq = keep;
    forged.hash = kept_hash;
    let mut text = std::fs::read_to_string(&path).expect("checkpoints");
    text.push_str(&serde_json::to_string(&forged).expect("json"));
    text.push('\n');
    std::fs::write(&path, text).expect("forge");
    let verdict = audit::verify(&app.db).await.expect("verify runs");
    assert!(
        verdict
            .problems()
            .iter()
            .any(|p| matches!(p, Problem::BadCheckpoint { .. })),
        "{verdict:?}"
    );
}

async fn rows_written_before_the_chain_was_keyed_still_verify_and_cannot_be_imitated(app: TestApp) {
    // Start over as a database the unkeyed version wrote: its rows, its head, no checkpoints.
    sqlx::query("DELETE FROM audit_log")
        .execute(app.db.pool())
        .await
        .expect("reset");
    let _ = std::fs::remove_file(app.db.checkpoint_file().expect("checkpoint file"));
    let mut prev = audit::GENESIS_HASH.to_string();
    for id in 1..=3_i64 {
        let e = Entry {
            id,
            at: 1_700_000_000 + id,
            actor: "system".into(),
            actor_user_id: None,
            action: "partner.created".into(),
            entity_type: "partner".into(),
            entity_id: id.to_string(),
            partner_id: Some(id),
            before_state: None,
            after_state: Some(format!("{{\"n\":{id}}}")),
            request_id: None,
            prev_hash: prev.clone(),
            hash: String::new(),
            key_id: String::new(),
        };
        let hash = unkeyed_hash(&prev, &e);
        // Without key_id, as the old version wrote it: the column's default marks it legacy.
        sqlx::query(
            "INSERT INTO audit_log (id, at, actor, actor_user_id, action, entity_type, \
             entity_id, partner_id, before_state, after_state, request_id, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(e.id)
        .bind(e.at)
        .bind(&e.actor)
        .bind(e.actor_user_id)
        .bind(&e.action)
        .bind(&e.entity_type)
        .bind(&e.entity_id)
        .bind(e.partner_id)
        .bind(&e.before_state)
        .bind(&e.after_state)
        .bind(&e.request_id)
        .bind(&prev)
        .bind(&hash)
        .execute(app.db.pool())
        .await
        .expect("legacy row");
        prev = hash;
    }
    sqlx::query("UPDATE audit_head SET seq = 3, last_hash = $1 WHERE id = 1")
        .bind(&prev)
        .execute(app.db.pool())
        .await
        .expect("head");
    // The upgraded app starts (a checkpoint pins the legacy rows) and writes keyed rows.
    let upgraded = bookbridge::app::App::build(
        common::test_config(app.database_url.clone()),
        app.clock.clone(),
    )
    .await
    .expect("the upgraded app starts");
    drop(upgraded);
    app.login("partner@demo.test").await;
    let rows = audit_rows(&app).await;
    assert!(rows.len() > 3);
    assert!(rows[..3].iter().all(|e| e.key_id == "legacy"));
    assert!(rows[3..].iter().all(|e| e.key_id != "legacy"));
    assert_eq!(
        audit::verify(&app.db).await.expect("verify"),
        Verdict::Intact {
            rows: rows.len() as i64
        },
        "every row kept, the old ones verified as they were written"
    );
    // A keyed row cannot be passed off as an old one.
    rewrite_chain_from(&app, 4, Some("legacy")).await;
    let verdict = audit::verify(&app.db).await.expect("verify");
    assert!(
        verdict
            .problems()
            .contains(&Problem::LegacyAfterKeyed { row: 4 }),
        "{verdict:?}"
    );
    assert_eq!(verdict.first_break(), Some(4));
}
