//! Stage 4, resolve: makes the next turn's choices consistent with the settled economy. A card
//! the player cannot pay for after this turn is shown disabled rather than offered.

use models::{AgentPhase, StageStatus, TurnOutput};

use crate::turn_context::TurnContext;

pub(crate) fn run(turn: &TurnContext, output: &mut TurnOutput) {
    turn.stage(AgentPhase::Resolve, StageStatus::Start);
    let balance = output.economy.balance_after;
    let mut cards = std::mem::take(&mut output.ui.action_deck.cards).into_inner();
    for card in &mut cards {
        if card.cost.signal > balance.signal || card.cost.memory_shard > balance.memory_shard {
            card.enabled = false;
        }
    }
    // Fewer cards than before always fit the bound they came in.
    output.ui.action_deck.cards = models::BoundedVec::new(cards).unwrap_or_default();
    turn.stage(AgentPhase::Resolve, StageStatus::Complete);
}
