//! The `uw-server` binary itself: startup from the environment, JSON logs that never hold the
//! player's text, the narrative or a prompt, and a clean exit on SIGTERM with every turn rendered.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::helpers::{SseReader, check_order};

#[tokio::test]
async fn the_binary_logs_no_player_text_and_exits_cleanly_on_sigterm_after_rendering() {
    let temp = tempfile::tempdir().unwrap();
    let addr_file = temp.path().join("addr");
    let log_file = temp.path().join("server.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_uw-server"))
        .current_dir(temp.path())
        .env("UW_BIND", "127.0.0.1:0")
        .env("UW_ADDR_FILE", &addr_file)
        .env("UW_DATA_DIR", temp.path().join("data"))
        .env("UW_STATIC_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/../../static"))
        .env("UW_MOCK_TOKEN_DELAY_MS", "1")
        .env("UW_MOCK_IMAGE_DELAY_MS", "500")
        .env("UW_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log_file).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::fs::read_to_string(&addr_file).map_or(true, |text| text.is_empty()) {
        assert!(Instant::now() < deadline, "the server reports its address");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let address = std::fs::read_to_string(&addr_file).unwrap();

    let player_text = "I whisper to the velvet lantern";
    let body = json!({
        "language": "en-US",
        "text": player_text,
        "client": {"viewport_w": 1280, "viewport_h": 720},
        "economy_snapshot": {"signal": 100, "memory_shard": 5}
    });
    let response = reqwest::Client::new()
        .post(format!("http://{address}/api/turn?mock_image=scene&seed=7"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let mut reader = SseReader::new(response);
    let mut events = Vec::new();
    while let Some(event) = reader.next_event().await {
        let is_final = event.name == "final";
        events.push(event);
        if is_final {
            // The image is still being painted: SIGTERM now must still let it finish.
            let status = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap();
            assert!(status.success());
        }
    }
    let (final_output, render) = check_order(&events);
    assert_eq!(render["status"], "completed", "the turn rendered during shutdown");

    let deadline = Instant::now() + Duration::from_secs(15);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "the server exits after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "a clean exit: {exit:?}");

    let logs = std::fs::read_to_string(&log_file).unwrap();
    for line in logs.lines() {
        serde_json::from_str::<Value>(line).unwrap_or_else(|_| panic!("not a JSON line: {line}"));
    }
    assert!(logs.contains("listening on") && logs.contains(address.as_str()), "the startup line names the address");
    assert!(logs.contains("image outcome") && logs.contains("prompt_hash"));
    let prompt = final_output["render"]["image_job"]["prompt"].as_str().unwrap();
    let narrative = final_output["narrative"].as_str().unwrap();
    for secret in [player_text, prompt, narrative] {
        assert!(!logs.contains(secret), "the log leaks {secret:?}");
    }
}

/// Kills the child process however the test ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_write_past_the_file_size_limit_fails_that_image_as_storage_error_and_the_server_lives_on() {
    let temp = tempfile::tempdir().unwrap();
    let addr_file = temp.path().join("addr");
    let data_dir = temp.path().join("data");
    // 1 KiB: the address file fits, a painted scene does not.
    let child = Command::new("bash")
        .arg("-c")
        .arg("ulimit -f 1 && exec \"$0\"")
        .arg(env!("CARGO_BIN_EXE_uw-server"))
        .current_dir(temp.path())
        .env("UW_BIND", "127.0.0.1:0")
        .env("UW_ADDR_FILE", &addr_file)
        .env("UW_DATA_DIR", &data_dir)
        .env("UW_STATIC_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/../../static"))
        .env("UW_MOCK_TOKEN_DELAY_MS", "1")
        .env("UW_MOCK_IMAGE_DELAY_MS", "10")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut child = KillOnDrop(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::fs::read_to_string(&addr_file).map_or(true, |text| text.is_empty()) {
        assert!(Instant::now() < deadline, "the server reports its address");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let address = std::fs::read_to_string(&addr_file).unwrap();

    let client = reqwest::Client::new();
    let body = json!({
        "language": "en-US",
        "text": "I light the lamp",
        "client": {"viewport_w": 1280, "viewport_h": 720},
        "economy_snapshot": {"signal": 100, "memory_shard": 5}
    });
    let response =
        client.post(format!("http://{address}/api/turn?mock_image=scene&seed=7")).json(&body).send().await.unwrap();
    let events = SseReader::new(response).collect().await;
    let (_, render) = check_order(&events);
    assert_eq!((render["status"].as_str(), render["reason"].as_str()), (Some("failed"), Some("storage_error")));

    assert!(child.0.try_wait().unwrap().is_none(), "the server is still running");
    let health = client.get(format!("http://{address}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let images = data_dir.join("images").join("generated");
    let left: Vec<_> = std::fs::read_dir(&images).unwrap().map(|entry| entry.unwrap().file_name()).collect();
    assert!(left.is_empty(), "no file or temp file is left: {left:?}");
}
