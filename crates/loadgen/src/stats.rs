//! Latency samples and their percentiles.

use std::time::Duration;

/// Samples in microseconds.
#[derive(Debug, Default, Clone)]
pub struct Samples(Vec<u64>);

impl Samples {
    pub fn push(&mut self, value: Duration) {
        self.0.push(value.as_micros() as u64);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The nearest-rank percentile in ms (`p` in 0..=100), or `None` without samples.
    pub fn percentile_ms(&self, p: f64) -> Option<f64> {
        if self.0.is_empty() {
            return None;
        }
        let mut sorted = self.0.clone();
        sorted.sort_unstable();
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        Some(sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0)
    }

    /// p50, p95, p99 and max, in ms.
    pub fn summary(&self) -> Option<[f64; 4]> {
        Some([
            self.percentile_ms(50.0)?,
            self.percentile_ms(95.0)?,
            self.percentile_ms(99.0)?,
            self.percentile_ms(100.0)?,
        ])
    }

    pub fn to_json(&self) -> serde_json::Value {
        match self.summary() {
            Some([p50, p95, p99, max]) => {
                serde_json::json!({"n": self.len(), "p50": p50, "p95": p95, "p99": p99, "max": max})
            }
            None => serde_json::json!({"n": 0}),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut samples = Samples::default();
        for ms in 1..=100 {
            samples.push(Duration::from_millis(ms));
        }
        assert_eq!(samples.summary(), Some([50.0, 95.0, 99.0, 100.0]));
        let mut one = Samples::default();
        one.push(Duration::from_micros(1500));
        assert_eq!(one.summary(), Some([1.5; 4]));
        assert_eq!(Samples::default().summary(), None);
    }
}
