//! How private text appears in logs: prompts only as a short hash, so log lines can be matched
//! to one another without carrying what a player or a game master wrote.

/// The first 8 hex characters of blake3(prompt): how a prompt appears in logs, never as text.
pub fn prompt_hash(prompt: &str) -> String {
    blake3::hash(prompt.as_bytes()).to_hex()[..8].to_owned()
}
