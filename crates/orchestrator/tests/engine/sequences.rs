//! Event sequences of whole turns, one test per outcome of docs/render.md; every one goes through
//! `check`, which verifies the invariants shared by all turns.

use std::sync::Arc;
use std::time::Duration;

use models::{ModelLabel, RenderReason, RenderStatus, TurnEvent, ValidationBadge};
use orchestrator::MockGameMaster;
use orchestrator::{GameMasterError, ImageError, LowBalancePolicy, MockImage};
use serde_json::{Value, json};

use super::harness::{FakeImages, ImageScript, ScriptedAnswer, ScriptedGameMaster, check, input, mock_providers};

/// A valid game-master answer with this image job, narrated by these deltas.
fn answer(language: &str, deltas: &[&str], image_job: Value) -> ScriptedAnswer {
    let body = json!({
        "language": language,
        "narrative": deltas.concat(),
        "economy": {"cost": {"signal": 2, "memory_shard": 0}, "gains": {"signal": 0, "memory_shard": 0},
                    "balance_after": {"signal": 999, "memory_shard": 0}, "credit": 0, "low_balance_warning": false},
        "safety": {"blocked": false, "message": null},
        "ui": {"action_deck": {"cards": [{"id": "act_look", "label": "Look", "cost": {"signal": 1, "memory_shard": 0}}]},
               "objects": []},
        "render": {"image_job": image_job, "image_url": "http://evil.example/x.png", "image_id": "nope"},
        "agent_console": {"model_label": "FAST"}
    });
    (deltas.iter().map(|d| (*d).to_owned()).collect(), Ok(body.to_string()))
}

fn scene_job(prompt: &str) -> Value {
    json!({"should_generate": true, "prompt": prompt, "aspect_ratio": "16:9", "image_size": "1K"})
}

const DELTAS: [&str; 3] = ["The door ", "groans ", "open."];

#[tokio::test]
async fn a_scene_is_generated_stored_and_synced() {
    let (game_master, images) = mock_providers();
    let turn = check(game_master, images, input("en-US", 100), MockImage::Scene, |_| {}).await;
    let output = turn.final_output();
    let job = output.render.image_job.as_ref().unwrap();
    assert!(job.should_generate && output.render.image_url.is_none(), "final shows the image as pending");
    assert_eq!(job.model_label, ModelLabel::Quality);
    let outcome = turn.outcome();
    assert_eq!(outcome.status, RenderStatus::Completed);
    assert!(!outcome.render.image_job.as_ref().unwrap().should_generate);
    let url = outcome.render.image_url.as_ref().unwrap();
    assert_eq!(url.image_id(), *outcome.render.image_id.as_ref().unwrap());
    assert!(outcome.render.generation_time_ms.is_some());
    let bytes = std::fs::read(turn.data_dir.join("images/generated").join(url.file_name())).unwrap();
    let picture = image::load_from_memory(&bytes).unwrap();
    assert_eq!((picture.width(), picture.height()), (1024, 576));
    assert_eq!(outcome.economy, None, "a completed image changes nothing the player pays");
    assert!(output.economy.cost.signal >= 11, "the turn's cost includes the image: {:?}", output.economy.cost);
}

#[tokio::test]
async fn each_skip_reason_passes_the_output_through() {
    let (game_master, images) = mock_providers();
    for (mode, reason) in
        [(MockImage::None, RenderReason::NoImageJob), (MockImage::Skip, RenderReason::ShouldGenerateFalse)]
    {
        let turn = check(game_master.clone(), images.clone(), input("en-US", 100), mode, |_| {}).await;
        assert_eq!((turn.outcome().status, turn.outcome().reason), (RenderStatus::Skipped, Some(reason)));
        assert_eq!(turn.outcome().render, turn.final_output().render, "nothing generated, nothing changed");
    }
    let long_prompt = "x".repeat(2001);
    for (prompt, reason) in [
        ("   ", RenderReason::EmptyPrompt),
        (" ab ", RenderReason::InvalidPrompt),
        (long_prompt.as_str(), RenderReason::InvalidPrompt),
    ] {
        let game_master = ScriptedGameMaster::new(vec![answer("en-US", &DELTAS, scene_job(prompt))]);
        let turn = check(game_master, images.clone(), input("en-US", 100), MockImage::Auto, |_| {}).await;
        assert_eq!(turn.outcome().reason, Some(reason), "prompt {prompt:?}");
        assert_eq!(turn.final_output().economy.cost.signal, 2, "a skipped image is not charged");
    }
}

#[tokio::test]
async fn insufficient_balance_under_text_only_skips_with_a_warning() {
    let game_master = ScriptedGameMaster::new(vec![answer("ko-KR", &DELTAS, scene_job("a dark hall"))]);
    let turn = check(game_master, mock_providers().1, input("ko-KR", 9), MockImage::Auto, |_| {}).await;
    let outcome = turn.outcome();
    assert_eq!((outcome.status, outcome.reason), (RenderStatus::Skipped, Some(RenderReason::InsufficientBalance)));
    assert_eq!(outcome.message.as_deref(), Some("시그널이 부족해 이번 턴은 이미지 없이 진행됩니다."));
    let economy = turn.final_output().economy;
    assert!(economy.low_balance_warning);
    assert_eq!((economy.cost.signal, economy.balance_after.signal), (2, 7), "no charge for the image");
}

#[tokio::test]
async fn insufficient_balance_under_fast_free_makes_a_free_fast_image() {
    let game_master = ScriptedGameMaster::new(vec![answer("en-US", &DELTAS, scene_job("a dark hall"))]);
    let images = FakeImages::new(ImageScript::Bytes(png_bytes()));
    let turn = check(game_master, Some(images.clone()), input("en-US", 9), MockImage::Auto, |config| {
        config.low_balance_policy = LowBalancePolicy::FastFree;
    })
    .await;
    assert_eq!(turn.outcome().status, RenderStatus::Completed);
    let output = turn.final_output();
    assert_eq!(output.render.image_job.as_ref().unwrap().model_label, ModelLabel::Fast);
    assert!(output.economy.low_balance_warning);
    assert_eq!(output.economy.cost.signal, 2, "a FAST image under fast_free is free");
    assert_eq!(images.requests.lock().unwrap()[0].model_label, ModelLabel::Fast);
}

#[tokio::test]
async fn each_failure_reason_refunds_and_explains() {
    let cases = [
        (ImageScript::Error(ImageError::RateLimited), RenderReason::RateLimited),
        (ImageScript::Error(ImageError::NoImage), RenderReason::NoImage),
        (ImageScript::Error(ImageError::Provider("boom".into())), RenderReason::ProviderError),
        (ImageScript::Bytes(b"definitely not an image".to_vec()), RenderReason::InvalidImage),
        (ImageScript::Bytes(png_bytes()[..60].to_vec()), RenderReason::InvalidImage),
        (ImageScript::Hang, RenderReason::Timeout),
    ];
    for (script, reason) in cases {
        let game_master = ScriptedGameMaster::new(vec![answer("en-US", &DELTAS, scene_job("a dark hall"))]);
        let turn = check(game_master, Some(FakeImages::new(script)), input("en-US", 100), MockImage::Auto, |config| {
            config.image_timeout = Duration::from_millis(150);
        })
        .await;
        let outcome = turn.outcome();
        assert_eq!((outcome.status, outcome.reason), (RenderStatus::Failed, Some(reason)));
        assert_eq!(outcome.economy.unwrap().cost.signal, 2, "{reason:?}: the image charge is refunded");
        assert_eq!(outcome.economy.unwrap().balance_after.signal, 98);
        assert_eq!(outcome.message.as_deref(), Some("The image could not be made; the story continues in text."));
        assert!(outcome.render.generation_time_ms.is_some());
    }
}

#[tokio::test]
async fn a_panic_in_the_image_work_ends_in_one_failed_refunded_render_and_true_metrics() {
    let game_master = ScriptedGameMaster::new(vec![answer("en-US", &DELTAS, scene_job("a dark hall"))]);
    let images = FakeImages::new(ImageScript::Panic);
    let turn = check(game_master, Some(images), input("en-US", 100), MockImage::Auto, |_| {}).await;
    let outcome = turn.outcome();
    assert_eq!((outcome.status, outcome.reason), (RenderStatus::Failed, Some(RenderReason::ProviderError)));
    assert_eq!(outcome.economy.unwrap().cost.signal, 2, "the image charge is refunded");
    assert_eq!(outcome.message.as_deref(), Some("The image could not be made; the story continues in text."));
    let metrics = turn.engine.metrics();
    assert_eq!((metrics.turns_completed, metrics.images_in_flight), (1, 0));
    assert_eq!(metrics.render_outcomes, vec![("failed", "provider_error", 1)]);
}

#[tokio::test]
async fn the_image_deadline_covers_the_cpu_work_after_the_provider_answers() {
    // Every image thread is kept busy until the turn has ended, so storing cannot start in time.
    let threads = std::thread::available_parallelism().map_or(1, |count| count.get());
    // The blockers wait at the barrier until the test arrives there too, after the turn.
    let gate = Arc::new(std::sync::Barrier::new(threads + 1));
    let started = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let blockers: Vec<_> = (0..threads)
        .map(|_| {
            let (gate, started) = (Arc::clone(&gate), Arc::clone(&started));
            tokio::spawn(orchestrator::testing::run_image_work(move || {
                started.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                gate.wait();
            }))
        })
        .collect();
    let waited = std::time::Instant::now();
    while started.load(std::sync::atomic::Ordering::SeqCst) < threads {
        assert!(waited.elapsed() < Duration::from_secs(30), "the blockers hold every image thread");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let game_master = ScriptedGameMaster::new(vec![answer("en-US", &DELTAS, scene_job("a dark hall"))]);
    let images = FakeImages::new(ImageScript::Bytes(png_bytes()));
    let turn = check(game_master, Some(images), input("en-US", 100), MockImage::Auto, |config| {
        config.image_timeout = Duration::from_millis(300);
    })
    .await;
    tokio::task::spawn_blocking(move || gate.wait()).await.unwrap();
    let outcome = turn.outcome();
    assert_eq!((outcome.status, outcome.reason), (RenderStatus::Failed, Some(RenderReason::Timeout)));
    for blocker in blockers {
        blocker.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn a_safety_block_sets_safety_and_the_badge() {
    let (game_master, images) = mock_providers();
    let turn = check(game_master, images, input("ko-KR", 100), MockImage::Safety, |_| {}).await;
    let outcome = turn.outcome();
    assert_eq!(outcome.reason, Some(RenderReason::SafetyBlocked));
    let safety = outcome.safety.as_ref().expect("the render event carries safety");
    assert!(safety.blocked);
    assert_eq!(safety.message.as_deref(), Some("안전 정책 때문에 이 장면의 이미지는 만들 수 없습니다."));
    let record = turn.engine.store().get(&turn.turn_id).unwrap();
    let badges = record.output().unwrap().agent_console.badges.to_vec();
    assert!(badges.contains(&ValidationBadge::SafetyBlocked) && !badges.contains(&ValidationBadge::SafetyOk));
}

#[tokio::test]
async fn storage_and_missing_generator_failures() {
    let temp = tempfile::tempdir().unwrap();
    let blocked_dir = temp.path().join("data");
    std::fs::create_dir_all(blocked_dir.join("images")).unwrap();
    std::fs::write(blocked_dir.join("images/generated"), b"a file where the folder should be").unwrap();
    let game_master = ScriptedGameMaster::new(vec![answer("en-US", &DELTAS, scene_job("a dark hall"))]);
    let images = FakeImages::new(ImageScript::Bytes(png_bytes()));
    let turn = check(game_master, Some(images), input("en-US", 100), MockImage::Auto, |config| {
        config.data_dir = blocked_dir.clone();
    })
    .await;
    assert_eq!(turn.outcome().reason, Some(RenderReason::StorageError));

    let game_master = ScriptedGameMaster::new(vec![answer("en-US", &DELTAS, scene_job("a dark hall"))]);
    let turn = check(game_master, None, input("en-US", 100), MockImage::Auto, |_| {}).await;
    assert_eq!(turn.outcome().reason, Some(RenderReason::Unavailable));
    assert_eq!(turn.outcome().render.generation_time_ms, None, "nothing was attempted");
}

#[tokio::test]
async fn background_removal_succeeds_on_a_plain_background_and_is_skipped_otherwise() {
    let (game_master, images) = mock_providers();
    let turn = check(game_master, images, input("en-US", 100), MockImage::Item, |_| {}).await;
    let outcome = turn.outcome();
    assert_eq!(outcome.status, RenderStatus::Completed);
    assert!(outcome.render.background_removed);
    let url = outcome.render.image_url.as_ref().unwrap();
    assert!(url.as_str().ends_with(".png"));
    let bytes = std::fs::read(turn.data_dir.join("images/generated").join(url.file_name())).unwrap();
    let sprite = image::load_from_memory(&bytes).unwrap().to_rgba8();
    let (w, h) = sprite.dimensions();
    for (x, y) in [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)] {
        assert_eq!(sprite.get_pixel(x, y).0[3], 0, "corner ({x},{y}) is transparent");
    }
    assert_eq!(sprite.get_pixel(w / 2, h / 2).0[3], 255, "the item itself stays opaque");

    let mut job = scene_job("a brass key");
    job["remove_background"] = json!(true);
    let game_master = ScriptedGameMaster::new(vec![answer("en-US", &DELTAS, job)]);
    let images = FakeImages::new(ImageScript::Bytes(noise_png()));
    let turn = check(game_master, Some(images), input("en-US", 100), MockImage::Auto, |_| {}).await;
    assert_eq!(turn.outcome().status, RenderStatus::Completed, "no plain background is not a failure");
    assert!(!turn.outcome().render.background_removed);
}

#[tokio::test]
async fn a_refused_answer_is_repaired_and_the_repair_voids_the_narrative() {
    let game_master = ScriptedGameMaster::new(vec![
        (vec!["Broken ".into(), "story".into()], Ok("{\"language\": \"en-US\", \"narrative\": 5}".into())),
        answer("en-US", &DELTAS, Value::Null),
    ]);
    let turn = check(game_master.clone(), None, input("en-US", 100), MockImage::Auto, |_| {}).await;
    assert_eq!(turn.count(|e| matches!(e, TurnEvent::Repair { attempt: 1, .. })), 1);
    assert_eq!(turn.final_output().narrative, DELTAS.concat());
    assert_eq!(turn.final_output().agent_console.repair_count, 1);
    let requests = game_master.requests.lock().unwrap();
    let feedback = requests[1].repair.as_ref().expect("the second request carries the problem");
    assert!(feedback.problem.contains("narrative"), "the problem names the field: {}", feedback.problem);
    assert!(turn.final_output().render.image_job.is_none());
}

#[tokio::test]
async fn three_refused_answers_end_in_the_safe_fallback() {
    let game_master = ScriptedGameMaster::new(vec![
        (vec!["One ".into()], Ok("not json".into())),
        (vec!["Two ".into()], Err(GameMasterError::Stream("connection reset".into()))),
        answer("ko-KR", &DELTAS, Value::Null),
    ]);
    let turn = check(game_master, mock_providers().1, input("en-US", 5), MockImage::Auto, |_| {}).await;
    assert_eq!(turn.count(|e| matches!(e, TurnEvent::Repair { .. })), 3, "the wrong language is refused too");
    let output = turn.final_output();
    assert_eq!(output.ui.action_deck.cards[0].id.as_str(), "fallback_text_only");
    assert!(output.ui.action_deck.cards[0].is_alternative);
    assert_eq!(output.economy.cost, models::CurrencyAmount::ZERO);
    assert!(output.economy.low_balance_warning, "5 Signal is a low balance");
    assert!(output.agent_console.badges.contains(&ValidationBadge::SchemaFail));
    assert_eq!(turn.outcome().reason, Some(RenderReason::NoImageJob));
    assert!(turn.events.iter().any(|e| matches!(
        e,
        TurnEvent::Stage { name: models::AgentPhase::Validate, status: models::StageStatus::Fail }
    )));
}

#[tokio::test]
async fn the_mock_game_master_is_deterministic_for_a_seed() {
    let game_master = Arc::new(MockGameMaster::new(Duration::ZERO));
    let first = check(game_master.clone(), None, input("ko-KR", 50), MockImage::None, |_| {}).await;
    let second = check(game_master, None, input("ko-KR", 50), MockImage::None, |_| {}).await;
    assert_eq!(first.final_output(), second.final_output());
    let cost = first.final_output().economy.cost.signal;
    assert!((1..=5).contains(&cost));
    assert!(first.final_output().narrative.chars().any(|c| ('가'..='힣').contains(&c)), "Korean narrative");
}

pub fn png_bytes() -> Vec<u8> {
    let picture =
        orchestrator::testing::paint_scene("a dark hall", 1, models::AspectRatio::Wide16x9, models::ImageSize::OneK);
    orchestrator::testing::encode_png(&image::DynamicImage::ImageRgb8(picture)).unwrap()
}

fn noise_png() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(64, 64, |x, y| {
        let v = ((x * 7919 + y * 104_729) % 251) as u8;
        image::Rgb([v, v.wrapping_mul(3), v.wrapping_mul(7)])
    });
    orchestrator::testing::encode_png(&image::DynamicImage::ImageRgb8(picture)).unwrap()
}
