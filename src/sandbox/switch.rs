//! A setting of a fake server that whoever steers it (a test, the demo's control path) flips at
//! run time while its handlers read it: the faults, Reservio's listing quirks.

use std::sync::{Arc, Mutex};

/// One switchable setting, shared between a fake server's handlers and whoever steers it.
/// Clones share the setting.
#[derive(Clone, Debug, Default)]
pub struct Switch<T>(Arc<Mutex<T>>);

impl<T: Copy + Default> Switch<T> {
    /// Takes effect with the next request.
    pub fn set(&self, value: T) {
        if let Ok(mut current) = self.0.lock() {
            *current = value;
        }
    }

    /// The setting now (the default if a panic poisoned it, which only a test can cause).
    pub fn get(&self) -> T {
        self.0.lock().map(|current| *current).unwrap_or_default()
    }
}
