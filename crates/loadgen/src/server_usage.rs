//! Samples the server's CPU time and resident memory from /proc while a run goes on.

use std::time::{Duration, Instant};

use tokio::task::JoinHandle;

/// A background sampler of one process.
pub struct UsageSampler {
    task: JoinHandle<Usage>,
    stop: tokio::sync::oneshot::Sender<()>,
}

/// What the sampler saw.
#[derive(Debug, Clone, Default)]
pub struct Usage {
    pub rss_start_kib: u64,
    pub rss_peak_kib: u64,
    pub rss_end_kib: u64,
    pub cpu_seconds: f64,
    pub wall_seconds: f64,
}

impl Usage {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "rss_start_mib": self.rss_start_kib as f64 / 1024.0,
            "rss_peak_mib": self.rss_peak_kib as f64 / 1024.0,
            "rss_end_mib": self.rss_end_kib as f64 / 1024.0,
            "cpu_seconds": self.cpu_seconds,
            "cpu_share_of_one_core": self.cpu_seconds / self.wall_seconds.max(f64::EPSILON),
        })
    }
}

impl UsageSampler {
    pub fn start(pid: u32) -> Self {
        let (stop, mut stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let cpu_start = cpu_ticks(pid).unwrap_or(0);
            let rss_start = rss_kib(pid).unwrap_or(0);
            let mut usage = Usage { rss_start_kib: rss_start, rss_peak_kib: rss_start, ..Usage::default() };
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    () = tokio::time::sleep(Duration::from_millis(100)) => {}
                }
                usage.rss_peak_kib = usage.rss_peak_kib.max(rss_kib(pid).unwrap_or(0));
            }
            usage.rss_end_kib = rss_kib(pid).unwrap_or(0);
            usage.cpu_seconds = cpu_ticks(pid).unwrap_or(0).saturating_sub(cpu_start) as f64 / ticks_per_second();
            usage.wall_seconds = started.elapsed().as_secs_f64();
            usage
        });
        UsageSampler { task, stop }
    }

    pub async fn stop(self) -> Usage {
        let _ = self.stop.send(());
        self.task.await.unwrap_or_default()
    }
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// utime + stime of the process, in clock ticks.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; the fields after its closing parenthesis are fixed.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// Linux reports CPU times in USER_HZ, which is 100 on every mainstream configuration.
fn ticks_per_second() -> f64 {
    100.0
}
