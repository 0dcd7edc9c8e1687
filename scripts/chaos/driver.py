#!/usr/bin/env python3
"""Pacer's chaos test driver (run it through scripts/chaos.sh). Standard library only.

For each case it starts `pacer serve` (one on SQLite, three replicas on PostgreSQL), an HTTP
receiver and watches, applies a set of schedules (HTTP and command targets, every 1-5 s),
injects the case's faults, pauses everything at the end of the window, lets the servers
settle, stops them with SIGTERM, and compares what should have fired with what the store
recorded and the receiver saw. It prints a table per case and a Markdown summary; the exit
status is 1 when any case lost, doubled, left stuck or orphaned anything, or a server did not
exit on SIGTERM.
"""

import argparse
import json
import os
import secrets
import signal
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cases as case_defs  # noqa: E402
from common import HarnessError, Interrupted, T_START, fmt_s, iso_s, log  # noqa: E402
from harness import CaseRun  # noqa: E402
from store import PostgresAdmin  # noqa: E402

MODES = {
    # settle_max: how long runs may stay queued/held/running after the window before they count
    # as stuck; drain: --drain-timeout; exit_grace: extra seconds a server gets to exit.
    # quiet_wait: how long pg-restart waits for other clients of the cluster to leave.
    "short": {"settle_max": 15, "settle_min": 2, "drain": 5, "exit_grace": 5, "quiet_wait": 20},
    "long": {"settle_max": 45, "settle_min": 3, "drain": 10, "exit_grace": 5, "quiet_wait": 60},
}


class Context:
    pass


def _on_signal(signum, _frame):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Interrupted("signal %d" % signum)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--mode", choices=sorted(MODES), default="long")
    ap.add_argument("--case", action="append", default=[])
    ap.add_argument("--pg-url", default="")
    ap.add_argument("--pg-error", default="")
    ap.add_argument("--seed", default=None)
    args = ap.parse_args()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)

    wanted = []
    for c in args.case:
        wanted += [x.strip() for x in c.split(",") if x.strip()]
    unknown = [w for w in wanted if w not in case_defs.NAMES]
    if unknown:
        sys.stderr.write("unknown case(s): %s (known: %s)\n" % (", ".join(unknown), ", ".join(case_defs.NAMES)))
        return 2
    selected = [c for c in case_defs.build(args.mode) if not wanted or c.name in wanted]

    ctx = Context()
    ctx.binary = args.bin
    ctx.workdir = args.workdir
    ctx.mode = args.mode
    ctx.token = secrets.token_hex(8)
    ctx.seed = args.seed or str(int(time.time()))
    m = MODES[args.mode]
    ctx.settle_max, ctx.settle_min = m["settle_max"], m["settle_min"]
    ctx.drain_timeout, ctx.exit_grace, ctx.quiet_wait = m["drain"], m["exit_grace"], m["quiet_wait"]
    ctx.pg, pg_skip = None, None
    if any(c.backend == "postgres" for c in selected):
        if not args.pg_url:
            pg_skip = "PostgreSQL could not be started (%s)" % (args.pg_error or "scripts/start-postgres.sh failed")
        else:
            try:
                ctx.pg = PostgresAdmin(args.pg_url, args.workdir)
                if not ctx.pg.wait_ready(10):
                    raise HarnessError("pg_isready fails on %s:%s" % (ctx.pg.host, ctx.pg.port))
            except (HarnessError, OSError) as e:
                ctx.pg, pg_skip = None, "PostgreSQL is not usable: %s" % e

    log("mode %s, seed %s, token %s, binary %s, work dir %s" % (args.mode, ctx.seed, ctx.token, ctx.binary, ctx.workdir))
    results = []
    interrupted = False
    current = None
    try:
        for case in selected:
            skip = None
            if case.backend == "postgres" and ctx.pg is None:
                skip = pg_skip
            elif (case.tmpfs_mb or case.name == "pg-restart") and os.geteuid() != 0:
                skip = "needs root (%s)" % ("mount -t tmpfs" if case.tmpfs_mb else "pg_ctlcluster")
            if skip:
                log("SKIP %s: %s" % (case.name, skip))
                results.append({"case": case.name, "title": case.title, "verdict": "SKIP", "reasons": [skip]})
                continue
            current = case
            results.append(run_case(ctx, case))
            current = None
            print_case(results[-1])
    except Interrupted:
        interrupted = True
        log("interrupted")
        if current is not None:
            results.append({"case": current.name, "title": current.title, "verdict": "INTERRUPTED",
                            "reasons": ["interrupted by a signal"]})
    finally:
        if ctx.pg is not None:
            ctx.pg.ensure_running()

    summary = summary_table(results, ctx)
    print(summary)
    with open(os.path.join(ctx.workdir, "summary.md"), "w") as f:
        f.write(summary + "\n")
    with open(os.path.join(ctx.workdir, "results.json"), "w") as f:
        json.dump(results, f, indent=1, default=str)
    log("done in %.0f s" % (time.time() - T_START))
    if interrupted:
        return 130
    return 1 if any(r["verdict"] in ("FAIL", "ERROR") for r in results) else 0


def run_case(ctx, case):
    log("=== %s: %s" % (case.name, case.title))
    run = CaseRun(ctx, case)
    started = time.time()
    try:
        run.setup()
        case.timeline(run)
        res = run.finish()
    except Interrupted:
        raise
    except Exception as e:  # a harness failure: reported as ERROR, the next case still runs
        log("%s: ERROR %s" % (case.name, e))
        traceback.print_exc(file=sys.stderr)
        res = {"case": case.name, "title": case.title, "verdict": "ERROR", "reasons": ["harness: %s" % e],
               "notes": run.notes}
    finally:
        try:
            run.cleanup()
        except Exception as e:
            log("%s: cleanup: %s" % (case.name, e))
    res["duration"] = time.time() - started
    res["dir"] = run.dir
    log("%s: %s in %.0f s%s" % (case.name, res["verdict"], res["duration"],
                                 (": " + "; ".join(res["reasons"])) if res["reasons"] else ""))
    return res


# ------------------------------------------------------------------------------------ printing


def _rec_text(res):
    rs = res.get("recovery_summary")
    if not rs or not rs["count"]:
        return "n/a"
    text = "%s / %s" % (fmt_s(rs["median"], 2), fmt_s(rs["max"], 2))
    if rs["not_recovered"]:
        text += " (%d of %d not recovered)" % (len(rs["not_recovered"]), rs["count"])
    return text


def _stop_text(res):
    parts = []
    for name, (ok, secs, rc) in sorted(res.get("stops", {}).items()):
        parts.append("%s %s" % (name, ("%.1f s" % secs) if ok else "NO EXIT (killed after %.0f s)" % secs))
    return ", ".join(parts) or "-"


def print_case(res):
    out = []
    w = out.append
    w("")
    w("### %s: %s: %s%s" % (res["case"], res["title"], res["verdict"],
                            (" (" + "; ".join(res["reasons"]) + ")") if res["reasons"] else ""))
    w("")
    if res["verdict"] == "ERROR":
        for n in res.get("notes", []):
            w("- %s" % n)
        print("\n".join(out))
        return
    faults = res["faults"]
    w("Store %s, %d server(s), window %.0f s, %d fault(s), settled %.1f s after the pause, %d requests at the receiver." % (
        res["backend"], res["replicas"], res["window"], len(faults), res["settle"], res["deliveries"]))
    w("Runs by status: %s." % ", ".join("%s %d" % kv for kv in sorted(res["statuses"].items())))
    w("")
    w("| schedule | target | rule | expected | received | lost | doubled | same-key re-deliveries | missed | skipped (pause) | attempts exhausted | extra | late >1 s | lateness p50 / max |")
    w("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for p in res["schedules"]:
        w("| %s | %s | %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s / %s |" % (
            p["name"], p["kind"], p["rules"] if len(p["rules"]) < 40 else "%d timing segments" % p["segments"],
            p["expected"], p["received"], len(p["lost"]), len(p["doubled"]), p["same_key"], p["missed"],
            p["skipped_pause"], len(p["exhausted"]), len(p["extra"]), p["late"], fmt_s(p["p50_late"], 2),
            fmt_s(p["max_late"], 2)))
    w("")
    w("| orphaned children | stuck runs | recovery median / max | SIGTERM exit | unexpected exits |")
    w("|---:|---:|---|---|---:|")
    w("| %d | %d | %s | %s | %d |" % (len(res["orphans"]), res["stuck_count"], _rec_text(res), _stop_text(res),
                                      len(res["crashes"])))
    ev = []
    for p in res["schedules"]:
        for kind in ("lost", "doubled", "extra", "exhausted"):
            items = p[kind]
            for e in items[:6]:
                ev.append("%s %s %s" % (kind, p["name"], e["text"]))
            if len(items) > 6:
                ev.append("%s %s: ... %d more" % (kind, p["name"], len(items) - 6))
    for s in res["stuck"][:10]:
        ev.append("stuck %s" % s)
    if res["stuck_count"] > 10:
        ev.append("stuck: ... %d more" % (res["stuck_count"] - 10))
    for o in res["orphans"][:10]:
        ev.append("orphan pid %d (parent %s) first seen %s: %s" % (o["pid"], o["ppid"], iso_s(o["first_seen"]), o["cmdline"][:120]))
    if res["recovery"]:
        ev.append("recovery per fault: " + ", ".join(
            "%s %s" % (r["label"], fmt_s(r["recovery"], 2) if r["recovery"] is not None else "none")
            for r in res["recovery"]))
    for r in res["recovery"]:
        if r["recovery"] is None:
            ev.append("not recovered: after %s (ended %s) no three on-time fires of http-1s in the %.1f s that followed" % (
                r["label"], iso_s(r["end"]), r["horizon"]))
    for c in res["crashes"]:
        ev.append("server %s exited on its own (rc %s) at %s: %s" % (c["server"], c["rc"], iso_s(c["t"]), " | ".join(c["tail"][-3:])[:400]))
    for name, (status, body) in sorted(res["health"].items()):
        if status != 200:
            ev.append("/healthz of %s at the end: %s %s" % (name, status, " ".join(str(body).split())[:300]))
    if res["after_stop_nonterminal"]:
        ev.append("after the servers stopped, %d runs are still queued/held/running" % res["after_stop_nonterminal"])
    if res["edits"]:
        ph = {}
        for e in res["edits"]:
            ph.setdefault(e["phase"], []).append(int(round((e["committed"] % 1) * 1000)))
        ev.append("edits: %d timing edits of edit-a/edit-b; committed at (ms past the second) %s" % (
            len(res["edits"]), "; ".join("target .%02d: %s" % (int(k * 100), " ".join(str(v) for v in vs))
                                         for k, vs in sorted(ph.items()))))
    for n in res["notes"]:
        ev.append(n)
    for name, g in sorted(res["log_lines"].items()):
        if g["count"]:
            ev.append("server %s: %d warning/error log lines (at most %d in one second): %s" % (
                name, g["count"], g["peak_per_second"], "; ".join("%d× '%s'" % (n, k) for k, n in g["kinds"])))
            for line in g["first"][:2]:
                ev.append("server %s: %s" % (name, line[:300]))
    if ev:
        w("")
        for e in ev:
            w("- %s" % e)
    w("")
    w("Logs and store dump: %s" % res.get("dir", "-"))
    print("\n".join(out))
    sys.stdout.flush()


def summary_table(results, ctx):
    out = ["", "## Chaos results (%s form, seed %s)" % (ctx.mode, ctx.seed), "",
           "| case | setup | faults | expected | received | lost | doubled | same-key re-deliveries | attempts exhausted | extra | orphans | stuck | recovery median / max | SIGTERM exit | result |",
           "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|"]
    for r in results:
        if r["verdict"] in ("SKIP", "ERROR", "INTERRUPTED"):
            out.append("| %s | - | - | - | - | - | - | - | - | - | - | - | - | - | %s: %s |" % (
                r["case"], r["verdict"], "; ".join(r["reasons"])))
            continue
        t = r["totals"]
        setup = "%s, %d server%s" % ("SQLite" if r["backend"] == "sqlite" else "PostgreSQL", r["replicas"],
                                      "s" if r["replicas"] > 1 else "")
        labels = {}
        for f in r["faults"]:
            key = f["label"].split(" ")[0] + " " + f["label"].split(" ")[1] if f["label"].startswith("kill") else f["label"]
            labels[key] = labels.get(key, 0) + 1
        if r["edits"]:
            labels["timing edits"] = len(r["edits"])
        faults = ", ".join("%d× %s" % (n, k) if n > 1 else k for k, n in labels.items()) or "none"
        out.append("| %s | %s | %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s | %s | %s |" % (
            r["case"], setup, faults, t["expected"], t["received"], t["lost"], t["doubled"], t["same_key"],
            t["exhausted"], t["extra"], len(r["orphans"]), r["stuck_count"], _rec_text(r), _stop_text(r),
            r["verdict"] + ((": " + "; ".join(r["reasons"])) if r["reasons"] else "")))
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
