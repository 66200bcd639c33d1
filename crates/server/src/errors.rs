//! Every error a request can meet before its stream starts, mapped to a status and the JSON body
//! of docs/protocol.md in this one place. Errors after the first streamed byte are events instead.

use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::http::header;
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
    /// The code and status of this error: the one place that maps errors to the wire (the error
    /// table of docs/protocol.md).
    pub fn code_and_status(&self) -> (&'static str, StatusCode) {
        match self {
            ApiError::MalformedJson(_) => ("malformed_json", StatusCode::BAD_REQUEST),
            ApiError::BadQuery { .. } => ("bad_query", StatusCode::BAD_REQUEST),
            ApiError::BadRequest => ("bad_request", StatusCode::BAD_REQUEST),
            ApiError::NotFound(_) => ("not_found", StatusCode::NOT_FOUND),
            ApiError::MethodNotAllowed(_) => ("method_not_allowed", StatusCode::METHOD_NOT_ALLOWED),
            ApiError::TooLarge { .. } => ("too_large", StatusCode::PAYLOAD_TOO_LARGE),
            ApiError::UnsupportedMediaType => ("unsupported_media_type", StatusCode::UNSUPPORTED_MEDIA_TYPE),
            ApiError::InvalidInput { .. } => ("invalid_input", StatusCode::UNPROCESSABLE_ENTITY),
            ApiError::RateLimited { .. } => ("rate_limited", StatusCode::TOO_MANY_REQUESTS),
            ApiError::Overloaded | ApiError::ShuttingDown | ApiError::TooManyConnections => {
                ("overloaded", StatusCode::SERVICE_UNAVAILABLE)
            }
            ApiError::BodyTimeout => ("request_timeout", StatusCode::REQUEST_TIMEOUT),
            ApiError::Internal => ("internal", StatusCode::INTERNAL_SERVER_ERROR),
        }
    }

    /// The machine-readable code, e.g. `invalid_input`.
    pub fn code(&self) -> &'static str {
        self.code_and_status().0
    }

    /// One error of every kind, so tests and documentation checks can walk all codes.
    pub fn one_of_each() -> Vec<ApiError> {
        // Lists every variant: a new one does not compile until it is added below as well.
        let _every_variant_is_below = |error: &ApiError| match error {
            ApiError::MalformedJson(_)
            | ApiError::BadQuery { .. }
            | ApiError::BadRequest
            | ApiError::NotFound(_)
            | ApiError::MethodNotAllowed(_)
            | ApiError::TooLarge { .. }
            | ApiError::UnsupportedMediaType
            | ApiError::InvalidInput { .. }
            | ApiError::RateLimited { .. }
            | ApiError::Overloaded
            | ApiError::ShuttingDown
            | ApiError::TooManyConnections
            | ApiError::BodyTimeout
            | ApiError::Internal => (),
        };
        vec![
            ApiError::MalformedJson(String::new()),
            ApiError::BadQuery { field: String::new(), message: String::new() },
            ApiError::BadRequest,
            ApiError::NotFound(String::new()),
            ApiError::MethodNotAllowed(String::new()),
            ApiError::TooLarge { limit: 0 },
            ApiError::UnsupportedMediaType,
            ApiError::InvalidInput { field: None, message: String::new() },
            ApiError::RateLimited { retry_after_s: 0 },
            ApiError::Overloaded,
            ApiError::ShuttingDown,
            ApiError::TooManyConnections,
            ApiError::BodyTimeout,
            ApiError::Internal,
        ]
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
        self.code_and_status().1
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
