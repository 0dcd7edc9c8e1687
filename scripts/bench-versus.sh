#!/usr/bin/env bash
# Pacer's engine at this checkout beside Pacer at another commit, same workloads, alternating
# runs on the same machine (release builds): a regression check that the machine's noise
# cannot fake, since both versions meet the same noise.
#   bash scripts/bench-versus.sh REV [ROUNDS] [WORKLOAD ...]
# Defaults: 2 rounds of every workload. The other commit is built in .build-versus/REV.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: bench-versus.sh REV [ROUNDS] [WORKLOAD ...]}
rounds=${2:-2}
shift $(( $# >= 2 ? 2 : 1 ))
workloads=("$@")
if [[ ${#workloads[@]} -eq 0 ]]; then
    workloads=(lateness_1k sustained_10k_1s sustained_30k_1s sustained_100k_1s sustained_100k_1m burst_10k memory_100k)
fi
other=.build-versus/$rev
if [[ ! -d $other ]]; then
    mkdir -p .build-versus
    git worktree add --detach "$other" "$rev" >&2
fi
(cd "$other" && swift build -c release --product EngineBenchmark >&2)
swift build -c release --product EngineBenchmark >&2
out=$(mktemp)
for ((r = 1; r <= rounds; r++)); do
    for w in "${workloads[@]}"; do
        for side in "$rev" HEAD; do
            dir=.; [[ $side == "$rev" ]] && dir=$other
            echo "== round $r $w $side" >&2
            line=$("$dir/.build/release/EngineBenchmark" "$w" 2>/dev/null | tail -1)
            echo "$line" >&2
            python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["version"]=sys.argv[2]; print(json.dumps(d))' "$line" "$side" >> "$out"
        done
    done
done
python3 - "$out" "$rev" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
rev = sys.argv[2]
def fmt(d):
    w, l = d["workload"], d.get("lateness_ms") or {}
    if w == "burst_10k": return f'{d["burst_all_started_s"]:.2f} s'
    if w == "memory_100k": return f'{d["bytes_per_schedule"]:,.0f} B'
    if w == "lateness_1k": return f'{l["p50"]:.2f} / {l["p99"]:.1f} / {l["max"]:.0f} ms'
    return f'{d["fires_per_s"]:,.0f}/s, p50 {l["p50"]:,.1f} ms, p99 {l["p99"]:,.0f} ms'
print(f"| workload | round | Pacer {rev} | Pacer HEAD |")
print("|---|---|---|---|")
by = {}
for d in rows: by.setdefault(d["workload"], []).append(d)
for w, ds in by.items():
    old = [d for d in ds if d["version"] == rev]
    new = [d for d in ds if d["version"] == "HEAD"]
    for i, (a, b) in enumerate(zip(old, new), 1):
        print(f"| {w} | {i} | {fmt(a)} | {fmt(b)} |")
PY
echo "raw results: $out" >&2
