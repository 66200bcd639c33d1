//! One turn over `POST /api/turn`: its timings, and the checks of the event order of
//! docs/protocol.md.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use sse_decoder::{SseDecoder, SseEvent};

use crate::http::Connection;

/// What one turn measured.
#[derive(Debug, Default)]
pub struct TurnTiming {
    pub first_byte: Option<Duration>,
    pub first_narrative: Option<Duration>,
    pub final_event: Option<Duration>,
    pub render: Option<Duration>,
    pub narrative_events: u32,
    /// Gaps between consecutive narrative events of this turn.
    pub narrative_gaps: Vec<Duration>,
    pub render_status: Option<String>,
}

/// Checks the order of a turn's events as they arrive.
#[derive(Debug, Default)]
pub struct OrderCheck {
    expected_id: u64,
    finals: u32,
    renders: u32,
    pub violations: BTreeMap<&'static str, u64>,
}

impl OrderCheck {
    pub fn observe(&mut self, event: &SseEvent) {
        self.expected_id += 1;
        if event.id.as_deref().and_then(|id| id.parse().ok()) != Some(self.expected_id) {
            self.violate("ids_not_consecutive");
        }
        if self.expected_id == 1 && event.name != "turn" {
            self.violate("turn_not_first");
        }
        if self.renders > 0 {
            self.violate("render_not_last");
        }
        match event.name.as_str() {
            "final" => {
                self.finals += 1;
                if self.finals > 1 {
                    self.violate("two_finals");
                }
            }
            "render" => {
                self.renders += 1;
                if self.finals == 0 {
                    self.violate("render_before_final");
                }
            }
            "narrative" if self.finals > 0 => self.violate("narrative_after_final"),
            _ => {}
        }
    }

    /// Called when the stream ended.
    pub fn finish(&mut self) {
        if self.finals == 0 {
            self.violate("missing_final");
        }
        if self.renders == 0 {
            self.violate("missing_render");
        }
    }

    fn violate(&mut self, kind: &'static str) {
        *self.violations.entry(kind).or_default() += 1;
    }
}

/// Why a turn did not produce measurements.
#[derive(Debug)]
pub enum TurnError {
    Connect,
    Io,
    Status(u16),
}

impl TurnError {
    /// The error's kind as the report counts it, e.g. `http_503`.
    pub fn kind(&self) -> String {
        match self {
            TurnError::Connect => "connect".to_owned(),
            TurnError::Io => "io".to_owned(),
            TurnError::Status(status) => format!("http_{status}"),
        }
    }
}

/// Runs one turn on `connection`, timing from the moment the request is sent.
pub async fn run_turn(
    connection: &mut Connection,
    host: &str,
    path: &str,
    body: &[u8],
    order: &mut OrderCheck,
) -> Result<TurnTiming, TurnError> {
    let started = Instant::now();
    let head = connection.post_json(host, path, body).await.map_err(|_| TurnError::Io)?;
    let mut timing = TurnTiming { first_byte: Some(started.elapsed()), ..TurnTiming::default() };
    if head.status != 200 {
        connection.read_body(&head, |_| {}).await.map_err(|_| TurnError::Io)?;
        return Err(TurnError::Status(head.status));
    }
    let mut decoder = SseDecoder::new();
    let mut last_narrative: Option<Instant> = None;
    // An event past the decoder's cap is a broken stream, counted like a cut connection.
    let mut too_long = false;
    connection
        .read_body(&head, |bytes| {
            let events = decoder.push(bytes).unwrap_or_else(|_| {
                too_long = true;
                Vec::new()
            });
            for event in events {
                let now = Instant::now();
                order.observe(&event);
                match event.name.as_str() {
                    "narrative" => {
                        timing.narrative_events += 1;
                        timing.first_narrative.get_or_insert(now - started);
                        if let Some(previous) = last_narrative {
                            timing.narrative_gaps.push(now - previous);
                        }
                        last_narrative = Some(now);
                    }
                    "final" => timing.final_event = Some(now - started),
                    "render" => {
                        timing.render = Some(now - started);
                        timing.render_status = serde_json::from_str::<serde_json::Value>(&event.data)
                            .ok()
                            .and_then(|data| data["status"].as_str().map(str::to_owned));
                    }
                    _ => {}
                }
            }
        })
        .await
        .map_err(|_| TurnError::Io)?;
    if too_long {
        return Err(TurnError::Io);
    }
    order.finish();
    Ok(timing)
}
