//! Domain events of a turn, as plain data. The server frames them for the wire; this crate only
//! says what happened. Serialising an event gives the `data` payload of its wire event.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::enums::{AgentPhase, ValidationBadge};
use crate::output::TurnOutput;
use crate::render_outcome::RenderOutcome;

/// The id of a turn: 1..=64 characters of `A-Z a-z 0-9 _ -`, safe in a URL path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TurnId(String);

impl TurnId {
    pub fn parse(text: &str) -> Option<TurnId> {
        let valid = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        (!text.is_empty() && text.len() <= 64 && text.chars().all(valid)).then(|| TurnId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TurnId {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        TurnId::parse(&value).ok_or_else(|| format!("`{value}` is not a turn id"))
    }
}

impl From<TurnId> for String {
    fn from(value: TurnId) -> String {
        value.0
    }
}

impl fmt::Display for TurnId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageStatus {
    Start,
    Complete,
    Fail,
}

/// Something that happened during a turn, in the order it happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum TurnEvent {
    /// Always first.
    Started {
        turn_id: TurnId,
    },
    Stage {
        name: AgentPhase,
        status: StageStatus,
    },
    /// A piece of narrative, appended to what came before.
    Narrative {
        text: String,
    },
    /// The narrative streamed so far is void.
    Repair {
        attempt: u32,
        message: String,
    },
    Badges {
        badges: Vec<ValidationBadge>,
    },
    /// A problem the turn recovered from.
    Recovered {
        code: String,
        message: String,
    },
    /// The turn's output; exactly once.
    Final {
        data: Box<TurnOutput>,
    },
    /// The image work ended; exactly once and always last.
    Render(Box<RenderOutcome>),
}

impl TurnEvent {
    /// True for the event after which nothing more of the turn follows.
    pub fn is_last(&self) -> bool {
        matches!(self, TurnEvent::Render(_))
    }
}
