//! Which pixels are page: every pixel is compared with the background model, the page is grown
//! from the border, and enclosed pockets of page (a ring's hole, the space inside a handle) are
//! taken out too. Each pixel enters the work stack at most once, so the stack never holds more
//! entries than the image has pixels.

use image::RgbaImage;

use super::model::{BackgroundModel, Rgb, colour_at, plain_distance, shadow_distance};

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
    let step_limit = model.tolerance;
    grow(image, &mut labels, &mut stack, BACKGROUND, step_limit, |_| {});
    remove_holes(image, model, &mut labels, &mut stack);
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
    let pixels = image.as_raw();
    for y in 0..height {
        model.expected_row(y, &mut expected);
        let row = (y * width) as usize;
        for x in 0..width as usize {
            let p = &pixels[(row + x) * 4..(row + x) * 4 + 3];
            let pixel: Rgb = [f32::from(p[0]), f32::from(p[1]), f32::from(p[2])];
            labels[row + x] = if plain_distance(pixel, expected[x]) <= model.tolerance {
                PLAIN
            } else if shadow_distance(pixel, expected[x]) <= model.tolerance {
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
    mut joined: impl FnMut(u32),
) {
    let (width, height) = image.dimensions();
    while let Some(index) = stack.pop() {
        let (x, y) = (index % width, index / width);
        let here = colour_at(image, x, y);
        let neighbours = [
            (x > 0).then(|| index - 1),
            (x + 1 < width).then(|| index + 1),
            (y > 0).then(|| index - width),
            (y + 1 < height).then(|| index + width),
        ];
        for next in neighbours.into_iter().flatten() {
            let label = labels[next as usize];
            let joins = label == PLAIN
                || (label == SHADOWED
                    && plain_distance(colour_at(image, next % width, next / width), here) <= step_limit);
            if joins {
                labels[next as usize] = into;
                stack.push(next);
                joined(next);
            }
        }
    }
}

/// Examines every plain pocket the border fill did not reach; the ones that look like page
/// become page, the others (an object's texture near the page colour) stay object.
fn remove_holes(image: &RgbaImage, model: &BackgroundModel, labels: &mut [u8], stack: &mut Vec<u32>) {
    let width = image.width();
    let mut members: Vec<u32> = Vec::new();
    for start in 0..labels.len() {
        if labels[start] != PLAIN {
            continue;
        }
        members.clear();
        labels[start] = POCKET;
        members.push(start as u32);
        stack.push(start as u32);
        grow(image, labels, stack, POCKET, model.tolerance, |index| members.push(index));
        let mut distance_sum = 0.0;
        for &index in &members {
            let (x, y) = (index % width, index / width);
            distance_sum += shadow_distance(colour_at(image, x, y), model.expected_at(x, y));
        }
        let mean_distance = distance_sum / members.len() as f32;
        let is_hole = members.len() >= MIN_HOLE_PIXELS && mean_distance <= model.tolerance * HOLE_MEAN_SHARE;
        let label = if is_hole { BACKGROUND } else { FOREGROUND };
        for &index in &members {
            labels[index as usize] = label;
        }
    }
}
