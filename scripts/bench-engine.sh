#!/usr/bin/env bash
# Pacer's engine on SQLite beside APScheduler 3.11 (memory and SQLite job stores), same
# workloads, same run, release build. Prints Markdown tables with ratios.
#   bash scripts/bench-engine.sh [--quick] [WORKLOAD ...]
# Workloads: lateness_1k sustained_10k_1s sustained_30k_1s sustained_100k_1s sustained_100k_1m burst_10k memory_100k
set -euo pipefail
cd "$(dirname "$0")/.."
quick=()
if [[ "${1:-}" == "--quick" ]]; then quick=(--quick); shift; fi
workloads=("$@")
if [[ ${#workloads[@]} -eq 0 ]]; then
    workloads=(lateness_1k sustained_10k_1s sustained_30k_1s sustained_100k_1s sustained_100k_1m burst_10k memory_100k)
fi
swift build -c release --product EngineBenchmark >&2
python3 -m pip install -q 'APScheduler==3.11.*' SQLAlchemy >&2
out=$(mktemp)
for w in "${workloads[@]}"; do
    echo "== pacer $w" >&2
    .build/release/EngineBenchmark "$w" "${quick[@]}" 2>/dev/null | tee -a "$out" >&2
done
for w in "${workloads[@]}"; do
    echo "== apscheduler $w" >&2
    python3 scripts/bench_apscheduler.py --store all --workload "$w" "${quick[@]}" | tee -a "$out" >&2
done
python3 scripts/bench_engine_report.py "$out"
echo "raw results: $out" >&2
