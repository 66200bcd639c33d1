"""Turns the JSON results of bench/run.sh into bench/REPORT.md, with a verdict per target."""

import datetime
import json
import os
import platform
import sys

results, commit = sys.argv[1], sys.argv[2]


def load(name):
    with open(os.path.join(results, f"{name}.json")) as handle:
        return json.load(handle)


def ms(stats, key="p99"):
    return f"{stats[key]:.2f}" if stats.get("n") else "–"


def verdict(ok, detail):
    return ("**met**" if ok else "**missed**") + f" ({detail})"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as handle:
            return next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown"


lines = [
    "# Benchmark report",
    "",
    f"Commit `{commit}`, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
    f"{os.cpu_count()} cores ({cpu_model()}), Linux {platform.release()}. Release builds; "
    "`uw-server` pinned to CPU 0 and `uw-loadgen` to CPU 1 (`taskset`). Produced by `make bench`.",
    "",
    "Times in ms. *final*/*render* are measured from the moment the request is sent.",
    "",
    "## Overhead: time to `final` minus the paced narrative",
    "",
    "Mock token delay 2 ms, no image; overhead = time to final − (deltas − 1) × 2 ms. The mock paces its",
    "deltas with its own clock (never early, at most 0.5 ms late), not tokio's 1 ms timer.",
    "",
    "| concurrent | turns | turns/s | first byte p99 | first narrative p99 | overhead p50 | p95 | p99 | max | server CPU (cores) | errors |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
]
for concurrency in [1, 10, 100, 500]:
    r = load(f"overhead-{concurrency}")
    o = r["overhead_ms"]
    errors = sum(r["errors"].values()) + sum(r["order_violations"].values())
    lines.append(f"| {concurrency} | {r['turns']} | {r['turns_per_s']:.0f} | {ms(r['first_byte_ms'])} | "
                 f"{ms(r['first_narrative_ms'])} | {ms(o, 'p50')} | {ms(o, 'p95')} | {ms(o)} | {ms(o, 'max')} | "
                 f"{(r.get('server') or {}).get('cpu_share_of_one_core', 0):.2f} | {errors} |")
overhead_100 = load("overhead-100")["overhead_ms"]["p99"]
overhead_floor = load("overhead-1")["overhead_ms"]["p50"]
overhead_cpu = (load("overhead-100").get("server") or {}).get("cpu_share_of_one_core", 0)

text, images = load("throughput-text"), load("throughput-images")
lines += [
    "",
    "## Throughput (zero mock delays)",
    "",
    "| run | clients | turns | turns/s | final p50 | final p99 | render p99 | server CPU (cores) | errors |",
    "|---|---|---|---|---|---|---|---|---|",
]
for name, r in [("no images", text), ("with images (1K scene each)", images)]:
    errors = sum(r["errors"].values()) + sum(r["order_violations"].values())
    server = r.get("server") or {}
    lines.append(f"| {name} | {r['concurrency']} | {r['turns']} | {r['turns_per_s']:.0f} | {ms(r['final_ms'], 'p50')} | "
                 f"{ms(r['final_ms'])} | {ms(r['render_ms'])} | {server.get('cpu_share_of_one_core', 0):.2f} | {errors} |")

hold = load("hold-10000")
server = hold.get("server") or {}
per_stream_kib = (server.get("rss_peak_mib", 0) - server.get("rss_start_mib", 0)) * 1024 / max(hold["turns"], 1)
hold_errors = sum(hold["errors"].values()) + sum(hold["order_violations"].values())
lines += [
    "",
    "## Held-open streams",
    "",
    "10,000 turns started over 5 s, each streaming its narrative 500 ms per delta (about 15 s).",
    "",
    f"- streams completed: {hold['turns']}, most open at once: {hold['max_open_streams']}",
    f"- errors: {hold['errors'] or 'none'}; order violations: {hold['order_violations'] or 'none'}",
    f"- server RSS: {server.get('rss_start_mib', 0):.1f} MiB before, {server.get('rss_peak_mib', 0):.1f} MiB at peak "
    f"→ {per_stream_kib:.1f} KiB per stream",
    f"- inter-event gap (narrative) p50 {ms(hold['narrative_gap_ms'], 'p50')}, p99 {ms(hold['narrative_gap_ms'])}, "
    f"max {ms(hold['narrative_gap_ms'], 'max')} (paced at 500)",
]

alone, busy = load("isolation-alone"), load("isolation-images")
gap_alone, gap_busy = alone["narrative_gap_ms"]["p99"], busy["narrative_gap_ms"]["p99"]
lines += [
    "",
    "## Isolation: narrative gaps while images are painted",
    "",
    "20 clients, narrative paced at 10 ms per delta; in the second run 8 more clients keep 8 images",
    "being painted at all times (mock image delay 0).",
    "",
    "| run | turns | gap p50 | gap p95 | gap p99 | gap max |",
    "|---|---|---|---|---|---|",
]
for name, r in [("alone", alone), ("8 images painting", busy)]:
    g = r["narrative_gap_ms"]
    lines.append(f"| {name} | {r['turns']} | {ms(g, 'p50')} | {ms(g, 'p95')} | {ms(g)} | {ms(g, 'max')} |")

cost = load("image-cost")
text_rate = text["turns_per_s"]
peak = server.get("rss_peak_mib", float("inf"))
hold_ok = hold["turns"] == 10000 and hold_errors == 0 and peak < 300
hold_detail = f"{hold['turns']} streams, peak {peak:.1f} MiB, {hold_errors} errors"
lines += [
    "",
    "## Mock image cost (1K scene, 1024×576)",
    "",
    f"Per image over {cost['images']}: paint {cost['paint_ms']:.2f} ms, PNG encode {cost['encode_ms']:.2f} ms, "
    f"check + store (decode, id, atomic write) {cost['store_ms']:.2f} ms; total {cost['total_ms']:.2f} ms, "
    f"{cost['png_kib']:.1f} KiB each.",
    "",
    "## Targets",
    "",
    "| target | result |",
    "|---|---|",
    f"| overhead p99 < 2 ms at 100 concurrent | {verdict(overhead_100 < 2.0, f'{overhead_100:.2f} ms')} |",
    f"| ≥ 5,000 turns/s without images | {verdict(text_rate >= 5000, f'{text_rate:.0f} turns/s')} |",
    f"| 10,000 open streams, RSS < 300 MiB, no errors | {verdict(hold_ok, hold_detail)} |",
    f"| narrative gap p99 ≤ 5 ms worse with images | {verdict(gap_busy - gap_alone <= 5.0, f'{gap_alone:.2f} → {gap_busy:.2f} ms')} |",
]

misses = []
if overhead_100 >= 2.0:
    first_narrative_100 = load("overhead-100")["first_narrative_ms"]["p99"]
    misses.append(
        f"- **Overhead at 100 concurrent** is {overhead_100:.2f} ms at p99, {overhead_100 - 2.0:.2f} ms over the target. "
        f"An idle server shows {overhead_floor:.2f} ms (p50 at 1 concurrent). At 100 concurrent the deadlines "
        "crowd, the mock clock wakes them in batches up to 0.5 ms late, and the pinned server core is "
        f"{overhead_cpu:.0%} busy, and the first narrative delta alone already takes {first_narrative_100:.2f} ms at "
        "p99: turns queue behind each other on that core. A profile (`perf record` on the server during this "
        "scenario) puts most of its time in the kernel's loopback TCP path: every narrative delta is its own "
        "write, as streaming requires, and on loopback the sender's write also runs the receiver's side. Less "
        "work per event (fewer wake-ups, fewer allocations per frame) is what would close the rest."
    )
if gap_busy - gap_alone > 5.0:
    misses.append(f"- **Isolation**: the narrative gap p99 grew by {gap_busy - gap_alone:.2f} ms while images were painted.")
if text_rate < 5000:
    misses.append(f"- **Throughput** without images is {text_rate:.0f} turns/s, {5000 - text_rate:.0f} short.")
if not hold_ok:
    misses.append(f"- **Held-open streams**: {hold_detail}.")
if misses:
    lines += ["", "## Why a target was missed", ""] + misses
print("\n".join(lines))
