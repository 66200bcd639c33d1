//! The safe fallback TurnOutput, used whenever the game master cannot produce a valid one.

use models::{
    ActionCard, ActionDeck, AgentConsole, BoundedVec, CurrencyAmount, EconomyOutput, Id, ModelLabel, RenderOutput,
    RiskLevel, SafetyOutput, TurnInput, TurnOutput, UiOutput, ValidationBadge, WorldDelta,
};

use crate::messages;

/// Below this much Signal the player is warned that the balance runs low.
pub const LOW_BALANCE_SIGNAL: u32 = 10;

/// A turn that costs nothing, offers one way on, and asks for no image.
pub fn fallback_output(input: &TurnInput, repair_count: u32) -> TurnOutput {
    let snapshot = input.economy_snapshot;
    let card = ActionCard {
        id: Id::try_from("fallback_text_only").expect("a literal valid id"),
        label: messages::fallback_card_label(input.language),
        cost: CurrencyAmount { signal: 1, memory_shard: 0 },
        risk: RiskLevel::Low,
        enabled: true,
        is_alternative: true,
    };
    let badges = vec![
        ValidationBadge::SchemaFail,
        ValidationBadge::EconomyOk,
        ValidationBadge::SafetyOk,
        ValidationBadge::ConsistencyOk,
    ];
    TurnOutput {
        language: input.language,
        narrative: messages::fallback_narrative(input.language),
        economy: EconomyOutput::settle(
            snapshot,
            CurrencyAmount::ZERO,
            CurrencyAmount::ZERO,
            snapshot.signal < LOW_BALANCE_SIGNAL,
        ),
        safety: SafetyOutput { blocked: false, message: None },
        ui: UiOutput {
            action_deck: ActionDeck { cards: BoundedVec::new(vec![card]).expect("one card fits") },
            objects: BoundedVec::default(),
        },
        world: WorldDelta::default(),
        render: RenderOutput::default(),
        agent_console: AgentConsole {
            current_phase: models::AgentPhase::Commit,
            badges: BoundedVec::new(badges).expect("four badges fit"),
            repair_count,
            model_label: ModelLabel::Fast,
        },
    }
}
