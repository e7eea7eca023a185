//! A database of a run's own, for the `bench`, `bench_pages` and `soak` binaries (each includes
//! this file as its module `scratch`), so that a run never touches anyone's data: a SQLite file
//! in a fresh directory under the temporary directory (which also holds whatever else the run
//! writes, e.g. the soak's app log), or a scratch database on the PostgreSQL server named.

// Each binary uses a part of it (only the soak keeps its log in the directory).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use anyhow::Context;
use bookbridge::config::KeySettings;
use bookbridge::db::{DatabaseUrl, Db};
use sqlx::Executor;

/// Where the run keeps its files and its database, and how to remove them.
pub struct Scratch {
    /// The run's directory: the SQLite file (if any) and the app's log.
    dir: PathBuf,
    url: DatabaseUrl,
    /// The PostgreSQL server's URL as given and our database's name, to drop it afterwards.
    postgres: Option<(String, String)>,
    /// What the run is, in names and messages (`soak`, `bench_links`, …).
    purpose: &'static str,
}

fn suffix() -> String {
    use rand::Rng;
    let n: u32 = rand::rng().random();
    format!("{}_{n:08x}", std::process::id())
}

impl Scratch {
    /// A fresh directory and a fresh, empty database: SQLite without `server`, else a new
    /// database on the PostgreSQL server `server` names. `purpose` makes the names readable.
    pub async fn create(server: Option<&str>, purpose: &'static str) -> anyhow::Result<Scratch> {
        let dir = std::env::temp_dir().join(format!("bookbridge-{purpose}-{}", suffix()));
        let make_dir = |dir: &Path| {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))
        };
        let Some(admin_url) = server else {
            make_dir(&dir)?;
            let url = format!("sqlite://{}/{purpose}.db", dir.display())
                .parse::<DatabaseUrl>()
                .map_err(|e| anyhow::anyhow!(e))?;
            return Ok(Scratch {
                dir,
                url,
                postgres: None,
                purpose,
            });
        };
        if !(admin_url.starts_with("postgres://") || admin_url.starts_with("postgresql://")) {
            anyhow::bail!("--database-url must name a PostgreSQL server (postgres://…)");
        }
        sqlx::any::install_default_drivers();
        let name = format!("bookbridge_{purpose}_{}", suffix());
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(admin_url)
            .await
            .context("cannot reach PostgreSQL at --database-url")?;
        conn.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .context("cannot create the scratch database")?;
        let url = sibling_database(admin_url, &name)
            .parse::<DatabaseUrl>()
            .map_err(|e| anyhow::anyhow!(e))?;
        let scratch = Scratch {
            dir,
            url,
            postgres: Some((admin_url.to_string(), name)),
            purpose,
        };
        if let Err(e) = make_dir(&scratch.dir) {
            scratch.finish(false).await;
            return Err(e);
        }
        Ok(scratch)
    }

    /// Runs `work` on a fresh scratch (see [`Scratch::create`]), then removes it, or keeps it
    /// when `keep` says so of the outcome.
    pub async fn around<T>(
        server: Option<&str>,
        purpose: &'static str,
        keep: impl FnOnce(&anyhow::Result<T>) -> bool,
        work: impl AsyncFnOnce(&Scratch) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let scratch = Scratch::create(server, purpose).await?;
        let outcome = work(&scratch).await;
        scratch.finish(keep(&outcome)).await;
        outcome
    }

    /// The database, opened with `keys` and migrated: the app's schema, no rows yet.
    pub async fn migrated_db(&self, keys: &KeySettings) -> anyhow::Result<Db> {
        let db = Db::connect(&self.url)
            .await
            .context("cannot open the database")?
            .with_keys(keys.keyring.clone(), Some(keys.checkpoint_file.clone()));
        db.migrate().await.context("cannot migrate the database")?;
        Ok(db)
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What the database is, for the report.
    pub fn describe(&self) -> String {
        match &self.postgres {
            None => "SQLite file in the temporary directory".to_string(),
            Some((_, name)) => format!("PostgreSQL (database {name})"),
        }
    }

    /// Removes the directory and the database, or says where they were kept.
    pub async fn finish(self, keep: bool) {
        if keep {
            eprintln!("{}: kept {}", self.purpose, self.dir.display());
            if let Some((_, name)) = &self.postgres {
                eprintln!("{}: kept the database {name}", self.purpose);
            }
            return;
        }
        if let Some((admin_url, name)) = &self.postgres {
            let dropped = async {
                let mut conn =
                    <sqlx::AnyConnection as sqlx::Connection>::connect(admin_url).await?;
                conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await
            }
            .await;
            if let Err(e) = dropped {
                eprintln!(
                    "{}: cannot drop the scratch database {name}: {e}",
                    self.purpose
                );
            }
        }
        if let Err(e) = std::fs::remove_dir_all(&self.dir) {
            eprintln!(
                "{}: cannot remove {}: {e}",
                self.purpose,
                self.dir.display()
            );
        }
    }
}

/// The same server, credentials and options as `admin_url`, with the database `name`.
fn sibling_database(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (admin_url, String::new()),
    };
    let authority_end = base
        .find("://")
        .map(|i| i + 3)
        .and_then(|start| base[start..].find('/').map(|i| start + i))
        .unwrap_or(base.len());
    format!("{}/{name}{query}", &base[..authority_end])
}

#[cfg(test)]
mod tests {
    use super::sibling_database;

    #[test]
    fn the_scratch_database_sits_on_the_server_named_with_its_options() {
        assert_eq!(
            sibling_database("postgres://u@h:5432/test?sslmode=disable", "x"),
            "postgres://u@h:5432/x?sslmode=disable"
        );
        assert_eq!(sibling_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
