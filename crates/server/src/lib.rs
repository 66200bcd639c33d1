//! The SSE turn server: settings, the actix-web application, the event stream framing, static
//! files and telemetry. `Application::build` is shared by `main` and the integration tests.

mod error_bodies;
mod errors;
mod limits;
mod routes;
mod settings;
mod sse;
mod telemetry;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::ErrorHandlers;
use actix_web::{App, HttpServer, web};
use orchestrator::{Engine, GameMaster, ImageGenerator};
use orchestrator::{MockGameMaster, MockImageGenerator};
use orchestrator::{generated_dir, remove_stale_temp_files};

pub use crate::errors::ApiError;
use crate::limits::{ConnectionCount, ConnectionSlot, RateLimiter};
use crate::routes::AppState;
pub use crate::settings::{LogFormat, Mode, Settings, SettingsError};
use crate::sse::OpenStreams;
pub use crate::telemetry::init as init_logging;

/// Workers get this long to flush their last responses once every turn has rendered.
const WORKER_SHUTDOWN_TIMEOUT_S: u64 = 3;
/// Pending connections the kernel holds while workers catch up (bursts of held-open streams).
const LISTEN_BACKLOG: u32 = 4096;
/// Connections each worker accepts past `UW_MAX_CONNECTIONS`, so the health check still gets in
/// (and everything else a quick `503`) while the cap is reached; beyond them workers stop
/// accepting, which bounds the file descriptors held.
const CONNECTIONS_PAST_THE_CAP: usize = 256;

/// The providers that serve turns.
pub struct Providers {
    pub game_master: Arc<dyn GameMaster>,
    /// `None` makes every image fail as `unavailable`.
    pub images: Option<Arc<dyn ImageGenerator>>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("UW_MODE=real: the providers cannot be set up: {0}")]
    Providers(orchestrator::ProviderError),
    #[error("cannot create the data folder {path}: {source}")]
    DataDir { path: PathBuf, source: io::Error },
    #[error("cannot listen on {address} (UW_BIND): {source}")]
    Bind { address: SocketAddr, source: io::Error },
    #[error("cannot write the listen address to {path} (UW_ADDR_FILE): {source}")]
    AddrFile { path: PathBuf, source: io::Error },
}

/// Picks the providers for the configured mode. This is the one place that decides.
pub async fn providers(settings: &Settings) -> Result<Providers, StartupError> {
    let mock_game_master = || -> Arc<dyn GameMaster> { Arc::new(MockGameMaster::new(settings.mock_token_delay)) };
    let mock_images = || -> Arc<dyn ImageGenerator> { Arc::new(MockImageGenerator::new(settings.mock_image_delay)) };
    match settings.mode() {
        Mode::Mock => Ok(Providers { game_master: mock_game_master(), images: Some(mock_images()) }),
        Mode::Real => {
            let built = orchestrator::build_providers(settings.providers(), settings.image_timeout())
                .await
                .map_err(StartupError::Providers)?;
            // `None` means that kind was explicitly set to `mock`.
            Ok(Providers {
                game_master: built.game_master.unwrap_or_else(mock_game_master),
                images: Some(built.image_generator.unwrap_or_else(mock_images)),
            })
        }
    }
}

/// A bound, ready-to-run server and the engine behind it.
pub struct Application {
    address: SocketAddr,
    server: Server,
    engine: Engine,
    shutdown_grace: std::time::Duration,
}

impl Application {
    /// Builds the providers for the settings' mode, then the application.
    pub async fn build(settings: Settings) -> Result<Application, StartupError> {
        let providers = providers(&settings).await?;
        Application::build_with_providers(settings, providers)
    }

    /// Binds the listen address (port 0 picks a free port) and prepares the workers; nothing is
    /// served until `run_until_stopped`. Tests use this to inject their own providers.
    pub fn build_with_providers(settings: Settings, providers: Providers) -> Result<Application, StartupError> {
        let images_dir = generated_dir(settings.data_dir());
        std::fs::create_dir_all(&images_dir)
            .map_err(|source| StartupError::DataDir { path: images_dir.clone(), source })?;
        let stale = remove_stale_temp_files(settings.data_dir())
            .map_err(|source| StartupError::DataDir { path: images_dir.clone(), source })?;
        if stale > 0 {
            tracing::info!(removed = stale, "removed temporary image files a previous run left");
        }
        let describe_images = providers.images.as_ref().map_or_else(|| "none".to_owned(), |images| images.describe());
        let describe_text = providers.game_master.describe();
        let engine = Engine::new(settings.engine_config(), providers.game_master, providers.images);
        let state = web::Data::new(AppState {
            engine: engine.clone(),
            mode: settings.mode(),
            mock_providers: settings.mode() == Mode::Mock,
            sse_keep_alive: settings.sse_keepalive,
            body_timeout: settings.body_timeout,
            rate_limiter: RateLimiter::new(settings.rate_limit_per_min),
            open_streams: Arc::new(OpenStreams::default()),
            generated_dir: images_dir,
            static_dir: settings.static_dir().to_path_buf(),
        });

        let connections = Arc::new(ConnectionCount::default());
        let max_connections = settings.max_connections;
        let mut http = HttpServer::new(move || {
            App::new()
                .wrap(ErrorHandlers::new().default_handler(error_bodies::json_error_bodies))
                .wrap(actix_web::middleware::from_fn(limits::refuse_over_connection_limit))
                .configure(routes::configure(state.clone()))
        })
        .on_connect(move |connection, data| {
            // Without this, Nagle's algorithm holds back small SSE writes (~40 ms a turn).
            if let Some(stream) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
                let _ = stream.set_nodelay(true);
            }
            data.insert(ConnectionSlot::take(&connections, max_connections));
        })
        .max_connections(max_connections.saturating_add(CONNECTIONS_PAST_THE_CAP))
        .backlog(LISTEN_BACKLOG)
        .disable_signals()
        .shutdown_timeout(WORKER_SHUTDOWN_TIMEOUT_S);
        if let Some(workers) = settings.workers {
            http = http.workers(workers);
        }
        let bind = settings.bind();
        let http = http.bind(bind).map_err(|source| StartupError::Bind { address: bind, source })?;
        let address = http.addrs().first().copied().unwrap_or(bind);
        if let Some(path) = &settings.addr_file {
            write_address_file(path, address)
                .map_err(|source| StartupError::AddrFile { path: path.clone(), source })?;
        }
        tracing::info!(
            mode = settings.mode().as_str(),
            providers = %settings.providers().describe(),
            text_provider = %describe_text,
            image_provider = %describe_images,
            address = %address,
            data_dir = %settings.data_dir().display(),
            "uw-server listening on http://{address}"
        );
        Ok(Application { address, server: http.run(), engine, shutdown_grace: settings.shutdown_grace() })
    }

    /// The address actually bound (the real port when `UW_BIND` asked for port 0).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Serves until `shutdown` resolves, then stops accepting connections, lets every turn end
    /// (within the grace; late image work fails cleanly), lets open streams send their last
    /// events, and returns.
    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()>) -> io::Result<()> {
        let handle = self.server.handle();
        let mut server = tokio::spawn(self.server);
        tokio::select! {
            result = &mut server => return result.map_err(io::Error::other)?,
            () = shutdown => {}
        }
        tracing::info!(grace_ms = self.shutdown_grace.as_millis() as u64, "shutting down: waiting for turns to end");
        handle.pause().await;
        self.engine.shutdown(self.shutdown_grace).await;
        handle.stop(true).await;
        let result = server.await.map_err(io::Error::other)?;
        tracing::info!("shut down");
        result
    }
}

/// Writes `host:port` so a script that started the server on port 0 can find it; the rename
/// makes the file appear whole.
fn write_address_file(path: &Path, address: SocketAddr) -> io::Result<()> {
    let temp = path.with_extension("tmp");
    std::fs::write(&temp, address.to_string())?;
    std::fs::rename(&temp, path)
}
