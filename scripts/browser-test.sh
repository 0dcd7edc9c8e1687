#!/usr/bin/env bash
# The dashboard in a real browser: starts the built `pacer serve` on a fresh database and a free
# port, waits for /healthz, runs Tests/Browser/dashboard_test.py (Selenium driving Debian's
# headless Chromium) against it. Then web pages of other origins against it: a second fresh
# server, with --allow-commands (so the browser guard is the only defence), on another free port
# and database, and Tests/Browser/cross_origin_test.py against that. Always stops both servers.
# Exits non-zero when either test fails.
#
#   bash scripts/browser-test.sh
#
# Needs: `apt-get install chromium chromium-driver` and Selenium (`pip install selenium`, in
# .build-venv when that exists). PACER_BIN names another pacer binary; SWIFT_SCRATCH_PATH
# another build folder. The screenshot goes to build-artifacts/dashboard.png.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

python="${PACER_BROWSER_PYTHON:-}"
if [ -z "$python" ]; then
  if [ -x .build-venv/bin/python ]; then python=.build-venv/bin/python; else python=python3; fi
fi
"$python" -c 'import selenium' 2>/dev/null || { echo "browser test: selenium is not installed for $python" >&2; exit 1; }

scratch=()
[ -n "${SWIFT_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$SWIFT_SCRATCH_PATH")
bin="${PACER_BIN:-}"
if [ -z "$bin" ]; then
  bin="$(swift build "${scratch[@]}" --show-bin-path)/pacer"
  # `swift test` builds it; build it when it is missing.
  [ -x "$bin" ] || swift build "${scratch[@]}" --product pacer >&2
fi
[ -x "$bin" ] || { echo "browser test: no pacer binary at $bin" >&2; exit 1; }

work="$(mktemp -d)"
free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
servers=()
stop() {
  local pid
  for pid in ${servers[@]+"${servers[@]}"}; do kill "$pid" 2>/dev/null || true; done
  for pid in ${servers[@]+"${servers[@]}"}; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap stop EXIT

# start_server DIR PORT [SERVE OPTION...]: `pacer serve` on a fresh DIR/pacer.db, logging to
# DIR/serve.log; returns once it answers /healthz, fails (with the log) when it does not.
start_server() {
  local dir="$1" port="$2" server up=0
  shift 2
  mkdir -p "$dir"
  "$bin" serve --database "$dir/pacer.db" --port "$port" "$@" >"$dir/serve.log" 2>&1 &
  server=$!
  servers+=("$server")
  # Up to 60 s for the server to answer (a busy machine, a first SQLite migration).
  for _ in $(seq 1 300); do
    if ! kill -0 "$server" 2>/dev/null; then break; fi
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then up=1; break; fi
    sleep 0.2
  done
  if [ "$up" != 1 ]; then
    echo "browser test: pacer serve did not answer on http://127.0.0.1:$port/healthz" >&2
    tail -n 40 "$dir/serve.log" >&2 || true
    return 1
  fi
}

port="$(free_port)"
base="http://127.0.0.1:$port"
start_server "$work" "$port" || exit 1

mkdir -p build-artifacts
echo "browser test: pacer serve at $base ($bin)"
status=0
"$python" Tests/Browser/dashboard_test.py "$base" build-artifacts/dashboard.png || status=$?
if [ "$status" != 0 ]; then
  echo "browser test: failed; the server's log:" >&2
  tail -n 60 "$work/serve.log" >&2 || true
fi

# Web pages of other origins, against a second fresh server that may run programs.
xport="$(free_port)"
xbase="http://127.0.0.1:$xport"
start_server "$work/cross-origin" "$xport" --allow-commands || exit 1
echo "browser test: cross-origin checks against pacer serve --allow-commands at $xbase"
xstatus=0
"$python" Tests/Browser/cross_origin_test.py "$xbase" || xstatus=$?
if [ "$xstatus" != 0 ]; then
  echo "browser test: cross-origin checks failed; the second server's log:" >&2
  tail -n 60 "$work/cross-origin/serve.log" >&2 || true
fi
[ "$status" != 0 ] && exit "$status"
exit "$xstatus"
