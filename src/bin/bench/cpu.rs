//! CPU time used by a whole process, from Linux's `/proc`.

/// CPU seconds this process has used (user + system), from /proc/self/stat.
pub fn process_secs() -> f64 {
    process_secs_of("self")
}

/// CPU seconds process `pid` (or `self`) has used, 0 when it is gone.
pub fn process_secs_of(pid: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| stat_secs(s.rsplit_once(')')?.1))
        .unwrap_or(0.0)
}

/// User + system CPU seconds from a `/proc/…/stat` line's fields after the name's `)`.
fn stat_secs(after_name: &str) -> Option<f64> {
    let ticks = 100.0; // USER_HZ on Linux
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / ticks)
}
