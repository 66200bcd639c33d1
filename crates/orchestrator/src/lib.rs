//! The turn engine: runs a turn through its seven stages, decides whether an image is made,
//! spawns and tracks the image work, and emits domain events through a typed sink. It knows
//! nothing about HTTP or SSE.
//!
//! Every module is private; this file is the facade. What a caller may use is re-exported
//! below, and what only tests and tools need is in [`testing`], so a change to this file is an
//! API change and a change anywhere else is not.

mod background;
mod cpu_pool;
mod cutout;
mod decision;
mod engine;
mod engine_state;
mod fallback;
mod game_master;
mod image_generator;
mod image_store;
mod messages;
mod metrics;
mod mock;
mod narrative_deltas;
mod options;
mod providers;
mod redact;
mod render_task;
mod sink;
mod stages;
mod store;
mod turn;
mod turn_context;
mod turn_ids;

pub use engine::{Engine, StartError};
pub use game_master::{GameMaster, GameMasterError, GameMasterEvent, GameMasterRequest, RepairFeedback};
pub use image_generator::{GeneratedImage, ImageError, ImageGenerator, ImageRequest, ReferenceImage};
pub use image_store::{generated_dir, remove_stale_temp_files};
pub use metrics::MetricsSnapshot;
pub use mock::{MockGameMaster, MockImageGenerator};
pub use options::{EngineConfig, LowBalancePolicy, MockImage, TurnOptions};
pub use providers::{ProviderError, ProviderKind, ProviderSettings, Providers as RealProviders, build_providers};
pub use sink::TurnEventSink;
pub use store::{TurnRecord, TurnStatus};

/// Entry points for tests, examples and benchmarks: the pieces a turn is made of, reachable
/// one by one. Nothing in the server uses them.
pub mod testing {
    pub use crate::background::remove_background;
    pub use crate::cpu_pool::run_image_work;
    pub use crate::decision::{ImageDecision, decide_image};
    pub use crate::image_store::{StoreError, check_and_store, encode_png, image_id_for};
    pub use crate::mock::{paint_item, paint_scene};
    pub use crate::providers::{
        Secret, StaticToken, TokenSource, build_game_master, build_game_master_with, build_image_generator,
        build_image_generator_with,
    };
    pub use crate::redact::prompt_hash;
    pub use crate::stages::validate::MAX_REPAIRS;
    pub use crate::store::TurnStore;
}
