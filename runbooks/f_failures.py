#!/usr/bin/env python3
"""Scenario F, failures: a failed image ends with a failed render, a reason, a localized message,
no URL, and the image charge refunded; a safety block also marks the turn's safety."""

from uwclient import Report, check_event_order, get_json, post_turn, turn_input

report = Report("F failures: timeout, provider error, safety block, refund")
for mode, reason in [("fail", "provider_error"), ("timeout", "timeout"), ("safety", "safety_blocked")]:
    for language in ["en-US", "ko-KR"]:
        status, _, events = post_turn(turn_input(language=language, signal=100), seed=4, mock_image=mode)
        report.check(status == 200, f"mock_image={mode} ({language}) streams")
        final, render = check_event_order(report, events)
        label = f"{mode}/{language}"
        report.check(render["status"] == "failed" and render["reason"] == reason, f"{label}: failed with {reason}", render["reason"])
        report.check(render["render"]["image_url"] is None and render["render"]["image_id"] is None, f"{label}: no image")
        report.check(isinstance(render["render"]["generation_time_ms"], int), f"{label}: the time spent is reported")
        message = render["message"] or ""
        korean = any("\uac00" <= c <= "\ud7a3" for c in message)
        report.check(bool(message) and korean == (language == "ko-KR"), f"{label}: a message in the turn's language", message)
        charged, refunded = final["economy"], render["economy"]
        report.check(refunded is not None, f"{label}: the render event carries the refund")
        if refunded:
            report.check(refunded["cost"]["signal"] == charged["cost"]["signal"] - 10, f"{label}: the image cost is refunded",
                         (charged["cost"], refunded["cost"]))
            report.check(refunded["balance_after"]["signal"] == charged["balance_after"]["signal"] + 10, f"{label}: the balance is restored")
        status, result = get_json(f"/api/turns/{events[0].data['turn_id']}")
        report.check(result["output"]["economy"] == refunded, f"{label}: the stored result holds the refund")
        if mode == "safety":
            report.check(render["safety"] is not None and render["safety"]["blocked"] is True, f"{label}: safety.blocked in the render event")
            badges = result["output"]["agent_console"]["badges"]
            report.check("safety_blocked" in badges and "safety_ok" not in badges, f"{label}: the badge says safety_blocked", badges)
report.finish()
