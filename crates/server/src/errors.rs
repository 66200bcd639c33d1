//! Every error a request can meet before its stream starts, mapped to a status and the JSON body
//! of protocol.md in this one place. Errors after the first streamed byte are events instead.

use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("the body is not JSON: {0}")]
    MalformedJson(String),
    #[error("{message}")]
    BadQuery { field: String, message: String },
    #[error("{0}")]
    NotFound(String),
    #[error("the body is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the body must be application/json")]
    UnsupportedMediaType,
    #[error("{message}")]
    InvalidInput { field: Option<String>, message: String },
    #[error("too many requests; try again in a minute")]
    RateLimited { retry_after_s: u64 },
    #[error("the server is at its turn limit; try again shortly")]
    Overloaded,
    #[error("the server is shutting down")]
    ShuttingDown,
    #[error("the server is at its connection limit; try again shortly")]
    TooManyConnections,
    #[error("the body did not arrive in time")]
    BodyTimeout,
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("the request could not be read")]
    BadRequest,
    #[error("an internal error occurred")]
    Internal,
}

impl ApiError {
    /// The machine-readable code of protocol.md's error table.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::MalformedJson(_) => "malformed_json",
            ApiError::BadQuery { .. } => "bad_query",
            ApiError::NotFound(_) => "not_found",
            ApiError::TooLarge { .. } => "too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::InvalidInput { .. } => "invalid_input",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Overloaded | ApiError::ShuttingDown | ApiError::TooManyConnections => "overloaded",
            ApiError::BodyTimeout => "request_timeout",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::BadRequest => "bad_request",
            ApiError::Internal => "internal",
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            ApiError::BadQuery { field, .. } => Some(field),
            ApiError::InvalidInput { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    pub fn bad_query(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::BadQuery { field: field.to_owned(), message: message.into() }
    }

    pub fn turn_not_found() -> ApiError {
        ApiError::NotFound("no such turn, or it has expired".to_owned())
    }

    /// The JSON body of this error.
    pub fn body(&self) -> serde_json::Value {
        json!({"error": {"code": self.code(), "message": self.to_string(), "field": self.field()}})
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::MalformedJson(_) | ApiError::BadQuery { .. } | ApiError::BadRequest => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::InvalidInput { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Overloaded | ApiError::ShuttingDown | ApiError::TooManyConnections => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        let mut response = HttpResponse::build(self.status_code());
        match self {
            ApiError::RateLimited { retry_after_s } => {
                response.insert_header((header::RETRY_AFTER, retry_after_s.to_string()));
            }
            ApiError::Overloaded | ApiError::ShuttingDown | ApiError::TooManyConnections => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            _ => {}
        }
        response.insert_header((header::CACHE_CONTROL, "no-store")).json(self.body())
    }
}

impl From<models::ContractError> for ApiError {
    fn from(error: models::ContractError) -> Self {
        match error {
            models::ContractError::Malformed { message } => ApiError::MalformedJson(message),
            models::ContractError::Invalid { field, message } => ApiError::InvalidInput { field, message },
        }
    }
}

impl From<orchestrator::StartError> for ApiError {
    fn from(error: orchestrator::StartError) -> Self {
        match error {
            orchestrator::StartError::Overloaded => ApiError::Overloaded,
            orchestrator::StartError::ShuttingDown => ApiError::ShuttingDown,
        }
    }
}

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
