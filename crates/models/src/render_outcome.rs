//! How the image work of a turn ended: the status, the reason codes, the `render` event's data,
//! and how an outcome is written into the turn's output.

use serde::{Deserialize, Serialize};

use crate::enums::ValidationBadge;
use crate::output::{EconomyOutput, SafetyOutput, TurnOutput};
use crate::render::RenderOutput;
use crate::values::BoundedVec;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RenderStatus {
    Completed,
    Skipped,
    Failed,
}

/// Why an image was skipped or failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RenderReason {
    NoImageJob,
    ShouldGenerateFalse,
    EmptyPrompt,
    InvalidPrompt,
    InsufficientBalance,
    Timeout,
    RateLimited,
    SafetyBlocked,
    NoImage,
    InvalidImage,
    ProviderError,
    StorageError,
    Unavailable,
}

impl RenderReason {
    pub const ALL: [RenderReason; 13] = [
        RenderReason::NoImageJob,
        RenderReason::ShouldGenerateFalse,
        RenderReason::EmptyPrompt,
        RenderReason::InvalidPrompt,
        RenderReason::InsufficientBalance,
        RenderReason::Timeout,
        RenderReason::RateLimited,
        RenderReason::SafetyBlocked,
        RenderReason::NoImage,
        RenderReason::InvalidImage,
        RenderReason::ProviderError,
        RenderReason::StorageError,
        RenderReason::Unavailable,
    ];

    /// The wire code, e.g. `insufficient_balance`; also used as a metrics label.
    pub fn as_str(self) -> &'static str {
        match self {
            RenderReason::NoImageJob => "no_image_job",
            RenderReason::ShouldGenerateFalse => "should_generate_false",
            RenderReason::EmptyPrompt => "empty_prompt",
            RenderReason::InvalidPrompt => "invalid_prompt",
            RenderReason::InsufficientBalance => "insufficient_balance",
            RenderReason::Timeout => "timeout",
            RenderReason::RateLimited => "rate_limited",
            RenderReason::SafetyBlocked => "safety_blocked",
            RenderReason::NoImage => "no_image",
            RenderReason::InvalidImage => "invalid_image",
            RenderReason::ProviderError => "provider_error",
            RenderReason::StorageError => "storage_error",
            RenderReason::Unavailable => "unavailable",
        }
    }
}

impl RenderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RenderStatus::Completed => "completed",
            RenderStatus::Skipped => "skipped",
            RenderStatus::Failed => "failed",
        }
    }
}

/// How the image work of a turn ended: the `render` event's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenderOutcome {
    pub status: RenderStatus,
    pub reason: Option<RenderReason>,
    /// A short sentence for the player, in the turn's language.
    pub message: Option<String>,
    /// The synced RenderOutput.
    pub render: RenderOutput,
    /// Present when the image changed what the player pays (a refund).
    pub economy: Option<EconomyOutput>,
    /// Present when the image was blocked for safety.
    pub safety: Option<SafetyOutput>,
}

impl TurnOutput {
    /// Writes the outcome of the image work into this output: the synced render, the corrected
    /// economy after a refund, and the safety verdict (with `safety_ok` turned `safety_blocked`).
    /// The stored result of a turn is always `final` with its render outcome applied this way.
    pub fn apply_render_outcome(&mut self, outcome: &RenderOutcome) {
        self.render = outcome.render.clone();
        if let Some(economy) = outcome.economy {
            self.economy = economy;
        }
        if let Some(safety) = &outcome.safety {
            self.safety = safety.clone();
            if safety.blocked {
                let mut badges: Vec<ValidationBadge> =
                    self.agent_console.badges.iter().copied().filter(|b| *b != ValidationBadge::SafetyOk).collect();
                if !badges.contains(&ValidationBadge::SafetyBlocked) {
                    badges.push(ValidationBadge::SafetyBlocked);
                }
                badges.truncate(4);
                self.agent_console.badges = BoundedVec::new(badges).unwrap_or_default();
            }
        }
    }
}
