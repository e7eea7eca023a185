//! Filling a scratch database fast, for the `bench` and `bench_pages` fixtures (each includes
//! this file as its module `fill`): a table takes one `INSERT … SELECT` over a generated
//! sequence, since row by row through the application would take far longer than what is
//! measured.

use bookbridge::db::connections::{self, NewConnection, ServiceMapping};
use bookbridge::db::{Backend, Tx};

/// A row source `n` = 1..=`$2`, in each backend's fastest way.
pub fn sequence(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => {
            "(WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $2) \
             SELECT n FROM seq) AS g"
        }
        Backend::Postgres => "generate_series(1::BIGINT, $2) AS g(n)",
    }
}

/// A service of a fixture's connection and the channel offer it is mapped to.
pub struct Service {
    pub id: &'static str,
    pub name: String,
    pub offer_id: &'static str,
    pub offer_name: String,
    pub minutes: i64,
}

/// An active connection of `partner_id` named after `name` (code `NAME`, Reservio business
/// `biz-name`, Termino partner `slv-name`) with `services` mapped. Its credentials are never
/// used: nothing calls the systems.
pub async fn connection(
    tx: &mut Tx,
    partner_id: i64,
    name: &str,
    services: impl IntoIterator<Item = Service>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let code = name.to_uppercase();
    let business = format!("biz-{name}");
    let slv = format!("slv-{name}");
    let connection_id = connections::insert(
        tx,
        &NewConnection {
            partner_id,
            connection_code: &code,
            reservio_business_id: &business,
            termino_partner_id: &slv,
            reservio_token: "unused",
            termino_token: "unused",
            webhook_secret: "unused",
            state: "active",
            actor: "system",
        },
        now,
    )
    .await?;
    for service in services {
        connections::insert_mapping(
            tx,
            &ServiceMapping {
                id: 0,
                connection_id,
                reservio_service_id: service.id.into(),
                reservio_service_name: service.name,
                termino_offer_id: service.offer_id.into(),
                termino_offer_name: service.offer_name,
                duration_minutes: service.minutes,
            },
            now,
        )
        .await?;
    }
    Ok(connection_id)
}
