//! How a narrative that exists whole (the mock's, the fallback's) is streamed: in word-sized
//! deltas, like a game master writing it.

/// Splits a narrative into word-sized deltas whose concatenation is the narrative itself.
pub(crate) fn word_deltas(narrative: &str) -> Vec<String> {
    narrative.split_inclusive(' ').map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::word_deltas;

    #[test]
    fn word_deltas_concatenate_to_the_narrative() {
        let narrative = "횃불이 흔들리는 돌 복도.  Two  spaces.";
        assert_eq!(word_deltas(narrative).concat(), narrative);
        assert!(word_deltas(narrative).len() > 3);
    }
}
