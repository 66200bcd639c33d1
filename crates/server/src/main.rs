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
    ignore_file_size_signal().context("cannot set up signals")?;
    let settings = Settings::from_env().context("bad setting")?;
    init_logging(&settings).context("bad setting")?;
    let application = Application::build(settings).await.context("cannot start")?;
    application.run_until_stopped(shutdown_signal()).await.context("the server failed")?;
    Ok(())
}

/// A write past the file-size limit (RLIMIT_FSIZE) raises SIGXFSZ, whose default action ends
/// the process and cuts every open stream. With a handler in place the write fails with EFBIG
/// instead, and that one image fails as `storage_error`. Tokio's handler stays installed for the
/// life of the process and only records the signal, so the stream it returns may be dropped.
fn ignore_file_size_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    let _handler_installed = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::from_raw(libc::SIGXFSZ))?;
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
