//! What every stage of one turn may read, and what the render stage hands to the render task.
//! Below the turn driver, the stages and the render task, so each of them reads it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use models::{AgentPhase, StageStatus, TurnEvent, TurnId, TurnInput};
use tokio::sync::oneshot;

use crate::engine_state::{EngineInner, InFlightGuard};
use crate::options::TurnOptions;
use crate::sink::TurnEventSink;

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
    pub(crate) final_sent: AtomicBool,
    /// Set once the `render` event is out or a render task owns sending it.
    pub(crate) render_owned: AtomicBool,
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
/// waits on (so `render` never overtakes `final`; it carries whether that `final` was the safe
/// fallback) and the turn's place among those in flight.
pub(crate) struct RenderHandoff {
    pub(crate) final_gate: Option<oneshot::Receiver<bool>>,
    pub(crate) in_flight: Option<InFlightGuard>,
}
