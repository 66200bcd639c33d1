//! `GET /api/turns/{turn_id}/events`: a turn's event stream for EventSource, replayed from the
//! start or after `Last-Event-ID`, then followed live.

use actix_web::{HttpRequest, HttpResponse, web};
use models::TurnId;
use orchestrator::{TurnRecord, TurnStatus};

use super::AppState;
use crate::errors::ApiError;
use crate::limits::query_pairs;
use crate::sse;

pub(super) async fn get_events(
    state: web::Data<AppState>,
    request: HttpRequest,
    turn_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let query_id = last_event_id_from_query(request.query_string())?;
    // An empty header is what a client with no event yet may send: the same as none.
    let header = request.headers().get("Last-Event-ID").map(|value| value.to_str().unwrap_or("?").trim());
    let header_id = match header {
        None | Some("") => None,
        Some(value) => Some(parse_event_id(value, "Last-Event-ID")?),
    };
    let record = find(&state, &turn_id)?;
    // The header is the browser's own, newer than whatever the URL was built with.
    let seen = header_id.or(query_id).unwrap_or(0);
    // Status first: once it reads complete, the log already holds every event of the turn.
    let complete = record.status() == TurnStatus::Complete;
    let total = record.event_count();
    if seen > 0 && seen >= total {
        if complete {
            // Nothing follows the last event: 204 stops an EventSource for good.
            return Ok(HttpResponse::NoContent().finish());
        }
        if seen > total {
            return Err(ApiError::bad_query("last_event_id", format!("the turn has only {total} events so far")));
        }
    }
    Ok(sse::response(sse::follow(record, seen, state.sse_keep_alive, &state.open_streams)))
}

/// Looks a turn up by the id in the path; a malformed id is as unknown as a missing one.
pub(super) fn find(state: &AppState, turn_id: &str) -> Result<std::sync::Arc<TurnRecord>, ApiError> {
    TurnId::parse(turn_id).and_then(|turn_id| state.engine.store().get(&turn_id)).ok_or_else(ApiError::turn_not_found)
}

fn last_event_id_from_query(query: &str) -> Result<Option<usize>, ApiError> {
    let mut found = None;
    for (name, value) in query_pairs(query)? {
        match name.as_str() {
            "last_event_id" if found.is_none() => found = Some(parse_event_id(&value, "last_event_id")?),
            "last_event_id" => return Err(ApiError::bad_query(&name, "`last_event_id` is given more than once")),
            _ => return Err(ApiError::bad_query(&name, format!("unknown query parameter `{name}`"))),
        }
    }
    Ok(found)
}

fn parse_event_id(value: &str, field: &str) -> Result<usize, ApiError> {
    value
        .trim()
        .parse()
        .map_err(|_| ApiError::bad_query(field, format!("{field} must be an event id (an unsigned integer)")))
}
