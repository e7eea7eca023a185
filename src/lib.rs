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
