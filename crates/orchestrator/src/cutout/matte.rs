//! The soft edge: pixels of the object that touch the page get an alpha from how far their
//! colour has moved from the local page colour towards the local object colour, and their colour
//! is decontaminated (the page's share taken out), so a light page leaves no light halo when
//! the sprite is drawn on a dark one.

use image::RgbaImage;

use super::model::colour_at;
use super::regions::BACKGROUND;
use super::{Rgb, plain_distance};

/// Object pixels this close (in pixels, any direction) to the page are edge pixels.
const EDGE_REACH: i64 = 1;
/// Page and object colours of an edge pixel are averaged over this reach around it.
const WINDOW_REACH: i64 = 2;
/// A local object colour this many tolerances away from the page is trusted for the alpha;
/// closer, the "object" is a speck of noise and fades out.
const TRUSTED_CONTRAST: f32 = 3.0;

/// Sets the alpha of `image` from the page labels: page transparent, object opaque, edge soft.
pub(super) fn apply(image: &mut RgbaImage, labels: &[u8], tolerance: f32) {
    let (width, height) = image.dimensions();
    let at = |x: i64, y: i64| (y * i64::from(width) + x) as usize;
    let inside = |x: i64, y: i64| x >= 0 && y >= 0 && x < i64::from(width) && y < i64::from(height);
    let mut edge = vec![false; labels.len()];
    let mut edge_pixels = Vec::new();
    for y in 0..i64::from(height) {
        for x in 0..i64::from(width) {
            if labels[at(x, y)] == BACKGROUND {
                continue;
            }
            let near_page = (-EDGE_REACH..=EDGE_REACH).any(|dy| {
                (-EDGE_REACH..=EDGE_REACH).any(|dx| inside(x + dx, y + dy) && labels[at(x + dx, y + dy)] == BACKGROUND)
            });
            if near_page {
                edge[at(x, y)] = true;
                edge_pixels.push((x, y));
            }
        }
    }
    let mut alphas = Vec::with_capacity(edge_pixels.len());
    for &(x, y) in &edge_pixels {
        let mut page = ([0.0f32; 3], 0.0f32);
        let mut object = ([0.0f32; 3], 0.0f32);
        let mut farthest: Option<Rgb> = None;
        let mut pixels_around = Vec::with_capacity(25);
        for dy in -WINDOW_REACH..=WINDOW_REACH {
            for dx in -WINDOW_REACH..=WINDOW_REACH {
                let (nx, ny) = (x + dx, y + dy);
                if !inside(nx, ny) {
                    continue;
                }
                let colour = colour_at(image, nx as u32, ny as u32);
                let index = at(nx, ny);
                if labels[index] == BACKGROUND {
                    add(&mut page, colour);
                } else if !edge[index] {
                    add(&mut object, colour);
                } else {
                    pixels_around.push(colour);
                }
            }
        }
        let here = colour_at(image, x as u32, y as u32);
        let alpha = if page.1 == 0.0 {
            (1.0, None)
        } else {
            let page_colour = mean(page);
            let (object_colour, trusted) = if object.1 > 0.0 {
                (mean(object), true)
            } else {
                // A hairline has no inside: its own strongest pixel stands for the object.
                for colour in &pixels_around {
                    if farthest.is_none_or(|f| plain_distance(*colour, page_colour) > plain_distance(f, page_colour)) {
                        farthest = Some(*colour);
                    }
                }
                let far = farthest.unwrap_or(here);
                (far, plain_distance(far, page_colour) >= tolerance * TRUSTED_CONTRAST)
            };
            let alpha = if trusted {
                project(here, page_colour, object_colour)
            } else {
                ((plain_distance(here, page_colour) - tolerance) / (2.0 * tolerance)).clamp(0.0, 1.0)
            };
            (alpha, decontaminate(here, page_colour, alpha))
        };
        alphas.push(alpha);
    }
    for (pixel, label) in image.pixels_mut().zip(labels) {
        if *label == BACKGROUND {
            pixel.0[3] = 0;
        }
    }
    // Written only now, so every edge pixel was judged on the colours as they came.
    for (&(x, y), (alpha, object_colour)) in edge_pixels.iter().zip(alphas) {
        let pixel = image.get_pixel_mut(x as u32, y as u32);
        pixel.0[3] = (f32::from(pixel.0[3]) * alpha).round() as u8;
        if let Some(colour) = object_colour {
            pixel.0[..3].copy_from_slice(&colour);
        }
    }
}

/// Where `colour` lies on the line from `page` (0) to `object` (1).
fn project(colour: Rgb, page: Rgb, object: Rgb) -> f32 {
    let span = [object[0] - page[0], object[1] - page[1], object[2] - page[2]];
    let length = span[0] * span[0] + span[1] * span[1] + span[2] * span[2];
    if length < 1.0 {
        return 1.0;
    }
    let along = (colour[0] - page[0]) * span[0] + (colour[1] - page[1]) * span[1] + (colour[2] - page[2]) * span[2];
    (along / length).clamp(0.0, 1.0)
}

/// Takes the page's share out of an edge pixel's colour: observed = alpha·object +
/// (1 − alpha)·page, so object = page + (observed − page) / alpha.
fn decontaminate(observed: Rgb, page: Rgb, alpha: f32) -> Option<[u8; 3]> {
    // Below this the pixel is nearly invisible and the division would only amplify noise.
    if alpha < 0.05 {
        return None;
    }
    Some([0, 1, 2].map(|c| (page[c] + (observed[c] - page[c]) / alpha).round().clamp(0.0, 255.0) as u8))
}

fn add(sum: &mut (Rgb, f32), colour: Rgb) {
    (0..3).for_each(|i| sum.0[i] += colour[i]);
    sum.1 += 1.0;
}

fn mean(sum: (Rgb, f32)) -> Rgb {
    [sum.0[0] / sum.1, sum.0[1] / sum.1, sum.0[2] / sum.1]
}
