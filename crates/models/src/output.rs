//! TurnOutput: the `data` of the `final` event and the synced result of a turn.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::enums::{AgentPhase, Language, ModelLabel, RiskLevel, ValidationBadge};
use crate::render::RenderOutput;
use crate::values::{BoundedVec, Box2D, CurrencyAmount, Id, ranged};

/// The longest narrative of a turn, in characters.
pub const MAX_NARRATIVE_CHARS: usize = 8000;

/// Everything a turn produced. Keys serialise in the contract's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TurnOutput {
    pub language: Language,
    /// Exactly the concatenation of the narrative deltas after the last repair.
    #[serde(deserialize_with = "narrative_within_limit")]
    #[schemars(length(max = 8000))]
    pub narrative: String,
    pub economy: EconomyOutput,
    pub safety: SafetyOutput,
    pub ui: UiOutput,
    #[serde(default)]
    pub world: WorldDelta,
    #[serde(default)]
    pub render: RenderOutput,
    pub agent_console: AgentConsole,
}

/// What the turn costs and gives. `balance_after` and `credit` are always recomputed by the
/// server from the snapshot (see `economy`), so what a game master writes there does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EconomyOutput {
    /// Everything spent this turn, the image included.
    pub cost: CurrencyAmount,
    pub gains: CurrencyAmount,
    #[serde(default)]
    pub balance_after: CurrencyAmount,
    #[serde(default)]
    pub credit: u64,
    #[serde(default)]
    pub low_balance_warning: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SafetyOutput {
    pub blocked: bool,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UiOutput {
    pub action_deck: ActionDeck,
    #[serde(default)]
    pub objects: BoundedVec<SceneObject, 5>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionDeck {
    #[serde(default)]
    pub cards: BoundedVec<ActionCard, 5>,
}

/// An action the player can choose next turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionCard {
    pub id: Id,
    pub label: String,
    pub cost: CurrencyAmount,
    #[serde(default)]
    pub risk: RiskLevel,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    #[serde(default)]
    pub is_alternative: bool,
}

fn enabled_by_default() -> bool {
    true
}

/// An object of the scene the player can click or drop items on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SceneObject {
    pub id: Id,
    pub label: String,
    pub box_2d: Box2D,
    #[serde(default)]
    pub interaction_hint: Option<String>,
}

/// How the world changed this turn.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorldDelta {
    #[serde(default)]
    pub rules_changed: BoundedVec<WorldRule, 3>,
    #[serde(default)]
    pub inventory_added: BoundedVec<InventoryItemData, 5>,
    #[serde(default)]
    pub inventory_removed: BoundedVec<Id, 5>,
    #[serde(default)]
    pub quests_updated: BoundedVec<Quest, 3>,
    #[serde(default)]
    pub relationships_changed: BoundedVec<String, 3>,
    #[serde(default)]
    pub memory_pins: BoundedVec<MemoryPin, 2>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorldRule {
    pub id: Id,
    pub label: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InventoryItemData {
    pub id: Id,
    pub label: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub icon_url: Option<String>,
    #[serde(deserialize_with = "ranged::<_, 1, 4_294_967_295>")]
    #[schemars(range(min = 1))]
    pub quantity: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quest {
    pub id: Id,
    pub label: String,
    #[serde(default)]
    pub is_completed: bool,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub is_main: bool,
    #[serde(deserialize_with = "ranged::<_, 0, 100>")]
    #[schemars(range(min = 0, max = 100))]
    pub progress: u32,
    #[serde(default)]
    pub reward_signal: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemoryPin {
    pub id: Id,
    pub content: String,
    pub cost: CurrencyAmount,
}

/// What the agent console of the client shows about how the turn was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentConsole {
    #[serde(default)]
    pub current_phase: AgentPhase,
    #[serde(default)]
    pub badges: BoundedVec<ValidationBadge, 4>,
    #[serde(default)]
    pub repair_count: u32,
    pub model_label: ModelLabel,
}

/// Refuses a narrative over `MAX_NARRATIVE_CHARS` characters, counted as characters, not bytes.
fn narrative_within_limit<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let narrative = String::deserialize(deserializer)?;
    if narrative.len() > MAX_NARRATIVE_CHARS && narrative.chars().count() > MAX_NARRATIVE_CHARS {
        return Err(serde::de::Error::custom(format!("the narrative is longer than {MAX_NARRATIVE_CHARS} characters")));
    }
    Ok(narrative)
}
