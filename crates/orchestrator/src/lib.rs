//! The turn engine: runs a turn through its seven stages, decides whether an image is made,
//! spawns and tracks the image work, and emits domain events through a typed sink. It knows
//! nothing about HTTP or SSE.

pub mod background;
pub mod cpu_pool;
pub mod decision;
pub mod engine;
mod engine_state;
pub mod fallback;
pub mod game_master;
pub mod image_generator;
pub mod image_store;
pub mod messages;
pub mod metrics;
pub mod mock;
mod narrative_deltas;
mod options;
pub mod providers;
pub mod redact;
pub mod render_task;
pub mod sink;
mod stages;
pub mod store;
mod turn;
mod turn_context;
mod turn_ids;

pub use decision::{ImageDecision, decide_image};
pub use engine::{Engine, StartError};
pub use game_master::{GameMaster, GameMasterError, GameMasterEvent, GameMasterRequest, RepairFeedback};
pub use image_generator::{GeneratedImage, ImageError, ImageGenerator, ImageRequest, ReferenceImage};
pub use metrics::MetricsSnapshot;
pub use options::{EngineConfig, LowBalancePolicy, MockImage, TurnOptions};
pub use sink::TurnEventSink;
pub use stages::validate::MAX_REPAIRS;
pub use store::{TurnRecord, TurnStatus, TurnStore};
