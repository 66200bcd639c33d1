//! The server's settings: one validated value read from environment variables. Every variable,
//! with its default and meaning, is in the `settings-table` crate; reading goes through a map
//! so tests never touch the process environment, and a bad value stops startup with an error
//! that names its variable.

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use orchestrator::{EngineConfig, LowBalancePolicy};
use orchestrator::{ProviderError, ProviderSettings};

pub use settings_table::SettingsError;
use settings_table::Variables;

/// Which providers serve turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The embedded mock game master and image generator: no key, no network.
    Mock,
    /// Real language and image models, configured by the provider variables.
    Real,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Mock => "mock",
            Mode::Real => "real",
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines for a terminal.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Everything the server reads from its environment, checked once at startup.
#[derive(Debug, Clone)]
pub struct Settings {
    pub(crate) bind: SocketAddr,
    /// Where to write the real listen address once bound, so scripts can find a port-0 server.
    pub(crate) addr_file: Option<PathBuf>,
    pub(crate) mode: Mode,
    pub(crate) data_dir: PathBuf,
    pub(crate) static_dir: PathBuf,
    pub(crate) mock_token_delay: Duration,
    pub(crate) mock_image_delay: Duration,
    pub(crate) image_timeout: Duration,
    pub(crate) image_cost_signal: u32,
    pub(crate) low_balance_policy: LowBalancePolicy,
    pub(crate) log_filter: String,
    pub(crate) log_format: LogFormat,
    pub(crate) turn_retention: Duration,
    pub(crate) turn_retention_max: usize,
    pub(crate) max_turns_in_flight: usize,
    pub(crate) max_concurrent_images: usize,
    /// Turn starts allowed per client and minute; 0 turns the limit off.
    pub(crate) rate_limit_per_min: u32,
    pub(crate) shutdown_grace: Duration,
    /// Worker threads of the HTTP server; `None` lets actix use one per core.
    pub(crate) workers: Option<usize>,
    pub(crate) sse_keepalive: Duration,
    /// How long a request's whole body may take to arrive once its headers have.
    pub(crate) body_timeout: Duration,
    /// Open connections served; past it every request but `/healthz` is refused.
    pub(crate) max_connections: usize,
    /// Which real providers serve, with their credentials; all mock in mock mode.
    pub(crate) providers: ProviderSettings,
}

impl Settings {
    /// Reads the process environment (after `.env` was loaded by the caller).
    pub fn from_env() -> Result<Settings, SettingsError> {
        Settings::from_map(&std::env::vars().collect())
    }

    /// Reads settings from a map of variables; absent or empty variables take their defaults.
    pub fn from_map(map: &HashMap<String, String>) -> Result<Settings, SettingsError> {
        let vars = Variables::new(map);
        let mode = vars.choice("UW_MODE", &[("mock", Mode::Mock), ("real", Mode::Real)])?;
        Ok(Settings {
            bind: vars.parsed("UW_BIND")?,
            addr_file: vars.optional("UW_ADDR_FILE").map(PathBuf::from),
            mode,
            data_dir: PathBuf::from(vars.text("UW_DATA_DIR")),
            static_dir: PathBuf::from(vars.text("UW_STATIC_DIR")),
            mock_token_delay: vars.millis("UW_MOCK_TOKEN_DELAY_MS", 0)?,
            mock_image_delay: vars.millis("UW_MOCK_IMAGE_DELAY_MS", 0)?,
            image_timeout: vars.millis("UW_IMAGE_TIMEOUT_MS", 1)?,
            image_cost_signal: vars.number("UW_IMAGE_COST_SIGNAL", 0)?,
            low_balance_policy: vars.parsed("UW_LOW_BALANCE_POLICY")?,
            log_filter: vars.text("RUST_LOG"),
            log_format: vars.choice("UW_LOG_FORMAT", &[("pretty", LogFormat::Pretty), ("json", LogFormat::Json)])?,
            turn_retention: Duration::from_secs(vars.number("UW_TURN_RETENTION_S", 1)?),
            turn_retention_max: vars.number("UW_TURN_RETENTION_MAX", 1)?,
            max_turns_in_flight: vars.number("UW_MAX_TURNS_IN_FLIGHT", 1)?,
            max_concurrent_images: vars.number("UW_MAX_CONCURRENT_IMAGES", 1)?,
            rate_limit_per_min: vars.number("UW_RATE_LIMIT_PER_MIN", 0)?,
            shutdown_grace: vars.millis("UW_SHUTDOWN_GRACE_MS", 0)?,
            workers: vars.optional_number("UW_WORKERS", 1)?,
            sse_keepalive: vars.millis("UW_SSE_KEEPALIVE_MS", 1)?,
            body_timeout: vars.millis("UW_BODY_TIMEOUT_MS", 1)?,
            max_connections: vars.number("UW_MAX_CONNECTIONS", 1)?,
            providers: provider_settings(mode, &vars, map)?,
        })
    }

    /// The settings every test starts from: the defaults, with these variables set.
    pub fn with(pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        Settings::from_map(&pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    pub fn bind(&self) -> SocketAddr {
        self.bind
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn static_dir(&self) -> &Path {
        &self.static_dir
    }

    pub fn log_filter(&self) -> &str {
        &self.log_filter
    }

    pub fn log_format(&self) -> LogFormat {
        self.log_format
    }

    pub fn providers(&self) -> &ProviderSettings {
        &self.providers
    }

    pub fn image_timeout(&self) -> Duration {
        self.image_timeout
    }

    pub fn shutdown_grace(&self) -> Duration {
        self.shutdown_grace
    }

    /// What the engine needs to know, passed to it explicitly.
    pub fn engine_config(&self) -> EngineConfig {
        EngineConfig {
            data_dir: self.data_dir.clone(),
            image_cost_signal: self.image_cost_signal,
            low_balance_policy: self.low_balance_policy,
            image_timeout: self.image_timeout,
            max_concurrent_images: self.max_concurrent_images,
            max_turns_in_flight: self.max_turns_in_flight,
            turn_retention: self.turn_retention,
            turn_retention_max: self.turn_retention_max,
        }
    }
}

/// Mock mode ignores every provider variable. Real mode reads them through the same reader and
/// table as the rest, so a kind left unset is served by its default, Gemini, rather than quietly
/// by the mock: real mode never falls back to mock unless asked to with `UW_TEXT_PROVIDER=mock`
/// or `UW_IMAGE_PROVIDER=mock`.
fn provider_settings(
    mode: Mode,
    vars: &Variables<'_>,
    map: &HashMap<String, String>,
) -> Result<ProviderSettings, SettingsError> {
    let settings = match mode {
        Mode::Mock => ProviderSettings::from_lookup(|_| None),
        Mode::Real => ProviderSettings::from_lookup(|name| vars.value(name)),
    };
    settings.map_err(|error| match error {
        ProviderError::MissingVariable { variable, provider } => SettingsError {
            variable,
            value: String::new(),
            reason: format!("it must be set, since UW_MODE=real serves with the {provider} provider"),
        },
        // Only choices, sizes and timeouts can be invalid, never a credential, so the value may show.
        ProviderError::InvalidVariable { variable, reason } => {
            SettingsError { variable, value: map.get(variable).cloned().unwrap_or_default(), reason }
        }
        other => SettingsError { variable: "UW_MODE", value: "real".to_owned(), reason: other.to_string() },
    })
}
