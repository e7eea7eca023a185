//! `account_tokens`: invitation and password-reset links. Only a hash of each token is stored;
//! a link is good once, until it expires, unless revoked.

use sqlx::FromRow;

use super::{Db, GuardedWrite, Tx};

/// What a link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Invitation,
    Reset,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitation",
            Purpose::Reset => "reset",
        }
    }
}

/// A link as stored, with the e-mail address and partner of its user.
#[derive(Clone, Debug, FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    pub purpose: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub email: String,
    pub partner_id: Option<i64>,
    pub disabled: i64,
}

impl TokenRow {
    /// Whether the link may still be used at `now`.
    pub fn usable(&self, now: i64) -> bool {
        self.used_at.is_none() && self.revoked_at.is_none() && self.expires_at > now
    }
}

/// A new link for `user_id`, inside the caller's transaction; earlier open links of the same
/// purpose are revoked, so only the newest works. Returns the new link's id and the ids of the
/// revoked ones.
pub async fn issue(
    tx: &mut Tx,
    user_id: i64,
    purpose: Purpose,
    token_hash: &str,
    now: i64,
    expires_at: i64,
    created_by: Option<i64>,
) -> Result<(i64, Vec<i64>), sqlx::Error> {
    let revoked = revoke_open(tx, user_id, purpose, now).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO account_tokens (user_id, purpose, token_hash, created_at, expires_at, \
         created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .bind(created_by)
    .fetch_one(&mut **tx)
    .await?;
    Ok((id, revoked))
}

/// Revokes the open links of one purpose; returns their ids.
pub async fn revoke_open(
    tx: &mut Tx,
    user_id: i64,
    purpose: Purpose,
    now: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let ids: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM account_tokens WHERE user_id = $1 AND purpose = $2 \
         AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(user_id)
    .bind(purpose.as_str())
    .fetch_all(&mut **tx)
    .await?;
    for (id,) in &ids {
        sqlx::query("UPDATE account_tokens SET revoked_at = $1 WHERE id = $2")
            .bind(now)
            .bind(*id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

const ROW: &str = "SELECT t.id, t.user_id, t.purpose, t.expires_at, t.used_at, t.revoked_at, \
     u.email, u.partner_id, u.disabled FROM account_tokens t JOIN users u ON u.id = t.user_id";

/// The link whose token hashes to `token_hash`, for `purpose`.
pub async fn find(
    db: &Db,
    purpose: Purpose,
    token_hash: &str,
) -> Result<Option<TokenRow>, sqlx::Error> {
    sqlx::query_as(&format!("{ROW} WHERE t.token_hash = $1 AND t.purpose = $2"))
        .bind(token_hash)
        .bind(purpose.as_str())
        .fetch_optional(db.pool())
        .await
}

/// Marks the link used, if it still may be; false when another request used it first, or it
/// expired or was revoked meanwhile.
pub async fn consume(tx: &mut Tx, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE account_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL \
         AND revoked_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(id)
    .changed_one(tx)
    .await
}

/// Each user with an invitation that is neither used, revoked nor expired at `now`:
/// (user id, expires at).
pub async fn open_invitations(db: &Db, now: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT user_id, MAX(expires_at) FROM account_tokens WHERE purpose = 'invitation' \
         AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1 GROUP BY user_id",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await
}
