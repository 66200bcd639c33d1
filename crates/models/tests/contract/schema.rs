//! The published JSON Schemas: valid documents that accept the examples and refuse what the
//! contract refuses; the variant for models leaves out the four server-owned render fields.

use models::RenderOutput;
use models::{turn_input_schema, turn_output_schema, turn_output_schema_for_models};
use serde_json::{Value, json};

use super::examples::fixture;

fn validator(schema: &Value) -> jsonschema::Validator {
    assert!(jsonschema::meta::is_valid(schema), "a valid JSON Schema document");
    jsonschema::validator_for(schema).unwrap()
}

#[test]
fn the_examples_satisfy_the_published_schemas() {
    let input = validator(&turn_input_schema());
    let output = validator(&turn_output_schema());
    for name in ["turn_input.en-US.json", "turn_input.ko-KR.json"] {
        let document: Value = serde_json::from_str(&fixture(name)).unwrap();
        let errors: Vec<String> = input.iter_errors(&document).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
    for name in ["turn_output.en-US.json", "turn_output.ko-KR.json"] {
        let document: Value = serde_json::from_str(&fixture(name)).unwrap();
        let errors: Vec<String> = output.iter_errors(&document).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

#[test]
fn the_schemas_refuse_what_the_contract_refuses() {
    let input = validator(&turn_input_schema());
    let base: Value = serde_json::from_str(&fixture("turn_input.en-US.json")).unwrap();
    let breakages: Vec<(&str, Value)> = vec![
        ("/text", json!("a".repeat(2001))),
        ("/economy_snapshot/signal", json!("5")),
        ("/economy_snapshot/signal", json!(-1)),
        ("/client/viewport_w", json!(0)),
        ("/action_id", json!("bad id")),
        ("/language", json!("fr-FR")),
        ("/previous_image_url", json!("http://example.com/x.png")),
    ];
    for (pointer, value) in breakages {
        let mut document = base.clone();
        *document.pointer_mut(pointer).unwrap() = value.clone();
        assert!(!input.is_valid(&document), "{pointer} = {value} should be refused by the schema");
    }
    let mut unknown = base.clone();
    unknown["client"]["dpi"] = json!(2);
    assert!(!input.is_valid(&unknown), "unknown keys are refused");

    let output = validator(&turn_output_schema());
    let mut six_cards: Value = serde_json::from_str(&fixture("turn_output.en-US.json")).unwrap();
    let card = six_cards["ui"]["action_deck"]["cards"][0].clone();
    six_cards["ui"]["action_deck"]["cards"] = Value::Array(vec![card; 6]);
    assert!(!output.is_valid(&six_cards), "six cards are refused");
    let mut endless: Value = serde_json::from_str(&fixture("turn_output.en-US.json")).unwrap();
    endless["narrative"] = json!("a".repeat(models::MAX_NARRATIVE_CHARS + 1));
    assert!(!output.is_valid(&endless), "a narrative over the limit is refused");
}

#[test]
fn the_schema_for_models_has_no_server_owned_fields() {
    let schema = turn_output_schema_for_models();
    let render = schema.pointer("/$defs/RenderOutput").expect("RenderOutput is a definition");
    let properties = render["properties"].as_object().unwrap();
    assert!(properties.contains_key("image_job"));
    for field in RenderOutput::SERVER_OWNED_FIELDS {
        assert!(!properties.contains_key(field), "{field} is left out");
        let required = render.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
        assert!(!required.contains(&json!(field)));
    }
    let published = turn_output_schema();
    let all = published.pointer("/$defs/RenderOutput/properties").unwrap().as_object().unwrap();
    assert!(
        RenderOutput::SERVER_OWNED_FIELDS.iter().all(|field| all.contains_key(*field)),
        "the full schema keeps them"
    );
    validator(&schema);
}
