#!/usr/bin/env bash
# Fuzzes the REST API of a running `pacer serve` with Schemathesis (PyPI) against its own
# /openapi.json: no request may get a 5xx, and every response must match the document
# (status code, content type, body schema). Uses the debug build; `swift build` first.
#   bash scripts/api-fuzz.sh [max-examples-per-operation]
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-30}"
venv="${PACER_VENV:-.build-venv}"
if [ ! -x "$venv/bin/schemathesis" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'schemathesis==4.32.5'
fi
bin="$(swift build --show-bin-path)/pacer"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# An admin token, so every route is reached (requests the fuzzer makes to /v1/tokens would
# otherwise turn the rest of the run into 401s).
token="$("$bin" tokens create fuzz --scope admin --json --database "$work/pacer.db" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')"
"$bin" serve --database "$work/pacer.db" --port "$port" --log-level warning >"$work/serve.log" 2>&1 &
pid=$!
cleanup() {
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done
# /v1/events is an endless event stream, and deleting tokens could delete the fuzzer's own;
# their own tests cover both.
status=0
"$venv/bin/schemathesis" run "http://127.0.0.1:$port/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --exclude-path /v1/events --exclude-path '/v1/tokens/{id}' \
    --header "Authorization: Bearer $token" \
    --max-examples "$examples" --workers 2 --suppress-health-check all \
    --request-timeout 10 --no-color || status=$?
if ! kill -0 "$pid" 2>/dev/null; then
    echo "pacer serve died during the run:" >&2
    cat "$work/serve.log" >&2
    exit 1
fi
exit "$status"
