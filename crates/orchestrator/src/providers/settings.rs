//! Provider settings, read once from a variable lookup (the process environment in the server, a
//! map in tests) through the workspace's one settings reader, with the defaults of its table,
//! and checked before anything starts: real mode refuses to start without the credentials its
//! providers need.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use models::ModelLabel;
use secrecy::SecretString;
use settings_table::{SettingsError, Variables};

use super::ProviderError;

/// A credential: `secrecy`'s string, which never shows in `Debug` and is zeroed when dropped.
/// The value comes out only through `ExposeSecret`, in the one place that puts it in a header.
pub type Secret = SecretString;

/// What a settings print shows in place of a credential.
const REDACTED: &str = "[redacted]";

/// Which implementation serves the text or the images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProviderKind {
    #[default]
    Mock,
    Gemini,
    Vertex,
    OpenAi,
}

impl ProviderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Mock => "mock",
            ProviderKind::Gemini => "gemini",
            ProviderKind::Vertex => "vertex",
            ProviderKind::OpenAi => "openai",
        }
    }
}

impl FromStr for ProviderKind {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "mock" => Ok(ProviderKind::Mock),
            "gemini" => Ok(ProviderKind::Gemini),
            "vertex" => Ok(ProviderKind::Vertex),
            "openai" => Ok(ProviderKind::OpenAi),
            _ => Err(()),
        }
    }
}

/// The model ids of one kind of work, by label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelPair {
    pub fast: String,
    pub quality: String,
}

impl ModelPair {
    pub fn for_label(&self, label: ModelLabel) -> &str {
        match label {
            ModelLabel::Fast => &self.fast,
            ModelLabel::Quality => &self.quality,
        }
    }
}

/// The Gemini Developer API.
#[derive(Clone)]
pub struct GeminiSettings {
    pub api_key: Secret,
    /// Without a trailing slash.
    pub base_url: String,
}

/// Vertex AI; the token comes from the service-account file when one is named, otherwise from
/// application default credentials.
#[derive(Debug, Clone)]
pub struct VertexSettings {
    pub project: String,
    pub location: String,
    pub credentials_file: Option<PathBuf>,
    /// Without a trailing slash.
    pub base_url: String,
}

/// Any OpenAI-compatible server.
#[derive(Clone)]
pub struct OpenAiSettings {
    /// Without a trailing slash or `/v1`: the paths are appended as `/v1/...`.
    pub base_url: String,
    /// Local servers usually need none.
    pub api_key: Option<Secret>,
    /// The `WIDTHxHEIGHT` sizes the image endpoint accepts; a request takes the nearest ratio.
    pub image_sizes: Vec<(u32, u32)>,
}

// Written out so a settings print names the redaction plainly instead of secrecy's type name.
impl fmt::Debug for GeminiSettings {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.debug_struct("GeminiSettings").field("api_key", &REDACTED).field("base_url", &self.base_url).finish()
    }
}

impl fmt::Debug for OpenAiSettings {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("OpenAiSettings")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| REDACTED))
            .field("image_sizes", &self.image_sizes)
            .finish()
    }
}

/// Everything the real providers need, checked once at startup.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    text_provider: ProviderKind,
    image_provider: ProviderKind,
    gemini: Option<GeminiSettings>,
    vertex: Option<VertexSettings>,
    openai: Option<OpenAiSettings>,
    text_models: ModelPair,
    image_models: ModelPair,
    /// Bounds one whole streamed answer of the game master.
    text_timeout: Duration,
    /// The largest image answer read; a longer one is refused as a provider error.
    max_image_bytes: usize,
}

impl Default for ProviderSettings {
    /// Mock providers for both text and images.
    fn default() -> Self {
        ProviderSettings::from_lookup(|_| None).expect("the mock settings need no variable")
    }
}

impl ProviderSettings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, ProviderError> {
        ProviderSettings::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup` (a variable name to its value); empty values count as
    /// unset. Fails naming the first variable that is missing or invalid for the chosen providers.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ProviderError> {
        let vars = Variables::from_lookup(lookup);
        let get = |name: &str| vars.optional(name);
        // An unset kind is the mock here; the server passes `gemini`, the table's default, in
        // real mode, so real mode never falls back to the mock silently.
        let kind = |name: &'static str| -> Result<ProviderKind, ProviderError> {
            match get(name) {
                None => Ok(ProviderKind::Mock),
                Some(value) => value.parse().map_err(|()| ProviderError::InvalidVariable {
                    variable: name,
                    reason: format!("`{value}` is not one of mock, gemini, vertex, openai"),
                }),
            }
        };
        let text_provider = kind("UW_TEXT_PROVIDER")?;
        let image_provider = kind("UW_IMAGE_PROVIDER")?;
        let uses = |wanted: ProviderKind| text_provider == wanted || image_provider == wanted;

        let gemini = if uses(ProviderKind::Gemini) {
            let api_key = get("GEMINI_API_KEY")
                .or_else(|| get("GOOGLE_API_KEY"))
                .ok_or(ProviderError::MissingVariable { variable: "GEMINI_API_KEY", provider: "gemini" })?;
            let base_url = trim_base(&vars.text("UW_GEMINI_BASE_URL"));
            Some(GeminiSettings { api_key: Secret::from(api_key), base_url })
        } else {
            None
        };

        let vertex = if uses(ProviderKind::Vertex) {
            let project = get("GOOGLE_CLOUD_PROJECT")
                .ok_or(ProviderError::MissingVariable { variable: "GOOGLE_CLOUD_PROJECT", provider: "vertex" })?;
            let location = vars.text("GOOGLE_CLOUD_LOCATION");
            let base_url = match get("UW_VERTEX_BASE_URL") {
                Some(url) => trim_base(&url),
                None if location == "global" => "https://aiplatform.googleapis.com".to_owned(),
                None => format!("https://{location}-aiplatform.googleapis.com"),
            };
            let credentials_file = get("GOOGLE_APPLICATION_CREDENTIALS").map(PathBuf::from);
            Some(VertexSettings { project, location, credentials_file, base_url })
        } else {
            None
        };

        let openai = if uses(ProviderKind::OpenAi) {
            let base_url = get("OPENAI_BASE_URL")
                .ok_or(ProviderError::MissingVariable { variable: "OPENAI_BASE_URL", provider: "openai" })?;
            let sizes = vars.text("UW_OPENAI_IMAGE_SIZES");
            let image_sizes = parse_sizes(&sizes).ok_or_else(|| ProviderError::InvalidVariable {
                variable: "UW_OPENAI_IMAGE_SIZES",
                reason: format!("`{sizes}` is not a comma-separated list of WIDTHxHEIGHT"),
            })?;
            let base_url = trim_base(&base_url);
            // The OpenAI SDKs put `/v1` in their base URL; accept both spellings.
            let base_url = base_url.strip_suffix("/v1").map(str::to_owned).unwrap_or(base_url);
            Some(OpenAiSettings { base_url, api_key: get("OPENAI_API_KEY").map(Secret::from), image_sizes })
        } else {
            None
        };

        let text_timeout = vars.millis("UW_TEXT_TIMEOUT_MS", 1).map_err(invalid)?;
        let max_image_bytes = vars.number("UW_MAX_IMAGE_BYTES", 1).map_err(invalid)?;

        Ok(ProviderSettings {
            text_provider,
            image_provider,
            gemini,
            vertex,
            openai,
            text_models: ModelPair {
                fast: vars.text("UW_TEXT_MODEL_FAST"),
                quality: vars.text("UW_TEXT_MODEL_QUALITY"),
            },
            image_models: ModelPair {
                fast: vars.text("UW_IMAGE_MODEL_FAST"),
                quality: vars.text("UW_IMAGE_MODEL_QUALITY"),
            },
            text_timeout,
            max_image_bytes,
        })
    }

    pub fn text_provider(&self) -> ProviderKind {
        self.text_provider
    }

    pub fn image_provider(&self) -> ProviderKind {
        self.image_provider
    }

    pub fn text_models(&self) -> &ModelPair {
        &self.text_models
    }

    pub fn image_models(&self) -> &ModelPair {
        &self.image_models
    }

    pub fn text_timeout(&self) -> Duration {
        self.text_timeout
    }

    pub fn max_image_bytes(&self) -> usize {
        self.max_image_bytes
    }

    pub(crate) fn gemini(&self) -> Option<&GeminiSettings> {
        self.gemini.as_ref()
    }

    pub(crate) fn vertex(&self) -> Option<&VertexSettings> {
        self.vertex.as_ref()
    }

    pub(crate) fn openai(&self) -> Option<&OpenAiSettings> {
        self.openai.as_ref()
    }

    /// One startup line naming the providers, models and endpoints; never a credential.
    pub fn describe(&self) -> String {
        let part = |label: &str, kind: ProviderKind, models: &ModelPair| match kind {
            ProviderKind::Mock => format!("{label}=mock"),
            _ => format!("{label}={}({}, {}) at {}", kind.as_str(), models.fast, models.quality, self.endpoint(kind)),
        };
        format!(
            "{}; {}",
            part("text", self.text_provider, &self.text_models),
            part("images", self.image_provider, &self.image_models)
        )
    }

    fn endpoint(&self, kind: ProviderKind) -> String {
        match kind {
            ProviderKind::Mock => String::new(),
            ProviderKind::Gemini => self.gemini.as_ref().map(|g| g.base_url.clone()).unwrap_or_default(),
            ProviderKind::Vertex => self
                .vertex
                .as_ref()
                .map(|v| format!("{} (project {}, location {})", v.base_url, v.project, v.location))
                .unwrap_or_default(),
            ProviderKind::OpenAi => self.openai.as_ref().map(|o| o.base_url.clone()).unwrap_or_default(),
        }
    }
}

/// A value the reader refused, as a provider error that names its variable.
fn invalid(error: SettingsError) -> ProviderError {
    ProviderError::InvalidVariable { variable: error.variable, reason: format!("`{}`: {}", error.value, error.reason) }
}

fn trim_base(url: &str) -> String {
    url.trim_end_matches('/').to_owned()
}

fn parse_sizes(text: &str) -> Option<Vec<(u32, u32)>> {
    let sizes: Option<Vec<(u32, u32)>> = text
        .split(',')
        .map(|size| {
            let (width, height) = size.trim().split_once('x')?;
            let (width, height) = (width.parse().ok()?, height.parse().ok()?);
            (width > 0 && height > 0).then_some((width, height))
        })
        .collect();
    sizes.filter(|sizes| !sizes.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_from_a_comma_separated_list() {
        assert_eq!(parse_sizes("512x512, 768x512"), Some(vec![(512, 512), (768, 512)]));
        assert_eq!(parse_sizes("512"), None);
        assert_eq!(parse_sizes("0x5"), None);
    }

    #[test]
    fn an_openai_base_url_with_v1_is_accepted() {
        let settings = ProviderSettings::from_lookup(|name| match name {
            "UW_IMAGE_PROVIDER" => Some("openai".into()),
            "OPENAI_BASE_URL" => Some("http://localhost:8080/v1/".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(settings.openai().unwrap().base_url, "http://localhost:8080");
    }

    #[test]
    fn vertex_global_uses_the_global_host() {
        let settings = ProviderSettings::from_lookup(|name| match name {
            "UW_TEXT_PROVIDER" => Some("vertex".into()),
            "GOOGLE_CLOUD_PROJECT" => Some("p".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(settings.vertex().unwrap().base_url, "https://aiplatform.googleapis.com");
    }
}
