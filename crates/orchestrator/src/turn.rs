//! One turn from `Started` to `final`: the seven stages in order, each announced by its stage
//! events, and the hand-off to the render task. Whatever goes wrong, the turn ends with exactly
//! one `final` and exactly one `render`.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::FutureExt;
use models::{AgentPhase, RenderOutcome, RenderReason, RenderStatus, StageStatus, TurnEvent, TurnId, TurnInput};
use tokio::sync::oneshot;
use tracing::Instrument;

use crate::engine::{EngineInner, InFlightGuard, TurnOptions};
use crate::fallback::fallback_output;
use crate::sink::TurnEventSink;
use crate::stages::{self, RenderPlan};

/// What every stage of one turn may read.
pub(crate) struct TurnContext {
    pub(crate) engine: Arc<EngineInner>,
    pub(crate) turn_id: TurnId,
    pub(crate) input: TurnInput,
    pub(crate) options: TurnOptions,
    /// The seed of this turn: the request's, or one derived from the turn id.
    pub(crate) seed: u64,
    sink: Arc<dyn TurnEventSink>,
    /// Set once `final` is out, so a failure afterwards does not send a second one.
    final_sent: AtomicBool,
    /// Set once the `render` event is out or a render task owns sending it.
    render_owned: AtomicBool,
}

impl TurnContext {
    pub(crate) fn new(
        engine: Arc<EngineInner>,
        turn_id: TurnId,
        input: TurnInput,
        options: TurnOptions,
        sink: Arc<dyn TurnEventSink>,
    ) -> Self {
        let seed = options.seed.unwrap_or_else(|| {
            let digest = blake3::hash(turn_id.as_str().as_bytes());
            u64::from_le_bytes(digest.as_bytes()[..8].try_into().expect("eight bytes"))
        });
        TurnContext {
            engine,
            turn_id,
            input,
            options,
            seed,
            sink,
            final_sent: AtomicBool::new(false),
            render_owned: AtomicBool::new(false),
        }
    }

    pub(crate) fn emit(&self, event: TurnEvent) {
        match &event {
            TurnEvent::Final { .. } => self.final_sent.store(true, Ordering::SeqCst),
            TurnEvent::Render(_) => self.render_owned.store(true, Ordering::SeqCst),
            _ => {}
        }
        self.sink.emit(event);
    }

    /// Sends the turn's first event.
    pub(crate) fn announce(&self) {
        self.emit(TurnEvent::Started { turn_id: self.turn_id.clone() });
    }

    pub(crate) fn sink(&self) -> Arc<dyn TurnEventSink> {
        Arc::clone(&self.sink)
    }

    /// Marks the `render` event as the render task's to send.
    pub(crate) fn hand_render_to_task(&self) {
        self.render_owned.store(true, Ordering::SeqCst);
    }

    pub(crate) fn stage(&self, name: AgentPhase, status: StageStatus) {
        self.emit(TurnEvent::Stage { name, status });
    }
}

/// Everything the render stage needs to hand the image work over: the gate the render task
/// waits on (so `render` never overtakes `final`) and the turn's place among those in flight.
pub(crate) struct RenderHandoff {
    pub(crate) final_gate: Option<oneshot::Receiver<()>>,
    pub(crate) in_flight: Option<InFlightGuard>,
}

/// Runs a turn to its end. A panic in a stage is caught and turned into the safe fallback, so a
/// client always gets its `final` and `render`.
pub(crate) async fn drive_turn(turn: TurnContext, in_flight: InFlightGuard) {
    let span = tracing::info_span!("turn", turn_id = %turn.turn_id);
    async move {
        let (open_gate, final_gate) = oneshot::channel();
        let mut handoff = RenderHandoff { final_gate: Some(final_gate), in_flight: Some(in_flight) };
        let outcome = AssertUnwindSafe(run_stages(&turn, &mut handoff)).catch_unwind().await;
        if outcome.is_err() {
            tracing::error!("a stage panicked; the turn ends with the safe fallback");
            finish_after_panic(&turn);
        }
        // Opening the gate after `final` lets a waiting render task send `render`.
        let _ = open_gate.send(());
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
/// render task already owns it.
fn finish_after_panic(turn: &TurnContext) {
    let mut fallback = fallback_output(&turn.input, 0);
    if !turn.final_sent.load(Ordering::SeqCst) {
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
}
