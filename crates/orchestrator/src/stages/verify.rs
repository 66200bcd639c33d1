//! Stage 6, verify: checks the promises the output makes before it goes out — the economy
//! invariant and the narrative equal to what was streamed — and mends what broke, saying so in
//! an `error` event rather than sending a wrong result.

use models::{AgentPhase, EconomyOutput, StageStatus, TurnEvent, TurnOutput};

use crate::turn_context::TurnContext;

pub(crate) fn run(turn: &TurnContext, output: &mut TurnOutput, streamed_narrative: &str) {
    turn.stage(AgentPhase::Verify, StageStatus::Start);
    let snapshot = turn.input.economy_snapshot;
    if !output.economy.holds_for(snapshot) {
        let economy = output.economy;
        output.economy = EconomyOutput::settle(snapshot, economy.cost, economy.gains, economy.low_balance_warning);
        turn.emit(TurnEvent::Recovered {
            code: "economy_corrected".to_owned(),
            message: "the economy did not follow the invariant and was recomputed".to_owned(),
        });
    }
    if output.narrative != streamed_narrative {
        output.narrative = streamed_narrative.to_owned();
        turn.emit(TurnEvent::Recovered {
            code: "narrative_corrected".to_owned(),
            message: "the final narrative is the one that was streamed".to_owned(),
        });
    }
    turn.stage(AgentPhase::Verify, StageStatus::Complete);
}
