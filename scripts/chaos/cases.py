"""The six fault cases and their timelines, in a short (CI) and a long form. Times are seconds
after the schedules were applied; `window` is when the schedules are paused."""

import errno
import json
import os
import threading
import time

from common import log, parse_instant_ms
from procs import http_get


class Case:
    def __init__(self, name, title, backend, replicas, window, timeline, tmpfs_mb=0, edits=False):
        self.name = name
        self.title = title
        self.backend = backend
        self.replicas = replicas
        self.window = window
        self.timeline = timeline
        self.tmpfs_mb = tmpfs_mb
        self.edits = edits


def kill_loop(first, last, lo, hi, rotate):
    def timeline(run):
        t, i = first, 0
        while t <= last:
            run.at(t)
            server = run.servers[i % len(run.servers)] if rotate else run.servers[0]
            run.kill9_restart(server)
            i += 1
            t += run.rng.uniform(lo, hi)
    return timeline


def idle(run):
    pass


def probe_health(run, label):
    """Asks every server's /healthz at once (3 s timeout) and notes the answers."""
    answers = {}

    def ask(s):
        answers[s.name] = s.healthz() + (http_get("http://127.0.0.1:%d/healthz/live" % s.port, timeout=3.0)[0],)

    threads = [threading.Thread(target=ask, args=(s,)) for s in run.servers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name, (status, body, live) in sorted(answers.items()):
        run.notes.append("%s: /healthz of %s: %s %s (/healthz/live: %s)" % (
            label, name, status if status is not None else "no answer:", " ".join(str(body).split())[:220],
            live if live is not None else "no answer"))


def pg_restart_stop(restart_at, stop_at, stop_for):
    def timeline(run):
        pg = run.ctx.pg
        run.at(restart_at)
        others = pg.other_clients({run.pg_db, "postgres"})
        if others:
            run.notes.append("the restart disturbed other clients of the cluster: %s" %
                             ", ".join("%s (%s connections)" % o for o in others))
        t1 = time.time()
        log("%s: pg_ctlcluster %s %s restart" % (run.name, pg.version, pg.cluster))
        try:
            pg.restart()
        finally:
            pg.ensure_running()
        t2 = time.time()
        run.fault("PostgreSQL restart", t1, t2)
        log("%s: PostgreSQL back after %.1f s" % (run.name, t2 - t1))
        run.at(restart_at + 4)
        probe_health(run, "4 s after the restart")
        run.add_schedule(run.http_entry("new-after-restart", 1))
        run.at(stop_at)
        t3 = time.time()
        log("%s: PostgreSQL stopped for %.0f s" % (run.name, stop_for))
        try:
            pg.stop()
            run.at(stop_at + stop_for / 2)
            probe_health(run, "PostgreSQL down for %.0f s" % (time.time() - t3))
            run.at(stop_at + stop_for)
        finally:
            if not pg.ensure_running():
                run.notes.append("PostgreSQL did not start again")
        t4 = time.time()
        run.fault("PostgreSQL stopped %.0f s" % stop_for, t3, t4)
        log("%s: PostgreSQL started again (down %.1f s)" % (run.name, t4 - t3))
        run.at(stop_at + stop_for + 3)
        probe_health(run, "3 s after the start")
        run.add_schedule(run.http_entry("new-after-stop", 1))
    return timeline


def fill(path):
    """Writes zeros to `path` until the file system is full; returns the bytes written."""
    written = 0
    with open(path, "ab", buffering=0) as f:
        for chunk in (1 << 20, 1 << 14, 1 << 10):
            block = b"\0" * chunk
            while True:
                try:
                    f.write(block)
                    written += chunk
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break
    return written


def disk_full(cycles):
    def timeline(run):
        disk = run.mount
        for n, (fill_at, free_at) in enumerate(cycles, 1):
            run.at(fill_at)
            junk = os.path.join(disk, "junk")
            t1 = time.time()
            try:
                n = fill(junk)
            except OSError as e:
                n = -1
                run.notes.append("filling failed: %s" % e)
            st = os.statvfs(disk)
            log("%s: disk filled (%d KiB junk, %d KiB free)" % (run.name, n // 1024, st.f_bavail * st.f_frsize // 1024))
            run.at(fill_at + min(4, (free_at - fill_at) / 2))
            probe_health(run, "disk full (fill %d, %.0f s in)" % (n, time.time() - t1))
            run.at(free_at)
            os.remove(junk)
            t2 = time.time()
            run.fault("disk full %.0f s" % (t2 - t1), t1, t2)
            log("%s: disk freed after %.1f s" % (run.name, t2 - t1))
    return timeline


def edits(first, last, spacing):
    """Timing edits of edit-a and edit-b (every 1s/2s/3s) landing at 0.05, 0.45 and 0.80 s past
    a second, in turn, while they fire."""
    phases = [0.05, 0.45, 0.80]
    rules = ["2s", "1s", "3s", "1s"]
    names = ["edit-a", "edit-b"]

    def timeline(run):
        latency = 0.08
        i = 0
        run.at(first)
        while time.time() - run.t0 <= last:
            name = names[i % 2]
            rule = rules[(i // 2) % len(rules)]
            phase = phases[i % 3]
            target = int(time.time() + spacing) + phase
            launch = target - latency
            while launch < time.time() + 0.02:
                target += 1
                launch = target - latency
            time.sleep(launch - time.time())
            t_launch = time.time()
            p = run.cli(["schedule", "edit", name, "--every", rule, "--json"])
            t_done = time.time()
            try:  # the new revision's instant: when the edit took effect in the store
                committed = parse_instant_ms(json.loads(p.stdout)["updated_at"]) / 1000.0
            except (ValueError, KeyError, TypeError):
                committed = t_done
            latency = 0.5 * latency + 0.5 * max(0.0, committed - t_launch)
            run.edits.append({"schedule": name, "rule": "every " + rule, "phase": phase,
                              "launch": t_launch, "done": t_done, "committed": committed})
            i += 1
    return timeline


def build(mode):
    short = mode == "short"
    if short:
        return [
            Case("sqlite-kill9", "SQLite, kill -9 of the server every 3-4 s, restarted at once", "sqlite", 1, 23,
                 kill_loop(2.5, 10, 3, 4, rotate=False)),
            Case("pg-replicas", "PostgreSQL, three replicas, no faults", "postgres", 3, 12, idle),
            Case("pg-replica-kill9", "PostgreSQL, three replicas, one killed with -9 every 3-4 s, restarted",
                 "postgres", 3, 23, kill_loop(2.5, 10, 3, 4, rotate=True)),
            Case("pg-restart", "PostgreSQL restarted, later stopped for 8 s (three replicas)", "postgres", 3, 30,
                 pg_restart_stop(3, 10, 8)),
            Case("disk-full", "SQLite on an 8 MiB tmpfs filled up for 6 s, then freed", "sqlite", 1, 18,
                 disk_full([(4, 10)]), tmpfs_mb=8),
            Case("edits", "SQLite, timing edits at .05/.45/.80 s past a second while firing", "sqlite", 1, 16,
                 edits(1.5, 13, 0.9), edits=True),
        ]
    return [
        Case("sqlite-kill9", "SQLite, kill -9 of the server every 3-5 s, restarted at once", "sqlite", 1, 120,
             kill_loop(5, 100, 3, 5, rotate=False)),
        Case("pg-replicas", "PostgreSQL, three replicas, no faults", "postgres", 3, 60, idle),
        Case("pg-replica-kill9", "PostgreSQL, three replicas, one killed with -9 every 3-5 s, restarted",
             "postgres", 3, 120, kill_loop(5, 100, 3, 5, rotate=True)),
        Case("pg-restart", "PostgreSQL restarted, later stopped for 20 s (three replicas)", "postgres", 3, 110,
             pg_restart_stop(15, 45, 20)),
        Case("disk-full", "SQLite on an 8 MiB tmpfs filled up twice (20 s, 15 s), then freed", "sqlite", 1, 90,
             disk_full([(10, 30), (50, 65)]), tmpfs_mb=8),
        Case("edits", "SQLite, timing edits at .05/.45/.80 s past a second while firing", "sqlite", 1, 90,
             edits(3, 80, 1.3), edits=True),
    ]


NAMES = ["sqlite-kill9", "pg-replicas", "pg-replica-kill9", "pg-restart", "disk-full", "edits"]
