//! A first, coarse look at the page: the image averaged down to about 256 pixels on its long side
//! (which also averages the noise away) and filled from the border across small steps only, so
//! the background model learns from page that is connected to the border and never from the
//! inside of an object whose colour is near the page's.

use image::RgbaImage;

use super::{Rgb, four_neighbours, plain_distance};

/// The long side of the coarse image, in blocks.
const COARSE_SIDE: u32 = 256;

/// The blocks of the coarse image that are page, with their mean colours.
pub(super) struct CoarsePage {
    /// The side of a block, in pixels.
    pub(super) block: u32,
    pub(super) columns: u32,
    pub(super) colours: Vec<Rgb>,
    pub(super) reached: Vec<bool>,
}

impl CoarsePage {
    /// The centre of a block, in image pixels.
    pub(super) fn centre(&self, index: usize, width: u32, height: u32) -> (u32, u32) {
        let (column, row) = (index as u32 % self.columns, index as u32 / self.columns);
        ((column * self.block + self.block / 2).min(width - 1), (row * self.block + self.block / 2).min(height - 1))
    }
}

/// Averages `image` into blocks and fills from the border: a block joins when it is within
/// `threshold` of `expected` at its centre and within `step_limit` of the block it is reached
/// from. Shadows stay out: the model is the unshadowed page, and shadows are judged against it.
pub(super) fn find_coarse_page(
    image: &RgbaImage,
    expected: impl Fn(u32, u32) -> Rgb,
    threshold: f32,
    step_limit: f32,
) -> CoarsePage {
    let (width, height) = image.dimensions();
    let block = width.max(height).div_ceil(COARSE_SIDE).max(1);
    let (columns, rows) = (width.div_ceil(block), height.div_ceil(block));
    let mut sums = vec![[0.0f32; 4]; (columns * rows) as usize];
    for (y, row) in image.as_raw().chunks_exact(width as usize * 4).enumerate() {
        let base = (y as u32 / block * columns) as usize;
        for (x, pixel) in row.chunks_exact(4).enumerate() {
            let sum = &mut sums[base + x / block as usize];
            sum[0] += f32::from(pixel[0]);
            sum[1] += f32::from(pixel[1]);
            sum[2] += f32::from(pixel[2]);
            sum[3] += 1.0;
        }
    }
    let colours: Vec<Rgb> = sums.iter().map(|s| [s[0] / s[3], s[1] / s[3], s[2] / s[3]]).collect();
    let mut page = CoarsePage { block, columns, colours, reached: vec![false; sums.len()] };
    let candidate: Vec<bool> = (0..page.colours.len())
        .map(|index| {
            let (x, y) = page.centre(index, width, height);
            plain_distance(page.colours[index], expected(x, y)) <= threshold
        })
        .collect();
    let mut stack: Vec<u32> = Vec::new();
    for index in 0..candidate.len() as u32 {
        let (column, row) = (index % columns, index / columns);
        let on_border = column == 0 || row == 0 || column + 1 == columns || row + 1 == rows;
        if on_border && candidate[index as usize] {
            page.reached[index as usize] = true;
            stack.push(index);
        }
    }
    while let Some(index) = stack.pop() {
        for next in four_neighbours(index, columns, rows).into_iter().flatten() {
            let next_index = next as usize;
            if page.reached[next_index] || !candidate[next_index] {
                continue;
            }
            if plain_distance(page.colours[next_index], page.colours[index as usize]) <= step_limit {
                page.reached[next_index] = true;
                stack.push(next);
            }
        }
    }
    page
}
