//! Reconnects: replay after `Last-Event-ID` (header or query), 204 at the end, 404 for unknown
//! turns, and a client that leaves mid-stream and comes back.

use serde_json::Value;

use super::helpers::{Event, SseReader, TestApp, check_order, spawn_app, spawn_app_with, turn_body, turn_id};

/// Starts a slow-image turn and reads its stream until `count` events have arrived, then drops
/// the connection.
async fn read_then_leave(app: &TestApp, count: usize) -> Vec<Event> {
    let response = app.post_turn("mock_image=scene&seed=9", &turn_body(100)).await;
    let mut reader = SseReader::new(response);
    let mut events = Vec::new();
    while events.len() < count {
        events.push(reader.next_event().await.unwrap());
    }
    events
}

#[tokio::test]
async fn a_client_that_leaves_mid_stream_gets_the_rest_with_last_event_id_and_no_duplicates() {
    let app = spawn_app_with(&[("UW_MOCK_IMAGE_DELAY_MS", "500")]).await;
    let mut events = read_then_leave(&app, 8).await;
    let id = turn_id(&events);
    let response =
        app.client.get(app.url(&format!("/api/turns/{id}/events"))).header("Last-Event-ID", "8").send().await.unwrap();
    assert_eq!(response.status(), 200);
    let rest = SseReader::new(response).collect().await;
    assert_eq!(rest.first().map(|e| e.id), Some(9), "the replay starts after the last event seen");
    events.extend(rest);
    let (_, render) = check_order(&events);
    assert_eq!(render["status"], "completed");
}

#[tokio::test]
async fn the_last_event_id_query_parameter_resumes_like_the_header() {
    let app = spawn_app_with(&[("UW_MOCK_IMAGE_DELAY_MS", "500")]).await;
    let mut events = read_then_leave(&app, 5).await;
    let id = turn_id(&events);
    let response = app.get(&format!("/api/turns/{id}/events?last_event_id=5")).await;
    assert_eq!(response.status(), 200);
    events.extend(SseReader::new(response).collect().await);
    check_order(&events);
}

#[tokio::test]
async fn the_header_wins_over_the_query_parameter() {
    let app = spawn_app().await;
    let events = app.run_turn("mock_image=none&seed=1").await;
    let id = turn_id(&events);
    let response = app
        .client
        .get(app.url(&format!("/api/turns/{id}/events?last_event_id=1")))
        .header("Last-Event-ID", "3")
        .send()
        .await
        .unwrap();
    let rest = SseReader::new(response).collect().await;
    assert_eq!(rest.first().map(|e| e.id), Some(4));
}

#[tokio::test]
async fn a_finished_turn_replays_every_event_from_the_start() {
    let app = spawn_app().await;
    let events = app.run_turn("mock_image=scene&seed=3").await;
    let replay = SseReader::new(app.get(&format!("/api/turns/{}/events", turn_id(&events))).await).collect().await;
    let strip = |events: &[Event]| events.iter().map(|e| (e.id, e.name.clone(), e.data.clone())).collect::<Vec<_>>();
    assert_eq!(strip(&replay), strip(&events), "the replay is the stream, byte for byte in meaning");
}

#[tokio::test]
async fn a_reconnect_after_the_last_event_of_a_finished_turn_is_204() {
    let app = spawn_app().await;
    let events = app.run_turn("mock_image=none&seed=2").await;
    let id = turn_id(&events);
    let last = events.last().unwrap().id.to_string();
    let response = app
        .client
        .get(app.url(&format!("/api/turns/{id}/events")))
        .header("Last-Event-ID", &last)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let response = app.get(&format!("/api/turns/{id}/events?last_event_id={last}")).await;
    assert_eq!(response.status(), 204);
    let before_last = (events.len() - 1).to_string();
    let response = app.get(&format!("/api/turns/{id}/events?last_event_id={before_last}")).await;
    let rest = SseReader::new(response).collect().await;
    assert_eq!(rest.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["render"], "only render is left");
}

#[tokio::test]
async fn an_unknown_turn_is_404_not_found_for_events_and_result() {
    let app = spawn_app().await;
    for path in ["/api/turns/t_doesnotexist/events", "/api/turns/t_doesnotexist", "/api/turns/bad%20id"] {
        let (status, body) = app.get_json(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["code"], "not_found");
        assert_eq!(body["error"]["field"], Value::Null);
    }
}

#[tokio::test]
async fn a_bad_last_event_id_is_400_bad_query() {
    let app = spawn_app().await;
    let events = app.run_turn("mock_image=none&seed=2").await;
    let id = turn_id(&events);
    for (query, field) in [("last_event_id=abc", "last_event_id"), ("since=3", "since")] {
        let (status, body) = app.get_json(&format!("/api/turns/{id}/events?{query}")).await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("bad_query")), "{query}");
        assert_eq!(body["error"]["field"], field);
    }
}

#[tokio::test]
async fn a_last_event_id_beyond_the_turn_is_400_while_running_and_204_once_complete() {
    let app = spawn_app_with(&[("UW_MOCK_IMAGE_DELAY_MS", "1000")]).await;
    let links: Value = app.post_turns("mock_image=scene&seed=1", &turn_body(100)).await.json().await.unwrap();
    let events_url = links["events_url"].as_str().unwrap();
    let (status, body) = app.get_json(&format!("{events_url}?last_event_id=999")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("bad_query")));
    let events = SseReader::new(app.get(events_url).await).collect().await;
    check_order(&events);
    assert_eq!(app.get(&format!("{events_url}?last_event_id=999")).await.status(), 204);
}

#[tokio::test]
async fn an_empty_last_event_id_header_replays_from_the_start() {
    let app = spawn_app().await;
    let events = app.run_turn("mock_image=none&seed=2").await;
    let url = app.url(&format!("/api/turns/{}/events", turn_id(&events)));
    let response = app.client.get(url).header("Last-Event-ID", "").send().await.unwrap();
    assert_eq!(SseReader::new(response).collect().await.len(), events.len());
}

#[tokio::test]
async fn a_turn_past_its_retention_is_404_and_the_count_limit_forgets_the_oldest() {
    let app = spawn_app_with(&[("UW_TURN_RETENTION_S", "1"), ("UW_TURN_RETENTION_MAX", "2")]).await;
    let first = turn_id(&app.run_turn("mock_image=none").await);
    assert_eq!(app.get_json(&format!("/api/turns/{first}")).await.0, 200, "readable while retained");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(app.get_json(&format!("/api/turns/{first}")).await.0, 404, "expired by age");
    assert_eq!(app.get(&format!("/api/turns/{first}/events")).await.status(), 404);

    let mut ids = Vec::new();
    for _ in 0..4 {
        ids.push(turn_id(&app.run_turn("mock_image=none").await));
    }
    // Retention is applied as turns start: the next start forgets all completed turns but the
    // newest two, and the turn it starts joins them when it completes.
    let last = turn_id(&app.run_turn("mock_image=none").await);
    let mut statuses = Vec::new();
    for id in &ids {
        statuses.push(app.get_json(&format!("/api/turns/{id}")).await.0);
    }
    assert_eq!(statuses, [404, 404, 200, 200], "only the newest completed turns stay");
    assert_eq!(app.get_json(&format!("/api/turns/{last}")).await.0, 200);
}
