//! Background removal for item and character sprites, for the pages image models actually paint:
//! a background model fitted from the border (gradients, vignettes and noise included), the page
//! grown from the border along that model (cast shadows included), enclosed pockets of page
//! removed as holes, and a soft, decontaminated edge.
//!
//! Work is linear in the pixels and memory a small multiple of the image: one label byte per
//! pixel and a work stack that holds each pixel at most once.

mod coarse;
mod matte;
mod model;
mod regions;
#[cfg(test)]
mod tests;

use image::{DynamicImage, RgbaImage};

use model::BackgroundModel;

/// A colour as three channels of 0..=255, in floating point for the model's arithmetic.
pub(crate) type Rgb = [f32; 3];

/// How far a pixel is from the page colour (Euclidean RGB).
pub(crate) fn plain_distance(pixel: Rgb, expected: Rgb) -> f32 {
    squared_distance(pixel, expected).sqrt()
}

pub(crate) fn squared_distance(pixel: Rgb, expected: Rgb) -> f32 {
    let d = [pixel[0] - expected[0], pixel[1] - expected[1], pixel[2] - expected[2]];
    d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
}

/// Sprites with more pixels than this (a 4096×4096 image) are served uncut rather than held
/// three more times in memory.
pub const MAX_CUTOUT_PIXELS: u64 = 4096 * 4096;

/// The image with its page transparent, or `None` when the border shows no page to remove or
/// the image is too large to cut out.
pub fn cut_out(image: &DynamicImage) -> Option<RgbaImage> {
    let (width, height) = (image.width(), image.height());
    if width < 3 || height < 3 {
        return None;
    }
    if u64::from(width) * u64::from(height) > MAX_CUTOUT_PIXELS {
        tracing::warn!(width, height, "a sprite too large for background removal is served with its background");
        return None;
    }
    let mut rgba = image.to_rgba8();
    let model = BackgroundModel::from_border(&rgba)?;
    let labels = regions::find_page(&rgba, &model);
    matte::apply(&mut rgba, &labels, model.tolerance);
    Some(rgba)
}
