# Sourced by the scripts that need a running uw-server (runbooks, browser tests, bench): starts
# it on a free port and waits until it has written its real address.
#
#   start_uw_server WORK_DIR COMMAND...
#
# Runs COMMAND in the background with UW_BIND=127.0.0.1:0, UW_ADDR_FILE=WORK_DIR/addr and
# UW_DATA_DIR=WORK_DIR/data (prefix COMMAND with `env NAME=value ...` for more settings), its
# output in WORK_DIR/server.log. Sets `server_pid` and `server_url`; fails, showing the log,
# when the server exits early or reports no address within 10 s.
start_uw_server() {
  local work=$1
  shift
  mkdir -p "$work"
  rm -f "$work/addr"
  UW_BIND=127.0.0.1:0 UW_ADDR_FILE="$work/addr" UW_DATA_DIR="$work/data" "$@" >"$work/server.log" 2>&1 &
  server_pid=$!
  local _
  for _ in $(seq 1 100); do
    [ -s "$work/addr" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; echo "uw-server exited early" >&2; return 1; }
    sleep 0.1
  done
  [ -s "$work/addr" ] || { cat "$work/server.log"; echo "uw-server did not report its address" >&2; return 1; }
  server_url="http://$(cat "$work/addr")"
}
