#!/usr/bin/env python3
"""Peer figures for Pacer's engine benchmark: APScheduler 3.11 on the same workloads.

    python3 scripts/bench_apscheduler.py [--store memory|sqlite|all] [--workload NAME|all] [--quick]

Needs `pip install 'APScheduler==3.11.*' SQLAlchemy`. Every (store, workload) runs in a fresh
child process (this script with --child), so memory and threads never carry over, and prints
ONE JSON line on stdout (system, workload, schedules, seconds, fires, fires_per_s, lateness_ms
{p50,p99,max}, burst_all_started_s, bytes_per_schedule, note: the fields scripts/
bench_engine_report.py reads for every system); progress goes to stderr.

Workloads (the job is a no-op that appends (job index, time.time()) to a list). Interval jobs'
first fires are staggered evenly over one period; each has a 3 s warm-up, then its window:
  lateness_1k        1,000 jobs every 1 s (~1,000 fires/s asked), 20 s window.
  sustained_10k_1s   10,000 jobs every 1 s (10,000 fires/s asked), 15 s.
  sustained_100k_1s  100,000 jobs every 1 s (100,000/s asked: saturation), 15 s.
  sustained_100k_1m  100,000 jobs every 60 s (~1,667 fires/s asked), 30 s.
  burst_10k          10,000 date-trigger jobs all due at one instant T, 2 s after the adds are
                     expected to finish; seconds from T until the last one has started.
  memory_100k        RSS growth after adding 100,000 interval jobs (scheduler started paused,
                     start date in 2100) divided by the job count.
--quick divides job counts and durations by 5.

Definitions shared with Pacer's engine benchmark:
  * lateness = the job function's first time.time() minus the fire's nominal instant. The
    nominal instants are computed from the trigger: an IntervalTrigger with start_date s and
    period P fires at s + k*P, and with coalesce=False and misfire_grace_time=None no fire is
    dropped or merged, so the k-th start of job i (in time order) is its k-th fire. --verify
    also records APScheduler's own EVENT_JOB_SUBMITTED `scheduled_run_times` and reports the
    largest gap to the computed instants in the note (the listener costs time: off by default).
  * fires = job starts inside the window; fires_per_s = fires / window length. Lateness is
    over those same starts, so under saturation it shows the backlog's age. (A job that is
    behind by several periods gets all its overdue run times in one submission, one store
    update, and they run back to back: each still counts as a fire.)
Scheduler: BackgroundScheduler + ThreadPoolExecutor(--threads, default 20; 10 and 40 were no
better). AsyncIOScheduler with coroutine jobs (--scheduler asyncio) reached ~10,000 fires/s
on sustained_100k_1s against ~40,000 for the thread pool, and a higher lateness p50 on
sustained_10k_1s (0.9 ms against 0.2-0.6 ms).
Job defaults: coalesce=False, misfire_grace_time=None (never dropped), max_instances=10**9.
The sqlite store is SQLAlchemyJobStore on a fresh temporary file in WAL mode with SQLite's
default synchronous setting (as Pacer's SQLite store); for the interval and burst workloads the
jobs are added through add_job with `PRAGMA synchronous=OFF` (setup only, untimed), then the
pool is disposed so the measured phase runs with the default again. memory_100k on sqlite is
limited to a tenth of the adds at default durability, extrapolated in the note.
"""
import argparse, asyncio, gc, json, math, os, shutil, sqlite3, subprocess, sys, tempfile, time  # noqa: E401
from datetime import datetime, timezone

UTC = timezone.utc
# name: (kind, jobs, period s, warm-up s, window s)
WORKLOADS = {
    "lateness_1k": ("interval", 1_000, 1, 3, 20),
    "sustained_10k_1s": ("interval", 10_000, 1, 3, 15),
    "sustained_30k_1s": ("interval", 30_000, 1, 5, 15),
    "sustained_100k_1s": ("interval", 100_000, 1, 3, 15),
    "sustained_100k_1m": ("interval", 100_000, 60, 3, 30),
    "burst_10k": ("burst", 10_000, 0, 2, 0),
    "memory_100k": ("memory", 100_000, 0, 0, 0),
}
SQLITE_MEMORY_SHARE = 10  # memory_100k on sqlite adds n/10 jobs: ~250-1,000 adds/s (one fsync each)
BURST_CAP_S = 120  # give up waiting for a burst after this long
CHILD_TIMEOUT_S = 300
FIELDS = ["system", "workload", "schedules", "seconds", "fires", "fires_per_s", "lateness_ms",
          "burst_all_started_s", "bytes_per_schedule", "note"]

REC: list[tuple[int, float]] = []  # (job index, start time) appended by every fire


def job(i):
    REC.append((i, time.time()))


async def ajob(i):
    REC.append((i, time.time()))


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def rss() -> int:  # resident set size in bytes (Linux)
    gc.collect()
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def pct(xs, q):  # nearest-rank percentile of a sorted list
    return xs[max(0, math.ceil(q * len(xs)) - 1)]


def lateness(ms):
    if not ms:
        return None
    ms.sort()
    return {"p50": round(pct(ms, 0.5), 3), "p99": round(pct(ms, 0.99), 3), "max": round(ms[-1], 3)}


class Bench:
    """One scheduler on one store, set up in the child process."""

    def __init__(self, store: str, mode: str, threads: int):
        from apscheduler.jobstores.memory import MemoryJobStore
        self.store, self.mode, self.fast_sync = store, mode, False
        self.tmp = tempfile.mkdtemp(prefix="apsbench-")
        if store == "memory":
            jobstore = MemoryJobStore()
        else:
            from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
            from sqlalchemy import create_engine, event
            self.db = os.path.join(self.tmp, "jobs.db")
            with sqlite3.connect(self.db) as c:  # WAL is persistent in the file
                c.execute("PRAGMA journal_mode=WAL")
            self.engine = create_engine(f"sqlite:///{self.db}")

            @event.listens_for(self.engine, "connect")
            def _connect(dbapi_conn, _record):
                if self.fast_sync:  # only while seeding; see the module docstring
                    dbapi_conn.execute("PRAGMA synchronous=OFF")
            jobstore = SQLAlchemyJobStore(engine=self.engine)
            self.raw = self.raw_commits_per_s()
        opts = dict(jobstores={"default": jobstore}, timezone=UTC,
                    job_defaults={"coalesce": False, "misfire_grace_time": None, "max_instances": 10**9})
        if mode == "thread":
            from apscheduler.executors.pool import ThreadPoolExecutor
            from apscheduler.schedulers.background import BackgroundScheduler
            self.sched = BackgroundScheduler(executors={"default": ThreadPoolExecutor(threads)}, **opts)
            self.fn, self.sleep = job, time.sleep
        else:
            from apscheduler.executors.asyncio import AsyncIOExecutor
            from apscheduler.schedulers.asyncio import AsyncIOScheduler
            self.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self.loop)
            self.sched = AsyncIOScheduler(event_loop=self.loop, executors={"default": AsyncIOExecutor()}, **opts)
            self.fn = ajob
            # the loop runs only while the main thread sleeps, so sleeping drives the scheduler
            self.sleep = lambda s: self.loop.run_until_complete(asyncio.sleep(s))
        self.sched.start(paused=True)  # jobs added while paused go straight into the store
        self.desc = (f"{'BackgroundScheduler+ThreadPoolExecutor(%d)' % threads if mode == 'thread' else 'AsyncIOScheduler+AsyncIOExecutor, coroutine job'}"
                     + (", SQLAlchemyJobStore on a temp SQLite file (WAL, default synchronous; "
                          f"this disk's raw single-statement commits: {self.raw:,.0f}/s)" if store == "sqlite" else ", MemoryJobStore"))

    def raw_commits_per_s(self) -> float:
        """Context for the sqlite figures: 300 one-row commits on a scratch file beside the store."""
        c = sqlite3.connect(os.path.join(self.tmp, "raw.db"), isolation_level=None)  # autocommit
        c.execute("PRAGMA journal_mode=WAL"), c.execute("CREATE TABLE t (n INTEGER)")
        t = time.perf_counter()
        for k in range(300):
            c.execute("INSERT INTO t VALUES (?)", (k,))
        return 300 / (time.perf_counter() - t)

    def sleep_until(self, t):
        while (d := t - time.time()) > 0:
            self.sleep(min(d, 0.05))

    def seeding(self, on: bool):
        """Fast, non-durable adds while setting up a sqlite store; durable again afterwards."""
        if self.store == "sqlite":
            self.fast_sync = on
            self.engine.dispose()  # pooled connections reopen with the setting now in force

    def add_seconds_per_job(self) -> float:
        """Time 500 throwaway far-future adds, to know how far ahead T0 must be."""
        far = datetime(2100, 1, 1, tzinfo=UTC)
        t = time.perf_counter()
        for k in range(500):
            self.sched.add_job(self.fn, "interval", seconds=1, start_date=far, args=[-1], id=f"cal{k}")
        per = (time.perf_counter() - t) / 500
        self.sched.remove_all_jobs()
        return per

    def finish(self, out: dict):
        print(json.dumps(out), flush=True)
        shutil.rmtree(self.tmp, ignore_errors=True)
        os._exit(0)  # no graceful shutdown: a backlog could keep the pool busy for minutes


def run_interval(b: Bench, n, period, warm, window, verify):
    b.seeding(True)
    lead = 1.0 + 1.5 * n * b.add_seconds_per_job()
    t0 = time.time() + lead
    first = []  # nominal first fire of job i (epoch seconds, microsecond-exact)
    t = time.perf_counter()
    for i in range(n):
        start = datetime.fromtimestamp(t0 + i * period / n, UTC)
        first.append(start.timestamp())
        b.sched.add_job(b.fn, "interval", seconds=period, start_date=start, args=[i], id=f"j{i}")
    add_s = time.perf_counter() - t
    b.seeding(False)
    submitted = []
    if verify:
        from apscheduler.events import EVENT_JOB_SUBMITTED
        b.sched.add_listener(lambda e: submitted.extend((int(e.job_id[1:]), r.timestamp()) for r in e.scheduled_run_times),
                             EVENT_JOB_SUBMITTED)
    overrun = time.time() - t0
    b.sched.resume()
    log(f"  {n:,} jobs added in {add_s:.1f} s; running {warm} s warm-up + {window} s")
    w0 = t0 + warm
    w1 = w0 + window
    b.sleep_until(w1)
    starts: dict[int, list[float]] = {}
    for i, s in REC[:]:
        starts.setdefault(i, []).append(s)
    late, backlog = [], 0
    for i, ss in starts.items():
        ss.sort()
        late += [(s - (first[i] + k * period)) * 1000 for k, s in enumerate(ss) if w0 <= s < w1]
    for i in range(n):  # fires due before the window's end that had not started by then
        due = math.ceil((w1 - first[i]) / period) if w1 > first[i] else 0
        backlog += due - sum(1 for s in starts.get(i, ()) if s < w1)
    note = (f"{b.desc}; {n:,} jobs every {period} s staggered evenly over the period "
            f"({n / period:,.0f} fires/s asked); {warm} s warm-up; nominal = start_date + k*interval; "
            f"setup adds {n / add_s:,.0f}/s{' (synchronous=OFF)' * (b.store == 'sqlite')}; backlog at window end {backlog:,} fires")
    if overrun > 0:
        note += f"; adds overran the first fire by {overrun:.1f} s (absorbed by the warm-up)"
    if verify:  # APScheduler's own scheduled_run_times against the computed instants
        by: dict[int, list[float]] = {}
        for i, r in submitted:
            by.setdefault(i, []).append(r)
        gap = max((abs(r - (first[i] + k * period)) for i, rs in by.items() for k, r in enumerate(sorted(rs))), default=0.0)
        note += f"; verify: {len(submitted):,} scheduled_run_times, max gap to computed nominal {gap * 1000:.3f} ms"
    fires = len(late)  # each start in the window
    return dict(schedules=n, seconds=window, fires=fires, fires_per_s=round(fires / window, 1),
                lateness_ms=lateness(late), burst_all_started_s=None, bytes_per_schedule=None, note=note)


def run_burst(b: Bench, n, lead_s):
    b.seeding(True)  # T = 2 s after the adds are expected to finish (from a timed sample of adds)
    t_due = time.time() + lead_s + 1.5 * n * b.add_seconds_per_job()
    due = datetime.fromtimestamp(t_due, UTC)
    t_due = due.timestamp()
    t = time.perf_counter()
    for i in range(n):
        b.sched.add_job(b.fn, "date", run_date=due, args=[i], id=f"b{i}")
    add_s = time.perf_counter() - t
    b.seeding(False)
    margin = t_due - time.time()
    b.sched.resume()
    log(f"  {n:,} date jobs added in {add_s:.1f} s; T in {margin:.1f} s")
    while len(REC) < n and time.time() < t_due + BURST_CAP_S:
        b.sleep(0.02)
    snap = REC[:]
    late = [(s - t_due) * 1000 for _, s in snap]
    done = len(snap) == n
    burst = max(late) / 1000 if done else None
    note = f"{b.desc}; {n:,} date-trigger jobs due at T; adds (setup, synchronous=OFF on sqlite) finished {margin:.1f} s before T"
    if not done:
        note += f"; only {len(snap):,} started within {BURST_CAP_S} s of T"
    span = burst if done else BURST_CAP_S
    return dict(schedules=n, seconds=round(span, 3), fires=len(snap), fires_per_s=round(len(snap) / span, 1) if span > 0 else None,
                lateness_ms=lateness(late), burst_all_started_s=round(burst, 3) if done else None,
                bytes_per_schedule=None, note=note)


def run_memory(b: Bench, n):
    far = datetime(2100, 1, 1, tzinfo=UTC)
    m = n // SQLITE_MEMORY_SHARE if b.store == "sqlite" else n
    before = rss()
    t = time.perf_counter()
    for i in range(m):
        b.sched.add_job(b.fn, "interval", seconds=1, start_date=far, args=[i], id=f"m{i}")
    add_s = time.perf_counter() - t
    per = (rss() - before) / m
    note = f"{b.desc}; scheduler started paused, start date 2100-01-01; {m:,} adds in {add_s:.1f} s ({m / add_s:,.0f}/s)"
    if m < n:
        disk = sum(os.path.getsize(p) for p in (b.db, b.db + "-wal") if os.path.exists(p))
        note += (f"; capped at {m:,} adds (default durability, one commit each): {n:,} would take "
                 f"~{n / m * add_s:,.0f} s; the jobs live in the database file ({disk / m:,.0f} bytes/job on disk "
                 f"incl. WAL), the figure is the process's own growth")
    return dict(schedules=m, seconds=round(add_s, 3), fires=0, fires_per_s=None, lateness_ms=None,
                burst_all_started_s=None, bytes_per_schedule=round(per, 1), note=note)


def child(a):
    kind, n, period, warm, window = WORKLOADS[a.workload]
    if a.quick:
        n, warm, window = n // 5, warm / 5, window / 5
    b = Bench(a.store, a.scheduler, a.threads)
    out = (run_interval(b, n, period, warm, window, a.verify) if kind == "interval"
           else run_burst(b, n, warm) if kind == "burst" else run_memory(b, n))
    b.finish({"system": f"apscheduler-{a.store}", "workload": a.workload, **out})


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--store", default="all", choices=["memory", "sqlite", "all"])
    p.add_argument("--workload", default="all", choices=[*WORKLOADS, "all"])
    p.add_argument("--quick", action="store_true", help="job counts and durations / 5")
    p.add_argument("--scheduler", default="thread", choices=["thread", "asyncio"])
    p.add_argument("--threads", type=int, default=20, help="ThreadPoolExecutor size")
    p.add_argument("--verify", action="store_true", help="check nominal instants against scheduled_run_times")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child:
        return child(a)
    stores = ["memory", "sqlite"] if a.store == "all" else [a.store]
    names = list(WORKLOADS) if a.workload == "all" else [a.workload]
    flags = ["--scheduler", a.scheduler, "--threads", str(a.threads)] + ["--quick"] * a.quick + ["--verify"] * a.verify
    for store in stores:
        for name in names:
            log(f"apscheduler-{store} {name}")
            t = time.perf_counter()
            cmd = [sys.executable, os.path.abspath(__file__), "--child", "--store", store, "--workload", name, *flags]
            try:
                r = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, timeout=CHILD_TIMEOUT_S)
                line = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
                err = f"child exited {r.returncode} without a result"
            except subprocess.TimeoutExpired:
                line, err = "", f"child timed out after {CHILD_TIMEOUT_S} s"
            if not line:  # keep one line per (store, workload) so the report shows the gap
                line = json.dumps({**dict.fromkeys(FIELDS), "system": f"apscheduler-{store}", "workload": name, "note": err})
            print(line, flush=True)
            log(f"  done in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
