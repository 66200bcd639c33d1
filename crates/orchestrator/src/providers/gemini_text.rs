//! The game master on Gemini (Developer API or Vertex AI): `streamGenerateContent` with SSE and
//! structured JSON output, the narrative streamed while the rest of the TurnOutput is written.

use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use futures::stream::BoxStream;
use serde_json::{Value, json};

use super::google::GoogleEndpoint;
use super::http::without_url;
use super::prompts::{game_master_prompt, schema_for_models};
use super::settings::ModelPair;
use super::text_stream::{Payload, answer_stream, stream_error};
use crate::game_master::{GameMaster, GameMasterError, GameMasterEvent, GameMasterRequest};

/// Finish reasons that mean the model stopped for safety: the text so far is not an answer.
const SAFETY_FINISH_REASONS: [&str; 5] = ["SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION"];

/// Streams turn answers from a Gemini model. A first answer uses the FAST model; a repair asks
/// the QUALITY model, since the fast one has just failed at this turn.
#[derive(Clone)]
pub struct GeminiGameMaster {
    endpoint: GoogleEndpoint,
    models: ModelPair,
    client: reqwest::Client,
    timeout: Duration,
    /// The TurnOutput schema for models, built once.
    schema: Arc<Value>,
}

impl GeminiGameMaster {
    pub fn new(endpoint: GoogleEndpoint, models: ModelPair, client: reqwest::Client, timeout: Duration) -> Self {
        GeminiGameMaster { endpoint, models, client, timeout, schema: Arc::new(schema_for_models()) }
    }
}

impl GameMaster for GeminiGameMaster {
    fn answer(&self, request: GameMasterRequest) -> BoxStream<'static, Result<GameMasterEvent, GameMasterError>> {
        let model = if request.repair.is_some() { &self.models.quality } else { &self.models.fast };
        let prompt = game_master_prompt(&request);
        let body = json!({
            "systemInstruction": {"parts": [{"text": prompt.system}]},
            "contents": [{"role": "user", "parts": [{"text": prompt.user}]}],
            "generationConfig": {
                "responseMimeType": "application/json",
                "responseJsonSchema": *self.schema,
            },
        });
        let builder = self.client.post(self.endpoint.url(model, "streamGenerateContent?alt=sse")).json(&body);
        let endpoint = self.endpoint.clone();
        let send = async move {
            let builder = endpoint.authorize(builder).await.map_err(GameMasterError::Provider)?;
            builder.send().await.map_err(|error| GameMasterError::Provider(without_url(&error)))
        };
        answer_stream(send.boxed(), parse_payload, self.timeout, format!("{}:{model}", self.endpoint.name()))
    }

    fn describe(&self) -> String {
        format!("{}:{}/{}", self.endpoint.name(), self.models.fast, self.models.quality)
    }
}

/// One partial `GenerateContentResponse`: its text parts continue the answer.
pub fn parse_payload(data: &str) -> Result<Payload, GameMasterError> {
    let value: Value = serde_json::from_str(data)
        .map_err(|error| GameMasterError::Stream(format!("a stream event is not JSON: {error}")))?;
    if let Some(error) = value.get("error") {
        return Err(stream_error(error));
    }
    if let Some(reason) = value.pointer("/promptFeedback/blockReason").and_then(Value::as_str) {
        return Err(GameMasterError::Provider(format!("the prompt was blocked ({reason})")));
    }
    let candidate = value.pointer("/candidates/0");
    let text: String = candidate
        .and_then(|candidate| candidate.pointer("/content/parts"))
        .and_then(Value::as_array)
        .map(|parts| {
            parts
                .iter()
                // Thought summaries, when a model sends them, are not part of the answer.
                .filter(|part| part.get("thought").and_then(Value::as_bool) != Some(true))
                .filter_map(|part| part.get("text").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    let finish_reason = candidate.and_then(|c| c.get("finishReason")).and_then(Value::as_str);
    if let Some(reason) = finish_reason.filter(|reason| SAFETY_FINISH_REASONS.contains(reason)) {
        return Err(GameMasterError::Provider(format!("the model stopped ({reason})")));
    }
    Ok(Payload::Text(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_parts_are_joined_and_thoughts_skipped() {
        let data = r#"{"candidates":[{"content":{"parts":[{"text":"a","thought":true},{"text":"b"},{"text":"c"}]}}]}"#;
        assert_eq!(parse_payload(data), Ok(Payload::Text("bc".into())));
    }

    #[test]
    fn a_safety_stop_and_a_blocked_prompt_are_errors() {
        assert!(parse_payload(r#"{"candidates":[{"finishReason":"SAFETY"}]}"#).is_err());
        assert!(parse_payload(r#"{"promptFeedback":{"blockReason":"OTHER"}}"#).is_err());
    }

    #[test]
    fn the_schema_has_no_server_owned_render_fields() {
        let schema = schema_for_models();
        let render = schema.pointer("/$defs/RenderOutput/properties").and_then(Value::as_object).unwrap();
        assert_eq!(render.keys().collect::<Vec<_>>(), ["image_job"]);
        assert!(schema.pointer("/properties/narrative").is_some() && schema.get("$schema").is_none());
    }
}
