//! Streamed game master answers: the narrative comes out as it grows inside the partial JSON,
//! whatever the cuts between events and TCP chunks, and stream errors end the answer.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use orchestrator::testing::{Secret, StaticToken, build_game_master, build_game_master_with};
use orchestrator::{GameMaster, GameMasterError, GameMasterEvent, MockImage, RepairFeedback};
use serde_json::json;

use super::fake_server::{FakeServer, Reply};
use super::helpers::*;

/// The narrative as the model writes it inside the JSON (escapes, a surrogate pair, Korean).
const NARRATIVE_JSON: &str = r#""횃불이 \"흔들\"린다.\n카페 caf\u00e9 앞, 웃는 얼굴 \ud83d\ude00 끝.""#;
/// The same narrative, decoded.
const NARRATIVE: &str = "횃불이 \"흔들\"린다.\n카페 café 앞, 웃는 얼굴 😀 끝.";

/// A valid answer whose narrative is `NARRATIVE_JSON`, and byte offsets that cut it mid-word,
/// mid-escape and between the halves of a surrogate pair.
async fn tricky_answer() -> (String, Vec<usize>) {
    let input = turn_input("ko-KR", 40);
    let mut value: serde_json::Value = serde_json::from_str(&valid_answer(&input, MockImage::None).await).unwrap();
    value["narrative"] = json!("NARRATIVE_SLOT");
    let text = value.to_string().replace("\"NARRATIVE_SLOT\"", NARRATIVE_JSON);
    let at = |needle: &str, offset: usize| text.find(needle).unwrap() + offset;
    let mut cuts = vec![
        at("흔들", 3),
        at("\\\"", 1),
        at("\\u00e9", 4),
        at("\\ud83d", 6),
        at("\\ude00", 3),
        at("\"narrative\"", 5),
    ];
    cuts.sort_unstable();
    (text, cuts)
}

async fn collect(
    game_master: &Arc<dyn GameMaster>,
    repair: Option<RepairFeedback>,
) -> Vec<Result<GameMasterEvent, GameMasterError>> {
    let request = gm_request(turn_input("ko-KR", 40), repair);
    tokio::time::timeout(Duration::from_secs(10), game_master.answer(request).collect()).await.expect("the stream ends")
}

fn narrative_of(events: &[Result<GameMasterEvent, GameMasterError>]) -> (String, usize) {
    let deltas: Vec<&str> = events
        .iter()
        .filter_map(|event| match event {
            Ok(GameMasterEvent::NarrativeDelta(text)) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    (deltas.concat(), deltas.len())
}

async fn gemini(server: &FakeServer, extra: &[(&str, &str)]) -> Arc<dyn GameMaster> {
    let mut variables =
        vec![("UW_TEXT_PROVIDER", "gemini"), ("GEMINI_API_KEY", KEY), ("UW_GEMINI_BASE_URL", server.url.as_str())];
    variables.extend_from_slice(extra);
    build_game_master(&settings(&variables)).await.unwrap().expect("a real game master")
}

async fn openai(server: &FakeServer) -> Arc<dyn GameMaster> {
    let variables = [
        ("UW_TEXT_PROVIDER", "openai"),
        ("OPENAI_BASE_URL", server.url.as_str()),
        ("OPENAI_API_KEY", KEY),
        ("UW_TEXT_MODEL_FAST", "qwen3:8b"),
        ("UW_TEXT_MODEL_QUALITY", "qwen3:32b"),
    ];
    build_game_master(&settings(&variables)).await.unwrap().expect("a real game master")
}

#[tokio::test]
async fn gemini_narrative_streams_whole_across_cut_words_escapes_and_characters() {
    let (text, cuts) = tricky_answer().await;
    // TCP chunks of 7 bytes cut through the SSE lines and through multi-byte characters.
    let server = FakeServer::start(vec![Reply::sse(&gemini_text_events(&text, &cuts), 7)]).await;
    let events = collect(&gemini(&server, &[]).await, None).await;

    let (narrative, deltas) = narrative_of(&events);
    assert_eq!(narrative, NARRATIVE);
    assert!(deltas >= 4, "the narrative arrives in several deltas, got {deltas}");
    assert_eq!(events.last(), Some(&Ok(GameMasterEvent::Finished(text.clone()))));
    let output = models::parse_game_master_output(&text).expect("the finished text is a valid answer");
    assert_eq!(output.narrative, NARRATIVE);

    let request = server.only_request();
    assert_eq!(request.path, "/v1beta/models/gemini-3-flash-preview:streamGenerateContent?alt=sse");
    assert_eq!(request.header("x-goog-api-key"), Some(KEY));
    let body = request.json();
    assert_eq!(body["generationConfig"]["responseMimeType"], "application/json");
    let schema = &body["generationConfig"]["responseJsonSchema"];
    assert!(schema["properties"]["narrative"].is_object(), "the TurnOutput schema is sent");
    assert!(schema["$defs"]["RenderOutput"]["properties"].get("image_url").is_none(), "without server-owned fields");
    assert!(body["systemInstruction"]["parts"][0]["text"].as_str().unwrap().contains("ko-KR"));
    assert_eq!(body["contents"][0]["role"], "user");
    assert!(body["contents"][0]["parts"][0]["text"].as_str().unwrap().contains("open the rusted door"));
}

#[tokio::test]
async fn a_repair_asks_the_quality_model_and_names_the_problem() {
    let (text, _) = tricky_answer().await;
    let server = FakeServer::start(vec![Reply::sse(&gemini_text_events(&text, &[]), 64)]).await;
    let repair = RepairFeedback { attempt: 1, problem: "economy.cost: missing field `signal`".into() };
    let events = collect(&gemini(&server, &[]).await, Some(repair)).await;
    assert!(matches!(events.last(), Some(Ok(GameMasterEvent::Finished(_)))));
    let request = server.only_request();
    assert_eq!(request.path, "/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse");
    let user = request.json()["contents"][0]["parts"][0]["text"].as_str().unwrap().to_owned();
    assert!(user.contains("economy.cost: missing field `signal`") && user.contains("attempt 1"), "{user}");
}

#[tokio::test]
async fn vertex_text_streams_with_a_bearer_token() {
    let (text, cuts) = tricky_answer().await;
    let server = FakeServer::start(vec![Reply::sse(&gemini_text_events(&text, &cuts), 11)]).await;
    let settings = settings(&[
        ("UW_TEXT_PROVIDER", "vertex"),
        ("GOOGLE_CLOUD_PROJECT", "p1"),
        ("UW_VERTEX_BASE_URL", &server.url),
    ]);
    let game_master =
        build_game_master_with(&settings, Some(Arc::new(StaticToken(Secret::from(TOKEN))))).unwrap().unwrap();
    let events = collect(&game_master, None).await;
    assert_eq!(narrative_of(&events).0, NARRATIVE);
    let request = server.only_request();
    assert_eq!(
        request.path,
        "/v1/projects/p1/locations/global/publishers/google/models/gemini-3-flash-preview:streamGenerateContent?alt=sse"
    );
    assert_eq!(request.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
}

#[tokio::test]
async fn an_openai_stream_ends_at_done() {
    let (text, cuts) = tricky_answer().await;
    let mut events = vec![json!({"choices": [{"index": 0, "delta": {"role": "assistant"}}]}).to_string()];
    let mut start = 0;
    for cut in cuts.iter().copied().chain([text.len()]) {
        events.push(openai_text_event(&text[start..cut]));
        start = cut;
    }
    events.push("[DONE]".to_owned());
    events.push(openai_text_event("after the end"));
    let server = FakeServer::start(vec![Reply::sse(&events, 5)]).await;
    let answer = collect(&openai(&server).await, None).await;

    assert_eq!(narrative_of(&answer).0, NARRATIVE);
    assert_eq!(answer.last(), Some(&Ok(GameMasterEvent::Finished(text))), "nothing after [DONE] counts");

    let request = server.only_request();
    assert_eq!(request.path, "/v1/chat/completions");
    assert_eq!(request.header("authorization"), Some(format!("Bearer {KEY}").as_str()));
    let body = request.json();
    assert_eq!(body["model"], "qwen3:8b");
    assert_eq!(body["stream"], true);
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(body["response_format"]["json_schema"]["name"], "turn_output");
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
    let schema = &body["response_format"]["json_schema"]["schema"];
    assert!(schema["properties"]["narrative"].is_object());
    assert!(
        schema["$defs"]["ActionCard"]["required"].as_array().unwrap().contains(&json!("is_alternative")),
        "strict form"
    );
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][1]["role"], "user");
}

#[tokio::test]
async fn a_mid_stream_error_line_ends_the_answer_with_a_provider_error() {
    let openai_events = vec![
        openai_text_event(r#"{"narrative":"The door "#),
        json!({"error": {"message": "overloaded", "type": "server_error"}}).to_string(),
    ];
    let server = FakeServer::start(vec![Reply::sse(&openai_events, 1000)]).await;
    let events = collect(&openai(&server).await, None).await;
    assert_eq!(events[0], Ok(GameMasterEvent::NarrativeDelta("The door ".into())));
    assert!(matches!(events.last(), Some(Err(GameMasterError::Provider(_)))), "{events:?}");

    let gemini_events = vec![
        gemini_text_event(r#"{"narrative":"문이 "#),
        json!({"error": {"code": 503, "message": "x", "status": "UNAVAILABLE"}}).to_string(),
    ];
    let server = FakeServer::start(vec![Reply::sse(&gemini_events, 1000)]).await;
    let events = collect(&gemini(&server, &[]).await, None).await;
    assert_eq!(events[0], Ok(GameMasterEvent::NarrativeDelta("문이 ".into())));
    assert_eq!(events.last(), Some(&Err(GameMasterError::Provider("error in the stream: UNAVAILABLE".into()))));
}

#[tokio::test]
async fn an_http_error_is_a_provider_error_without_the_key() {
    let server = FakeServer::start(vec![Reply::google_error(429, "RESOURCE_EXHAUSTED")]).await;
    let events = collect(&gemini(&server, &[]).await, None).await;
    assert_eq!(events, vec![Err(GameMasterError::Provider("HTTP 429 RESOURCE_EXHAUSTED".into()))]);
}

#[tokio::test]
async fn a_connection_broken_mid_stream_is_a_stream_error() {
    let wire = format!("data: {}\r\n\r\n", gemini_text_event(r#"{"narrative":"Half"#)).into_bytes();
    let server =
        FakeServer::start(vec![Reply::Stream { chunks: vec![wire], pause: Duration::ZERO, complete: false }]).await;
    let events = collect(&gemini(&server, &[]).await, None).await;
    assert_eq!(events[0], Ok(GameMasterEvent::NarrativeDelta("Half".into())));
    assert!(matches!(events.last(), Some(Err(GameMasterError::Stream(_)))), "{events:?}");
}

#[tokio::test]
async fn a_dropped_connection_before_any_answer_is_a_provider_error() {
    let server = FakeServer::start(vec![Reply::Drop]).await;
    let events = collect(&gemini(&server, &[]).await, None).await;
    assert!(matches!(events.as_slice(), [Err(GameMasterError::Provider(_))]), "{events:?}");
}

#[tokio::test]
async fn an_answer_slower_than_the_text_timeout_is_a_stream_error() {
    let (text, _) = tricky_answer().await;
    let slow = Reply::Stream {
        chunks: gemini_text_events(&text, &[10, 20, 30])
            .into_iter()
            .map(|data| format!("data: {data}\n\n").into_bytes())
            .collect(),
        pause: Duration::from_millis(150),
        complete: true,
    };
    let server = FakeServer::start(vec![slow]).await;
    let events = collect(&gemini(&server, &[("UW_TEXT_TIMEOUT_MS", "200")]).await, None).await;
    assert!(matches!(events.last(), Some(Err(GameMasterError::Stream(_)))), "{events:?}");
}

#[tokio::test]
async fn an_empty_stream_is_an_error_not_an_empty_answer() {
    let server = FakeServer::start(vec![Reply::sse(&[], 10)]).await;
    let events = collect(&gemini(&server, &[]).await, None).await;
    assert!(matches!(events.as_slice(), [Err(GameMasterError::Stream(_))]), "{events:?}");
}

/// The error that ended a stream, as text.
fn stream_error(events: &[Result<GameMasterEvent, GameMasterError>]) -> String {
    match events.last() {
        Some(Err(GameMasterError::Stream(message))) => message.clone(),
        other => panic!("the stream did not end in a stream error: {other:?}"),
    }
}

#[tokio::test]
async fn an_endless_answer_is_cut_off_at_the_answer_cap() {
    // 40 events of 16 KiB of narrative: 640 KiB, past the 512 KiB cap, and never finished.
    let mut events = vec![gemini_text_event("{\"language\": \"ko-KR\", \"narrative\": \"")];
    events.extend((0..40).map(|_| gemini_text_event(&"a".repeat(16 * 1024))));
    let server = FakeServer::start(vec![Reply::sse(&events, 64 * 1024)]).await;
    let answer = collect(&gemini(&server, &[]).await, None).await;
    assert!(stream_error(&answer).contains("longer than"), "{:?}", answer.last());
    let (narrative, _) = narrative_of(&answer);
    assert!(narrative.len() <= 512 * 1024, "no more narrative than the cap: {}", narrative.len());
}

#[tokio::test]
async fn a_line_without_an_end_is_refused_at_the_line_cap() {
    let mut line = b"data: ".to_vec();
    line.extend(std::iter::repeat_n(b'x', 3 * 1024 * 1024));
    let chunks = line.chunks(64 * 1024).map(<[u8]>::to_vec).collect();
    let server =
        FakeServer::start(vec![Reply::Stream { chunks, pause: Duration::from_millis(1), complete: true }]).await;
    let answer = collect(&gemini(&server, &[]).await, None).await;
    assert!(stream_error(&answer).contains("longer than"), "{:?}", answer.last());
}

#[tokio::test]
async fn an_answer_that_stalls_mid_stream_ends_after_the_idle_timeout_not_the_whole_one() {
    let first = format!("data: {}\r\n\r\n", gemini_text_event("{\"language\": \"ko-KR\", \"narrative\": \"The door"));
    let rest = format!("data: {}\r\n\r\n", gemini_text_event(" opens"));
    let stalled = Reply::Stream {
        chunks: vec![first.into_bytes(), rest.into_bytes()],
        pause: Duration::from_secs(6),
        complete: true,
    };
    let server = FakeServer::start(vec![stalled]).await;
    let game_master = gemini(&server, &[("UW_TEXT_TIMEOUT_MS", "8000")]).await;
    let answer = collect(&game_master, None).await;
    assert_eq!(stream_error(&answer), "the answer stalled for 2000 ms");
}
