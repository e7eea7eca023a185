//! What each side of a connection sells, read live from both systems: the partner's Reservio
//! services and free slots, the channel's Termino offers. The sales rep maps one to the other;
//! the partner's verification compares availability.

use super::Connector;
use crate::db::connections::Connection;
use crate::domain::System;
use crate::systems::SystemError;
use crate::systems::reservio::Service;
use crate::systems::termino::Offer;

/// Why a live read did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// The connection lacks this side's account or token.
    #[error("the connection has no {0} account yet")]
    NoAccount(System),
    #[error("{0}: {1}")]
    System(System, SystemError),
}

impl CatalogueError {
    /// The side that could not be read.
    pub fn system(&self) -> System {
        match self {
            CatalogueError::NoAccount(system) | CatalogueError::System(system, _) => *system,
        }
    }
}

fn reservio_account(conn: &Connection) -> Result<(&str, &str), CatalogueError> {
    match (&conn.reservio_business_id, &conn.reservio_token) {
        (Some(id), Some(token)) => Ok((id, token)),
        _ => Err(CatalogueError::NoAccount(System::Reservio)),
    }
}

/// The partner's services, as Reservio lists them now.
pub async fn services(
    connector: &dyn Connector,
    conn: &Connection,
) -> Result<Vec<Service>, CatalogueError> {
    let (business, token) = reservio_account(conn)?;
    let fail = |e| CatalogueError::System(System::Reservio, e);
    let client = connector.reservio_client(token).map_err(fail)?;
    client.list_services(business).await.map_err(fail)
}

/// The offers the channel sells for the partner, as Termino lists them now.
pub async fn offers(
    connector: &dyn Connector,
    conn: &Connection,
) -> Result<Vec<Offer>, CatalogueError> {
    let (Some(partner), Some(token)) = (&conn.termino_partner_id, &conn.termino_token) else {
        return Err(CatalogueError::NoAccount(System::Termino));
    };
    let fail = |e| CatalogueError::System(System::Termino, e);
    let client = connector.termino_client(token).map_err(fail)?;
    client.list_offers(partner).await.map_err(fail)
}

/// The free slots of one service starting in `[from, to)`.
pub async fn free_slots(
    connector: &dyn Connector,
    conn: &Connection,
    service_id: &str,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64)>, CatalogueError> {
    let (business, token) = reservio_account(conn)?;
    let fail = |e| CatalogueError::System(System::Reservio, e);
    let client = connector.reservio_client(token).map_err(fail)?;
    client
        .free_slots(business, service_id, from, to)
        .await
        .map_err(fail)
}
