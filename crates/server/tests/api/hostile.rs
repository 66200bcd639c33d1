//! Requests as an attacker sends them, over raw TCP: bodies that never come and more
//! connections than the server serves.

use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::helpers::*;

/// Reads one HTTP/1.1 response with a `content-length` body: its status and JSON body.
async fn read_response(stream: &mut TcpStream) -> (u16, Value) {
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    let read_whole = async {
        loop {
            if let Some(end) = answer.windows(4).position(|window| window == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&answer[..end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|value| value.trim().parse().ok())
                    .unwrap_or(0);
                if answer.len() >= end + 4 + length {
                    return (head, answer[end + 4..end + 4 + length].to_vec());
                }
            }
            let read = stream.read(&mut chunk).await.unwrap();
            assert!(read > 0, "the connection closed before a whole response");
            answer.extend_from_slice(&chunk[..read]);
        }
    };
    let (head, body) = tokio::time::timeout(Duration::from_secs(30), read_whole).await.expect("an answer within 30 s");
    let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.address.trim_start_matches("http://")).await.unwrap()
}

/// `GET path` on a connection of its own.
async fn get_alone(app: &TestApp, path: &str) -> (u16, Value) {
    let mut stream = connect(app).await;
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    read_response(&mut stream).await
}

/// The head of a turn request that promises a body of `length` bytes.
fn turn_head(length: usize) -> String {
    format!(
        "POST /api/turn HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
}

#[tokio::test]
async fn a_body_that_never_comes_is_answered_408_once_the_body_timeout_passes() {
    let app = spawn_app_with(&[("UW_BODY_TIMEOUT_MS", "300")]).await;
    let mut stream = connect(&app).await;
    stream.write_all(turn_head(500).as_bytes()).await.unwrap();
    stream.write_all(b"{\"language\": ").await.unwrap();
    let (status, body) = read_response(&mut stream).await;
    assert_eq!((status, body["error"]["code"].as_str()), (408, Some("request_timeout")));
    app.assert_healthy().await;
}

#[tokio::test]
async fn past_the_connection_cap_only_the_health_check_is_served_until_connections_close() {
    let app = spawn_app_with(&[("UW_MAX_CONNECTIONS", "3"), ("UW_BODY_TIMEOUT_MS", "60000")]).await;
    // Each holder is served once (so it is surely counted), then sits on a body it never sends.
    let mut holders = Vec::new();
    for _ in 0..3 {
        let mut stream = connect(&app).await;
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n").await.unwrap();
        assert_eq!(read_response(&mut stream).await.0, 200);
        stream.write_all(turn_head(500).as_bytes()).await.unwrap();
        holders.push(stream);
    }

    let (status, body) = get_alone(&app, "/healthz").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")), "the health check gets in at the cap");
    let (status, body) = get_alone(&app, "/api/schema/turn-input").await;
    assert_eq!((status, body["error"]["code"].as_str()), (503, Some("overloaded")), "{body}");

    drop(holders);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, _) = get_alone(&app, "/api/schema/turn-input").await;
        if status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "closed connections give their places back");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn temporary_files_a_killed_run_left_are_removed_at_startup() {
    let temp = tempfile::tempdir().unwrap();
    let data_dir = temp.path().join("data");
    let images = data_dir.join("images").join("generated");
    std::fs::create_dir_all(&images).unwrap();
    std::fs::write(images.join(".tmp-4242-0"), vec![7u8; 10_000]).unwrap();
    std::fs::write(images.join(".tmp-Xy7Qa1"), b"half an image").unwrap();
    std::fs::write(images.join("notes.txt"), b"not ours to remove").unwrap();

    let app = spawn_app_with(&[("UW_DATA_DIR", data_dir.to_str().unwrap())]).await;
    app.assert_healthy().await;
    let mut left: Vec<String> =
        std::fs::read_dir(&images).unwrap().map(|entry| entry.unwrap().file_name().into_string().unwrap()).collect();
    left.sort();
    assert_eq!(left, ["notes.txt"]);
}
