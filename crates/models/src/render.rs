//! RenderOutput and ImageJob: the image part of a turn.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::enums::{AspectRatio, ImageSize, ModelLabel};
use crate::values::{BoundedText, BoundedVec, ImageId, ImageUrl};

/// What the game master asked to be drawn, as the server decided it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageJob {
    /// False once the image exists, so no client generates it again.
    pub should_generate: bool,
    /// The image prompt; checked by the image decision, not by parsing, because a bad prompt
    /// skips the image instead of failing the turn.
    #[serde(default)]
    pub prompt: String,
    /// Decided by the server, whatever the game master wrote.
    #[serde(default)]
    pub model_label: ModelLabel,
    #[serde(default)]
    pub aspect_ratio: AspectRatio,
    #[serde(default)]
    pub image_size: ImageSize,
    /// At most two ids of images this server made.
    #[serde(default)]
    pub reference_image_ids: BoundedVec<ImageId, 2>,
    #[serde(default)]
    pub reference_image_url: Option<ImageUrl>,
    /// Cut the background out (item and character sprites).
    #[serde(default)]
    pub remove_background: bool,
    /// A free hint such as `scene`, `item`, `character`.
    #[serde(default)]
    pub image_type_hint: Option<BoundedText<32>>,
}

/// The image part of a turn. The last four fields belong to the server: they are null (false)
/// until an image exists, and the game master can never set them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RenderOutput {
    #[serde(default)]
    pub image_job: Option<ImageJob>,
    #[serde(default)]
    pub image_url: Option<ImageUrl>,
    #[serde(default)]
    pub image_id: Option<ImageId>,
    /// Wall-clock ms from the start of the generator call until the file was stored.
    #[serde(default)]
    pub generation_time_ms: Option<u64>,
    /// True only when background removal was asked for and succeeded on the served file.
    #[serde(default)]
    pub background_removed: bool,
}

impl RenderOutput {
    /// The keys of the fields only the server may set.
    pub const SERVER_OWNED_FIELDS: [&'static str; 4] =
        ["image_url", "image_id", "generation_time_ms", "background_removed"];

    /// Forgets everything the server owns, keeping only the job.
    pub fn clear_server_owned(&mut self) {
        self.image_url = None;
        self.image_id = None;
        self.generation_time_ms = None;
        self.background_removed = false;
    }
}
