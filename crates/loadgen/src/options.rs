//! Command-line options of `uw-loadgen`.

use std::time::Duration;

use anyhow::{Context, bail};

pub const USAGE: &str = "usage: uw-loadgen --url http://HOST:PORT [--mode closed|hold] [--concurrency N]
  [--duration-s S | --turns-per-client N] [--mock-image MODE] [--language en-US|ko-KR]
  [--token-delay-ms MS] [--ramp-ms MS] [--background-images N] [--server-pid PID] [--json]";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

impl Options {
    pub fn from_args(args: impl Iterator<Item = String>) -> anyhow::Result<Self> {
        let mut options = Options {
            address: String::new(),
            host: String::new(),
            mode: Mode::Closed,
            concurrency: 1,
            duration: None,
            turns_per_client: None,
            mock_image: "none".to_owned(),
            language: "en-US".to_owned(),
            token_delay: Duration::ZERO,
            ramp: None,
            background_images: 0,
            server_pid: None,
            json: false,
        };
        let mut args = args.peekable();
        while let Some(flag) = args.next() {
            if flag == "--json" {
                options.json = true;
                continue;
            }
            let value = args.next().with_context(|| format!("{flag} needs a value\n{USAGE}"))?;
            let number =
                |value: &str| value.parse::<u64>().with_context(|| format!("{flag}: `{value}` is not a number"));
            match flag.as_str() {
                "--url" => {
                    let address = value.strip_prefix("http://").context("--url must start with http://")?;
                    options.address = address.trim_end_matches('/').to_owned();
                    options.host = options.address.clone();
                }
                "--mode" => {
                    options.mode = match value.as_str() {
                        "closed" => Mode::Closed,
                        "hold" => Mode::Hold,
                        other => bail!("--mode {other}: expected closed or hold"),
                    }
                }
                "--concurrency" => options.concurrency = number(&value)?.max(1) as usize,
                "--duration-s" => options.duration = Some(Duration::from_secs_f64(value.parse()?)),
                "--turns-per-client" => options.turns_per_client = Some(number(&value)?),
                "--mock-image" => options.mock_image = value,
                "--language" => options.language = value,
                "--token-delay-ms" => options.token_delay = Duration::from_millis(number(&value)?),
                "--ramp-ms" => options.ramp = Some(Duration::from_millis(number(&value)?)),
                "--background-images" => options.background_images = number(&value)? as usize,
                "--server-pid" => options.server_pid = Some(number(&value)? as u32),
                other => bail!("unknown option {other}\n{USAGE}"),
            }
        }
        if options.address.is_empty() {
            bail!("--url is required\n{USAGE}");
        }
        if options.mode == Mode::Closed && options.duration.is_none() && options.turns_per_client.is_none() {
            bail!("closed mode needs --duration-s or --turns-per-client\n{USAGE}");
        }
        Ok(options)
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
