#!/usr/bin/env bash
# Claim rate of the store beside the raw commit rate of its database, on SQLite and on
# PostgreSQL, with 100,000 schedules, in a release build. Prints a Markdown table.
#   bash scripts/bench-store.sh [SCHEDULES] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
schedules=${1:-100000}
seconds=${2:-5}
swift build -c release --product pacer-store-probe >&2
probe=.build/release/pacer-store-probe
work=$(mktemp -d)

"$probe" bench --database "$work/bench.db" --schedules "$schedules" --batch 100 --seconds "$seconds" --parallel 1 > "$work/sqlite.json"

base=${PACER_BENCH_POSTGRES_URL:-$(bash scripts/start-postgres.sh)}
name="pacer_bench_$(date +%s)"
psql "$base" -q -c "CREATE DATABASE $name"
pg="${base%/*}/$name"
"$probe" bench --database "$pg" --schedules "$schedules" --batch 100 --seconds "$seconds" --parallel 8 > "$work/postgres.json"
psql "$base" -q -c "DROP DATABASE $name" || true

python3 - "$work/sqlite.json" "$work/postgres.json" <<'PY'
import json, sys
rows = [("SQLite (WAL, one file)", json.load(open(sys.argv[1]))), ("PostgreSQL 15 (loopback)", json.load(open(sys.argv[2])))]
print("| database | schedules | raw single-statement transactions/s | phase | fires/s | claim ms/fire | finish ms/fire | commits/fire | raw / fires |")
print("|---|---:|---:|---|---:|---:|---:|---:|---:|")
for name, r in rows:
    raw = r["raw_transactions_per_second"]
    for phase, label in (("first_fires", "first fire of each schedule"), ("steady", "next fires (steady state)")):
        p = r[phase]
        print(f"| {name} | {r['schedules']:,} | {raw:,.0f} | {label} ({p['fires']:,} fires) | {p['fires_per_second']:,.0f} | "
              f"{p['claim_ms_per_fire']:.3f} | {p['finish_ms_per_fire']:.3f} | {p['commits_per_fire']:.2f} | {raw / p['fires_per_second']:.2f}x |")
print()
print(f"Seeding (not timed above) took {rows[0][1]['seed_seconds']:.0f} s on SQLite and {rows[1][1]['seed_seconds']:.0f} s on PostgreSQL; "
      f"claims in batches of {rows[0][1]['batch']}, each run recorded as started by the claim and then finished in its own transaction.")
PY
