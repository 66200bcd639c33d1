//! Contract tests: parsing, field paths of refusals, schema, economy.

use models::{ContractError, parse_turn_input};
use serde_json::{Value, json};

fn valid_input() -> Value {
    json!({
        "language": "en-US",
        "text": "open the door",
        "client": {"viewport_w": 1280, "viewport_h": 720},
        "economy_snapshot": {"signal": 100, "memory_shard": 5}
    })
}

fn field_of_refusal(body: &Value) -> Option<String> {
    match parse_turn_input(body.to_string().as_bytes()) {
        Err(ContractError::Invalid { field, .. }) => field,
        other => panic!("expected a refusal for {body}, got {other:?}"),
    }
}

#[test]
fn refusals_name_the_field_path() {
    let mut body = valid_input();
    body["economy_snapshot"]["signal"] = json!("5");
    assert_eq!(field_of_refusal(&body).as_deref(), Some("economy_snapshot.signal"));

    let mut body = valid_input();
    body["client"]["colour"] = json!("red");
    assert_eq!(field_of_refusal(&body).as_deref(), Some("client.colour"));

    let mut body = valid_input();
    body["click"] = json!({"object_id": "door", "box_2d": {"ymin": 10, "xmin": 0, "ymax": 5, "xmax": 9}});
    assert_eq!(field_of_refusal(&body).as_deref(), Some("click.box_2d"));
}

#[test]
fn unknown_key_at_the_root_is_named() {
    let mut body = valid_input();
    body["surprise"] = json!(1);
    assert_eq!(field_of_refusal(&body).as_deref(), Some("surprise"));
}
