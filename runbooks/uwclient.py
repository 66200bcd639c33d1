"""A small client of the turn server for the runbook scenarios: POST a turn and read its
Server-Sent Events incrementally, fetch JSON and raw responses, and report PASS/FAIL lines.
Standard library only, so the scenarios run anywhere Python 3 does."""

import http.client
import json
import os
import struct
import sys
import urllib.parse
import zlib

BASE_URL = os.environ.get("UW_URL", "http://127.0.0.1:8011").rstrip("/")


def connection(timeout=60):
    parts = urllib.parse.urlsplit(BASE_URL)
    return http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)


def turn_input(language="en-US", signal=100, memory_shard=5, text="I open the rusted door.", **extra):
    body = {
        "language": language,
        "text": text,
        "client": {"viewport_w": 1280, "viewport_h": 720},
        "economy_snapshot": {"signal": signal, "memory_shard": memory_shard},
    }
    body.update(extra)
    return body


class Event:
    def __init__(self, event_id, name, data):
        self.id = event_id
        self.name = name
        self.data = data

    def __repr__(self):
        return f"Event({self.id}, {self.name})"


def read_events(response):
    """Parses an SSE body line by line as it arrives: ids, event names, data, comments, retry."""
    event_id, name, data_lines, retry = None, "message", [], None
    while True:
        raw = response.readline()
        if not raw:
            return
        line = raw.decode("utf-8").rstrip("\r\n")
        if line == "":
            if data_lines:
                yield Event(event_id, name, json.loads("\n".join(data_lines)))
            event_id, name, data_lines = None, "message", []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "id":
            event_id = int(value)
        elif field == "event":
            name = value
        elif field == "data":
            data_lines.append(value)
        elif field == "retry":
            retry = int(value)


def post_turn(body, **query):
    """Runs one turn through POST /api/turn and returns (status, headers, events or error body)."""
    path = "/api/turn"
    if query:
        path += "?" + urllib.parse.urlencode(query)
    conn = connection()
    payload = body if isinstance(body, (bytes, str)) else json.dumps(body)
    conn.request("POST", path, body=payload, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    headers = {k.lower(): v for k, v in response.getheaders()}
    if response.status != 200:
        error = json.loads(response.read() or b"null")
        conn.close()
        return response.status, headers, error
    events = list(read_events(response))
    conn.close()
    return response.status, headers, events


def request(method, path, body=None, headers=None):
    """One plain request; returns (status, headers, body bytes)."""
    conn = connection()
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def get_json(path):
    status, _, data = request("GET", path)
    return status, json.loads(data) if data else None


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def decode_png_rgba(data):
    """Decodes an 8-bit RGBA, non-interlaced PNG into rows of (r, g, b, a) tuples."""
    width, height = png_size(data)
    bit_depth, colour_type, _, _, interlace = data[24:29]
    if (bit_depth, colour_type, interlace) != (8, 6, 0):
        raise ValueError(f"expected 8-bit RGBA non-interlaced, got depth {bit_depth} type {colour_type}")
    chunks, offset = b"", 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        kind = data[offset + 4:offset + 8]
        if kind == b"IDAT":
            chunks += data[offset + 8:offset + 8 + length]
        offset += 12 + length
    raw = zlib.decompress(chunks)
    stride, bpp, rows, previous = width * 4, 4, [], bytearray(width * 4)
    for y in range(height):
        start = y * (stride + 1)
        filter_type, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            up_left = previous[i - bpp] if i >= bpp else 0
            if filter_type == 1:
                line[i] = (line[i] + left) & 0xFF
            elif filter_type == 2:
                line[i] = (line[i] + up) & 0xFF
            elif filter_type == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
            elif filter_type == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                predictor = left if pa <= pb and pa <= pc else (up if pb <= pc else up_left)
                line[i] = (line[i] + predictor) & 0xFF
        rows.append([tuple(line[x * 4:x * 4 + 4]) for x in range(width)])
        previous = line
    return rows


class Report:
    """Collects PASS/FAIL lines; `finish` exits non-zero when anything failed."""

    def __init__(self, scenario):
        self.scenario = scenario
        self.failures = 0
        print(f"== {scenario}")

    def check(self, condition, what, detail=""):
        if condition:
            print(f"PASS {what}")
        else:
            self.failures += 1
            print(f"FAIL {what}" + (f": {detail}" if detail else ""))
        return condition

    def finish(self):
        verdict = "PASS" if self.failures == 0 else f"FAIL ({self.failures} checks failed)"
        print(f"== {self.scenario}: {verdict}")
        sys.exit(0 if self.failures == 0 else 1)


def check_event_order(report, events):
    """The order of docs/protocol.md, checked on one turn's events."""
    names = [event.name for event in events]
    report.check(names[:1] == ["turn"], "the turn event comes first", names[:3])
    report.check([e.id for e in events] == list(range(1, len(events) + 1)), "ids count 1..n without gaps")
    report.check(names.count("final") == 1, "exactly one final", names.count("final"))
    report.check(names.count("render") == 1, "exactly one render", names.count("render"))
    report.check(names[-1:] == ["render"], "render is the last event", names[-3:])
    stages = [(e.data["name"], e.data["status"]) for e in events if e.name == "stage"]
    order = ["parse", "validate", "plan", "resolve", "render", "verify", "commit"]
    report.check([s[0] for s in stages] == [p for p in order for _ in range(2)], "stages run in order, start then end")
    if "final" in names and "narrative" in names:
        report.check(names.index("narrative") < names.index("final"), "narrative streams before final")
        report.check(all(n != "narrative" for n in names[names.index("final"):]), "no narrative after final")
    final = next((e.data["data"] for e in events if e.name == "final"), None)
    last_repair = max((i for i, n in enumerate(names) if n == "repair"), default=-1)
    streamed = "".join(e.data["text"] for e in events[last_repair + 1:] if e.name == "narrative")
    report.check(final is not None and streamed == final["narrative"], "the deltas add up to the final narrative")
    return final, (events[-1].data if events and events[-1].name == "render" else None)
