#!/usr/bin/env python3
"""Engine benchmark report: Markdown tables of Pacer beside its peers, one per workload.

    python3 scripts/bench_engine_report.py [FILE ...]     (no FILE: read standard input)

Input: JSON lines, one per (system, workload), as printed by Pacer's engine benchmark
("system": "pacer-sqlite") and by scripts/bench_apscheduler.py ("apscheduler-memory",
"apscheduler-sqlite"). The fields read are:
    system, workload, schedules, fires_per_s, lateness_ms {p50, p99, max},
    burst_all_started_s, bytes_per_schedule, note
Lines that are not JSON objects are skipped; when a (system, workload) pair occurs more than
once the last line wins (with a warning on stderr).

Each workload gets a table with the metrics that any of its systems reported:
    fires/s achieved                  higher is better
    lateness p50 / p99 / max (ms)     lower is better   (job start minus nominal fire instant)
    burst: s from T to last start     lower is better
    resident bytes per schedule       lower is better
and, when a pacer-sqlite line exists for the workload, one ratio column per metric:
pacer-sqlite's value divided by the row's value ("Pacer ÷ it"). So for fires/s a ratio above
1x means Pacer fires more; for every other metric a ratio below 1x means Pacer is better. The
headers repeat which way is better. The systems' notes follow each table as a list.
"""
import json
import sys

PACER = "pacer-sqlite"
# Workloads in the order the benchmarks define them; any others follow, sorted.
ORDER = ["lateness_1k", "sustained_10k_1s", "sustained_30k_1s", "sustained_100k_1s", "sustained_100k_1m", "burst_10k", "memory_100k"]
DESCRIPTIONS = {
    "lateness_1k": "1,000 schedules every 1 s, fires staggered over the second (~1,000 fires/s asked)",
    "sustained_10k_1s": "10,000 schedules every 1 s (10,000 fires/s asked)",
    "sustained_30k_1s": "30,000 schedules every 1 s (30,000 fires/s asked: Pacer's saturation with every definition cached)",
    "sustained_100k_1s": "100,000 schedules every 1 s (100,000 fires/s asked: saturation)",
    "sustained_100k_1m": "100,000 schedules every minute, staggered (~1,667 fires/s asked)",
    "burst_10k": "10,000 one-shot schedules due at the same instant T",
    "memory_100k": "resident memory added per schedule, 100,000 schedules",
}
# (column label, how to read the value from a line, higher is better, format)
METRICS = [
    ("fires/s", lambda r: r.get("fires_per_s"), True, "{:,.0f}"),
    ("lateness p50 ms", lambda r: (r.get("lateness_ms") or {}).get("p50"), False, "{:,.2f}"),
    ("lateness p99 ms", lambda r: (r.get("lateness_ms") or {}).get("p99"), False, "{:,.2f}"),
    ("lateness max ms", lambda r: (r.get("lateness_ms") or {}).get("max"), False, "{:,.2f}"),
    ("burst s", lambda r: r.get("burst_all_started_s"), False, "{:,.3f}"),
    ("bytes/schedule", lambda r: r.get("bytes_per_schedule"), False, "{:,.0f}"),
]


def read_lines(paths):
    """All JSON objects from the given files (or stdin), keyed by (workload, system)."""
    streams = [open(p) for p in paths] if paths else [sys.stdin]
    rows = {}
    for stream in streams:
        for line in stream:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError:
                print(f"skipping a line that is not JSON: {line[:80]}", file=sys.stderr)
                continue
            key = (r.get("workload"), r.get("system"))
            if None in key:
                continue
            if key in rows:
                print(f"{key[1]} {key[0]}: several lines, keeping the last", file=sys.stderr)
            rows[key] = r
    return rows


def fmt(value, pattern):
    return "n/a" if value is None else pattern.format(value)


def ratio(pacer, peer):
    """pacer / peer, formatted; n/a when either is missing or the peer's value is 0."""
    if pacer is None or peer is None or peer == 0:
        return "n/a"
    r = pacer / peer
    return f"{r:,.0f}x" if r >= 100 else f"{r:.1f}x" if r >= 10 else f"{r:.2f}x" if r >= 0.01 else f"{r:.2g}x"


def table(workload, rows):
    """Markdown for one workload: the metric columns, then the ratio columns, then the notes."""
    systems = sorted(rows, key=lambda s: (s != PACER, s))
    metrics = [m for m in METRICS if any(m[1](rows[s]) is not None for s in systems)]
    pacer = rows.get(PACER)
    out = [f"### {workload}", ""]
    if workload in DESCRIPTIONS:
        out += [DESCRIPTIONS[workload] + ".", ""]
    head = ["system", "schedules"]
    head += [f"{label} ({'higher' if higher else 'lower'} better)" for label, _, higher, _ in metrics]
    if pacer:  # e.g. "Pacer ÷ it: fires/s (>1x Pacer better)"
        head += [f"Pacer ÷ it: {label.replace('lateness ', '')} ({'>' if higher else '<'}1x Pacer better)"
                 for label, _, higher, _ in metrics]
    out.append("| " + " | ".join(head) + " |")
    out.append("|---|" + "---:|" * (len(head) - 1))
    for s in systems:
        r = rows[s]
        cells = [s, fmt(r.get("schedules"), "{:,}")]
        cells += [fmt(get(r), pattern) for _, get, _, pattern in metrics]
        if pacer:
            cells += ["—" if s == PACER else ratio(get(pacer), get(r)) for _, get, _, _ in metrics]
        out.append("| " + " | ".join(cells) + " |")
    if not pacer:
        out += ["", f"(no {PACER} line for this workload: no ratios)"]
    notes = [f"- {s}: {rows[s]['note']}" for s in systems if rows[s].get("note")]
    if notes:
        out += ["", *notes]
    return "\n".join(out)


def main():
    rows = read_lines(sys.argv[1:])
    if not rows:
        sys.exit("no result lines read")
    by_workload = {}
    for (workload, system), r in rows.items():
        by_workload.setdefault(workload, {})[system] = r
    names = [w for w in ORDER if w in by_workload] + sorted(w for w in by_workload if w not in ORDER)
    print("\n\n".join(table(w, by_workload[w]) for w in names))


if __name__ == "__main__":
    main()
