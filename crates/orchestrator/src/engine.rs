//! The engine: owns the game master, the image generator, the render pool and the turn store,
//! and starts turns.

use std::sync::Arc;
use std::time::Duration;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use models::{TurnId, TurnInput};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::engine_state::{EngineInner, InFlightGuard};
use crate::game_master::GameMaster;
use crate::image_generator::ImageGenerator;
use crate::metrics::{EngineMetrics, MetricsSnapshot};
use crate::options::{EngineConfig, TurnOptions};
use crate::sink::TurnEventSink;
use crate::store::{TurnRecord, TurnStore};
use crate::turn::drive_turn;
use crate::turn_context::TurnContext;
use crate::turn_ids::TurnIdSource;

/// Why a turn could not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StartError {
    #[error("the server is at its turn limit")]
    Overloaded,
    #[error("the server is shutting down")]
    ShuttingDown,
}

/// The turn engine. Cheap to clone: every clone shares the same state.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

/// How often expired turns are forgotten besides at every turn start, so an idle server frees
/// them too.
const SWEEP_EVERY: Duration = Duration::from_secs(1);

/// Sweeps the store every `SWEEP_EVERY` for as long as the engine lives (it holds no strong
/// reference). Without a runtime (an engine built outside one) only turn starts sweep.
fn sweep_on_a_timer(inner: &Arc<EngineInner>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
    let engine = Arc::downgrade(inner);
    runtime.spawn(async move {
        let mut ticks = tokio::time::interval(SWEEP_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let Some(engine) = engine.upgrade() else { return };
            engine.store.sweep(Instant::now());
        }
    });
}

impl Engine {
    /// An engine with these providers; `images = None` makes every image fail as `unavailable`.
    pub fn new(
        config: EngineConfig,
        game_master: Arc<dyn GameMaster>,
        images: Option<Arc<dyn ImageGenerator>>,
    ) -> Self {
        let store = TurnStore::new(config.turn_retention, config.turn_retention_max);
        let image_permits = Semaphore::new(config.max_concurrent_images.max(1));
        let inner = EngineInner {
            config,
            game_master,
            images,
            store,
            metrics: EngineMetrics::default(),
            tracker: TaskTracker::new(),
            cancel: CancellationToken::new(),
            image_permits,
            closing: AtomicBool::new(false),
            turn_ids: TurnIdSource::new(),
        };
        let inner = Arc::new(inner);
        sweep_on_a_timer(&inner);
        Engine { inner }
    }

    pub fn config(&self) -> &EngineConfig {
        &self.inner.config
    }

    pub fn store(&self) -> &TurnStore {
        &self.inner.store
    }

    /// Starts a turn in the background and returns its record at once; the record already holds
    /// the `Started` event, and every later event lands in it.
    pub fn start_turn(&self, input: TurnInput, options: TurnOptions) -> Result<Arc<TurnRecord>, StartError> {
        let in_flight = self.admit()?;
        // Every start forgets a few expired turns: retention costs a little per turn, never a
        // burst that would stall the turns streaming on this worker.
        self.inner.store.sweep(Instant::now());
        let turn_id = self.inner.turn_ids.next();
        let record = self.inner.store.insert(turn_id.clone());
        let sink: Arc<dyn TurnEventSink> = record.clone();
        let turn = TurnContext::new(Arc::clone(&self.inner), turn_id, input, options, sink);
        turn.announce();
        self.inner.tracker.spawn(drive_turn(turn, in_flight));
        Ok(record)
    }

    /// Runs one turn into `sink` (starting with its `Started` event) and returns after `final`;
    /// the image work it spawns emits `render` into the same sink later.
    pub async fn run_turn(
        &self,
        turn_id: TurnId,
        input: TurnInput,
        options: TurnOptions,
        sink: Arc<dyn TurnEventSink>,
    ) -> Result<(), StartError> {
        let in_flight = self.admit()?;
        let turn = TurnContext::new(Arc::clone(&self.inner), turn_id, input, options, sink);
        turn.announce();
        drive_turn(turn, in_flight).await;
        Ok(())
    }

    pub fn metrics(&self) -> MetricsSnapshot {
        self.inner.metrics.snapshot()
    }

    /// Stops accepting turns, lets running turns and image work end within `grace`, then fails
    /// what is left cleanly (every turn still gets its `render` event, no partial file stays).
    pub async fn shutdown(&self, grace: Duration) {
        self.inner.closing.store(true, Ordering::SeqCst);
        self.inner.tracker.close();
        if tokio::time::timeout(grace, self.inner.tracker.wait()).await.is_err() {
            tracing::warn!(grace_ms = grace.as_millis() as u64, "image work outlived the shutdown grace; failing it");
            self.inner.cancel.cancel();
            // Cancelled render tasks end at their next await; this bound only guards against a
            // provider call that ignores being dropped.
            let _ = tokio::time::timeout(Duration::from_secs(5), self.inner.tracker.wait()).await;
        }
    }

    /// Counts a new turn in, refusing it past the in-flight limit or during shutdown.
    fn admit(&self) -> Result<InFlightGuard, StartError> {
        if self.inner.closing.load(Ordering::SeqCst) {
            return Err(StartError::ShuttingDown);
        }
        InFlightGuard::acquire(Arc::clone(&self.inner), self.inner.config.max_turns_in_flight)
            .ok_or(StartError::Overloaded)
    }
}
