//! One turn from `Started` to `final`: the seven stages in order, each announced by its stage
//! events, and the hand-off to the render task. Whatever goes wrong, the turn ends with exactly
//! one `final` and exactly one `render`.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::Ordering;

use futures::FutureExt;
use models::{AgentPhase, RenderOutcome, RenderReason, RenderStatus, StageStatus, TurnEvent};
use tokio::sync::oneshot;
use tracing::Instrument;

use crate::engine_state::InFlightGuard;
use crate::fallback::fallback_output;
use crate::stages::{self, RenderPlan};
use crate::turn_context::{RenderHandoff, TurnContext};

/// Runs a turn to its end. A panic in a stage is caught and turned into the safe fallback, so a
/// client always gets its `final` and `render`.
pub(crate) async fn drive_turn(turn: TurnContext, in_flight: InFlightGuard) {
    let span = tracing::info_span!("turn", turn_id = %turn.turn_id);
    async move {
        let (open_gate, final_gate) = oneshot::channel();
        let mut handoff = RenderHandoff { final_gate: Some(final_gate), in_flight: Some(in_flight) };
        let outcome = AssertUnwindSafe(run_stages(&turn, &mut handoff)).catch_unwind().await;
        let fell_back = outcome.is_err() && {
            tracing::error!("a stage panicked; the turn ends with the safe fallback");
            finish_after_panic(&turn)
        };
        // Opening the gate after `final` lets a waiting render task send `render`; it learns
        // whether that `final` was the fallback, which charged nothing.
        let _ = open_gate.send(fell_back);
        drop(handoff);
    }
    .instrument(span)
    .await;
}

async fn run_stages(turn: &TurnContext, handoff: &mut RenderHandoff) {
    let request = stages::parse::run(turn);
    let validated = stages::validate::run(turn, request).await;
    let mut output = stages::plan::run(turn, validated.output);
    stages::resolve::run(turn, &mut output);
    let plan = stages::render::run(turn, &mut output, handoff);
    stages::verify::run(turn, &mut output, &validated.streamed_narrative);
    stages::commit::run(turn, output.clone());
    if let RenderPlan::Skip(outcome) = plan {
        turn.emit(TurnEvent::Render(outcome));
    }
}

/// Sends whatever a panicking stage left unsent: the fallback `final`, and a `render` unless a
/// render task already owns it. Returns whether `final` is the fallback.
fn finish_after_panic(turn: &TurnContext) -> bool {
    let mut fallback = fallback_output(&turn.input, 0);
    let fell_back = !turn.final_sent.load(Ordering::SeqCst);
    if fell_back {
        turn.stage(AgentPhase::Commit, StageStatus::Fail);
        turn.emit(TurnEvent::Final { data: Box::new(fallback.clone()) });
    }
    if !turn.render_owned.load(Ordering::SeqCst) {
        fallback.render.image_job = None;
        turn.emit(TurnEvent::Render(Box::new(RenderOutcome {
            status: RenderStatus::Skipped,
            reason: Some(RenderReason::NoImageJob),
            message: None,
            render: fallback.render,
            economy: None,
            safety: None,
        })));
    }
    fell_back
}
