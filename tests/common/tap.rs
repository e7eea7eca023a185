//! A connector that reaches the real (sandbox) systems and lets a test step in after each call
//! to them, once the system has answered and before the answer is handed back: to make the
//! process "die" while it waits, or to let something else happen while an answer is on its way.

use std::sync::Arc;

use bookbridge::db::connections::Connection;
use bookbridge::domain::{Customer, NewBooking, RemoteBooking, System};
use bookbridge::sync::{ConnectionSystems, Connector, SyncContext};
use bookbridge::systems::reservio::ReservioClient;
use bookbridge::systems::termino::TerminoClient;
use bookbridge::systems::{BookingSystem, ChangeBatch, SystemError};
use futures_util::future::BoxFuture;

/// What was asked of a system.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// A listing of changes (a poll, a sweep's page).
    Listing,
    /// Anything else: a read of one booking, a look-up, a change.
    Other,
}

/// Steps in after a call to `system` has been answered.
pub trait Tap: Send + Sync + 'static {
    fn after(&self, system: System, call: Call) -> BoxFuture<'_, ()>;
}

/// The context `ctx` with every system call going through `tap`.
pub fn tapped(ctx: &SyncContext, tap: Arc<dyn Tap>) -> SyncContext {
    SyncContext::new(
        ctx.db.clone(),
        ctx.clock.clone(),
        ctx.settings.clone(),
        Arc::new(Tapped {
            inner: ctx.connector.clone(),
            tap,
        }),
    )
}

struct Tapped {
    inner: Arc<dyn Connector>,
    tap: Arc<dyn Tap>,
}

impl Connector for Tapped {
    fn systems(&self, connection: &Connection) -> Result<ConnectionSystems, SystemError> {
        let real = self.inner.systems(connection)?;
        let wrap = |inner: Arc<dyn BookingSystem>| -> Arc<dyn BookingSystem> {
            Arc::new(TappedSystem {
                inner,
                tap: self.tap.clone(),
            })
        };
        Ok(ConnectionSystems {
            reservio: wrap(real.reservio),
            termino: wrap(real.termino),
        })
    }

    fn reservio_client(&self, token: &str) -> Result<ReservioClient, SystemError> {
        self.inner.reservio_client(token)
    }

    fn termino_client(&self, token: &str) -> Result<TerminoClient, SystemError> {
        self.inner.termino_client(token)
    }
}

struct TappedSystem {
    inner: Arc<dyn BookingSystem>,
    tap: Arc<dyn Tap>,
}

impl TappedSystem {
    async fn answer<T>(&self, call: Call, answer: T) -> T {
        self.tap.after(self.inner.system(), call).await;
        answer
    }
}

#[async_trait::async_trait]
impl BookingSystem for TappedSystem {
    fn system(&self) -> System {
        self.inner.system()
    }

    fn read_due_at(&self, cursor: Option<&str>) -> Option<i64> {
        self.inner.read_due_at(cursor)
    }

    async fn changes_since(
        &self,
        account: &str,
        cursor: Option<&str>,
    ) -> Result<ChangeBatch, SystemError> {
        let r = self.inner.changes_since(account, cursor).await;
        self.answer(Call::Listing, r).await
    }

    async fn get(&self, account: &str, id: &str) -> Result<RemoteBooking, SystemError> {
        let r = self.inner.get(account, id).await;
        self.answer(Call::Other, r).await
    }

    async fn find_existing(
        &self,
        account: &str,
        booking: &NewBooking,
    ) -> Result<Option<RemoteBooking>, SystemError> {
        let r = self.inner.find_existing(account, booking).await;
        self.answer(Call::Other, r).await
    }

    async fn create(
        &self,
        account: &str,
        booking: &NewBooking,
        key: &str,
    ) -> Result<RemoteBooking, SystemError> {
        let r = self.inner.create(account, booking, key).await;
        self.answer(Call::Other, r).await
    }

    async fn update_time(
        &self,
        account: &str,
        id: &str,
        start: i64,
        end: i64,
        key: &str,
    ) -> Result<RemoteBooking, SystemError> {
        let r = self.inner.update_time(account, id, start, end, key).await;
        self.answer(Call::Other, r).await
    }

    async fn update_customer(
        &self,
        account: &str,
        id: &str,
        customer: &Customer,
        key: &str,
    ) -> Result<RemoteBooking, SystemError> {
        let r = self.inner.update_customer(account, id, customer, key).await;
        self.answer(Call::Other, r).await
    }

    async fn cancel(
        &self,
        account: &str,
        id: &str,
        key: &str,
    ) -> Result<RemoteBooking, SystemError> {
        let r = self.inner.cancel(account, id, key).await;
        self.answer(Call::Other, r).await
    }
}
