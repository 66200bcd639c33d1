//! Stage 3, plan: settles the turn's economy from the player's snapshot. Whatever the game master
//! wrote for `balance_after` and `credit` is replaced by the contract's invariant.

use models::{AgentPhase, EconomyOutput, StageStatus, TurnOutput};

use crate::fallback::LOW_BALANCE_SIGNAL;
use crate::turn_context::TurnContext;

pub(crate) fn run(turn: &TurnContext, mut output: TurnOutput) -> TurnOutput {
    turn.stage(AgentPhase::Plan, StageStatus::Start);
    let snapshot = turn.input.economy_snapshot;
    let proposed = output.economy;
    let settled = EconomyOutput::settle(snapshot, proposed.cost, proposed.gains, false);
    let low_balance = proposed.low_balance_warning || settled.balance_after.signal < LOW_BALANCE_SIGNAL;
    output.economy = EconomyOutput { low_balance_warning: low_balance, ..settled };
    turn.stage(AgentPhase::Plan, StageStatus::Complete);
    output
}
