//! The image decision of docs/render.md §1: a pure function of the image job, the turn's economy and
//! the settings. First match wins.

use models::{EconomyOutput, ImageJob, ModelLabel, RenderReason};

use crate::options::LowBalancePolicy;

/// What the render stage does about the image.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageDecision {
    /// No image this turn.
    Skip { reason: RenderReason, low_balance_warning: bool },
    /// Make the image with this model and charge `charge` Signal for it (0 for a free FAST image).
    Generate { model_label: ModelLabel, charge: u32, low_balance_warning: bool },
}

/// The prompt limits, in characters after trimming.
pub const PROMPT_CHARS: std::ops::RangeInclusive<usize> = 3..=2000;

/// Decides from the job as the game master wrote it and the economy before any image charge.
pub fn decide_image(
    job: Option<&ImageJob>,
    economy: &EconomyOutput,
    image_cost_signal: u32,
    policy: LowBalancePolicy,
) -> ImageDecision {
    let skip = |reason| ImageDecision::Skip { reason, low_balance_warning: economy.low_balance_warning };
    let Some(job) = job else { return skip(RenderReason::NoImageJob) };
    if !job.should_generate {
        return skip(RenderReason::ShouldGenerateFalse);
    }
    let prompt = job.prompt.trim();
    if prompt.is_empty() {
        return skip(RenderReason::EmptyPrompt);
    }
    if !PROMPT_CHARS.contains(&prompt.chars().count()) {
        return skip(RenderReason::InvalidPrompt);
    }
    if economy.balance_after.signal >= image_cost_signal {
        return ImageDecision::Generate {
            model_label: ModelLabel::Quality,
            charge: image_cost_signal,
            low_balance_warning: economy.low_balance_warning,
        };
    }
    match policy {
        LowBalancePolicy::TextOnly => {
            ImageDecision::Skip { reason: RenderReason::InsufficientBalance, low_balance_warning: true }
        }
        LowBalancePolicy::FastFree => {
            ImageDecision::Generate { model_label: ModelLabel::Fast, charge: 0, low_balance_warning: true }
        }
    }
}
