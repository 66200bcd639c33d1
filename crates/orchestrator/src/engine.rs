//! The engine: owns the game master, the image generator, the render pool and the turn store,
//! and starts turns.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use models::{TurnId, TurnInput};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::game_master::GameMaster;
use crate::image_generator::ImageGenerator;
use crate::metrics::EngineMetrics;
use crate::sink::TurnEventSink;
use crate::store::{TurnRecord, TurnStore};
use crate::turn::{TurnContext, drive_turn};

/// What to do when the player cannot pay for an image (render.md §1, rows 6 and 6').
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LowBalancePolicy {
    /// Skip the image and say why.
    #[default]
    TextOnly,
    /// Make a free image with the FAST model.
    FastFree,
}

impl FromStr for LowBalancePolicy {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "text_only" => Ok(LowBalancePolicy::TextOnly),
            "fast_free" => Ok(LowBalancePolicy::FastFree),
            other => Err(format!("`{other}` is not a low-balance policy (text_only, fast_free)")),
        }
    }
}

/// Which image job the mock game master writes, and how the mock generator behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MockImage {
    /// The mock game master decides from the seed and input.
    #[default]
    Auto,
    None,
    Skip,
    Scene,
    Item,
    Fail,
    Timeout,
    Safety,
}

impl FromStr for MockImage {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(match text {
            "auto" => MockImage::Auto,
            "none" => MockImage::None,
            "skip" => MockImage::Skip,
            "scene" => MockImage::Scene,
            "item" => MockImage::Item,
            "fail" => MockImage::Fail,
            "timeout" => MockImage::Timeout,
            "safety" => MockImage::Safety,
            other => {
                return Err(format!(
                    "`{other}` is not a mock_image mode (auto, none, skip, scene, item, fail, timeout, safety)"
                ));
            }
        })
    }
}

/// Per-turn options from the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TurnOptions {
    /// Makes the mock providers deterministic; `None` picks a seed per turn.
    pub seed: Option<u64>,
    pub mock_image: MockImage,
}

/// Everything the engine needs to know, passed in explicitly.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Generated images go to `<data_dir>/images/generated/`.
    pub data_dir: PathBuf,
    /// The price in Signal of a QUALITY image.
    pub image_cost_signal: u32,
    pub low_balance_policy: LowBalancePolicy,
    /// Deadline of one image generation.
    pub image_timeout: Duration,
    /// How many images are made at once; more wait their turn.
    pub max_concurrent_images: usize,
    /// Turns (not yet rendered) allowed at once; more are refused as overloaded.
    pub max_turns_in_flight: usize,
    /// How long a completed turn stays readable.
    pub turn_retention: Duration,
    /// How many completed turns stay readable at most.
    pub turn_retention_max: usize,
}

/// Why a turn could not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StartError {
    #[error("the server is at its turn limit")]
    Overloaded,
    #[error("the server is shutting down")]
    ShuttingDown,
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

/// The turn engine. Cheap to clone: every clone shares the same state.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

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
    closing: AtomicBool,
    turn_ids: TurnIdSource,
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

/// Holds one place among the turns in flight; the place is given back, and the turn counted as
/// completed, when the guard drops after the turn's `render` event.
pub(crate) struct InFlightGuard {
    engine: Arc<EngineInner>,
}

impl InFlightGuard {
    fn acquire(engine: Arc<EngineInner>, limit: usize) -> Option<Self> {
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

/// Makes turn ids: `t` and 20 hex characters of a keyed hash of a counter, unique within the
/// process and not guessable from one another.
struct TurnIdSource {
    key: [u8; 32],
    counter: AtomicU64,
}

impl TurnIdSource {
    fn new() -> Self {
        let mut seed = Vec::new();
        seed.extend_from_slice(&std::process::id().to_le_bytes());
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        seed.extend_from_slice(&now.as_nanos().to_le_bytes());
        let random_state = std::hash::BuildHasher::hash_one(&std::collections::hash_map::RandomState::new(), 0u8);
        seed.extend_from_slice(&random_state.to_le_bytes());
        TurnIdSource { key: *blake3::hash(&seed).as_bytes(), counter: AtomicU64::new(0) }
    }

    fn next(&self) -> TurnId {
        let count = self.counter.fetch_add(1, Ordering::Relaxed);
        let digest = blake3::keyed_hash(&self.key, &count.to_le_bytes());
        TurnId::parse(&format!("t{}", &digest.to_hex()[..20])).expect("t and hex digits form a turn id")
    }
}
