//! Shared test data: settings from a list of variables, a real PNG, image requests and answers.

use std::io::Cursor;
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use models::{AspectRatio, ImageSize, ModelLabel};
use orchestrator::ProviderSettings;
use orchestrator::{ImageRequest, MockImage, ReferenceImage};
use serde_json::{Value, json};

pub const KEY: &str = "test-key-6f1c2d";
pub const TOKEN: &str = "ya29.test-token-81be";
pub const PROMPT: &str = "A lighthouse on a black cliff at dawn, gulls circling";

/// Settings read from these variables only.
pub fn settings(variables: &[(&str, &str)]) -> ProviderSettings {
    try_settings(variables).expect("valid settings")
}

pub fn try_settings(variables: &[(&str, &str)]) -> Result<ProviderSettings, orchestrator::ProviderError> {
    let variables: Vec<(String, String)> =
        variables.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
    ProviderSettings::from_lookup(move |name| {
        variables.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone())
    })
}

/// A small, real PNG.
pub fn png() -> Vec<u8> {
    let image = image::RgbImage::from_fn(8, 6, |x, y| image::Rgb([x as u8 * 30, y as u8 * 40, 200]));
    let mut bytes = Vec::new();
    image.write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png).unwrap();
    bytes
}

pub use super::png_header::png_header;

pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn image_request(label: ModelLabel) -> ImageRequest {
    ImageRequest {
        prompt: PROMPT.to_owned(),
        aspect_ratio: AspectRatio::Wide16x9,
        image_size: ImageSize::OneK,
        model_label: label,
        seed: 7,
        reference: None,
        remove_background: false,
        image_type_hint: Some("scene".to_owned()),
        mock_image: MockImage::Auto,
    }
}

pub fn with_reference(mut request: ImageRequest) -> ImageRequest {
    request.reference = Some(ReferenceImage { bytes: Bytes::from(png()), mime_type: "image/png" });
    request
}

/// A Gemini answer with a text part before the image part.
pub fn gemini_image_answer(data: &str) -> Value {
    json!({"candidates": [{
        "content": {"role": "model", "parts": [
            {"text": "Here is the lighthouse."},
            {"inlineData": {"mimeType": "image/png", "data": data}}
        ]},
        "finishReason": "STOP"
    }]})
}

pub fn gemini_finish(reason: &str) -> Value {
    json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "I cannot draw that."}]}, "finishReason": reason}]})
}

pub const DEADLINE: Duration = Duration::from_secs(5);

/// A turn input in `language` with `signal` to spend.
pub fn turn_input(language: &str, signal: u32) -> models::TurnInput {
    let body = json!({
        "language": language,
        "text": "open the rusted door",
        "client": {"viewport_w": 1280, "viewport_h": 720},
        "economy_snapshot": {"signal": signal, "memory_shard": 2}
    });
    models::parse_turn_input(body.to_string().as_bytes()).unwrap()
}

pub fn gm_request(
    input: models::TurnInput,
    repair: Option<orchestrator::RepairFeedback>,
) -> orchestrator::GameMasterRequest {
    orchestrator::GameMasterRequest { input, seed: 7, mock_image: MockImage::None, repair }
}

/// A TurnOutput that satisfies the contract, as JSON text: what the mock game master writes.
pub async fn valid_answer(input: &models::TurnInput, mock_image: MockImage) -> String {
    use futures::StreamExt;
    use orchestrator::GameMaster;
    let mock = orchestrator::MockGameMaster::new(Duration::ZERO);
    let request = orchestrator::GameMasterRequest { input: input.clone(), seed: 7, mock_image, repair: None };
    let events: Vec<_> = mock.answer(request).collect().await;
    match events.last() {
        Some(Ok(orchestrator::GameMasterEvent::Finished(text))) => text.clone(),
        other => panic!("the mock did not finish: {other:?}"),
    }
}

/// A streamed Gemini event carrying one piece of the answer's text.
pub fn gemini_text_event(piece: &str) -> String {
    json!({"candidates": [{"content": {"role": "model", "parts": [{"text": piece}]}}]}).to_string()
}

/// The Gemini events of a whole answer, cut into pieces at these byte offsets of the text.
pub fn gemini_text_events(text: &str, cuts: &[usize]) -> Vec<String> {
    let mut events = Vec::new();
    let mut start = 0;
    for &cut in cuts.iter().chain(std::iter::once(&text.len())) {
        events.push(gemini_text_event(&text[start..cut]));
        start = cut;
    }
    let last = json!({"candidates": [{"content": {"role": "model", "parts": [{"text": ""}]}, "finishReason": "STOP"}],
        "usageMetadata": {"totalTokenCount": 10}});
    events.push(last.to_string());
    events
}

/// An OpenAI chat completion chunk carrying one piece of the answer's text.
pub fn openai_text_event(piece: &str) -> String {
    json!({"id": "c1", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": null}]})
        .to_string()
}
