//! The game master on an OpenAI-compatible server: chat completions streamed as SSE, with a
//! JSON-schema response format, the narrative streamed while the rest is written.

use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use futures::stream::BoxStream;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use super::http::without_url;
use super::prompts::{game_master_prompt, schema_for_models};
use super::settings::{ModelPair, OpenAiSettings};
use super::text_stream::{Payload, answer_stream, stream_error};
use crate::game_master::{GameMaster, GameMasterError, GameMasterEvent, GameMasterRequest};

/// Streams turn answers from chat completions; as with Gemini, repairs go to the QUALITY model.
#[derive(Clone)]
pub struct OpenAiGameMaster {
    settings: OpenAiSettings,
    models: ModelPair,
    client: reqwest::Client,
    timeout: Duration,
    schema: Arc<Value>,
}

impl OpenAiGameMaster {
    pub fn new(settings: OpenAiSettings, models: ModelPair, client: reqwest::Client, timeout: Duration) -> Self {
        OpenAiGameMaster { settings, models, client, timeout, schema: Arc::new(strict_schema(schema_for_models())) }
    }
}

/// The schema in the form strict structured output demands: every property of every object is
/// required. Nothing is lost: each optional field of the contract accepts an explicit value
/// (`null` for the nullable ones), and the contract serialises every field anyway.
pub fn strict_schema(mut schema: Value) -> Value {
    fn visit(node: &mut Value) {
        match node {
            Value::Object(object) => {
                if let Some(keys) = object
                    .get("properties")
                    .and_then(Value::as_object)
                    .map(|properties| properties.keys().cloned().map(Value::String).collect::<Vec<_>>())
                {
                    object.insert("required".to_owned(), Value::Array(keys));
                }
                object.values_mut().for_each(visit);
            }
            Value::Array(items) => items.iter_mut().for_each(visit),
            _ => {}
        }
    }
    visit(&mut schema);
    schema
}

impl GameMaster for OpenAiGameMaster {
    fn answer(&self, request: GameMasterRequest) -> BoxStream<'static, Result<GameMasterEvent, GameMasterError>> {
        let model = if request.repair.is_some() { &self.models.quality } else { &self.models.fast };
        let prompt = game_master_prompt(&request);
        let body = json!({
            "model": model,
            "stream": true,
            "messages": [
                {"role": "system", "content": prompt.system},
                {"role": "user", "content": prompt.user},
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "turn_output", "schema": *self.schema, "strict": true},
            },
        });
        let mut builder = self.client.post(format!("{}/v1/chat/completions", self.settings.base_url)).json(&body);
        if let Some(key) = &self.settings.api_key {
            builder = builder.bearer_auth(key.expose_secret());
        }
        let send = async move { builder.send().await.map_err(|error| GameMasterError::Provider(without_url(&error))) };
        answer_stream(send.boxed(), parse_payload, self.timeout, format!("openai:{model}"))
    }

    fn describe(&self) -> String {
        format!("openai:{}/{}", self.models.fast, self.models.quality)
    }
}

/// One chat completion chunk: `choices[0].delta.content`, `[DONE]`, or an error object.
pub fn parse_payload(data: &str) -> Result<Payload, GameMasterError> {
    if data.trim() == "[DONE]" {
        return Ok(Payload::Done);
    }
    let value: Value = serde_json::from_str(data)
        .map_err(|error| GameMasterError::Stream(format!("a stream event is not JSON: {error}")))?;
    if let Some(error) = value.get("error") {
        return Err(stream_error(error));
    }
    if value.pointer("/choices/0/finish_reason").and_then(Value::as_str) == Some("content_filter") {
        return Err(GameMasterError::Provider("the model stopped (content_filter)".to_owned()));
    }
    let text = value.pointer("/choices/0/delta/content").and_then(Value::as_str).unwrap_or_default();
    Ok(Payload::Text(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_strict_schema_requires_every_property() {
        let schema = strict_schema(schema_for_models());
        let card = &schema["$defs"]["ActionCard"];
        let required: Vec<&str> = card["required"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        let properties: Vec<&str> = card["properties"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(required, properties);
        assert!(required.contains(&"is_alternative"));
        assert_eq!(card["additionalProperties"], false);
    }

    #[test]
    fn chunks_give_their_content_and_done_ends() {
        assert_eq!(parse_payload(r#"{"choices":[{"delta":{"content":"x"}}]}"#), Ok(Payload::Text("x".into())));
        assert_eq!(parse_payload(r#"{"choices":[{"delta":{"role":"assistant"}}]}"#), Ok(Payload::Text(String::new())));
        assert_eq!(parse_payload("[DONE]"), Ok(Payload::Done));
        assert!(parse_payload(r#"{"error":{"message":"boom","type":"server_error"}}"#).is_err());
    }
}
