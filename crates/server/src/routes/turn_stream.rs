//! `POST /api/turn`: the answer is the turn's event stream itself.

use actix_web::{HttpRequest, HttpResponse, web};

use super::AppState;
use super::start::start_turn;
use crate::errors::ApiError;
use crate::sse;

pub(super) async fn post_turn(
    state: web::Data<AppState>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let record = start_turn(&state, &request, payload).await?;
    Ok(sse::response(sse::follow(record, 0, state.sse_keep_alive, &state.open_streams)))
}
