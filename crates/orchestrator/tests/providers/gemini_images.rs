//! The Gemini Developer API image generator against a fake `generateContent` endpoint: the
//! request it sends and the mapping of every kind of answer.

use std::time::Duration;

use models::ModelLabel;
use orchestrator::providers::build_image_generator;
use orchestrator::{GeneratedImage, ImageError, ImageRequest};
use serde_json::json;

use super::fake_server::{FakeServer, Reply};
use super::helpers::*;

/// The render reason an answer maps to, or `ok`.
pub fn reason(result: &Result<GeneratedImage, ImageError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(ImageError::RateLimited) => "rate_limited",
        Err(ImageError::SafetyBlocked) => "safety_blocked",
        Err(ImageError::NoImage) => "no_image",
        Err(ImageError::InvalidImage(_)) => "invalid_image",
        Err(ImageError::Provider(_)) => "provider_error",
        Err(ImageError::Unavailable) => "unavailable",
    }
}

/// Runs one generation against a fake server with `script`; returns the result and the server.
async fn generate(
    script: Vec<Reply>,
    request: ImageRequest,
    deadline: Duration,
) -> (Result<GeneratedImage, ImageError>, FakeServer) {
    let server = FakeServer::start(script).await;
    let settings =
        settings(&[("UW_IMAGE_PROVIDER", "gemini"), ("GEMINI_API_KEY", KEY), ("UW_GEMINI_BASE_URL", &server.url)]);
    let generator = build_image_generator(&settings, deadline).await.unwrap().expect("a real generator");
    let result =
        tokio::time::timeout(deadline, generator.generate(request)).await.expect("an answer within the deadline");
    if let Err(error) = &result {
        assert!(!error.to_string().contains(KEY), "no key in error text");
    }
    (result, server)
}

/// Checks the reason an answer script ends in, and how many requests it took.
async fn check(script: Vec<Reply>, expected: &str, requests: usize) {
    let (result, server) = generate(script, image_request(ModelLabel::Quality), DEADLINE).await;
    assert_eq!(reason(&result), expected, "{result:?}");
    assert_eq!(server.requests().len(), requests, "number of requests");
}

#[tokio::test]
async fn a_quality_image_is_asked_for_with_the_key_aspect_ratio_and_size() {
    let (result, server) = generate(
        vec![Reply::json(200, gemini_image_answer(&base64(&png())))],
        image_request(ModelLabel::Quality),
        DEADLINE,
    )
    .await;
    let image = result.expect("an image");
    assert_eq!(image.bytes.as_ref(), png().as_slice(), "the image part after the text part");
    assert_eq!(image.mime_type.as_deref(), Some("image/png"));

    let request = server.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1beta/models/gemini-3-pro-image-preview:generateContent");
    assert_eq!(request.header("x-goog-api-key"), Some(KEY));
    assert_eq!(request.header("authorization"), None);
    let body = request.json();
    assert_eq!(body["generationConfig"]["responseModalities"], json!(["TEXT", "IMAGE"]));
    assert_eq!(body["generationConfig"]["imageConfig"], json!({"aspectRatio": "16:9", "imageSize": "1K"}));
    assert_eq!(body["contents"][0]["role"], "user");
    assert_eq!(body["contents"][0]["parts"], json!([{"text": PROMPT}]), "no reference part without a reference");
}

#[tokio::test]
async fn a_fast_image_uses_the_fast_model_and_sends_no_image_size() {
    let (result, server) = generate(
        vec![Reply::json(200, gemini_image_answer(&base64(&png())))],
        image_request(ModelLabel::Fast),
        DEADLINE,
    )
    .await;
    assert!(result.is_ok());
    let request = server.only_request();
    assert_eq!(request.path, "/v1beta/models/gemini-2.5-flash-image:generateContent");
    assert_eq!(request.json()["generationConfig"]["imageConfig"], json!({"aspectRatio": "16:9"}));
}

#[tokio::test]
async fn a_reference_image_goes_first_as_inline_data() {
    let request = with_reference(image_request(ModelLabel::Quality));
    let (result, server) =
        generate(vec![Reply::json(200, gemini_image_answer(&base64(&png())))], request, DEADLINE).await;
    assert!(result.is_ok());
    let parts = server.only_request().json()["contents"][0]["parts"].clone();
    assert_eq!(parts[0], json!({"inline_data": {"mime_type": "image/png", "data": base64(&png())}}));
    assert_eq!(parts[1], json!({"text": PROMPT}));
}

#[tokio::test]
async fn a_429_is_retried_once_then_rate_limited() {
    check(
        vec![Reply::google_error(429, "RESOURCE_EXHAUSTED"), Reply::google_error(429, "RESOURCE_EXHAUSTED")],
        "rate_limited",
        2,
    )
    .await;
}

#[tokio::test]
async fn a_429_then_an_image_succeeds() {
    check(
        vec![Reply::google_error(429, "RESOURCE_EXHAUSTED"), Reply::json(200, gemini_image_answer(&base64(&png())))],
        "ok",
        2,
    )
    .await;
}

#[tokio::test]
async fn a_500_then_an_image_succeeds() {
    check(vec![Reply::google_error(500, "INTERNAL"), Reply::json(200, gemini_image_answer(&base64(&png())))], "ok", 2)
        .await;
}

#[tokio::test]
async fn a_503_twice_gives_up_as_provider_error() {
    check(
        vec![
            Reply::google_error(503, "UNAVAILABLE"),
            Reply::google_error(503, "UNAVAILABLE"),
            Reply::json(200, gemini_image_answer(&base64(&png()))),
        ],
        "provider_error",
        2,
    )
    .await;
}

#[tokio::test]
async fn a_504_then_an_image_succeeds() {
    check(
        vec![Reply::google_error(504, "DEADLINE_EXCEEDED"), Reply::json(200, gemini_image_answer(&base64(&png())))],
        "ok",
        2,
    )
    .await;
}

#[tokio::test]
async fn a_400_is_a_provider_error_without_retry() {
    check(
        vec![Reply::google_error(400, "INVALID_ARGUMENT"), Reply::json(200, gemini_image_answer(&base64(&png())))],
        "provider_error",
        1,
    )
    .await;
}

#[tokio::test]
async fn a_403_and_a_404_are_provider_errors_without_retry() {
    check(vec![Reply::google_error(403, "PERMISSION_DENIED")], "provider_error", 1).await;
    check(vec![Reply::google_error(404, "NOT_FOUND")], "provider_error", 1).await;
}

#[tokio::test]
async fn a_block_reason_in_prompt_feedback_is_a_safety_block() {
    check(vec![Reply::json(200, json!({"promptFeedback": {"blockReason": "SAFETY"}}))], "safety_blocked", 1).await;
    check(
        vec![Reply::json(200, json!({"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}}))],
        "safety_blocked",
        1,
    )
    .await;
}

#[tokio::test]
async fn every_safety_finish_reason_is_a_safety_block() {
    for finish in ["SAFETY", "IMAGE_SAFETY", "PROHIBITED_CONTENT", "IMAGE_PROHIBITED_CONTENT", "BLOCKLIST", "SPII"] {
        check(vec![Reply::json(200, gemini_finish(finish))], "safety_blocked", 1).await;
    }
}

#[tokio::test]
async fn every_other_answer_without_an_image_is_no_image() {
    for finish in ["NO_IMAGE", "IMAGE_OTHER", "IMAGE_RECITATION", "RECITATION", "OTHER", "STOP"] {
        check(vec![Reply::json(200, gemini_finish(finish))], "no_image", 1).await;
    }
    check(vec![Reply::json(200, json!({"candidates": []}))], "no_image", 1).await;
    check(vec![Reply::json(200, json!({}))], "no_image", 1).await;
}

#[tokio::test]
async fn a_malformed_answer_is_a_provider_error() {
    let garbage = Reply::Raw(200, vec![("content-type", "application/json".into())], b"{\"candidates\": [".to_vec());
    check(vec![garbage], "provider_error", 1).await;
}

#[tokio::test]
async fn invalid_base64_is_an_invalid_image() {
    check(vec![Reply::json(200, gemini_image_answer("not base64 at all!!"))], "invalid_image", 1).await;
}

#[tokio::test]
async fn bytes_that_are_not_an_image_are_an_invalid_image() {
    check(vec![Reply::json(200, gemini_image_answer(&base64(b"hello, this is text")))], "invalid_image", 1).await;
    let truncated = png()[..20].to_vec();
    check(vec![Reply::json(200, gemini_image_answer(&base64(&truncated)))], "invalid_image", 1).await;
}

#[tokio::test]
async fn a_dropped_connection_is_a_provider_error() {
    check(vec![Reply::Drop], "provider_error", 1).await;
}

#[tokio::test]
async fn an_answer_slower_than_the_deadline_times_out() {
    let deadline = Duration::from_millis(300);
    let server = FakeServer::start(vec![Reply::Slow(
        Duration::from_secs(3),
        Box::new(Reply::json(200, gemini_image_answer(&base64(&png())))),
    )])
    .await;
    let settings =
        settings(&[("UW_IMAGE_PROVIDER", "gemini"), ("GEMINI_API_KEY", KEY), ("UW_GEMINI_BASE_URL", &server.url)]);
    let generator = build_image_generator(&settings, deadline).await.unwrap().unwrap();
    let outcome = tokio::time::timeout(deadline, generator.generate(image_request(ModelLabel::Quality))).await;
    assert!(outcome.is_err(), "the deadline ends the generation: {outcome:?}");
}

#[tokio::test]
async fn a_retry_that_would_outlast_the_deadline_is_not_tried() {
    let deadline = Duration::from_millis(1500);
    let wait = Reply::Raw(503, vec![("retry-after", "5".into())], b"{}".to_vec());
    let (result, server) = generate(
        vec![wait, Reply::json(200, gemini_image_answer(&base64(&png())))],
        image_request(ModelLabel::Quality),
        deadline,
    )
    .await;
    assert_eq!(reason(&result), "provider_error");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_retry_after_of_the_largest_number_is_not_waited_for_and_does_not_panic() {
    let wait = Reply::Raw(429, vec![("retry-after", u64::MAX.to_string())], b"{}".to_vec());
    let (result, server) = generate(
        vec![wait, Reply::json(200, gemini_image_answer(&base64(&png())))],
        image_request(ModelLabel::Quality),
        DEADLINE,
    )
    .await;
    assert_eq!(reason(&result), "rate_limited");
    assert_eq!(server.requests().len(), 1, "no retry after a pause beyond the deadline");
}

#[tokio::test]
async fn a_redirect_is_not_followed_so_the_key_and_prompt_stay_with_the_provider() {
    let elsewhere = FakeServer::start(vec![Reply::json(200, gemini_image_answer(&base64(&png())))]).await;
    let redirect = Reply::Raw(307, vec![("location", format!("{}/collect", elsewhere.url))], Vec::new());
    let (result, server) = generate(vec![redirect], image_request(ModelLabel::Quality), DEADLINE).await;
    assert_eq!(reason(&result), "provider_error");
    assert_eq!(server.requests().len(), 1);
    assert!(elsewhere.requests().is_empty(), "nothing reaches the host a redirect names");
}

#[tokio::test]
async fn an_image_answer_over_the_size_cap_is_refused_as_a_provider_error() {
    let server = FakeServer::start(vec![Reply::json(200, gemini_image_answer(&base64(&png())))]).await;
    let settings = settings(&[
        ("UW_IMAGE_PROVIDER", "gemini"),
        ("GEMINI_API_KEY", KEY),
        ("UW_GEMINI_BASE_URL", &server.url),
        ("UW_MAX_IMAGE_BYTES", "200"),
    ]);
    let generator = build_image_generator(&settings, DEADLINE).await.unwrap().unwrap();
    let result = generator.generate(image_request(ModelLabel::Quality)).await;
    assert_eq!(reason(&result), "provider_error");
    assert!(result.unwrap_err().to_string().contains("larger than 200 bytes"));
    assert!(try_settings(&[("UW_MAX_IMAGE_BYTES", "lots")]).unwrap_err().to_string().contains("UW_MAX_IMAGE_BYTES"));
}

#[tokio::test]
async fn an_image_declaring_more_pixels_than_the_maximum_is_refused_from_its_header() {
    let bomb = png_header(11_000, 11_000);
    let (result, _) = generate(
        vec![Reply::json(200, gemini_image_answer(&base64(&bomb)))],
        image_request(ModelLabel::Quality),
        DEADLINE,
    )
    .await;
    assert_eq!(reason(&result), "invalid_image");
    assert!(result.unwrap_err().to_string().contains("11000x11000, larger than the maximum"));
    let (result, _) = generate(
        vec![Reply::json(200, gemini_image_answer(&base64(&png_header(4096, 2304))))],
        image_request(ModelLabel::Quality),
        DEADLINE,
    )
    .await;
    assert_eq!(reason(&result), "ok", "a 4K header passes the cheap check");
}
