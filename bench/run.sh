#!/usr/bin/env bash
# The benchmark suite: release builds of uw-server and uw-loadgen, the server pinned to CPU 0 and
# the load generator to CPU 1, one fresh server per scenario. Writes bench/REPORT.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}
results=$(mktemp -d)
trap 'stop_server; rm -rf "$results"' EXIT

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
(cd "$root" && cargo build --release --quiet -p server --bin uw-server -p loadgen --bin uw-loadgen \
  && cargo build --release --quiet -p orchestrator --example mock_image_cost)
server_bin="$target_dir/release/uw-server"
loadgen_bin="$target_dir/release/uw-loadgen"
pin_server=(taskset -c 0)
pin_loadgen=(taskset -c 1)
command -v taskset >/dev/null || { pin_server=(); pin_loadgen=(); }

source "$root/tests/start_server.sh"
server_pid=""
start_server() {
  stop_server
  local work="$results/server-$RANDOM"
  start_uw_server "$work" env RUST_LOG=warn UW_MAX_TURNS_IN_FLIGHT=20000 UW_TURN_RETENTION_S=30 "$@" \
    "${pin_server[@]}" "$server_bin" || exit 1
  url=$server_url
}
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""; fi
}
load() {
  local name=$1; shift
  echo "bench: $name" >&2
  "${pin_loadgen[@]}" "$loadgen_bin" --url "$url" --server-pid "$server_pid" --json "$@" >"$results/$name.json"
}

# Overhead: time to final minus the paced narrative, at growing concurrency.
for concurrency in 1 10 100 500; do
  start_server UW_MOCK_TOKEN_DELAY_MS=2 UW_MOCK_IMAGE_DELAY_MS=0
  load "overhead-$concurrency" --concurrency "$concurrency" --duration-s 8 --mock-image none --token-delay-ms 2 --ramp-ms 500
done

# Throughput: zero delays, without and with images.
start_server UW_MOCK_TOKEN_DELAY_MS=0 UW_MOCK_IMAGE_DELAY_MS=0
load throughput-text --concurrency 64 --duration-s 10 --mock-image none
start_server UW_MOCK_TOKEN_DELAY_MS=0 UW_MOCK_IMAGE_DELAY_MS=0
load throughput-images --concurrency 16 --duration-s 10 --mock-image scene

# Held-open streams: 10,000 turns whose narratives take about 15 s each.
start_server UW_MOCK_TOKEN_DELAY_MS=500 UW_MOCK_IMAGE_DELAY_MS=0
load hold-10000 --mode hold --concurrency 10000 --ramp-ms 5000 --mock-image none --token-delay-ms 500

# Isolation: narrative pacing alone, then while 8 images are painted all the time.
start_server UW_MOCK_TOKEN_DELAY_MS=10 UW_MOCK_IMAGE_DELAY_MS=0 UW_MAX_CONCURRENT_IMAGES=8
load isolation-alone --concurrency 20 --duration-s 10 --mock-image none --token-delay-ms 10
start_server UW_MOCK_TOKEN_DELAY_MS=10 UW_MOCK_IMAGE_DELAY_MS=0 UW_MAX_CONCURRENT_IMAGES=8
load isolation-images --concurrency 20 --duration-s 10 --mock-image none --token-delay-ms 10 --background-images 8
stop_server

# The mock image's own cost, on the server's core.
"${pin_server[@]}" "$target_dir/release/examples/mock_image_cost" 30 >"$results/image-cost.json"

# The background-removal section (make bench-cutout) is kept across a rewrite of the rest.
cutout_section=$(sed -n '/<!-- cutout:start -->/,/<!-- cutout:end -->/p' "$here/REPORT.md" 2>/dev/null || true)
python3 "$here/report.py" "$results" "$(cd "$root" && git rev-parse --short HEAD)" >"$here/REPORT.md"
if [ -n "$cutout_section" ]; then printf '\n%s\n' "$cutout_section" >>"$here/REPORT.md"; fi
echo "bench: wrote bench/REPORT.md"
