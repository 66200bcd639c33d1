//! `GET /metrics`: the engine's counters and the open streams, in Prometheus text format.

use std::fmt::Write;

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use super::AppState;

pub(super) async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(render(&state))
}

fn render(state: &AppState) -> String {
    let snapshot = state.engine.metrics();
    let mut out = String::new();
    let mut single = |name: &str, kind: &str, help: &str, value: u64| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}");
    };
    single("uw_turns_started_total", "counter", "Turns started.", snapshot.turns_started);
    single("uw_turns_completed_total", "counter", "Turns that sent their render event.", snapshot.turns_completed);
    single("uw_turns_in_flight", "gauge", "Turns started whose render event is not out yet.", snapshot.turns_in_flight);
    single("uw_images_in_flight", "gauge", "Images being generated now.", snapshot.images_in_flight);
    single("uw_open_streams", "gauge", "Event streams being served now.", state.open_streams.get());

    let name = "uw_render_outcomes_total";
    let _ = writeln!(out, "# HELP {name} How the image work of turns ended.\n# TYPE {name} counter");
    for (status, reason, count) in &snapshot.render_outcomes {
        let _ = writeln!(out, "{name}{{status=\"{status}\",reason=\"{reason}\"}} {count}");
    }

    let name = "uw_image_generation_seconds";
    let _ = writeln!(out, "# HELP {name} Time to generate and store one image.\n# TYPE {name} histogram");
    for (bound_ms, count) in &snapshot.generation_time_buckets {
        let _ = writeln!(out, "{name}_bucket{{le=\"{}\"}} {count}", *bound_ms as f64 / 1000.0);
    }
    let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {}", snapshot.generation_time_count);
    let _ = writeln!(out, "{name}_sum {}", snapshot.generation_time_sum_ms as f64 / 1000.0);
    let _ = writeln!(out, "{name}_count {}", snapshot.generation_time_count);
    out
}
