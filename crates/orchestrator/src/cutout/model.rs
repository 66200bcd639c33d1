//! The background model: the colour the page behind a sprite has at every pixel. A smooth
//! quadratic surface is fitted to the border (gradients and vignettes are smooth, an object
//! touching the border is an outlier), then corrected on a coarse grid from the page seen around
//! the object, so the model also holds where the border alone says too little.

use image::RgbaImage;

use super::coarse::{CoarsePage, find_coarse_page};
use super::{Rgb, plain_distance};

/// The smallest tolerance (Euclidean RGB distance) around the model: compression and rounding
/// move a clean page by a few levels, so a tighter one would cut the page into specks.
const MIN_TOLERANCE: f32 = 18.0;
/// A border noisier than this is texture, not a page.
const MAX_TOLERANCE: f32 = 60.0;
/// Gaussian noise of spread σ per channel has a residual norm with median ≈ 1.54 σ; 2.7 times
/// the median keeps all but about one pixel in a thousand of a noisy page.
const TOLERANCE_PER_MEDIAN: f32 = 2.7;
/// The share of border samples the model must explain, overall and on every side: a scene's
/// ground or a cropped object fills a whole side, a sprite's page surrounds it.
const PLAIN_BORDER_SHARE: f32 = 0.75;
const PLAIN_SIDE_SHARE: f32 = 0.5;
/// How many border samples the fit uses at most (spread evenly along the border).
const BORDER_SAMPLES: usize = 4096;
/// The grid that corrects the surface has about this many cells along the long side.
const GRID_CELLS: u32 = 32;
/// A page lighter than its model by this share, in the same hue, is still page: the model dips
/// where it learned from the edge of a shadow.
const SHADOW_CEILING: f32 = 1.15;
/// The grid is estimated from every this many pixels of every this many rows.
const REFINE_STRIDE: usize = 4;
/// A darker copy of the page down to this share of its brightness may be a cast shadow.
const SHADOW_FLOOR: f32 = 0.5;

/// The page behind a sprite, with the tolerance its noise calls for.
pub(super) struct BackgroundModel {
    surface: Surface,
    /// Corrections to the surface at the cell centres, row by row.
    offsets: Vec<Rgb>,
    columns: usize,
    rows: usize,
    cell: f32,
    /// For every pixel column, the grid columns around it and the weight of the right one.
    column_weights: Vec<(usize, usize, f32)>,
    /// How far a page pixel may be from the model (Euclidean RGB).
    pub(super) tolerance: f32,
}

impl BackgroundModel {
    /// The model of the page, or `None` when the border shows no page (a scene, a texture, an
    /// object cut off on a whole side).
    pub(super) fn from_border(image: &RgbaImage) -> Option<Self> {
        let (width, height) = image.dimensions();
        let samples = border_samples(image);
        let mut inliers = vec![true; samples.len()];
        let mut surface = Surface::flat([0.0; 3], width, height);
        let mut tolerance = MIN_TOLERANCE;
        // Refit a few times on the samples the previous fit explains: the object's share of the
        // border stops pulling the surface once it is recognised as an outlier.
        for _ in 0..4 {
            surface = Surface::fit(&samples, &inliers, width, height)?;
            let residuals: Vec<f32> = samples.iter().map(|s| plain_distance(s.colour, surface.at(s.x, s.y))).collect();
            let mut kept: Vec<f32> =
                residuals.iter().zip(&inliers).filter(|(_, inlier)| **inlier).map(|(r, _)| *r).collect();
            if kept.is_empty() {
                return None;
            }
            let middle = kept.len() / 2;
            let median = *kept.select_nth_unstable_by(middle, f32::total_cmp).1;
            tolerance = (median * TOLERANCE_PER_MEDIAN).max(MIN_TOLERANCE);
            for (inlier, residual) in inliers.iter_mut().zip(&residuals) {
                *inlier = *residual <= tolerance;
            }
        }
        let mut explained = [0usize; 4];
        let mut on_side = [0usize; 4];
        for (sample, inlier) in samples.iter().zip(&inliers) {
            on_side[sample.side] += 1;
            explained[sample.side] += usize::from(*inlier);
        }
        let share = explained.iter().sum::<usize>() as f32 / samples.len() as f32;
        let every_side = explained.iter().zip(&on_side).all(|(e, n)| *e as f32 >= *n as f32 * PLAIN_SIDE_SHARE);
        if tolerance > MAX_TOLERANCE || share < PLAIN_BORDER_SHARE || !every_side {
            return None;
        }
        let cell = (width.max(height).div_ceil(GRID_CELLS)).max(8);
        let columns = width.div_ceil(cell) as usize;
        let rows = height.div_ceil(cell) as usize;
        let mut model = BackgroundModel {
            surface,
            offsets: vec![[0.0; 3]; columns * rows],
            columns,
            rows,
            cell: cell as f32,
            column_weights: Vec::new(),
            tolerance,
        };
        model.column_weights = (0..width).map(|x| model.grid_position(x as f32, columns)).collect();
        // A loose first pass over the coarse page connected to the border finds where the
        // surface is off (the middle of a vignette); a tight second one over every pixel near
        // that model sharpens it.
        let coarse = find_coarse_page(image, |x, y| model.surface.at(x, y), tolerance + 30.0, tolerance);
        model.learn_from_coarse(&coarse, width, height);
        model.refine(image, tolerance * 1.5);
        Some(model)
    }

    /// The modelled page colour of every pixel of row `y`, into `out`.
    /// `column_offsets` is scratch space, kept by the caller across rows.
    pub(super) fn expected_row(&self, y: u32, out: &mut Vec<Rgb>, column_offsets: &mut Vec<Rgb>) {
        out.clear();
        column_offsets.clear();
        let (top, bottom, t) = self.grid_position(y as f32, self.rows);
        column_offsets.extend(
            (0..self.columns)
                .map(|c| lerp(self.offsets[top * self.columns + c], self.offsets[bottom * self.columns + c], t)),
        );
        let row = self.surface.row(y);
        for (x, &(left, right, s)) in self.column_weights.iter().enumerate() {
            let offset = lerp(column_offsets[left], column_offsets[right], s);
            let base = row.at(x as u32);
            out.push([base[0] + offset[0], base[1] + offset[1], base[2] + offset[2]]);
        }
    }

    /// The modelled page colour at one pixel.
    pub(super) fn expected_at(&self, x: u32, y: u32) -> Rgb {
        let (top, bottom, t) = self.grid_position(y as f32, self.rows);
        let (left, right, s) = self.grid_position(x as f32, self.columns);
        let upper = lerp(self.offsets[top * self.columns + left], self.offsets[top * self.columns + right], s);
        let lower = lerp(self.offsets[bottom * self.columns + left], self.offsets[bottom * self.columns + right], s);
        let offset = lerp(upper, lower, t);
        let base = self.surface.at(x, y);
        [base[0] + offset[0], base[1] + offset[1], base[2] + offset[2]]
    }

    /// The two grid cells around a pixel coordinate and how far it is between their centres.
    fn grid_position(&self, coordinate: f32, cells: usize) -> (usize, usize, f32) {
        let position = (coordinate + 0.5) / self.cell - 0.5;
        let last = cells - 1;
        if position <= 0.0 {
            return (0, 0, 0.0);
        }
        let first = (position.floor() as usize).min(last);
        (first, (first + 1).min(last), position - first as f32)
    }

    /// Estimates the grid corrections from the coarse page's blocks.
    fn learn_from_coarse(&mut self, coarse: &CoarsePage, width: u32, height: u32) {
        let mut sums = vec![[0.0f64; 4]; self.offsets.len()];
        for (index, colour) in coarse.colours.iter().enumerate().filter(|(index, _)| coarse.reached[*index]) {
            let (x, y) = coarse.centre(index, width, height);
            let base = self.surface.at(x, y);
            let sum = &mut sums[(y as f32 / self.cell) as usize * self.columns + (x as f32 / self.cell) as usize];
            for channel in 0..3 {
                sum[channel] += f64::from(colour[channel] - base[channel]);
            }
            sum[3] += 1.0;
        }
        self.set_offsets(&sums, 1.0);
    }

    /// Re-estimates the grid corrections from the pixels within `threshold` of the current
    /// model (every fourth pixel of every fourth row is enough for a smooth correction), and
    /// fills the cells that saw no page (the object's inside) from their neighbours.
    fn refine(&mut self, image: &RgbaImage, threshold: f32) {
        let (width, height) = image.dimensions();
        let mut sums = vec![[0.0f64; 4]; self.offsets.len()];
        let mut expected = Vec::with_capacity(width as usize);
        let mut scratch = Vec::new();
        for y in (0..height).step_by(REFINE_STRIDE) {
            self.expected_row(y, &mut expected, &mut scratch);
            let row = self.surface.row(y);
            let cell_row = (y as f32 / self.cell) as usize * self.columns;
            for x in (0..width).step_by(REFINE_STRIDE) {
                let pixel = colour_at(image, x, y);
                if plain_distance(pixel, expected[x as usize]) > threshold {
                    continue;
                }
                let base = row.at(x);
                let sum = &mut sums[cell_row + (x as f32 / self.cell) as usize];
                for channel in 0..3 {
                    sum[channel] += f64::from(pixel[channel] - base[channel]);
                }
                sum[3] += 1.0;
            }
        }
        self.set_offsets(&sums, 4.0);
    }

    /// Sets each cell's correction to the mean of its samples when it has at least
    /// `min_samples`, and fills the others from their neighbours.
    fn set_offsets(&mut self, sums: &[[f64; 4]], min_samples: f64) {
        let mut known: Vec<Option<Rgb>> = sums
            .iter()
            .map(|s| (s[3] >= min_samples).then(|| [(s[0] / s[3]) as f32, (s[1] / s[3]) as f32, (s[2] / s[3]) as f32]))
            .collect();
        fill_unknown_cells(&mut known, self.columns, self.rows);
        self.offsets = known.into_iter().map(|cell| cell.unwrap_or([0.0; 3])).collect();
    }
}

/// Spreads known cells into unknown ones, ring by ring, as the mean of their known neighbours.
fn fill_unknown_cells(cells: &mut [Option<Rgb>], columns: usize, rows: usize) {
    loop {
        let snapshot = cells.to_vec();
        let mut filled_any = false;
        for row in 0..rows {
            for column in 0..columns {
                if snapshot[row * columns + column].is_some() {
                    continue;
                }
                let mut sum = [0.0; 3];
                let mut count = 0.0;
                for (dr, dc) in [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)] {
                    let (r, c) = (row as isize + dr, column as isize + dc);
                    if r < 0 || c < 0 || r >= rows as isize || c >= columns as isize {
                        continue;
                    }
                    if let Some(value) = snapshot[r as usize * columns + c as usize] {
                        (0..3).for_each(|i| sum[i] += value[i]);
                        count += 1.0;
                    }
                }
                if count > 0.0 {
                    cells[row * columns + column] = Some([sum[0] / count, sum[1] / count, sum[2] / count]);
                    filled_any = true;
                }
            }
        }
        if !filled_any {
            return;
        }
    }
}

/// How bright a pixel is against the page colour (1 the same, 0.5 half as bright).
pub(super) fn brightness_against(pixel: Rgb, expected: Rgb) -> f32 {
    let along = pixel[0] * expected[0] + pixel[1] * expected[1] + pixel[2] * expected[2];
    let length = expected[0] * expected[0] + expected[1] * expected[1] + expected[2] * expected[2];
    if length < 1.0 { 1.0 } else { along / length }
}

/// On a page darker than this (mean channel) a shadow is lost in the noise, and a dark outline
/// would pass for one.
const SHADOW_MIN_PAGE: f32 = 64.0;

/// How far a pixel is from the page colour darkened by a cast shadow: the page scaled down to
/// `SHADOW_FLOOR` of its brightness keeps its hue, so only the distance to that ray counts.
pub(super) fn shadow_distance(pixel: Rgb, expected: Rgb) -> f32 {
    if expected[0] + expected[1] + expected[2] < 3.0 * SHADOW_MIN_PAGE {
        return plain_distance(pixel, expected);
    }
    let scale = brightness_against(pixel, expected).clamp(SHADOW_FLOOR, SHADOW_CEILING);
    plain_distance(pixel, [expected[0] * scale, expected[1] * scale, expected[2] * scale])
}

pub(super) fn colour_at(image: &RgbaImage, x: u32, y: u32) -> Rgb {
    let p = image.get_pixel(x, y).0;
    [f32::from(p[0]), f32::from(p[1]), f32::from(p[2])]
}

fn lerp(a: Rgb, b: Rgb, t: f32) -> Rgb {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

struct BorderSample {
    x: u32,
    y: u32,
    colour: Rgb,
    /// 0 top, 1 bottom, 2 left, 3 right.
    side: usize,
}

fn border_samples(image: &RgbaImage) -> Vec<BorderSample> {
    let (width, height) = image.dimensions();
    let step = ((2 * (width + height)) as usize / BORDER_SAMPLES).max(1);
    let sample = |x: u32, y: u32, side: usize| BorderSample { x, y, colour: colour_at(image, x, y), side };
    let mut samples = Vec::new();
    for x in (0..width).step_by(step) {
        samples.push(sample(x, 0, 0));
        samples.push(sample(x, height - 1, 1));
    }
    for y in (1..height - 1).step_by(step) {
        samples.push(sample(0, y, 2));
        samples.push(sample(width - 1, y, 3));
    }
    samples
}

/// A quadratic colour surface over the image, in coordinates scaled to -0.5..0.5.
struct Surface {
    /// Per channel: constant, u, v, u², v², uv.
    coefficients: [[f32; 6]; 3],
    width: u32,
    height: u32,
}

/// The surface along one row: per channel `a + b u + c u²`.
struct SurfaceRow {
    terms: [[f32; 3]; 3],
    scale: f32,
}

impl SurfaceRow {
    fn at(&self, x: u32) -> Rgb {
        let u = x as f32 * self.scale - 0.5;
        self.terms.map(|[a, b, c]| a + u * (b + u * c))
    }
}

impl Surface {
    fn flat(colour: Rgb, width: u32, height: u32) -> Self {
        Surface { coefficients: colour.map(|c| [c, 0.0, 0.0, 0.0, 0.0, 0.0]), width, height }
    }

    fn row(&self, y: u32) -> SurfaceRow {
        let v = y as f32 / self.height as f32 - 0.5;
        let terms = self.coefficients.map(|k| [k[0] + v * (k[2] + v * k[4]), k[1] + v * k[5], k[3]]);
        SurfaceRow { terms, scale: 1.0 / self.width as f32 }
    }

    fn at(&self, x: u32, y: u32) -> Rgb {
        self.row(y).at(x)
    }

    /// Least squares over the inlier samples (normal equations, solved by elimination).
    fn fit(samples: &[BorderSample], inliers: &[bool], width: u32, height: u32) -> Option<Self> {
        let mut matrix = [[0.0f64; 6]; 6];
        let mut right = [[0.0f64; 3]; 6];
        for sample in samples.iter().zip(inliers).filter(|(_, inlier)| **inlier).map(|(s, _)| s) {
            let u = f64::from(sample.x) / f64::from(width) - 0.5;
            let v = f64::from(sample.y) / f64::from(height) - 0.5;
            let features = [1.0, u, v, u * u, v * v, u * v];
            let colour = sample.colour.map(f64::from);
            for ((matrix_row, right_row), feature) in matrix.iter_mut().zip(right.iter_mut()).zip(features) {
                for (cell, other) in matrix_row.iter_mut().zip(features) {
                    *cell += feature * other;
                }
                for (cell, value) in right_row.iter_mut().zip(colour) {
                    *cell += feature * value;
                }
            }
        }
        let solution = solve(matrix, right)?;
        let mut coefficients = [[0.0f32; 6]; 3];
        for (term, values) in solution.iter().enumerate() {
            for (channel, value) in values.iter().enumerate() {
                coefficients[channel][term] = *value as f32;
            }
        }
        Some(Surface { coefficients, width, height })
    }
}

/// Gaussian elimination with partial pivoting; a small ridge keeps a degenerate fit (a
/// one-pixel-high image) solvable.
fn solve(mut matrix: [[f64; 6]; 6], mut right: [[f64; 3]; 6]) -> Option<[[f64; 3]; 6]> {
    for (i, row) in matrix.iter_mut().enumerate() {
        row[i] += 1e-6;
    }
    for column in 0..6 {
        let pivot = (column..6).max_by(|&a, &b| matrix[a][column].abs().total_cmp(&matrix[b][column].abs()))?;
        if matrix[pivot][column].abs() < 1e-12 {
            return None;
        }
        matrix.swap(column, pivot);
        right.swap(column, pivot);
        for row in 0..6 {
            if row == column {
                continue;
            }
            let factor = matrix[row][column] / matrix[column][column];
            let (pivot_row, pivot_right) = (matrix[column], right[column]);
            for (cell, pivot) in matrix[row].iter_mut().zip(pivot_row).skip(column) {
                *cell -= factor * pivot;
            }
            for (cell, pivot) in right[row].iter_mut().zip(pivot_right) {
                *cell -= factor * pivot;
            }
        }
    }
    Some(std::array::from_fn(|i| right[i].map(|value| value / matrix[i][i])))
}
