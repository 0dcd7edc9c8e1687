#!/usr/bin/env bash
# The dashboard in a real browser: starts the built `pacer serve` on a fresh database and a free
# port, waits for /healthz, runs Tests/Browser/dashboard_test.py (Selenium driving Debian's
# headless Chromium) against it, and always stops the server. Exits non-zero on failure.
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
port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
"$bin" serve --database "$work/pacer.db" --port "$port" >"$work/serve.log" 2>&1 &
server=$!
stop() {
  kill "$server" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT

# Up to 60 s for the server to answer (a busy machine, a first SQLite migration).
up=0
for _ in $(seq 1 300); do
  if ! kill -0 "$server" 2>/dev/null; then break; fi
  if curl -fsS "$base/healthz" >/dev/null 2>&1; then up=1; break; fi
  sleep 0.2
done
if [ "$up" != 1 ]; then
  echo "browser test: pacer serve did not answer on $base/healthz" >&2
  tail -n 40 "$work/serve.log" >&2 || true
  exit 1
fi

mkdir -p build-artifacts
echo "browser test: pacer serve at $base ($bin)"
status=0
"$python" Tests/Browser/dashboard_test.py "$base" build-artifacts/dashboard.png || status=$?
if [ "$status" != 0 ]; then
  echo "browser test: failed; the server's log:" >&2
  tail -n 60 "$work/serve.log" >&2 || true
fi
exit "$status"
