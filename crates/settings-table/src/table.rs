//! Every environment variable the server and its providers read, with its default and meaning:
//! the one table the reader takes its defaults from, and that `.env.example` must match (a test
//! in the server holds them equal).

/// One variable of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variable {
    pub name: &'static str,
    /// `None` when unset is a state of its own (no address file, one worker per core, no key).
    pub default: Option<&'static str>,
    pub meaning: &'static str,
}

const fn var(name: &'static str, default: &'static str, meaning: &'static str) -> Variable {
    Variable { name, default: Some(default), meaning }
}

const fn unset(name: &'static str, meaning: &'static str) -> Variable {
    Variable { name, default: None, meaning }
}

/// The server's variables, then the real providers' (read only with `UW_MODE=real`).
pub const VARIABLES: &[Variable] = &[
    var("UW_BIND", "127.0.0.1:8011", "listen address; port 0 picks a free port"),
    unset("UW_ADDR_FILE", "file that receives the real listen address once bound"),
    var("UW_MODE", "mock", "`mock` (embedded providers, no key, no network) or `real`"),
    var("UW_DATA_DIR", ".data", "generated images live in <data>/images/generated/"),
    var("UW_STATIC_DIR", "static", "the web client served at /"),
    unset("UW_WORKERS", "HTTP worker threads; unset means one per CPU core"),
    var("UW_SSE_KEEPALIVE_MS", "15000", "an idle event stream gets a keep-alive comment this often"),
    var("UW_SHUTDOWN_GRACE_MS", "30000", "how long running turns and images get to end on SIGTERM"),
    var("UW_TURN_RETENTION_S", "600", "how long a finished turn stays readable"),
    var("UW_TURN_RETENTION_MAX", "10000", "how many finished turns are kept at most"),
    var("UW_MAX_TURNS_IN_FLIGHT", "10000", "turns not yet rendered allowed at once; more are 503"),
    var("UW_MAX_CONCURRENT_IMAGES", "8", "images generated at once; more wait"),
    var("UW_RATE_LIMIT_PER_MIN", "0", "turn starts per client address and minute; 0 is no limit"),
    var("UW_BODY_TIMEOUT_MS", "10000", "a request body must arrive whole this soon after its headers; else 408"),
    var("UW_MAX_CONNECTIONS", "4096", "open connections served; past it all but /healthz get 503"),
    var("UW_IMAGE_TIMEOUT_MS", "60000", "deadline of one image generation"),
    var("UW_IMAGE_COST_SIGNAL", "10", "price in Signal of a QUALITY image"),
    var("UW_LOW_BALANCE_POLICY", "text_only", "below the price: `text_only` or `fast_free`"),
    var("UW_MOCK_TOKEN_DELAY_MS", "20", "pause between mock narrative deltas"),
    var("UW_MOCK_IMAGE_DELAY_MS", "1200", "how long the mock image generator takes"),
    var("RUST_LOG", "info", "log filter (tracing EnvFilter syntax)"),
    var("UW_LOG_FORMAT", "pretty", "`pretty` for terminals, `json` for one object per line"),
    var("UW_TEXT_PROVIDER", "gemini", "who writes turns in real mode: mock, gemini, vertex, openai"),
    var("UW_IMAGE_PROVIDER", "gemini", "who paints images in real mode: mock, gemini, vertex, openai"),
    unset("GEMINI_API_KEY", "Gemini Developer API key"),
    unset("GOOGLE_API_KEY", "read when GEMINI_API_KEY is unset"),
    var("UW_GEMINI_BASE_URL", "https://generativelanguage.googleapis.com", "Gemini API base URL"),
    unset("GOOGLE_CLOUD_PROJECT", "Vertex AI project"),
    var("GOOGLE_CLOUD_LOCATION", "global", "Vertex AI region"),
    unset("GOOGLE_APPLICATION_CREDENTIALS", "Vertex service-account file; else default credentials"),
    unset("UW_VERTEX_BASE_URL", "Vertex AI base URL; unset derives it from the location"),
    unset("OPENAI_BASE_URL", "an OpenAI-compatible server, e.g. http://127.0.0.1:11434"),
    unset("OPENAI_API_KEY", "its key, when it needs one"),
    var("UW_TEXT_MODEL_FAST", "gemini-3-flash-preview", "text model of FAST turns"),
    var("UW_TEXT_MODEL_QUALITY", "gemini-3-pro-preview", "text model of QUALITY turns and repairs"),
    var("UW_IMAGE_MODEL_FAST", "gemini-2.5-flash-image", "image model of FAST images"),
    var("UW_IMAGE_MODEL_QUALITY", "gemini-3-pro-image-preview", "image model of QUALITY images"),
    var("UW_TEXT_TIMEOUT_MS", "90000", "the longest one streamed game-master answer may take"),
    var("UW_MAX_IMAGE_BYTES", "67108864", "the largest image answer read from a provider"),
    var("UW_OPENAI_IMAGE_SIZES", "1024x1024,1536x1024,1024x1536", "sizes the OpenAI-compatible server accepts"),
];

/// The table's entry for `name`, if the table knows it.
pub fn variable(name: &str) -> Option<&'static Variable> {
    VARIABLES.iter().find(|variable| variable.name == name)
}

/// The table's default for `name`.
pub fn default_of(name: &str) -> Option<&'static str> {
    variable(name).and_then(|variable| variable.default)
}
