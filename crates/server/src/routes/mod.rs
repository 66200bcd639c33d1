//! The HTTP surface: one file per endpoint, the state they share, and the table that mounts them.

mod events;
mod files;
mod health;
mod metrics;
mod result;
mod schema;
mod start;
mod turn_stream;
mod turns;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use orchestrator::Engine;

use crate::limits::RateLimiter;
use crate::settings::Mode;
use crate::sse::OpenStreams;

/// What every handler may read; built once and shared by all workers.
pub struct AppState {
    pub(crate) engine: Engine,
    pub(crate) mode: Mode,
    /// Whether the mock providers serve, which alone allows the `mock_image` parameter.
    pub(crate) mock_providers: bool,
    pub(crate) sse_keep_alive: Duration,
    /// How long a turn request's body may take to arrive.
    pub(crate) body_timeout: Duration,
    pub(crate) rate_limiter: RateLimiter,
    pub(crate) open_streams: Arc<OpenStreams>,
    /// `<data>/images/generated/`, the only folder images are served from.
    pub(crate) generated_dir: PathBuf,
    pub(crate) static_dir: PathBuf,
}

/// Mounts every endpoint. The web client's file service comes last: it answers every path the
/// API does not claim.
pub fn configure(state: web::Data<AppState>) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        let static_dir = state.static_dir.clone();
        config
            .app_data(state)
            .service(web::resource("/api/turn").route(web::post().to(turn_stream::post_turn)))
            .service(web::resource("/api/turns").route(web::post().to(turns::post_turns)))
            .service(web::resource("/api/turns/{turn_id}/events").route(web::get().to(events::get_events)))
            .service(web::resource("/api/turns/{turn_id}").route(web::get().to(result::get_result)))
            .service(web::resource("/api/schema/turn-input").route(web::get().to(schema::turn_input)))
            .service(web::resource("/api/schema/turn-output").route(web::get().to(schema::turn_output)))
            .service(
                web::resource("/healthz").route(web::get().to(health::healthz)).route(web::head().to(health::healthz)),
            )
            .service(web::resource("/metrics").route(web::get().to(metrics::metrics)))
            .service(
                web::resource("/static/images/generated/{file}")
                    .route(web::get().to(files::generated_image))
                    .route(web::head().to(files::generated_image)),
            )
            .service(files::web_client(&static_dir));
    }
}
