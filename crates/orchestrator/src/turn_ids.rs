//! Turn ids that are unique within the process and cannot be guessed from one another.

use std::sync::atomic::{AtomicU64, Ordering};

use models::TurnId;

/// Makes turn ids: `t` and 20 hex characters of a keyed hash of a counter, unique within the
/// process and not guessable from one another.
pub(crate) struct TurnIdSource {
    key: [u8; 32],
    counter: AtomicU64,
}

impl TurnIdSource {
    pub(crate) fn new() -> Self {
        let mut seed = Vec::new();
        seed.extend_from_slice(&std::process::id().to_le_bytes());
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        seed.extend_from_slice(&now.as_nanos().to_le_bytes());
        let random_state = std::hash::BuildHasher::hash_one(&std::collections::hash_map::RandomState::new(), 0u8);
        seed.extend_from_slice(&random_state.to_le_bytes());
        TurnIdSource { key: *blake3::hash(&seed).as_bytes(), counter: AtomicU64::new(0) }
    }

    pub(crate) fn next(&self) -> TurnId {
        let count = self.counter.fetch_add(1, Ordering::Relaxed);
        let digest = blake3::keyed_hash(&self.key, &count.to_le_bytes());
        TurnId::parse(&format!("t{}", &digest.to_hex()[..20])).expect("t and hex digits form a turn id")
    }
}
