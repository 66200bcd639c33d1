#!/usr/bin/env bash
# Runs the web client's browser tests: installs Debian's chromium, playwright-core and axe-core
# when they are missing, starts uw-server on a free port, runs the tests, stops the server.
# A test that hangs fails after TEST_TIMEOUT_MS; the whole suite is killed after SUITE_TIMEOUT_S.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y chromium >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y chromium >/dev/null; }
fi
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

target_dir=${CARGO_TARGET_DIR:-$root/target}
(cd "$root" && cargo build --quiet -p server --bin uw-server)
work=$(mktemp -d)
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
source "$root/tests/start_server.sh"
start_uw_server "$work" env UW_STATIC_DIR="$root/static" \
  UW_MOCK_TOKEN_DELAY_MS=25 UW_MOCK_IMAGE_DELAY_MS=2500 RUST_LOG=warn \
  "$target_dir/debug/uw-server"

cd "$root"
UW_URL="$server_url" UW_SCREENSHOT_DIR="$root/target/browser" \
  timeout --kill-after=15 "${SUITE_TIMEOUT_S:-2400}" \
  node --test --test-reporter=spec --test-concurrency=1 \
  "$here"/*.test.mjs
