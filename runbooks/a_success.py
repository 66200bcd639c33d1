#!/usr/bin/env python3
"""Scenario A, success: a scene image is generated, stored, served and synced into the turn."""

import re

from uwclient import Report, check_event_order, get_json, post_turn, png_size, request, turn_input

report = Report("A success: image URL synced")
status, headers, events = post_turn(turn_input(), seed=11, mock_image="scene")
report.check(status == 200, "POST /api/turn streams", status)
report.check(headers.get("content-type", "").startswith("text/event-stream"), "the answer is an event stream")
report.check(headers.get("x-accel-buffering") == "no", "proxies are told not to buffer")
final, render = check_event_order(report, events)

job = final["render"]["image_job"]
report.check(job["should_generate"] is True and final["render"]["image_url"] is None, "final shows the image as pending")
report.check(render["status"] == "completed" and render["reason"] is None, "render completed", render["status"])
synced = render["render"]
url, image_id = synced["image_url"], synced["image_id"]
report.check(bool(re.fullmatch(r"/static/images/generated/img_[0-9a-f]{24}\.(png|jpg|webp)", url or "")), "the URL is ours", url)
report.check(url is not None and image_id and url.split("/")[-1].startswith(image_id + "."), "the id names the file")
report.check(isinstance(synced["generation_time_ms"], int) and synced["generation_time_ms"] >= 0, "generation time in ms")
report.check(synced["image_job"]["should_generate"] is False, "the synced job will not be generated again")
report.check(synced["background_removed"] is False, "no background removal was asked")

status, image_headers, data = request("GET", url)
report.check(status == 200, "the image is served", status)
report.check(image_headers.get("cache-control") == "public, max-age=31536000, immutable", "immutable caching")
width, height = png_size(data)
report.check(max(width, height) == 1024 and abs(width * 9 - height * 16) <= 16, "a 16:9 picture, long side 1024", (width, height))

turn_id = events[0].data["turn_id"]
status, result = get_json(f"/api/turns/{turn_id}")
report.check(status == 200 and result["status"] == "complete", "the turn is complete", result and result.get("status"))
report.check(result["output"]["render"] == synced, "GET /api/turns/{id} holds the synced render")
report.finish()
