//! Stage 1, parse: the request body was parsed into validated types before the turn started;
//! this stage turns it into the question for the game master.

use models::{AgentPhase, StageStatus};

use crate::game_master::GameMasterRequest;
use crate::turn_context::TurnContext;

pub(crate) fn run(turn: &TurnContext) -> GameMasterRequest {
    turn.stage(AgentPhase::Parse, StageStatus::Start);
    let request = GameMasterRequest {
        input: turn.input.clone(),
        seed: turn.seed,
        mock_image: turn.options.mock_image,
        repair: None,
    };
    turn.stage(AgentPhase::Parse, StageStatus::Complete);
    request
}
