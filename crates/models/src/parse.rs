//! The one place where JSON becomes contract types. Every rule of the contract is enforced by
//! the types while they are parsed, so a parsed value is valid and nothing downstream re-checks.

use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::input::TurnInput;
use crate::output::TurnOutput;
use crate::render::RenderOutput;

/// Why a JSON document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContractError {
    /// The bytes are not JSON, or not UTF-8.
    #[error("malformed JSON: {message}")]
    Malformed { message: String },
    /// The JSON breaks the contract at `field` (a path such as `world.quests_updated[2].progress`,
    /// or `None` for the document itself).
    #[error("{}: {message}", field.as_deref().unwrap_or("body"))]
    Invalid { field: Option<String>, message: String },
}

impl ContractError {
    /// The path of the offending field, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            ContractError::Invalid { field, .. } => field.as_deref(),
            ContractError::Malformed { .. } => None,
        }
    }
}

/// Parses a request body into a validated TurnInput.
pub fn parse_turn_input(body: &[u8]) -> Result<TurnInput, ContractError> {
    parse(body)
}

/// Parses a TurnOutput the server itself wrote (a stored or replayed result).
pub fn parse_turn_output(body: &[u8]) -> Result<TurnOutput, ContractError> {
    parse(body)
}

/// Parses what a game master wrote. The server-owned render fields are discarded before the
/// contract is checked: whatever a model writes there must not count, nor fail the turn.
pub fn parse_game_master_output(text: &str) -> Result<TurnOutput, ContractError> {
    let mut document: serde_json::Value =
        serde_json::from_str(text).map_err(|error| ContractError::Malformed { message: error.to_string() })?;
    if let Some(render) = document.get_mut("render").and_then(|render| render.as_object_mut()) {
        for key in RenderOutput::SERVER_OWNED_FIELDS {
            render.remove(key);
        }
    }
    serde_path_to_error::deserialize(document)
        .map_err(|error| invalid(&error.path().to_string(), error.inner().to_string()))
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ContractError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            // A document that is not JSON at all (trailing garbage after a valid start, say)
            // is malformed, even when the contract check tripped over it first.
            Category::Data if !is_json(body) => ContractError::Malformed { message: inner.to_string() },
            Category::Data => invalid(&path, inner.to_string()),
            Category::Syntax | Category::Eof | Category::Io => ContractError::Malformed { message: inner.to_string() },
        }
    })?;
    deserializer.end().map_err(|error| ContractError::Malformed { message: error.to_string() })?;
    Ok(value)
}

/// True when the bytes are one JSON document; only asked on the error path.
fn is_json(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// Builds an `Invalid` error, dropping serde_json's " at line 1 column 9" suffix, which means
/// nothing to the client. The path already names an unknown key itself.
fn invalid(path: &str, message: String) -> ContractError {
    let message = match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message,
    };
    let mut field = (path != "." && path != "?").then(|| path.to_owned());
    // serde reports a missing field at the object that lacks it; the client needs its own path.
    if let Some(name) = message.strip_prefix("missing field `").and_then(|rest| rest.strip_suffix('`')) {
        field = Some(match field {
            Some(parent) => format!("{parent}.{name}"),
            None => name.to_owned(),
        });
    }
    ContractError::Invalid { field, message }
}
