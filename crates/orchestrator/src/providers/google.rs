//! Where Google's generative models live and how a request proves who sends it: the Gemini
//! Developer API (an API key header) and Vertex AI (a Bearer token). Both take the same bodies
//! and give the same answers, so everything else is shared.

use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use secrecy::ExposeSecret;

use super::ProviderError;
use super::settings::{GeminiSettings, Secret, VertexSettings};

/// The OAuth scope Vertex AI asks for.
const CLOUD_PLATFORM_SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";

/// A source of Bearer tokens. The real one caches and refreshes before expiry; tests hand out a
/// fixed token.
pub trait TokenSource: Send + Sync + 'static {
    /// A token valid for a request sent now. The error text never holds a credential.
    fn token(&self) -> BoxFuture<'_, Result<Secret, String>>;
}

/// Always the same token: for tests and for tokens minted outside the process.
#[derive(Debug, Clone)]
pub struct StaticToken(pub Secret);

impl TokenSource for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<Secret, String>> {
        let token = self.0.clone();
        async move { Ok(token) }.boxed()
    }
}

/// Tokens from `gcp_auth`, which caches them and fetches a new one shortly before expiry.
pub struct GcpTokenSource {
    provider: Arc<dyn gcp_auth::TokenProvider>,
}

impl GcpTokenSource {
    /// Reads the service-account file when one is named, otherwise finds application default
    /// credentials (metadata server, gcloud). Fails at startup rather than on the first turn.
    pub async fn new(credentials_file: Option<&std::path::Path>) -> Result<Self, ProviderError> {
        let provider: Arc<dyn gcp_auth::TokenProvider> = match credentials_file {
            Some(path) => Arc::new(
                gcp_auth::CustomServiceAccount::from_file(path)
                    .map_err(|error| ProviderError::Credentials(error.to_string()))?,
            ),
            None => gcp_auth::provider().await.map_err(|error| ProviderError::Credentials(error.to_string()))?,
        };
        Ok(GcpTokenSource { provider })
    }
}

impl TokenSource for GcpTokenSource {
    fn token(&self) -> BoxFuture<'_, Result<Secret, String>> {
        async move {
            let token = self
                .provider
                .token(&[CLOUD_PLATFORM_SCOPE])
                .await
                .map_err(|error| format!("no Google Cloud token: {error}"))?;
            Ok(Secret::from(token.as_str()))
        }
        .boxed()
    }
}

/// How requests to a Google endpoint are authorised.
#[derive(Clone)]
enum GoogleAuth {
    ApiKey(Secret),
    Bearer(Arc<dyn TokenSource>),
}

/// A Google model endpoint: the Gemini Developer API or Vertex AI.
#[derive(Clone)]
pub struct GoogleEndpoint {
    /// Everything before `/{model}:{method}`.
    models_url: String,
    auth: GoogleAuth,
    /// `gemini` or `vertex`, for describe().
    name: &'static str,
}

impl GoogleEndpoint {
    pub fn gemini(settings: &GeminiSettings) -> Self {
        GoogleEndpoint {
            models_url: format!("{}/v1beta/models", settings.base_url),
            auth: GoogleAuth::ApiKey(settings.api_key.clone()),
            name: "gemini",
        }
    }

    pub fn vertex(settings: &VertexSettings, tokens: Arc<dyn TokenSource>) -> Self {
        GoogleEndpoint {
            models_url: format!(
                "{}/v1/projects/{}/locations/{}/publishers/google/models",
                settings.base_url, settings.project, settings.location
            ),
            auth: GoogleAuth::Bearer(tokens),
            name: "vertex",
        }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The URL of `method` (`generateContent`, `streamGenerateContent?alt=sse`) on `model`.
    pub fn url(&self, model: &str, method: &str) -> String {
        format!("{}/{model}:{method}", self.models_url)
    }

    /// Adds the credential to a request.
    pub async fn authorize(&self, request: reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder, String> {
        match &self.auth {
            GoogleAuth::ApiKey(key) => {
                let mut value = reqwest::header::HeaderValue::from_str(key.expose_secret())
                    .map_err(|_| "the API key holds characters a header cannot carry".to_owned())?;
                // Sensitive values are kept out of HTTP/2 header compression tables and debug prints.
                value.set_sensitive(true);
                Ok(request.header("x-goog-api-key", value))
            }
            GoogleAuth::Bearer(tokens) => Ok(request.bearer_auth(tokens.token().await?.expose_secret())),
        }
    }
}

/// The `{"error":{"code","message","status"}}` body of a Google (or OpenAI) error, reduced to
/// what may be logged: the status word, never the message, which can quote the request.
pub fn error_summary(status: reqwest::StatusCode, body: &[u8]) -> String {
    let word = serde_json::from_slice::<serde_json::Value>(body).ok().and_then(|value| {
        let error = value.get("error")?;
        error.get("status").or_else(|| error.get("code")).or_else(|| error.get("type")).map(|word| match word {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        })
    });
    match word {
        Some(word) => format!("HTTP {} {word}", status.as_u16()),
        None => format!("HTTP {}", status.as_u16()),
    }
}
