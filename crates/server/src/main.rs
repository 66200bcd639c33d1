//! `uw-server`: reads `.env` and the environment, starts logging, and runs the server until
//! SIGTERM or SIGINT.

use anyhow::Context;
use server::{Application, Settings, init_logging};

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    // A missing .env is normal; a broken one is a mistake worth stopping for.
    if let Err(error) = dotenvy::dotenv()
        && !error.not_found()
    {
        return Err(error).context("cannot read .env");
    }
    let settings = Settings::from_env().context("bad setting")?;
    init_logging(&settings).context("bad setting")?;
    let application = Application::build(settings).await.context("cannot start")?;
    application.run_until_stopped(shutdown_signal()).await.context("the server failed")?;
    Ok(())
}

/// Resolves on the first SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
