//! The image generator: turns an image prompt into image bytes.

use bytes::Bytes;
use futures::future::BoxFuture;
use models::{AspectRatio, ImageSize, ModelLabel};

use crate::options::MockImage;

/// A reference image (the previous scene), read from our own data folder.
#[derive(Debug, Clone)]
pub struct ReferenceImage {
    pub bytes: Bytes,
    /// `image/png`, `image/jpeg` or `image/webp`.
    pub mime_type: &'static str,
}

/// What to draw.
#[derive(Debug, Clone)]
pub struct ImageRequest {
    pub prompt: String,
    pub aspect_ratio: AspectRatio,
    pub image_size: ImageSize,
    pub model_label: ModelLabel,
    pub seed: u64,
    pub reference: Option<ReferenceImage>,
    pub remove_background: bool,
    /// A free hint such as `scene` or `item`.
    pub image_type_hint: Option<String>,
    /// Honoured only by the mock generator: how it should behave.
    pub mock_image: MockImage,
}

/// Image bytes as the provider returned them, not yet checked.
#[derive(Debug, Clone)]
pub struct GeneratedImage {
    pub bytes: Bytes,
    /// What the provider said the bytes are, if it said.
    pub mime_type: Option<String>,
}

/// How a generation failed; each maps to one render reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("the provider is rate limiting")]
    RateLimited,
    #[error("the provider refused for safety")]
    SafetyBlocked,
    #[error("the answer held no image")]
    NoImage,
    #[error("the image bytes are invalid: {0}")]
    InvalidImage(String),
    #[error("provider error: {0}")]
    Provider(String),
    #[error("no image generator is configured")]
    Unavailable,
}

/// A source of images: the mock painter, or a real model.
pub trait ImageGenerator: Send + Sync + 'static {
    /// Generates one image. The caller applies the deadline; an implementation that retries
    /// must stop when the returned future is dropped.
    fn generate(&self, request: ImageRequest) -> BoxFuture<'static, Result<GeneratedImage, ImageError>>;

    /// A short label for logs and the startup line.
    fn describe(&self) -> String;
}
