//! The OpenAI-compatible image generator against a fake `/v1/images/generations`.

use std::time::Duration;

use models::{AspectRatio, ModelLabel};
use orchestrator::testing::build_image_generator;
use orchestrator::{GeneratedImage, ImageError, ImageRequest};
use serde_json::{Value, json};

use super::fake_server::{FakeServer, Reply};
use super::gemini_images::reason;
use super::helpers::*;

fn answer(data: &str) -> Value {
    json!({"created": 1, "data": [{"b64_json": data}]})
}

async fn generate(
    script: Vec<Reply>,
    request: ImageRequest,
    extra: &[(&str, &str)],
    deadline: Duration,
) -> (Option<Result<GeneratedImage, ImageError>>, FakeServer) {
    let server = FakeServer::start(script).await;
    let base = format!("{}/v1", server.url);
    let mut variables = vec![
        ("UW_IMAGE_PROVIDER", "openai"),
        ("OPENAI_BASE_URL", base.as_str()),
        ("OPENAI_API_KEY", KEY),
        ("UW_IMAGE_MODEL_FAST", "sd-turbo"),
        ("UW_IMAGE_MODEL_QUALITY", "sdxl"),
    ];
    variables.extend_from_slice(extra);
    let generator = build_image_generator(&settings(&variables), deadline).await.unwrap().expect("a real generator");
    let result = tokio::time::timeout(deadline, generator.generate(request)).await.ok();
    if let Some(Err(error)) = &result {
        assert!(!error.to_string().contains(KEY), "no key in error text");
    }
    (result, server)
}

async fn check(script: Vec<Reply>, expected: &str, requests: usize) {
    let (result, server) = generate(script, image_request(ModelLabel::Quality), &[], DEADLINE).await;
    let result = result.expect("an answer within the deadline");
    assert_eq!(reason(&result), expected, "{result:?}");
    assert_eq!(server.requests().len(), requests, "number of requests");
}

#[tokio::test]
async fn an_openai_image_is_asked_for_as_b64_json_at_the_nearest_size() {
    let (result, server) =
        generate(vec![Reply::json(200, answer(&base64(&png())))], image_request(ModelLabel::Quality), &[], DEADLINE)
            .await;
    assert_eq!(result.unwrap().unwrap().bytes.as_ref(), png().as_slice());
    let request = server.only_request();
    assert_eq!(request.path, "/v1/images/generations");
    assert_eq!(request.header("authorization"), Some(format!("Bearer {KEY}").as_str()));
    assert_eq!(
        request.json(),
        json!({"model": "sdxl", "prompt": PROMPT, "n": 1, "size": "1536x1024", "response_format": "b64_json"})
    );
}

#[tokio::test]
async fn configured_sizes_and_the_fast_model_are_used() {
    let mut request = image_request(ModelLabel::Fast);
    request.aspect_ratio = AspectRatio::Portrait9x16;
    let sizes = [("UW_OPENAI_IMAGE_SIZES", "512x512,512x768,768x512")];
    let (result, server) = generate(vec![Reply::json(200, answer(&base64(&png())))], request, &sizes, DEADLINE).await;
    assert!(result.unwrap().is_ok());
    let body = server.only_request().json();
    assert_eq!(body["model"], "sd-turbo");
    assert_eq!(body["size"], "512x768");
}

#[tokio::test]
async fn a_local_server_without_a_key_gets_no_authorization_header() {
    let server = FakeServer::start(vec![Reply::json(200, answer(&base64(&png())))]).await;
    let settings = settings(&[("UW_IMAGE_PROVIDER", "openai"), ("OPENAI_BASE_URL", &server.url)]);
    let generator = build_image_generator(&settings, DEADLINE).await.unwrap().unwrap();
    assert!(generator.generate(image_request(ModelLabel::Quality)).await.is_ok());
    assert_eq!(server.only_request().header("authorization"), None);
}

#[tokio::test]
async fn openai_answers_map_to_render_reasons() {
    let error = |status: u16, code: &str| {
        Reply::json(status, json!({"error": {"message": "scripted", "type": "invalid_request_error", "code": code}}))
    };
    check(vec![error(429, "rate_limit_exceeded"), error(429, "rate_limit_exceeded")], "rate_limited", 2).await;
    check(vec![error(429, "rate_limit_exceeded"), Reply::json(200, answer(&base64(&png())))], "ok", 2).await;
    check(vec![error(500, "server_error"), Reply::json(200, answer(&base64(&png())))], "ok", 2).await;
    check(vec![error(503, "server_error"), error(503, "server_error")], "provider_error", 2).await;
    check(vec![error(400, "content_policy_violation")], "safety_blocked", 1).await;
    check(vec![error(400, "invalid_size")], "provider_error", 1).await;
    check(vec![Reply::json(200, json!({"data": []}))], "no_image", 1).await;
    check(vec![Reply::json(200, json!({"data": [{"url": "http://elsewhere/x.png"}]}))], "no_image", 1).await;
    check(vec![Reply::Raw(200, vec![], b"<html>".to_vec())], "provider_error", 1).await;
    check(vec![Reply::json(200, answer("%%%"))], "invalid_image", 1).await;
    check(vec![Reply::json(200, answer(&base64(b"GIF89a but not really")))], "invalid_image", 1).await;
    check(vec![Reply::Drop], "provider_error", 1).await;
}

#[tokio::test]
async fn an_openai_answer_slower_than_the_deadline_times_out() {
    let slow = Reply::Slow(Duration::from_secs(3), Box::new(Reply::json(200, answer(&base64(&png())))));
    let (result, _server) =
        generate(vec![slow], image_request(ModelLabel::Quality), &[], Duration::from_millis(300)).await;
    assert!(result.is_none(), "the deadline ends the generation");
}
