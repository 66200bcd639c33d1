//! Stage 2, validate: streams the game master's narrative to the player as it is written, then
//! checks the whole answer against the contract. A refused answer is repaired at most twice, each
//! attempt announced by a `repair` event that voids the narrative so far; after that the safe
//! fallback is told instead. Ends with the `badges` event.

use futures::StreamExt;
use models::{
    AgentPhase, BoundedVec, StageStatus, TurnEvent, TurnInput, TurnOutput, ValidationBadge, parse_game_master_output,
};

use crate::fallback::fallback_output;
use crate::game_master::{GameMasterEvent, GameMasterRequest, RepairFeedback};
use crate::messages;
use crate::narrative_deltas::word_deltas;
use crate::turn_context::TurnContext;

/// Repair attempts after the first answer.
pub const MAX_REPAIRS: u32 = 2;

pub(crate) struct Validated {
    pub(crate) output: TurnOutput,
    /// The narrative the player has seen since the last repair.
    pub(crate) streamed_narrative: String,
}

pub(crate) async fn run(turn: &TurnContext, request: GameMasterRequest) -> Validated {
    turn.stage(AgentPhase::Validate, StageStatus::Start);
    let mut repair = None;
    for attempt in 0..=MAX_REPAIRS {
        let request = GameMasterRequest { repair: repair.take(), ..request.clone() };
        let (answer, streamed_narrative) = ask(turn, request).await;
        let problem = match answer.and_then(|text| check(&text, &turn.input)) {
            Ok(mut output) => {
                output.agent_console.repair_count = attempt;
                output.agent_console.badges = badges_for(&output, &turn.input, true);
                turn.stage(AgentPhase::Validate, StageStatus::Complete);
                turn.emit(TurnEvent::Badges { badges: output.agent_console.badges.to_vec() });
                return Validated { output, streamed_narrative };
            }
            Err(problem) => problem,
        };
        tracing::info!(attempt = attempt + 1, "the game master's answer was refused; repairing");
        turn.emit(TurnEvent::Repair {
            attempt: attempt + 1,
            message: messages::repair_notice(turn.input.language, attempt + 1),
        });
        repair = Some(RepairFeedback { attempt: attempt + 1, problem });
    }

    let output = fallback_output(&turn.input, MAX_REPAIRS);
    for delta in word_deltas(&output.narrative) {
        turn.emit(TurnEvent::Narrative { text: delta });
    }
    turn.stage(AgentPhase::Validate, StageStatus::Fail);
    turn.emit(TurnEvent::Badges { badges: output.agent_console.badges.to_vec() });
    let streamed_narrative = output.narrative.clone();
    Validated { output, streamed_narrative }
}

/// Streams one answer's narrative to the player; returns the finished JSON text (or why there
/// is none) and the narrative streamed.
async fn ask(turn: &TurnContext, request: GameMasterRequest) -> (Result<String, String>, String) {
    let mut streamed = String::new();
    let mut answer = turn.engine.game_master.answer(request);
    while let Some(step) = answer.next().await {
        match step {
            Ok(GameMasterEvent::NarrativeDelta(text)) => {
                if !text.is_empty() {
                    streamed.push_str(&text);
                    turn.emit(TurnEvent::Narrative { text });
                }
            }
            Ok(GameMasterEvent::Finished(text)) => return (Ok(text), streamed),
            Err(error) => return (Err(error.to_string()), streamed),
        }
    }
    (Err("the game master stopped without a finished answer".to_owned()), streamed)
}

/// The contract check plus the rules that need the input: the language of the turn and a
/// narrative to tell.
fn check(text: &str, input: &TurnInput) -> Result<TurnOutput, String> {
    let mut output = parse_game_master_output(text).map_err(|error| error.to_string())?;
    if output.language != input.language {
        return Err("language: must equal the language of the turn".to_owned());
    }
    if output.narrative.trim().is_empty() {
        return Err("narrative: must not be empty".to_owned());
    }
    output.render.clear_server_owned();
    Ok(output)
}

/// The badges the server stands behind for an accepted answer: the game master's own economy
/// arithmetic and safety verdict are reported as they were, before the server settles them.
fn badges_for(output: &TurnOutput, input: &TurnInput, schema_ok: bool) -> BoundedVec<ValidationBadge, 4> {
    let badges = vec![
        if schema_ok { ValidationBadge::SchemaOk } else { ValidationBadge::SchemaFail },
        if output.economy.holds_for(input.economy_snapshot) {
            ValidationBadge::EconomyOk
        } else {
            ValidationBadge::EconomyFail
        },
        if output.safety.blocked { ValidationBadge::SafetyBlocked } else { ValidationBadge::SafetyOk },
        ValidationBadge::ConsistencyOk,
    ];
    BoundedVec::new(badges).expect("four badges fit")
}
