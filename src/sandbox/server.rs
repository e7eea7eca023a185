//! What both fake servers do to run: serve their router in a task of its own until the last
//! handle to them is dropped.

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A fake server's task: it stops the server when dropped (kept in an `Arc` shared by the
/// handle's clones), so tests do not leak listeners.
#[derive(Debug)]
pub struct ServerTask(JoinHandle<()>);

impl ServerTask {
    /// Serves `app` on `listener`; `name` (e.g. "fake Termino") says in the log which server
    /// stopped if serving fails.
    pub fn serve(listener: TcpListener, app: axum::Router, name: &'static str) -> ServerTask {
        ServerTask(tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, app).await {
                tracing::error!(error = %err, "{name} stopped");
            }
        }))
    }
}

impl Drop for ServerTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}
