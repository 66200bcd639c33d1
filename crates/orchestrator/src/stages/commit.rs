//! Stage 7, commit: the output is final; it goes out as the `final` event.

use models::{AgentPhase, StageStatus, TurnEvent, TurnOutput};

use crate::turn_context::TurnContext;

pub(crate) fn run(turn: &TurnContext, mut output: TurnOutput) {
    turn.stage(AgentPhase::Commit, StageStatus::Start);
    output.agent_console.current_phase = AgentPhase::Commit;
    turn.stage(AgentPhase::Commit, StageStatus::Complete);
    turn.emit(TurnEvent::Final { data: Box::new(output) });
}
