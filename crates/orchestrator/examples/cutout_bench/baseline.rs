//! The cut-out the server used before this benchmark existed, kept as the baseline the new one
//! is measured against: the dominant border colour flood-filled inward within a fixed tolerance,
//! binary alpha with one softened ring of 160.

use image::{DynamicImage, Rgba, RgbaImage};

/// How far (sum of channel differences) a pixel may be from the background colour and still be
/// background. Wide enough for compression noise, narrow enough to stop at an outline.
const TOLERANCE: u32 = 48;

/// The share of border pixels that must be the background colour for the background to count
/// as plain.
const PLAIN_BORDER_SHARE: f64 = 0.6;

/// The alpha given to foreground pixels that touch the removed background: a soft edge.
const EDGE_ALPHA: u8 = 160;

/// The image with its background transparent, or `None` when the border shows no plain
/// background to remove.
pub fn cut_out(image: &DynamicImage) -> Option<RgbaImage> {
    let mut rgba = image.to_rgba8();
    let (width, height) = rgba.dimensions();
    if width < 3 || height < 3 {
        return None;
    }
    let background = dominant_border_colour(&rgba)?;
    let is_background_colour = |pixel: &Rgba<u8>| distance(pixel, &background) <= TOLERANCE;

    let index = |x: u32, y: u32| (y * width + x) as usize;
    let mut is_background = vec![false; (width * height) as usize];
    let mut stack: Vec<(u32, u32)> = border_pixels(width, height).collect();
    while let Some((x, y)) = stack.pop() {
        if is_background[index(x, y)] || !is_background_colour(rgba.get_pixel(x, y)) {
            continue;
        }
        is_background[index(x, y)] = true;
        if x > 0 {
            stack.push((x - 1, y));
        }
        if y > 0 {
            stack.push((x, y - 1));
        }
        if x + 1 < width {
            stack.push((x + 1, y));
        }
        if y + 1 < height {
            stack.push((x, y + 1));
        }
    }
    for y in 0..height {
        for x in 0..width {
            if is_background[index(x, y)] {
                rgba.get_pixel_mut(x, y).0[3] = 0;
            } else if touches_background(&is_background, width, height, x, y) {
                let alpha = &mut rgba.get_pixel_mut(x, y).0[3];
                *alpha = (*alpha).min(EDGE_ALPHA);
            }
        }
    }
    Some(rgba)
}

fn distance(a: &Rgba<u8>, b: &Rgba<u8>) -> u32 {
    a.0.iter().zip(b.0.iter()).take(3).map(|(x, y)| u32::from(x.abs_diff(*y))).sum()
}

fn border_pixels(width: u32, height: u32) -> impl Iterator<Item = (u32, u32)> {
    let rows = (0..width).flat_map(move |x| [(x, 0), (x, height - 1)]);
    let columns = (1..height - 1).flat_map(move |y| [(0, y), (width - 1, y)]);
    rows.chain(columns)
}

/// The colour most border pixels share, if enough of them share it.
fn dominant_border_colour(image: &RgbaImage) -> Option<Rgba<u8>> {
    let (width, height) = image.dimensions();
    let border: Vec<Rgba<u8>> = border_pixels(width, height).map(|(x, y)| *image.get_pixel(x, y)).collect();
    // Candidates are sampled along the border; the best is the one most others are close to.
    let step = (border.len() / 64).max(1);
    let (best, matches) = border
        .iter()
        .step_by(step)
        .map(|candidate| (candidate, border.iter().filter(|p| distance(p, candidate) <= TOLERANCE).count()))
        .max_by_key(|&(_, matches)| matches)?;
    (matches as f64 >= border.len() as f64 * PLAIN_BORDER_SHARE).then_some(*best)
}

fn touches_background(is_background: &[bool], width: u32, height: u32, x: u32, y: u32) -> bool {
    let at = |x: u32, y: u32| is_background[(y * width + x) as usize];
    (x > 0 && at(x - 1, y))
        || (y > 0 && at(x, y - 1))
        || (x + 1 < width && at(x + 1, y))
        || (y + 1 < height && at(x, y + 1))
}
