//! The contract's enums, each travelling as the exact strings the wire uses.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

/// The language of every user-facing string of a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Language {
    #[serde(rename = "ko-KR")]
    Korean,
    #[serde(rename = "en-US")]
    English,
}

impl Language {
    /// Picks the string of this language out of a Korean/English pair.
    pub fn pick<'a>(self, korean: &'a str, english: &'a str) -> &'a str {
        match self {
            Language::Korean => korean,
            Language::English => english,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    Dark,
    Light,
}

/// The seven stages of a turn, declared in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgentPhase {
    Parse,
    Validate,
    Plan,
    Resolve,
    Render,
    Verify,
    #[default]
    Commit,
}

impl AgentPhase {
    /// Every stage in the order a turn runs them.
    pub const ALL: [AgentPhase; 7] = [
        AgentPhase::Parse,
        AgentPhase::Validate,
        AgentPhase::Plan,
        AgentPhase::Resolve,
        AgentPhase::Render,
        AgentPhase::Verify,
        AgentPhase::Commit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgentPhase::Parse => "parse",
            AgentPhase::Validate => "validate",
            AgentPhase::Plan => "plan",
            AgentPhase::Resolve => "resolve",
            AgentPhase::Render => "render",
            AgentPhase::Verify => "verify",
            AgentPhase::Commit => "commit",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ValidationBadge {
    SchemaOk,
    SchemaFail,
    EconomyOk,
    EconomyFail,
    SafetyOk,
    SafetyBlocked,
    ConsistencyOk,
    ConsistencyFail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
pub enum ModelLabel {
    #[serde(rename = "FAST")]
    Fast,
    #[default]
    #[serde(rename = "QUALITY")]
    Quality,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    #[default]
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
pub enum AspectRatio {
    #[serde(rename = "1:1")]
    Square,
    #[serde(rename = "2:3")]
    Portrait2x3,
    #[serde(rename = "3:2")]
    Landscape3x2,
    #[serde(rename = "3:4")]
    Portrait3x4,
    #[serde(rename = "4:3")]
    Landscape4x3,
    #[serde(rename = "4:5")]
    Portrait4x5,
    #[serde(rename = "5:4")]
    Landscape5x4,
    #[serde(rename = "9:16")]
    Portrait9x16,
    #[default]
    #[serde(rename = "16:9")]
    Wide16x9,
    #[serde(rename = "21:9")]
    Ultrawide21x9,
}

impl AspectRatio {
    pub const ALL: [AspectRatio; 10] = [
        AspectRatio::Square,
        AspectRatio::Portrait2x3,
        AspectRatio::Landscape3x2,
        AspectRatio::Portrait3x4,
        AspectRatio::Landscape4x3,
        AspectRatio::Portrait4x5,
        AspectRatio::Landscape5x4,
        AspectRatio::Portrait9x16,
        AspectRatio::Wide16x9,
        AspectRatio::Ultrawide21x9,
    ];

    /// Width and height terms of the ratio, e.g. `(16, 9)`.
    pub fn terms(self) -> (u32, u32) {
        match self {
            AspectRatio::Square => (1, 1),
            AspectRatio::Portrait2x3 => (2, 3),
            AspectRatio::Landscape3x2 => (3, 2),
            AspectRatio::Portrait3x4 => (3, 4),
            AspectRatio::Landscape4x3 => (4, 3),
            AspectRatio::Portrait4x5 => (4, 5),
            AspectRatio::Landscape5x4 => (5, 4),
            AspectRatio::Portrait9x16 => (9, 16),
            AspectRatio::Wide16x9 => (16, 9),
            AspectRatio::Ultrawide21x9 => (21, 9),
        }
    }

    /// The wire string, e.g. `"16:9"`.
    pub fn as_str(self) -> &'static str {
        match self {
            AspectRatio::Square => "1:1",
            AspectRatio::Portrait2x3 => "2:3",
            AspectRatio::Landscape3x2 => "3:2",
            AspectRatio::Portrait3x4 => "3:4",
            AspectRatio::Landscape4x3 => "4:3",
            AspectRatio::Portrait4x5 => "4:5",
            AspectRatio::Landscape5x4 => "5:4",
            AspectRatio::Portrait9x16 => "9:16",
            AspectRatio::Wide16x9 => "16:9",
            AspectRatio::Ultrawide21x9 => "21:9",
        }
    }

    /// Pixel dimensions with the long side fixed, rounding the short side to the nearest pixel.
    pub fn dimensions(self, long_side: u32) -> (u32, u32) {
        let (w, h) = self.terms();
        if w >= h { (long_side, (long_side * h + w / 2) / w) } else { ((long_side * w + h / 2) / h, long_side) }
    }
}

/// Image size class. Serialises as `1K`/`2K`/`4K`; on input the legacy pixel forms are accepted
/// and normalised, because older clients still send them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, JsonSchema)]
pub enum ImageSize {
    #[default]
    #[serde(rename = "1K")]
    OneK,
    #[serde(rename = "2K")]
    TwoK,
    #[serde(rename = "4K")]
    FourK,
}

impl ImageSize {
    pub fn as_str(self) -> &'static str {
        match self {
            ImageSize::OneK => "1K",
            ImageSize::TwoK => "2K",
            ImageSize::FourK => "4K",
        }
    }

    /// The long side in pixels of an image of this size.
    pub fn long_side(self) -> u32 {
        match self {
            ImageSize::OneK => 1024,
            ImageSize::TwoK => 2048,
            ImageSize::FourK => 4096,
        }
    }

    /// Parses the wire form, including the legacy pixel forms.
    pub fn parse(text: &str) -> Option<ImageSize> {
        match text {
            "1K" | "1024x1024" | "1280x768" | "768x1280" => Some(ImageSize::OneK),
            "2K" | "1536x1024" | "1024x1536" => Some(ImageSize::TwoK),
            "4K" => Some(ImageSize::FourK),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for ImageSize {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ImageSize::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("unsupported image size `{text}`, expected one of 1K, 2K, 4K"))
        })
    }
}
