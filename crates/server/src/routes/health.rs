//! `GET /healthz`: answers while the server can take requests.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde_json::json;

use super::AppState;

pub(super) async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(json!({
        "status": "ok",
        "mode": state.mode.as_str(),
        "version": env!("CARGO_PKG_VERSION"),
    }))
}
