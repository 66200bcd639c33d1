//! The embedded mock providers: a game master and an image painter that need no network and no
//! key, deterministic for a seed, with the delays and failure modes of docs/render.md §5.

mod clock;
mod game_master;
mod painter;
mod scenes;
mod world;

pub use game_master::MockGameMaster;
pub use painter::{MockImageGenerator, paint_item, paint_scene};

/// An id written in the mock's own tables or derived from one, which always fits the contract.
pub(crate) fn valid_id(id: &str) -> models::Id {
    models::Id::try_from(id).expect("mock ids are valid")
}

/// A small deterministic generator (splitmix64): enough variety for mock content, and the same
/// sequence for the same seed on every machine.
#[derive(Debug, Clone)]
pub(crate) struct SeededRng(u64);

impl SeededRng {
    /// Seeds from free text and a number, so equal prompts and seeds give equal pictures.
    pub(crate) fn from_text(text: &str, seed: u64) -> Self {
        let digest = blake3::hash(format!("{seed}:{text}").as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest.as_bytes()[..8]);
        SeededRng(u64::from_le_bytes(first))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (bound > 0).
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}
