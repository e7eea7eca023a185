//! Serving the router: HTTP/1.1 with hyper's own settings, so slow clients cannot hold the
//! server.
//!
//! `axum::serve` cannot give hyper a timer, and without one hyper never times out a request
//! whose headers stop half-way; a client once held ~18,000 such connections open, the process
//! ran out of file descriptors and `/healthz` stopped answering. Here hyper's HTTP/1 builder
//! gets its timer and `header_read_timeout`; tower-http's `RequestBodyDeadlineLayer` bounds
//! the body (in `web::router`); [`IdleTimeout`] closes a connection on which nothing moves
//! while a request or answer is under way; and a semaphore caps the connections served at
//! once: at the cap the server stops accepting, so the rest wait in the kernel's listen queue
//! without holding a descriptor, and says so in the log.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

use crate::config::ServerLimits;

/// How often, at most, hitting the connection cap is logged (with the count since the last
/// line), so a flood does not flood the log too.
const CAP_LOG_EVERY: Duration = Duration::from_secs(60);

/// Serves `router` on `listener` within `limits` until the listener fails for good.
pub async fn serve(listener: TcpListener, router: Router, limits: ServerLimits) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut cap_log = CapLog::default();
    loop {
        let slot = match slots.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                cap_log.hit(limits.max_connections);
                slots
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(io::Error::other)?
            }
        };
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of descriptors or a connection reset before it was accepted: wait a
                // little rather than spin, as axum's own server does.
                tracing::warn!(error = %e, "cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let io = TokioIo::new(IdleTimeout::new(stream, limits.idle_timeout));
            let service =
                hyper::service::service_fn(move |mut request: axum::http::Request<Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(peer));
                    router.clone().oneshot(request.map(Body::new))
                });
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout);
            if let Err(e) = http.serve_connection(io, service).await {
                // A client that was too slow, went away or spoke garbage: its own business.
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
}

/// Logs hitting the connection cap at most once per [`CAP_LOG_EVERY`].
#[derive(Default)]
struct CapLog {
    last: Option<Instant>,
    hits: u64,
}

impl CapLog {
    fn hit(&mut self, max_connections: usize) {
        self.hits += 1;
        if self.last.is_none_or(|at| at.elapsed() >= CAP_LOG_EVERY) {
            tracing::warn!(
                max_connections,
                times = self.hits,
                "connection cap reached: new connections wait in the listen queue until one closes"
            );
            self.last = Some(Instant::now());
            self.hits = 0;
        }
    }
}

/// A connection that fails with `TimedOut` once nothing has moved on it, either way, for
/// `idle` while it is being read or written.
pub struct IdleTimeout<T> {
    inner: T,
    idle: Duration,
    last_progress: Instant,
    /// Woken at `last_progress + idle` at the latest; moved on lazily, not at every byte.
    timer: Pin<Box<Sleep>>,
}

impl<T> IdleTimeout<T> {
    pub fn new(inner: T, idle: Duration) -> Self {
        let now = Instant::now();
        IdleTimeout {
            inner,
            idle,
            last_progress: now,
            timer: Box::pin(tokio::time::sleep_until(now + idle)),
        }
    }

    /// Called when the inner side is not ready: `TimedOut` if nothing moved for `idle`.
    fn check(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        loop {
            if self.timer.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            let deadline = self.last_progress + self.idle;
            if Instant::now() >= deadline {
                return Poll::Ready(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "connection idle too long",
                ));
            }
            self.timer.as_mut().reset(deadline);
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for IdleTimeout<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(result) => {
                this.last_progress = Instant::now();
                Poll::Ready(result)
            }
            Poll::Pending => this.check(cx).map(Err),
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for IdleTimeout<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_write(cx, buf) {
            Poll::Ready(result) => {
                this.last_progress = Instant::now();
                Poll::Ready(result)
            }
            Poll::Pending => this.check(cx).map(Err),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_flush(cx) {
            Poll::Ready(result) => {
                this.last_progress = Instant::now();
                Poll::Ready(result)
            }
            Poll::Pending => this.check(cx).map(Err),
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_shutdown(cx) {
            Poll::Ready(result) => Poll::Ready(result),
            Poll::Pending => this.check(cx).map(Err),
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_write_vectored(cx, bufs) {
            Poll::Ready(result) => {
                this.last_progress = Instant::now();
                Poll::Ready(result)
            }
            Poll::Pending => this.check(cx).map(Err),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn a_connection_on_which_nothing_moves_times_out_and_one_that_moves_does_not() {
        let idle = Duration::from_millis(300);
        let (near, mut far) = tokio::io::duplex(64);
        let mut near = IdleTimeout::new(near, idle);
        let mut byte = [0u8; 1];
        // A byte every 150 ms keeps it alive well past the 300 ms.
        let started = Instant::now();
        for _ in 0..4 {
            tokio::time::sleep(Duration::from_millis(150)).await;
            far.write_all(b"x").await.expect("write");
            near.read_exact(&mut byte).await.expect("read");
        }
        assert!(started.elapsed() > idle);
        // Then nothing: it times out.
        let err = near.read_exact(&mut byte).await.expect_err("times out");
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    }
}
