//! Whole turns over both ways of starting them: the order of docs/protocol.md for every image
//! outcome, the served image, the synced result, and text first.

use std::time::Duration;

use serde_json::Value;

use super::helpers::{Event, SseReader, TestApp, check_order, spawn_app, spawn_app_with, turn_body, turn_id};

/// Runs a turn through `POST /api/turns` and then its events URL.
async fn run_via_turns(app: &TestApp, query: &str) -> Vec<Event> {
    let response = app.post_turns(query, &turn_body(100)).await;
    assert_eq!(response.status(), 202);
    let links: Value = response.json().await.unwrap();
    let turn_id = links["turn_id"].as_str().unwrap();
    assert_eq!(links["events_url"], format!("/api/turns/{turn_id}/events"));
    assert_eq!(links["result_url"], format!("/api/turns/{turn_id}"));
    let events = app.get(links["events_url"].as_str().unwrap()).await;
    assert_eq!(events.status(), 200);
    SseReader::new(events).collect().await
}

/// Runs the same query over both endpoints and returns both turns' events.
async fn run_both(app: &TestApp, query: &str) -> [Vec<Event>; 2] {
    [app.run_turn(query).await, run_via_turns(app, query).await]
}

#[tokio::test]
async fn a_scene_turn_streams_in_protocol_order_and_its_image_is_served_and_synced() {
    let app = spawn_app().await;
    let response = app.post_turn("mock_image=scene&seed=11", &turn_body(100)).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/event-stream");
    assert_eq!(headers["cache-control"], "no-cache");
    assert_eq!(headers["x-accel-buffering"], "no");
    assert!(headers.get("content-encoding").is_none_or(|value| value == "identity"), "no compression");
    let mut reader = SseReader::new(response);
    let mut events = Vec::new();
    while let Some(event) = reader.next_event().await {
        events.push(event);
    }
    assert_eq!(reader.retry_first, Some(true), "the first bytes carry retry");
    assert_eq!(reader.retry_ms, Some(2000));
    let (final_output, render) = check_order(&events);
    assert_eq!(final_output["render"]["image_job"]["should_generate"], true, "final shows the image as pending");
    assert_eq!(final_output["render"]["image_url"], Value::Null);
    assert_eq!(render["status"], "completed");
    assert_eq!(render["reason"], Value::Null);

    let url = render["render"]["image_url"].as_str().unwrap();
    let image = app.get(url).await;
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(image.headers()["content-type"], "image/png");
    let bytes = image.bytes().await.unwrap();
    let decoded = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png).expect("a PNG that decodes");
    assert_eq!(decoded.width().max(decoded.height()), 1024);

    let (status, result) = app.get_json(&format!("/api/turns/{}", turn_id(&events))).await;
    assert_eq!(status, 200);
    assert_eq!(result["status"], "complete");
    assert_eq!(result["turn_id"], turn_id(&events));
    assert_eq!(result["output"]["render"], render["render"], "the stored output holds the synced render");
    assert_eq!(result["output"]["narrative"], final_output["narrative"]);
}

#[tokio::test]
async fn a_turn_started_with_post_turns_streams_the_same_order_as_post_turn() {
    let app = spawn_app().await;
    for events in run_both(&app, "mock_image=scene&seed=4").await {
        let (_, render) = check_order(&events);
        assert_eq!(render["status"], "completed");
    }
}

#[tokio::test]
async fn turns_without_an_image_end_with_a_skipped_render_and_its_reason() {
    let app = spawn_app().await;
    for (mode, reason) in [("none", "no_image_job"), ("skip", "should_generate_false")] {
        for events in run_both(&app, &format!("mock_image={mode}&seed=3")).await {
            let (final_output, render) = check_order(&events);
            assert_eq!((render["status"].as_str(), render["reason"].as_str()), (Some("skipped"), Some(reason)));
            assert_eq!(render["render"], final_output["render"], "the render part passes through");
            assert_eq!(render["economy"], Value::Null);
            let (_, result) = app.get_json(&format!("/api/turns/{}", turn_id(&events))).await;
            assert_eq!(result["output"], final_output, "the stored result equals final");
        }
    }
}

#[tokio::test]
async fn each_image_failure_ends_with_a_failed_render_its_reason_and_a_refund() {
    let app = spawn_app_with(&[("UW_IMAGE_TIMEOUT_MS", "200")]).await;
    for (mode, reason) in [("fail", "provider_error"), ("timeout", "timeout"), ("safety", "safety_blocked")] {
        for events in run_both(&app, &format!("mock_image={mode}&seed=4")).await {
            let (final_output, render) = check_order(&events);
            assert_eq!((render["status"].as_str(), render["reason"].as_str()), (Some("failed"), Some(reason)));
            assert_eq!(render["render"]["image_url"], Value::Null);
            assert_eq!(render["render"]["image_id"], Value::Null);
            assert!(render["message"].as_str().is_some_and(|m| !m.is_empty()), "the player is told");
            let charged = final_output["economy"]["cost"]["signal"].as_u64().unwrap();
            assert_eq!(render["economy"]["cost"]["signal"].as_u64(), Some(charged - 10), "the image is refunded");
            let (_, result) = app.get_json(&format!("/api/turns/{}", turn_id(&events))).await;
            assert_eq!(result["status"], "complete");
            assert_eq!(result["output"]["economy"], render["economy"], "the stored result holds the refund");
            if mode == "safety" {
                assert_eq!(render["safety"]["blocked"], true);
                let badges = result["output"]["agent_console"]["badges"].as_array().unwrap();
                assert!(badges.contains(&Value::from("safety_blocked")));
            }
        }
    }
    let files = std::fs::read_dir(app.data_dir.join("images/generated")).unwrap().count();
    assert_eq!(files, 0, "a failed image leaves no file behind");
}

#[tokio::test]
async fn text_comes_first_narrative_and_final_arrive_long_before_a_slow_image() {
    let app = spawn_app_with(&[("UW_MOCK_IMAGE_DELAY_MS", "1500")]).await;
    let started = std::time::Instant::now();
    let events = app.run_turn("mock_image=scene&seed=5").await;
    let (_, render) = check_order(&events);
    assert_eq!(render["status"], "completed");
    let at = |name: &str| events.iter().find(|e| e.name == name).unwrap().at.duration_since(started);
    assert!(at("narrative") < Duration::from_millis(1000), "first narrative after {:?}", at("narrative"));
    assert!(at("render") - at("final") >= Duration::from_millis(1000), "render waits for the image, final does not");
}

#[tokio::test]
async fn the_result_endpoint_says_rendering_until_the_image_is_done() {
    let app = spawn_app_with(&[("UW_MOCK_IMAGE_DELAY_MS", "800")]).await;
    let response = app.post_turn("mock_image=scene&seed=6", &turn_body(100)).await;
    let mut reader = SseReader::new(response);
    let mut turn = None;
    while let Some(event) = reader.next_event().await {
        if event.name == "turn" {
            turn = Some(event.data["turn_id"].as_str().unwrap().to_owned());
        }
        if event.name == "final" {
            let (_, result) = app.get_json(&format!("/api/turns/{}", turn.as_ref().unwrap())).await;
            assert_eq!(result["status"], "rendering");
            assert_eq!(result["output"]["render"]["image_url"], Value::Null);
            break;
        }
    }
    drop(reader);
    let path = format!("/api/turns/{}", turn.unwrap());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (_, result) = app.get_json(&path).await;
        if result["status"] == "complete" {
            assert!(result["output"]["render"]["image_url"].is_string(), "the synced output has the image");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the turn completes");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_item_sprite_comes_back_with_its_background_removed() {
    let app = spawn_app().await;
    let events = app.run_turn("mock_image=item&seed=8").await;
    let (_, render) = check_order(&events);
    assert_eq!(render["render"]["background_removed"], true);
    let bytes = app.get(render["render"]["image_url"].as_str().unwrap()).await.bytes().await.unwrap();
    let sprite = image::load_from_memory(&bytes).unwrap().to_rgba8();
    assert_eq!(sprite.get_pixel(0, 0).0[3], 0, "a transparent corner");
}

#[tokio::test]
async fn an_idle_stream_sends_keep_alive_comments() {
    let app = spawn_app_with(&[("UW_SSE_KEEPALIVE_MS", "50"), ("UW_MOCK_IMAGE_DELAY_MS", "400")]).await;
    let response = app.post_turn("mock_image=scene&seed=2", &turn_body(100)).await;
    let mut reader = SseReader::new(response);
    while reader.next_event().await.is_some() {}
    assert!(reader.comments >= 2, "keep-alives while the image was made: {}", reader.comments);
}
