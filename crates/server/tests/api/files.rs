//! Files: the web client, generated images, schemas, and paths that try to climb out.

use serde_json::Value;

use super::helpers::spawn_app;

#[tokio::test]
async fn the_root_serves_the_web_client() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(response.text().await.unwrap().contains("app.js"));
    assert_eq!(app.get("/app.js").await.status(), 200);
    assert_eq!(app.get("/style.css").await.status(), 200);
}

#[tokio::test]
async fn a_missing_image_or_file_is_404_json() {
    let app = spawn_app().await;
    for path in [
        "/static/images/generated/img_000000000000000000000000.png",
        "/static/images/generated/not-an-image.txt",
        "/static/images/generated/",
        "/missing.js",
    ] {
        let (status, body) = app.get_json(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
}

#[tokio::test]
async fn paths_that_climb_out_never_leak_a_file() {
    let app = spawn_app().await;
    std::fs::write(app.data_dir.join("secret.txt"), "top secret").unwrap();
    std::fs::write(app.data_dir.join("images/secret.txt"), "top secret").unwrap();
    for path in [
        "/static/images/generated/../../Cargo.toml",
        "/static/images/generated/../secret.txt",
        "/static/images/generated/..%2fsecret.txt",
        "/static/images/generated/..%2f..%2fsecret.txt",
        "/static/images/generated/%2e%2e/%2e%2e/secret.txt",
        "/static/images/generated/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/static/images/generated/....//secret.txt",
        "/../Cargo.toml",
        "/..%2fCargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2e%2e%2fCargo.toml",
        "/.%2e/.%2e/Cargo.toml",
        "/..\\Cargo.toml",
        "/static/../../Cargo.toml",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
    ] {
        let (status, body) = app.raw_get(path).await;
        assert_ne!(status, 200, "{path} was served");
        assert!(
            !body.contains("secret") && !body.contains("[workspace]") && !body.contains("root:"),
            "{path} leaked: {body}"
        );
        if !body.is_empty() {
            let json: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{path}: not JSON: {body}"));
            assert!(json["error"]["code"].is_string(), "{path}: {body}");
        }
    }
    app.assert_healthy().await;
}

#[tokio::test]
async fn the_schemas_are_served_as_json() {
    let app = spawn_app().await;
    for (path, property) in [("/api/schema/turn-input", "economy_snapshot"), ("/api/schema/turn-output", "narrative")] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200);
        let schema: Value = response.json().await.unwrap();
        assert!(schema["properties"][property].is_object(), "{path} describes {property}");
    }
}

#[tokio::test]
async fn head_is_answered_on_the_health_check_and_on_images() {
    let app = spawn_app().await;
    let health = app.client.head(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    let events = app.run_turn("mock_image=scene&seed=3").await;
    let render = &events.last().unwrap().data;
    let url = render["render"]["image_url"].as_str().expect("an image was made");
    let image = app.client.head(app.url(url)).send().await.unwrap();
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["content-type"], "image/png");
    assert!(image.bytes().await.unwrap().is_empty(), "HEAD has no body");
}
