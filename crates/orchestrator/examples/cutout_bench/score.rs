//! The scorer: how close a cut-out's alpha is to the truth, and what it cost.

/// The figures of one cut-out of one image.
#[derive(Debug, Clone, Copy, Default)]
pub struct Score {
    /// Intersection over union of the opaque regions (alpha ≥ 0.5).
    pub iou: f64,
    /// Mean absolute alpha error over the whole image.
    pub alpha_error: f64,
    /// Mean absolute alpha error within 3 px of the true edge.
    pub edge_error: f64,
    /// Enclosed background holes in the truth, and how many the cut-out removed.
    pub holes: usize,
    pub holes_removed: usize,
}

/// Pixels this close (any direction) to the true edge form the edge band.
const EDGE_BAND: usize = 3;
/// Enclosed regions smaller than this are gaps between anti-aliased strokes, not holes.
const MIN_HOLE: usize = 16;
/// A hole counts as removed when this share of it is transparent.
const HOLE_REMOVED_SHARE: f64 = 0.9;

/// Scores `predicted` (alpha 0..=1 per pixel) against `truth` on a square of `side`.
pub fn score(truth: &[f32], predicted: &[f32], side: usize) -> Score {
    let opaque = |a: f32| a >= 0.5;
    let (mut both, mut either) = (0usize, 0usize);
    let mut error_sum = 0.0f64;
    for (t, p) in truth.iter().zip(predicted) {
        both += usize::from(opaque(*t) && opaque(*p));
        either += usize::from(opaque(*t) || opaque(*p));
        error_sum += f64::from((t - p).abs());
    }
    let band = edge_band(truth, side);
    let (mut band_sum, mut band_count) = (0.0f64, 0usize);
    for ((t, p), in_band) in truth.iter().zip(predicted).zip(&band) {
        if *in_band {
            band_sum += f64::from((t - p).abs());
            band_count += 1;
        }
    }
    let holes = enclosed_holes(truth, side);
    let holes_removed = holes
        .iter()
        .filter(|hole| {
            let clear = hole.iter().filter(|&&index| !opaque(predicted[index as usize])).count();
            clear as f64 >= hole.len() as f64 * HOLE_REMOVED_SHARE
        })
        .count();
    Score {
        iou: if either == 0 { 1.0 } else { both as f64 / either as f64 },
        alpha_error: error_sum / truth.len() as f64,
        edge_error: if band_count == 0 { 0.0 } else { band_sum / band_count as f64 },
        holes: holes.len(),
        holes_removed,
    }
}

/// Pixels within `EDGE_BAND` of an edge pixel: partly covered, or opaque beside transparent.
fn edge_band(truth: &[f32], side: usize) -> Vec<bool> {
    let opaque = |index: usize| truth[index] >= 0.5;
    let mut edge = vec![false; truth.len()];
    for y in 0..side {
        for x in 0..side {
            let index = y * side + x;
            let partial = truth[index] > 0.0 && truth[index] < 1.0;
            let boundary = (x + 1 < side && opaque(index) != opaque(index + 1))
                || (y + 1 < side && opaque(index) != opaque(index + side));
            edge[index] = partial || boundary;
        }
    }
    // Dilate along rows, then along columns.
    let mut rows = vec![false; truth.len()];
    for y in 0..side {
        for x in 0..side {
            let (low, high) = (x.saturating_sub(EDGE_BAND), (x + EDGE_BAND).min(side - 1));
            rows[y * side + x] = (low..=high).any(|i| edge[y * side + i]);
        }
    }
    let mut band = vec![false; truth.len()];
    for y in 0..side {
        for x in 0..side {
            let (low, high) = (y.saturating_sub(EDGE_BAND), (y + EDGE_BAND).min(side - 1));
            band[y * side + x] = (low..=high).any(|j| rows[j * side + x]);
        }
    }
    band
}

/// The transparent regions of the truth that do not reach the border, as pixel lists.
fn enclosed_holes(truth: &[f32], side: usize) -> Vec<Vec<u32>> {
    let clear = |index: usize| truth[index] < 0.5;
    let mut seen = vec![false; truth.len()];
    let mut stack = Vec::new();
    let mut fill = |start: usize, seen: &mut Vec<bool>| -> (Vec<u32>, bool) {
        let mut members = Vec::new();
        let mut touches_border = false;
        seen[start] = true;
        stack.push(start);
        while let Some(index) = stack.pop() {
            members.push(index as u32);
            let (x, y) = (index % side, index / side);
            touches_border |= x == 0 || y == 0 || x == side - 1 || y == side - 1;
            let neighbours = [
                (x > 0).then(|| index - 1),
                (x + 1 < side).then(|| index + 1),
                (y > 0).then(|| index - side),
                (y + 1 < side).then(|| index + side),
            ];
            for next in neighbours.into_iter().flatten() {
                if !seen[next] && clear(next) {
                    seen[next] = true;
                    stack.push(next);
                }
            }
        }
        (members, touches_border)
    };
    let mut holes = Vec::new();
    for start in 0..truth.len() {
        if seen[start] || !clear(start) {
            continue;
        }
        let (members, touches_border) = fill(start, &mut seen);
        if !touches_border && members.len() >= MIN_HOLE {
            holes.push(members);
        }
    }
    holes
}
