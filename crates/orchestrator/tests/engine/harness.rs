//! The test harness: fakes for both providers, a recording sink, and the one `check` helper that
//! runs a turn and verifies every invariant of its event sequence.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures::FutureExt;
use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, StreamExt};
use models::{
    AgentPhase, CurrencyAmount, RenderOutcome, RenderStatus, StageStatus, TurnEvent, TurnId, TurnInput, TurnOutput,
};
use orchestrator::{
    Engine, EngineConfig, GameMaster, GameMasterError, GameMasterEvent, GameMasterRequest, GeneratedImage, ImageError,
    ImageGenerator, ImageRequest, LowBalancePolicy, MockImage, TurnEventSink, TurnOptions, TurnStatus,
};
use orchestrator::{MockGameMaster, MockImageGenerator};
use tokio::sync::watch;

/// Collects the events of one turn and lets a test wait for the last one.
#[derive(Default)]
pub struct RecordingSink {
    events: Mutex<Vec<TurnEvent>>,
    count: watch::Sender<usize>,
}

impl TurnEventSink for RecordingSink {
    fn emit(&self, event: TurnEvent) {
        let mut events = self.events.lock().unwrap();
        events.push(event);
        self.count.send_replace(events.len());
    }
}

impl RecordingSink {
    pub fn events(&self) -> Vec<TurnEvent> {
        self.events.lock().unwrap().clone()
    }

    pub async fn wait_for_render(&self) {
        let mut receiver = self.count.subscribe();
        let done = receiver.wait_for(|_| self.events.lock().unwrap().iter().any(TurnEvent::is_last));
        tokio::time::timeout(Duration::from_secs(120), done).await.expect("render within 120 s").unwrap();
    }
}

/// One scripted answer: the narrative deltas, then the finished text or a provider error.
pub type ScriptedAnswer = (Vec<String>, Result<String, GameMasterError>);

/// A game master that answers from a script: one entry per attempt, each a list of narrative
/// deltas and a finished text (or a provider error).
pub struct ScriptedGameMaster {
    attempts: Mutex<Vec<ScriptedAnswer>>,
    pub requests: Mutex<Vec<GameMasterRequest>>,
}

impl ScriptedGameMaster {
    pub fn new(attempts: Vec<ScriptedAnswer>) -> Arc<Self> {
        Arc::new(ScriptedGameMaster { attempts: Mutex::new(attempts), requests: Mutex::new(Vec::new()) })
    }
}

impl GameMaster for ScriptedGameMaster {
    fn answer(&self, request: GameMasterRequest) -> BoxStream<'static, Result<GameMasterEvent, GameMasterError>> {
        self.requests.lock().unwrap().push(request);
        let mut attempts = self.attempts.lock().unwrap();
        let (deltas, finished) = if attempts.is_empty() {
            (vec![], Err(GameMasterError::Provider("script exhausted".into())))
        } else {
            attempts.remove(0)
        };
        let deltas = deltas.into_iter().map(|delta| Ok(GameMasterEvent::NarrativeDelta(delta)));
        stream::iter(deltas).chain(stream::once(async move { finished.map(GameMasterEvent::Finished) })).boxed()
    }

    fn describe(&self) -> String {
        "scripted".into()
    }
}

/// What the fake image generator answers.
#[derive(Clone)]
pub enum ImageScript {
    Bytes(Vec<u8>),
    Error(ImageError),
    /// Never answers, so the deadline ends it.
    Hang,
    /// Panics inside the image work.
    Panic,
}

pub struct FakeImages {
    pub script: ImageScript,
    pub requests: Mutex<Vec<ImageRequest>>,
}

impl FakeImages {
    pub fn new(script: ImageScript) -> Arc<Self> {
        Arc::new(FakeImages { script, requests: Mutex::new(Vec::new()) })
    }
}

impl ImageGenerator for FakeImages {
    fn generate(&self, request: ImageRequest) -> BoxFuture<'static, Result<GeneratedImage, ImageError>> {
        self.requests.lock().unwrap().push(request);
        let script = self.script.clone();
        async move {
            match script {
                ImageScript::Bytes(bytes) => Ok(GeneratedImage { bytes: Bytes::from(bytes), mime_type: None }),
                ImageScript::Error(error) => Err(error),
                ImageScript::Hang => futures::future::pending().await,
                ImageScript::Panic => panic!("the image generator broke"),
            }
        }
        .boxed()
    }

    fn describe(&self) -> String {
        "fake".into()
    }
}

pub fn config(data_dir: &Path) -> EngineConfig {
    EngineConfig {
        data_dir: data_dir.to_path_buf(),
        image_cost_signal: 10,
        low_balance_policy: LowBalancePolicy::TextOnly,
        // Room for a debug build painting on a busy machine; tests of the deadline set their own.
        image_timeout: Duration::from_secs(60),
        max_concurrent_images: 8,
        max_turns_in_flight: 1000,
        turn_retention: Duration::from_secs(600),
        turn_retention_max: 10_000,
    }
}

pub fn input(language: &str, signal: u32) -> TurnInput {
    let body = serde_json::json!({
        "language": language,
        "text": "open the rusted door",
        "client": {"viewport_w": 1280, "viewport_h": 720},
        "economy_snapshot": {"signal": signal, "memory_shard": 2}
    });
    models::parse_turn_input(body.to_string().as_bytes()).unwrap()
}

/// The mock providers with no delays.
pub fn mock_providers() -> (Arc<dyn GameMaster>, Option<Arc<dyn ImageGenerator>>) {
    (Arc::new(MockGameMaster::new(Duration::ZERO)), Some(Arc::new(MockImageGenerator::new(Duration::ZERO))))
}

/// One finished turn: its events, the engine that ran it, and its data folder.
pub struct Turn {
    pub events: Vec<TurnEvent>,
    pub input: TurnInput,
    pub engine: Engine,
    pub data_dir: PathBuf,
    pub turn_id: TurnId,
    _temp: tempfile::TempDir,
}

impl Turn {
    pub fn final_output(&self) -> &TurnOutput {
        self.events.iter().find_map(|e| if let TurnEvent::Final { data } = e { Some(&**data) } else { None }).unwrap()
    }

    pub fn outcome(&self) -> &RenderOutcome {
        match self.events.last() {
            Some(TurnEvent::Render(outcome)) => outcome,
            other => panic!("the last event is not render: {other:?}"),
        }
    }

    pub fn count(&self, predicate: impl Fn(&TurnEvent) -> bool) -> usize {
        self.events.iter().filter(|e| predicate(e)).count()
    }
}

/// Runs one turn with these providers and settings, then checks every invariant of its events.
pub async fn check(
    game_master: Arc<dyn GameMaster>,
    images: Option<Arc<dyn ImageGenerator>>,
    input: TurnInput,
    mock_image: MockImage,
    adjust: impl FnOnce(&mut EngineConfig),
) -> Turn {
    let temp = tempfile::tempdir().unwrap();
    let data_dir = temp.path().join("data");
    let mut config = config(&data_dir);
    adjust(&mut config);
    let engine = Engine::new(config, game_master, images);
    let options = TurnOptions { seed: Some(7), mock_image };
    let record = engine.start_turn(input.clone(), options).unwrap();
    let finished = async {
        while record.status() != TurnStatus::Complete {
            record.wait_for_more_than(record.event_count()).await;
        }
    };
    // Far above the image deadline: image work runs at the lowest priority, so on a busy machine
    // a turn with an image can take long without anything being wrong.
    tokio::time::timeout(Duration::from_secs(120), finished).await.expect("the turn completes within 120 s");
    // Give a stray second render a moment to show itself before checking uniqueness.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let events = record.events_after(0).iter().map(|event| (**event).clone()).collect();
    let turn = Turn { events, input, engine, data_dir, turn_id: record.turn_id().clone(), _temp: temp };
    check_invariants(&turn);
    turn
}

fn check_invariants(turn: &Turn) {
    let events = &turn.events;
    assert!(matches!(events.first(), Some(TurnEvent::Started { .. })), "started comes first");
    assert_eq!(turn.count(|e| matches!(e, TurnEvent::Final { .. })), 1, "exactly one final");
    assert_eq!(turn.count(|e| matches!(e, TurnEvent::Render(_))), 1, "exactly one render");
    assert!(events.last().unwrap().is_last(), "render is last");

    let stages: Vec<(AgentPhase, StageStatus)> = events
        .iter()
        .filter_map(|e| if let TurnEvent::Stage { name, status } = e { Some((*name, *status)) } else { None })
        .collect();
    let expected_phases: Vec<AgentPhase> = AgentPhase::ALL.iter().flat_map(|p| [*p, *p]).collect();
    assert_eq!(stages.iter().map(|s| s.0).collect::<Vec<_>>(), expected_phases, "stage order");
    for pair in stages.chunks(2) {
        assert_eq!(pair[0].1, StageStatus::Start);
        assert_ne!(pair[1].1, StageStatus::Start);
    }

    let final_index = events.iter().position(|e| matches!(e, TurnEvent::Final { .. })).unwrap();
    let last_repair = events.iter().rposition(|e| matches!(e, TurnEvent::Repair { .. }));
    let narrative: String = events[last_repair.map_or(0, |i| i + 1)..final_index]
        .iter()
        .filter_map(|e| if let TurnEvent::Narrative { text } = e { Some(text.as_str()) } else { None })
        .collect();
    let output = turn.final_output();
    assert_eq!(narrative, output.narrative, "deltas after the last repair equal the final narrative");
    assert!(
        !events[final_index..].iter().any(|e| matches!(e, TurnEvent::Narrative { .. })),
        "no narrative after final"
    );

    let snapshot: CurrencyAmount = turn.input.economy_snapshot;
    assert!(output.economy.holds_for(snapshot), "economy invariant in final");
    let outcome = turn.outcome();
    if let Some(economy) = outcome.economy {
        assert!(economy.holds_for(snapshot), "economy invariant after the refund");
    }
    if outcome.status == RenderStatus::Failed {
        let charged = output.economy.cost.signal;
        let refunded = outcome.economy.map_or(charged, |e| e.cost.signal);
        let image_charge = output
            .render
            .image_job
            .as_ref()
            .map_or(0, |job| if job.model_label == models::ModelLabel::Quality { 10 } else { 0 });
        assert_eq!(refunded, charged - image_charge, "a failure refunds the image charge");
        assert!(outcome.render.image_url.is_none() && outcome.render.image_id.is_none());
        assert!(outcome.message.is_some(), "a failure says why");
    }

    let dir = turn.data_dir.join("images").join("generated");
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries {
            let name = entry.unwrap().file_name().into_string().unwrap();
            assert!(!name.starts_with(".tmp"), "no temp file left: {name}");
        }
    }
    if let Some(url) = &outcome.render.image_url {
        assert!(dir.join(url.file_name()).is_file(), "the served file exists");
    }

    let mut synced = output.clone();
    synced.apply_render_outcome(outcome);
    let record = turn.engine.store().get(&turn.turn_id).expect("the store keeps the turn");
    assert_eq!(record.output().as_ref(), Some(&synced), "the stored output is final with render applied");
    assert_eq!(record.status(), TurnStatus::Complete);
    assert!(turn.engine.metrics().turns_in_flight == 0, "the turn gives back its in-flight place after render");
}

pub use super::png_header::png_header;
