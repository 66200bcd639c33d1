//! The server's life: health, metrics, clients that leave, and shutdown while images render.

use std::time::Duration;

use futures::future::join_all;
use serde_json::Value;
use server::{Application, Settings, StartupError};

use super::helpers::{SseReader, check_order, spawn_app, spawn_app_with, turn_body};

#[tokio::test]
async fn healthz_reports_the_mode_and_version() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["mode"], "mock");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn metrics_count_turns_outcomes_and_generation_time() {
    let app = spawn_app().await;
    app.run_turn("mock_image=scene&seed=1").await;
    app.run_turn("mock_image=none&seed=1").await;
    let response = app.get("/metrics").await;
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    app.wait_for_metric("uw_turns_completed_total", 2.0).await;
    let metrics = app.metrics().await;
    assert_eq!(metrics["uw_turns_started_total"], 2.0);
    assert_eq!(metrics["uw_turns_in_flight"], 0.0);
    assert_eq!(metrics["uw_open_streams"], 0.0);
    assert_eq!(metrics["uw_render_outcomes_total{status=\"completed\",reason=\"\"}"], 1.0);
    assert_eq!(metrics["uw_render_outcomes_total{status=\"skipped\",reason=\"no_image_job\"}"], 1.0);
    assert_eq!(metrics["uw_image_generation_seconds_count"], 1.0);
    assert_eq!(metrics["uw_image_generation_seconds_bucket{le=\"+Inf\"}"], 1.0);
}

#[tokio::test]
async fn fifty_clients_leaving_mid_stream_leave_no_turn_or_stream_behind() {
    let app = spawn_app_with(&[("UW_MOCK_TOKEN_DELAY_MS", "5"), ("UW_MOCK_IMAGE_DELAY_MS", "100")]).await;
    let clients = (0..50).map(|client| {
        let app = &app;
        async move {
            let response = app.post_turn(&format!("mock_image=scene&seed={client}"), &turn_body(100)).await;
            assert_eq!(response.status(), 200);
            let mut reader = SseReader::new(response);
            while let Some(event) = reader.next_event().await {
                if event.name == "narrative" {
                    break;
                }
            }
        }
    });
    join_all(clients).await;
    app.wait_for_metric("uw_turns_completed_total", 50.0).await;
    app.wait_for_metric("uw_turns_in_flight", 0.0).await;
    app.wait_for_metric("uw_open_streams", 0.0).await;
    let metrics = app.metrics().await;
    assert_eq!(metrics["uw_render_outcomes_total{status=\"completed\",reason=\"\"}"], 50.0, "every turn went on");
    app.assert_healthy().await;
}

#[tokio::test]
async fn shutdown_while_images_render_gives_every_turn_its_render_event() {
    // A grace far beyond the images' time: what is tested is that the grace is used, not its length.
    let mut app = spawn_app_with(&[("UW_MOCK_IMAGE_DELAY_MS", "1000"), ("UW_SHUTDOWN_GRACE_MS", "60000")]).await;
    let mut readers = Vec::new();
    for seed in 0..6 {
        let response = app.post_turn(&format!("mock_image=scene&seed={seed}"), &turn_body(100)).await;
        assert_eq!(response.status(), 200);
        readers.push(tokio::spawn(SseReader::new(response).collect()));
    }
    app.wait_for_metric("uw_images_in_flight", 6.0).await;
    app.shut_down().await;
    for reader in readers {
        let events = reader.await.unwrap();
        let (_, render) = check_order(&events);
        assert_eq!(render["status"], "completed", "the grace let the image finish: {render}");
    }
    assert_no_temp_files(&app.data_dir);
    assert!(app.client.get(app.url("/healthz")).send().await.is_err(), "nothing listens after shutdown");
}

#[tokio::test]
async fn image_work_outliving_the_grace_fails_cleanly_with_its_render_event() {
    let mut app = spawn_app_with(&[("UW_MOCK_IMAGE_DELAY_MS", "5000"), ("UW_SHUTDOWN_GRACE_MS", "100")]).await;
    let mut readers = Vec::new();
    for seed in 0..3 {
        let response = app.post_turn(&format!("mock_image=scene&seed={seed}"), &turn_body(100)).await;
        readers.push(tokio::spawn(SseReader::new(response).collect()));
    }
    app.wait_for_metric("uw_images_in_flight", 3.0).await;
    let started = std::time::Instant::now();
    app.shut_down().await;
    assert!(started.elapsed() < Duration::from_secs(4), "shutdown did not wait for the slow images");
    for reader in readers {
        let events = reader.await.unwrap();
        let (final_output, render) = check_order(&events);
        assert_eq!(render["status"], "failed");
        assert_eq!(render["render"]["image_url"], Value::Null);
        let charged = final_output["economy"]["cost"]["signal"].as_u64().unwrap();
        assert_eq!(render["economy"]["cost"]["signal"].as_u64(), Some(charged - 10), "refunded");
    }
    assert_no_temp_files(&app.data_dir);
}

fn assert_no_temp_files(data_dir: &std::path::Path) {
    for entry in std::fs::read_dir(data_dir.join("images/generated")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(!name.starts_with(".tmp"), "a temp file was left: {name}");
    }
}

#[tokio::test]
async fn the_real_address_is_written_to_the_address_file() {
    let temp = tempfile::tempdir().unwrap();
    let addr_file = temp.path().join("addr");
    let app = spawn_app_with(&[("UW_ADDR_FILE", addr_file.to_str().unwrap())]).await;
    let written = std::fs::read_to_string(&addr_file).unwrap();
    assert_eq!(format!("http://{written}"), app.address);
    assert!(!written.ends_with(":0"), "the real port, not 0");
}

#[tokio::test]
async fn startup_fails_with_a_named_cause_when_the_port_is_taken_or_the_data_dir_is_unusable() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let app = spawn_app().await;
    let taken = app.address.trim_start_matches("http://").to_owned();
    let settings = Settings::with(&[("UW_BIND", taken.as_str()), ("UW_DATA_DIR", data.to_str().unwrap())]).unwrap();
    let error = Application::build(settings).await.err().expect("the port is taken");
    assert!(matches!(error, StartupError::Bind { .. }) && error.to_string().contains("UW_BIND"), "{error}");

    let file = temp.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let settings = Settings::with(&[("UW_BIND", "127.0.0.1:0"), ("UW_DATA_DIR", file.to_str().unwrap())]).unwrap();
    let error = Application::build(settings).await.err().expect("the data dir is a file");
    assert!(matches!(error, StartupError::DataDir { .. }), "{error}");
}
