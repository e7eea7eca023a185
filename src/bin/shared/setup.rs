//! How the `bench`, `bench_pages` and `soak` binaries start (each includes this file as its
//! module `setup`): logging to standard error, TLS for their HTTP clients, and the runtime their
//! work runs on.

// Each binary uses a part of it (`bench_pages` counts statements with a logger of its own).
#![allow(dead_code)]

use std::future::Future;

/// Logs bookbridge's errors (or what `RUST_LOG` asks for) to standard error, so that standard
/// output holds only the program's report.
pub fn log_errors_to_stderr() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "bookbridge=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
}

/// Gives reqwest a TLS provider: it is built without one of its own (the programs only talk to
/// loopback). A provider already installed is fine.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Runs `work` to its end on a multi-threaded runtime. `None` when no runtime can be started,
/// once `program` has said so on standard error.
pub fn block_on<F: Future>(program: &str, work: F) -> Option<F::Output> {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => Some(runtime.block_on(work)),
        Err(e) => {
            eprintln!("{program}: cannot start the runtime: {e}");
            None
        }
    }
}
