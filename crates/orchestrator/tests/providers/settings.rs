//! Provider settings: what each provider needs, what a missing variable says, and that keys
//! never show in a print.

use std::time::Duration;

use orchestrator::{ProviderError, ProviderKind, build_providers};

use super::helpers::*;

fn missing(variables: &[(&str, &str)]) -> ProviderError {
    try_settings(variables).expect_err("the settings are refused")
}

#[test]
fn no_variables_mean_the_mock_providers_and_the_default_models() {
    let settings = settings(&[]);
    assert_eq!(settings.text_provider(), ProviderKind::Mock);
    assert_eq!(settings.image_provider(), ProviderKind::Mock);
    assert_eq!(settings.text_models().fast, "gemini-3-flash-preview");
    assert_eq!(settings.text_models().quality, "gemini-3-pro-preview");
    assert_eq!(settings.image_models().fast, "gemini-2.5-flash-image");
    assert_eq!(settings.image_models().quality, "gemini-3-pro-image-preview");
    assert_eq!(settings.describe(), "text=mock; images=mock");
}

#[test]
fn a_missing_gemini_key_names_the_variable() {
    let error = missing(&[("UW_IMAGE_PROVIDER", "gemini")]);
    assert_eq!(error, ProviderError::MissingVariable { variable: "GEMINI_API_KEY", provider: "gemini" });
    assert!(error.to_string().contains("GEMINI_API_KEY"), "{error}");
    let error = missing(&[("UW_TEXT_PROVIDER", "gemini"), ("GEMINI_API_KEY", "  ")]);
    assert!(error.to_string().contains("GEMINI_API_KEY"), "an empty key counts as missing");
}

#[test]
fn google_api_key_stands_in_for_the_gemini_key() {
    assert!(try_settings(&[("UW_TEXT_PROVIDER", "gemini"), ("GOOGLE_API_KEY", KEY)]).is_ok());
}

#[test]
fn vertex_without_a_project_names_the_variable() {
    let error = missing(&[("UW_TEXT_PROVIDER", "vertex")]);
    assert!(error.to_string().contains("GOOGLE_CLOUD_PROJECT"), "{error}");
}

#[test]
fn openai_without_a_base_url_names_the_variable() {
    let error = missing(&[("UW_IMAGE_PROVIDER", "openai"), ("OPENAI_API_KEY", KEY)]);
    assert!(error.to_string().contains("OPENAI_BASE_URL"), "{error}");
}

#[test]
fn an_unknown_provider_or_a_bad_number_names_the_variable() {
    assert!(missing(&[("UW_TEXT_PROVIDER", "claude")]).to_string().contains("UW_TEXT_PROVIDER"));
    assert!(missing(&[("UW_TEXT_TIMEOUT_MS", "soon")]).to_string().contains("UW_TEXT_TIMEOUT_MS"));
    assert!(
        missing(&[("UW_IMAGE_PROVIDER", "openai"), ("OPENAI_BASE_URL", "http://x"), ("UW_OPENAI_IMAGE_SIZES", "big")])
            .to_string()
            .contains("UW_OPENAI_IMAGE_SIZES")
    );
}

#[test]
fn debug_and_describe_never_contain_a_key() {
    let settings = settings(&[
        ("UW_TEXT_PROVIDER", "gemini"),
        ("UW_IMAGE_PROVIDER", "openai"),
        ("GEMINI_API_KEY", KEY),
        ("OPENAI_BASE_URL", "http://127.0.0.1:9/v1"),
        ("OPENAI_API_KEY", "sk-other-secret-5521"),
        ("UW_TEXT_TIMEOUT_MS", "1234"),
    ]);
    let debug = format!("{settings:?} {settings:#?}");
    assert!(!debug.contains(KEY) && !debug.contains("sk-other-secret-5521"), "{debug}");
    assert!(debug.contains("[redacted]"));
    let line = settings.describe();
    assert!(!line.contains(KEY) && !line.contains("sk-other-secret-5521"), "{line}");
    assert!(
        line.contains("gemini-3-flash-preview") && line.contains("openai") && line.contains("http://127.0.0.1:9"),
        "{line}"
    );
    assert_eq!(settings.text_timeout(), Duration::from_millis(1234));
}

#[tokio::test]
async fn mock_settings_build_no_real_provider() {
    let providers = build_providers(&settings(&[]), Duration::from_secs(1)).await.unwrap();
    assert!(providers.game_master.is_none() && providers.image_generator.is_none());
}

#[tokio::test]
async fn real_settings_build_both_providers_and_describe_them() {
    let variables = [
        ("UW_TEXT_PROVIDER", "gemini"),
        ("UW_IMAGE_PROVIDER", "openai"),
        ("GEMINI_API_KEY", KEY),
        ("OPENAI_BASE_URL", "http://127.0.0.1:9"),
    ];
    let providers = build_providers(&settings(&variables), Duration::from_secs(1)).await.unwrap();
    assert_eq!(providers.game_master.unwrap().describe(), "gemini:gemini-3-flash-preview/gemini-3-pro-preview");
    assert!(providers.image_generator.unwrap().describe().starts_with("openai:"));
}

#[tokio::test]
async fn a_missing_service_account_file_refuses_to_start() {
    let variables = [
        ("UW_IMAGE_PROVIDER", "vertex"),
        ("GOOGLE_CLOUD_PROJECT", "p"),
        ("GOOGLE_APPLICATION_CREDENTIALS", "/nonexistent/service-account.json"),
    ];
    let error = build_providers(&settings(&variables), Duration::from_secs(1)).await.err().expect("refused");
    assert!(matches!(error, ProviderError::Credentials(_)), "{error}");
}
