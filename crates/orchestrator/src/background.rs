//! Background removal for item and character sprites (docs/render.md §4): the entry point the image
//! store calls. The cut-out itself lives in `cutout/`.

use image::{DynamicImage, RgbaImage};

/// The image with its background transparent, or `None` when the border shows no plain
/// background to remove.
pub fn remove_background(image: &DynamicImage) -> Option<RgbaImage> {
    crate::cutout::cut_out(image)
}
