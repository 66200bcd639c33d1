//! Every error row of docs/protocol.md: status, code and field, nothing streamed, and a healthy
//! server afterwards.

use std::sync::Arc;
use std::time::Duration;

use orchestrator::{MockGameMaster, MockImageGenerator};
use serde_json::{Value, json};
use server::Providers;

use super::helpers::{TestApp, spawn_app, spawn_app_with, spawn_app_with_providers, turn_body};

/// One refused request: what is sent and what must come back.
struct Refusal<'a> {
    name: &'a str,
    query: &'a str,
    content_type: Option<&'a str>,
    body: Vec<u8>,
    status: u16,
    code: &'a str,
    field: Option<&'a str>,
}

fn refusal<'a>(
    name: &'a str,
    body: impl Into<Vec<u8>>,
    status: u16,
    code: &'a str,
    field: Option<&'a str>,
) -> Refusal<'a> {
    Refusal { name, query: "", content_type: Some("application/json"), body: body.into(), status, code, field }
}

fn json_body(body: Value) -> Vec<u8> {
    body.to_string().into_bytes()
}

fn with(field: &str, value: Value) -> Vec<u8> {
    let mut body = turn_body(100);
    body[field] = value;
    json_body(body)
}

/// Sends the request to both POST endpoints and checks the answer of each.
async fn check(app: &TestApp, case: &Refusal<'_>) {
    for path in ["/api/turn", "/api/turns"] {
        let url = if case.query.is_empty() { app.url(path) } else { app.url(&format!("{path}?{}", case.query)) };
        let mut request = app.client.post(url).body(case.body.clone());
        if let Some(content_type) = case.content_type {
            request = request.header("Content-Type", content_type);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(content_type.as_deref(), Some("application/json"), "{}: a JSON error, nothing streamed", case.name);
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, case.status, "{} on {path}: {body}", case.name);
        assert_eq!(body["error"]["code"], case.code, "{} on {path}", case.name);
        assert_eq!(body["error"]["field"].as_str(), case.field, "{} on {path}", case.name);
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        app.assert_healthy().await;
    }
}

#[tokio::test]
async fn every_refused_turn_request_gets_its_status_code_and_field() {
    let app = spawn_app().await;
    let mut cases = vec![
        refusal("malformed JSON", "{\"language\": ", 400, "malformed_json", None),
        refusal(
            "not UTF-8",
            b"{\"language\": \"en-US\", \"text\": \"\xff\xfe\"}".to_vec(),
            400,
            "malformed_json",
            None,
        ),
        refusal("trailing garbage", "{} {}", 400, "malformed_json", None),
        refusal("a body over 64 KiB", with("scene_context", json!("x".repeat(70_000))), 413, "too_large", None),
        refusal("an unknown key", with("cheat", json!(true)), 422, "invalid_input", Some("cheat")),
        refusal(
            "a string for a number",
            with("economy_snapshot", json!({"signal": "5", "memory_shard": 0})),
            422,
            "invalid_input",
            Some("economy_snapshot.signal"),
        ),
        refusal(
            "a negative balance",
            with("economy_snapshot", json!({"signal": -1, "memory_shard": 0})),
            422,
            "invalid_input",
            Some("economy_snapshot.signal"),
        ),
        refusal("text over 2000 characters", with("text", json!("x".repeat(2001))), 422, "invalid_input", Some("text")),
        refusal(
            "a foreign image URL",
            with("previous_image_url", json!("https://example.com/a.png")),
            422,
            "invalid_input",
            Some("previous_image_url"),
        ),
        refusal("a missing field", json_body(json!({"language": "en-US"})), 422, "invalid_input", Some("client")),
    ];
    let query = |name, query, field| {
        let mut case = refusal(name, json_body(turn_body(100)), 400, "bad_query", Some(field));
        case.query = query;
        case
    };
    cases.push(query("an unknown mock_image", "mock_image=sometimes", "mock_image"));
    cases.push(query("a negative seed", "seed=-1", "seed"));
    cases.push(query("a seed that is not a number", "seed=abc", "seed"));
    cases.push(query("an unknown parameter", "colour=red", "colour"));
    cases.push(query("a repeated parameter", "seed=1&seed=2", "seed"));
    let mut plain_text = refusal("text/plain", json_body(turn_body(100)), 415, "unsupported_media_type", None);
    plain_text.content_type = Some("text/plain");
    cases.push(plain_text);
    let mut no_type = refusal("no content type", json_body(turn_body(100)), 415, "unsupported_media_type", None);
    no_type.content_type = None;
    cases.push(no_type);
    for case in &cases {
        check(&app, case).await;
    }
}

#[tokio::test]
async fn json_with_a_charset_parameter_is_accepted() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/turns?mock_image=none"))
        .header("Content-Type", "application/json; charset=utf-8")
        .body(turn_body(100).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json_errors() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/nope").await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")));
    let (status, body) = app.get_json("/api/turn").await;
    assert_eq!((status, body["error"]["code"].as_str()), (405, Some("method_not_allowed")));
    let response = app.client.delete(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 405);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
    app.assert_healthy().await;
}

#[tokio::test]
async fn too_many_turns_from_one_client_are_429_rate_limited() {
    let app = spawn_app_with(&[("UW_RATE_LIMIT_PER_MIN", "2")]).await;
    for _ in 0..2 {
        assert_eq!(app.post_turns("mock_image=none", &turn_body(100)).await.status(), 202);
    }
    let response = app.post_turns("mock_image=none", &turn_body(100)).await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    let response = app.post_turn("mock_image=none", &turn_body(100)).await;
    assert_eq!(response.status(), 429);
    app.assert_healthy().await;
}

#[tokio::test]
async fn a_turn_past_the_limit_in_flight_is_503_overloaded() {
    let app = spawn_app_with(&[("UW_MAX_TURNS_IN_FLIGHT", "1"), ("UW_MOCK_IMAGE_DELAY_MS", "2000")]).await;
    assert_eq!(app.post_turns("mock_image=scene", &turn_body(100)).await.status(), 202);
    let response = app.post_turn("mock_image=scene", &turn_body(100)).await;
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "overloaded");
    app.assert_healthy().await;
}

fn mock_providers() -> Providers {
    Providers {
        game_master: Arc::new(MockGameMaster::new(Duration::from_millis(1))),
        images: Some(Arc::new(MockImageGenerator::new(Duration::from_millis(10)))),
    }
}

#[tokio::test]
async fn mock_image_outside_mock_mode_is_400_bad_query() {
    let app = spawn_app_with_providers(
        &[("UW_MODE", "real"), ("UW_TEXT_PROVIDER", "mock"), ("UW_IMAGE_PROVIDER", "mock")],
        mock_providers(),
    )
    .await;
    let (_, health) = app.get_json("/healthz").await;
    assert_eq!(health["mode"], "real");
    check(&app, &{
        let mut case =
            refusal("mock_image in real mode", json_body(turn_body(100)), 400, "bad_query", Some("mock_image"));
        case.query = "mock_image=scene";
        case
    })
    .await;
    let events = app.run_turn("seed=3").await;
    assert_eq!(events.last().map(|e| e.name.as_str()), Some("render"), "a turn without mock_image runs");
}
