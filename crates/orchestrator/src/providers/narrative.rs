//! Finds the top-level `narrative` string inside a JSON object that is still being written, and
//! gives out its decoded text as it grows, so the player reads the story while the model is
//! still filling in the rest of the TurnOutput.

/// Reads JSON text piece by piece. Only enough of JSON is understood to know where strings,
/// nesting and top-level keys are; the whole document is validated once it is finished.
#[derive(Debug, Default)]
pub struct NarrativeExtractor {
    /// Open objects and arrays; the top-level object is depth 1.
    depth: usize,
    /// At depth 1, whether the next string is a key (after `{` or `,`) rather than a value.
    expect_key: bool,
    /// The role of the string being read, if inside one.
    string: Option<Role>,
    escape: Escape,
    /// A decoded high surrogate waiting for its low half, which may arrive in a later piece.
    high_surrogate: Option<u16>,
    /// The decoded text of the last top-level key.
    last_key: String,
    /// The narrative string has been read to its end: later ones (duplicates) are ignored.
    narrative_done: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Key,
    Narrative,
    /// Any other string: read only to know where it ends.
    Skipped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Escape {
    #[default]
    None,
    /// After a backslash.
    Backslash,
    /// Inside `\uXXXX`: the value so far and how many hex digits were read.
    Unicode(u16, u8),
}

impl NarrativeExtractor {
    #[cfg(test)]
    pub fn new() -> Self {
        NarrativeExtractor::default()
    }

    /// Feeds the next piece of JSON text and returns the narrative text it added (often empty).
    pub fn push(&mut self, piece: &str) -> String {
        let mut out = String::new();
        for c in piece.chars() {
            match self.string {
                Some(role) => self.string_char(role, c, &mut out),
                None => self.structure_char(c),
            }
        }
        out
    }

    /// True once the whole narrative string has been read.
    #[cfg(test)]
    pub fn narrative_done(&self) -> bool {
        self.narrative_done
    }

    fn structure_char(&mut self, c: char) {
        match c {
            '{' | '[' => {
                self.depth += 1;
                if self.depth == 1 {
                    self.expect_key = c == '{';
                }
            }
            '}' | ']' => self.depth = self.depth.saturating_sub(1),
            ',' if self.depth == 1 => self.expect_key = true,
            '"' => {
                let role = if self.depth != 1 {
                    Role::Skipped
                } else if self.expect_key {
                    self.expect_key = false;
                    self.last_key.clear();
                    Role::Key
                } else if self.last_key == "narrative" && !self.narrative_done {
                    Role::Narrative
                } else {
                    Role::Skipped
                };
                self.string = Some(role);
            }
            _ => {}
        }
    }

    fn string_char(&mut self, role: Role, c: char, out: &mut String) {
        match self.escape {
            Escape::None => match c {
                '\\' => self.escape = Escape::Backslash,
                '"' => {
                    self.flush_surrogate(role, out);
                    self.string = None;
                    if role == Role::Narrative {
                        self.narrative_done = true;
                    }
                }
                _ => self.emit(role, c, out),
            },
            Escape::Backslash => {
                self.escape = Escape::None;
                let decoded = match c {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'u' => {
                        self.escape = Escape::Unicode(0, 0);
                        return;
                    }
                    // `\"`, `\\`, `\/`, and anything else (invalid JSON) stands for itself.
                    other => other,
                };
                self.emit(role, decoded, out);
            }
            Escape::Unicode(value, digits) => {
                let Some(digit) = c.to_digit(16) else {
                    // Not JSON; the final check will refuse the document. Show a replacement.
                    self.escape = Escape::None;
                    self.emit(role, char::REPLACEMENT_CHARACTER, out);
                    self.string_char(role, c, out);
                    return;
                };
                let value = (value << 4) | digit as u16;
                if digits < 3 {
                    self.escape = Escape::Unicode(value, digits + 1);
                } else {
                    self.escape = Escape::None;
                    self.code_unit(role, value, out);
                }
            }
        }
    }

    /// One UTF-16 code unit from a `\uXXXX` escape: surrogate halves are paired up.
    fn code_unit(&mut self, role: Role, unit: u16, out: &mut String) {
        match unit {
            0xD800..=0xDBFF => {
                self.flush_surrogate(role, out);
                self.high_surrogate = Some(unit);
            }
            0xDC00..=0xDFFF => match self.high_surrogate.take() {
                Some(high) => {
                    let code = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                    self.push_char(role, char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER), out);
                }
                None => self.push_char(role, char::REPLACEMENT_CHARACTER, out),
            },
            _ => self.emit(role, char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER), out),
        }
    }

    /// A decoded character; a high surrogate still waiting means it was alone.
    fn emit(&mut self, role: Role, c: char, out: &mut String) {
        self.flush_surrogate(role, out);
        self.push_char(role, c, out);
    }

    fn flush_surrogate(&mut self, role: Role, out: &mut String) {
        if self.high_surrogate.take().is_some() {
            self.push_char(role, char::REPLACEMENT_CHARACTER, out);
        }
    }

    fn push_char(&mut self, role: Role, c: char, out: &mut String) {
        match role {
            Role::Key => self.last_key.push(c),
            Role::Narrative => out.push(c),
            Role::Skipped => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NarrativeExtractor;

    /// Feeds `pieces` and returns what came out, checked against serde_json's reading of the
    /// whole document when it is valid JSON.
    fn extract(pieces: &[&str]) -> String {
        let mut extractor = NarrativeExtractor::new();
        let streamed: String = pieces.iter().map(|piece| extractor.push(piece)).collect();
        let whole: String = pieces.concat();
        let parsed = serde_json::from_str::<serde_json::Value>(&whole).ok();
        if let Some(narrative) = parsed.as_ref().and_then(|value| value.get("narrative")?.as_str()) {
            assert_eq!(streamed, narrative, "streamed text equals the parsed narrative");
            assert!(extractor.narrative_done());
        }
        streamed
    }

    /// Every way of cutting the document in two, and one character at a time.
    fn check_all_splits(document: &str, expected: &str) {
        let boundaries: Vec<usize> = (0..=document.len()).filter(|&i| document.is_char_boundary(i)).collect();
        for &cut in &boundaries {
            assert_eq!(extract(&[&document[..cut], &document[cut..]]), expected, "cut at byte {cut}");
        }
        let chars: Vec<String> = document.chars().map(String::from).collect();
        let pieces: Vec<&str> = chars.iter().map(String::as_str).collect();
        assert_eq!(extract(&pieces), expected, "one character at a time");
    }

    #[test]
    fn a_plain_narrative_comes_out_whole() {
        check_all_splits(r#"{"language":"en-US","narrative":"The door opens."}"#, "The door opens.");
    }

    #[test]
    fn escapes_are_decoded_wherever_the_pieces_are_cut() {
        let document =
            r#"{"narrative":"A \"quote\", a \\ slash\/, tab\there,\nnew line, caf\u00e9, 😀 \ud83d\ude00, 횃불"}"#;
        check_all_splits(document, "A \"quote\", a \\ slash/, tab\there,\nnew line, café, 😀 😀, 횃불");
    }

    #[test]
    fn control_escapes_are_decoded() {
        check_all_splits(r#"{"narrative":"\b\f\r"}"#, "\u{8}\u{c}\r");
    }

    #[test]
    fn the_key_may_come_after_other_keys_and_nested_values() {
        let document = r#"{"economy":{"narrative":"nested, not this"},"list":["narrative","}{"],
            "note":"narrative","n":1.5,"flag":true,"none":null,"narrative":"This one."}"#;
        check_all_splits(document, "This one.");
    }

    #[test]
    fn a_key_written_with_escapes_still_matches() {
        check_all_splits(r#"{"narr\u0061tive":"yes"}"#, "yes");
    }

    #[test]
    fn only_the_first_narrative_streams() {
        // serde_json keeps the last duplicate; the contract check refuses such a document.
        let mut extractor = NarrativeExtractor::new();
        assert_eq!(extractor.push(r#"{"narrative":"one","narrative":"two"}"#), "one");
    }

    #[test]
    fn a_narrative_that_is_not_a_string_gives_nothing() {
        assert_eq!(extract(&[r#"{"narrative":null,"other":"text"}"#]), "");
        assert_eq!(extract(&[r#"{"narrative":["a"]}"#]), "");
    }

    #[test]
    fn a_lone_surrogate_becomes_a_replacement_character() {
        assert_eq!(extract(&[r#"{"narrative":"a\ud83d"#, r#"b\ude00c"}"#]), "a\u{FFFD}b\u{FFFD}c");
        assert_eq!(extract(&[r#"{"narrative":"\ud83d"}"#]), "\u{FFFD}");
        assert_eq!(extract(&[r#"{"narrative":"\ud83d\ud83d\ude00"}"#]), "\u{FFFD}😀");
    }

    #[test]
    fn a_bad_unicode_escape_does_not_stop_the_stream() {
        assert_eq!(extract(&[r#"{"narrative":"a\uZZ"}"#]), "a\u{FFFD}ZZ");
    }

    #[test]
    fn an_unfinished_document_gives_what_is_written_so_far() {
        let mut extractor = NarrativeExtractor::new();
        assert_eq!(extractor.push(r#"{"narrative":"Half a sen"#), "Half a sen");
        assert!(!extractor.narrative_done());
        assert_eq!(extractor.push(r#"tence.", "#), "tence.");
        assert!(extractor.narrative_done());
        assert_eq!(extractor.push(r#""more":"x"}"#), "");
    }

    #[test]
    fn text_before_the_object_is_ignored() {
        assert_eq!(extract(&["```json\n", r#"{"narrative":"fenced"}"#, "\n```"]), "fenced");
    }
}
