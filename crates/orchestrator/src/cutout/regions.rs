//! Which pixels are page: every pixel is compared with the background model, the page is grown
//! from the border, and enclosed pockets of page (a ring's hole, the space inside a handle) are
//! taken out too. Each pixel enters the work stack at most once, so the stack never holds more
//! entries than the image has pixels.

use image::RgbaImage;

use super::model::{BackgroundModel, brightness_against, colour_at, shadow_distance};
use super::{Rgb, four_neighbours, plain_distance, squared_distance};

/// Not page.
pub(super) const FOREGROUND: u8 = 0;
/// Within tolerance of the page colour, not yet known to be connected to the page.
const PLAIN: u8 = 1;
/// Within tolerance of the page darkened by a shadow, not yet connected.
const SHADOWED: u8 = 2;
/// Page, to be made transparent.
pub(super) const BACKGROUND: u8 = 3;
/// Part of an enclosed pocket under examination.
const POCKET: u8 = 4;

/// Enclosed pockets smaller than this are texture, not holes.
const MIN_HOLE_PIXELS: usize = 24;
/// A pocket is a hole when its pixels are on average this close to the page (as a share of the
/// tolerance): real page sits near the model, an object's texture only brushes its tolerance.
const HOLE_MEAN_SHARE: f32 = 0.6;
/// A pocket wholly in shadow may be this much darker (as a brightness share) than the darkest
/// shadow seen on the open page and still be page.
const POCKET_SHADOW_SLACK: f32 = 0.05;

/// The page of `image` as labels (`BACKGROUND` or `FOREGROUND`), one per pixel.
pub(super) fn find_page(image: &RgbaImage, model: &BackgroundModel) -> Vec<u8> {
    let (width, height) = image.dimensions();
    let mut labels = classify(image, model);
    let mut stack = Vec::new();
    let border =
        (0..width).flat_map(|x| [(x, 0), (x, height - 1)]).chain((0..height).flat_map(|y| [(0, y), (width - 1, y)]));
    for (x, y) in border {
        let index = (y * width + x) as usize;
        if labels[index] == PLAIN {
            labels[index] = BACKGROUND;
            stack.push(index as u32);
        }
    }
    // The darkest shadow the open page shows: a pocket seen through the object may be as dark.
    let mut darkest_shadow = f32::INFINITY;
    grow(image, &mut labels, &mut stack, BACKGROUND, model.tolerance, |index, was| {
        if was == SHADOWED {
            darkest_shadow = darkest_shadow.min(brightness_at(image, model, index));
        }
    });
    remove_holes(image, model, &mut labels, &mut stack, darkest_shadow);
    for label in &mut labels {
        if *label != BACKGROUND {
            *label = FOREGROUND;
        }
    }
    labels
}

/// Labels every pixel `PLAIN`, `SHADOWED` or `FOREGROUND` against the model.
fn classify(image: &RgbaImage, model: &BackgroundModel) -> Vec<u8> {
    let (width, height) = image.dimensions();
    let mut labels = vec![FOREGROUND; (width * height) as usize];
    let mut expected = Vec::with_capacity(width as usize);
    let mut scratch = Vec::new();
    let pixels = image.as_raw();
    let squared_tolerance = model.tolerance * model.tolerance;
    for y in 0..height {
        model.expected_row(y, &mut expected, &mut scratch);
        let row = (y * width) as usize;
        let row_pixels = &pixels[row * 4..(row + width as usize) * 4];
        for ((label, p), expected) in
            labels[row..row + width as usize].iter_mut().zip(row_pixels.chunks_exact(4)).zip(&expected)
        {
            let pixel: Rgb = [f32::from(p[0]), f32::from(p[1]), f32::from(p[2])];
            *label = if squared_distance(pixel, *expected) <= squared_tolerance {
                PLAIN
            } else if shadow_distance(pixel, *expected) <= model.tolerance {
                SHADOWED
            } else {
                FOREGROUND
            };
        }
    }
    labels
}

/// Grows `into` from the pixels on the stack: a plain neighbour always joins, a shadowed one
/// only across a small colour step, because a cast shadow fades in smoothly while a grey object
/// on a white page (the same hue, darker) starts at a sharp edge.
fn grow(
    image: &RgbaImage,
    labels: &mut [u8],
    stack: &mut Vec<u32>,
    into: u8,
    step_limit: f32,
    mut joined: impl FnMut(u32, u8),
) {
    let (width, height) = image.dimensions();
    while let Some(index) = stack.pop() {
        let (x, y) = (index % width, index / width);
        let neighbours = four_neighbours(index, width, height);
        // Read only when a shadowed neighbour needs the step: most of the page is plain.
        let mut here: Option<Rgb> = None;
        for next in neighbours.into_iter().flatten() {
            let label = labels[next as usize];
            let joins = label == PLAIN
                || (label == SHADOWED && {
                    let here = *here.get_or_insert_with(|| colour_at(image, x, y));
                    plain_distance(colour_at(image, next % width, next / width), here) <= step_limit
                });
            if joins {
                labels[next as usize] = into;
                stack.push(next);
                joined(next, label);
            }
        }
    }
}

/// Examines every pocket of page colour the border fill did not reach. One that holds plain page
/// and sits close to the model is a hole. One wholly in shadow is a hole only when the object
/// encloses it (a grey object beside the page touches the page across its sharp edge) and it is
/// no darker than the shadows on the open page. The others stay object.
fn remove_holes(
    image: &RgbaImage,
    model: &BackgroundModel,
    labels: &mut [u8],
    stack: &mut Vec<u32>,
    darkest_shadow: f32,
) {
    let (width, height) = image.dimensions();
    let mut members: Vec<u32> = Vec::new();
    for start in 0..labels.len() {
        if labels[start] != PLAIN && labels[start] != SHADOWED {
            continue;
        }
        members.clear();
        let mut holds_plain = labels[start] == PLAIN;
        labels[start] = POCKET;
        members.push(start as u32);
        stack.push(start as u32);
        grow(image, labels, stack, POCKET, model.tolerance, |index, was| {
            members.push(index);
            holds_plain |= was == PLAIN;
        });
        let is_hole = members.len() >= MIN_HOLE_PIXELS && {
            let (mut distance_sum, mut brightness_sum, mut touches_page) = (0.0, 0.0, false);
            for &index in &members {
                let (x, y) = (index % width, index / width);
                let (pixel, expected) = (colour_at(image, x, y), model.expected_at(x, y));
                distance_sum += shadow_distance(pixel, expected);
                brightness_sum += brightness_against(pixel, expected);
                touches_page |= (x > 0 && labels[index as usize - 1] == BACKGROUND)
                    || (x + 1 < width && labels[index as usize + 1] == BACKGROUND)
                    || (y > 0 && labels[(index - width) as usize] == BACKGROUND)
                    || (y + 1 < height && labels[(index + width) as usize] == BACKGROUND);
            }
            let count = members.len() as f32;
            let close = distance_sum / count <= model.tolerance * HOLE_MEAN_SHARE;
            let shadow_like = !touches_page && brightness_sum / count >= darkest_shadow - POCKET_SHADOW_SLACK;
            close && (holds_plain || shadow_like)
        };
        let label = if is_hole { BACKGROUND } else { FOREGROUND };
        for &index in &members {
            labels[index as usize] = label;
        }
    }
}

fn brightness_at(image: &RgbaImage, model: &BackgroundModel, index: u32) -> f32 {
    let (x, y) = (index % image.width(), index / image.width());
    brightness_against(colour_at(image, x, y), model.expected_at(x, y))
}
