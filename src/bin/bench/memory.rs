//! Resident memory of this process, as the kernel counts it (Linux `/proc/self`).

use anyhow::Context;

/// The peak resident set size (`VmHWM`) in KiB since start or since the last [`reset_peak`].
pub fn peak_rss_kib() -> anyhow::Result<u64> {
    status_kib("VmHWM:")
}

/// The resident set size now (`VmRSS`) in KiB.
pub fn rss_kib() -> anyhow::Result<u64> {
    status_kib("VmRSS:")
}

fn status_kib(field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")
        .context("cannot read /proc/self/status (memory is measured on Linux only)")?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .with_context(|| format!("/proc/self/status has no {field} line"))
}

/// Starts a new peak from the current resident size, so that a phase's peak is its own and
/// not that of the bulk load before it. Writing 5 to `clear_refs` does exactly that; where
/// the kernel refuses, the peak stays the process-wide one, which can only overstate it.
pub fn reset_peak() {
    if let Err(e) = std::fs::write("/proc/self/clear_refs", "5") {
        eprintln!("bench: cannot reset the peak RSS ({e}); it covers the whole run so far");
    }
}

/// KiB as MiB for people.
pub fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}
