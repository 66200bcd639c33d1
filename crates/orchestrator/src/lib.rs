//! The turn engine: runs a turn through its seven stages, decides whether an image is made,
//! spawns and tracks the image work, and emits domain events through a typed sink. It knows
//! nothing about HTTP or SSE.

pub mod background;
pub mod cpu_pool;
mod cutout;
pub mod decision;
pub mod engine;
pub mod fallback;
pub mod game_master;
pub mod image_generator;
pub mod image_store;
pub mod messages;
pub mod metrics;
pub mod mock;
pub mod providers;
pub mod render_task;
pub mod sink;
mod stages;
pub mod store;
mod turn;

pub use decision::{ImageDecision, decide_image};
pub use engine::{Engine, EngineConfig, LowBalancePolicy, MetricsSnapshot, MockImage, StartError, TurnOptions};
pub use game_master::{GameMaster, GameMasterError, GameMasterEvent, GameMasterRequest, RepairFeedback};
pub use image_generator::{GeneratedImage, ImageError, ImageGenerator, ImageRequest, ReferenceImage};
pub use sink::TurnEventSink;
pub use stages::validate::MAX_REPAIRS;
pub use store::{TurnRecord, TurnStatus, TurnStore};
