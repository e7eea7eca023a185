//! The `bookbridge` command: demo, serve, migrate, user and audit subcommands.
//! Thin on purpose: it parses arguments and calls the library.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use bookbridge::app::App;
use bookbridge::audit::{self, Actor, Event, Verdict};
use bookbridge::auth::Passwords;
use bookbridge::auth::second_factor::StaffSecondFactor;
use bookbridge::clock::Clock;
use bookbridge::config::{
    Config, DEFAULT_DEMO_PASSWORD, DemoSettings, KeySettings, ServerLimits, SystemsConfig,
};
use bookbridge::db::{self, DatabaseUrl, Db};
use bookbridge::domain::listing::MassVanishPolicy;
use bookbridge::domain::{Email, NewPassword, Role};
use bookbridge::keys::Keyring;
use bookbridge::mail::{DEFAULT_MAIL_FROM, MailConfig};
use clap::{Args, Parser, Subcommand};

const DEFAULT_DEMO_DATABASE: &str = "sqlite://bookbridge-demo.db";
const DEFAULT_ADDR: &str = "127.0.0.1:3000";

#[derive(Parser)]
#[command(
    name = "bookbridge",
    version,
    about = "Keeps bookings straight between Reservio and Termino"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

/// Where the keys and the audit checkpoints live: outside the database.
#[derive(Args, Clone)]
struct KeyArgs {
    /// The key file: signs the audit chain and encrypts partners' credentials. The demo
    /// creates one beside its database.
    #[arg(long, env = "BOOKBRIDGE_KEY_FILE")]
    key_file: Option<PathBuf>,
    /// The append-only file of signed audit checkpoints (default: the key file's path with
    /// the extension `checkpoints`).
    #[arg(long, env = "BOOKBRIDGE_CHECKPOINT_FILE")]
    checkpoint_file: Option<PathBuf>,
    /// Seconds between audit checkpoints (besides start and shutdown).
    #[arg(long, env = "BOOKBRIDGE_CHECKPOINT_SECS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..))]
    checkpoint_secs: u64,
}

impl KeyArgs {
    /// The keys, from the key file, which must exist; `create` makes it when missing (demo).
    fn load(&self, default_key_file: Option<PathBuf>, create: bool) -> anyhow::Result<KeySettings> {
        let Some(key_file) = self.key_file.clone().or(default_key_file) else {
            anyhow::bail!(
                "no key file: set BOOKBRIDGE_KEY_FILE (or --key-file). Create one with \
                 `bookbridge key rotate --key-file PATH` and keep it out of the database and its \
                 backups"
            );
        };
        let mut settings = KeySettings::load(&key_file, self.checkpoint_file.clone(), create)?;
        settings.checkpoint_interval = Duration::from_secs(self.checkpoint_secs);
        Ok(settings)
    }

    /// The database with the keys attached.
    async fn open(&self, database_url: &DatabaseUrl) -> anyhow::Result<Db> {
        let keys = self.load(None, false)?;
        Ok(Db::connect(database_url)
            .await?
            .with_keys(keys.keyring, Some(keys.checkpoint_file)))
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the demo: embedded SQLite, demo partners and users (the default).
    Demo {
        #[arg(long, env = "BOOKBRIDGE_ADDR", default_value = DEFAULT_ADDR)]
        addr: SocketAddr,
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DEMO_DATABASE)]
        database_url: DatabaseUrl,
        #[arg(long, env = "BOOKBRIDGE_DEMO_PASSWORD", default_value = DEFAULT_DEMO_PASSWORD, hide_env_values = true)]
        demo_password: String,
        #[command(flatten)]
        limits: LimitArgs,
        #[command(flatten)]
        keys: KeyArgs,
        /// Whether staff must log in with a second factor: `required` or `optional`.
        #[arg(
            long,
            env = "BOOKBRIDGE_STAFF_SECOND_FACTOR",
            default_value = "optional"
        )]
        staff_second_factor: StaffSecondFactor,
        /// The address people reach the app at, for links in e-mails.
        #[arg(long, env = "BOOKBRIDGE_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// Run in production: secure cookies, no demo data.
    Serve {
        #[arg(long, env = "BOOKBRIDGE_ADDR", default_value = DEFAULT_ADDR)]
        addr: SocketAddr,
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: DatabaseUrl,
        /// Connections this instance keeps to the database: by default 16 on PostgreSQL and 8
        /// on SQLite. With PostgreSQL on the same small machine, fewer may serve pages faster
        /// (on 2 cores, 8).
        #[arg(long, env = "BOOKBRIDGE_DB_POOL",
              value_parser = clap::value_parser!(u32).range(1..=1024))]
        db_pool: Option<u32>,
        /// Reservio's API root, e.g. https://api.reservio.com/v2
        #[arg(long, env = "RESERVIO_URL")]
        reservio_url: Option<String>,
        /// Termino's API root.
        #[arg(long, env = "TERMINO_URL")]
        termino_url: Option<String>,
        /// The channel's own Termino token: Termino's changes of every connection are read
        /// through one channel-wide feed. Without it each connection polls its own account.
        #[arg(long, env = "TERMINO_CHANNEL_TOKEN", hide_env_values = true)]
        termino_channel_token: Option<String>,
        /// The SMTP server for partner e-mails, e.g. smtp://user:pass@host:587?tls=required or
        /// smtps://user:pass@host; without it they are held on the Outbox page.
        #[arg(long, env = "SMTP_URL", hide_env_values = true)]
        smtp_url: Option<String>,
        /// The sender of partner e-mails.
        #[arg(long, env = "MAIL_FROM", default_value = DEFAULT_MAIL_FROM)]
        mail_from: String,
        #[command(flatten)]
        limits: LimitArgs,
        /// More than this share of a connection's bookings vanishing from one listing holds
        /// the vanish marking and raises one alarm instead (0.1 = 10 %).
        #[arg(long, env = "BOOKBRIDGE_MASS_VANISH_SHARE", default_value_t = MassVanishPolicy::default().share)]
        mass_vanish_share: f64,
        /// ... provided at least this many vanish at once.
        #[arg(long, env = "BOOKBRIDGE_MASS_VANISH_MIN", default_value_t = MassVanishPolicy::default().min_count)]
        mass_vanish_min: i64,
        /// Connections one instance syncs at once (as many again are kept for notified ones);
        /// by default 16 on PostgreSQL and 8 on SQLite, whose single writer gains nothing from
        /// more.
        #[arg(long, env = "BOOKBRIDGE_SYNC_CONCURRENCY",
              value_parser = clap::value_parser!(u64).range(1..=1024))]
        sync_concurrency: Option<u64>,
        /// Seconds between polls of a connection that has been quiet for long (one that
        /// changed recently is polled every 5 s).
        #[arg(long, env = "BOOKBRIDGE_QUIET_POLL_SECS", default_value_t = 60,
              value_parser = clap::value_parser!(u64).range(1..))]
        quiet_poll_secs: u64,
        /// Requests per second to Reservio for the whole deployment (every instance together);
        /// without it, no limit of ours (Reservio's 429s are still honoured).
        #[arg(long, env = "BOOKBRIDGE_RESERVIO_BUDGET",
              value_parser = clap::value_parser!(u32).range(1..))]
        reservio_budget: Option<u32>,
        /// Seconds between Reservio polls of the whole window (60 days ahead); the polls
        /// between read the next 48 hours only. 0: every poll reads the whole window.
        #[arg(long, env = "BOOKBRIDGE_FAR_WINDOW_SECS", default_value_t = 60)]
        far_window_secs: u32,
        /// Seconds between removals of expired sessions from the database (by the worker).
        #[arg(long, env = "BOOKBRIDGE_SESSION_CLEANUP_SECS",
              default_value_t = bookbridge::sync::Settings::default().session_cleanup_secs,
              value_parser = clap::value_parser!(u64).range(1..))]
        session_cleanup_secs: u64,
        /// The bearer token `/metrics` wants; without it `/metrics` answers 404.
        #[arg(long, env = "BOOKBRIDGE_METRICS_TOKEN", hide_env_values = true)]
        metrics_token: Option<String>,
        #[command(flatten)]
        keys: KeyArgs,
        /// Whether staff must log in with a second factor: `required` or `optional`.
        #[arg(
            long,
            env = "BOOKBRIDGE_STAFF_SECOND_FACTOR",
            default_value = "required"
        )]
        staff_second_factor: StaffSecondFactor,
        /// The address people reach the app at, for links in e-mails, e.g.
        /// https://bookbridge.example
        #[arg(long, env = "BOOKBRIDGE_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// Bring the database schema up to date; with a key file, also encrypt credentials still
    /// stored in plain text.
    Migrate {
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: DatabaseUrl,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Inspect the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Manage the key file.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Add a new key to the key file (creating the file when missing); from the next start it
    /// signs new audit rows and encrypts credentials, which are re-encrypted at that start.
    /// Older keys stay in the file: the rows they signed need them.
    Rotate {
        #[arg(long, env = "BOOKBRIDGE_KEY_FILE")]
        key_file: PathBuf,
    },
}

/// The web server's limits against slow and idle clients (see `ServerLimits`).
#[derive(clap::Args)]
struct LimitArgs {
    /// Seconds a connection may take to send a request's headers (idle kept-alive connections
    /// are closed after this too).
    #[arg(long, env = "BOOKBRIDGE_HEADER_READ_TIMEOUT_SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..))]
    header_read_timeout_secs: u64,
    /// Seconds a request body may take to arrive, in all.
    #[arg(long, env = "BOOKBRIDGE_BODY_READ_TIMEOUT_SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..))]
    body_read_timeout_secs: u64,
    /// Seconds nothing may move on a connection while a request or answer is under way.
    #[arg(long, env = "BOOKBRIDGE_IDLE_TIMEOUT_SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout_secs: u64,
    /// Connections served at once; more wait until one closes.
    #[arg(long, env = "BOOKBRIDGE_MAX_CONNECTIONS", default_value_t = 512,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_connections: u64,
}

impl LimitArgs {
    fn limits(&self) -> ServerLimits {
        use std::time::Duration;
        ServerLimits {
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs),
            body_read_timeout: Duration::from_secs(self.body_read_timeout_secs),
            idle_timeout: Duration::from_secs(self.idle_timeout_secs),
            max_connections: usize::try_from(self.max_connections).unwrap_or(usize::MAX),
        }
    }
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        /// partner, partner_care, sales_rep or admin
        #[arg(long)]
        role: String,
        /// The partner's id or name (partner users only).
        #[arg(long)]
        partner: Option<String>,
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: DatabaseUrl,
        #[command(flatten)]
        keys: KeyArgs,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the keyed chain and the checkpoints; exits non-zero listing every bad row.
    Verify {
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: DatabaseUrl,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Append a signed checkpoint of the chain's head to the checkpoint file now.
    Checkpoint {
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: DatabaseUrl,
        #[command(flatten)]
        keys: KeyArgs,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "bookbridge=info,tower_http=warn".into()),
        )
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bookbridge: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    // No subcommand means `demo`, with the same flags' environment variables and checks.
    let command = cli
        .command
        .or_else(|| match Cli::try_parse_from(["bookbridge", "demo"]) {
            Ok(cli) => cli.command,
            Err(e) => e.exit(),
        });
    let Some(command) = command else {
        eprintln!("bookbridge: no command");
        return ExitCode::FAILURE;
    };
    match runtime.block_on(run(command)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("bookbridge: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Demo {
            addr,
            database_url,
            demo_password,
            limits,
            keys,
            staff_second_factor,
            public_url,
        } => {
            NewPassword::parse(&demo_password).map_err(|_| {
                anyhow::anyhow!(
                    "BOOKBRIDGE_DEMO_PASSWORD needs at least {} characters",
                    NewPassword::MIN_CHARS
                )
            })?;
            let key_file = KeySettings::demo_key_file(&database_url);
            let mut config = Config::new(database_url, addr);
            config.server = limits.limits();
            config.keys = Some(keys.load(Some(key_file), true)?);
            config.secure_cookies = false;
            config.demo = Some(DemoSettings {
                password: demo_password.clone(),
            });
            config.staff_second_factor = staff_second_factor;
            config.public_url = public_url;
            config.systems = Some(SystemsConfig::Sandbox {
                bookings_per_partner: bookbridge::sandbox::world::DEMO_BOOKINGS_PER_PARTNER,
            });
            // Shorter thresholds than production, so the demo shows every kind of flag soon.
            bookbridge::demo::shorten_thresholds(&mut config.sync);
            let app = App::build(config, Clock::System).await?;
            println!(
                "bookbridge demo running at http://{}:{}/",
                addr.ip(),
                app.port()
            );
            println!("log in with any of these (password: {demo_password}):");
            for (email, role, _) in bookbridge::demo::USERS {
                println!("  {email:<22} {role}");
            }
            serve(app).await
        }
        Command::Serve {
            addr,
            database_url,
            db_pool,
            reservio_url,
            termino_url,
            termino_channel_token,
            smtp_url,
            mail_from,
            limits,
            mass_vanish_share,
            mass_vanish_min,
            sync_concurrency,
            quiet_poll_secs,
            reservio_budget,
            far_window_secs,
            session_cleanup_secs,
            metrics_token,
            keys,
            staff_second_factor,
            public_url,
        } => {
            let mut config = Config::new(database_url, addr);
            config.db_pool = db_pool;
            // Refused before anything else: without a key nothing can be audited or sealed.
            config.keys = Some(keys.load(None, false)?);
            config.server = limits.limits();
            config.sync.mass_vanish = MassVanishPolicy::new(mass_vanish_share, mass_vanish_min)
                .map_err(|reason| anyhow::anyhow!(reason))?;
            config.sync.concurrency = match sync_concurrency {
                Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
                None => {
                    bookbridge::sync::Settings::default_concurrency(config.database_url.backend())
                }
            };
            config.sync.quiet_poll_interval_secs = quiet_poll_secs;
            config.sync.reservio_budget = reservio_budget;
            config.sync.far_window_every_secs = i64::from(far_window_secs);
            config.sync.session_cleanup_secs = session_cleanup_secs;
            config.metrics_token = metrics_token.filter(|t| !t.trim().is_empty());
            config.termino_channel_token = termino_channel_token.filter(|t| !t.trim().is_empty());
            config.staff_second_factor = staff_second_factor;
            config.public_url = public_url;
            config.mail = match smtp_url.as_deref().map(str::trim) {
                Some(url) if !url.is_empty() => Some(
                    MailConfig::new(url, &mail_from).map_err(|reason| anyhow::anyhow!(reason))?,
                ),
                _ => {
                    eprintln!(
                        "note: SMTP_URL is not set; partner e-mails are held on the Outbox page"
                    );
                    None
                }
            };
            config.systems = match (reservio_url, termino_url) {
                (Some(reservio_url), Some(termino_url)) => Some(SystemsConfig::Remote {
                    reservio_url,
                    termino_url,
                }),
                (None, None) => {
                    eprintln!("note: RESERVIO_URL and TERMINO_URL are not set; sync is off");
                    None
                }
                _ => anyhow::bail!("set both RESERVIO_URL and TERMINO_URL, or neither"),
            };
            let app = App::build(config, Clock::System).await?;
            println!(
                "bookbridge listening on http://{}:{}/",
                addr.ip(),
                app.port()
            );
            serve(app).await
        }
        Command::Migrate { database_url, keys } => {
            if keys.key_file.is_none() {
                let db = Db::connect(&database_url).await?;
                db.migrate().await?;
                println!(
                    "migrations applied (no key file: credentials are sealed at the next start)"
                );
                return Ok(ExitCode::SUCCESS);
            }
            let db = keys.open(&database_url).await?;
            db.migrate().await?;
            let sealed = db::connections::seal_credentials(&db, Clock::System.now()).await?;
            let secrets = db::second_factor::seal_secrets(&db, Clock::System.now()).await?;
            println!(
                "migrations applied; {sealed} credentials and {secrets} second-factor secrets encrypted"
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    role,
                    partner,
                    database_url,
                    keys,
                },
        } => {
            let db = keys.open(&database_url).await?;
            add_user(&db, &email, &role, partner.as_deref()).await
        }
        Command::Audit {
            command: AuditCommand::Verify { database_url, keys },
        } => {
            let db = keys.open(&database_url).await?;
            match audit::verify(&db).await? {
                Verdict::Intact { rows } => {
                    println!("audit chain intact: {rows} rows");
                    Ok(ExitCode::SUCCESS)
                }
                Verdict::Broken { rows, problems } => {
                    eprintln!(
                        "audit chain broken: {} problems in {rows} rows",
                        problems.len()
                    );
                    for problem in &problems {
                        eprintln!("  {}", problem.describe());
                    }
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::Audit {
            command: AuditCommand::Checkpoint { database_url, keys },
        } => {
            let db = keys.open(&database_url).await?;
            match audit::checkpoint::write(&db, Clock::System.now(), "manual").await? {
                Some(cp) => println!("checkpoint written: row {} ({})", cp.seq, cp.hash),
                None => println!("no checkpoint file is configured"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Key {
            command: KeyCommand::Rotate { key_file },
        } => {
            let id = Keyring::rotate_file(&key_file)?;
            println!(
                "key {id} added to {}; it signs and encrypts from the next start",
                key_file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Serves until Ctrl-C or SIGTERM, then checkpoints the audit chain's head.
async fn serve(app: App) -> anyhow::Result<ExitCode> {
    let state = app.state().clone();
    tokio::select! {
        served = app.run() => served?,
        () = shutdown_signal() => println!("stopping"),
    }
    let now = state.clock.now();
    if let Err(e) = audit::checkpoint::write(&state.db, now, "shutdown").await {
        eprintln!("bookbridge: {e}");
    }
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn add_user(
    db: &Db,
    email: &str,
    role: &str,
    partner: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let email =
        Email::parse(email).map_err(|_| anyhow::anyhow!("--email is not a valid address"))?;
    let role: Role = role
        .parse()
        .map_err(|_| anyhow::anyhow!("--role must be partner, partner_care, sales_rep or admin"))?;
    db.migrate().await?;
    let partner_id = match (role, partner) {
        (Role::Partner, Some(p)) => {
            let found = match p.parse::<i64>() {
                Ok(id) => db::partners::find(db, id).await?,
                Err(_) => db::partners::find_by_name(db, p).await?,
            };
            Some(found.ok_or_else(|| anyhow::anyhow!("no partner {p:?}"))?.id)
        }
        (Role::Partner, None) => anyhow::bail!("a partner user needs --partner"),
        (_, Some(_)) => anyhow::bail!("only partner users belong to a partner"),
        (_, None) => None,
    };
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']);
    let password = NewPassword::parse_for(password, email.as_str()).map_err(|e| {
        anyhow::anyhow!(
            "the password on stdin needs {} to {} characters, must not be a common leaked \
             password and must not contain the e-mail address or the product's name ({})",
            NewPassword::MIN_CHARS,
            NewPassword::MAX_CHARS,
            e.0
        )
    })?;
    let passwords = Passwords::new(1)?;
    let hash = passwords.hash(password.expose()).await?;
    let clock = Clock::System;
    let now = clock.now();
    let mut tx = db.begin_write().await?;
    let new_user = db::users::NewUser {
        email: &email,
        password_hash: &hash,
        role,
        partner_id,
    };
    let id = match db::users::insert(&mut tx, &new_user, now).await {
        Ok(id) => id,
        Err(e) if db::is_unique_violation(&e) => {
            anyhow::bail!("a user {} exists already", email.as_str())
        }
        Err(e) => return Err(e.into()),
    };
    audit::append(
        &mut tx,
        now,
        Event::new(&Actor::System, "user.created", "user", id)
            .partner(partner_id)
            .after(
                serde_json::json!({ "email": email.as_str(), "role": role.as_str(), "via": "cli" }),
            ),
    )?;
    tx.commit().await?;
    println!("user {} added with id {id}", email.as_str());
    Ok(ExitCode::SUCCESS)
}
