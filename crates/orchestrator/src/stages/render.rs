//! Stage 5, render: decides about the image (docs/render.md §1), charges for it, and spawns the image
//! work without waiting for it. `final` goes out without the image; `render` follows.

use models::{AgentPhase, ImageJob, RenderOutcome, RenderReason, RenderStatus, StageStatus, TurnOutput};

use super::RenderPlan;
use crate::decision::{ImageDecision, decide_image};
use crate::messages;
use crate::render_task::{self, RenderJob};
use crate::turn_context::{RenderHandoff, TurnContext};

pub(crate) fn run(turn: &TurnContext, output: &mut TurnOutput, handoff: &mut RenderHandoff) -> RenderPlan {
    turn.stage(AgentPhase::Render, StageStatus::Start);
    let config = &turn.engine.config;
    let decision = decide_image(
        output.render.image_job.as_ref(),
        &output.economy,
        config.image_cost_signal,
        config.low_balance_policy,
    );
    let plan = match decision {
        ImageDecision::Skip { reason, low_balance_warning } => {
            output.economy.low_balance_warning = low_balance_warning;
            // A skipped job must not look pending to a client.
            if let Some(job) = output.render.image_job.as_mut() {
                job.should_generate = false;
            }
            let message = (reason == RenderReason::InsufficientBalance)
                .then(|| messages::insufficient_balance(turn.input.language));
            render_task::log_skip(turn, output.render.image_job.as_ref(), reason);
            RenderPlan::Skip(Box::new(RenderOutcome {
                status: RenderStatus::Skipped,
                reason: Some(reason),
                message,
                render: output.render.clone(),
                economy: None,
                safety: None,
            }))
        }
        ImageDecision::Generate { model_label, charge, low_balance_warning } => {
            let snapshot = turn.input.economy_snapshot;
            output.economy = output.economy.charge_signal(snapshot, charge);
            output.economy.low_balance_warning = low_balance_warning;
            let job = output.render.image_job.as_mut().expect("the decision generates only for a job");
            job.model_label = model_label;
            let job: ImageJob = job.clone();
            render_task::spawn(turn, RenderJob::new(turn, job, charge, output), handoff);
            RenderPlan::Spawned
        }
    };
    turn.stage(AgentPhase::Render, StageStatus::Complete);
    plan
}
