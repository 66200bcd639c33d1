//! The game master: writes the narrative (streamed) and the whole TurnOutput of a turn.

use futures::stream::BoxStream;
use models::TurnInput;

use crate::options::MockImage;

/// What a game master is asked to answer.
#[derive(Debug, Clone)]
pub struct GameMasterRequest {
    pub input: TurnInput,
    /// Makes mock answers deterministic; real providers may ignore it.
    pub seed: u64,
    /// Honoured only by the mock game master: which image job it writes.
    pub mock_image: MockImage,
    /// Set when a previous answer was refused, so the game master can correct it.
    pub repair: Option<RepairFeedback>,
}

/// Why the previous answer was refused.
#[derive(Debug, Clone)]
pub struct RepairFeedback {
    /// 1 for the first repair, 2 for the second.
    pub attempt: u32,
    /// The contract error, with the field path.
    pub problem: String,
}

/// One step of a game master's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum GameMasterEvent {
    /// A piece of narrative, as soon as it is written.
    NarrativeDelta(String),
    /// The whole answer as JSON text, to be checked against the contract; always last.
    Finished(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GameMasterError {
    #[error("the provider answered with an error: {0}")]
    Provider(String),
    #[error("the provider's stream broke off: {0}")]
    Stream(String),
}

/// A source of turn answers: the mock, or a real language model.
pub trait GameMaster: Send + Sync + 'static {
    /// Streams narrative deltas, then the finished answer. The stream ends after `Finished` or
    /// after the first error.
    fn answer(&self, request: GameMasterRequest) -> BoxStream<'static, Result<GameMasterEvent, GameMasterError>>;

    /// A short label for logs and the startup line, e.g. `mock` or `gemini:gemini-3-flash-preview`.
    fn describe(&self) -> String;
}
