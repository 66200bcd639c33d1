//! Log hygiene: with debug logs on, neither a prompt, the narrative, the player's text nor a key
//! ever reaches the logs of the real providers.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use futures::StreamExt;
use models::ModelLabel;
use orchestrator::MockImage;
use orchestrator::testing::{build_game_master, build_image_generator};

use super::fake_server::{FakeServer, Reply};
use super::helpers::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One process-wide subscriber: a scoped one can miss events whose callsites other tests,
/// running in parallel, registered at the same moment. Every test's logs land here, and none
/// may leak either.
fn captured_logs() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber");
        captured
    })
}

#[tokio::test]
async fn provider_logs_hold_no_prompt_narrative_or_key() {
    let captured = captured_logs();
    let input = turn_input("en-US", 40);
    let answer = valid_answer(&input, MockImage::None).await;
    let narrative = models::parse_game_master_output(&answer).unwrap().narrative;
    let server = FakeServer::start(vec![
        Reply::json(200, gemini_image_answer(&base64(&png()))),
        Reply::google_error(503, "UNAVAILABLE"),
        Reply::google_error(503, "UNAVAILABLE"),
        Reply::sse(&gemini_text_events(&answer, &[30]), 16),
    ])
    .await;
    let settings = settings(&[
        ("UW_TEXT_PROVIDER", "gemini"),
        ("UW_IMAGE_PROVIDER", "gemini"),
        ("GEMINI_API_KEY", KEY),
        ("UW_GEMINI_BASE_URL", &server.url),
    ]);
    let images = build_image_generator(&settings, DEADLINE).await.unwrap().unwrap();
    assert!(images.generate(image_request(ModelLabel::Quality)).await.is_ok());
    assert!(images.generate(image_request(ModelLabel::Quality)).await.is_err());
    let game_master = build_game_master(&settings).await.unwrap().unwrap();
    let events: Vec<_> = game_master.answer(gm_request(input, None)).collect().await;
    assert!(events.last().unwrap().is_ok());

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("image request answered") && logs.contains("prompt_hash"), "the providers do log: {logs}");
    for secret in [PROMPT, narrative.as_str(), "open the rusted door", KEY] {
        assert!(!logs.contains(secret), "`{secret}` leaked into the logs:\n{logs}");
    }
}
