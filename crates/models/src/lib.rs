//! The turn contract: the types that cross the wire, the rules they obey, the economy invariant
//! and the domain events of a turn. No IO lives here: no tokio, actix or reqwest.
//!
//! Every module is private; this file is the facade that lists what callers may use.

mod economy;
mod enums;
mod events;
mod input;
mod output;
mod parse;
mod render;
mod render_outcome;
mod schema;
mod values;

pub use economy::{balance_after, credit};
pub use enums::{AgentPhase, AspectRatio, ImageSize, Language, ModelLabel, RiskLevel, Theme, ValidationBadge};
pub use events::{StageStatus, TurnEvent, TurnId};
pub use input::{Click, ClientInfo, Drop, TurnInput};
pub use output::{
    ActionCard, ActionDeck, AgentConsole, EconomyOutput, InventoryItemData, MAX_NARRATIVE_CHARS, MemoryPin, Quest,
    SafetyOutput, SceneObject, TurnOutput, UiOutput, WorldDelta, WorldRule,
};
pub use parse::{ContractError, parse_game_master_output, parse_turn_input, parse_turn_output};
pub use render::{ImageJob, RenderOutput};
pub use render_outcome::{RenderOutcome, RenderReason, RenderStatus};
pub use schema::{turn_input_schema, turn_output_schema, turn_output_schema_for_models};
pub use values::{
    BoundedText, BoundedVec, Box2D, CURRENCY_MAX, CurrencyAmount, GENERATED_IMAGES_PATH, IMAGE_EXTENSIONS, Id, ImageId,
    ImageUrl,
};
