"""Reading Pacer's store from the outside: SQLite with the sqlite3 module, PostgreSQL with the
`psql` command line (no driver needed). Also the PostgreSQL administration the PG cases need:
a fresh database per case, and stopping, starting and restarting the cluster.

Tables and columns (Sources/PacerStore): `schedules(id, name, definition)`,
`revisions(schedule_id, revision, snapshot, created_at)`, `runs(id, schedule_id,
scheduled_at, fires_at, attempt, item_key, status, trigger, owner, started_at, finished_at,
heartbeat_at, error)`, `processes(owner, heartbeat_at)`. Instants are milliseconds since 1970.
"""

import csv
import io
import os
import sqlite3
import subprocess
import time
from urllib.parse import urlsplit, urlunsplit

from common import HarnessError, log

RUNS_SQL = (
    "SELECT s.name AS schedule, r.id, r.scheduled_at, r.fires_at, r.attempt, r.item_key, r.status, "
    "r.trigger, r.owner, r.started_at, r.finished_at, r.heartbeat_at, r.error "
    "FROM runs r JOIN schedules s ON s.id = r.schedule_id"
)
NONTERMINAL_SQL = RUNS_SQL + " WHERE r.status IN ('queued', 'held', 'running')"
SCHEDULES_SQL = "SELECT id, name, definition FROM schedules"
REVISIONS_SQL = (
    "SELECT s.name AS schedule, v.revision, v.snapshot, v.created_at "
    "FROM revisions v JOIN schedules s ON s.id = v.schedule_id"
)
PROCESSES_SQL = "SELECT owner, heartbeat_at FROM processes"
STATES_SQL = (
    "SELECT s.name AS schedule, st.next_fire_at, st.last_fire_at, st.last_status, st.paused_reason "
    "FROM schedule_states st JOIN schedules s ON s.id = st.schedule_id"
)

INT_COLUMNS = {"scheduled_at", "fires_at", "attempt", "started_at", "finished_at", "heartbeat_at",
               "created_at", "revision", "next_fire_at", "last_fire_at"}


def _typed(row):
    out = {}
    for k, v in row.items():
        if v == "" and k not in ("item_key", "definition", "snapshot"):
            v = None
        if v is not None and k in INT_COLUMNS:
            try:
                v = int(v)
            except (TypeError, ValueError):
                pass
        out[k] = v
    return out


class SQLiteReader:
    kind = "sqlite"

    def __init__(self, path):
        self.path = path
        self.database_arg = path

    def query(self, sql, timeout=10.0):
        if not os.path.exists(self.path):
            return []
        con = sqlite3.connect(self.path, timeout=timeout)
        try:
            con.row_factory = sqlite3.Row
            return [_typed(dict(r)) for r in con.execute(sql).fetchall()]
        finally:
            con.close()


class PostgresReader:
    kind = "postgres"

    def __init__(self, url):
        self.url = url
        self.database_arg = url

    def query(self, sql, timeout=15.0):
        cmd = ["psql", self.url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
               "COPY (%s) TO STDOUT WITH CSV HEADER" % sql]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                               env=dict(os.environ, PGCONNECT_TIMEOUT="5"))
        except subprocess.TimeoutExpired:
            raise HarnessError("psql timed out after %.0fs: %s" % (timeout, sql[:60]))
        if p.returncode != 0:
            raise HarnessError("psql failed (%d): %s" % (p.returncode, p.stderr.strip()[:300]))
        return [_typed(r) for r in csv.DictReader(io.StringIO(p.stdout))]


def query_retrying(reader, sql, attempts=5, delay=1.0):
    last = None
    for _ in range(attempts):
        try:
            return reader.query(sql)
        except (HarnessError, sqlite3.Error) as e:
            last = e
            time.sleep(delay)
    raise HarnessError("store query failed %d times: %s" % (attempts, last))


# ---------------------------------------------------------------------------------------------
# PostgreSQL administration


class PostgresAdmin:
    """The cluster of `base_url` (127.0.0.1:5432 by default) as pg_ctlcluster knows it."""

    def __init__(self, base_url, workdir):
        self.base_url = base_url
        self.workdir = workdir
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 5432
        self.version, self.cluster = self._find_cluster()

    def _find_cluster(self):
        try:
            out = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.TimeoutExpired):
            out = ""
        for line in out.splitlines():
            f = line.split()
            if len(f) >= 3 and f[2] == str(self.port):
                return f[0], f[1]
        return "15", "main"

    def url_for(self, dbname):
        parts = urlsplit(self.base_url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))

    def _psql_admin(self, sql, timeout=30):
        p = subprocess.run(["psql", self.url_for("postgres"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                           capture_output=True, text=True, timeout=timeout,
                           env=dict(os.environ, PGCONNECT_TIMEOUT="5"))
        if p.returncode != 0:
            raise HarnessError("psql: %s: %s" % (sql, p.stderr.strip()[:300]))

    def create_database(self, dbname):
        self._psql_admin('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % dbname)
        self._psql_admin('CREATE DATABASE "%s"' % dbname)
        return self.url_for(dbname)

    def drop_database(self, dbname):
        try:
            self.wait_ready(30)
            self._psql_admin('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % dbname)
        except (HarnessError, subprocess.TimeoutExpired) as e:
            log("could not drop database %s: %s" % (dbname, e))

    def other_clients(self, own_dbs):
        """Connections to other databases than ours: who a restart would disturb."""
        try:
            rows = PostgresReader(self.url_for("postgres")).query(
                "SELECT datname, count(*) AS n FROM pg_stat_activity WHERE datname IS NOT NULL "
                "AND pid <> pg_backend_pid() GROUP BY datname")
        except HarnessError:
            return []
        return [(r["datname"], r["n"]) for r in rows if r["datname"] not in own_dbs]

    def is_ready(self):
        try:
            return subprocess.run(["pg_isready", "-q", "-h", self.host, "-p", str(self.port)],
                                  timeout=10).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            return False

    def wait_ready(self, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.is_ready():
                return True
            time.sleep(0.2)
        return False

    def _mark_touched(self):
        # chaos.sh's exit trap starts the cluster again if the driver dies while it is down.
        with open(os.path.join(self.workdir, "pg-cluster"), "w") as f:
            f.write("%s %s\n" % (self.version, self.cluster))

    def _ctl(self, action, timeout=90):
        self._mark_touched()
        cmd = ["pg_ctlcluster", self.version, self.cluster, action]
        if action in ("stop", "restart"):
            cmd += ["-m", "fast"]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            raise HarnessError("%s failed (%d): %s" % (" ".join(cmd), p.returncode, p.stderr.strip()[:300]))

    def restart(self):
        self._ctl("restart")
        if not self.wait_ready(60):
            raise HarnessError("PostgreSQL did not come back after restart")

    def stop(self):
        self._ctl("stop")

    def start(self):
        self._ctl("start")
        if not self.wait_ready(60):
            raise HarnessError("PostgreSQL did not come back after start")

    def ensure_running(self):
        if self.is_ready():
            return True
        try:
            self._ctl("start")
        except (HarnessError, subprocess.TimeoutExpired) as e:
            log("could not start PostgreSQL: %s" % e)
        return self.wait_ready(60)
