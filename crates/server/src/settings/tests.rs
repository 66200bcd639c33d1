//! Settings: the defaults of the table, `.env.example` in step with it, and a bad value of every
//! variable named in its error.

use std::time::Duration;

use orchestrator::LowBalancePolicy;

use std::cell::RefCell;
use std::collections::BTreeMap;

use orchestrator::ProviderSettings;

use super::{LogFormat, Mode, Settings};
use settings_table::{VARIABLES, variable};

#[test]
fn an_empty_environment_gives_the_documented_defaults() {
    let settings = Settings::with(&[]).unwrap();
    assert_eq!(settings.bind.to_string(), "127.0.0.1:8011");
    assert_eq!(settings.mode, Mode::Mock);
    assert_eq!(settings.data_dir.to_str(), Some(".data"));
    assert_eq!(settings.static_dir.to_str(), Some("static"));
    assert_eq!(settings.mock_token_delay, Duration::from_millis(20));
    assert_eq!(settings.mock_image_delay, Duration::from_millis(1200));
    assert_eq!(settings.image_timeout, Duration::from_millis(60_000));
    assert_eq!(settings.image_cost_signal, 10);
    assert_eq!(settings.low_balance_policy, LowBalancePolicy::TextOnly);
    assert_eq!(settings.log_filter, "info");
    assert_eq!(settings.log_format, LogFormat::Pretty);
    assert_eq!(settings.turn_retention, Duration::from_secs(600));
    assert_eq!(settings.turn_retention_max, 10_000);
    assert_eq!(settings.max_turns_in_flight, 10_000);
    assert_eq!(settings.max_concurrent_images, 8);
    assert_eq!(settings.rate_limit_per_min, 0);
    assert_eq!(settings.shutdown_grace, Duration::from_millis(30_000));
    assert_eq!(settings.workers, None);
    assert_eq!(settings.sse_keepalive, Duration::from_millis(15_000));
    assert_eq!(settings.addr_file, None);
}

#[test]
fn every_variable_is_read() {
    let settings = Settings::with(&[
        ("UW_BIND", "0.0.0.0:9000"),
        ("UW_MODE", "real"),
        ("UW_DATA_DIR", "/tmp/d"),
        ("UW_STATIC_DIR", "/tmp/s"),
        ("UW_MOCK_TOKEN_DELAY_MS", "0"),
        ("UW_MOCK_IMAGE_DELAY_MS", "5"),
        ("UW_IMAGE_TIMEOUT_MS", "800"),
        ("UW_IMAGE_COST_SIGNAL", "3"),
        ("UW_LOW_BALANCE_POLICY", "fast_free"),
        ("UW_LOG_FORMAT", "json"),
        ("UW_TURN_RETENTION_S", "30"),
        ("UW_TURN_RETENTION_MAX", "5"),
        ("UW_MAX_TURNS_IN_FLIGHT", "2"),
        ("UW_MAX_CONCURRENT_IMAGES", "1"),
        ("UW_RATE_LIMIT_PER_MIN", "60"),
        ("UW_SHUTDOWN_GRACE_MS", "100"),
        ("UW_WORKERS", "2"),
        ("UW_SSE_KEEPALIVE_MS", "50"),
        ("UW_ADDR_FILE", "/tmp/addr"),
        ("UW_TEXT_PROVIDER", "openai"),
        ("OPENAI_BASE_URL", "http://127.0.0.1:11434"),
        ("UW_IMAGE_PROVIDER", "mock"),
    ])
    .unwrap();
    assert_eq!(settings.bind.port(), 9000);
    let providers = settings.providers.describe();
    assert!(providers.contains("openai") && providers.contains("images=mock"), "{providers}");
    assert_eq!(settings.mode, Mode::Real);
    assert_eq!(settings.low_balance_policy, LowBalancePolicy::FastFree);
    assert_eq!(settings.log_format, LogFormat::Json);
    assert_eq!(settings.workers, Some(2));
    assert_eq!(settings.rate_limit_per_min, 60);
    assert_eq!(settings.sse_keepalive, Duration::from_millis(50));
    assert_eq!(settings.addr_file.as_deref().and_then(|p| p.to_str()), Some("/tmp/addr"));
    let engine = settings.engine_config();
    assert_eq!(engine.max_turns_in_flight, 2);
    assert_eq!(engine.turn_retention, Duration::from_secs(30));
    assert_eq!(engine.image_cost_signal, 3);
}

#[test]
fn port_zero_is_accepted_for_a_free_port() {
    let settings = Settings::with(&[("UW_BIND", "127.0.0.1:0")]).unwrap();
    assert_eq!(settings.bind.port(), 0);
}

#[test]
fn an_empty_value_counts_as_unset() {
    let settings = Settings::with(&[("UW_MODE", ""), ("UW_WORKERS", "  ")]).unwrap();
    assert_eq!(settings.mode, Mode::Mock);
    assert_eq!(settings.workers, None);
}

#[test]
fn each_bad_value_is_refused_naming_its_variable() {
    let cases = [
        ("UW_BIND", "localhost"),
        ("UW_BIND", "127.0.0.1:99999"),
        ("UW_MODE", "fake"),
        ("UW_MOCK_TOKEN_DELAY_MS", "-1"),
        ("UW_MOCK_IMAGE_DELAY_MS", "soon"),
        ("UW_IMAGE_TIMEOUT_MS", "0"),
        ("UW_IMAGE_COST_SIGNAL", "1.5"),
        ("UW_LOW_BALANCE_POLICY", "free"),
        ("UW_LOG_FORMAT", "xml"),
        ("UW_TURN_RETENTION_S", "0"),
        ("UW_TURN_RETENTION_MAX", "many"),
        ("UW_MAX_TURNS_IN_FLIGHT", "0"),
        ("UW_MAX_CONCURRENT_IMAGES", "0"),
        ("UW_RATE_LIMIT_PER_MIN", "-5"),
        ("UW_SHUTDOWN_GRACE_MS", "30s"),
        ("UW_WORKERS", "0"),
        ("UW_SSE_KEEPALIVE_MS", "0"),
    ];
    for (variable, value) in cases {
        let error = Settings::with(&[(variable, value)]).expect_err(variable);
        assert_eq!(error.variable, variable);
        assert!(error.to_string().contains(variable), "{error}");
    }
}

/// `NAME=value` and `# NAME=value` lines of `.env.example`: the variables it documents, each with
/// the value it shows (empty for one that is unset by default).
fn env_example() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.env.example")).unwrap();
    let mut found = BTreeMap::new();
    for line in text.lines() {
        let line = line.strip_prefix("# ").unwrap_or(line);
        let Some((name, value)) = line.split_once('=') else { continue };
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') {
            assert!(found.insert(name.to_owned(), value.to_owned()).is_none(), "{name} appears twice");
        }
    }
    found
}

#[test]
fn env_example_lists_exactly_the_table_with_the_same_defaults() {
    let table: BTreeMap<String, String> = VARIABLES
        .iter()
        .map(|variable| (variable.name.to_owned(), variable.default.unwrap_or_default().to_owned()))
        .collect();
    assert_eq!(env_example(), table);
    for variable in VARIABLES {
        assert!(!variable.meaning.is_empty(), "{} has no meaning", variable.name);
    }
}

#[test]
fn every_variable_the_providers_read_is_in_the_table() {
    let asked = RefCell::new(Vec::new());
    let configurations = [
        [("UW_TEXT_PROVIDER", "gemini"), ("UW_IMAGE_PROVIDER", "vertex")],
        [("UW_TEXT_PROVIDER", "openai"), ("UW_IMAGE_PROVIDER", "openai")],
    ];
    for configuration in configurations {
        let values = |name: &str| {
            asked.borrow_mut().push(name.to_owned());
            configuration.iter().find(|(key, _)| *key == name).map(|(_, value)| (*value).to_owned()).or_else(|| {
                ["GEMINI_API_KEY", "GOOGLE_CLOUD_PROJECT", "OPENAI_BASE_URL"].contains(&name).then(|| "x".to_owned())
            })
        };
        ProviderSettings::from_lookup(values).unwrap();
    }
    for name in asked.into_inner() {
        assert!(variable(&name).is_some(), "{name} is read but not in the settings table");
    }
}

#[test]
fn the_providers_built_in_defaults_agree_with_the_table() {
    let built_in = ProviderSettings::from_lookup(|_| None).unwrap();
    let default = |name: &str| variable(name).and_then(|variable| variable.default).unwrap();
    assert_eq!(built_in.text_models().fast, default("UW_TEXT_MODEL_FAST"));
    assert_eq!(built_in.text_models().quality, default("UW_TEXT_MODEL_QUALITY"));
    assert_eq!(built_in.image_models().fast, default("UW_IMAGE_MODEL_FAST"));
    assert_eq!(built_in.image_models().quality, default("UW_IMAGE_MODEL_QUALITY"));
    assert_eq!(built_in.text_timeout().as_millis().to_string(), default("UW_TEXT_TIMEOUT_MS"));
}
