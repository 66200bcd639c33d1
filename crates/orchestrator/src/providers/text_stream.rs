//! Turns a streamed HTTP answer of a language model into game master events: SSE events are
//! read as they arrive, each gives a piece of the JSON text, the narrative inside it is streamed
//! as it grows, and the whole text is handed over at the end.

use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use serde_json::Value;
use sse_decoder::SseDecoder;

use super::google::error_summary;
use super::http::{read_capped, without_url};
use super::narrative::NarrativeExtractor;
use crate::game_master::{GameMasterError, GameMasterEvent};

/// What one SSE event of a provider means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// The next piece of the answer's text (possibly empty).
    Text(String),
    /// The provider says the answer is complete (`[DONE]`).
    Done,
}

/// Reads one SSE event's data: a piece of text, the end, or an error the provider reported.
pub type PayloadParser = fn(&str) -> Result<Payload, GameMasterError>;

/// The longest answer text read: many times a full TurnOutput with the longest narrative the
/// contract allows, and the bound on what an endless answer holds in memory.
pub const MAX_ANSWER_BYTES: usize = 512 * 1024;
/// Once an answer has begun, a pause between chunks longer than this share of the whole timeout
/// ends it: a provider that stalls mid-stream would otherwise hold the player for every attempt's
/// full timeout. The wait for the first chunk (a model thinking) has the whole timeout.
const IDLE_SHARE_OF_TIMEOUT: u32 = 4;
/// How much of an error answer is read to summarise it.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// The stream of one answer. `send` makes the request; `timeout` bounds the whole answer, from
/// the request to the last byte. `label` names provider and model in the debug line.
pub fn answer_stream(
    send: BoxFuture<'static, Result<reqwest::Response, GameMasterError>>,
    parse: PayloadParser,
    timeout: Duration,
    label: String,
) -> BoxStream<'static, Result<GameMasterEvent, GameMasterError>> {
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + timeout;
    let timed_out = move || GameMasterError::Stream(format!("no complete answer within {} ms", timeout.as_millis()));
    let stream = async_stream::stream! {
        let response = match tokio::time::timeout_at(deadline, send).await {
            Err(_) => {
                yield Err(timed_out());
                return;
            }
            Ok(Err(error)) => {
                yield Err(error);
                return;
            }
            Ok(Ok(response)) => response,
        };
        let status = response.status();
        if !status.is_success() {
            let body = tokio::time::timeout_at(deadline, read_capped(response, MAX_ERROR_BODY_BYTES))
                .await
                .ok()
                .and_then(Result::ok);
            yield Err(GameMasterError::Provider(error_summary(status, body.as_deref().unwrap_or_default())));
            return;
        }
        let mut body = response.bytes_stream();
        let mut sse = SseDecoder::new();
        let mut answer = Answer::default();
        let idle = timeout / IDLE_SHARE_OF_TIMEOUT;
        let mut begun = false;
        loop {
            let wait_until = if begun { deadline.min(tokio::time::Instant::now() + idle) } else { deadline };
            let next = tokio::time::timeout_at(wait_until, body.next()).await;
            begun = true;
            let (events, body_over) = match next {
                Err(_) if wait_until < deadline => {
                    yield Err(GameMasterError::Stream(format!("the answer stalled for {} ms", idle.as_millis())));
                    return;
                }
                Err(_) => {
                    yield Err(timed_out());
                    return;
                }
                Ok(Some(Err(error))) => {
                    yield Err(GameMasterError::Stream(without_url(&error)));
                    return;
                }
                Ok(Some(Ok(chunk))) => (sse.push(&chunk), false),
                Ok(None) => (sse.finish(), true),
            };
            let events = match events {
                Ok(events) => events,
                Err(error) => {
                    yield Err(GameMasterError::Stream(error.to_string()));
                    return;
                }
            };
            for event in events {
                match answer.take(&event.data, parse) {
                    Err(error) => {
                        yield Err(error);
                        return;
                    }
                    Ok(delta) if !delta.is_empty() => yield Ok(GameMasterEvent::NarrativeDelta(delta)),
                    Ok(_) => {}
                }
                if answer.done {
                    break;
                }
            }
            if answer.done || body_over {
                break;
            }
        }
        tracing::debug!(
            provider = %label,
            took_ms = started.elapsed().as_millis() as u64,
            chars = answer.text.chars().count(),
            "game master answer streamed"
        );
        if answer.text.trim().is_empty() {
            yield Err(GameMasterError::Stream("the answer held no text".to_owned()));
        } else {
            yield Ok(GameMasterEvent::Finished(answer.text));
        }
    };
    stream.boxed()
}

/// The answer read so far.
#[derive(Default)]
struct Answer {
    text: String,
    extractor: NarrativeExtractor,
    /// `[DONE]` was seen.
    done: bool,
}

impl Answer {
    /// Takes one event; returns the narrative it added.
    fn take(&mut self, data: &str, parse: PayloadParser) -> Result<String, GameMasterError> {
        match parse(data)? {
            Payload::Done => {
                self.done = true;
                Ok(String::new())
            }
            Payload::Text(piece) => {
                if self.text.len() + piece.len() > MAX_ANSWER_BYTES {
                    return Err(GameMasterError::Stream(format!("the answer is longer than {MAX_ANSWER_BYTES} bytes")));
                }
                self.text.push_str(&piece);
                Ok(self.extractor.push(&piece))
            }
        }
    }
}

/// A provider's error object (`{"error":{...}}` inside a stream) as loggable text.
pub fn stream_error(error: &Value) -> GameMasterError {
    let word = error
        .get("status")
        .or_else(|| error.get("code"))
        .or_else(|| error.get("type"))
        .map(|word| word.as_str().map(str::to_owned).unwrap_or_else(|| word.to_string()))
        .unwrap_or_else(|| "unknown".to_owned());
    GameMasterError::Provider(format!("error in the stream: {word}"))
}
