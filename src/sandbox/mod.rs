//! The sandbox: fake Reservio and Termino HTTP servers with their own storage, seed data, an
//! activity generator and switchable faults. It serves the demo and the tests over real HTTP.

pub mod faults;
pub mod reservio;
pub mod server;
pub mod switch;
pub mod termino;
pub mod world;
