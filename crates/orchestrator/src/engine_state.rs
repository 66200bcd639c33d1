//! What every turn and render task of the engine shares, and the guard that holds a turn's place
//! among those in flight. Below the engine, the turn and the render task, so they all read it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::game_master::GameMaster;
use crate::image_generator::ImageGenerator;
use crate::metrics::EngineMetrics;
use crate::options::EngineConfig;
use crate::store::TurnStore;
use crate::turn_ids::TurnIdSource;

/// What every turn and render task of the engine shares.
pub(crate) struct EngineInner {
    pub(crate) config: EngineConfig,
    pub(crate) game_master: Arc<dyn GameMaster>,
    pub(crate) images: Option<Arc<dyn ImageGenerator>>,
    pub(crate) store: TurnStore,
    pub(crate) metrics: EngineMetrics,
    /// Every turn and render task, so shutdown can wait for them: nothing is fire-and-forget.
    pub(crate) tracker: TaskTracker,
    /// Tells render tasks still running after the shutdown grace to fail cleanly.
    pub(crate) cancel: CancellationToken,
    /// Bounds the images made at once (`max_concurrent_images`).
    pub(crate) image_permits: Semaphore,
    /// Set once shutdown begins; no turn starts after it.
    pub(crate) closing: AtomicBool,
    pub(crate) turn_ids: TurnIdSource,
}

/// Holds one place among the turns in flight; the place is given back, and the turn counted as
/// completed, when the guard drops after the turn's `render` event.
pub(crate) struct InFlightGuard {
    engine: Arc<EngineInner>,
}

impl InFlightGuard {
    pub(crate) fn acquire(engine: Arc<EngineInner>, limit: usize) -> Option<Self> {
        let metrics = &engine.metrics;
        let previous = metrics.turns_in_flight.fetch_add(1, Ordering::SeqCst);
        if previous >= limit as u64 {
            metrics.turns_in_flight.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        metrics.turns_started.fetch_add(1, Ordering::Relaxed);
        Some(InFlightGuard { engine })
    }
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.engine.metrics.turns_in_flight.fetch_sub(1, Ordering::SeqCst);
        self.engine.metrics.turns_completed.fetch_add(1, Ordering::Relaxed);
    }
}
