//! `GET /api/turns/{turn_id}`: a turn's status and its output, synced once the image work ended.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde_json::json;

use super::AppState;
use super::events::find;
use crate::errors::ApiError;

pub(super) async fn get_result(
    state: web::Data<AppState>,
    turn_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let record = find(&state, &turn_id)?;
    // Status before output: a turn seen as complete then always shows its synced output.
    let status = record.status();
    let output = record.output();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({"turn_id": record.turn_id(), "status": status.as_str(), "output": output})))
}
