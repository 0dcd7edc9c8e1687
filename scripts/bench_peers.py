#!/usr/bin/env python3
"""Peer throughput for the recurrence benchmark: next() calls per second of the Python
libraries cronsim and croniter on Benchmarks/cron-expressions.json.

For each expression and each zone (UTC, America/New_York) one iterator is started at
2026-01-01T00:00:00Z (as an aware datetime in the zone, via zoneinfo) and advanced for
at least MIN_SECONDS and at least MIN_CALLS calls; the rate is calls / elapsed time.

* cronsim: ``next(CronSim(expr, start))``.
* croniter: ``croniter(expr, start).get_next(datetime)``; croniter wants the seconds
  field of a 6-field expression LAST, so our seconds-first form is rotated. When
  croniter rejects an expression (e.g. ``LW``, ``5L``) its rate is ``null``.

If an iterator runs off the end (sparse rules such as ``0 0 29 2 *`` reach year 9999
well before MIN_CALLS, or a library stops), it is restarted from the start instant and
the calls keep counting; restarts are reported on stderr.

Prints one JSON object on stdout:
    {"cronsim": {"<name>|<tz>": calls_per_sec, ...}, "croniter": {...}, "versions": {...}}
Diagnostics go to stderr. Takes roughly 25-30 s.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from zoneinfo import ZoneInfo

from cronsim import CronSim
from croniter import croniter

ROOT = Path(__file__).resolve().parent.parent
EXPRESSIONS = ROOT / "Benchmarks" / "cron-expressions.json"
ZONES = ["UTC", "America/New_York"]
START_EPOCH = int(datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp())
MIN_SECONDS = 0.5
MIN_CALLS = 2000
CHECK_EVERY = 100  # look at the clock every this many calls


def croniter_expr(expr: str) -> str:
    parts = expr.split()
    if len(parts) == 6:  # ours: seconds first; croniter: seconds last
        parts = parts[1:] + parts[:1]
    return " ".join(parts)


def measure(make_iter, step) -> tuple[float, int]:
    """Return (calls per second, restarts)."""
    it = make_iter()
    calls = restarts = 0
    t0 = time.perf_counter()
    while True:
        for _ in range(CHECK_EVERY):
            try:
                step(it)
            except (StopIteration, OverflowError, ValueError, KeyError) as e:
                # Ran past year 9999 / library gave up: start over, keep counting.
                restarts += 1
                if restarts > 10_000:
                    raise RuntimeError(f"iterator keeps failing: {e!r}") from e
                it = make_iter()
                continue
            calls += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= MIN_SECONDS and calls >= MIN_CALLS:
            return calls / elapsed, restarts


def main() -> int:
    exprs = json.loads(EXPRESSIONS.read_text())
    out: dict = {"cronsim": {}, "croniter": {}}
    t_start = time.perf_counter()
    for item in exprs:
        name, expr = item["name"], item["expr"]
        for tz_name in ZONES:
            key = f"{name}|{tz_name}"
            start = datetime.fromtimestamp(START_EPOCH, ZoneInfo(tz_name))

            rate, restarts = measure(lambda: CronSim(expr, start), next)
            out["cronsim"][key] = round(rate, 1)
            if restarts:
                print(f"cronsim {key}: restarted {restarts}x", file=sys.stderr)

            cexpr = croniter_expr(expr)
            try:
                croniter(cexpr, start).get_next(datetime)
            except Exception as e:  # croniter rejects this form
                out["croniter"][key] = None
                print(f"croniter {key}: rejects {cexpr!r}: {type(e).__name__}: {e}", file=sys.stderr)
                continue
            rate, restarts = measure(lambda: croniter(cexpr, start), lambda it: it.get_next(datetime))
            out["croniter"][key] = round(rate, 1)
            if restarts:
                print(f"croniter {key}: restarted {restarts}x", file=sys.stderr)
    out["versions"] = {
        "cronsim": version("cronsim"),
        "croniter": version("croniter"),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print(f"elapsed: {time.perf_counter() - t_start:.1f} s", file=sys.stderr)
    json.dump(out, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
