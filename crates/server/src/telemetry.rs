//! Logging: human-readable lines or one JSON object per line, filtered by `RUST_LOG`. Prompts,
//! narratives, player text and keys are never passed to a log call; turns carry their id.

use tracing_subscriber::EnvFilter;

use crate::settings::{LogFormat, Settings, SettingsError};

/// Installs the global subscriber. A second call (tests) leaves the first in place.
pub fn init(settings: &Settings) -> Result<(), SettingsError> {
    let filter = EnvFilter::try_new(settings.log_filter()).map_err(|error| SettingsError {
        variable: "RUST_LOG",
        value: settings.log_filter().to_owned(),
        reason: error.to_string(),
    })?;
    // Colour codes only help a terminal; in a file or a pipe they are noise.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    let _ = match settings.log_format() {
        LogFormat::Json => builder.json().with_current_span(true).with_span_list(false).try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
    Ok(())
}
