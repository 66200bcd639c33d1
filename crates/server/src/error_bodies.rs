//! The error responses actix makes itself, given the JSON body of ours.

use actix_web::ResponseError;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::ErrorHandlerResponse;

use crate::errors::ApiError;

/// Gives the error responses actix makes itself (unknown routes and methods, refused paths of
/// the file service, extractor failures) the same JSON body as ours, so a client never has to
/// parse two shapes. Responses that already are JSON pass untouched.
pub fn json_error_bodies<B>(response: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_json = response
        .response()
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if is_json {
        return Ok(ErrorHandlerResponse::Response(response.map_into_left_body()));
    }
    let status = response.status();
    let error = match status {
        StatusCode::NOT_FOUND | StatusCode::BAD_REQUEST if is_file_route(response.request().path()) => {
            ApiError::NotFound("no such file".to_owned())
        }
        StatusCode::NOT_FOUND => ApiError::NotFound("no such resource".to_owned()),
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::MethodNotAllowed(format!("{} is not allowed here", response.request().method()))
        }
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge { limit: crate::limits::MAX_BODY_BYTES },
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
        status if status.is_client_error() => ApiError::BadRequest,
        _ => ApiError::Internal,
    };
    let (request, mut original) = response.into_parts();
    let mut replacement = error.error_response();
    // The status stays what actix chose; only the body becomes ours.
    *replacement.status_mut() = if error.code() == "not_found" { StatusCode::NOT_FOUND } else { status };
    if let Some(allow) = original.headers_mut().remove(header::ALLOW).next() {
        replacement.headers_mut().insert(header::ALLOW, allow);
    }
    replacement.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(request, replacement).map_into_right_body()))
}

/// Requests for files: anything outside the API and the operational endpoints.
fn is_file_route(path: &str) -> bool {
    !path.starts_with("/api/") && path != "/healthz" && path != "/metrics"
}
