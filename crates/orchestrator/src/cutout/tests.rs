//! The cases a cut-out must get right, pinned on small painted images: alpha values asserted at
//! known pixels, not merely "it ran".

use image::{DynamicImage, RgbImage, RgbaImage};

use super::{cut_out, cut_out_within};
use crate::mock::{paint_item, paint_scene};

type Rgb = [f32; 3];

/// Paints a `side`² image: `page(x, y)` behind, and on top a shape given by its signed distance
/// in pixels (negative inside) in `colour`, anti-aliased over one pixel like a renderer does.
fn paint(side: u32, page: impl Fn(f32, f32) -> Rgb, shape: impl Fn(f32, f32) -> f32, colour: Rgb) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(side, side, |x, y| {
        let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
        let coverage = (0.5 - shape(px, py)).clamp(0.0, 1.0);
        let back = page(px, py);
        image::Rgb([0, 1, 2].map(|c| (back[c] + (colour[c] - back[c]) * coverage).round() as u8))
    }))
}

fn circle(cx: f32, cy: f32, r: f32) -> impl Fn(f32, f32) -> f32 {
    move |x, y| (x - cx).hypot(y - cy) - r
}

fn alpha(image: &RgbaImage, x: u32, y: u32) -> u8 {
    image.get_pixel(x, y).0[3]
}

const WHITE_PAGE: Rgb = [242.0, 240.0, 234.0];

#[test]
fn a_rings_hole_is_removed_and_the_ring_kept() {
    let ring = |x: f32, y: f32| ((x - 80.0).hypot(y - 80.0) - 40.0).abs() - 6.0;
    let image = paint(160, |_, _| WHITE_PAGE, ring, [150.0, 60.0, 40.0]);
    let cut = cut_out(&image).expect("a plain page is found");
    assert_eq!(alpha(&cut, 80, 80), 0, "the hole's centre");
    assert_eq!(alpha(&cut, 80, 60), 0, "inside the hole, away from the ring");
    assert_eq!(alpha(&cut, 120, 80), 255, "on the ring");
    assert_eq!(alpha(&cut, 80, 40), 255, "on the ring, top");
    assert_eq!(alpha(&cut, 2, 2), 0, "the page outside");
}

#[test]
fn a_hairline_stays_visible_and_its_sides_are_removed() {
    // A disc with a one-pixel line leaving it, covering 70 % of each pixel it crosses.
    let body = circle(60.0, 80.0, 25.0);
    let image = paint(
        160,
        |_, _| WHITE_PAGE,
        move |x, y| {
            let line = if (85.0..140.0).contains(&x) { (y - 80.5).abs() - 0.35 } else { f32::MAX };
            body(x, y).min(line)
        },
        [30.0, 30.0, 40.0],
    );
    let cut = cut_out(&image).expect("a plain page is found");
    for x in [95, 110, 130] {
        let on_line = alpha(&cut, x, 80);
        assert!(on_line >= 128, "the hairline at x={x} keeps an opaque alpha, got {on_line}");
        assert_eq!(alpha(&cut, x, 77), 0, "page above the hairline at x={x}");
        assert_eq!(alpha(&cut, x, 84), 0, "page below the hairline at x={x}");
    }
    assert_eq!(alpha(&cut, 60, 80), 255, "the body");
}

#[test]
fn a_gradient_page_is_removed_everywhere_and_the_object_kept_whole() {
    let page = |x: f32, y: f32| {
        let t = (x + y) / 320.0;
        [250.0 - 100.0 * t, 240.0 - 70.0 * t, 220.0 - 10.0 * t]
    };
    let image = paint(160, page, circle(80.0, 80.0, 35.0), [40.0, 120.0, 60.0]);
    let cut = cut_out(&image).expect("a gradient page is found");
    for y in 0..160 {
        for x in 0..160 {
            let distance = (x as f32 + 0.5 - 80.0).hypot(y as f32 + 0.5 - 80.0) - 35.0;
            if distance > 2.0 {
                assert_eq!(alpha(&cut, x, y), 0, "page at ({x},{y})");
            } else if distance < -2.0 {
                assert_eq!(alpha(&cut, x, y), 255, "object at ({x},{y})");
            }
        }
    }
}

#[test]
fn a_vignette_page_is_removed_in_the_middle_too() {
    // Bright in the middle, 40 % darker in the corners: the border alone misjudges the middle.
    let page = |x: f32, y: f32| {
        let r = ((x - 96.0).hypot(y - 96.0) / 135.0).min(1.0);
        let t = ((r - 0.35) / 0.65).clamp(0.0, 1.0);
        let fade = 1.0 - 0.4 * t * t * (3.0 - 2.0 * t);
        [236.0 * fade, 228.0 * fade, 210.0 * fade]
    };
    let ring = |x: f32, y: f32| ((x - 96.0).hypot(y - 96.0) - 30.0).abs() - 5.0;
    let image = paint(192, page, ring, [60.0, 70.0, 160.0]);
    let cut = cut_out(&image).expect("a vignette page is found");
    assert_eq!(alpha(&cut, 96, 96), 0, "the ring's hole, where the page is brightest");
    assert_eq!(alpha(&cut, 96, 50), 0, "page just outside the ring");
    assert_eq!(alpha(&cut, 0, 0), 0, "the dark corner");
    assert_eq!(alpha(&cut, 126, 96), 255, "the ring");
}

#[test]
fn a_cast_shadow_is_removed_but_a_grey_object_of_the_same_hue_is_kept() {
    // A red disc casting a soft shadow (up to 40 % darker) to its lower right, and a sharp-edged
    // grey square: the same hue as the page, as dark as the shadow, but an object.
    let shadow = |x: f32, y: f32| {
        let d = (x - 78.0).hypot(y - 82.0) - 28.0;
        0.4 * (1.0 - (d / 14.0).clamp(0.0, 1.0))
    };
    let page = move |x: f32, y: f32| WHITE_PAGE.map(|c| c * (1.0 - shadow(x, y)));
    let disc = circle(70.0, 70.0, 28.0);
    let red = paint(200, page, disc, [200.0, 40.0, 30.0]).to_rgb8();
    let square = |x: f32, y: f32| (x - 160.0).abs().max((y - 150.0).abs()) - 15.0;
    let grey = [150.0, 149.0, 145.0];
    let image = DynamicImage::ImageRgb8(RgbImage::from_fn(200, 200, |x, y| {
        let coverage = (0.5 - square(x as f32 + 0.5, y as f32 + 0.5)).clamp(0.0, 1.0);
        let under = red.get_pixel(x, y).0;
        image::Rgb([0, 1, 2].map(|c| (f32::from(under[c]) + (grey[c] - f32::from(under[c])) * coverage).round() as u8))
    }));
    let cut = cut_out(&image).expect("a plain page is found");
    for (x, y) in [(100, 104), (95, 110), (108, 90), (85, 112)] {
        assert!(shadow(x as f32, y as f32) > 0.15, "({x},{y}) lies in the shadow");
        assert_eq!(alpha(&cut, x, y), 0, "shadow at ({x},{y})");
    }
    assert_eq!(alpha(&cut, 70, 70), 255, "the disc");
    for (x, y) in [(160, 150), (148, 140), (172, 162)] {
        assert_eq!(alpha(&cut, x, y), 255, "the grey square at ({x},{y})");
    }
}

#[test]
fn an_edge_pixel_gets_its_coverage_as_alpha_and_loses_the_page_colour() {
    // A light object on a dark page; the column x = 100 is half covered.
    let page = [20.0, 22.0, 30.0];
    let object = [230.0, 200.0, 120.0];
    let shape = |x: f32, y: f32| (x - 100.5).max((y - 100.0).abs() - 40.0).max(40.0 - x);
    let image = paint(160, |_, _| page, shape, object);
    let cut = cut_out(&image).expect("a plain page is found");
    let edge = cut.get_pixel(100, 100).0;
    assert!((108..=148).contains(&edge[3]), "half coverage gives alpha near 128, got {}", edge[3]);
    for channel in 0..3 {
        let off = (f32::from(edge[channel]) - object[channel]).abs();
        assert!(off <= 12.0, "channel {channel} is the object's colour, not a mix with the page: {edge:?}");
    }
    assert_eq!(alpha(&cut, 99, 100), 255);
    assert_eq!(alpha(&cut, 102, 100), 0);
}

#[test]
fn a_scene_or_a_texture_is_left_alone() {
    for (seed, ratio) in models::AspectRatio::ALL.into_iter().enumerate().step_by(3) {
        let scene = paint_scene("a ruined tower at dusk", seed as u64, ratio, models::ImageSize::OneK);
        assert!(cut_out(&DynamicImage::ImageRgb8(scene)).is_none(), "scene {seed} has no page to remove");
    }
    let mut state = 7u32;
    let noise = RgbImage::from_fn(128, 128, |_, _| {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        image::Rgb([(state >> 24) as u8, (state >> 16) as u8, (state >> 8) as u8])
    });
    assert!(cut_out(&DynamicImage::ImageRgb8(noise)).is_none(), "noise has no page");
}

#[test]
fn the_mock_painters_item_is_cut_out_with_an_opaque_middle() {
    let item = paint_item("a brass key", 9, models::ImageSize::OneK);
    let cut = cut_out(&DynamicImage::ImageRgb8(item)).expect("the mock item has a plain page");
    let (w, h) = cut.dimensions();
    assert_eq!(alpha(&cut, 0, 0), 0);
    assert_eq!(alpha(&cut, w - 1, h - 1), 0);
    assert_eq!(alpha(&cut, w / 2, h / 2), 255);
}

#[test]
fn a_sprite_over_the_size_limit_is_scaled_down_and_still_cut_out() {
    let sprite = paint(240, |_, _| WHITE_PAGE, circle(120.0, 120.0, 60.0), [40.0, 60.0, 160.0]);
    let cut = cut_out_within(&sprite, 100 * 100).expect("a plain page is removed");
    assert_eq!(cut.dimensions(), (100, 100), "scaled to fit the limit, aspect kept");
    assert_eq!(alpha(&cut, 0, 0), 0, "the page is transparent");
    assert_eq!(alpha(&cut, 99, 99), 0);
    assert_eq!(alpha(&cut, 50, 50), 255, "the object stays opaque");
}
