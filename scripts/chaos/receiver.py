"""The HTTP receiver the chaos targets call: a threaded http.server on 127.0.0.1 that records
every request (arrival time, path, Idempotency-Key and the JSON body the schedules render with
the schedule's name, the scheduled instant, the attempt and the run id), then answers 200.

`/slow?d=SECONDS` answers after a delay, so that runs are in flight when a server is killed.
A request is counted as delivered when it arrives, whatever happens to the answer.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from common import parse_instant_ms


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True


class Receiver:
    """Records deliveries; `snapshot()` returns them as dicts (see `_record`)."""

    def __init__(self, log_path):
        self.log_path = log_path
        self._lock = threading.Lock()
        self._deliveries = []
        self._log = open(log_path, "a", buffering=1)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                arrived = time.time()
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length > 0 else b""
                parts = urlsplit(self.path)
                receiver._record(arrived, self.command, parts.path, dict(self.headers.items()), raw)
                delay = 0.0
                if parts.path.startswith("/slow"):
                    try:
                        delay = float(parse_qs(parts.query).get("d", ["1.5"])[0])
                    except ValueError:
                        delay = 1.5
                if delay > 0:
                    time.sleep(delay)
                body = b"ok\n"
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the server that asked was killed meanwhile

            do_POST = _handle
            do_GET = _handle
            do_PUT = _handle

        self._server = _Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="receiver", daemon=True)

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        try:
            self._server.shutdown()
            self._server.server_close()
        finally:
            self._log.close()

    def _record(self, arrived, method, path, headers, raw):
        key = None
        for name, value in headers.items():
            if name.lower() == "idempotency-key":
                key = value
        body = {}
        try:
            body = json.loads(raw.decode("utf-8")) if raw else {}
            if not isinstance(body, dict):
                body = {}
        except (ValueError, UnicodeDecodeError):
            body = {}
        at = body.get("at")
        entry = {
            "t": arrived,
            "method": method,
            "path": path,
            "key": key,
            "schedule": body.get("s"),
            "at": at,
            "at_ms": parse_instant_ms(at) if isinstance(at, str) else None,
            "attempt": body.get("a"),
            "run": body.get("r"),
            "trigger": body.get("tr"),
            "body_key": body.get("k"),
        }
        with self._lock:
            self._deliveries.append(entry)
            self._log.write(json.dumps(entry, sort_keys=True) + "\n")

    def snapshot(self):
        with self._lock:
            return list(self._deliveries)

    def count(self):
        with self._lock:
            return len(self._deliveries)
