//! Sessions for many partners without logging each in: the demo partner's session row,
//! copied for each other user under a new id. The store keeps the user's id both in the
//! row's `user_id` and in its data, so both are set.

use anyhow::Context;
use bookbridge::db::Db;
use tower_sessions::session::Id;

const COOKIE: &str = "bookbridge_session=";

/// The `Cookie` header values of one new session for each of `users`, the first being the
/// template's own cookie.
pub async fn copy_for(db: &Db, template: &str, users: &[i64]) -> anyhow::Result<Vec<String>> {
    let id = template
        .strip_prefix(COOKIE)
        .context("the session cookie has its name")?;
    let (data, expires_at): (String, i64) =
        sqlx::query_as("SELECT data, expires_at FROM sessions WHERE id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .context("the logged-in session is stored")?;
    let data: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&data)?;
    let mut cookies = vec![template.to_string()];
    let mut tx = db.begin_write().await?;
    for (n, user_id) in users.iter().enumerate() {
        let mut copy = data.clone();
        copy.insert(
            bookbridge::db::sessions::USER_ID_KEY.to_string(),
            (*user_id).into(),
        );
        // Distinct, and far from the random ids the application gives out.
        let new_id = Id(0x5eed_0000_0000_0000_0000_0000_0000_0000 + n as i128).to_string();
        sqlx::query("INSERT INTO sessions (id, user_id, data, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(&new_id)
            .bind(user_id)
            .bind(serde_json::to_string(&copy)?)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        cookies.push(format!("{COOKIE}{new_id}"));
    }
    tx.commit().await?;
    Ok(cookies)
}
