//! Image generation on any OpenAI-compatible server (`/v1/images/generations` with `b64_json`):
//! OpenAI itself, LocalAI, stable-diffusion.cpp's sd-server and the like.

use std::time::{Duration, Instant};

use futures::FutureExt;
use futures::future::BoxFuture;
use models::{AspectRatio, ImageSize};
use reqwest::StatusCode;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use super::google::error_summary;
use super::http::{decode_image, log_image_answer, send_with_one_retry, without_url};
use super::settings::{ModelPair, OpenAiSettings};
use crate::image_generator::{GeneratedImage, ImageError, ImageGenerator, ImageRequest};

/// Error codes OpenAI uses when its moderation refuses a prompt: a stated refusal, not a guess.
const SAFETY_CODES: [&str; 3] = ["content_policy_violation", "moderation_blocked", "content_filter"];

/// Makes images on an OpenAI-compatible server. The generations endpoint takes no reference
/// image, so a request's reference is not sent.
#[derive(Clone)]
pub struct OpenAiImageGenerator {
    settings: OpenAiSettings,
    models: ModelPair,
    client: reqwest::Client,
    deadline: Duration,
    /// The largest answer read (`UW_MAX_IMAGE_BYTES`).
    max_body: usize,
}

impl OpenAiImageGenerator {
    pub fn new(
        settings: OpenAiSettings,
        models: ModelPair,
        client: reqwest::Client,
        deadline: Duration,
        max_body: usize,
    ) -> Self {
        OpenAiImageGenerator { settings, models, client, deadline, max_body }
    }
}

impl ImageGenerator for OpenAiImageGenerator {
    fn generate(&self, request: ImageRequest) -> BoxFuture<'static, Result<GeneratedImage, ImageError>> {
        let this = self.clone();
        async move {
            let model = this.models.for_label(request.model_label).to_owned();
            let url = format!("{}/v1/images/generations", this.settings.base_url);
            let (width, height) = nearest_size(&this.settings.image_sizes, request.aspect_ratio, request.image_size);
            let body = json!({
                "model": model,
                "prompt": request.prompt,
                "n": 1,
                "size": format!("{width}x{height}"),
                "response_format": "b64_json",
            });
            let started = Instant::now();
            let send = || {
                let mut builder = this.client.post(&url).json(&body);
                if let Some(key) = &this.settings.api_key {
                    builder = builder.bearer_auth(key.expose_secret());
                }
                async move { builder.send().await.map_err(|error| without_url(&error)) }
            };
            let result = match send_with_one_retry(this.deadline, this.max_body, send, classify_status).await {
                Ok(body) => parse_answer(&body),
                Err(error) => Err(error),
            };
            log_image_answer("openai", &model, &request.prompt, &result, started);
            result
        }
        .boxed()
    }

    fn describe(&self) -> String {
        format!("openai:{}/{}", self.models.fast, self.models.quality)
    }
}

/// The accepted size whose ratio is nearest the asked one (compared on a log scale, so 2:1 and
/// 1:2 are equally far from 1:1); among equal ratios, the one whose long side is nearest the
/// asked size.
pub fn nearest_size(sizes: &[(u32, u32)], aspect_ratio: AspectRatio, image_size: ImageSize) -> (u32, u32) {
    let (w, h) = aspect_ratio.terms();
    let wanted = (f64::from(w) / f64::from(h)).ln();
    let long_side = f64::from(image_size.long_side());
    let distance = |&(width, height): &(u32, u32)| {
        let ratio = ((f64::from(width) / f64::from(height)).ln() - wanted).abs();
        let size = (f64::from(width.max(height)) - long_side).abs();
        (ratio, size)
    };
    sizes
        .iter()
        .copied()
        .min_by(|a, b| {
            let (a, b) = (distance(a), distance(b));
            a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1))
        })
        .unwrap_or((1024, 1024))
}

fn classify_status(status: StatusCode, body: &[u8]) -> ImageError {
    if status == StatusCode::TOO_MANY_REQUESTS {
        return ImageError::RateLimited;
    }
    let code = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|value| value.pointer("/error/code").and_then(Value::as_str).map(str::to_owned));
    if status.is_client_error() && code.as_deref().is_some_and(|code| SAFETY_CODES.contains(&code)) {
        return ImageError::SafetyBlocked;
    }
    ImageError::Provider(error_summary(status, body))
}

/// Maps a 200 answer: `data[0].b64_json`, or no image.
pub fn parse_answer(body: &[u8]) -> Result<GeneratedImage, ImageError> {
    let answer: Value = serde_json::from_slice(body)
        .map_err(|error| ImageError::Provider(format!("the answer is not JSON: {error}")))?;
    if !answer.is_object() {
        return Err(ImageError::Provider("the answer is not a JSON object".to_owned()));
    }
    match answer.pointer("/data/0/b64_json").and_then(Value::as_str).filter(|data| !data.is_empty()) {
        Some(data) => decode_image(data, None),
        None => Err(ImageError::NoImage),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZES: [(u32, u32); 3] = [(1024, 1024), (1536, 1024), (1024, 1536)];

    #[test]
    fn wide_ratios_take_the_landscape_size() {
        assert_eq!(nearest_size(&SIZES, AspectRatio::Wide16x9, ImageSize::OneK), (1536, 1024));
        assert_eq!(nearest_size(&SIZES, AspectRatio::Portrait9x16, ImageSize::OneK), (1024, 1536));
        assert_eq!(nearest_size(&SIZES, AspectRatio::Square, ImageSize::OneK), (1024, 1024));
    }

    #[test]
    fn equal_ratios_are_told_apart_by_size() {
        let sizes = [(512, 512), (1024, 1024), (2048, 2048)];
        assert_eq!(nearest_size(&sizes, AspectRatio::Square, ImageSize::TwoK), (2048, 2048));
        assert_eq!(nearest_size(&sizes, AspectRatio::Landscape5x4, ImageSize::OneK), (1024, 1024));
    }

    #[test]
    fn a_moderation_refusal_is_a_safety_block() {
        let body = br#"{"error":{"code":"content_policy_violation","message":"no"}}"#;
        assert_eq!(classify_status(StatusCode::BAD_REQUEST, body), ImageError::SafetyBlocked);
    }
}
