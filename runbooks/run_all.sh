#!/usr/bin/env bash
# Runs every runbook scenario. With UW_URL set, against that server; otherwise it builds
# uw-server, starts it on a free port with a fresh data folder and short delays, and stops it
# afterwards.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd .. && pwd)

if [ -z "${UW_URL:-}" ]; then
  target_dir=${CARGO_TARGET_DIR:-$root/target}
  (cd "$root" && cargo build --quiet -p server --bin uw-server)
  work=$(mktemp -d)
  trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
  source "$root/tests/start_server.sh"
  start_uw_server "$work" env UW_STATIC_DIR="$root/static" \
    UW_MOCK_TOKEN_DELAY_MS=5 UW_MOCK_IMAGE_DELAY_MS=200 UW_IMAGE_TIMEOUT_MS=20000 RUST_LOG=warn \
    "$target_dir/debug/uw-server"
  export UW_URL="$server_url"
fi

echo "runbooks against $UW_URL"
failed=()
for scenario in a_success b_skipped c_insufficient d_background e_validation f_failures; do
  python3 "$scenario.py" || failed+=("$scenario")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "runbooks FAILED: ${failed[*]}"
  exit 1
fi
echo "runbooks: all scenarios PASS"
