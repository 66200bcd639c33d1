//! Real model providers behind the `GameMaster` and `ImageGenerator` traits: Gemini (Developer
//! API), Vertex AI and OpenAI-compatible servers, chosen by `ProviderSettings`. The server calls
//! `build_providers` once at startup; `None` for a provider means the mock was chosen.

mod gemini_image;
mod gemini_text;
mod google;
mod http;
mod narrative;
mod openai_image;
mod openai_text;
mod prompts;
mod settings;
mod text_stream;

use std::sync::Arc;
use std::time::Duration;

pub use gemini_image::GeminiImageGenerator;
pub use gemini_text::GeminiGameMaster;
pub use google::{GcpTokenSource, GoogleEndpoint, StaticToken, TokenSource};
pub use openai_image::OpenAiImageGenerator;
pub use openai_text::OpenAiGameMaster;
pub use settings::{OpenAiSettings, ProviderKind, ProviderSettings, Secret};

use crate::game_master::GameMaster;
use crate::image_generator::ImageGenerator;

/// Why the providers could not be set up; the server refuses to start on any of these. No
/// variant ever holds a credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    #[error("{variable} must be set when the {provider} provider is selected")]
    MissingVariable { variable: &'static str, provider: &'static str },
    #[error("{variable} is invalid: {reason}")]
    InvalidVariable { variable: &'static str, reason: String },
    #[error("the Google Cloud credentials could not be loaded: {0}")]
    Credentials(String),
    #[error("the HTTP client could not be built: {0}")]
    Client(String),
}

/// The providers the settings chose; `None` where the mock was chosen.
#[derive(Clone, Default)]
pub struct Providers {
    pub game_master: Option<Arc<dyn GameMaster>>,
    pub image_generator: Option<Arc<dyn ImageGenerator>>,
}

/// Builds both providers. Vertex credentials are loaded once here (service-account file or
/// application default credentials) and shared, so a missing credential stops the start.
pub async fn build_providers(
    settings: &ProviderSettings,
    image_deadline: Duration,
) -> Result<Providers, ProviderError> {
    let tokens = vertex_tokens(settings).await?;
    Ok(Providers {
        game_master: build_game_master_with(settings, tokens.clone())?,
        image_generator: build_image_generator_with(settings, image_deadline, tokens)?,
    })
}

/// The game master the settings chose, or `None` for the mock.
pub async fn build_game_master(settings: &ProviderSettings) -> Result<Option<Arc<dyn GameMaster>>, ProviderError> {
    build_game_master_with(settings, vertex_tokens(settings).await?)
}

/// The image generator the settings chose, or `None` for the mock. `image_deadline` is the
/// render task's deadline (`UW_IMAGE_TIMEOUT_MS`): a retry is only tried when it still fits.
pub async fn build_image_generator(
    settings: &ProviderSettings,
    image_deadline: Duration,
) -> Result<Option<Arc<dyn ImageGenerator>>, ProviderError> {
    build_image_generator_with(settings, image_deadline, vertex_tokens(settings).await?)
}

/// Like `build_game_master`, with the Vertex token source given (tests pass a `StaticToken`).
pub fn build_game_master_with(
    settings: &ProviderSettings,
    vertex_tokens: Option<Arc<dyn TokenSource>>,
) -> Result<Option<Arc<dyn GameMaster>>, ProviderError> {
    let models = settings.text_models().clone();
    let timeout = settings.text_timeout();
    let game_master: Arc<dyn GameMaster> = match settings.text_provider() {
        ProviderKind::Mock => return Ok(None),
        ProviderKind::OpenAi => {
            Arc::new(OpenAiGameMaster::new(openai(settings)?.clone(), models, http::client()?, timeout))
        }
        kind => Arc::new(GeminiGameMaster::new(
            google_endpoint(settings, kind, vertex_tokens)?,
            models,
            http::client()?,
            timeout,
        )),
    };
    Ok(Some(game_master))
}

/// Like `build_image_generator`, with the Vertex token source given (tests pass a `StaticToken`).
pub fn build_image_generator_with(
    settings: &ProviderSettings,
    image_deadline: Duration,
    vertex_tokens: Option<Arc<dyn TokenSource>>,
) -> Result<Option<Arc<dyn ImageGenerator>>, ProviderError> {
    let models = settings.image_models().clone();
    let max_body = settings.max_image_bytes();
    let generator: Arc<dyn ImageGenerator> = match settings.image_provider() {
        ProviderKind::Mock => return Ok(None),
        ProviderKind::OpenAi => Arc::new(OpenAiImageGenerator::new(
            openai(settings)?.clone(),
            models,
            http::client()?,
            image_deadline,
            max_body,
        )),
        kind => Arc::new(GeminiImageGenerator::new(
            google_endpoint(settings, kind, vertex_tokens)?,
            models,
            http::client()?,
            image_deadline,
            max_body,
        )),
    };
    Ok(Some(generator))
}

/// Loads Vertex credentials when either provider is Vertex.
async fn vertex_tokens(settings: &ProviderSettings) -> Result<Option<Arc<dyn TokenSource>>, ProviderError> {
    match settings.vertex() {
        Some(vertex) => Ok(Some(Arc::new(GcpTokenSource::new(vertex.credentials_file.as_deref()).await?))),
        None => Ok(None),
    }
}

fn google_endpoint(
    settings: &ProviderSettings,
    kind: ProviderKind,
    vertex_tokens: Option<Arc<dyn TokenSource>>,
) -> Result<GoogleEndpoint, ProviderError> {
    if kind == ProviderKind::Gemini {
        let gemini = settings
            .gemini()
            .ok_or(ProviderError::MissingVariable { variable: "GEMINI_API_KEY", provider: "gemini" })?;
        return Ok(GoogleEndpoint::gemini(gemini));
    }
    let vertex = settings
        .vertex()
        .ok_or(ProviderError::MissingVariable { variable: "GOOGLE_CLOUD_PROJECT", provider: "vertex" })?;
    let tokens = vertex_tokens.ok_or_else(|| ProviderError::Credentials("no token source was given".to_owned()))?;
    Ok(GoogleEndpoint::vertex(vertex, tokens))
}

fn openai(settings: &ProviderSettings) -> Result<&OpenAiSettings, ProviderError> {
    settings.openai().ok_or(ProviderError::MissingVariable { variable: "OPENAI_BASE_URL", provider: "openai" })
}
