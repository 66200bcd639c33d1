//! An incremental reader of server-sent events: bytes arrive in arbitrary chunks (a line, or a
//! UTF-8 character, may be split between two) and complete `data:` payloads come out.

/// The longest line, and the largest event, a provider may send: far above any real event, and
/// the bound on what a line without a newline can hold in memory.
pub const MAX_EVENT_BYTES: usize = 1024 * 1024;

/// A line or an event longer than `MAX_EVENT_BYTES`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an event of the stream is longer than {MAX_EVENT_BYTES} bytes")]
pub struct EventTooLong;

/// Collects bytes until whole lines exist, and lines until an event is complete.
#[derive(Debug, Default)]
pub struct SseDecoder {
    /// Bytes after the last newline: a line not yet complete, possibly cut inside a character.
    partial_line: Vec<u8>,
    /// The `data:` lines of the event being read.
    data: Vec<String>,
    /// Their bytes, counted against `MAX_EVENT_BYTES`.
    data_bytes: usize,
}

impl SseDecoder {
    pub fn new() -> Self {
        SseDecoder::default()
    }

    /// Feeds a chunk and returns the data of every event it completed, in order; refuses a line
    /// or an event that grows past `MAX_EVENT_BYTES`.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<String>, EventTooLong> {
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

    fn extend_line(&mut self, bytes: &[u8]) -> Result<(), EventTooLong> {
        if self.partial_line.len() + bytes.len() > MAX_EVENT_BYTES {
            self.partial_line = Vec::new();
            return Err(EventTooLong);
        }
        self.partial_line.extend_from_slice(bytes);
        Ok(())
    }

    /// Ends the stream: a last event without its blank line still counts.
    pub fn finish(&mut self) -> Result<Vec<String>, EventTooLong> {
        let mut events = Vec::new();
        if !self.partial_line.is_empty() {
            let line = std::mem::take(&mut self.partial_line);
            self.line(&line, &mut events)?;
        }
        self.dispatch(&mut events);
        Ok(events)
    }

    fn line(&mut self, line: &[u8], events: &mut Vec<String>) -> Result<(), EventTooLong> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            self.dispatch(events);
            return Ok(());
        }
        // Lines are whole here, so a character cut between chunks has been joined again; bytes
        // that still are not UTF-8 are the server's fault and are replaced, not fatal.
        let line = String::from_utf8_lossy(line);
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        // `event:`, `id:`, `retry:` and `:` comments carry nothing these providers use.
        if field == "data" {
            self.data_bytes += value.len() + 1;
            if self.data_bytes > MAX_EVENT_BYTES {
                self.data = Vec::new();
                return Err(EventTooLong);
            }
            self.data.push(value.to_owned());
        }
        Ok(())
    }

    fn dispatch(&mut self, events: &mut Vec<String>) {
        self.data_bytes = 0;
        if !self.data.is_empty() {
            events.push(std::mem::take(&mut self.data).join("\n"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SseDecoder;

    fn decode_in_pieces(stream: &[u8], piece: usize) -> Vec<String> {
        let mut decoder = SseDecoder::new();
        let mut events: Vec<String> = stream.chunks(piece).flat_map(|chunk| decoder.push(chunk).unwrap()).collect();
        events.extend(decoder.finish().unwrap());
        events
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
        assert_eq!(decoder.push(&bytes[split..]).unwrap(), ["é"]);
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
            assert!(fed <= super::MAX_EVENT_BYTES, "refused once past the cap");
        };
        assert_eq!(refused, super::EventTooLong);
        assert_eq!(decoder.partial_line.capacity(), 0, "the buffered line is released");
    }

    #[test]
    fn an_event_of_many_short_data_lines_is_refused_at_the_cap() {
        let mut decoder = SseDecoder::new();
        let line = format!("data: {}\n", "y".repeat(1000));
        let refused = (0..2000).find_map(|_| decoder.push(line.as_bytes()).err());
        assert_eq!(refused, Some(super::EventTooLong));
    }
}
