"""One case's life: a store, the servers, the receiver and the watches; the schedules; the
faults the case's timeline injects; then the stop window (pause everything, let the servers
settle, SIGTERM them with a deadline) and the reading of the final state."""

import json
import os
import random
import shutil
import socket
import subprocess
import threading
import time

from analysis import NONTERMINAL, analyze_schedule, recovery, summarize_recovery
from common import HarnessError, iso_ms, log, sleep_until
from procs import MARK_ENV, OrphanWatch, Server, Supervisor
from receiver import Receiver
from store import (NONTERMINAL_SQL, PROCESSES_SQL, REVISIONS_SQL, RUNS_SQL, SCHEDULES_SQL, STATES_SQL,
                   PostgresReader, SQLiteReader, query_retrying)

ANCHOR = "2024-01-01T00:00:00Z"  # a whole minute: every interval below divides it
BODY = ('{"s":"{{schedule.name}}","at":"{{run.scheduled_at}}","k":"{{run.idempotency_key}}",'
        '"a":{{run.attempt}},"r":"{{run.id}}","tr":"{{run.trigger}}"}')
RETRY = {"max_attempts": 5, "backoff_base_seconds": 1, "backoff_factor": 2, "backoff_cap_seconds": 8}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def policies(timeout, attempts=None):
    retry = dict(RETRY)
    if attempts:
        retry["max_attempts"] = attempts
    return {"overlap": "allow", "misfire": "skip", "misfire_grace": 600, "timeout_seconds": timeout,
            "retry": retry}


class CaseRun:
    def __init__(self, ctx, case):
        self.ctx = ctx
        self.case = case
        self.name = case.name
        self.dir = os.path.join(ctx.workdir, case.name)
        os.makedirs(self.dir, exist_ok=True)
        self.rng = random.Random("%s-%s" % (ctx.seed, case.name))
        self.servers = []
        self.faults = []
        self.notes = []
        self.specs = []
        self.pg_db = None
        self.mount = None
        self.reader = None
        self.database = None
        self.receiver = None
        self.supervisor = None
        self.orphans = None
        self.t0 = None
        self.edits = []

    # ---------------------------------------------------------------- setup

    def setup(self):
        self.receiver = Receiver(os.path.join(self.dir, "receiver.jsonl")).start()
        if self.case.backend == "postgres":
            if self.case.name == "pg-restart":
                self.wait_for_quiet_cluster()
            self.pg_db = "chaos_%s_%s" % (self.name.replace("-", "_"), self.ctx.token[:8])
            self.database = self.ctx.pg.create_database(self.pg_db)
            self.reader = PostgresReader(self.database)
        else:
            base = self.dir
            if self.case.tmpfs_mb:
                base = os.path.join(self.dir, "disk")
                os.makedirs(base, exist_ok=True)
                subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dm" % self.case.tmpfs_mb, "tmpfs", base],
                               check=True, capture_output=True, timeout=20)
                self.mount = base
                with open(os.path.join(self.ctx.workdir, "mounts"), "a") as f:
                    f.write(base + "\n")
            self.database = os.path.join(base, "pacer.db")
            self.reader = SQLiteReader(self.database)
        for i in range(self.case.replicas):
            s = Server("ABC"[i], self.ctx.binary, self.database, free_port(), self.dir,
                       self.ctx.drain_timeout, os.path.join(self.ctx.workdir, "pids"))
            self.servers.append(s)
        for s in self.servers:  # one after the other: the first one migrates the schema
            s.start()
            if not s.wait_ready(30):
                raise HarnessError("server %s did not start: %s" % (s.name, " | ".join(s.log_tail(5))))
        self.supervisor = Supervisor(self.servers)
        self.supervisor.start()
        self.orphans = OrphanWatch(self.ctx.token, self.servers)
        self.orphans.start()
        self.apply_schedules()

    def http_entry(self, name, every, path="/fast", timeout=10):
        return {"name": name, "timing": {"rule": "every %ds" % every, "anchor": ANCHOR},
                "target": {"kind": "http", "method": "POST", "url": self.receiver.url(path), "body": BODY},
                "policies": policies(timeout)}

    def wait_for_quiet_cluster(self):
        """The cluster is restarted and stopped: give other clients (another test run on the
        machine) a chance to finish first, then go ahead and say whom it disturbed."""
        limit = self.ctx.quiet_wait
        deadline = time.time() + limit
        others = self.ctx.pg.other_clients({"postgres"})
        if others:
            log("%s: waiting up to %.0f s for other clients of the cluster to leave: %s" % (
                self.name, limit, ", ".join("%s (%s)" % o for o in others)))
        while others and time.time() < deadline:
            time.sleep(2)
            others = self.ctx.pg.other_clients({"postgres"})
        if others:
            self.notes.append("the restart and stop disturbed other clients of the cluster: %s" %
                              ", ".join("%s (%s connections)" % o for o in others))

    def schedule_entries(self):
        tok = self.ctx.token
        http = self.http_entry
        fast, slow = "/fast", "/slow?d=1.5"

        def command(name, every, script, timeout):
            return {"name": name, "timing": {"rule": "every %ds" % every, "anchor": ANCHOR},
                    "target": {"kind": "command", "argv": ["/bin/sh", "-c", script, "chaos-%s-%s" % (tok, name)],
                               "env": {MARK_ENV: tok}},
                    "policies": policies(timeout, attempts=8)}

        # Commands run 2-3 s: a kill every 3-5 s still lets most attempts finish (a run longer
        # than the kill interval could never succeed); 8 attempts for them.
        entries = [
            http("http-1s", 1, fast),
            http("http-2s", 2, fast),
            http("http-slow", 1, slow),
            command("cmd-2s", 2, "sleep 2; echo done", 15),
            command("cmd-5s", 5, "sleep 3; echo done", 20),
        ]
        if self.case.edits:
            entries += [http("edit-a", 1, fast), http("edit-b", 1, fast)]
        return entries

    def apply_schedules(self):
        entries = self.schedule_entries()
        self.apply(entries, "schedules.yaml")
        self.t0 = time.time()
        log("%s: %d schedules applied; window %.0f s" % (self.name, len(entries), self.case.window))

    def apply(self, entries, filename):
        path = os.path.join(self.dir, filename)
        with open(path, "w") as f:  # JSON is YAML
            json.dump({"if_exists": "update", "schedules": entries}, f, indent=1)
        self.cli(["apply", "-f", path], timeout=60)
        self.specs += [{"name": e["name"], "kind": e["target"]["kind"]} for e in entries]

    def add_schedule(self, entry):
        """A schedule created during the case (after a fault): its first fires show whether
        every server noticed the change."""
        self.apply([entry], "add-%s.yaml" % entry["name"])
        log("%s: schedule %s created" % (self.name, entry["name"]))

    def cli(self, args, timeout=30, check=True):
        cmd = [self.ctx.binary] + list(args) + ["--database", self.database]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.dir,
                           env={k: v for k, v in os.environ.items() if k != "PACER_DATABASE"})
        if check and p.returncode != 0:
            raise HarnessError("%s: exit %d: %s" % (" ".join(cmd[1:4]), p.returncode, (p.stderr or p.stdout).strip()[:300]))
        return p

    # ---------------------------------------------------------------- during the window

    def at(self, rel):
        """Sleeps until `rel` seconds after the schedules were applied."""
        sleep_until(self.t0 + rel)

    def fault(self, label, start, end, **extra):
        f = {"label": label, "start": start, "end": end}
        f.update(extra)
        self.faults.append(f)
        return f

    def kill9_restart(self, server):
        t_kill = time.time()
        running = self.running_children(server)
        server.kill9()
        t_spawn = server.start()
        ready = server.wait_ready(30)
        t_ready = time.time()
        self.fault("kill -9 %s" % server.name, t_kill, t_spawn, ready=t_ready if ready else None,
                   children=running)
        log("%s: kill -9 %s (%d command children running); restarted, ready in %.2f s%s" % (
            self.name, server.name, running, t_ready - t_spawn, "" if ready else " (NOT ready)"))

    def running_children(self, server):
        from procs import marked_processes, _ppid
        n = 0
        for pid in marked_processes(self.ctx.token):
            p, chain = pid, []
            for _ in range(64):
                p = _ppid(p)
                if not p or p <= 1:
                    break
                chain.append(p)
            if server.pid in chain:
                n += 1
        return n

    # ---------------------------------------------------------------- the stop window

    def finish(self):
        window_end = self.t0 + self.case.window
        sleep_until(window_end)
        pause = self.pause_all()
        stuck, settle_s = self.settle(pause[1])
        health = {s.name: s.healthz() for s in self.servers}
        self.supervisor.stop()
        stops = self.stop_servers()
        self.orphans.stop()
        time.sleep(1.5)
        self.orphans.scan(final=True)
        self.orphans.kill_leftovers()
        data = self.read_store()
        deliveries = self.receiver.snapshot()
        return self.report(pause, stuck, settle_s, health, stops, data, deliveries)

    def pause_all(self):
        t_start = time.time()
        for spec in self.specs:
            try:
                self.cli(["schedule", "pause", spec["name"], "--reason", "chaos window closed"], timeout=30)
            except (HarnessError, subprocess.TimeoutExpired) as e:
                self.notes.append("pause %s failed: %s" % (spec["name"], e))
        t_end = time.time()
        log("%s: window closed, %d schedules paused in %.2f s" % (self.name, len(self.specs), t_end - t_start))
        return t_start, t_end

    def settle(self, paused_at):
        """Waits (up to the mode's settle time) until no run is queued, held or running; what is
        left then is stuck."""
        deadline = paused_at + self.ctx.settle_max
        rows = []
        while True:
            try:
                rows = self.reader.query(NONTERMINAL_SQL)
            except Exception as e:
                log("%s: settle query failed: %s" % (self.name, e))
                rows = None
            now = time.time()
            if rows == [] and now - paused_at >= self.ctx.settle_min:
                break
            if now >= deadline:
                break
            time.sleep(0.5)
        if rows is None:
            rows = query_retrying(self.reader, NONTERMINAL_SQL)
        settle_s = time.time() - paused_at
        log("%s: settled after %.1f s, %d runs still queued/held/running" % (self.name, settle_s, len(rows)))
        return rows, settle_s

    def stop_servers(self):
        limit = self.ctx.drain_timeout + self.ctx.exit_grace
        results = {}

        def stop(s):
            results[s.name] = s.terminate(limit)

        threads = [threading.Thread(target=stop, args=(s,)) for s in self.servers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for name, (exited, secs, rc) in sorted(results.items()):
            log("%s: server %s %s" % (self.name, name, "exited in %.2f s (rc %s)" % (secs, rc) if exited
                                       else "did NOT exit within %.0f s of SIGTERM; killed" % limit))
        return results

    def read_store(self):
        data = {}
        for key, sql in (("runs", RUNS_SQL), ("schedules", SCHEDULES_SQL), ("revisions", REVISIONS_SQL),
                         ("processes", PROCESSES_SQL), ("states", STATES_SQL)):
            data[key] = query_retrying(self.reader, sql)
        with open(os.path.join(self.dir, "store.json"), "w") as f:
            json.dump(data, f, indent=0, default=str)
        return data

    # ---------------------------------------------------------------- the report

    def report(self, pause, stuck, settle_s, health, stops, data, deliveries):
        schedules = {r["name"]: r for r in data["schedules"]}
        per = []
        for spec in self.specs:
            if spec["name"] not in schedules:
                self.notes.append("schedule %s is missing from the store" % spec["name"])
                continue
            per.append(analyze_schedule(spec, schedules, data["revisions"], data["runs"], deliveries, pause))
        probe = next((p for p in per if p["name"] == "http-1s"), None)
        recs = recovery(self.faults, probe, pause[0])
        rec = summarize_recovery(recs)
        statuses = {}
        for r in data["runs"]:
            statuses[r["status"]] = statuses.get(r["status"], 0) + 1
        after_stop = [r for r in data["runs"] if r["status"] in NONTERMINAL]
        orphans = list(self.orphans.orphans.values())
        sigterm_fail = [n for n, (ok, _s, _rc) in stops.items() if not ok]
        crashes = [dict(e) for e in self.supervisor.events]
        res = {
            "case": self.name, "title": self.case.title, "backend": self.case.backend,
            "replicas": self.case.replicas, "window": self.case.window, "faults": self.faults,
            "schedules": per, "recovery": recs, "recovery_summary": rec,
            "stuck": [_stuck_text(r, pause[1] + settle_s) for r in stuck],
            "stuck_count": len(stuck), "after_stop_nonterminal": len(after_stop),
            "orphans": orphans, "stops": stops, "sigterm_fail": sigterm_fail,
            "health": health, "crashes": crashes, "statuses": statuses, "settle": settle_s,
            "notes": self.notes, "edits": self.edits, "kills": sum(len(s.kills) for s in self.servers),
            "log_lines": {s.name: s.grep_logs([" error ", " critical ", " warning "]) for s in self.servers},
            "deliveries": len(deliveries),
        }
        res["totals"] = {
            "expected": sum(p["expected"] for p in per), "received": sum(p["received"] for p in per),
            "lost": sum(len(p["lost"]) for p in per), "doubled": sum(len(p["doubled"]) for p in per),
            "same_key": sum(p["same_key"] for p in per), "missed": sum(p["missed"] for p in per),
            "exhausted": sum(len(p["exhausted"]) for p in per),
            "skipped_pause": sum(p["skipped_pause"] for p in per), "extra": sum(len(p["extra"]) for p in per),
            "late": sum(p["late"] for p in per),
        }
        reasons = []
        t = res["totals"]
        if t["lost"]:
            reasons.append("%d lost" % t["lost"])
        if t["doubled"]:
            reasons.append("%d doubled" % t["doubled"])
        if t["extra"]:
            reasons.append("%d extra (fired at an instant the rule in force does not have)" % t["extra"])
        if res["stuck_count"]:
            reasons.append("%d stuck" % res["stuck_count"])
        if orphans:
            reasons.append("%d orphaned" % len(orphans))
        if sigterm_fail:
            reasons.append("no exit on SIGTERM: %s" % ",".join(sigterm_fail))
        res["reasons"] = reasons
        res["verdict"] = "FAIL" if reasons else "PASS"
        with open(os.path.join(self.dir, "result.json"), "w") as f:
            json.dump(res, f, indent=1, default=str)
        return res

    # ---------------------------------------------------------------- teardown

    def cleanup(self):
        if self.supervisor:
            self.supervisor.stop()
        for s in self.servers:
            if s.alive():
                exited, _, _ = s.terminate(self.ctx.drain_timeout + self.ctx.exit_grace)
        if self.orphans:
            self.orphans.stop()
            self.orphans.kill_leftovers()
        if self.receiver:
            self.receiver.stop()
        if self.mount:
            for name in os.listdir(self.mount):
                if name.startswith("pacer.db"):
                    try:
                        shutil.copy2(os.path.join(self.mount, name), os.path.join(self.dir, name))
                    except OSError:
                        pass
            r = subprocess.run(["umount", self.mount], capture_output=True, timeout=20)
            if r.returncode != 0:
                subprocess.run(["umount", "-l", self.mount], capture_output=True, timeout=20)
        if self.pg_db:
            self.ctx.pg.ensure_running()
            self.ctx.pg.drop_database(self.pg_db)


def _stuck_text(r, at):
    age = at - (r["fires_at"] or 0) / 1000.0
    return "%s @%s a%s %s owner=%s (due %.0f s before the end of settling)" % (
        r["schedule"], iso_ms(r["scheduled_at"]), r["attempt"], r["status"], r["owner"] or "-", age)
