#!/usr/bin/env bash
# Runs the web client's browser tests: installs Debian's chromium and playwright-core when they
# are missing, starts uw-server on a free port, runs the tests, stops the server.
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
UW_BIND=127.0.0.1:0 UW_ADDR_FILE="$work/addr" UW_DATA_DIR="$work/data" UW_STATIC_DIR="$root/static" \
  UW_MOCK_TOKEN_DELAY_MS=25 UW_MOCK_IMAGE_DELAY_MS=1500 RUST_LOG=warn \
  "$target_dir/debug/uw-server" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/addr" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; echo "uw-server exited early"; exit 1; }
  sleep 0.1
done
[ -s "$work/addr" ] || { echo "uw-server did not report its address"; exit 1; }

cd "$root"
UW_URL="http://$(cat "$work/addr")" UW_SCREENSHOT_DIR="$root/target/browser" \
  timeout 600 node --test --test-timeout=120000 --test-reporter=spec "$here/e2e.test.mjs"
