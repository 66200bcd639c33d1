#!/usr/bin/env python3
"""Scenario B, skipped: turns without an image pass through unchanged and end with a skip."""

from uwclient import Report, check_event_order, get_json, post_turn, turn_input

report = Report("B skipped: pass-through")
for mode, reason in [("none", "no_image_job"), ("skip", "should_generate_false")]:
    status, _, events = post_turn(turn_input(), seed=3, mock_image=mode)
    report.check(status == 200, f"mock_image={mode} streams")
    final, render = check_event_order(report, events)
    report.check(render["status"] == "skipped" and render["reason"] == reason, f"render skipped: {reason}", render["reason"])
    report.check(render["render"] == final["render"], "the render part passes through unchanged")
    report.check(render["render"]["image_url"] is None and render["economy"] is None, "no image, no economy change")
    cost = final["economy"]["cost"]["signal"]
    report.check(1 <= cost <= 5, "only the turn's own cost is charged", cost)
    status, result = get_json(f"/api/turns/{events[0].data['turn_id']}")
    report.check(result["output"] == final, "the stored result equals final")
report.finish()
