//! The `bookbridge` command: demo, serve, migrate, user and audit subcommands.
//! Thin on purpose: it parses arguments and calls the library.

use std::io::Read;
use std::net::SocketAddr;
use std::process::ExitCode;

use bookbridge::app::App;
use bookbridge::audit::{self, Actor, Event, Verdict};
use bookbridge::auth::Passwords;
use bookbridge::auth::second_factor::StaffSecondFactor;
use bookbridge::clock::Clock;
use bookbridge::config::{
    Config, DEFAULT_DEMO_PASSWORD, DEFAULT_MAIL_FROM, DemoSettings, MailConfig, SystemsConfig,
};
use bookbridge::db::{self, DatabaseUrl, Db};
use bookbridge::domain::{Email, NewPassword, Role};
use clap::{Parser, Subcommand};

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
        /// Reservio's API root, e.g. https://api.reservio.com/v2
        #[arg(long, env = "RESERVIO_URL")]
        reservio_url: Option<String>,
        /// Termino's API root.
        #[arg(long, env = "TERMINO_URL")]
        termino_url: Option<String>,
        /// The SMTP server for partner e-mails, e.g. smtp://user:pass@host:587?tls=required or
        /// smtps://user:pass@host; without it they are held on the Outbox page.
        #[arg(long, env = "SMTP_URL", hide_env_values = true)]
        smtp_url: Option<String>,
        /// The sender of partner e-mails.
        #[arg(long, env = "MAIL_FROM", default_value = DEFAULT_MAIL_FROM)]
        mail_from: String,
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
    /// Bring the database schema up to date.
    Migrate {
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: DatabaseUrl,
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
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain; exits non-zero naming the first bad row.
    Verify {
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: DatabaseUrl,
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
            staff_second_factor,
            public_url,
        } => {
            NewPassword::parse(&demo_password).map_err(|_| {
                anyhow::anyhow!(
                    "BOOKBRIDGE_DEMO_PASSWORD needs at least {} characters",
                    NewPassword::MIN_CHARS
                )
            })?;
            let mut config = Config::new(database_url, addr);
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
            config.sync.policy.missing_grace_secs = 60;
            config.sync.policy.unanswered_after_secs = 10 * 60;
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
            reservio_url,
            termino_url,
            smtp_url,
            mail_from,
            staff_second_factor,
            public_url,
        } => {
            let mut config = Config::new(database_url, addr);
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
        Command::Migrate { database_url } => {
            let db = Db::connect(&database_url).await?;
            db.migrate().await?;
            println!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    role,
                    partner,
                    database_url,
                },
        } => add_user(&database_url, &email, &role, partner.as_deref()).await,
        Command::Audit {
            command: AuditCommand::Verify { database_url },
        } => {
            let db = Db::connect(&database_url).await?;
            match audit::verify(&db).await? {
                Verdict::Intact { rows } => {
                    println!("audit chain intact: {rows} rows");
                    Ok(ExitCode::SUCCESS)
                }
                Verdict::Broken { row, reason } => {
                    eprintln!("audit chain broken at row {row}: {reason}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}

async fn serve(app: App) -> anyhow::Result<ExitCode> {
    tokio::select! {
        served = app.run() => served?,
        _ = tokio::signal::ctrl_c() => println!("stopping"),
    }
    Ok(ExitCode::SUCCESS)
}

async fn add_user(
    database_url: &DatabaseUrl,
    email: &str,
    role: &str,
    partner: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let email =
        Email::parse(email).map_err(|_| anyhow::anyhow!("--email is not a valid address"))?;
    let role: Role = role
        .parse()
        .map_err(|_| anyhow::anyhow!("--role must be partner, partner_care, sales_rep or admin"))?;
    let db = Db::connect(database_url).await?;
    db.migrate().await?;
    let partner_id = match (role, partner) {
        (Role::Partner, Some(p)) => {
            let found = match p.parse::<i64>() {
                Ok(id) => db::partners::find(&db, id).await?,
                Err(_) => db::partners::find_by_name(&db, p).await?,
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
    )
    .await?;
    tx.commit().await?;
    println!("user {} added with id {id}", email.as_str());
    Ok(ExitCode::SUCCESS)
}
