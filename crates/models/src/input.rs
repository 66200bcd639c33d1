//! TurnInput, the request body of a turn.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::enums::{Language, Theme};
use crate::values::{BoundedText, Box2D, CurrencyAmount, Id, ImageUrl, ranged};

/// What the player did this turn, and the state the client holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TurnInput {
    pub language: Language,
    /// The player's free text, at most 2000 characters.
    #[serde(default)]
    pub text: BoundedText<2000>,
    /// The action card the player chose.
    #[serde(default)]
    pub action_id: Option<Id>,
    #[serde(default)]
    pub click: Option<Click>,
    #[serde(default)]
    pub drop: Option<Drop>,
    pub client: ClientInfo,
    /// The player's balance before this turn.
    pub economy_snapshot: CurrencyAmount,
    /// The current scene image; only URLs this server issued are accepted.
    #[serde(default)]
    pub previous_image_url: Option<ImageUrl>,
    #[serde(default)]
    pub scene_context: Option<BoundedText<2000>>,
}

/// A click on an object of the scene.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Click {
    pub object_id: Id,
    #[serde(default)]
    pub box_2d: Option<Box2D>,
}

/// An inventory item dropped onto an object of the scene.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Drop {
    pub item_id: Id,
    pub target_object_id: Id,
    pub target_box_2d: Box2D,
}

/// The player's screen, so answers can fit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientInfo {
    #[serde(deserialize_with = "ranged::<_, 1, 16384>")]
    #[schemars(range(min = 1, max = 16384))]
    pub viewport_w: u32,
    #[serde(deserialize_with = "ranged::<_, 1, 16384>")]
    #[schemars(range(min = 1, max = 16384))]
    pub viewport_h: u32,
    #[serde(default)]
    pub theme: Theme,
}
