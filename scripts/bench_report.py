#!/usr/bin/env python3
"""Merges the Pacer and peer next() throughput results into a Markdown table with ratios."""
import json
import math
import platform
import sys

pacer = json.load(open(sys.argv[1]))["pacer"]
peers = json.load(open(sys.argv[2]))


def geomean(values):
    values = [v for v in values if v]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def fmt(v):
    return "n/a" if not v else f"{v:,.0f}"


cases = list(pacer.keys())
order = json.load(open("Benchmarks/cron-expressions.json"))
names = {c["name"]: c["expr"] for c in order}
cases.sort(key=lambda k: (k.split("|")[1] != "UTC", [c["name"] for c in order].index(k.split("|")[0])))
print(f"next() calls per second, higher is better ({platform.machine()}, {platform.python_implementation()} {platform.python_version()}, versions {peers.get('versions', {})})\n")
print("| case | zone | expression | Pacer | cronsim | croniter | Pacer / cronsim | Pacer / croniter |")
print("|---|---|---|---:|---:|---:|---:|---:|")
r1, r2 = [], []
for key in cases:
    name, zone = key.split("|")
    p, c, i = pacer[key], peers["cronsim"].get(key), peers["croniter"].get(key)
    a = p / c if c else None
    b = p / i if i else None
    if a:
        r1.append(a)
    if b:
        r2.append(b)
    print(f"| {name} | {zone} | `{names[name]}` | {fmt(p)} | {fmt(c)} | {fmt(i)} | {a and f'{a:,.0f}x' or 'n/a'} | {b and f'{b:,.0f}x' or 'n/a'} |")
print(f"\nGeometric mean of the ratios: **{geomean(r1):,.0f}x cronsim** over {len(r1)} cases, "
      f"**{geomean(r2):,.0f}x croniter** over {len(r2)} cases.")
