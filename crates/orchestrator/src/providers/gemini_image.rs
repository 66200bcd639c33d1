//! Image generation with Gemini image models, through the Gemini Developer API or Vertex AI
//! (`generateContent` with image output): request body, one retry, and the exact mapping of
//! every answer to an `ImageError`.

use std::time::{Duration, Instant};

use base64::Engine as _;
use futures::FutureExt;
use futures::future::BoxFuture;
use models::ModelLabel;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::google::{GoogleEndpoint, error_summary};
use super::http::{decode_image, log_image_answer, send_with_one_retry, without_url};
use super::settings::ModelPair;
use crate::image_generator::{GeneratedImage, ImageError, ImageGenerator, ImageRequest};

/// Finish reasons that mean the provider refused for safety.
const SAFETY_FINISH_REASONS: [&str; 6] =
    ["SAFETY", "IMAGE_SAFETY", "PROHIBITED_CONTENT", "IMAGE_PROHIBITED_CONTENT", "BLOCKLIST", "SPII"];

/// Makes images with a Gemini image model.
#[derive(Clone)]
pub struct GeminiImageGenerator {
    endpoint: GoogleEndpoint,
    models: ModelPair,
    client: reqwest::Client,
    /// The render task's deadline; a retry is only tried when it still fits.
    deadline: Duration,
    /// The largest answer read (`UW_MAX_IMAGE_BYTES`).
    max_body: usize,
}

impl GeminiImageGenerator {
    pub fn new(
        endpoint: GoogleEndpoint,
        models: ModelPair,
        client: reqwest::Client,
        deadline: Duration,
        max_body: usize,
    ) -> Self {
        GeminiImageGenerator { endpoint, models, client, deadline, max_body }
    }
}

impl ImageGenerator for GeminiImageGenerator {
    fn generate(&self, request: ImageRequest) -> BoxFuture<'static, Result<GeneratedImage, ImageError>> {
        let this = self.clone();
        async move {
            let model = this.models.for_label(request.model_label).to_owned();
            let url = this.endpoint.url(&model, "generateContent");
            let body = request_body(&request);
            let started = Instant::now();
            let send = || {
                let builder = this.client.post(&url).json(&body);
                let endpoint = this.endpoint.clone();
                async move {
                    let builder = endpoint.authorize(builder).await?;
                    builder.send().await.map_err(|error| without_url(&error))
                }
            };
            let result = match send_with_one_retry(this.deadline, this.max_body, send, classify_status).await {
                Ok(body) => parse_answer(&body),
                Err(error) => Err(error),
            };
            log_image_answer(this.endpoint.name(), &model, &request.prompt, &result, started);
            result
        }
        .boxed()
    }

    fn describe(&self) -> String {
        format!("{}:{}/{}", self.endpoint.name(), self.models.fast, self.models.quality)
    }
}

/// The `generateContent` body: the reference image first (so the prompt can speak of it), then
/// the prompt. `imageSize` goes only to the QUALITY model: the flash image model refuses it.
pub fn request_body(request: &ImageRequest) -> Value {
    let mut parts = Vec::new();
    if let Some(reference) = &request.reference {
        parts.push(json!({"inline_data": {
            "mime_type": reference.mime_type,
            "data": base64::engine::general_purpose::STANDARD.encode(&reference.bytes),
        }}));
    }
    parts.push(json!({"text": request.prompt}));
    let mut image_config = json!({"aspectRatio": request.aspect_ratio.as_str()});
    if request.model_label == ModelLabel::Quality {
        image_config["imageSize"] = json!(request.image_size.as_str());
    }
    json!({
        "contents": [{"role": "user", "parts": parts}],
        "generationConfig": {"responseModalities": ["TEXT", "IMAGE"], "imageConfig": image_config},
    })
}

/// Maps a non-success status (after any retry) to an error.
fn classify_status(status: StatusCode, body: &[u8]) -> ImageError {
    if status == StatusCode::TOO_MANY_REQUESTS {
        ImageError::RateLimited
    } else {
        ImageError::Provider(error_summary(status, body))
    }
}

/// Maps a 200 answer: a safety block, the first inline image, or no image.
pub fn parse_answer(body: &[u8]) -> Result<GeneratedImage, ImageError> {
    let answer: Value = serde_json::from_slice(body)
        .map_err(|error| ImageError::Provider(format!("the answer is not JSON: {error}")))?;
    if !answer.is_object() {
        return Err(ImageError::Provider("the answer is not a JSON object".to_owned()));
    }
    if let Some(reason) = answer.pointer("/promptFeedback/blockReason").and_then(Value::as_str) {
        tracing::debug!(block_reason = reason, "the image prompt was blocked");
        return Err(ImageError::SafetyBlocked);
    }
    let candidates = answer.get("candidates").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let mut finish_reasons = candidates.iter().filter_map(|candidate| candidate.get("finishReason")?.as_str());
    if let Some(reason) = finish_reasons.find(|reason| SAFETY_FINISH_REASONS.contains(reason)) {
        tracing::debug!(finish_reason = reason, "the image was refused for safety");
        return Err(ImageError::SafetyBlocked);
    }
    let image = candidates
        .iter()
        .filter_map(|candidate| candidate.pointer("/content/parts").and_then(Value::as_array))
        .flatten()
        .find_map(|part| {
            let inline = part.get("inlineData").or_else(|| part.get("inline_data"))?;
            let data = inline.get("data").and_then(Value::as_str).filter(|data| !data.is_empty())?;
            let mime_type = inline.get("mimeType").or_else(|| inline.get("mime_type")).and_then(Value::as_str);
            Some((data, mime_type.map(str::to_owned)))
        });
    match image {
        Some((data, mime_type)) => decode_image(data, mime_type),
        // NO_IMAGE, IMAGE_OTHER, RECITATION, OTHER and plain text answers all land here.
        None => Err(ImageError::NoImage),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_that_is_a_list_is_a_provider_error() {
        assert!(matches!(parse_answer(b"[1]"), Err(ImageError::Provider(_))));
    }

    #[test]
    fn a_recitation_finish_is_no_image() {
        let body = br#"{"candidates":[{"finishReason":"IMAGE_RECITATION","content":{"parts":[]}}]}"#;
        assert_eq!(parse_answer(body).unwrap_err(), ImageError::NoImage);
    }

    #[test]
    fn a_blocklist_finish_is_a_safety_block() {
        let body = br#"{"candidates":[{"finishReason":"BLOCKLIST"}]}"#;
        assert_eq!(parse_answer(body).unwrap_err(), ImageError::SafetyBlocked);
    }
}
