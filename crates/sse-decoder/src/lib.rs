//! An incremental reader of server-sent events: bytes arrive in arbitrary chunks (a line, or a
//! UTF-8 character, may be split between two) and complete events come out. One decoder for
//! every reader in the workspace: the providers' streamed answers, `uw-loadgen` and the server's
//! tests. It only reads; writing events is the server's (`crates/server/src/sse.rs`).

/// The longest line, and the largest event, a stream may send: far above any real event, and
/// the bound on what a line without a newline can hold in memory.
pub const MAX_EVENT_BYTES: usize = 1024 * 1024;

/// A line or an event longer than `MAX_EVENT_BYTES`; the decoder has let its bytes go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventTooLong;

impl std::fmt::Display for EventTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "an event of the stream is longer than {MAX_EVENT_BYTES} bytes")
    }
}

impl std::error::Error for EventTooLong {}

/// One complete event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `id:` of the event, when it had one.
    pub id: Option<String>,
    /// The `event:` name; `message` when the event had none.
    pub name: String,
    /// The `data:` lines, joined with newlines.
    pub data: String,
    /// How many `data:` lines the event had.
    pub data_lines: usize,
}

/// Collects bytes until whole lines exist, and lines until an event is complete.
#[derive(Debug, Default)]
pub struct SseDecoder {
    /// Bytes after the last newline: a line not yet complete, possibly cut inside a character.
    partial_line: Vec<u8>,
    id: Option<String>,
    name: Option<String>,
    /// The `data:` lines of the event being read.
    data: Vec<String>,
    /// Their bytes, counted against `MAX_EVENT_BYTES`.
    data_bytes: usize,
    /// The last `retry:` value seen, in ms.
    retry_ms: Option<u64>,
    /// Comment lines seen (keep-alives).
    comments: u64,
    /// The field of the stream's first line (`""` for a comment).
    first_field: Option<String>,
    /// Fields the format does not know, in the order seen; they are otherwise ignored.
    unknown_fields: Vec<String>,
}

impl SseDecoder {
    pub fn new() -> Self {
        SseDecoder::default()
    }

    /// Feeds a chunk and returns every event it completed, in order; refuses a line or an event
    /// that grows past `MAX_EVENT_BYTES`.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<SseEvent>, EventTooLong> {
        let mut events = Vec::new();
        let mut rest = chunk;
        while let Some(newline) = rest.iter().position(|&byte| byte == b'\n') {
            self.extend_line(&rest[..newline])?;
            rest = &rest[newline + 1..];
            let line = std::mem::take(&mut self.partial_line);
            self.line(&line, &mut events)?;
        }
        self.extend_line(rest)?;
        Ok(events)
    }

    /// Ends the stream: a last event without its blank line still counts.
    pub fn finish(&mut self) -> Result<Vec<SseEvent>, EventTooLong> {
        let mut events = Vec::new();
        if !self.partial_line.is_empty() {
            let line = std::mem::take(&mut self.partial_line);
            self.line(&line, &mut events)?;
        }
        self.dispatch(&mut events);
        Ok(events)
    }

    fn extend_line(&mut self, bytes: &[u8]) -> Result<(), EventTooLong> {
        if self.partial_line.len() + bytes.len() > MAX_EVENT_BYTES {
            self.partial_line = Vec::new();
            return Err(EventTooLong);
        }
        self.partial_line.extend_from_slice(bytes);
        Ok(())
    }

    /// The last `retry:` value seen, in ms.
    pub fn retry_ms(&self) -> Option<u64> {
        self.retry_ms
    }

    /// How many comment lines (keep-alives) were seen.
    pub fn comments(&self) -> u64 {
        self.comments
    }

    /// The field name of the stream's first line: `retry`, `id`, ..., or `""` for a comment.
    pub fn first_field(&self) -> Option<&str> {
        self.first_field.as_deref()
    }

    /// Field names the format does not define, as seen; such lines are otherwise ignored.
    pub fn unknown_fields(&self) -> &[String] {
        &self.unknown_fields
    }

    fn line(&mut self, line: &[u8], events: &mut Vec<SseEvent>) -> Result<(), EventTooLong> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            self.dispatch(events);
            return Ok(());
        }
        // Lines are whole here, so a character cut between chunks has been joined again; bytes
        // that still are not UTF-8 are the sender's fault and are replaced, not fatal.
        let line = String::from_utf8_lossy(line);
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        self.first_field.get_or_insert_with(|| field.to_owned());
        match field {
            "" => self.comments += 1,
            "data" => {
                self.data_bytes += value.len() + 1;
                if self.data_bytes > MAX_EVENT_BYTES {
                    self.data = Vec::new();
                    self.data_bytes = 0;
                    return Err(EventTooLong);
                }
                self.data.push(value.to_owned());
            }
            "event" => self.name = Some(value.to_owned()),
            "id" => self.id = Some(value.to_owned()),
            "retry" => self.retry_ms = value.parse().ok(),
            other => self.unknown_fields.push(other.to_owned()),
        }
        Ok(())
    }

    /// A blank line ends an event; one without data is no event, as in a browser.
    fn dispatch(&mut self, events: &mut Vec<SseEvent>) {
        let id = self.id.take();
        let name = self.name.take();
        self.data_bytes = 0;
        if !self.data.is_empty() {
            let data_lines = self.data.len();
            events.push(SseEvent {
                id,
                name: name.unwrap_or_else(|| "message".to_owned()),
                data: std::mem::take(&mut self.data).join("\n"),
                data_lines,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{EventTooLong, MAX_EVENT_BYTES, SseDecoder, SseEvent};

    fn decode_in_pieces(stream: &[u8], piece: usize) -> Vec<String> {
        let mut decoder = SseDecoder::new();
        let mut events: Vec<SseEvent> = stream.chunks(piece).flat_map(|chunk| decoder.push(chunk).unwrap()).collect();
        events.extend(decoder.finish().unwrap());
        events.into_iter().map(|event| event.data).collect()
    }

    #[test]
    fn events_come_out_whole_whatever_the_chunking() {
        let stream = "data: {\"a\":\"횃불\"}\r\n\r\n: keep-alive\n\nevent: x\ndata: two\n\ndata: [DONE]\n\n".as_bytes();
        for piece in 1..stream.len() {
            assert_eq!(decode_in_pieces(stream, piece), ["{\"a\":\"횃불\"}", "two", "[DONE]"], "piece {piece}");
        }
    }

    #[test]
    fn several_data_lines_join_with_newlines() {
        assert_eq!(decode_in_pieces(b"data: a\ndata:b\n\n", 100), ["a\nb"]);
    }

    #[test]
    fn a_last_event_without_a_blank_line_still_counts() {
        assert_eq!(decode_in_pieces(b"data: {}\n\ndata: last", 3), ["{}", "last"]);
    }

    #[test]
    fn a_character_split_between_chunks_is_joined() {
        let mut decoder = SseDecoder::new();
        let bytes = "data: é\n\n".as_bytes();
        let split = bytes.iter().position(|&b| b == 0xC3).unwrap() + 1;
        assert!(decoder.push(&bytes[..split]).unwrap().is_empty());
        let events = decoder.push(&bytes[split..]).unwrap();
        assert_eq!(events.iter().map(|event| event.data.as_str()).collect::<Vec<_>>(), ["é"]);
    }

    fn parse_in_pieces(stream: &[u8], piece: usize) -> (Vec<SseEvent>, SseDecoder) {
        let mut decoder = SseDecoder::new();
        let events = stream.chunks(piece).flat_map(|chunk| decoder.push(chunk).unwrap()).collect();
        (events, decoder)
    }

    const STREAM: &[u8] = b"retry: 2000\n\nid: 1\nevent: turn\ndata: {\"turn_id\":\"t1\"}\n\n: keep-alive\n\nid: 2\r\nevent: narrative\r\ndata: {\"text\":\"\xed\x95\x9c \"}\r\n\r\n";

    #[test]
    fn ids_names_retry_and_comments_survive_any_split_of_the_bytes() {
        for piece in [1, 2, 3, 7, 64, STREAM.len()] {
            let (events, decoder) = parse_in_pieces(STREAM, piece);
            assert_eq!(events.len(), 2, "piece size {piece}");
            let turn = SseEvent {
                id: Some("1".into()),
                name: "turn".into(),
                data: "{\"turn_id\":\"t1\"}".into(),
                data_lines: 1,
            };
            assert_eq!(events[0], turn);
            assert_eq!(events[1].name, "narrative");
            assert_eq!(events[1].data, "{\"text\":\"한 \"}", "CRLF lines and split UTF-8");
            assert_eq!(decoder.retry_ms(), Some(2000));
            assert_eq!(decoder.comments(), 1);
            assert_eq!(decoder.first_field(), Some("retry"));
        }
    }

    #[test]
    fn multi_line_data_is_joined_and_an_unfinished_event_is_held_back() {
        let (events, _) = parse_in_pieces(b"data: a\ndata: b\n\ndata: c", 4);
        assert_eq!(events, vec![SseEvent { id: None, name: "message".into(), data: "a\nb".into(), data_lines: 2 }]);
    }

    #[test]
    fn unknown_fields_are_ignored_but_reported() {
        let (events, decoder) = parse_in_pieces(b"colour: red\ndata: x\n\n", 5);
        assert_eq!(events.len(), 1);
        assert_eq!(decoder.unknown_fields(), ["colour"]);
    }

    #[test]
    fn a_line_without_end_is_refused_at_the_cap_and_its_bytes_let_go() {
        let mut decoder = SseDecoder::new();
        let piece = vec![b'x'; 64 * 1024];
        decoder.push(b"data: ").unwrap();
        let mut fed = 6;
        let refused = loop {
            match decoder.push(&piece) {
                Ok(events) => assert!(events.is_empty()),
                Err(error) => break error,
            }
            fed += piece.len();
            assert!(fed <= MAX_EVENT_BYTES, "refused once past the cap");
        };
        assert_eq!(refused, EventTooLong);
        assert_eq!(decoder.partial_line.capacity(), 0, "the buffered line is released");
    }

    #[test]
    fn an_event_of_many_short_data_lines_is_refused_at_the_cap() {
        let mut decoder = SseDecoder::new();
        let line = format!("data: {}\n", "y".repeat(1000));
        let refused = (0..2000).find_map(|_| decoder.push(line.as_bytes()).err());
        assert_eq!(refused, Some(EventTooLong));
        assert_eq!(decoder.data.capacity(), 0, "the event's lines are released");
    }
}
