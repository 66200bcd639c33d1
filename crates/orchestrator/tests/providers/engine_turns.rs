//! Whole turns through the engine with real providers speaking to fake servers: repairs and the
//! fallback with a Gemini game master, and the render outcome with a Gemini image generator.

use std::sync::Arc;
use std::time::Duration;

use models::{RenderReason, RenderStatus, TurnEvent, TurnOutput, ValidationBadge};
use orchestrator::MockGameMaster;
use orchestrator::testing::{build_game_master, build_image_generator};
use orchestrator::{
    Engine, EngineConfig, GameMaster, ImageGenerator, LowBalancePolicy, MockImage, TurnOptions, TurnStatus,
};

use super::fake_server::{FakeServer, Reply};
use super::helpers::*;

fn config(data_dir: &std::path::Path, image_timeout: Duration) -> EngineConfig {
    EngineConfig {
        data_dir: data_dir.to_path_buf(),
        image_cost_signal: 10,
        low_balance_policy: LowBalancePolicy::TextOnly,
        image_timeout,
        max_concurrent_images: 2,
        max_turns_in_flight: 10,
        turn_retention: Duration::from_secs(60),
        turn_retention_max: 100,
    }
}

/// Runs one turn to its `render` event and returns its events.
async fn run_turn(
    game_master: Arc<dyn GameMaster>,
    images: Option<Arc<dyn ImageGenerator>>,
    mock_image: MockImage,
    image_timeout: Duration,
) -> Vec<TurnEvent> {
    let temp = tempfile::tempdir().unwrap();
    let engine = Engine::new(config(temp.path(), image_timeout), game_master, images);
    let record = engine.start_turn(turn_input("en-US", 40), TurnOptions { seed: Some(7), mock_image }).unwrap();
    let finished = async {
        while record.status() != TurnStatus::Complete {
            record.wait_for_more_than(record.event_count()).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(20), finished).await.expect("the turn completes");
    record.events_after(0).iter().map(|event| (**event).clone()).collect()
}

async fn gemini_game_master(server: &FakeServer) -> Arc<dyn GameMaster> {
    let settings =
        settings(&[("UW_TEXT_PROVIDER", "gemini"), ("GEMINI_API_KEY", KEY), ("UW_GEMINI_BASE_URL", &server.url)]);
    build_game_master(&settings).await.unwrap().unwrap()
}

fn final_output(events: &[TurnEvent]) -> TurnOutput {
    events.iter().find_map(|e| if let TurnEvent::Final { data } = e { Some((**data).clone()) } else { None }).unwrap()
}

fn repairs(events: &[TurnEvent]) -> Vec<u32> {
    events
        .iter()
        .filter_map(|e| if let TurnEvent::Repair { attempt, .. } = e { Some(*attempt) } else { None })
        .collect()
}

/// The narrative deltas after the last repair.
fn narrative_after_last_repair(events: &[TurnEvent]) -> String {
    let start = events.iter().rposition(|e| matches!(e, TurnEvent::Repair { .. })).map_or(0, |i| i + 1);
    events[start..]
        .iter()
        .filter_map(|e| if let TurnEvent::Narrative { text } = e { Some(text.as_str()) } else { None })
        .collect()
}

#[tokio::test]
async fn an_invalid_first_answer_is_repaired_by_the_second() {
    let valid = valid_answer(&turn_input("en-US", 40), MockImage::None).await;
    let broken = r#"{"language":"en-US","narrative":"The door groans and"#;
    let server = FakeServer::start(vec![
        Reply::sse(&gemini_text_events(broken, &[20]), 9),
        Reply::sse(&gemini_text_events(&valid, &[40, 80]), 13),
    ])
    .await;
    let events = run_turn(gemini_game_master(&server).await, None, MockImage::None, Duration::from_secs(1)).await;

    assert_eq!(repairs(&events), [1], "one repair event");
    let output = final_output(&events);
    assert_eq!(output.agent_console.repair_count, 1);
    assert_eq!(output.agent_console.badges.first(), Some(&ValidationBadge::SchemaOk));
    let expected: TurnOutput = models::parse_game_master_output(&valid).unwrap();
    assert_eq!(output.narrative, expected.narrative);
    assert_eq!(narrative_after_last_repair(&events), output.narrative);

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[0].path.contains("gemini-3-flash-preview"));
    assert!(requests[1].path.contains("gemini-3-pro-preview"), "the repair goes to the quality model");
    let repair_prompt = requests[1].json()["contents"][0]["parts"][0]["text"].as_str().unwrap().to_owned();
    assert!(repair_prompt.contains("refused"), "the repair prompt says why");
}

#[tokio::test]
async fn three_invalid_answers_end_in_the_fallback() {
    let broken = gemini_text_events(r#"{"language":"en-US","narrative":"Nope"}"#, &[]);
    let server = FakeServer::start(vec![Reply::sse(&broken, 8), Reply::sse(&broken, 8), Reply::sse(&broken, 8)]).await;
    let events = run_turn(gemini_game_master(&server).await, None, MockImage::None, Duration::from_secs(1)).await;

    assert_eq!(repairs(&events), [1, 2, 3], "two repairs, then one that voids the last attempt");
    assert_eq!(server.requests().len(), 3);
    let output = final_output(&events);
    assert!(output.agent_console.badges.contains(&ValidationBadge::SchemaFail));
    assert_eq!(output.ui.action_deck.cards.len(), 1);
    assert_eq!(&*output.ui.action_deck.cards[0].id, "fallback_text_only");
    assert!(output.render.image_job.is_none());
    assert_eq!(narrative_after_last_repair(&events), output.narrative);
}

async fn gemini_images(server: &FakeServer, deadline: Duration) -> Arc<dyn ImageGenerator> {
    let settings =
        settings(&[("UW_IMAGE_PROVIDER", "gemini"), ("GEMINI_API_KEY", KEY), ("UW_GEMINI_BASE_URL", &server.url)]);
    build_image_generator(&settings, deadline).await.unwrap().unwrap()
}

fn render_outcome(events: &[TurnEvent]) -> models::RenderOutcome {
    match events.last() {
        Some(TurnEvent::Render(outcome)) => (**outcome).clone(),
        other => panic!("the last event is not render: {other:?}"),
    }
}

#[tokio::test]
async fn a_gemini_image_lands_in_the_turns_render() {
    let server = FakeServer::start(vec![Reply::json(200, gemini_image_answer(&base64(&png())))]).await;
    let deadline = Duration::from_secs(5);
    let game_master: Arc<dyn GameMaster> = Arc::new(MockGameMaster::new(Duration::ZERO));
    let events = run_turn(game_master, Some(gemini_images(&server, deadline).await), MockImage::Scene, deadline).await;
    let outcome = render_outcome(&events);
    assert_eq!(outcome.status, RenderStatus::Completed, "{outcome:?}");
    assert!(outcome.render.image_id.is_some());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_gemini_image_slower_than_the_deadline_ends_as_timeout() {
    let slow = Reply::Slow(Duration::from_secs(5), Box::new(Reply::json(200, gemini_image_answer(&base64(&png())))));
    let server = FakeServer::start(vec![slow]).await;
    let deadline = Duration::from_millis(300);
    let game_master: Arc<dyn GameMaster> = Arc::new(MockGameMaster::new(Duration::ZERO));
    let events = run_turn(game_master, Some(gemini_images(&server, deadline).await), MockImage::Scene, deadline).await;
    let outcome = render_outcome(&events);
    assert_eq!(outcome.reason, Some(RenderReason::Timeout), "{outcome:?}");
}

#[tokio::test]
async fn a_gemini_safety_block_ends_as_safety_blocked() {
    let server = FakeServer::start(vec![Reply::json(200, gemini_finish("IMAGE_SAFETY"))]).await;
    let deadline = Duration::from_secs(5);
    let game_master: Arc<dyn GameMaster> = Arc::new(MockGameMaster::new(Duration::ZERO));
    let events = run_turn(game_master, Some(gemini_images(&server, deadline).await), MockImage::Scene, deadline).await;
    let outcome = render_outcome(&events);
    assert_eq!(outcome.reason, Some(RenderReason::SafetyBlocked));
    assert!(outcome.safety.is_some_and(|safety| safety.blocked));
}
