//! The mock image generator: waits its delay, then paints a real PNG whose pixels depend on the
//! prompt and seed — a scene (sky, horizon, sun, shapes) or an item on a plain background.

use std::time::Duration;

use bytes::Bytes;
use futures::FutureExt;
use futures::future::BoxFuture;
use image::{DynamicImage, Rgb, RgbImage};
use models::{AspectRatio, ImageSize};

use super::SeededRng;
use crate::image_generator::{GeneratedImage, ImageError, ImageGenerator, ImageRequest};
use crate::image_store::encode_png;
use crate::options::MockImage;

/// Paints after `delay`; `mock_image=fail|timeout|safety` on the request make it fail that way.
#[derive(Debug, Clone)]
pub struct MockImageGenerator {
    delay: Duration,
}

impl MockImageGenerator {
    pub fn new(delay: Duration) -> Self {
        MockImageGenerator { delay }
    }
}

impl ImageGenerator for MockImageGenerator {
    fn generate(&self, request: ImageRequest) -> BoxFuture<'static, Result<GeneratedImage, ImageError>> {
        let delay = self.delay;
        async move {
            tokio::time::sleep(delay).await;
            match request.mock_image {
                MockImage::Fail => return Err(ImageError::Provider("the mock generator was asked to fail".into())),
                MockImage::Safety => return Err(ImageError::SafetyBlocked),
                // Never answers: the caller's deadline ends it.
                MockImage::Timeout => return futures::future::pending().await,
                _ => {}
            }
            let is_item = request.remove_background || request.image_type_hint.as_deref() == Some("item");
            // Painting and encoding are CPU work: keep them off the async workers.
            let png = crate::cpu_pool::run_image_work(move || {
                let picture = if is_item {
                    paint_item(&request.prompt, request.seed, request.image_size)
                } else {
                    paint_scene(&request.prompt, request.seed, request.aspect_ratio, request.image_size)
                };
                encode_png(&DynamicImage::ImageRgb8(picture))
            })
            .await
            .map_err(|error| ImageError::Provider(format!("the painter stopped: {error}")))?
            .map_err(|error| ImageError::Provider(error.to_string()))?;
            Ok(GeneratedImage { bytes: Bytes::from(png), mime_type: Some("image/png".to_owned()) })
        }
        .boxed()
    }

    fn describe(&self) -> String {
        format!("mock (delay {} ms)", self.delay.as_millis())
    }
}

fn colour(rng: &mut SeededRng) -> [f32; 3] {
    [rng.below(256) as f32, rng.below(256) as f32, rng.below(256) as f32]
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> Rgb<u8> {
    Rgb([0, 1, 2].map(|i| (a[i] + (b[i] - a[i]) * t).clamp(0.0, 255.0) as u8))
}

/// A landscape at the requested aspect ratio, the long side set by the size.
pub fn paint_scene(prompt: &str, seed: u64, aspect_ratio: AspectRatio, size: ImageSize) -> RgbImage {
    let mut rng = SeededRng::from_text(prompt, seed);
    let (width, height) = aspect_ratio.dimensions(size.long_side());
    let (sky_top, sky_low, ground_near, ground_far) =
        (colour(&mut rng), colour(&mut rng), colour(&mut rng), colour(&mut rng));
    let horizon = height as f32 * (0.45 + rng.below(20) as f32 / 100.0);
    let sun = (rng.below(u64::from(width)) as f32, horizon * (0.2 + rng.below(50) as f32 / 100.0));
    let sun_radius = height as f32 * (0.05 + rng.below(8) as f32 / 100.0);
    let peaks: Vec<(f32, f32, f32)> = (0..3 + rng.below(4))
        .map(|_| {
            let centre = rng.below(u64::from(width)) as f32;
            let half_width = width as f32 * (0.08 + rng.below(15) as f32 / 100.0);
            let peak_height = (horizon * (0.2 + rng.below(40) as f32 / 100.0)).max(1.0);
            (centre, half_width, peak_height)
        })
        .collect();
    let peak_colour = mix(ground_far, [20.0, 20.0, 30.0], 0.5);

    RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        if fy >= horizon {
            return mix(ground_far, ground_near, (fy - horizon) / (height as f32 - horizon).max(1.0));
        }
        let on_peak = peaks.iter().any(|&(centre, half_width, peak_height)| {
            let rise = peak_height * (1.0 - (fx - centre).abs() / half_width);
            rise > 0.0 && fy >= horizon - rise
        });
        if on_peak {
            return peak_colour;
        }
        if (fx - sun.0).powi(2) + (fy - sun.1).powi(2) <= sun_radius.powi(2) {
            return Rgb([250, 236, 180]);
        }
        mix(sky_top, sky_low, fy / horizon)
    })
}

/// One object (a gem-like disc with an outline) on a plain background: a sprite whose
/// background can be removed.
pub fn paint_item(prompt: &str, seed: u64, size: ImageSize) -> RgbImage {
    let mut rng = SeededRng::from_text(prompt, seed);
    let side = size.long_side();
    let background = Rgb([230, 230, 224]);
    // A body well apart from the light page and a soft shine, so no part of the item is the
    // page's colour: an enclosed patch of page colour is a hole to the cut-out.
    let body = colour(&mut rng).map(|channel| channel * 0.6);
    let shine = [255.0, 255.0, 255.0];
    let centre = side as f32 / 2.0;
    let radius = side as f32 * (0.25 + rng.below(10) as f32 / 100.0);
    RgbImage::from_fn(side, side, |x, y| {
        let distance = ((x as f32 - centre).powi(2) + (y as f32 - centre * 1.05).powi(2)).sqrt();
        if distance > radius {
            background
        } else if distance > radius - 6.0 {
            Rgb([25, 20, 30])
        } else {
            mix(body, shine, (1.0 - distance / radius) * 0.3)
        }
    })
}
