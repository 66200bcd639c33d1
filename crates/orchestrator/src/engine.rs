//! The engine: owns the game master, the image generator, the render pool and the turn store,
//! and starts turns.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use models::{TurnId, TurnInput};

use crate::game_master::GameMaster;
use crate::image_generator::ImageGenerator;
use crate::sink::TurnEventSink;
use crate::store::{TurnRecord, TurnStore};

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

struct EngineInner {
    config: EngineConfig,
    game_master: Arc<dyn GameMaster>,
    images: Option<Arc<dyn ImageGenerator>>,
    store: TurnStore,
}

impl Engine {
    /// An engine with these providers; `images = None` makes every image fail as `unavailable`.
    pub fn new(
        config: EngineConfig,
        game_master: Arc<dyn GameMaster>,
        images: Option<Arc<dyn ImageGenerator>>,
    ) -> Self {
        let store = TurnStore::new(config.turn_retention, config.turn_retention_max);
        Engine { inner: Arc::new(EngineInner { config, game_master, images, store }) }
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
        let _ = (input, options);
        todo!()
    }

    /// Runs one turn through the seven stages into `sink`, returning after `final`; the image
    /// work it spawns emits `render` into the same sink later.
    pub async fn run_turn(
        &self,
        turn_id: TurnId,
        input: TurnInput,
        options: TurnOptions,
        sink: Arc<dyn TurnEventSink>,
    ) {
        let _ = (turn_id, input, options, sink, &self.inner.game_master, &self.inner.images);
        todo!()
    }

    pub fn metrics(&self) -> MetricsSnapshot {
        todo!()
    }

    /// Stops accepting turns, lets running turns and image work end within `grace`, then fails
    /// what is left cleanly (every turn still gets its `render` event, no partial file stays).
    pub async fn shutdown(&self, grace: Duration) {
        let _ = grace;
        todo!()
    }
}
