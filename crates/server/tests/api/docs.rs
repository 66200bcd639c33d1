//! docs/protocol.md against the code: every error code and status, every render reason and every
//! event name appears in it, and every example in it parses with the contract types (the whole
//! example turn also follows the documented order).

use std::time::Instant;

use models::{
    AgentPhase, RenderOutcome, RenderReason, StageStatus, ValidationBadge, parse_turn_input, parse_turn_output,
};
use serde_json::Value;
use server::ApiError;
use sse_decoder::SseDecoder;

use super::helpers::{Event, check_order};

const EVENT_NAMES: [&str; 8] = ["turn", "stage", "narrative", "repair", "badges", "error", "final", "render"];

fn protocol() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/protocol.md")).unwrap()
}

/// The bodies of the fenced blocks whose info string is exactly `info`.
fn examples(doc: &str, info: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(tag)) => current = (tag == info).then(String::new).or(Some(String::from("\0"))),
            (Some(body), Some("")) => {
                if !body.starts_with('\0') {
                    found.push(std::mem::take(body));
                }
                current = None;
            }
            (Some(body), _) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(!found.is_empty(), "docs/protocol.md has no ```{info} example");
    found
}

/// Decodes an example stream with the workspace's decoder and checks each event's data.
fn decode(stream: &str) -> Vec<Event> {
    let mut decoder = SseDecoder::new();
    let events = decoder.push(stream.as_bytes()).unwrap();
    assert!(decoder.unknown_fields().is_empty(), "{:?}", decoder.unknown_fields());
    events
        .into_iter()
        .map(|event| {
            assert!(EVENT_NAMES.contains(&event.name.as_str()), "unknown event {}", event.name);
            assert_eq!(event.data_lines, 1, "data is one line");
            let data: Value = serde_json::from_str(&event.data).unwrap();
            check_data(&event.name, &data);
            Event { id: event.id.unwrap().parse().unwrap(), name: event.name, data, at: Instant::now() }
        })
        .collect()
}

fn check_data(name: &str, data: &Value) {
    match name {
        "stage" => {
            assert_eq!(data.as_object().unwrap().len(), 2, "name and status only: {data}");
            serde_json::from_value::<AgentPhase>(data["name"].clone()).unwrap();
            serde_json::from_value::<StageStatus>(data["status"].clone()).unwrap();
        }
        "badges" => drop(serde_json::from_value::<Vec<ValidationBadge>>(data["badges"].clone()).unwrap()),
        "final" => drop(parse_turn_output(data["data"].to_string().as_bytes()).unwrap()),
        "render" => drop(serde_json::from_value::<RenderOutcome>(data.clone()).unwrap()),
        "narrative" => assert!(data["text"].is_string()),
        "repair" => assert!(data["attempt"].is_u64() && data["message"].is_string()),
        "error" => assert!(data["code"].is_string() && data["message"].is_string()),
        _ => assert!(data["turn_id"].is_string()),
    }
}

#[test]
fn every_error_code_is_in_the_error_table_with_its_status() {
    let doc = protocol();
    for error in ApiError::one_of_each() {
        let (code, status) = error.code_and_status();
        let row = format!("| {} | `{code}` |", status.as_u16());
        assert!(doc.contains(&row), "docs/protocol.md lacks the row `{row}`");
    }
}

#[test]
fn every_render_reason_and_event_name_is_documented() {
    let doc = protocol();
    for reason in RenderReason::ALL {
        assert!(doc.contains(&format!("| `{}` |", reason.as_str())), "docs/protocol.md lacks the reason {reason:?}");
    }
    for name in EVENT_NAMES {
        assert!(doc.contains(&format!("| `{name}` |")), "docs/protocol.md lacks the event `{name}`");
    }
}

#[test]
fn the_example_turn_parses_and_follows_the_documented_order() {
    let doc = protocol();
    let streams = examples(&doc, "text sse");
    assert_eq!(streams.len(), 1, "one whole example turn");
    let events = decode(&streams[0]);
    check_order(&events);
    for fragment in examples(&doc, "text sse-fragment") {
        assert!(!decode(&fragment).is_empty());
    }
}

#[test]
fn the_json_examples_parse_with_the_contract_types() {
    let doc = protocol();
    for input in examples(&doc, "json turn-input") {
        parse_turn_input(input.as_bytes()).unwrap();
    }
    for links in examples(&doc, "json turn-links") {
        check_data("turn", &serde_json::from_str(&links).unwrap());
    }
    for status in examples(&doc, "json turn-status") {
        let status: Value = serde_json::from_str(&status).unwrap();
        assert!(["running", "rendering", "complete"].contains(&status["status"].as_str().unwrap()));
        parse_turn_output(status["output"].to_string().as_bytes()).unwrap();
    }
    for render in examples(&doc, "json render") {
        serde_json::from_str::<RenderOutcome>(&render).unwrap();
    }
    let codes: Vec<&str> = ApiError::one_of_each().iter().map(ApiError::code).collect();
    for error in examples(&doc, "json error") {
        let error: Value = serde_json::from_str(&error).unwrap();
        assert!(codes.contains(&error["error"]["code"].as_str().unwrap()), "{error}");
        assert!(error["error"]["message"].is_string());
    }
}
