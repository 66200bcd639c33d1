//! The turn contract: the types that cross the wire, the rules they obey, the economy invariant
//! and the domain events of a turn. No IO lives here: no tokio, actix or reqwest.

pub mod economy;
pub mod enums;
pub mod events;
pub mod input;
pub mod output;
pub mod parse;
pub mod render;
pub mod schema;
pub mod values;

pub use enums::{AgentPhase, AspectRatio, ImageSize, Language, ModelLabel, RiskLevel, Theme, ValidationBadge};
pub use events::{RenderOutcome, RenderReason, RenderStatus, StageStatus, TurnEvent, TurnId};
pub use input::{Click, ClientInfo, Drop, TurnInput};
pub use output::{
    ActionCard, ActionDeck, AgentConsole, EconomyOutput, InventoryItemData, MAX_NARRATIVE_CHARS, MemoryPin, Quest,
    SafetyOutput, SceneObject, TurnOutput, UiOutput, WorldDelta, WorldRule,
};
pub use parse::{ContractError, parse_game_master_output, parse_turn_input, parse_turn_output};
pub use render::{ImageJob, RenderOutput};
pub use values::{
    BoundedText, BoundedVec, Box2D, CURRENCY_MAX, CurrencyAmount, GENERATED_IMAGES_PATH, IMAGE_EXTENSIONS, Id, ImageId,
    ImageUrl,
};
