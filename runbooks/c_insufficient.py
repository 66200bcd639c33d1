#!/usr/bin/env python3
"""Scenario C, insufficient balance: no image, a warning, and no charge for it."""

from uwclient import Report, check_event_order, post_turn, turn_input

report = Report("C insufficient balance: text-only fallback")
for language, snapshot in [("en-US", 3), ("ko-KR", 9)]:
    status, _, events = post_turn(turn_input(language=language, signal=snapshot), seed=5, mock_image="scene")
    report.check(status == 200, f"{language} with {snapshot} Signal streams")
    final, render = check_event_order(report, events)
    report.check(render["status"] == "skipped" and render["reason"] == "insufficient_balance", "render skipped: insufficient_balance")
    report.check(bool(render["message"]), "the player is told why", render["message"])
    if language == "ko-KR":
        report.check(any("\uac00" <= c <= "\ud7a3" for c in render["message"]), "the message is in Korean")
    economy = final["economy"]
    report.check(economy["low_balance_warning"] is True, "low balance warning")
    cost, gains = economy["cost"], economy["gains"]
    report.check(1 <= cost["signal"] <= 5, "the image is not charged", cost)
    expected = max(0, snapshot - cost["signal"] + gains["signal"])
    report.check(economy["balance_after"]["signal"] == expected, "balance_after = max(0, snapshot - cost + gains)")
    credit = max(0, cost["signal"] - snapshot - gains["signal"])
    report.check(economy["credit"] == credit, "credit follows the invariant", economy["credit"])
    report.check(final["render"]["image_job"]["should_generate"] is False, "the job is not left pending")
report.finish()
