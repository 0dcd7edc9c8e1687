#!/usr/bin/env bash
# next() throughput of Pacer (release build) against cronsim and croniter, measured in one run
# on the expressions of Benchmarks/cron-expressions.json. Prints a Markdown table with ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q "cronsim==2.8" croniter >/dev/null 2>&1 || python3 -m pip install "cronsim==2.8" croniter
swift build -c release --product RecurrenceBenchmark >&2
out=$(mktemp -d)
.build/release/RecurrenceBenchmark Benchmarks/cron-expressions.json > "$out/pacer.json"
python3 scripts/bench_peers.py > "$out/peers.json"
python3 scripts/bench_report.py "$out/pacer.json" "$out/peers.json"
