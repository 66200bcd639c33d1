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

/// The up, down, left and right neighbours of `index` in a row-major grid of `width` × `height`,
/// where they exist. The horizontal ones come last, so a fill that pushes them in this order pops
/// along rows and reads memory in order.
pub(crate) fn four_neighbours(index: u32, width: u32, height: u32) -> [Option<u32>; 4] {
    let (x, y) = (index % width, index / width);
    [
        (y > 0).then(|| index - width),
        (y + 1 < height).then(|| index + width),
        (x > 0).then(|| index - 1),
        (x + 1 < width).then(|| index + 1),
    ]
}

/// How far a pixel is from the page colour (Euclidean RGB).
pub(crate) fn plain_distance(pixel: Rgb, expected: Rgb) -> f32 {
    squared_distance(pixel, expected).sqrt()
}

pub(crate) fn squared_distance(pixel: Rgb, expected: Rgb) -> f32 {
    let d = [pixel[0] - expected[0], pixel[1] - expected[1], pixel[2] - expected[2]];
    d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
}

/// Sprites with more pixels than this (a 4096×4096 image) are scaled down to it before they are
/// cut out: shown as an icon they lose nothing, and cut at full size they would be held several
/// more times in memory.
pub const MAX_CUTOUT_PIXELS: u64 = 4096 * 4096;

/// The image with its page transparent, or `None` when the border shows no page to remove.
pub fn cut_out(image: &DynamicImage) -> Option<RgbaImage> {
    cut_out_within(image, MAX_CUTOUT_PIXELS)
}

fn cut_out_within(image: &DynamicImage, max_pixels: u64) -> Option<RgbaImage> {
    if image.width() < 3 || image.height() < 3 {
        return None;
    }
    let mut rgba = within_pixels(image, max_pixels);
    let model = BackgroundModel::from_border(&rgba)?;
    let labels = regions::find_page(&rgba, &model);
    matte::apply(&mut rgba, &labels, model.tolerance);
    Some(rgba)
}

/// The image as RGBA, scaled down (keeping its aspect ratio) when it has more than `max_pixels`.
/// The scaling reads the decoded image once, so no full-size RGBA copy is ever made of it.
fn within_pixels(image: &DynamicImage, max_pixels: u64) -> RgbaImage {
    let (width, height) = (image.width(), image.height());
    let pixels = u64::from(width) * u64::from(height);
    if pixels <= max_pixels {
        return image.to_rgba8();
    }
    let scale = (max_pixels as f64 / pixels as f64).sqrt();
    let scaled = |side: u32| ((f64::from(side) * scale).floor() as u32).max(3);
    tracing::info!(
        width,
        height,
        "a sprite larger than the cut-out size is scaled down before its background is removed"
    );
    image.resize_exact(scaled(width), scaled(height), image::imageops::FilterType::Triangle).to_rgba8()
}
