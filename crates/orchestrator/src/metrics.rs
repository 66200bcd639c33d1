//! Counters of the engine, kept in atomics so recording never waits; the server renders them.

use std::sync::atomic::{AtomicU64, Ordering};

use models::{RenderReason, RenderStatus};

/// Upper bounds, in ms, of the generation-time histogram buckets.
pub const GENERATION_TIME_BUCKETS_MS: [u64; 10] = [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000];

const STATUSES: [RenderStatus; 3] = [RenderStatus::Completed, RenderStatus::Skipped, RenderStatus::Failed];
/// One slot per reason plus one for "no reason".
const REASON_SLOTS: usize = RenderReason::ALL.len() + 1;

#[derive(Debug, Default)]
pub struct EngineMetrics {
    pub turns_started: AtomicU64,
    pub turns_completed: AtomicU64,
    pub turns_in_flight: AtomicU64,
    pub images_in_flight: AtomicU64,
    outcomes: [[AtomicU64; REASON_SLOTS]; 3],
    generation_buckets: [AtomicU64; GENERATION_TIME_BUCKETS_MS.len()],
    generation_sum_ms: AtomicU64,
    generation_count: AtomicU64,
}

impl EngineMetrics {
    pub fn record_outcome(&self, status: RenderStatus, reason: Option<RenderReason>, generation_time_ms: Option<u64>) {
        let status_slot = STATUSES.iter().position(|s| *s == status).unwrap_or(0);
        let reason_slot = reason.and_then(|r| RenderReason::ALL.iter().position(|x| *x == r)).map_or(0, |i| i + 1);
        self.outcomes[status_slot][reason_slot].fetch_add(1, Ordering::Relaxed);
        if let Some(ms) = generation_time_ms {
            for (bucket, bound) in self.generation_buckets.iter().zip(GENERATION_TIME_BUCKETS_MS) {
                if ms <= bound {
                    bucket.fetch_add(1, Ordering::Relaxed);
                }
            }
            self.generation_sum_ms.fetch_add(ms, Ordering::Relaxed);
            self.generation_count.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn snapshot(&self) -> MetricsSnapshot {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let mut render_outcomes = Vec::new();
        for (status, row) in STATUSES.iter().zip(&self.outcomes) {
            for (slot, counter) in row.iter().enumerate() {
                let count = load(counter);
                if count > 0 {
                    let reason = if slot == 0 { "" } else { RenderReason::ALL[slot - 1].as_str() };
                    render_outcomes.push((status.as_str(), reason, count));
                }
            }
        }
        MetricsSnapshot {
            turns_started: load(&self.turns_started),
            turns_completed: load(&self.turns_completed),
            turns_in_flight: load(&self.turns_in_flight),
            images_in_flight: load(&self.images_in_flight),
            render_outcomes,
            generation_time_buckets: GENERATION_TIME_BUCKETS_MS
                .iter()
                .zip(&self.generation_buckets)
                .map(|(bound, count)| (*bound, load(count)))
                .collect(),
            generation_time_sum_ms: load(&self.generation_sum_ms),
            generation_time_count: load(&self.generation_count),
        }
    }
}

/// Counters for the server's metrics endpoint, read at one instant.
#[derive(Debug, Clone, Default)]
pub struct MetricsSnapshot {
    pub turns_started: u64,
    pub turns_completed: u64,
    pub turns_in_flight: u64,
    pub images_in_flight: u64,
    /// `(status, reason or "", count)` for every render outcome seen.
    pub render_outcomes: Vec<(&'static str, &'static str, u64)>,
    /// Histogram of `generation_time_ms`: `(upper bound in ms, cumulative count)`, then sum and count.
    pub generation_time_buckets: Vec<(u64, u64)>,
    pub generation_time_sum_ms: u64,
    pub generation_time_count: u64,
}
