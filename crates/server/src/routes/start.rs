//! The checks both turn-starting endpoints share, in the order a client can act on them: the
//! rate limit, the query, the content type, the size, the contract; then the turn starts.

use std::sync::Arc;

use actix_web::{HttpRequest, web};
use orchestrator::TurnRecord;

use super::AppState;
use crate::errors::ApiError;
use crate::limits::{read_body, require_json, turn_options};

/// Validates the whole request, then starts its turn. Nothing streams before this returns, so
/// every refusal is a plain JSON error.
pub(super) async fn start_turn(
    state: &AppState,
    request: &HttpRequest,
    payload: web::Payload,
) -> Result<Arc<TurnRecord>, ApiError> {
    state.rate_limiter.check(request)?;
    let options = turn_options(request.query_string(), state.mock_providers)?;
    require_json(request)?;
    let body = read_body(request, payload, state.body_timeout).await?;
    if std::str::from_utf8(&body).is_err() {
        return Err(ApiError::MalformedJson("the body is not UTF-8".to_owned()));
    }
    let input = models::parse_turn_input(&body)?;
    let record = state.engine.start_turn(input, options).inspect_err(|error| {
        tracing::warn!(%error, "a turn was refused");
    })?;
    tracing::info!(turn_id = %record.turn_id(), seed = options.seed, "turn started");
    Ok(record)
}
