//! The pieces under the render task: the decision table, content ids, stored images, background
//! removal, and narrative streams that keep flowing while images are painted.

use std::sync::Arc;
use std::time::{Duration, Instant};

use models::{AspectRatio, CurrencyAmount, EconomyOutput, ImageJob, ImageSize, ModelLabel, RenderReason};
use orchestrator::testing::{ImageDecision, decide_image};
use orchestrator::testing::{check_and_store, image_id_for};
use orchestrator::testing::{paint_item, paint_scene};
use orchestrator::{Engine, LowBalancePolicy, MockImage, TurnOptions, TurnStatus, generated_dir};
use orchestrator::{MockGameMaster, MockImageGenerator};

use super::harness::{config, input};

fn job(should_generate: bool, prompt: &str) -> ImageJob {
    serde_json::from_value(serde_json::json!({"should_generate": should_generate, "prompt": prompt})).unwrap()
}

fn economy(balance_signal: u32) -> EconomyOutput {
    let snapshot = CurrencyAmount { signal: balance_signal, memory_shard: 0 };
    EconomyOutput::settle(snapshot, CurrencyAmount::ZERO, CurrencyAmount::ZERO, false)
}

#[test]
fn the_image_decision_follows_the_table() {
    use ImageDecision::{Generate, Skip};
    use LowBalancePolicy::{FastFree, TextOnly};
    let skip = |reason, low_balance_warning| Skip { reason, low_balance_warning };
    let long = "p".repeat(2001);
    let cases: Vec<(Option<ImageJob>, u32, LowBalancePolicy, ImageDecision)> = vec![
        (None, 100, TextOnly, skip(RenderReason::NoImageJob, false)),
        (Some(job(false, "a hall")), 100, TextOnly, skip(RenderReason::ShouldGenerateFalse, false)),
        (Some(job(true, "")), 100, TextOnly, skip(RenderReason::EmptyPrompt, false)),
        (Some(job(true, " \n\t ")), 100, TextOnly, skip(RenderReason::EmptyPrompt, false)),
        (Some(job(true, " ab ")), 100, TextOnly, skip(RenderReason::InvalidPrompt, false)),
        (Some(job(true, &long)), 100, TextOnly, skip(RenderReason::InvalidPrompt, false)),
        (
            Some(job(true, "abc")),
            10,
            TextOnly,
            Generate { model_label: ModelLabel::Quality, charge: 10, low_balance_warning: false },
        ),
        (Some(job(true, "abc")), 9, TextOnly, skip(RenderReason::InsufficientBalance, true)),
        (
            Some(job(true, "abc")),
            9,
            FastFree,
            Generate { model_label: ModelLabel::Fast, charge: 0, low_balance_warning: true },
        ),
        (Some(job(false, "abc")), 0, FastFree, skip(RenderReason::ShouldGenerateFalse, false)),
    ];
    for (job, balance, policy, expected) in cases {
        assert_eq!(decide_image(job.as_ref(), &economy(balance), 10, policy), expected, "balance {balance}, {job:?}");
    }
}

#[test]
fn the_image_id_is_stable_for_equal_bytes_and_differs_otherwise() {
    let picture = paint_scene("a hall", 3, AspectRatio::Square, ImageSize::OneK);
    let bytes = orchestrator::testing::encode_png(&image::DynamicImage::ImageRgb8(picture)).unwrap();
    assert_eq!(image_id_for(&bytes), image_id_for(&bytes.clone()));
    let mut other = bytes.clone();
    other.push(0);
    assert_ne!(image_id_for(&bytes), image_id_for(&other));
    let id = image_id_for(&bytes);
    assert_eq!(id.len(), 28);
    assert!(id.starts_with("img_"));
}

#[test]
fn stored_images_decode_at_the_asked_aspect_ratio_and_are_written_once() {
    let temp = tempfile::tempdir().unwrap();
    for ratio in AspectRatio::ALL {
        let picture = paint_scene("a hall", 1, ratio, ImageSize::OneK);
        let bytes = orchestrator::testing::encode_png(&image::DynamicImage::ImageRgb8(picture)).unwrap();
        let stored = check_and_store(&bytes, false, temp.path()).unwrap();
        let again = check_and_store(&bytes, false, temp.path()).unwrap();
        assert_eq!(stored, again, "equal bytes, equal file");
        let path = temp.path().join("images/generated").join(stored.image_url.file_name());
        let decoded = image::open(&path).unwrap();
        let (w, h) = ratio.terms();
        assert_eq!(decoded.width().max(decoded.height()), 1024, "{ratio:?}");
        let drift = (f64::from(decoded.width()) * f64::from(h) - f64::from(decoded.height()) * f64::from(w)).abs();
        assert!(drift <= f64::from(w.max(h)), "{ratio:?}: {}x{}", decoded.width(), decoded.height());
    }
    let entries = std::fs::read_dir(temp.path().join("images/generated")).unwrap().count();
    assert_eq!(entries, AspectRatio::ALL.len(), "no temp files, one file per image");
}

#[test]
fn a_removed_background_leaves_transparent_corners_and_a_soft_edge() {
    let temp = tempfile::tempdir().unwrap();
    // Halving the painted item blends its outline into the page, as a renderer's anti-aliasing does.
    let painted = paint_item("a brass key", 9, ImageSize::OneK);
    let sprite = image::imageops::resize(&painted, 512, 512, image::imageops::FilterType::Triangle);
    let bytes = orchestrator::testing::encode_png(&image::DynamicImage::ImageRgb8(sprite)).unwrap();
    let stored = check_and_store(&bytes, true, temp.path()).unwrap();
    assert!(stored.background_removed);
    let path = temp.path().join("images/generated").join(stored.image_url.file_name());
    let cut_out = image::open(path).unwrap().to_rgba8();
    let (w, h) = cut_out.dimensions();
    for (x, y) in [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)] {
        assert_eq!(cut_out.get_pixel(x, y).0[3], 0);
    }
    let partly_transparent = cut_out.pixels().filter(|p| (1..255).contains(&p.0[3])).count();
    assert!(partly_transparent > 0, "the edge is soft");
}

/// With one async worker, painting on it would stop every narrative; off it, the narrative of a
/// text turn keeps its pace while sixteen images are painted.
#[tokio::test(flavor = "current_thread")]
async fn narrative_keeps_flowing_while_many_images_are_painted() {
    let temp = tempfile::tempdir().unwrap();
    let mut settings = config(temp.path());
    settings.max_concurrent_images = 16;
    let painter = Engine::new(
        settings.clone(),
        Arc::new(MockGameMaster::new(Duration::ZERO)),
        Some(Arc::new(MockImageGenerator::new(Duration::ZERO))),
    );
    let images: Vec<_> = (0..16)
        .map(|seed| {
            let options = TurnOptions { seed: Some(seed), mock_image: MockImage::Item };
            painter.start_turn(input("en-US", 100), options).unwrap()
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(painter.metrics().images_in_flight > 0, "images are being painted");

    let storyteller = Engine::new(settings, Arc::new(MockGameMaster::new(Duration::from_millis(5))), None);
    let record = storyteller
        .start_turn(input("en-US", 100), TurnOptions { seed: Some(1), mock_image: MockImage::None })
        .unwrap();
    let mut arrivals = Vec::new();
    let mut seen = 0;
    while record.status() == TurnStatus::Running {
        record.wait_for_more_than(seen).await;
        for event in record.events_after(seen) {
            if matches!(*event, models::TurnEvent::Narrative { .. }) {
                arrivals.push(Instant::now());
            }
        }
        seen = record.event_count();
    }
    let worst_gap = arrivals.windows(2).map(|pair| pair[1] - pair[0]).max().unwrap();
    assert!(painter.metrics().images_in_flight > 0, "the narrative ended while images were still in progress");
    assert!(worst_gap < Duration::from_millis(250), "a narrative gap of {worst_gap:?} means the workers were blocked");
    for record in images {
        while record.status() != TurnStatus::Complete {
            record.wait_for_more_than(record.event_count()).await;
        }
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_planted_in_the_images_folder_is_never_written_through() {
    let temp = tempfile::tempdir().unwrap();
    let data_dir = temp.path().join("data");
    let dir = generated_dir(&data_dir);
    std::fs::create_dir_all(&dir).unwrap();
    let victim = temp.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let picture = paint_scene("a hall", 5, AspectRatio::Square, ImageSize::OneK);
    let bytes = orchestrator::testing::encode_png(&image::DynamicImage::ImageRgb8(picture)).unwrap();
    // Links under every name a pid-and-counter scheme would pick, and under the target's name.
    for counter in 0..5000 {
        std::os::unix::fs::symlink(&victim, dir.join(format!(".tmp-{}-{counter}", std::process::id()))).unwrap();
    }
    let target = dir.join(format!("{}.png", image_id_for(&bytes).as_str()));
    std::os::unix::fs::symlink(&victim, &target).unwrap();

    let stored = check_and_store(&bytes, false, &data_dir).unwrap();
    assert_eq!(dir.join(stored.image_url.file_name()), target);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious", "the linked file is untouched");
    assert!(std::fs::symlink_metadata(&target).unwrap().is_file(), "the planted link is replaced by the image");
    assert_eq!(std::fs::read(&target).unwrap(), bytes);
}

#[test]
fn a_decompression_bomb_is_refused_before_it_is_decoded() {
    let temp = tempfile::tempdir().unwrap();
    let header = super::harness::png_header(11_000, 11_000);
    match check_and_store(&header, false, temp.path()) {
        Err(orchestrator::testing::StoreError::InvalidImage(reason)) => {
            assert!(reason.contains("larger than the maximum"), "{reason}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}
