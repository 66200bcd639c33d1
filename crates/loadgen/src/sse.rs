//! An incremental Server-Sent Events parser: bytes in, whole events out, whatever the chunking.

/// One event of a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub id: Option<u64>,
    pub name: String,
    pub data: String,
}

/// The longest line kept. The server's lines are far shorter; a longer one is dropped whole
/// instead of growing in memory for as long as no newline comes.
const MAX_LINE_BYTES: usize = 1024 * 1024;

/// Keeps the partial line and event between reads.
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    id: Option<u64>,
    name: Option<String>,
    data: Option<String>,
    /// The last `retry:` value seen, in ms.
    pub retry_ms: Option<u64>,
    /// Comment lines seen (keep-alives).
    pub comments: u64,
    /// Lines dropped for being longer than `MAX_LINE_BYTES`.
    pub oversized_lines: u64,
    /// The line being read has passed `MAX_LINE_BYTES`.
    line_too_long: bool,
}

impl SseParser {
    /// Feeds bytes; calls `on_event` for every event they complete.
    pub fn feed(&mut self, bytes: &[u8], mut on_event: impl FnMut(SseEvent)) {
        for &byte in bytes {
            if byte != b'\n' {
                if self.line.len() < MAX_LINE_BYTES {
                    self.line.push(byte);
                } else if !self.line_too_long {
                    self.line_too_long = true;
                    self.line = Vec::new();
                }
                continue;
            }
            if std::mem::take(&mut self.line_too_long) {
                self.oversized_lines += 1;
                continue;
            }
            if self.line.last() == Some(&b'\r') {
                self.line.pop();
            }
            let line = std::mem::take(&mut self.line);
            if let Some(event) = self.take_line(&line) {
                on_event(event);
            }
        }
    }

    fn take_line(&mut self, line: &[u8]) -> Option<SseEvent> {
        if line.is_empty() {
            let data = self.data.take();
            let name = self.name.take();
            let id = self.id.take();
            return data.map(|data| SseEvent { id, name: name.unwrap_or_else(|| "message".to_owned()), data });
        }
        if line[0] == b':' {
            self.comments += 1;
            return None;
        }
        let text = String::from_utf8_lossy(line);
        let (field, value) = match text.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (text.as_ref(), ""),
        };
        match field {
            "id" => self.id = value.parse().ok(),
            "event" => self.name = Some(value.to_owned()),
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            },
            "retry" => self.retry_ms = value.parse().ok(),
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_in_pieces(stream: &[u8], piece: usize) -> (Vec<SseEvent>, SseParser) {
        let mut parser = SseParser::default();
        let mut events = Vec::new();
        for chunk in stream.chunks(piece) {
            parser.feed(chunk, |event| events.push(event));
        }
        (events, parser)
    }

    const STREAM: &[u8] = b"retry: 2000\n\nid: 1\nevent: turn\ndata: {\"turn_id\":\"t1\"}\n\n: keep-alive\n\nid: 2\r\nevent: narrative\r\ndata: {\"text\":\"\xed\x95\x9c \"}\r\n\r\n";

    #[test]
    fn events_survive_any_split_of_the_bytes() {
        for piece in [1, 2, 3, 7, 64, STREAM.len()] {
            let (events, parser) = parse_in_pieces(STREAM, piece);
            assert_eq!(events.len(), 2, "piece size {piece}");
            assert_eq!(events[0], SseEvent { id: Some(1), name: "turn".into(), data: "{\"turn_id\":\"t1\"}".into() });
            assert_eq!(events[1].name, "narrative");
            assert_eq!(events[1].data, "{\"text\":\"한 \"}", "CRLF lines and split UTF-8");
            assert_eq!(parser.retry_ms, Some(2000));
            assert_eq!(parser.comments, 1);
        }
    }

    #[test]
    fn a_line_past_the_cap_is_dropped_without_being_held() {
        let mut parser = SseParser::default();
        let mut events = Vec::new();
        parser.feed(b"data: ", |event| events.push(event));
        for _ in 0..48 {
            parser.feed(&[b'x'; 64 * 1024], |event| events.push(event));
            assert!(parser.line.capacity() <= 2 * MAX_LINE_BYTES, "the partial line stays bounded");
        }
        parser.feed(b"\n\nid: 2\ndata: after\n\n", |event| events.push(event));
        assert_eq!(parser.oversized_lines, 1);
        assert_eq!(events, vec![SseEvent { id: Some(2), name: "message".into(), data: "after".into() }]);
    }

    #[test]
    fn multi_line_data_is_joined_and_an_unfinished_event_is_held_back() {
        let (events, _) = parse_in_pieces(b"data: a\ndata: b\n\ndata: c", 4);
        assert_eq!(events, vec![SseEvent { id: None, name: "message".into(), data: "a\nb".into() }]);
    }
}
