//! The engine's lifecycle: turns run into any sink, the in-flight limit, and shutdown failing
//! unfinished image work cleanly.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use models::{AgentPhase, RenderReason, RenderStatus, StageStatus, TurnEvent, TurnId};
use orchestrator::MockGameMaster;
use orchestrator::{Engine, MockImage, StartError, TurnEventSink, TurnOptions, TurnStatus};

use super::harness::{FakeImages, ImageScript, RecordingSink, config, input};

fn hanging_engine(data_dir: &std::path::Path, max_turns_in_flight: usize) -> Engine {
    let mut settings = config(data_dir);
    settings.max_turns_in_flight = max_turns_in_flight;
    settings.image_timeout = Duration::from_secs(3600);
    Engine::new(settings, Arc::new(MockGameMaster::new(Duration::ZERO)), Some(FakeImages::new(ImageScript::Hang)))
}

#[tokio::test]
async fn run_turn_streams_into_any_sink_and_returns_after_final() {
    let temp = tempfile::tempdir().unwrap();
    let engine = hanging_engine(temp.path(), 10);
    let sink = Arc::new(RecordingSink::default());
    let options = TurnOptions { seed: Some(3), mock_image: MockImage::Scene };
    let turn_id = TurnId::parse("t_sink").unwrap();
    engine.run_turn(turn_id, input("en-US", 100), options, sink.clone()).await.unwrap();
    let events = sink.events();
    assert!(matches!(events.last(), Some(TurnEvent::Final { .. })), "render is still being made");
    engine.shutdown(Duration::from_millis(50)).await;
    sink.wait_for_render().await;
    let Some(TurnEvent::Render(outcome)) = sink.events().last().cloned() else { panic!("render comes last") };
    assert_eq!((outcome.status, outcome.reason), (RenderStatus::Failed, Some(RenderReason::Unavailable)));
    assert_eq!(outcome.economy.unwrap().cost.signal + 10, sink_final_cost(&sink), "shutdown refunds the image");
}

fn sink_final_cost(sink: &RecordingSink) -> u32 {
    sink.events()
        .iter()
        .find_map(|e| if let TurnEvent::Final { data } = e { Some(data.economy.cost.signal) } else { None })
        .unwrap()
}

/// Records events, and panics once when the verify stage starts: a fault in a stage that runs
/// after the image work was spawned.
#[derive(Default)]
struct PanicAtVerify {
    recorded: RecordingSink,
    panicked: AtomicBool,
}

impl TurnEventSink for PanicAtVerify {
    fn emit(&self, event: TurnEvent) {
        let verify_starts = matches!(event, TurnEvent::Stage { name: AgentPhase::Verify, status: StageStatus::Start });
        if verify_starts && !self.panicked.swap(true, Ordering::SeqCst) {
            panic!("the verify stage broke");
        }
        self.recorded.emit(event);
    }
}

#[tokio::test]
async fn a_fault_after_the_image_was_spawned_ends_in_the_free_fallback_and_refunds_no_charge_it_never_made() {
    let temp = tempfile::tempdir().unwrap();
    let engine = hanging_engine(temp.path(), 10);
    let sink = Arc::new(PanicAtVerify::default());
    let options = TurnOptions { seed: Some(3), mock_image: MockImage::Scene };
    let turn_id = TurnId::parse("t_fault").unwrap();
    engine.run_turn(turn_id, input("en-US", 100), options, sink.clone()).await.unwrap();
    assert_eq!(sink_final_cost(&sink.recorded), 0, "the fallback final charges nothing");

    engine.shutdown(Duration::from_millis(50)).await;
    sink.recorded.wait_for_render().await;
    let events = sink.recorded.events();
    assert_eq!(events.iter().filter(|event| matches!(event, TurnEvent::Final { .. })).count(), 1);
    let Some(TurnEvent::Render(outcome)) = events.last() else { panic!("render comes last") };
    assert_eq!((outcome.status, outcome.reason), (RenderStatus::Failed, Some(RenderReason::Unavailable)));
    assert_eq!(outcome.economy, None, "the turn's own charge is not written over the fallback's");
}

#[tokio::test]
async fn turns_past_the_limit_are_refused_until_one_ends() {
    let temp = tempfile::tempdir().unwrap();
    let engine = hanging_engine(temp.path(), 2);
    let options = TurnOptions { seed: None, mock_image: MockImage::Scene };
    let first = engine.start_turn(input("en-US", 100), options).unwrap();
    engine.start_turn(input("en-US", 100), options).unwrap();
    assert_eq!(engine.start_turn(input("en-US", 100), options).unwrap_err(), StartError::Overloaded);
    assert_eq!(engine.metrics().turns_in_flight, 2);

    engine.shutdown(Duration::from_millis(50)).await;
    assert_eq!(first.status(), TurnStatus::Complete, "shutdown ends rendering turns");
    assert_eq!(engine.metrics().turns_in_flight, 0);
    assert_eq!(engine.start_turn(input("en-US", 100), options).unwrap_err(), StartError::ShuttingDown);
    let leftovers: Vec<_> = std::fs::read_dir(temp.path()).into_iter().flatten().flatten().collect();
    assert!(leftovers.iter().all(|entry| !entry.file_name().to_string_lossy().starts_with(".tmp")));
}

#[tokio::test]
async fn expired_turns_are_forgotten_on_a_timer_without_another_turn_starting() {
    let temp = tempfile::tempdir().unwrap();
    let mut settings = config(temp.path());
    settings.turn_retention = Duration::from_millis(200);
    let engine = Engine::new(settings, Arc::new(MockGameMaster::new(Duration::ZERO)), None);
    let options = TurnOptions { seed: Some(1), mock_image: MockImage::None };
    let record = engine.start_turn(input("en-US", 100), options).unwrap();
    let waited = std::time::Instant::now();
    while record.status() != TurnStatus::Complete || !engine.store().is_empty() {
        assert!(waited.elapsed() < Duration::from_secs(30), "the expired turn is forgotten within 30 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
