//! The ground-truth set: sprites with known alpha, composed deterministically from a seed. Each
//! object mixes thin parts, holes (a ring, a handle, a punched bead hole) and a hairline with
//! anti-aliased edges and a shaded, textured fill (sometimes close in colour to the page), over
//! one of five page kinds, with or without a soft drop shadow, encoded as PNG or JPEG (q75).

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageFormat, RgbImage};

/// The kinds of page behind a sprite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Flat,
    Linear,
    Radial,
    Vignette,
    Noisy,
}

impl Page {
    pub const ALL: [Page; 5] = [Page::Flat, Page::Linear, Page::Radial, Page::Vignette, Page::Noisy];

    pub fn name(self) -> &'static str {
        match self {
            Page::Flat => "flat",
            Page::Linear => "linear gradient",
            Page::Radial => "radial gradient",
            Page::Vignette => "vignette",
            Page::Noisy => "noisy",
        }
    }
}

/// What one image of the set is made of.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub page: Page,
    pub shadow: bool,
    pub jpeg: bool,
    pub side: u32,
    pub seed: u64,
}

/// One image of the set: its encoded bytes and the true alpha (0..=1) of every pixel.
pub struct Sample {
    pub spec: Spec,
    pub bytes: Vec<u8>,
    pub truth: Vec<f32>,
}

/// The whole set, as specs: every page kind with and without shadow, as PNG and JPEG,
/// `per_variant` seeds each, alternately 1024 and 512 pixels square.
pub fn specs(per_variant: usize) -> Vec<Spec> {
    let mut specs = Vec::new();
    for page in Page::ALL {
        for (shadow, jpeg) in [(false, false), (false, true), (true, false), (true, true)] {
            for index in 0..per_variant {
                let side = if index % 2 == 0 { 1024 } else { 512 };
                // The same object appears in all four variants of a page kind.
                let seed = (page as u64) << 32 | index as u64;
                specs.push(Spec { page, shadow, jpeg, side, seed });
            }
        }
    }
    specs
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }

    fn range(&mut self, low: f32, high: f32) -> f32 {
        low + (high - low) * self.unit()
    }

    fn chance(&mut self, p: f32) -> bool {
        self.unit() < p
    }

    /// A standard normal deviate (Box–Muller).
    fn normal(&mut self) -> f32 {
        let u = self.unit().max(1e-7);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
    }
}

type Rgb = [f32; 3];

/// A page colour: mostly light, sometimes mid-tone or dark, as image models paint them.
fn page_colour(rng: &mut Rng) -> Rgb {
    let base = match rng.next() % 6 {
        0..=2 => rng.range(215.0, 250.0),
        3 | 4 => rng.range(120.0, 190.0),
        _ => rng.range(20.0, 55.0),
    };
    [0, 1, 2].map(|_| (base + rng.range(-14.0, 14.0)).clamp(0.0, 255.0))
}

/// The page without shadow or noise, as a function of the pixel.
struct Backdrop {
    page: Page,
    first: Rgb,
    second: Rgb,
    centre: (f32, f32),
    direction: (f32, f32),
    strength: f32,
    side: f32,
}

impl Backdrop {
    fn new(page: Page, side: f32, rng: &mut Rng) -> Self {
        let first = page_colour(rng);
        let second = first.map(|c| (c + rng.range(-55.0, 55.0)).clamp(0.0, 255.0));
        let angle = rng.range(0.0, std::f32::consts::TAU);
        Backdrop {
            page,
            first,
            second,
            centre: (side * rng.range(0.35, 0.65), side * rng.range(0.35, 0.65)),
            direction: (angle.cos(), angle.sin()),
            strength: rng.range(0.25, 0.45),
            side,
        }
    }

    fn at(&self, x: f32, y: f32) -> Rgb {
        let (u, v) = (x / self.side - 0.5, y / self.side - 0.5);
        match self.page {
            Page::Flat | Page::Noisy => self.first,
            Page::Linear => mix(self.first, self.second, (u * self.direction.0 + v * self.direction.1) / 1.42 + 0.5),
            Page::Radial => {
                let r = ((x - self.centre.0).hypot(y - self.centre.1) / (self.side * 0.9)).min(1.0);
                mix(self.first, self.second, r)
            }
            Page::Vignette => {
                let r = (u.hypot(v) / std::f32::consts::FRAC_1_SQRT_2).min(1.0);
                let t = ((r - 0.35) / 0.65).clamp(0.0, 1.0);
                let fade = 1.0 - self.strength * t * t * (3.0 - 2.0 * t);
                self.first.map(|c| c * fade)
            }
        }
    }
}

fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    let t = t.clamp(0.0, 1.0);
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

/// Signed distances in pixels (negative inside).
fn disc(x: f32, y: f32, cx: f32, cy: f32, r: f32) -> f32 {
    (x - cx).hypot(y - cy) - r
}

fn ring(x: f32, y: f32, cx: f32, cy: f32, r: f32, thickness: f32) -> f32 {
    ((x - cx).hypot(y - cy) - r).abs() - thickness / 2.0
}

fn rounded_box(x: f32, y: f32, cx: f32, cy: f32, half: (f32, f32), corner: f32) -> f32 {
    let qx = (x - cx).abs() - half.0 + corner;
    let qy = (y - cy).abs() - half.1 + corner;
    qx.max(0.0).hypot(qy.max(0.0)) + qx.max(qy).min(0.0) - corner
}

fn segment(x: f32, y: f32, a: (f32, f32), b: (f32, f32), r: f32) -> f32 {
    let (px, py, bx, by) = (x - a.0, y - a.1, b.0 - a.0, b.1 - a.1);
    let t = ((px * bx + py * by) / (bx * bx + by * by)).clamp(0.0, 1.0);
    (px - bx * t).hypot(py - by * t) - r
}

/// The object: a body with a handle ring, maybe a key ring, a bead hole and a hairline.
struct Object {
    centre: (f32, f32),
    size: f32,
    body: u64,
    key_ring: bool,
    bead_hole: bool,
    hairline_end: (f32, f32),
    hairline_radius: f32,
}

impl Object {
    fn new(side: f32, rng: &mut Rng) -> Self {
        let size = side * rng.range(0.13, 0.2);
        let centre = (side * rng.range(0.42, 0.55), side * rng.range(0.45, 0.58));
        let angle = rng.range(3.4, 4.4);
        let length = size * rng.range(1.4, 1.9);
        Object {
            centre,
            size,
            body: rng.next() % 3,
            key_ring: rng.chance(0.6),
            bead_hole: rng.chance(0.5),
            hairline_end: (centre.0 + angle.cos() * length, centre.1 + angle.sin() * length),
            hairline_radius: rng.range(0.3, 0.55),
        }
    }

    /// The signed distance to the object, and whether the point is on the hairline part.
    fn distance(&self, x: f32, y: f32) -> (f32, bool) {
        let (cx, cy, r) = (self.centre.0, self.centre.1, self.size);
        let mut body = match self.body {
            0 => disc(x, y, cx, cy, r),
            1 => rounded_box(x, y, cx, cy, (r * 0.95, r * 0.7), r * 0.2),
            _ => segment(x, y, (cx, cy - r * 1.1), (cx, cy + r * 1.1), r * 0.32).min(rounded_box(
                x,
                y,
                cx,
                cy + r * 0.4,
                (r * 0.7, r * 0.1),
                r * 0.05,
            )),
        };
        if self.bead_hole {
            body = body.max(-disc(x, y, cx - r * 0.1, cy - r * 0.35, r * 0.12));
        }
        let mut shape = body.min(ring(x, y, cx + r * 0.95, cy, r * 0.5, r * 0.16));
        if self.key_ring {
            shape = shape.min(ring(x, y, cx, cy + r * 1.55, r * 0.45, r * 0.12));
        }
        let hairline = segment(x, y, self.centre, self.hairline_end, self.hairline_radius).min(disc(
            x,
            y,
            self.hairline_end.0,
            self.hairline_end.1,
            r * 0.08,
        ));
        if hairline < shape { (hairline, true) } else { (shape, false) }
    }
}

/// A value-noise texture: smooth random bumps of a given cell size.
fn texture(x: f32, y: f32, cell: f32, seed: u64) -> f32 {
    let lattice = |i: i64, j: i64| {
        let mut rng = Rng(seed ^ (i as u64).wrapping_mul(0x1F1F_1F1F) ^ (j as u64).wrapping_mul(0x7777_3333_1111));
        rng.unit() * 2.0 - 1.0
    };
    let (fx, fy) = (x / cell, y / cell);
    let (i, j) = (fx.floor() as i64, fy.floor() as i64);
    let (s, t) = (fx - fx.floor(), fy - fy.floor());
    let top = lattice(i, j) + (lattice(i + 1, j) - lattice(i, j)) * s;
    let bottom = lattice(i, j + 1) + (lattice(i + 1, j + 1) - lattice(i, j + 1)) * s;
    top + (bottom - top) * t
}

/// Makes one image of the set.
pub fn generate(spec: Spec) -> Sample {
    let mut rng = Rng(spec.seed.wrapping_mul(0xA076_1D64_78BD_642F) ^ 0xE703_7ED1_A0B4_28DB);
    let side = spec.side as f32;
    let backdrop = Backdrop::new(spec.page, side, &mut rng);
    let object = Object::new(side, &mut rng);
    let page_at_object = backdrop.at(object.centre.0, object.centre.1);
    // A quarter of the objects are close in colour to their page (another hue, no outline).
    let close = rng.chance(0.25);
    let base = if close { near_colour(page_at_object, &mut rng) } else { [0, 1, 2].map(|_| rng.range(30.0, 230.0)) };
    let outline = (!close && rng.chance(0.5)).then(|| rng.range(1.5, 3.5));
    let outline_colour = [rng.range(10.0, 40.0), rng.range(10.0, 40.0), rng.range(10.0, 40.0)];
    let hairline_colour = if close { base } else { outline_colour };
    let texture_amount = if close { 6.0 } else { rng.range(6.0, 20.0) };
    let texture_cell = rng.range(4.0, 14.0);
    let texture_seed = rng.next();
    let light = rng.range(0.0, std::f32::consts::TAU);
    let noise = rng.range(4.0, 8.0);

    let pixels = (spec.side * spec.side) as usize;
    let mut truth = vec![0.0f32; pixels];
    let mut object_colour = vec![[0.0f32; 3]; pixels];
    for y in 0..spec.side {
        for x in 0..spec.side {
            let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
            let (distance, on_hairline) = object.distance(px, py);
            let alpha = (0.5 - distance).clamp(0.0, 1.0);
            let index = (y * spec.side + x) as usize;
            truth[index] = alpha;
            if alpha == 0.0 {
                continue;
            }
            object_colour[index] = if on_hairline {
                hairline_colour
            } else if outline.is_some_and(|width| -distance < width) {
                outline_colour
            } else {
                let (dx, dy) = ((px - object.centre.0) / object.size, (py - object.centre.1) / object.size);
                let shade = 1.0 + 0.2 * (dx * light.cos() + dy * light.sin()).clamp(-1.5, 1.5);
                let bump = texture_amount * texture(px, py, texture_cell, texture_seed);
                base.map(|c| (c * shade + bump).clamp(0.0, 255.0))
            };
        }
    }
    let shadow = spec.shadow.then(|| drop_shadow(&truth, spec.side, &mut rng));
    let mut image = RgbImage::new(spec.side, spec.side);
    for (index, pixel) in image.pixels_mut().enumerate() {
        let (x, y) = ((index as u32 % spec.side) as f32 + 0.5, (index as u32 / spec.side) as f32 + 0.5);
        let darken = shadow.as_ref().map_or(1.0, |s| 1.0 - s[index]);
        let page = backdrop.at(x, y).map(|c| c * darken);
        let alpha = truth[index];
        let mut colour = mix(page, object_colour[index], alpha);
        if spec.page == Page::Noisy {
            let grain = rng.normal() * noise;
            colour = colour.map(|c| c + grain + rng.normal() * noise * 0.4);
        }
        pixel.0 = colour.map(|c| c.round().clamp(0.0, 255.0) as u8);
    }
    Sample { spec, bytes: encode(image, spec.jpeg), truth }
}

/// A colour about 60 levels from the page, in another hue (not merely darker or lighter).
fn near_colour(page: Rgb, rng: &mut Rng) -> Rgb {
    let grey = (page[0] + page[1] + page[2]) / 3.0;
    let mut direction = [0, 1, 2].map(|_| rng.normal());
    let mean = (direction[0] + direction[1] + direction[2]) / 3.0;
    direction = direction.map(|d| d - mean * 0.8);
    let length = direction.iter().map(|d| d * d).sum::<f32>().sqrt().max(1e-3);
    let distance = rng.range(60.0, 75.0);
    // Keep the shifted colour inside the cube by pulling a light or dark page towards the middle.
    let shift = if grey > 200.0 {
        -25.0
    } else if grey < 50.0 {
        25.0
    } else {
        0.0
    };
    [0, 1, 2].map(|i| (page[i] + shift + direction[i] / length * distance).clamp(0.0, 255.0))
}

/// How much each pixel of the page is darkened (0..1): the silhouette, offset down and to the
/// side, blurred by three box passes.
fn drop_shadow(truth: &[f32], side: u32, rng: &mut Rng) -> Vec<f32> {
    let opacity = rng.range(0.3, 0.45);
    let (dx, dy) = ((side as f32 * rng.range(-0.03, 0.03)) as i64, (side as f32 * rng.range(0.02, 0.045)) as i64);
    let radius = (side / 90).max(2) as usize;
    let n = side as i64;
    let mut shadow = vec![0.0f32; truth.len()];
    for y in 0..n {
        for x in 0..n {
            let (sx, sy) = (x - dx, y - dy);
            if sx >= 0 && sy >= 0 && sx < n && sy < n {
                shadow[(y * n + x) as usize] = truth[(sy * n + sx) as usize] * opacity;
            }
        }
    }
    for _ in 0..3 {
        box_blur(&mut shadow, side as usize, radius);
    }
    shadow
}

/// A separable running-sum box blur of `radius` in place.
fn box_blur(values: &mut [f32], side: usize, radius: usize) {
    let mut line = vec![0.0f32; side];
    for pass in 0..2 {
        for outer in 0..side {
            let at = |inner: usize| if pass == 0 { outer * side + inner } else { inner * side + outer };
            for (inner, slot) in line.iter_mut().enumerate() {
                *slot = values[at(inner)];
            }
            let mut sum: f32 = line[..radius.min(side)].iter().sum();
            for inner in 0..side {
                if inner + radius < side {
                    sum += line[inner + radius];
                }
                if inner > radius {
                    sum -= line[inner - radius - 1];
                }
                values[at(inner)] = sum / (2 * radius + 1) as f32;
            }
        }
    }
}

fn encode(image: RgbImage, jpeg: bool) -> Vec<u8> {
    let mut bytes = Vec::new();
    if jpeg {
        JpegEncoder::new_with_quality(&mut bytes, 75).encode_image(&image).expect("JPEG encodes in memory");
    } else {
        DynamicImage::ImageRgb8(image)
            .write_to(&mut std::io::Cursor::new(&mut bytes), ImageFormat::Png)
            .expect("PNG encodes in memory");
    }
    bytes
}
