//! The home pages of Partner Care and the sales reps: how much work waits, and the queue it
//! waits in, instead of bare links.

use crate::db::Db;
use crate::db::cases::{self, CaseFilter, CaseRecord};
use crate::db::onboarding::{self, ConnectionOverview};
use crate::db::read::dashboard;
use crate::domain::connection::ConnectionState;

/// How many rows each home list shows; the pages behind them have the rest.
const LIST_LIMIT: i64 = 50;

/// Partner Care's home.
pub struct CareHome {
    pub open_mismatches: i64,
    pub unassigned: i64,
    pub open_cases: i64,
    /// Unresolved cases, the longest waiting first.
    pub cases: Vec<CaseRecord>,
}

/// The sales rep's home.
pub struct SalesHome {
    /// New connection requests waiting for their mapping.
    pub requested: Vec<ConnectionOverview>,
    /// Connections the partner is verifying.
    pub verifying: Vec<ConnectionOverview>,
    pub problems: i64,
}

impl SalesHome {
    /// Both lists with their ids and headings' catalogue keys.
    pub fn lists(&self) -> [(&[ConnectionOverview], &'static str, &'static str); 2] {
        [
            (&self.requested, "home-requests", "home-sales-requested"),
            (&self.verifying, "home-verifying", "home-sales-verifying"),
        ]
    }
}

pub async fn care(db: &Db) -> Result<CareHome, sqlx::Error> {
    let (open_mismatches, unassigned, open_cases) = dashboard::care_counts(db).await?;
    let cases = cases::list(db, &CaseFilter::default(), LIST_LIMIT).await?;
    Ok(CareHome {
        open_mismatches,
        unassigned,
        open_cases,
        cases,
    })
}

pub async fn sales(db: &Db) -> Result<SalesHome, sqlx::Error> {
    Ok(SalesHome {
        requested: onboarding::in_states(db, &[ConnectionState::Requested], LIST_LIMIT).await?,
        verifying: onboarding::in_states(db, &[ConnectionState::Verifying], LIST_LIMIT).await?,
        problems: dashboard::open_connection_problems(db).await?,
    })
}
