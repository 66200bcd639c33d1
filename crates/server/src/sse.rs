//! The only place that knows Server-Sent Events framing: event names, `id:` lines, one-line JSON
//! `data:`, the `retry:` hint and keep-alive comments, and the stream that follows a turn's
//! record from a given event to its `render`.

use std::convert::Infallible;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web::{BufMut, Bytes, BytesMut};
use futures::Stream;
use models::{TurnEvent, TurnId};
use orchestrator::TurnRecord;
use serde_json::json;

/// Sent first on every stream: how long a browser waits before it reconnects.
const RETRY: &[u8] = b"retry: 2000\n\n";
const KEEP_ALIVE: &[u8] = b": keep-alive\n\n";
/// A replay is written in pieces of about this size, each sent before the next is framed, so a
/// long backlog costs one piece of memory per reader and waits for a slow reader.
const REPLAY_BATCH_BYTES: usize = 64 * 1024;

/// The URL a client follows a turn's events at.
pub fn events_url(turn_id: &TurnId) -> String {
    format!("/api/turns/{turn_id}/events")
}

/// The URL of a turn's status and result.
pub fn result_url(turn_id: &TurnId) -> String {
    format!("/api/turns/{turn_id}")
}

/// The body of the `turn` event and of `POST /api/turns`'s answer.
pub fn turn_links(turn_id: &TurnId) -> serde_json::Value {
    json!({"turn_id": turn_id, "events_url": events_url(turn_id), "result_url": result_url(turn_id)})
}

/// The wire name of an event.
pub fn event_name(event: &TurnEvent) -> &'static str {
    match event {
        TurnEvent::Started { .. } => "turn",
        TurnEvent::Stage { .. } => "stage",
        TurnEvent::Narrative { .. } => "narrative",
        TurnEvent::Repair { .. } => "repair",
        TurnEvent::Badges { .. } => "badges",
        TurnEvent::Recovered { .. } => "error",
        TurnEvent::Final { .. } => "final",
        TurnEvent::Render(_) => "render",
    }
}

/// Appends one framed event, serialising straight into `out` (this runs for every delta of
/// every stream). serde_json never writes a raw newline, so `data` is one line.
pub fn write_event(out: &mut BytesMut, id: usize, event: &TurnEvent) {
    // Writing into a BytesMut cannot fail.
    let _ = write!(out, "id: {id}\nevent: {}\ndata: ", event_name(event));
    let data_start = out.len();
    let written = match event {
        TurnEvent::Started { turn_id } => serde_json::to_writer(out.writer(), &turn_links(turn_id)),
        other => serde_json::to_writer(out.writer(), other),
    };
    if written.is_err() {
        out.truncate(data_start);
        out.extend_from_slice(b"null");
    }
    out.extend_from_slice(b"\n\n");
}

/// Counts the event streams being served, for the metrics endpoint.
#[derive(Debug, Default)]
pub struct OpenStreams(AtomicU64);

impl OpenStreams {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn enter(self: &Arc<Self>) -> OpenStreamGuard {
        self.0.fetch_add(1, Ordering::Relaxed);
        OpenStreamGuard { streams: Arc::clone(self), turn_id: None, finished: false }
    }
}

/// One open stream; dropping it (stream ended or client gone) counts it out.
struct OpenStreamGuard {
    streams: Arc<OpenStreams>,
    turn_id: Option<TurnId>,
    /// Set once `render` went out; a guard dropped before that means the client left.
    finished: bool,
}

impl Drop for OpenStreamGuard {
    fn drop(&mut self) {
        self.streams.0.fetch_sub(1, Ordering::Relaxed);
        if !self.finished
            && let Some(turn_id) = &self.turn_id
        {
            tracing::debug!(%turn_id, "a client left mid-stream; the turn goes on");
        }
    }
}

/// The events of `record` after the first `seen`, then live ones as they land, ending after
/// `render`. Dropping the stream (a client that went away) ends only the following, never the
/// turn: the turn writes into its record whether or not anyone reads.
pub fn follow(
    record: Arc<TurnRecord>,
    seen: usize,
    keep_alive: Duration,
    open_streams: &Arc<OpenStreams>,
) -> impl Stream<Item = Result<Bytes, Infallible>> + 'static {
    let guard = open_streams.enter();
    async_stream::stream! {
        let mut guard = guard;
        guard.turn_id = Some(record.turn_id().clone());
        let mut seen = seen;
        let mut pending = BytesMut::from(RETRY);
        loop {
            let mut finished = false;
            for event in record.events_after(seen) {
                seen += 1;
                write_event(&mut pending, seen, &event);
                finished |= event.is_last();
                if pending.len() >= REPLAY_BATCH_BYTES {
                    yield Ok(pending.split().freeze());
                }
            }
            if !pending.is_empty() {
                yield Ok(pending.split().freeze());
            }
            if finished {
                guard.finished = true;
                break;
            }
            if tokio::time::timeout(keep_alive, record.wait_for_more_than(seen)).await.is_err() {
                pending.extend_from_slice(KEEP_ALIVE);
            }
        }
    }
}

/// Wraps an event stream in the response headers of docs/protocol.md: no caching, no proxy
/// buffering, no compression.
pub fn response(events: impl Stream<Item = Result<Bytes, Infallible>> + 'static) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/event-stream"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .insert_header((header::CONTENT_ENCODING, "identity"))
        .streaming(events)
}

#[cfg(test)]
mod tests {
    use models::{AgentPhase, StageStatus};

    use super::*;

    #[test]
    fn an_event_is_framed_with_id_name_and_one_line_of_json() {
        let mut out = BytesMut::new();
        write_event(&mut out, 3, &TurnEvent::Narrative { text: "two\nlines".to_owned() });
        assert_eq!(&out[..], b"id: 3\nevent: narrative\ndata: {\"text\":\"two\\nlines\"}\n\n");
    }

    #[test]
    fn the_turn_event_carries_the_links_of_the_turn() {
        let mut out = BytesMut::new();
        let turn_id = TurnId::parse("t1").unwrap();
        write_event(&mut out, 1, &TurnEvent::Started { turn_id });
        let text = String::from_utf8(out.to_vec()).unwrap();
        let data = text.strip_prefix("id: 1\nevent: turn\ndata: ").and_then(|rest| rest.strip_suffix("\n\n")).unwrap();
        let data: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(data, json!({"turn_id": "t1", "events_url": "/api/turns/t1/events", "result_url": "/api/turns/t1"}));
    }

    #[tokio::test]
    async fn a_long_backlog_is_replayed_in_bounded_pieces() {
        use futures::StreamExt;
        use orchestrator::TurnEventSink;
        use orchestrator::testing::TurnStore;

        let store = TurnStore::new(Duration::from_secs(60), 10);
        let record = store.insert(TurnId::parse("t1").unwrap());
        let delta = "a".repeat(1000);
        for _ in 0..3000 {
            record.emit(TurnEvent::Narrative { text: delta.clone() });
        }
        record.emit(TurnEvent::Render(Box::new(models::RenderOutcome {
            status: models::RenderStatus::Skipped,
            reason: Some(models::RenderReason::NoImageJob),
            message: None,
            render: models::RenderOutput::default(),
            economy: None,
            safety: None,
        })));
        let pieces: Vec<Bytes> = follow(record, 0, Duration::from_secs(60), &Arc::new(OpenStreams::default()))
            .map(|p| p.unwrap())
            .collect()
            .await;
        let largest = pieces.iter().map(Bytes::len).max().unwrap();
        assert!(largest < REPLAY_BATCH_BYTES + 2000, "a piece of {largest} bytes");
        let text: String = pieces.iter().map(|piece| String::from_utf8(piece.to_vec()).unwrap()).collect();
        assert_eq!(text.matches("event: narrative\n").count(), 3000, "every event once");
        assert!(text.ends_with("event: render\n") || text.contains("id: 3001\nevent: render\n"));
    }

    #[test]
    fn stage_and_recovered_events_have_their_wire_names() {
        let stage = TurnEvent::Stage { name: AgentPhase::Parse, status: StageStatus::Start };
        assert_eq!(event_name(&stage), "stage");
        let recovered = TurnEvent::Recovered { code: "c".into(), message: "m".into() };
        assert_eq!(event_name(&recovered), "error");
    }
}
