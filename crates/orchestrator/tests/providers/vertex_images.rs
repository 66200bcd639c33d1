//! The Vertex AI image generator: the same bodies as Gemini, a project-scoped URL and a Bearer
//! token from the token source (a static one here, `gcp_auth` in production).

use std::sync::Arc;

use models::ModelLabel;
use orchestrator::testing::{Secret, StaticToken, TokenSource, build_image_generator_with};
use orchestrator::{GeneratedImage, ImageError, ImageRequest};
use serde_json::json;

use super::fake_server::{FakeServer, Reply};
use super::gemini_images::reason;
use super::helpers::*;

async fn generate(
    script: Vec<Reply>,
    request: ImageRequest,
    location: &str,
) -> (Result<GeneratedImage, ImageError>, FakeServer) {
    let server = FakeServer::start(script).await;
    let settings = settings(&[
        ("UW_IMAGE_PROVIDER", "vertex"),
        ("GOOGLE_CLOUD_PROJECT", "tale-project"),
        ("GOOGLE_CLOUD_LOCATION", location),
        ("UW_VERTEX_BASE_URL", &server.url),
    ]);
    let tokens: Arc<dyn TokenSource> = Arc::new(StaticToken(Secret::from(TOKEN)));
    let generator = build_image_generator_with(&settings, DEADLINE, Some(tokens)).unwrap().expect("a real generator");
    let result = generator.generate(request).await;
    if let Err(error) = &result {
        assert!(!error.to_string().contains(TOKEN), "no token in error text");
    }
    (result, server)
}

#[tokio::test]
async fn a_vertex_image_is_asked_for_with_a_bearer_token_on_the_project_path() {
    let request = with_reference(image_request(ModelLabel::Quality));
    let (result, server) =
        generate(vec![Reply::json(200, gemini_image_answer(&base64(&png())))], request, "global").await;
    assert_eq!(result.unwrap().bytes.as_ref(), png().as_slice());
    let request = server.only_request();
    assert_eq!(
        request.path,
        "/v1/projects/tale-project/locations/global/publishers/google/models/gemini-3-pro-image-preview:generateContent"
    );
    assert_eq!(request.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert_eq!(request.header("x-goog-api-key"), None);
    let body = request.json();
    assert_eq!(body["generationConfig"]["imageConfig"], json!({"aspectRatio": "16:9", "imageSize": "1K"}));
    assert_eq!(body["contents"][0]["parts"][0]["inline_data"]["mime_type"], "image/png");
}

#[tokio::test]
async fn a_regional_vertex_location_is_in_the_path() {
    let (result, server) = generate(
        vec![Reply::json(200, gemini_image_answer(&base64(&png())))],
        image_request(ModelLabel::Fast),
        "us-central1",
    )
    .await;
    assert!(result.is_ok());
    let request = server.only_request();
    assert!(request.path.starts_with("/v1/projects/tale-project/locations/us-central1/"), "{}", request.path);
    assert!(request.path.ends_with("/gemini-2.5-flash-image:generateContent"));
    assert!(request.json()["generationConfig"]["imageConfig"].get("imageSize").is_none());
}

#[tokio::test]
async fn vertex_answers_map_like_gemini_answers() {
    let cases: Vec<(Vec<Reply>, &str, usize)> = vec![
        (
            vec![Reply::google_error(429, "RESOURCE_EXHAUSTED"), Reply::google_error(429, "RESOURCE_EXHAUSTED")],
            "rate_limited",
            2,
        ),
        (vec![Reply::google_error(500, "INTERNAL"), Reply::json(200, gemini_image_answer(&base64(&png())))], "ok", 2),
        (vec![Reply::google_error(503, "UNAVAILABLE"), Reply::google_error(503, "UNAVAILABLE")], "provider_error", 2),
        (vec![Reply::google_error(403, "PERMISSION_DENIED")], "provider_error", 1),
        (vec![Reply::json(200, json!({"promptFeedback": {"blockReason": "SAFETY"}}))], "safety_blocked", 1),
        (vec![Reply::json(200, gemini_finish("IMAGE_SAFETY"))], "safety_blocked", 1),
        (vec![Reply::json(200, gemini_finish("NO_IMAGE"))], "no_image", 1),
        (vec![Reply::json(200, gemini_image_answer(&base64(b"text")))], "invalid_image", 1),
        (vec![Reply::google_error(400, "INVALID_ARGUMENT")], "provider_error", 1),
        (vec![Reply::Raw(200, vec![], b"{\"candidates\"".to_vec())], "provider_error", 1),
        (vec![Reply::json(200, gemini_image_answer("*not base64*"))], "invalid_image", 1),
        (vec![Reply::Drop], "provider_error", 1),
    ];
    for (script, expected, requests) in cases {
        let (result, server) = generate(script, image_request(ModelLabel::Quality), "global").await;
        assert_eq!(reason(&result), expected, "{result:?}");
        assert_eq!(server.requests().len(), requests);
    }
}

/// A token source that fails, as `gcp_auth` does without credentials.
struct NoToken;

impl TokenSource for NoToken {
    fn token(&self) -> futures::future::BoxFuture<'_, Result<Secret, String>> {
        Box::pin(async { Err("no Google Cloud token: no credentials".to_owned()) })
    }
}

#[tokio::test]
async fn a_missing_token_is_a_provider_error_and_sends_nothing() {
    let server = FakeServer::start(vec![]).await;
    let settings = settings(&[
        ("UW_IMAGE_PROVIDER", "vertex"),
        ("GOOGLE_CLOUD_PROJECT", "p"),
        ("UW_VERTEX_BASE_URL", &server.url),
    ]);
    let generator = build_image_generator_with(&settings, DEADLINE, Some(Arc::new(NoToken))).unwrap().unwrap();
    let result = generator.generate(image_request(ModelLabel::Quality)).await;
    assert_eq!(reason(&result), "provider_error");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_vertex_answer_slower_than_the_deadline_times_out() {
    let slow = Reply::Slow(
        std::time::Duration::from_secs(3),
        Box::new(Reply::json(200, gemini_image_answer(&base64(&png())))),
    );
    let outcome = tokio::time::timeout(
        std::time::Duration::from_millis(300),
        generate(vec![slow], image_request(ModelLabel::Quality), "global"),
    )
    .await;
    assert!(outcome.is_err(), "the deadline ends the generation");
}
