//! Resident memory of this process or a child, as the kernel counts it (Linux `/proc`).

use anyhow::Context;

/// The peak resident set size (`VmHWM`) in KiB since start or since the last [`reset_peak`].
pub fn peak_rss_kib() -> anyhow::Result<u64> {
    status_kib("self", "VmHWM:")
}

/// The peak resident set size of process `pid` (see [`peak_rss_kib`]).
pub fn peak_rss_kib_of(pid: &str) -> anyhow::Result<u64> {
    status_kib(pid, "VmHWM:")
}

fn status_kib(pid: &str, field: &str) -> anyhow::Result<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {path} (memory is measured on Linux only)"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .with_context(|| format!("{path} has no {field} line"))
}

/// Starts a new peak from the current resident size, so that a phase's peak is its own and
/// not that of the bulk load before it. Writing 5 to `clear_refs` does exactly that; where
/// the kernel refuses, the peak stays the process-wide one, which can only overstate it.
pub fn reset_peak() {
    reset_peak_of("self");
}

/// [`reset_peak`] for process `pid`.
pub fn reset_peak_of(pid: &str) {
    if let Err(e) = std::fs::write(format!("/proc/{pid}/clear_refs"), "5") {
        eprintln!("bench: cannot reset the peak RSS of {pid} ({e}); it covers its whole run");
    }
}

/// KiB as MiB for people.
pub fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}
