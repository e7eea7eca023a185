//! CPU time used, from Linux's `/proc`: the whole process's, or that of some of its threads.

/// CPU seconds this process has used (user + system), from /proc/self/stat.
pub fn process_secs() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| stat_secs(s.rsplit_once(')')?.1))
        .unwrap_or(0.0)
}

/// CPU seconds (user + system) used by this process's live threads whose name `wanted` takes.
pub fn threads_secs(wanted: impl Fn(&str) -> bool) -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("stat")).ok())
        .filter_map(|stat| {
            let (head, rest) = stat.rsplit_once(')')?;
            let name = head.split_once('(')?.1;
            wanted(name).then(|| stat_secs(rest))?
        })
        .sum()
}

/// User + system CPU seconds from a `/proc/…/stat` line's fields after the name's `)`.
fn stat_secs(after_name: &str) -> Option<f64> {
    let ticks = 100.0; // USER_HZ on Linux
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / ticks)
}
