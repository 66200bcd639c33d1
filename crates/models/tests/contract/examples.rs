//! The checked-in examples in both languages parse, and serialise back to the same document.

use models::{
    AspectRatio, ImageSize, ImageUrl, Language, RenderOutcome, RenderReason, RenderStatus, SafetyOutput,
    ValidationBadge, parse_game_master_output, parse_turn_input, parse_turn_output,
};
use serde_json::Value;

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn turn_inputs_round_trip_in_both_languages() {
    for name in ["turn_input.en-US.json", "turn_input.ko-KR.json"] {
        let text = fixture(name);
        let input = parse_turn_input(text.as_bytes()).unwrap();
        let original: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(serde_json::to_value(&input).unwrap(), original, "{name}");
    }
}

#[test]
fn turn_outputs_round_trip_in_the_contract_key_order() {
    for (name, language) in
        [("turn_output.en-US.json", Language::English), ("turn_output.ko-KR.json", Language::Korean)]
    {
        let text = fixture(name);
        let output = parse_turn_output(text.as_bytes()).unwrap();
        assert_eq!(output.language, language);
        let original: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(serde_json::to_value(&output).unwrap(), original, "{name}");
        let serialised = serde_json::to_string(&output).unwrap();
        let keys = ["language", "narrative", "economy", "safety", "ui", "world", "render", "agent_console"];
        let positions: Vec<usize> = keys.iter().map(|key| serialised.find(&format!("\"{key}\":")).unwrap()).collect();
        assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "key order of {name}");
    }
}

#[test]
fn every_output_field_is_serialised_even_when_empty() {
    let mut document: Value = serde_json::from_str(&fixture("turn_output.ko-KR.json")).unwrap();
    document.as_object_mut().unwrap().remove("world");
    document["render"].as_object_mut().unwrap().remove("image_url");
    let output = parse_turn_output(document.to_string().as_bytes()).unwrap();
    let written = serde_json::to_value(&output).unwrap();
    assert_eq!(written["world"]["memory_pins"], Value::Array(vec![]));
    assert!(written["render"].as_object().unwrap().contains_key("image_url"), "null is written, not left out");
    assert_eq!(written["render"]["image_url"], Value::Null);
}

#[test]
fn a_game_master_cannot_set_the_server_owned_render_fields() {
    let mut document: Value = serde_json::from_str(&fixture("turn_output.en-US.json")).unwrap();
    document["render"]["image_url"] = Value::from("https://elsewhere.example/cat.png");
    document["render"]["image_id"] = Value::from(42);
    document["render"]["generation_time_ms"] = Value::from(-5);
    document["render"]["background_removed"] = Value::from("yes");
    let output = parse_game_master_output(&document.to_string()).unwrap();
    assert_eq!(output.render.image_url, None);
    assert_eq!(output.render.image_id, None);
    assert_eq!(output.render.generation_time_ms, None);
    assert!(!output.render.background_removed);
    let job = output.render.image_job.unwrap();
    assert_eq!((job.aspect_ratio, job.image_size), (AspectRatio::Wide16x9, ImageSize::OneK), "the job is kept");
}

#[test]
fn a_render_outcome_is_merged_into_the_output() {
    let output = parse_turn_output(fixture("turn_output.en-US.json").as_bytes()).unwrap();
    let mut render = output.render.clone();
    render.image_url = None;
    render.image_id = None;
    let mut refunded = output.economy;
    refunded.cost.signal -= 10;
    let outcome = RenderOutcome {
        status: RenderStatus::Failed,
        reason: Some(RenderReason::SafetyBlocked),
        message: Some("blocked".into()),
        render: render.clone(),
        economy: Some(refunded),
        safety: Some(SafetyOutput { blocked: true, message: Some("blocked".into()) }),
    };
    let mut synced = output.clone();
    synced.apply_render_outcome(&outcome);
    assert_eq!(synced.render, render);
    assert_eq!(synced.economy, refunded);
    assert!(synced.safety.blocked);
    let badges = synced.agent_console.badges.to_vec();
    assert!(badges.contains(&ValidationBadge::SafetyBlocked) && !badges.contains(&ValidationBadge::SafetyOk));
    assert_eq!(badges.len(), 4);
    assert_eq!(synced.narrative, output.narrative, "the rest is untouched");
}

#[test]
fn helpers_of_the_value_types() {
    assert_eq!(Language::Korean.pick("가", "a"), "가");
    assert_eq!(Language::English.pick("가", "a"), "a");
    for ratio in AspectRatio::ALL {
        let (w, h) = ratio.terms();
        let (width, height) = ratio.dimensions(1024);
        assert_eq!(width.max(height), 1024, "{ratio:?}");
        let drift = (i64::from(width * h) - i64::from(height * w)).unsigned_abs();
        assert!(drift <= u64::from(w.max(h)), "{ratio:?} gives {width}x{height}");
    }
    let id = models::ImageId::try_from("img_0123456789abcdef01234567").unwrap();
    let url = ImageUrl::for_image(&id, "webp").unwrap();
    assert_eq!(url.as_str(), "/static/images/generated/img_0123456789abcdef01234567.webp");
    assert_eq!(url.image_id(), id);
    assert_eq!(url.file_name(), "img_0123456789abcdef01234567.webp");
    assert!(ImageUrl::for_image(&id, "gif").is_err());
}
