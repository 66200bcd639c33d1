//! Command-line options of `uw-loadgen`.

use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Each client starts its next turn as soon as the last one ended.
    Closed,
    /// Each client holds one stream open until its turn ends.
    Hold,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Closed => "closed",
            Mode::Hold => "hold",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub address: String,
    pub host: String,
    pub mode: Mode,
    pub concurrency: usize,
    pub duration: Option<Duration>,
    pub turns_per_client: Option<u64>,
    pub mock_image: String,
    pub language: String,
    /// The server's mock token delay, subtracted from time-to-final to get the overhead.
    pub token_delay: Duration,
    pub ramp: Option<Duration>,
    pub background_images: usize,
    pub server_pid: Option<u32>,
    pub json: bool,
}

/// The command line, as clap reads it; [`Options`] is what the run uses.
#[derive(Debug, Parser)]
#[command(
    name = "uw-loadgen",
    about = "Closed-loop or held-open clients over POST /api/turn, with latency percentiles."
)]
struct Arguments {
    /// The server, as http://HOST:PORT.
    #[arg(long)]
    url: String,
    /// `closed`: each client starts its next turn when the last ended; `hold`: one stream each.
    #[arg(long, value_enum, default_value_t = Mode::Closed)]
    mode: Mode,
    #[arg(long, default_value_t = 1)]
    concurrency: u64,
    /// How long closed-mode clients run.
    #[arg(long = "duration-s")]
    duration_s: Option<f64>,
    /// How many turns each closed-mode client runs.
    #[arg(long)]
    turns_per_client: Option<u64>,
    /// The `mock_image` query parameter of every turn.
    #[arg(long, default_value = "none")]
    mock_image: String,
    #[arg(long, default_value = "en-US")]
    language: String,
    /// The server's mock token delay, subtracted from time-to-final to get the overhead.
    #[arg(long, default_value_t = 0)]
    token_delay_ms: u64,
    /// Spreads the clients' starts over this long.
    #[arg(long)]
    ramp_ms: Option<u64>,
    /// Clients that keep making images alongside.
    #[arg(long, default_value_t = 0)]
    background_images: u64,
    /// Samples this process's CPU and memory from /proc during the run.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Prints the report as JSON.
    #[arg(long)]
    json: bool,
}

impl Options {
    /// Reads the command line (clap prints `--help` and usage errors itself).
    pub fn from_command_line() -> anyhow::Result<Self> {
        Options::from_arguments(Arguments::parse())
    }

    fn from_arguments(arguments: Arguments) -> anyhow::Result<Self> {
        let address = arguments.url.strip_prefix("http://").context("--url must start with http://")?;
        let address = address.trim_end_matches('/').to_owned();
        let duration = arguments.duration_s.map(Duration::from_secs_f64);
        if arguments.mode == Mode::Closed && duration.is_none() && arguments.turns_per_client.is_none() {
            bail!("closed mode needs --duration-s or --turns-per-client");
        }
        Ok(Options {
            host: address.clone(),
            address,
            mode: arguments.mode,
            concurrency: arguments.concurrency.max(1) as usize,
            duration,
            turns_per_client: arguments.turns_per_client,
            mock_image: arguments.mock_image,
            language: arguments.language,
            token_delay: Duration::from_millis(arguments.token_delay_ms),
            ramp: arguments.ramp_ms.map(Duration::from_millis),
            background_images: arguments.background_images as usize,
            server_pid: arguments.server_pid,
            json: arguments.json,
        })
    }

    /// The request body of a client's turns.
    pub fn body(&self, client: usize) -> Vec<u8> {
        serde_json::json!({
            "language": self.language,
            "text": format!("client {client} presses forward"),
            "client": {"viewport_w": 1280, "viewport_h": 720},
            "economy_snapshot": {"signal": 1000, "memory_shard": 10},
        })
        .to_string()
        .into_bytes()
    }

    pub fn path(&self, mock_image: &str, client: usize) -> String {
        format!("/api/turn?mock_image={mock_image}&seed={client}")
    }
}
