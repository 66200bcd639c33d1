//! What the image providers share over HTTP: the client, one retry of a 429 or 5xx while the
//! deadline allows it (render.md §3), and the check that returned bytes really are an image.

use std::future::Future;
use std::io::Cursor;
use std::time::{Duration, Instant};

use base64::Engine as _;
use bytes::Bytes;
use reqwest::StatusCode;

use super::ProviderError;
use crate::image_generator::ImageError;

/// The pause before the one retry when the provider does not say how long to wait.
const RETRY_PAUSE: Duration = Duration::from_millis(300);

/// One HTTP client per provider: it pools connections, and has no overall timeout because the
/// caller owns the deadline and streams may legitimately last long. It follows no redirect: a
/// redirect would carry the key headers (`x-goog-api-key` among them) and the prompt to whatever
/// host the answer names, so a 3xx is a provider error like any other unexpected status.
pub fn client() -> Result<reqwest::Client, ProviderError> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|error| ProviderError::Client(error.to_string()))
}

/// Sends a request made by `send`, retrying once a 429 or a 5xx when the pause still leaves time
/// before `deadline` (measured from the first send). Returns the body of a success, refused as a
/// provider error past `max_body` bytes; any other answer becomes the error `classify` gives it. Network failures are not retried: the
/// connection or the provider is down, and a second try would only eat the deadline.
pub async fn send_with_one_retry<Send, Sent>(
    deadline: Duration,
    max_body: usize,
    send: Send,
    classify: impl Fn(StatusCode, &[u8]) -> ImageError,
) -> Result<Bytes, ImageError>
where
    Send: Fn() -> Sent,
    Sent: Future<Output = Result<reqwest::Response, String>>,
{
    let started = Instant::now();
    let mut retried = false;
    loop {
        let response = send().await.map_err(ImageError::Provider)?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = read_capped(response, max_body).await.map_err(|error| ImageError::Provider(error.to_string()))?;
        if status.is_success() {
            return Ok(body);
        }
        let retryable = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
        let pause = retry_after.unwrap_or(RETRY_PAUSE);
        // Checked: a provider may ask for any pause, up to u64::MAX seconds.
        let fits = started.elapsed().checked_add(pause).is_some_and(|resume| resume < deadline);
        if retryable && !retried && fits {
            tracing::debug!(status = status.as_u16(), pause_ms = pause.as_millis() as u64, "retrying an image request");
            tokio::time::sleep(pause).await;
            retried = true;
            continue;
        }
        return Err(classify(status, &body));
    }
}

/// Why a body could not be read whole.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("the answer is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the answer broke off: {0}")]
    BrokeOff(String),
}

/// Reads a body chunk by chunk and stops as soon as it passes `limit`, so an endless or huge
/// answer costs at most `limit` bytes of memory (a declared length over it is refused unread).
pub async fn read_capped(mut response: reqwest::Response, limit: usize) -> Result<Bytes, BodyError> {
    if response.content_length().is_some_and(|length| length > limit as u64) {
        return Err(BodyError::TooLarge(limit));
    }
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(|error| BodyError::BrokeOff(without_url(&error)))? {
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// A reqwest error as text without the URL, which for some servers carries a path worth keeping
/// out of events and logs.
pub fn without_url(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "the body broke off"
    } else {
        "the request failed"
    };
    let mut text = kind.to_owned();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Decodes base64 image data and checks that it is an image in a format we serve.
pub fn decode_image(data: &str, mime_type: Option<String>) -> Result<crate::GeneratedImage, ImageError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|error| ImageError::InvalidImage(format!("the image data is not base64: {error}")))?;
    check_image(&bytes)?;
    Ok(crate::GeneratedImage { bytes: Bytes::from(bytes), mime_type })
}

/// Reads the image header: cheap, and enough to refuse text, a truncated file or a picture over
/// the maximum size before the render task decodes it fully.
pub fn check_image(bytes: &[u8]) -> Result<(), ImageError> {
    let format = image::guess_format(bytes).map_err(|_| ImageError::InvalidImage("not an image".to_owned()))?;
    let (width, height) = image::ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|error| ImageError::InvalidImage(error.to_string()))?;
    crate::image_store::check_dimensions(width, height).map_err(ImageError::InvalidImage)
}

/// One log line per answered image request: who answered, how fast, and the prompt's hash
/// (render.md §6), never the prompt itself.
pub fn log_image_answer<T>(
    provider: &str,
    model: &str,
    prompt: &str,
    result: &Result<T, ImageError>,
    started: Instant,
) {
    tracing::debug!(
        provider,
        model,
        prompt_hash = %crate::render_task::prompt_hash(prompt),
        ok = result.is_ok(),
        took_ms = started.elapsed().as_millis() as u64,
        "image request answered"
    );
}
