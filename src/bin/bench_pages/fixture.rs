//! The partner of the page benchmark: the demo partner `partner@demo.test` works for, with one
//! connection and `count` links — both snapshots of each, appointments spread over a year
//! before and a year after today, and one link in fifty with an open mismatch. Each table is
//! filled by one `INSERT … SELECT` over a generated sequence, in one transaction.

use anyhow::Context;
use bookbridge::db::users::{self, NewUser};
use bookbridge::db::{Backend, Db, partners};
use bookbridge::domain::{Email, PartnerName, Role};

use crate::fill;

/// What the benchmark needs to know about the stored partner.
pub struct Fixture {
    pub partner_id: i64,
    pub user_id: i64,
    pub email: String,
    pub links: i64,
    pub mismatches: i64,
}

const SERVICES: [(&str, &str, &str, i64); 3] = [
    ("svc-p-0", "Haircut and styling", "offer-p-0", 60),
    ("svc-p-1", "Manicure", "offer-p-1", 45),
    ("svc-p-2", "Facial treatment", "offer-p-2", 90),
];

/// One system's snapshots. `$1` connection, `$2` count, `$3` midnight today (UTC), `$4` now.
/// Days are scattered (7919 is prime) so neighbouring ids are not neighbouring times; one
/// voucher in fifty is cancelled in Termino only, as the channel does (rule 2).
fn snapshots_sql(backend: Backend, system: &str, prefix: &str, service: &str) -> String {
    let status = match system {
        "termino" => "CASE WHEN n % 50 = 0 THEN 'cancelled' ELSE 'confirmed' END",
        _ => "'confirmed'",
    };
    format!(
        "INSERT INTO external_bookings (connection_id, system, external_id, start_at, end_at, \
         service_id, customer_name, customer_email, customer_phone, status, voucher_code, \
         self_rescheduled, content_hash, raw_payload, fetched_at) \
         SELECT $1, '{system}', '{prefix}' || n, \
           $3 + ((n * 7919) % 730 - 365) * 86400 + (8 + n % 10) * 3600, \
           $3 + ((n * 7919) % 730 - 365) * 86400 + (9 + n % 10) * 3600, \
           '{service}' || (n % 3), 'Customer ' || n || ' Nováková', \
           'customer.' || n || '@example.test', '+420 6' || (10000000 + n % 89999999), \
           {status}, 'SLV' || (10000000 + n), 0, 'bench-' || n, '{{}}', $4 \
         FROM {}",
        fill::sequence(backend)
    )
}

/// Pairs `r-n` with `t-n` of one connection. SQLite looks each `t-n` up in the unique
/// (connection_id, system, external_id) index, which it can only use with the connection named
/// (without it, it scans every stored snapshot once per link, and the 100,000 links of the
/// demo partner were still being stored after a quarter of an hour on a loaded machine);
/// PostgreSQL, without statistics yet, chose a nested loop when the connection was named and
/// hashes the ids when it is not.
fn links_sql(backend: Backend) -> String {
    let same_connection = match backend {
        Backend::Sqlite => "AND t.connection_id = r.connection_id ",
        Backend::Postgres => "",
    };
    format!(
        "INSERT INTO booking_links (connection_id, partner_id, \
         reservio_booking_id, termino_booking_id, voucher_code, origin_system, base_start_at, \
         base_end_at, base_service_id, base_customer_name, base_customer_email, \
         base_customer_phone, base_status, appointment_at, created_at, updated_at) \
         SELECT r.connection_id, $2, r.id, t.id, r.voucher_code, 'termino', r.start_at, r.end_at, \
         r.service_id, r.customer_name, r.customer_email, r.customer_phone, 'confirmed', \
         r.start_at, $3, $3 \
         FROM external_bookings r JOIN external_bookings t ON t.system = 'termino' \
         {same_connection}AND t.external_id = 't' || substr(r.external_id, 2) \
         WHERE r.connection_id = $1 AND r.system = 'reservio'"
    )
}

const MISMATCHES_SQL: &str = "INSERT INTO mismatches (link_id, partner_id, kind, severity, \
     state, details, detected_at, last_seen_at) \
     SELECT l.id, l.partner_id, 'status_differs', 'high', 'open', '', $2, $2 \
     FROM booking_links l JOIN external_bookings t ON t.id = l.termino_booking_id \
     WHERE l.connection_id = $1 AND t.status = 'cancelled'";

/// Stores the benchmark's links for the demo partner of `email`.
pub async fn store(db: &Db, email: &str, count: i64, now: i64) -> anyhow::Result<Fixture> {
    let user = users::find_by_email(db, email)
        .await?
        .with_context(|| format!("the demo user {email} is missing"))?;
    let (user_id, partner_id) = (user.id, user.partner_id.context("the demo user's partner")?);
    let mut tx = db.begin_write().await?;
    let mismatches = store_connection(&mut tx, db.backend(), partner_id, "", count, now).await?;
    tx.commit().await?;
    let (links,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM booking_links WHERE partner_id = $1")
            .bind(partner_id)
            .fetch_one(db.pool())
            .await?;
    anyhow::ensure!(links == count, "stored {links} links instead of {count}");
    Ok(Fixture {
        partner_id,
        user_id,
        email: email.to_string(),
        links,
        mismatches,
    })
}

/// One more partner of the channel, with a user of its own.
pub struct OtherPartner {
    pub user_id: i64,
}

/// Stores `partners` more partners, each with one user (who has the demo user's password),
/// one connection and `count` links of its own like the demo partner's. Returns them and
/// how many links and open mismatches they have in all.
pub async fn store_partners(
    db: &Db,
    demo_email: &str,
    partners: usize,
    count: i64,
    now: i64,
) -> anyhow::Result<(Vec<OtherPartner>, i64, i64)> {
    let password_hash = users::find_by_email(db, demo_email)
        .await?
        .with_context(|| format!("the demo user {demo_email} is missing"))?
        .password_hash;
    let backend = db.backend();
    let mut tx = db.begin_write().await?;
    let mut out = Vec::with_capacity(partners);
    let mut mismatches = 0;
    for i in 0..partners {
        let name =
            PartnerName::parse(&format!("Bench partner {i}")).map_err(|e| anyhow::anyhow!(e.0))?;
        let partner_id = partners::insert(&mut tx, &name, now).await?;
        let email =
            Email::parse(&format!("partner{i}@bench.test")).map_err(|e| anyhow::anyhow!(e.0))?;
        let user = NewUser {
            email: &email,
            password_hash: &password_hash,
            role: Role::Partner,
            partner_id: Some(partner_id),
        };
        let user_id = users::insert(&mut tx, &user, now).await?;
        let suffix = format!("-{i}");
        mismatches += store_connection(&mut tx, backend, partner_id, &suffix, count, now).await?;
        out.push(OtherPartner { user_id });
    }
    tx.commit().await?;
    Ok((out, count * partners as i64, mismatches))
}

/// One connection of `partner_id` with its service mappings and `count` links; returns how
/// many of them have an open mismatch.
async fn store_connection(
    tx: &mut bookbridge::db::Tx,
    backend: Backend,
    partner_id: i64,
    suffix: &str,
    count: i64,
    now: i64,
) -> anyhow::Result<i64> {
    let services = SERVICES.map(|(id, name, offer_id, minutes)| fill::Service {
        id,
        name: name.into(),
        offer_id,
        offer_name: format!("Voucher: {name}"),
        minutes,
    });
    let name = format!("bench-pages{suffix}");
    let connection_id = fill::connection(tx, partner_id, &name, services, now).await?;
    let midnight = now.div_euclid(86_400) * 86_400;
    // External ids unique across the partners' connections (`r-n`, `r-7-n`), so that `r…`
    // pairs with `t…` by its id alone.
    for (system, prefix, service) in [("reservio", "r", "svc-p-"), ("termino", "t", "offer-p-")] {
        let prefix = format!("{prefix}{suffix}-");
        sqlx::query(&snapshots_sql(backend, system, &prefix, service))
            .bind(connection_id)
            .bind(count)
            .bind(midnight)
            .bind(now)
            .execute(&mut **tx)
            .await
            .with_context(|| format!("cannot store the {system} snapshots"))?;
    }
    sqlx::query(&links_sql(backend))
        .bind(connection_id)
        .bind(partner_id)
        .bind(now)
        .execute(&mut **tx)
        .await
        .context("cannot store the links")?;
    let mismatches = sqlx::query(MISMATCHES_SQL)
        .bind(connection_id)
        .bind(now)
        .execute(&mut **tx)
        .await
        .context("cannot store the mismatches")?
        .rows_affected();
    Ok(i64::try_from(mismatches).unwrap_or_default())
}

/// The tables as a live database keeps them: statistics (the planner guesses badly on fresh
/// tables) and, on PostgreSQL, vacuumed. Taken once everything is stored: statistics that show
/// the demo partner's one connection holding every link make PostgreSQL plan the mapping
/// trigger's refresh (migration 0019, a SQL function planned for any connection) as a scan of
/// every link, which stored the other partners' mappings at a third of a second each.
///
/// A PostgreSQL server's autovacuum vacuums a table soon after a bulk write like the
/// fixture's: it sets the visibility map, so counting a partner's links reads the index
/// alone, and clears the row versions the writes left behind. A server with autovacuum off
/// never does, and every view then reads a partner's links from the table and steps over
/// the dead versions (four times slower on this bench's list query); the fixture vacuums once
/// so that the figures are those of a deployment. Returns whether that vacuum stood in for a
/// server's autovacuum that is off.
pub async fn settle(db: &Db) -> anyhow::Result<bool> {
    match db.backend() {
        Backend::Sqlite => {
            sqlx::query("ANALYZE").execute(db.pool()).await?;
            Ok(false)
        }
        Backend::Postgres => {
            // VACUUM cannot run in a transaction, so not as a prepared statement either.
            sqlx::raw_sql("VACUUM (ANALYZE)").execute(db.pool()).await?;
            Ok(bookbridge::db::statistics::unattended(db).await?)
        }
    }
}
