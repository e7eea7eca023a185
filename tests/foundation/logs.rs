//! What the app logs, captured for the tests that check a line was written: the binary's one
//! global subscriber writes warnings and errors into a buffer the tests search.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

static CAPTURED: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the capturing subscriber; call once, before any test runs.
pub fn capture() {
    let buffer = CAPTURED.get_or_init(Default::default).clone();
    let _ = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(move || Sink(buffer.clone()))
        .try_init();
}

/// The captured lines containing every one of `needles`, waiting up to two seconds for one.
pub async fn lines_with(needles: &[&str]) -> Vec<String> {
    for _ in 0..40 {
        let found: Vec<String> = CAPTURED
            .get()
            .map(|buffer| {
                let bytes = buffer
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .clone();
                String::from_utf8_lossy(&bytes)
                    .lines()
                    .filter(|line| needles.iter().all(|n| line.contains(n)))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if !found.is_empty() {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    vec![]
}
