//! The test harness: `spawn_app` starts the whole server on port 0 with a temp data folder,
//! an incremental SSE reader, typed request helpers, and the one check of the event order of
//! docs/protocol.md.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::BoxStream;
use serde_json::{Value, json};
use server::{Application, Providers, Settings};
use sse_decoder::{SseDecoder, SseEvent};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub data_dir: std::path::PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    _temp: tempfile::TempDir,
}

/// The server with test defaults: fast mock providers, two workers.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// The server with test defaults overridden by `extra`.
pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    spawn(extra, None).await
}

/// The server with injected providers (for modes whose real providers a test cannot reach).
pub async fn spawn_app_with_providers(extra: &[(&str, &str)], providers: Providers) -> TestApp {
    spawn(extra, Some(providers)).await
}

async fn spawn(extra: &[(&str, &str)], providers: Option<Providers>) -> TestApp {
    let temp = tempfile::tempdir().unwrap();
    let data_dir = temp.path().join("data");
    let static_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../static");
    let data = data_dir.to_str().unwrap().to_owned();
    let mut variables: HashMap<String, String> = [
        ("UW_BIND", "127.0.0.1:0"),
        ("UW_DATA_DIR", data.as_str()),
        ("UW_STATIC_DIR", static_dir),
        ("UW_MOCK_TOKEN_DELAY_MS", "1"),
        ("UW_MOCK_IMAGE_DELAY_MS", "50"),
        ("UW_IMAGE_TIMEOUT_MS", "120000"),
        ("UW_WORKERS", "2"),
        ("UW_SHUTDOWN_GRACE_MS", "5000"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    for (k, v) in extra {
        variables.insert((*k).to_owned(), (*v).to_owned());
    }
    let settings = Settings::from_map(&variables).unwrap();
    let application = match providers {
        Some(providers) => Application::build_with_providers(settings, providers),
        None => Application::build(settings).await,
    }
    .unwrap();
    let address = format!("http://{}", application.address());
    let (shutdown, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(application.run_until_stopped(async {
        let _ = stopped.await;
    }));
    TestApp {
        address,
        client: reqwest::Client::builder().timeout(Duration::from_secs(120)).build().unwrap(),
        data_dir,
        shutdown: Some(shutdown),
        server: Some(server),
        _temp: temp,
    }
}

/// A valid TurnInput with this much Signal.
pub fn turn_body(signal: u64) -> Value {
    json!({
        "language": "en-US",
        "text": "I open the rusted door.",
        "client": {"viewport_w": 1280, "viewport_h": 720},
        "economy_snapshot": {"signal": signal, "memory_shard": 5}
    })
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// `POST /api/turn` with a JSON body; the answer is the stream.
    pub async fn post_turn(&self, query: &str, body: &Value) -> reqwest::Response {
        self.post_json("/api/turn", query, body).await
    }

    /// `POST /api/turns` with a JSON body; the answer is `202` and links.
    pub async fn post_turns(&self, query: &str, body: &Value) -> reqwest::Response {
        self.post_json("/api/turns", query, body).await
    }

    async fn post_json(&self, path: &str, query: &str, body: &Value) -> reqwest::Response {
        let url = if query.is_empty() { self.url(path) } else { self.url(&format!("{path}?{query}")) };
        self.client.post(url).json(body).send().await.unwrap()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Runs a turn through `POST /api/turn` and returns all its events.
    pub async fn run_turn(&self, query: &str) -> Vec<Event> {
        let response = self.post_turn(query, &turn_body(100)).await;
        assert_eq!(response.status(), 200);
        SseReader::new(response).collect().await
    }

    /// Asserts `/healthz` answers ok.
    pub async fn assert_healthy(&self) {
        let (status, body) = self.get_json("/healthz").await;
        assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    }

    /// The metrics as `name{labels}` → value.
    pub async fn metrics(&self) -> HashMap<String, f64> {
        let text = self.get("/metrics").await.text().await.unwrap();
        text.lines()
            .filter(|line| !line.starts_with('#') && !line.is_empty())
            .filter_map(|line| line.rsplit_once(' '))
            .map(|(name, value)| (name.to_owned(), value.parse().unwrap()))
            .collect()
    }

    /// Waits until a metric has this value, or fails after 300 s: image work runs on the
    /// lowest-priority threads, so on a busy machine fifty images can take minutes.
    pub async fn wait_for_metric(&self, name: &str, value: f64) {
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            let current = self.metrics().await.get(name).copied();
            if current == Some(value) {
                return;
            }
            assert!(Instant::now() < deadline, "{name} stayed at {current:?}, expected {value}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the server as SIGTERM would, and waits until it has shut down.
    pub async fn shut_down(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            tokio::time::timeout(Duration::from_secs(90), server)
                .await
                .expect("shutdown within 90 s")
                .unwrap()
                .unwrap();
        }
    }

    /// Sends one raw request line (no client-side path normalisation) and returns the status
    /// and body.
    pub async fn raw_get(&self, path: &str) -> (u16, String) {
        let host = self.address.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
        let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let status = answer.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
        let body = answer.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
        (status, body)
    }
}

/// One event as received, with when it arrived.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: u64,
    pub name: String,
    pub data: Value,
    pub at: Instant,
}

/// Reads an SSE body incrementally with the workspace's one decoder: whatever the chunking,
/// each complete event as it lands.
pub struct SseReader {
    body: BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    decoder: SseDecoder,
    /// Events decoded but not yet handed out.
    ready: VecDeque<SseEvent>,
    pub retry_ms: Option<u64>,
    pub comments: usize,
    /// Whether the first line of the body was `retry:`.
    pub retry_first: Option<bool>,
}

impl SseReader {
    pub fn new(response: reqwest::Response) -> Self {
        SseReader {
            body: response.bytes_stream().boxed(),
            decoder: SseDecoder::new(),
            ready: VecDeque::new(),
            retry_ms: None,
            comments: 0,
            retry_first: None,
        }
    }

    /// The next event, or `None` when the stream has ended.
    pub async fn next_event(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Some(Self::checked(event));
            }
            match tokio::time::timeout(Duration::from_secs(120), self.body.next()).await.expect("an event within 120 s")
            {
                Some(chunk) => {
                    let events = self.decoder.push(&chunk.unwrap()).expect("events within the decoder's cap");
                    self.ready.extend(events);
                    self.retry_ms = self.decoder.retry_ms();
                    self.comments = self.decoder.comments() as usize;
                    self.retry_first = self.decoder.first_field().map(|field| field == "retry");
                    if let Some(other) = self.decoder.unknown_fields().first() {
                        panic!("unexpected field {other}");
                    }
                }
                None => return None,
            }
        }
    }

    /// Every remaining event, until the server ends the stream.
    pub async fn collect(mut self) -> Vec<Event> {
        let mut events = Vec::new();
        while let Some(event) = self.next_event().await {
            events.push(event);
        }
        events
    }

    fn checked(event: SseEvent) -> Event {
        assert_eq!(event.data_lines, 1, "data is one line");
        Event {
            id: event.id.expect("every event has an id").parse().unwrap(),
            name: event.name,
            data: serde_json::from_str(&event.data).expect("data is JSON"),
            at: Instant::now(),
        }
    }
}

/// Checks the order of docs/protocol.md on a whole turn and returns `final`'s output and the
/// `render` data.
pub fn check_order(events: &[Event]) -> (Value, Value) {
    let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names.first(), Some(&"turn"), "turn comes first: {names:?}");
    let ids: Vec<u64> = events.iter().map(|e| e.id).collect();
    assert_eq!(ids, (1..=events.len() as u64).collect::<Vec<_>>(), "ids count from 1 without gaps");
    assert_eq!(names.iter().filter(|n| **n == "final").count(), 1, "exactly one final");
    assert_eq!(names.iter().filter(|n| **n == "render").count(), 1, "exactly one render");
    assert_eq!(names.last(), Some(&"render"), "render is last");

    let turn_id = events[0].data["turn_id"].as_str().unwrap();
    assert_eq!(events[0].data["events_url"], format!("/api/turns/{turn_id}/events"));
    assert_eq!(events[0].data["result_url"], format!("/api/turns/{turn_id}"));

    let stages: Vec<(String, String)> = events
        .iter()
        .filter(|e| e.name == "stage")
        .map(|e| (e.data["name"].as_str().unwrap().to_owned(), e.data["status"].as_str().unwrap().to_owned()))
        .collect();
    let phases = ["parse", "validate", "plan", "resolve", "render", "verify", "commit"];
    let expected: Vec<(String, String)> = phases
        .iter()
        .flat_map(|p| [((*p).to_owned(), "start".to_owned()), ((*p).to_owned(), "complete".to_owned())])
        .collect();
    assert_eq!(stages, expected, "stages in order, each start then complete");

    let position = |predicate: &dyn Fn(&Event) -> bool| events.iter().position(predicate).unwrap();
    let validate_start = position(&|e| e.name == "stage" && e.data == json!({"name": "validate", "status": "start"}));
    let validate_end = position(&|e| e.name == "stage" && e.data == json!({"name": "validate", "status": "complete"}));
    let first_narrative = position(&|e| e.name == "narrative");
    let badges = position(&|e| e.name == "badges");
    let final_index = position(&|e| e.name == "final");
    assert!(validate_start < first_narrative && first_narrative < validate_end, "narrative inside validate");
    assert!(validate_end < badges && badges < final_index, "badges after validate, before final");
    assert!(!names[final_index..].contains(&"narrative"), "no narrative after final");

    let final_output = events[final_index].data["data"].clone();
    let streamed: String =
        events.iter().filter(|e| e.name == "narrative").map(|e| e.data["text"].as_str().unwrap()).collect();
    assert_eq!(streamed, final_output["narrative"].as_str().unwrap(), "the deltas add up to the narrative");
    (final_output, events.last().unwrap().data.clone())
}

/// The turn id of a turn's events.
pub fn turn_id(events: &[Event]) -> String {
    events[0].data["turn_id"].as_str().unwrap().to_owned()
}
