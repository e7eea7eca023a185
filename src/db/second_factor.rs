//! A user's second factor: the TOTP secret (sealed with the credentials key, like a
//! connection's tokens: whoever reads a copy of the database cannot make codes), the last step
//! accepted, and the recovery codes (stored as hashes).

use super::{Db, GuardedWrite, Tx};
use crate::keys::Keyring;
use crate::keys::sealed::{self, SealError};

/// What a sealed secret is bound to: its column and its user, so a value copied to another
/// user's row does not open.
fn context(user_id: i64) -> String {
    format!("users.totp_secret/{user_id}")
}

fn seal_error(e: SealError) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

fn seal(keys: &Keyring, user_id: i64, plain: &str) -> Result<String, sqlx::Error> {
    sealed::seal(keys, &context(user_id), plain).map_err(seal_error)
}

/// The confirmed TOTP secret of a user and the last step accepted, if enrolled. A secret
/// stored in plain text before sealing reads as it is until [`seal_secrets`] seals it.
pub async fn secret(db: &Db, user_id: i64) -> Result<Option<(String, Option<i64>)>, sqlx::Error> {
    let row: Option<(Option<String>, Option<i64>)> =
        sqlx::query_as("SELECT totp_secret, totp_last_step FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(db.pool())
            .await?;
    let Some((Some(stored), step)) = row else {
        return Ok(None);
    };
    let plain = sealed::open(db.keys()?, &context(user_id), &stored).map_err(seal_error)?;
    Ok(Some((plain, step)))
}

/// Seals every TOTP secret still stored in plain text (enrolled before secrets were sealed)
/// or under an older key, one user per transaction, re-read under the write lock so two
/// instances starting at once do not seal twice; audited per user. Runs at start and in
/// `bookbridge migrate` with a key file. Returns how many secrets were sealed.
pub async fn seal_secrets(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let keys = db.keys()?;
    let stale: Vec<i64> = sqlx::query_as::<_, (i64, String)>(
        "SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL ORDER BY id",
    )
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .filter(|(_, stored)| sealed::needs_resealing(keys, stored))
    .map(|(id, _)| id)
    .collect();
    let mut count = 0;
    for user_id in stale {
        let mut tx = db.begin_write().await?;
        let row: Option<(Option<String>, Option<i64>)> =
            sqlx::query_as("SELECT totp_secret, partner_id FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((Some(stored), partner_id)) = row else {
            continue;
        };
        if !sealed::needs_resealing(keys, &stored) {
            continue;
        }
        let plain = sealed::open(keys, &context(user_id), &stored).map_err(seal_error)?;
        // Guarded by the value read: a secret replaced meanwhile is left to its new owner.
        let done =
            sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2 AND totp_secret = $3")
                .bind(seal(keys, user_id, &plain)?)
                .bind(user_id)
                .bind(&stored)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 1 {
            crate::audit::append(
                &mut tx,
                now,
                crate::audit::Event::new(
                    &crate::audit::Actor::System,
                    "user.second_factor_sealed",
                    "user",
                    user_id,
                )
                .partner(partner_id)
                .after(serde_json::json!({ "key_id": keys.current_id() })),
            )?;
            count += 1;
        }
        tx.commit().await?;
    }
    Ok(count)
}

/// Saves a confirmed secret and replaces the recovery codes, inside the caller's transaction.
pub async fn enrol(
    tx: &mut Tx,
    user_id: i64,
    secret: &str,
    step: i64,
    code_hashes: &[String],
    now: i64,
) -> Result<(), sqlx::Error> {
    let sealed = seal(tx.keys()?, user_id, secret)?;
    sqlx::query("UPDATE users SET totp_secret = $1, totp_last_step = $2 WHERE id = $3")
        .bind(sealed)
        .bind(step)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    forget_recovery_codes(tx, user_id).await?;
    for hash in code_hashes {
        sqlx::query(
            "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)",
        )
        .bind(user_id)
        .bind(hash)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Accepts the code of `step` unless a code of that step or a later one was accepted already
/// (a code is good once); false when it was.
pub async fn accept_step(tx: &mut Tx, user_id: i64, step: i64) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_secret IS NOT NULL \
         AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(user_id)
    .changed_one(tx)
    .await
}

/// The user's unused recovery codes, as stored: (id, `salt$hash`).
pub async fn unused_recovery_codes(
    tx: &mut Tx,
    user_id: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, code_hash FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL \
         ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(&mut **tx)
    .await
}

/// Uses up one recovery code; false when another request used it first.
pub async fn use_recovery_code(tx: &mut Tx, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(id)
        .changed_one(tx)
        .await
}

/// How many recovery codes the user has left.
pub async fn recovery_codes_left(db: &Db, user_id: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(db.pool())
    .await?;
    Ok(n)
}

/// Removes the second factor (the admin's reset); true when the user had one.
pub async fn remove(tx: &mut Tx, user_id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET totp_secret = NULL, totp_last_step = NULL \
         WHERE id = $1 AND totp_secret IS NOT NULL",
    )
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    forget_recovery_codes(tx, user_id).await?;
    Ok(done.rows_affected() == 1)
}

async fn forget_recovery_codes(tx: &mut Tx, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
