#!/usr/bin/env python3
"""Scenario E, field validation: RenderOutput fields and types, and bad input refused before any
byte streams, with the status, code and field path of docs/protocol.md."""

import json

from uwclient import Report, check_event_order, get_json, post_turn, request, turn_input

report = Report("E field validation")
status, _, events = post_turn(turn_input(), seed=2, mock_image="scene")
final, render = check_event_order(report, events)
for where, part in [("final", final["render"]), ("render", render["render"])]:
    report.check(list(part) == ["image_job", "image_url", "image_id", "generation_time_ms", "background_removed"],
                 f"{where}: every RenderOutput field is present, in order", list(part))
    report.check(isinstance(part["background_removed"], bool), f"{where}: background_removed is a bool")
    report.check(part["image_url"] is None or isinstance(part["image_url"], str), f"{where}: image_url is a string or null")
    report.check(part["generation_time_ms"] is None or isinstance(part["generation_time_ms"], int), f"{where}: generation_time_ms is an int or null")
report.check(set(render) == {"status", "reason", "message", "render", "economy", "safety"}, "render event keys", sorted(render))


def bad(name, body, expected_status, code, field=None, query=None, content_type="application/json"):
    path = "/api/turn" + (f"?{query}" if query else "")
    payload = body if isinstance(body, (str, bytes)) else json.dumps(body)
    status, headers, data = request("POST", path, body=payload, headers={"Content-Type": content_type})
    error = json.loads(data or b"{}").get("error", {})
    report.check(status == expected_status and error.get("code") == code and error.get("field") == field,
                 f"{name}: {expected_status} {code} {field or ''}".rstrip(), (status, error))
    report.check(not headers.get("content-type", "").startswith("text/event-stream"), f"{name}: nothing streamed")
    health, result = get_json("/healthz")
    report.check(health == 200 and result["status"] == "ok", f"{name}: the server is healthy after it")


bad("malformed JSON", '{"language": ', 400, "malformed_json")
bad("wrong content type", json.dumps(turn_input()), 415, "unsupported_media_type", content_type="text/plain")
bad("unknown key", turn_input(cheat=True), 422, "invalid_input", "cheat")
bad("a string for an int", turn_input(economy_snapshot={"signal": "5", "memory_shard": 0}), 422, "invalid_input", "economy_snapshot.signal")
bad("a negative balance", turn_input(signal=-1), 422, "invalid_input", "economy_snapshot.signal")
bad("2001 characters of text", turn_input(text="x" * 2001), 422, "invalid_input", "text")
bad("an id with bad characters", turn_input(action_id="card 1!"), 422, "invalid_input", "action_id")
bad("an inverted box", turn_input(click={"object_id": "door", "box_2d": {"ymin": 9, "xmin": 1, "ymax": 2, "xmax": 5}}), 422, "invalid_input", "click.box_2d")
bad("a foreign previous image", turn_input(previous_image_url="https://example.com/a.png"), 422, "invalid_input", "previous_image_url")
bad("an unknown mock_image", turn_input(), 400, "bad_query", "mock_image", query="mock_image=sometimes")
bad("a body over 64 KiB", turn_input(scene_context="x" * 70000), 413, "too_large")

for path in ["/api/turns/t_doesnotexist", "/api/turns/t_doesnotexist/events"]:
    status, body = get_json(path)
    report.check(status == 404 and body["error"]["code"] == "not_found", f"GET {path} is 404 not_found", status)
report.finish()
