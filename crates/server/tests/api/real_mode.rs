//! Real mode end to end: the server refuses to start without the credentials its providers need,
//! and with them serves a whole turn from a fake Gemini that speaks the documented wire format
//! (a streamed JSON answer, then an image part after a text part).

use std::io::Cursor;
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine as _;
use futures::StreamExt;
use models::parse_turn_input;
use orchestrator::MockGameMaster;
use orchestrator::{GameMaster, GameMasterEvent, GameMasterRequest, MockImage};
use serde_json::{Value, json};
use server::Settings;

use super::helpers::{SseReader, check_order, spawn_app_with, turn_body};

const KEY: &str = "test-key-not-a-real-one";

/// What the fake Gemini saw: `(path, x-goog-api-key, body)` per request.
type Seen = Arc<Mutex<Vec<(String, String, Value)>>>;

/// A fake Gemini Developer API on port 0. Text requests get `answer` streamed in small pieces;
/// image requests get a PNG after a text part.
async fn fake_gemini(answer: String) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let recorded = Arc::clone(&seen);
    let answer = Arc::new(answer);
    let server = HttpServer::new(move || {
        let recorded = Arc::clone(&recorded);
        let answer = Arc::clone(&answer);
        App::new().route(
            "/v1beta/models/{call}",
            web::post().to(move |request: HttpRequest, body: web::Json<Value>| {
                let recorded = Arc::clone(&recorded);
                let answer = Arc::clone(&answer);
                async move {
                    let key = request.headers().get("x-goog-api-key").and_then(|v| v.to_str().ok()).unwrap_or("");
                    recorded.lock().unwrap().push((request.uri().to_string(), key.to_owned(), body.into_inner()));
                    if request.path().ends_with(":streamGenerateContent") {
                        streamed_text(&answer)
                    } else {
                        image_answer()
                    }
                }
            }),
        )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let address = server.addrs()[0];
    tokio::spawn(server.run());
    (format!("http://{address}"), seen)
}

/// The answer as SSE `data:` lines of 7 characters each, so the narrative arrives in pieces.
fn streamed_text(answer: &str) -> HttpResponse {
    let characters: Vec<char> = answer.chars().collect();
    let body: String = characters
        .chunks(7)
        .map(|piece| {
            let chunk = json!({"candidates": [{"content": {"role": "model", "parts": [{"text": piece.iter().collect::<String>()}]}}]});
            format!("data: {chunk}\r\n\r\n")
        })
        .collect();
    HttpResponse::Ok().content_type("text/event-stream").body(body)
}

fn image_answer() -> HttpResponse {
    let picture = image::RgbImage::from_fn(64, 36, |x, y| image::Rgb([x as u8 * 3, y as u8 * 5, 90]));
    let mut png = Vec::new();
    picture.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    HttpResponse::Ok().json(json!({"candidates": [{
        "content": {"role": "model", "parts": [
            {"text": "Here is the scene."},
            {"inlineData": {"mimeType": "image/png", "data": base64::engine::general_purpose::STANDARD.encode(&png)}}
        ]},
        "finishReason": "STOP"
    }]}))
}

/// A valid answer for `turn_body(100)` with a scene image job, written by the mock game master.
async fn valid_answer() -> String {
    let input = parse_turn_input(turn_body(100).to_string().as_bytes()).unwrap();
    let request = GameMasterRequest { input, seed: 11, mock_image: MockImage::Scene, repair: None };
    let mut answer = MockGameMaster::new(std::time::Duration::ZERO).answer(request);
    while let Some(event) = answer.next().await {
        if let Ok(GameMasterEvent::Finished(text)) = event {
            return text;
        }
    }
    panic!("the mock game master finished no answer");
}

#[test]
fn real_mode_refuses_to_start_naming_the_missing_credential() {
    let cases: [(&[(&str, &str)], &str); 4] = [
        (&[("UW_MODE", "real")], "GEMINI_API_KEY"),
        (&[("UW_MODE", "real"), ("UW_TEXT_PROVIDER", "vertex"), ("UW_IMAGE_PROVIDER", "mock")], "GOOGLE_CLOUD_PROJECT"),
        (&[("UW_MODE", "real"), ("UW_TEXT_PROVIDER", "openai"), ("GEMINI_API_KEY", KEY)], "OPENAI_BASE_URL"),
        (&[("UW_MODE", "real"), ("UW_IMAGE_PROVIDER", "dall-e")], "UW_IMAGE_PROVIDER"),
    ];
    for (variables, missing) in cases {
        let error = Settings::with(variables).expect_err("real mode does not start");
        assert_eq!(error.variable, missing, "{variables:?}");
        assert!(!error.to_string().contains(KEY), "the error shows no key: {error}");
    }
}

#[test]
fn mock_mode_ignores_provider_variables_and_settings_never_print_a_key() {
    let settings = Settings::with(&[("UW_TEXT_PROVIDER", "openai"), ("GEMINI_API_KEY", KEY)]).unwrap();
    assert!(settings.providers().describe().contains("mock"), "{}", settings.providers().describe());
    let real = Settings::with(&[("UW_MODE", "real"), ("GEMINI_API_KEY", KEY)]).unwrap();
    assert!(!format!("{real:?}").contains(KEY), "Debug hides the key");
    assert!(!real.providers().describe().contains(KEY), "the startup line hides the key");
}

#[tokio::test]
async fn a_real_mode_turn_streams_gemini_narrative_and_renders_its_image() {
    let answer = valid_answer().await;
    let (gemini, seen) = fake_gemini(answer.clone()).await;
    let app =
        spawn_app_with(&[("UW_MODE", "real"), ("GEMINI_API_KEY", KEY), ("UW_GEMINI_BASE_URL", gemini.as_str())]).await;
    let (_, health) = app.get_json("/healthz").await;
    assert_eq!(health["mode"], "real");

    let response = app.post_turn("seed=11", &turn_body(100)).await;
    assert_eq!(response.status(), 200);
    let events = SseReader::new(response).collect().await;
    let (output, render) = check_order(&events);
    let expected: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(output["narrative"], expected["narrative"], "the model's narrative, streamed in pieces");
    assert!(events.iter().filter(|e| e.name == "narrative").count() > 1, "more than one narrative delta");
    assert_eq!(render["status"], "completed", "{render}");
    let url = render["render"]["image_url"].as_str().unwrap();
    let image = app.get(url).await;
    assert_eq!(image.status(), 200);
    let decoded = image::load_from_memory(&image.bytes().await.unwrap()).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (64, 36), "the provider's picture is what is served");

    let seen = seen.lock().unwrap();
    let paths: Vec<&str> = seen.iter().map(|(path, _, _)| path.as_str()).collect();
    assert!(paths.iter().any(|p| p.contains(":streamGenerateContent") && p.contains("alt=sse")), "{paths:?}");
    assert!(paths.iter().any(|p| p.ends_with(":generateContent")), "{paths:?}");
    assert!(seen.iter().all(|(_, key, _)| key == KEY), "every request carries the key header");
    let image_request = seen.iter().find(|(path, _, _)| path.ends_with(":generateContent")).unwrap();
    assert_eq!(image_request.2["generationConfig"]["responseModalities"], json!(["TEXT", "IMAGE"]));
}
