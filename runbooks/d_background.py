#!/usr/bin/env python3
"""Scenario D, background removal: an item sprite comes back as a PNG with transparent corners."""

from uwclient import Report, check_event_order, decode_png_rgba, post_turn, request, turn_input

report = Report("D background removal")
status, _, events = post_turn(turn_input(text="I pick up the key."), seed=8, mock_image="item")
report.check(status == 200, "mock_image=item streams")
final, render = check_event_order(report, events)
job = final["render"]["image_job"]
report.check(job["remove_background"] is True and job["image_type_hint"] == "item", "an item job asks for removal")
report.check(job["aspect_ratio"] == "1:1", "item sprites are square")
report.check(render["status"] == "completed", "render completed", render["status"])
report.check(render["render"]["background_removed"] is True, "background_removed is true")
url = render["render"]["image_url"]
report.check(url.endswith(".png"), "the sprite is a PNG", url)
status, _, data = request("GET", url)
rows = decode_png_rgba(data)
height, width = len(rows), len(rows[0])
corners = [rows[0][0], rows[0][width - 1], rows[height - 1][0], rows[height - 1][width - 1]]
report.check(all(pixel[3] == 0 for pixel in corners), "the four corners are transparent", corners)
report.check(rows[height // 2][width // 2][3] > 0, "the item itself is visible")
report.finish()
