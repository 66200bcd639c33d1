//! What a turn request must pass before a turn starts: its query parameters, its content type,
//! its size, the time its body may take, and the per-client rate limit; and the cap on open
//! connections, which every request but the health check passes.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{ConnectionType, header};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, ResponseError, web};
use futures::StreamExt;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter as GovernorLimiter};
use orchestrator::{MockImage, TurnOptions};

use crate::errors::ApiError;

/// The largest request body accepted (docs/protocol.md: over 64 KiB is `413`).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Splits a query string into decoded pairs, refusing text that is not a query.
pub fn query_pairs(query: &str) -> Result<Vec<(String, String)>, ApiError> {
    web::Query::<Vec<(String, String)>>::from_query(query)
        .map(web::Query::into_inner)
        .map_err(|_| ApiError::bad_query("query", "the query string cannot be decoded"))
}

/// Reads `seed` and `mock_image` from a turn request's query; anything else is refused, and
/// `mock_image` is refused unless the mock providers serve.
pub fn turn_options(query: &str, mock_mode: bool) -> Result<TurnOptions, ApiError> {
    let mut options = TurnOptions::default();
    let mut seen: Vec<String> = Vec::new();
    for (name, value) in query_pairs(query)? {
        if seen.contains(&name) {
            return Err(ApiError::bad_query(&name, format!("`{name}` is given more than once")));
        }
        match name.as_str() {
            "seed" => {
                let seed =
                    value.parse().map_err(|_| ApiError::bad_query("seed", "seed must be an unsigned integer"))?;
                options.seed = Some(seed);
            }
            "mock_image" if !mock_mode => {
                return Err(ApiError::bad_query("mock_image", "mock_image is accepted only with the mock providers"));
            }
            "mock_image" => {
                options.mock_image =
                    value.parse::<MockImage>().map_err(|message| ApiError::bad_query("mock_image", message))?;
            }
            _ => return Err(ApiError::bad_query(&name, format!("unknown query parameter `{name}`"))),
        }
        seen.push(name);
    }
    Ok(options)
}

/// Refuses a body that does not say it is JSON.
pub fn require_json(request: &HttpRequest) -> Result<(), ApiError> {
    let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok());
    let essence = content_type.and_then(|value| value.split(';').next()).map(str::trim);
    match essence {
        Some(essence) if essence.eq_ignore_ascii_case("application/json") => Ok(()),
        _ => Err(ApiError::UnsupportedMediaType),
    }
}

/// Reads the whole body within `timeout`, so a body that never comes (or drips) cannot hold a
/// connection for ever.
pub async fn read_body(
    request: &HttpRequest,
    payload: web::Payload,
    timeout: Duration,
) -> Result<web::Bytes, ApiError> {
    tokio::time::timeout(timeout, read_body_within_limit(request, payload)).await.map_err(|_| ApiError::BodyTimeout)?
}

/// Reads the whole body, stopping as soon as it passes the limit rather than buffering it all.
async fn read_body_within_limit(request: &HttpRequest, mut payload: web::Payload) -> Result<web::Bytes, ApiError> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES) {
        return Err(ApiError::TooLarge { limit: MAX_BODY_BYTES });
    }
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(1024).min(MAX_BODY_BYTES));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ApiError::BadRequest)?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(ApiError::TooLarge { limit: MAX_BODY_BYTES });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// The open connections, counted as they open and close.
#[derive(Debug, Default)]
pub struct ConnectionCount(AtomicUsize);

/// One connection's place in the count, kept in the connection's data so that it is given back
/// when the connection closes.
pub struct ConnectionSlot {
    count: Arc<ConnectionCount>,
    /// Whether the connection opened with the cap already reached.
    over_limit: bool,
}

impl ConnectionSlot {
    pub fn take(count: &Arc<ConnectionCount>, limit: usize) -> Self {
        let position = count.0.fetch_add(1, Ordering::Relaxed) + 1;
        ConnectionSlot { count: Arc::clone(count), over_limit: position > limit }
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        self.count.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Answers every request of a connection opened past the cap with `503` and closes it, except
/// the health check, which stays reachable so a balancer sees a busy server, not a dead one.
pub async fn refuse_over_connection_limit(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let over_limit = request.conn_data::<ConnectionSlot>().is_some_and(|slot| slot.over_limit);
    if over_limit && request.path() != "/healthz" {
        let mut response = ApiError::TooManyConnections.error_response();
        response.head_mut().set_connection_type(ConnectionType::Close);
        return Ok(request.into_response(response).map_into_right_body());
    }
    next.call(request).await.map(ServiceResponse::map_into_left_body)
}

/// Turn starts per client address: `governor`'s keyed GCRA limiter, which lets `per_minute`
/// through at once and then one more every `60 s / per_minute`. Each check touches one shard of
/// a concurrent map instead of one lock for all clients, and addresses quiet for a minute are
/// forgotten every few thousand checks, so the map does not grow with every client ever seen.
pub struct RateLimiter {
    /// `None` when the limit is off.
    limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
    checks: AtomicU64,
}

/// How many checks pass between two sweeps of quiet addresses.
const SWEEP_EVERY: u64 = 4096;

impl RateLimiter {
    /// `per_minute = 0` lets everything through.
    pub fn new(per_minute: u32) -> Self {
        let limiter =
            NonZeroU32::new(per_minute).map(|per_minute| GovernorLimiter::keyed(Quota::per_minute(per_minute)));
        RateLimiter { limiter, checks: AtomicU64::new(0) }
    }

    pub fn check(&self, request: &HttpRequest) -> Result<(), ApiError> {
        let Some(limiter) = &self.limiter else { return Ok(()) };
        let Some(client) = request.peer_addr().map(|address| address.ip()) else { return Ok(()) };
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            limiter.retain_recent();
        }
        limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(limiter.clock().now());
            ApiError::RateLimited { retry_after_s: wait.as_secs_f64().ceil().max(1.0) as u64 }
        })
    }
}
