//! The seven stages of a turn, one file each, in the order they run: parse, validate, plan,
//! resolve, render, verify, commit.

pub(crate) mod commit;
pub(crate) mod parse;
pub(crate) mod plan;
pub(crate) mod render;
pub(crate) mod resolve;
pub(crate) mod validate;
pub(crate) mod verify;

use models::RenderOutcome;

/// How the turn's image ends, as the render stage decided it.
pub(crate) enum RenderPlan {
    /// No image: this outcome goes out right after `final`.
    Skip(Box<RenderOutcome>),
    /// A render task was spawned and will send `render` itself.
    Spawned,
}
