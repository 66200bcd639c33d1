//! The cost of one call: CPU time of the calling thread (immune to other processes sharing the
//! cores) and the peak resident memory it added, from the kernel's own counters.

use std::time::Instant;

/// What one call cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct Measured {
    pub cpu_ms: f64,
    pub wall_ms: f64,
    /// Peak resident memory above the level before the call, in bytes.
    pub peak_bytes: u64,
}

/// Runs `work` once and measures it.
pub fn measure<T>(work: impl FnOnce() -> T) -> (T, Measured) {
    // Writing 5 resets the peak resident size to the current one (Linux 4.0 and later).
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = status_kb("VmRSS:");
    let cpu = thread_cpu_ns();
    let wall = Instant::now();
    let result = work();
    let wall_ms = wall.elapsed().as_secs_f64() * 1000.0;
    let cpu_ms = match (cpu, thread_cpu_ns()) {
        (Some(start), Some(end)) => (end - start) as f64 / 1e6,
        _ => wall_ms,
    };
    let peak = if reset { status_kb("VmHWM:") } else { None };
    let peak_bytes = match (before, peak) {
        (Some(before), Some(peak)) => peak.saturating_sub(before) * 1024,
        _ => 0,
    };
    (result, Measured { cpu_ms, wall_ms, peak_bytes })
}

/// Nanoseconds this thread has run on a CPU (the first field of its schedstat).
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line[field.len()..].trim().trim_end_matches("kB").trim().parse().ok()
}
