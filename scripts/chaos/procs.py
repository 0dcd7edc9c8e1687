"""`pacer serve` processes (start, kill -9, SIGTERM with a deadline, restart after a crash) and
the watch for orphaned children of command targets."""

import os
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request

from common import log

MARK_ENV = "CHAOS_MARK"
_MESSAGE = re.compile(r"\] ([^\[\]]+?)(?:;.*)?$")


def http_get(url, timeout=2.0):
    """(status, body excerpt) or (None, error)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read(400).decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        try:
            body = e.read(400).decode("utf-8", "replace")
        except Exception:
            body = ""
        return e.code, body
    except Exception as e:  # refused, timed out
        return None, str(e)


def server_env():
    """The servers' environment: ours, without anything that marks command children."""
    env = dict(os.environ)
    env.pop(MARK_ENV, None)
    env.pop("PACER_DATABASE", None)
    return env


class Server:
    """One replica: a name, a port it keeps across restarts, a log file per incarnation."""

    def __init__(self, name, binary, database, port, workdir, drain_timeout, pidfile, extra=()):
        self.name = name
        self.binary = binary
        self.database = database
        self.port = port
        self.workdir = workdir
        self.drain_timeout = drain_timeout
        self.pidfile = pidfile
        self.extra = list(extra)
        self.proc = None
        self.incarnation = 0
        self.log_paths = []
        self.expected_down = True  # between our kill and our restart, or after stop
        self.lock = threading.RLock()
        self.crashes = []  # (time, returncode, log path)
        self.kills = []  # times of kill -9

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self):
        with self.lock:
            self.incarnation += 1
            path = os.path.join(self.workdir, "server-%s.%d.log" % (self.name, self.incarnation))
            self.log_paths.append(path)
            out = open(path, "ab", buffering=0)
            cmd = [self.binary, "serve", "--database", self.database, "--port", str(self.port),
                   "--allow-commands", "--max-concurrent", "32", "--drain-timeout", str(self.drain_timeout),
                   "--retention-days", "30"] + self.extra
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True, env=server_env(), cwd=self.workdir)
            out.close()
            with open(self.pidfile, "a") as f:
                f.write("%d\n" % self.proc.pid)
            self.expected_down = False
            return time.time()

    def wait_ready(self, timeout=20.0):
        """Until /healthz/live answers (True), the process exits or the time is up (False)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if not self.alive():
                return False
            status, _ = http_get("http://127.0.0.1:%d/healthz/live" % self.port, timeout=1.0)
            if status == 200:
                return True
            time.sleep(0.05)
        return False

    def kill9(self):
        with self.lock:
            self.expected_down = True
            if self.alive():
                os.kill(self.proc.pid, signal.SIGKILL)
            if self.proc:
                self.proc.wait()
            self.kills.append(time.time())

    def terminate(self, limit):
        """SIGTERM, then wait up to `limit` seconds. Returns (exited, seconds, returncode); a
        process still there at the limit is killed with SIGKILL."""
        with self.lock:
            self.expected_down = True
            if not self.alive():
                return True, 0.0, (self.proc.returncode if self.proc else None)
            t0 = time.time()
            os.kill(self.proc.pid, signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=limit)
            return True, time.time() - t0, rc
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            return False, time.time() - t0, None

    def healthz(self):
        return http_get("http://127.0.0.1:%d/healthz" % self.port, timeout=3.0)

    def log_tail(self, lines=12, path=None):
        path = path or (self.log_paths[-1] if self.log_paths else None)
        if not path or not os.path.exists(path):
            return []
        with open(path, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 16384))
            text = f.read().decode("utf-8", "replace")
        return text.splitlines()[-lines:]

    def grep_logs(self, words, keep=5):
        """The warning and error lines of all this server's logs: how many, the busiest second,
        the messages by count, and the first few lines."""
        count, first, kinds, per_second = 0, [], {}, {}
        for path in self.log_paths:
            try:
                with open(path, "r", errors="replace") as f:
                    for line in f:
                        if not any(w in line for w in words):
                            continue
                        count += 1
                        if len(first) < keep:
                            first.append("%s: %s" % (os.path.basename(path), line.rstrip()[:300]))
                        m = _MESSAGE.search(line)
                        kind = m.group(1).strip() if m else line[25:90].strip()
                        kinds[kind] = kinds.get(kind, 0) + 1
                        second = line[:19]
                        per_second[second] = per_second.get(second, 0) + 1
            except OSError:
                continue
        top = sorted(kinds.items(), key=lambda kv: -kv[1])[:4]
        return {"count": count, "first": first, "kinds": top,
                "peak_per_second": max(per_second.values()) if per_second else 0}


class Supervisor(threading.Thread):
    """Restarts a server that exits on its own (a crash, e.g. on a full disk) after a second,
    like a service manager would, and records the crash with its log's last lines."""

    def __init__(self, servers):
        super().__init__(name="supervisor", daemon=True)
        self.servers = servers
        self.stop_event = threading.Event()
        self.events = []

    def run(self):
        while not self.stop_event.wait(0.2):
            for s in self.servers:
                with s.lock:
                    if s.expected_down or s.proc is None or s.proc.poll() is None:
                        continue
                    rc = s.proc.returncode
                    path = s.log_paths[-1]
                    s.crashes.append((time.time(), rc, path))
                    tail = s.log_tail(6, path)
                    self.events.append({"server": s.name, "t": time.time(), "rc": rc, "log": path, "tail": tail})
                    log("server %s exited on its own (rc %s); restarting. %s" % (s.name, rc, " | ".join(tail[-2:])))
                    s.expected_down = True
                threading.Timer(1.0, self._restart, args=(s,)).start()

    def _restart(self, s):
        if self.stop_event.is_set():
            return
        with s.lock:
            if s.alive() or not s.expected_down or self.stop_event.is_set():
                return
            s.start()

    def stop(self):
        self.stop_event.set()


def _read(path, limit=65536):
    try:
        with open(path, "rb") as f:
            return f.read(limit)
    except OSError:
        return b""


def _ppid(pid):
    data = _read("/proc/%d/stat" % pid, 4096).decode("utf-8", "replace")
    try:
        return int(data[data.rindex(")") + 2:].split()[1])
    except (ValueError, IndexError):
        return None


def marked_processes(token):
    """Pids whose command line or environment carries the token of this driver's run."""
    me = os.getpid()
    tok = token.encode()
    env_mark = ("%s=%s" % (MARK_ENV, token)).encode()
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        if pid == me:
            continue
        cmdline = _read("/proc/%d/cmdline" % pid)
        if tok in cmdline or env_mark in _read("/proc/%d/environ" % pid, 1 << 20):
            found[pid] = cmdline.replace(b"\0", b" ").decode("utf-8", "replace").strip()
    return found


class OrphanWatch(threading.Thread):
    """Every 0.5 s: a process started by a command target (it carries the run's token) whose
    ancestors include no live `pacer serve` of ours for more than a second is an orphan.
    Scanning during the case matters: a `sleep 2` left behind by a killed server is gone
    again long before the case ends."""

    GRACE = 1.0

    def __init__(self, token, servers):
        super().__init__(name="orphans", daemon=True)
        self.token = token
        self.servers = servers
        self.stop_event = threading.Event()
        self.suspects = {}
        self.orphans = {}  # pid -> {cmdline, first_seen, ppid}
        self.lock = threading.Lock()

    def _live(self):
        return {s.pid for s in self.servers if s.alive()}

    def scan(self, final=False):
        live = set() if final else self._live()
        now = time.time()
        procs = marked_processes(self.token)
        with self.lock:
            for pid in list(self.suspects):
                if pid not in procs:
                    del self.suspects[pid]
            for pid, cmd in procs.items():
                if pid in self.orphans:
                    continue
                chain, p = [], pid
                for _ in range(64):
                    p = _ppid(p)
                    if not p or p <= 1:
                        break
                    chain.append(p)
                if live & set(chain):
                    self.suspects.pop(pid, None)
                    continue
                first = self.suspects.setdefault(pid, now)
                if final or now - first >= self.GRACE:
                    self.orphans[pid] = {"pid": pid, "cmdline": cmd, "first_seen": first, "ppid": _ppid(pid)}
                    log("orphan: pid %d (%s), parent %s" % (pid, cmd[:100], _ppid(pid)))
        return procs

    def run(self):
        while not self.stop_event.wait(0.5):
            try:
                self.scan()
            except Exception as e:  # a process vanished mid-read; next scan
                log("orphan scan: %s" % e)

    def stop(self):
        self.stop_event.set()

    def kill_leftovers(self):
        for pid in marked_processes(self.token):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
