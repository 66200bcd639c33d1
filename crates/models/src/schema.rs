//! JSON Schema documents of the contract: for clients, and for language models asked to fill a
//! TurnOutput (without the four server-owned render fields).

use schemars::{JsonSchema, Schema, generate::SchemaSettings};
use serde_json::Value;

use crate::input::TurnInput;
use crate::output::TurnOutput;
use crate::render::RenderOutput;

fn schema_for<T: JsonSchema>() -> Schema {
    SchemaSettings::draft2020_12().into_generator().into_root_schema_for::<T>()
}

/// The JSON Schema of a request body.
pub fn turn_input_schema() -> Value {
    schema_for::<TurnInput>().to_value()
}

/// The JSON Schema of a TurnOutput as the server publishes it.
pub fn turn_output_schema() -> Value {
    schema_for::<TurnOutput>().to_value()
}

/// The TurnOutput schema a language model is asked to fill: the render object keeps only
/// `image_job`, because the server alone writes the other four fields.
pub fn turn_output_schema_for_models() -> Value {
    let mut schema = turn_output_schema();
    if let Some(render) = schema.pointer_mut("/$defs/RenderOutput") {
        if let Some(properties) = render.get_mut("properties").and_then(Value::as_object_mut) {
            for key in RenderOutput::SERVER_OWNED_FIELDS {
                properties.remove(key);
            }
        }
        if let Some(required) = render.get_mut("required").and_then(Value::as_array_mut) {
            required.retain(|key| !RenderOutput::SERVER_OWNED_FIELDS.iter().any(|owned| key == owned));
        }
    }
    schema
}
