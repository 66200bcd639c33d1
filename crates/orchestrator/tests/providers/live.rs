//! Against the real Gemini API: ignored by default, and run only with `UW_LIVE_GEMINI=1` and a
//! `GEMINI_API_KEY` in the environment (`cargo test -p orchestrator --test providers -- --ignored`).

use std::time::Duration;

use futures::StreamExt;
use models::ModelLabel;
use orchestrator::ProviderSettings;
use orchestrator::testing::{build_game_master, build_image_generator};
use orchestrator::{GameMasterEvent, MockImage};

use super::helpers::*;

fn live_settings() -> Option<ProviderSettings> {
    if std::env::var("UW_LIVE_GEMINI").ok().as_deref() != Some("1") {
        eprintln!("skipped: set UW_LIVE_GEMINI=1 and GEMINI_API_KEY to run against the real API");
        return None;
    }
    let settings = ProviderSettings::from_lookup(|name| match name {
        "UW_TEXT_PROVIDER" | "UW_IMAGE_PROVIDER" => Some("gemini".to_owned()),
        other => std::env::var(other).ok(),
    });
    Some(settings.expect("GEMINI_API_KEY is set"))
}

#[tokio::test]
#[ignore = "calls the real Gemini API; needs UW_LIVE_GEMINI=1 and GEMINI_API_KEY"]
async fn live_gemini_draws_a_fast_image() {
    let Some(settings) = live_settings() else { return };
    let images = build_image_generator(&settings, Duration::from_secs(90)).await.unwrap().unwrap();
    let image = tokio::time::timeout(Duration::from_secs(90), images.generate(image_request(ModelLabel::Fast)))
        .await
        .expect("within 90 s")
        .expect("an image");
    assert!(image.bytes.len() > 1000);
}

#[tokio::test]
#[ignore = "calls the real Gemini API; needs UW_LIVE_GEMINI=1 and GEMINI_API_KEY"]
async fn live_gemini_streams_a_valid_turn() {
    let Some(settings) = live_settings() else { return };
    let game_master = build_game_master(&settings).await.unwrap().unwrap();
    let input = turn_input("ko-KR", 40);
    let events: Vec<_> = game_master.answer(gm_request(input, None)).collect().await;
    let deltas = events.iter().filter(|e| matches!(e, Ok(GameMasterEvent::NarrativeDelta(_)))).count();
    let Some(Ok(GameMasterEvent::Finished(text))) = events.last() else { panic!("no answer: {:?}", events.last()) };
    let output = models::parse_game_master_output(text);
    assert!(deltas > 0, "the narrative streamed");
    assert!(output.is_ok(), "a contract-valid answer: {output:?}");
    let _ = MockImage::None;
}
