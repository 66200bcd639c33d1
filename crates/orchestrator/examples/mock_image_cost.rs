//! Measures what one mock 1K scene costs: painting, PNG encoding, and the checked, atomic store
//! (decode, content id, write, rename). Prints one JSON line; `make bench` reports it.

use std::time::{Duration, Instant};

use image::DynamicImage;
use models::{AspectRatio, ImageSize};
use orchestrator::testing::paint_scene;
use orchestrator::testing::{check_and_store, encode_png};

fn main() {
    let images: u64 = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(20);
    let folder = std::env::temp_dir().join(format!("uw-image-cost-{}", std::process::id()));
    let (mut paint, mut encode, mut store) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut bytes_total = 0;
    for seed in 0..images {
        let started = Instant::now();
        let picture = paint_scene("a torch-lit corridor", seed, AspectRatio::Wide16x9, ImageSize::OneK);
        let painted = Instant::now();
        let png = encode_png(&DynamicImage::ImageRgb8(picture)).expect("encodes");
        let encoded = Instant::now();
        check_and_store(&png, false, &folder).expect("stores");
        let stored = Instant::now();
        paint += painted - started;
        encode += encoded - painted;
        store += stored - encoded;
        bytes_total += png.len();
    }
    let _ = std::fs::remove_dir_all(&folder);
    let per_image = |total: Duration| total.as_secs_f64() * 1000.0 / images as f64;
    println!(
        "{}",
        serde_json::json!({
            "images": images,
            "paint_ms": per_image(paint),
            "encode_ms": per_image(encode),
            "store_ms": per_image(store),
            "total_ms": per_image(paint + encode + store),
            "png_kib": bytes_total as f64 / images as f64 / 1024.0,
        })
    );
}
