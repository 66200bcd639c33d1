//! `GET /api/schema/turn-input` and `/turn-output`: the contract's JSON Schema documents,
//! generated once per process.

use std::sync::OnceLock;

use actix_web::HttpResponse;
use actix_web::http::header;
use serde_json::Value;

fn schema_response(schema: &Value) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/schema+json"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(schema.to_string())
}

pub(super) async fn turn_input() -> HttpResponse {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    schema_response(SCHEMA.get_or_init(models::turn_input_schema))
}

pub(super) async fn turn_output() -> HttpResponse {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    schema_response(SCHEMA.get_or_init(models::turn_output_schema))
}
