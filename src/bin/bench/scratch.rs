//! A database of the benchmark's own, so that a run never touches anyone's data: a SQLite file
//! in the temporary directory, or a scratch database on the PostgreSQL server named.

use std::path::PathBuf;

use anyhow::Context;
use bookbridge::db::DatabaseUrl;
use sqlx::Executor;

/// Where a scratch database lives and how to remove it.
pub enum Scratch {
    Sqlite {
        dir: PathBuf,
        url: DatabaseUrl,
    },
    Postgres {
        /// The database the user named; used to create and drop ours.
        admin_url: String,
        name: String,
        url: DatabaseUrl,
    },
}

fn suffix() -> String {
    use rand::Rng;
    let n: u32 = rand::rng().random();
    format!("{}_{n:08x}", std::process::id())
}

impl Scratch {
    /// A fresh, empty database; `purpose` only makes its name readable.
    pub async fn create(server: Option<&str>, purpose: &str) -> anyhow::Result<Scratch> {
        match server {
            None => {
                let dir = std::env::temp_dir().join(format!("bookbridge-bench-{}", suffix()));
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
                let url = format!("sqlite://{}/{purpose}.db", dir.display())
                    .parse::<DatabaseUrl>()
                    .map_err(|e| anyhow::anyhow!(e))?;
                Ok(Scratch::Sqlite { dir, url })
            }
            Some(admin_url) => {
                if !(admin_url.starts_with("postgres://") || admin_url.starts_with("postgresql://"))
                {
                    anyhow::bail!("--database-url must name a PostgreSQL server (postgres://…)");
                }
                sqlx::any::install_default_drivers();
                let name = format!("bookbridge_bench_{purpose}_{}", suffix());
                let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(admin_url)
                    .await
                    .context("cannot reach PostgreSQL at --database-url")?;
                conn.execute(format!("CREATE DATABASE {name}").as_str())
                    .await
                    .context("cannot create the scratch database")?;
                // Same server and credentials, our database instead of the one named.
                let (base, query) = match admin_url.split_once('?') {
                    Some((base, query)) => (base, format!("?{query}")),
                    None => (admin_url, String::new()),
                };
                let authority_end = base
                    .find("://")
                    .map(|i| i + 3)
                    .and_then(|start| base[start..].find('/').map(|i| start + i))
                    .unwrap_or(base.len());
                let url = format!("{}/{name}{query}", &base[..authority_end])
                    .parse::<DatabaseUrl>()
                    .map_err(|e| anyhow::anyhow!(e))?;
                Ok(Scratch::Postgres {
                    admin_url: admin_url.to_string(),
                    name,
                    url,
                })
            }
        }
    }

    pub fn url(&self) -> &DatabaseUrl {
        match self {
            Scratch::Sqlite { url, .. } | Scratch::Postgres { url, .. } => url,
        }
    }

    /// Which kind of database this is, for the report.
    pub fn kind(&self) -> &'static str {
        match self {
            Scratch::Sqlite { .. } => "SQLite file in the temporary directory",
            Scratch::Postgres { .. } => "PostgreSQL",
        }
    }

    /// Removes the database, or says where it was kept.
    pub async fn finish(self, keep: bool) {
        if keep {
            match &self {
                Scratch::Sqlite { dir, .. } => eprintln!("bench: kept {}", dir.display()),
                Scratch::Postgres { name, .. } => eprintln!("bench: kept database {name}"),
            }
            return;
        }
        match self {
            Scratch::Sqlite { dir, .. } => {
                if let Err(e) = std::fs::remove_dir_all(&dir) {
                    eprintln!("bench: cannot remove {}: {e}", dir.display());
                }
            }
            Scratch::Postgres {
                admin_url, name, ..
            } => {
                let dropped = async {
                    let mut conn =
                        <sqlx::AnyConnection as sqlx::Connection>::connect(&admin_url).await?;
                    conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await
                }
                .await;
                if let Err(e) = dropped {
                    eprintln!("bench: cannot drop the scratch database {name}: {e}");
                }
            }
        }
    }
}
