//! bookbridge keeps a partner's bookings straight between Reservio and Termino.
//!
//! [`app::App`] wires everything together; `main.rs` and the integration tests both build the
//! application through it.

pub mod app;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod i18n;
pub mod keys;
pub mod mail;
pub mod sandbox;
pub mod sync;
pub mod systems;
pub mod web;

/// The allocator of every program built on this crate (the app, its benches and tests).
/// glibc's malloc took a sixth of a loaded page view's time in its own locks and free lists
/// (one SQLite worker thread per pooled connection, every row handed between threads);
/// mimalloc's per-thread heaps do not share those.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
