//! `POST /api/turns`: starts a turn and answers `202` with where to follow it.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::AppState;
use super::start::start_turn;
use crate::errors::ApiError;
use crate::sse;

pub(super) async fn post_turns(
    state: web::Data<AppState>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let record = start_turn(&state, &request, payload).await?;
    let turn_id = record.turn_id();
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, sse::result_url(turn_id)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(sse::turn_links(turn_id)))
}
