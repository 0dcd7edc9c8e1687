"""From what the store recorded and what the receiver saw to expected, received, lost and
doubled fires per (schedule, scheduled instant), and the recovery time after each fault.

Expectations. Every schedule has an interval rule (`every Ns`) anchored at a whole second that
every interval divides, so its instants are computable. A timing edit opens a new segment at
the revision's `created_at`. Per segment [start, end):
  * expected: the segment rule's instants T with start + MARGIN <= T < end; for the last
    segment, T < pause - MARGIN (the window closes when the schedules are paused);
  * optional (neither expected nor extra): the new rule's instants in (start, start + MARGIN),
    the previous rule's instants in [start, start + MARGIN] (a fire claimed ahead of an edit,
    up to 0.75 s, keeps its instant), and instants around the pause;
  * anything else that ran or arrived is `extra`.
Policies make the rest crisp: overlap `allow` (no overlap skips), misfire_grace 600 s (longer
than any case, so a `missed` run is a lost fire, not a policy decision), up to 5 attempts with
a 1 s backoff. A `skipped` run whose error names the pause is a policy skip (held when the
window closed); any other skip of an expected instant is lost.

Received = a succeeded run or (HTTP targets) a request at the receiver. Lost = expected and
not received, except `exhausted`: every attempt max_attempts allows was started and abandoned
because its server was killed (the retry policy's outcome, reported apart). Doubled = one (schedule, instant) delivered under two Idempotency-Keys, or with
two succeeded runs. Same-key re-deliveries (a retry of a fire whose request had arrived) are
allowed and counted apart.
"""

import json
import math
import re
import statistics

from common import iso_ms, parse_instant_ms

MARGIN_MS = 1000
ON_TIME_S = 1.0
NONTERMINAL = ("queued", "held", "running")
RULE_RE = re.compile(r"^\s*every\s+(\d+)\s*s\s*$")


def _rule_step_ms(rule):
    m = RULE_RE.match(rule or "")
    return int(m.group(1)) * 1000 if m else None


def segments(name, schedules, revisions):
    """[(start_ms, step_ms, anchor_ms, rule)] of a schedule, oldest first, merged when the
    timing did not change."""
    definition = json.loads(schedules[name]["definition"])
    created = parse_instant_ms(definition.get("created_at"))
    revs = sorted((r for r in revisions if r["schedule"] == name), key=lambda r: r["revision"])
    out = []
    for r in revs:
        snap = json.loads(r["snapshot"])
        timing = snap.get("timing", {})
        rule = timing.get("rule")
        anchor = parse_instant_ms(timing.get("anchor")) if timing.get("anchor") else (created // 1000) * 1000
        step = _rule_step_ms(rule)
        start = created if r["revision"] == 1 else r["created_at"]
        if out and out[-1][1] == step and out[-1][2] == anchor:
            continue
        out.append((start, step, anchor, rule))
    if not out:
        timing = definition.get("timing", {})
        anchor = parse_instant_ms(timing.get("anchor")) if timing.get("anchor") else (created // 1000) * 1000
        out.append((created, _rule_step_ms(timing.get("rule")), anchor, timing.get("rule")))
    return out


def grid(step, anchor, lo, hi, lo_incl=True, hi_incl=False):
    """The instants anchor + k*step in the interval lo..hi (milliseconds)."""
    if step is None or hi < lo:
        return []
    k = math.ceil((lo - anchor) / step)
    out = []
    t = anchor + k * step
    while t <= hi:
        if (t > lo or (lo_incl and t == lo)) and (t < hi or (hi_incl and t == hi)):
            out.append(t)
        t += step
    return out


def expectations(segs, pause_start_ms, pause_end_ms):
    expected, optional = set(), set()
    for i, (start, step, anchor, _rule) in enumerate(segs):
        last = i + 1 == len(segs)
        end = pause_start_ms - MARGIN_MS if last else segs[i + 1][0]
        expected.update(grid(step, anchor, start + MARGIN_MS, end))
        # The new rule's first instant after the edit may be the edit's own millisecond.
        optional.update(grid(step, anchor, start - 50, start + MARGIN_MS))
        if i > 0:
            p = segs[i - 1]
            optional.update(grid(p[1], p[2], start, start + MARGIN_MS, hi_incl=True))
        if last:
            optional.update(grid(step, anchor, pause_start_ms - MARGIN_MS, pause_end_ms + 2000, hi_incl=True))
    optional -= expected
    return expected, optional


def _pct(values, q):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def analyze_schedule(spec, schedules, revisions, runs, deliveries, pause):
    name = spec["name"]
    segs = segments(name, schedules, revisions)
    expected, optional = expectations(segs, int(pause[0] * 1000), int(pause[1] * 1000))
    by_instant_runs, by_instant_dels = {}, {}
    for r in runs:
        if r["schedule"] == name and r["trigger"] in ("schedule", "retry", "catchup"):
            by_instant_runs.setdefault(r["scheduled_at"], []).append(r)
    for d in deliveries:
        if d["schedule"] == name and d["at_ms"] is not None and d.get("trigger") in (None, "schedule", "retry", "catchup"):
            by_instant_dels.setdefault(d["at_ms"], []).append(d)

    try:
        max_attempts = int(json.loads(schedules[name]["definition"])["policies"]["retry"]["max_attempts"])
    except (KeyError, TypeError, ValueError):
        max_attempts = 1
    res = {"name": name, "kind": spec["kind"], "rules": " → ".join(s[3] for s in segs if s[3]),
           "segments": len(segs), "expected": len(expected), "received": 0, "lost": [], "doubled": [],
           "exhausted": [], "max_attempts": max_attempts,
           "same_key": 0, "missed": 0, "skipped_pause": 0, "extra": [], "late": 0, "lateness": [],
           "on_time": {}, "first_delivery": {}}
    observed = set(by_instant_runs) | set(by_instant_dels)
    for t in sorted(observed | expected):
        rs = by_instant_runs.get(t, [])
        ds = by_instant_dels.get(t, [])
        succeeded = [r for r in rs if r["status"] == "succeeded"]
        keys = {d["key"] for d in ds}
        received = bool(succeeded) or bool(ds)
        statuses = [r["status"] for r in rs]
        if ds:
            first = min(d["t"] for d in ds)
        else:
            starts = [r["started_at"] for r in rs if r["started_at"] is not None and r["status"] != "skipped"]
            first = min(starts) / 1000.0 if starts and received else None
        if first is not None:
            res["first_delivery"][t] = first
            res["on_time"][t] = (first - t / 1000.0) <= ON_TIME_S
        if len(keys) > 1 or len(succeeded) > 1:
            res["doubled"].append(_evidence(t, rs, ds, "keys=%d succeeded=%d" % (len(keys), len(succeeded))))
        if ds:
            res["same_key"] += len(ds) - len(keys)
        if "missed" in statuses:
            res["missed"] += 1
        if t in expected:
            if received:
                res["received"] += 1
                if first is not None:
                    lateness = first - t / 1000.0
                    res["lateness"].append(lateness)
                    if lateness > ON_TIME_S:
                        res["late"] += 1
            elif rs and all(r["status"] == "skipped" and "pause" in (r["error"] or "") for r in rs):
                res["skipped_pause"] += 1
            elif len(rs) >= max_attempts and all(r["status"] == "abandoned" and r["started_at"] for r in rs):
                # Every attempt the retry policy allows was started and died with its server.
                res["exhausted"].append(_evidence(t, rs, ds, "all %d attempts abandoned" % len(rs)))
            else:
                res["lost"].append(_evidence(t, rs, ds, _lost_reason(rs)))
        elif t not in optional:
            ran = received or any(s not in ("skipped", "missed") for s in statuses)
            if ran:
                res["extra"].append(_evidence(t, rs, ds, "not an instant of the rule in force"))
    lat = res["lateness"]
    res["max_late"] = max(lat) if lat else None
    res["p50_late"] = _pct(lat, 0.5)
    res["p99_late"] = _pct(lat, 0.99)
    return res


def _lost_reason(rs):
    if not rs:
        return "never claimed (no run)"
    statuses = sorted({r["status"] for r in rs})
    if "missed" in statuses:
        return "recorded missed"
    if any(s in NONTERMINAL for s in statuses):
        return "still " + "/".join(s for s in statuses if s in NONTERMINAL)
    return "no success: " + "/".join(statuses)


def _evidence(t, rs, ds, why):
    parts = []
    for r in sorted(rs, key=lambda r: r["attempt"]):
        err = (r["error"] or "").replace("\n", " ")[:90]
        parts.append("a%s %s%s owner=%s%s" % (
            r["attempt"], r["status"], "(" + r["trigger"] + ")" if r["trigger"] != "schedule" else "",
            r["owner"] or "-", (" err=" + err) if err else ""))
    keys = sorted({(d["key"] or "-")[:13] for d in ds})
    return {"instant": t, "why": why,
            "text": "@%s %s; runs: %s; deliveries: %d%s" % (
                iso_ms(t), why, "; ".join(parts) or "none", len(ds),
                (" keys " + ",".join(keys)) if ds else "")}


def recovery(faults, probe, pause_start):
    """Per fault: seconds from its end until the probe schedule (HTTP every 1 s) has three
    instants in a row delivered on time (at most 1 s late), counted to the first of them;
    None when that does not happen before the next fault (or the window's end)."""
    out = []
    if not probe:
        return out
    step = 1000
    for i, f in enumerate(faults):
        horizon = faults[i + 1]["start"] if i + 1 < len(faults) else pause_start - 1.0
        t = int(math.ceil(f["end"])) * 1000
        found = None
        while t / 1000.0 < horizon:
            window = [t + k * step for k in range(3) if (t + k * step) / 1000.0 < horizon]
            if window and all(probe["on_time"].get(x) for x in window):
                found = max(0.0, probe["first_delivery"][t] - f["end"])
                break
            t += step
        out.append({"label": f["label"], "end": f["end"], "recovery": found, "horizon": horizon - f["end"]})
    return out


def summarize_recovery(recs):
    vals = [r["recovery"] for r in recs if r["recovery"] is not None]
    missing = [r for r in recs if r["recovery"] is None]
    return {
        "count": len(recs),
        "median": statistics.median(vals) if vals else None,
        "max": max(vals) if vals else None,
        "not_recovered": missing,
    }
