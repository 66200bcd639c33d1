//! What the engine and a turn are configured with: the engine's settings, the per-turn options
//! and the modes they name. Plain data, so every layer may read it.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// What to do when the player cannot pay for an image (docs/render.md §1, rows 6 and 6').
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LowBalancePolicy {
    /// Skip the image and say why.
    #[default]
    TextOnly,
    /// Make a free image with the FAST model.
    FastFree,
}

impl FromStr for LowBalancePolicy {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "text_only" => Ok(LowBalancePolicy::TextOnly),
            "fast_free" => Ok(LowBalancePolicy::FastFree),
            other => Err(format!("`{other}` is not a low-balance policy (text_only, fast_free)")),
        }
    }
}

/// Which image job the mock game master writes, and how the mock generator behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MockImage {
    /// The mock game master decides from the seed and input.
    #[default]
    Auto,
    None,
    Skip,
    Scene,
    Item,
    Fail,
    Timeout,
    Safety,
}

impl FromStr for MockImage {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(match text {
            "auto" => MockImage::Auto,
            "none" => MockImage::None,
            "skip" => MockImage::Skip,
            "scene" => MockImage::Scene,
            "item" => MockImage::Item,
            "fail" => MockImage::Fail,
            "timeout" => MockImage::Timeout,
            "safety" => MockImage::Safety,
            other => {
                return Err(format!(
                    "`{other}` is not a mock_image mode (auto, none, skip, scene, item, fail, timeout, safety)"
                ));
            }
        })
    }
}

/// Per-turn options from the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TurnOptions {
    /// Makes the mock providers deterministic; `None` picks a seed per turn.
    pub seed: Option<u64>,
    pub mock_image: MockImage,
}

/// Everything the engine needs to know, passed in explicitly.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Generated images go to `<data_dir>/images/generated/`.
    pub data_dir: PathBuf,
    /// The price in Signal of a QUALITY image.
    pub image_cost_signal: u32,
    pub low_balance_policy: LowBalancePolicy,
    /// Deadline of one image generation.
    pub image_timeout: Duration,
    /// How many images are made at once; more wait their turn.
    pub max_concurrent_images: usize,
    /// Turns (not yet rendered) allowed at once; more are refused as overloaded.
    pub max_turns_in_flight: usize,
    /// How long a completed turn stays readable.
    pub turn_retention: Duration,
    /// How many completed turns stay readable at most.
    pub turn_retention_max: usize,
}
