"""Web pages against `pacer serve`: what another origin, opened in a browser on the machine, can
make a Pacer that trusts loopback callers do. Headless Chromium driven by Selenium.

Usage: cross_origin_test.py BASE_URL

BASE_URL is a running `pacer serve --allow-commands` on a fresh database with no API tokens (so
loopback callers have full rights and command targets are allowed: the only defence left is the
browser guard). scripts/browser-test.sh starts one and runs this.

1. An "attacker" HTTP server of this script's own, on another loopback port, serves a page that
   tries to create a command schedule (touching a marker file) and run it: (a) a no-cors text/plain
   fetch, (b) a no-cors fetch without a content type, a sendBeacon, a no-cors POST to /mcp,
   (c) an auto-submitted text/plain form shaped into JSON, (d) a CORS fetch with JSON (its
   preflight must fail), and (e) frames the dashboard (it must not render). The page is opened
   from http://127.0.0.1:OTHER (against 127.0.0.1:PORT) and from http://localhost:OTHER (against
   localhost:PORT). Chromium's network log must show every POST it sent to Pacer refused.
2. DNS rebinding: a name mapped to 127.0.0.1 in the browser (attacker.test) gets no page and can
   create nothing, though its requests are same-origin.
3. Then, over plain HTTP from here: no schedule exists and no marker file; a foreign Host gets
   403 forbidden_host, a foreign Origin 403 forbidden_origin, a text/plain body 415; the same
   request with the server's own origin (or none) and JSON creates a command schedule that runs
   and touches its marker (so the refusals are the guard's doing); the security headers are on
   pages, API answers and errors.

Every check prints one line, ok or FAIL; the exit status is non-zero when any failed. Every wait
is explicit and generous (a busy two-core CI machine) but the whole stays well under a minute.
"""
import http.client
import http.server
import json
import os
import shutil
import socketserver
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8750"
_base = urllib.parse.urlsplit(BASE)
HOST, PORT = _base.hostname, _base.port or 80
WAIT = 20  # seconds, for anything that needs the browser or the server
REBIND_NAME = "attacker.test"  # mapped to 127.0.0.1 inside the browser only

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Content-Security-Policy": CSP,
}

MARKERS = tempfile.mkdtemp(prefix="pacer-xorigin-")


def marker(label):
    return os.path.join(MARKERS, "pwned-" + label)


def command_schedule(name, label, every="30s"):
    return {"name": name, "every": every,
            "target": {"kind": "command", "argv": ["/bin/sh", "-c", "touch " + marker(label)]}}


# ---------------------------------------------------------------------------------------------
# Plain HTTP to the server (http.client: the Host header is exactly what we say).

class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def code(self):
        j = self.json()
        return j.get("error", {}).get("code") if isinstance(j, dict) and isinstance(j.get("error"), dict) else None

    def __str__(self):
        return f"{self.status} {self.body[:300].decode('utf-8', 'replace')!r}"


def call(method, path, body=None, headers=None, host=None):
    """One request to the server at HOST:PORT. `host` replaces the Host header (default
    HOST:PORT); `body` (a dict) is sent as JSON text with whatever Content-Type `headers` say."""
    conn = http.client.HTTPConnection(HOST, PORT, timeout=WAIT)
    try:
        h = {"Host": host or f"{HOST}:{PORT}", "Accept": "application/json"}
        h.update(headers or {})
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        return Answer(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    finally:
        conn.close()


JSON_CT = {"Content-Type": "application/json"}


def schedules():
    a = call("GET", "/v1/schedules")
    assert a.status == 200, f"GET /v1/schedules answered {a}"
    return a.json()["schedules"]


def expect_refusal(answer, status, code, what):
    assert answer.status == status and answer.code() == code, \
        f"{what}: expected {status} {code}, got {answer}"


def expect_security_headers(answer, what):
    wrong = {k: answer.headers.get(k.lower()) for k, v in SECURITY_HEADERS.items() if answer.headers.get(k.lower()) != v}
    assert not wrong, f"{what} ({answer.status}): missing or wrong security headers {wrong}"


# ---------------------------------------------------------------------------------------------
# The attacker's server: one page per (origin, target), a frame for the control, and a sink that
# records the simple requests it receives (proof the browser does send them cross-origin).

SINK = []  # (origin header, content type, body)


class AttackerHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status, body, ctype="text/html; charset=utf-8"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/attack.html":
            q = urllib.parse.parse_qs(url.query)
            self._send(200, attack_page(q["target"][0], q["tag"][0], q["sink"][0]))
        elif url.path == "/framed.html":
            self._send(200, "<!doctype html><title>framed</title><p id=framed>framed-ok</p>")
        else:
            self._send(404, "not here", "text/plain")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8", "replace")
        if self.path == "/sink":
            SINK.append((self.headers.get("Origin"), self.headers.get("Content-Type"), body))
        self._send(204, "")


class AttackerServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def form_parts(name, label):
    """A text/plain form sends `NAME=VALUE\\r\\n`: the JSON is cut so that the `=` lands in a shell
    comment inside the command, and the body is a valid schedule (trailing CRLF is JSON space)."""
    whole = json.dumps(command_schedule(name, label), separators=(",", ":"))
    cut = whole.index(marker(label)) + len(marker(label))
    return whole[:cut] + " #", whole[cut:]


def attack_page(target, tag, sink):
    names = {k: f"xo-{tag}-{k}" for k in ("a", "b", "beacon", "c", "d")}
    cfg = {
        "target": target, "sink": sink, "names": names,
        "bodies": {k: command_schedule(n, f"{tag}-{k}") for k, n in names.items()},
        "form": form_parts(names["c"], f"{tag}-c"),
    }
    return """<!doctype html>
<html><head><meta charset="utf-8"><title>attacker</title></head><body>
<h1>Totally innocent page</h1>
<pre id="result">running</pre>
<iframe id="control" src="/framed.html" width="300" height="100"></iframe>
<iframe id="formsink" name="formsink" width="300" height="100"></iframe>
<div id="victim-slot"></div>
<script>
const CFG = %s;
const results = {};
const opaque = r => "response type=" + r.type + " status=" + r.status;
async function attempt(key, fn) {
  try { results[key] = await fn(); } catch (e) { results[key] = "rejected: " + e; }
}
const noCors = (path, init) => fetch(CFG.target + path, Object.assign({method: "POST", mode: "no-cors"}, init)).then(opaque);
const run = name => noCors("/v1/schedules/" + encodeURIComponent(name) + "/run", {});
function loaded(el, ms) {
  return new Promise(resolve => {
    let done = false;
    const finish = v => { if (!done) { done = true; resolve(v); } };
    el.addEventListener("load", () => finish("load event"), {once: true});
    setTimeout(() => finish("no load event in " + ms + " ms"), ms);
  });
}
(async () => {
  // Control: a cross-origin simple request reaches a server with its body.
  await attempt("control_sink", () => fetch(CFG.sink, {method: "POST", mode: "no-cors",
    headers: {"Content-Type": "text/plain"}, body: "control-" + CFG.names.a}).then(opaque));
  // (a) the reported attack: a no-cors text/plain POST, then run it by name.
  await attempt("a_no_cors_text_plain", () => noCors("/v1/schedules",
    {headers: {"Content-Type": "text/plain"}, body: JSON.stringify(CFG.bodies.a)}));
  await attempt("a_run", () => run(CFG.names.a));
  // (b) no content type at all (a Blob without a type), a beacon, and /mcp.
  await attempt("b_no_cors_no_type", () => noCors("/v1/schedules", {body: new Blob([JSON.stringify(CFG.bodies.b)])}));
  await attempt("b_run", () => run(CFG.names.b));
  await attempt("beacon", async () => "queued=" + navigator.sendBeacon(CFG.target + "/v1/schedules", JSON.stringify(CFG.bodies.beacon)));
  await attempt("beacon_run", () => run(CFG.names.beacon));
  await attempt("mcp_no_cors", () => noCors("/mcp", {headers: {"Content-Type": "text/plain"},
    body: JSON.stringify({jsonrpc: "2.0", id: 1, method: "initialize", params: {protocolVersion: "2025-03-26",
      capabilities: {}, clientInfo: {name: "attacker", version: "1"}}})}));
  // (c) an auto-submitted text/plain form whose body is JSON.
  await attempt("c_form", () => {
    const sink = document.getElementById("formsink");
    const wait = loaded(sink, 8000);
    const f = document.createElement("form");
    f.method = "post"; f.enctype = "text/plain"; f.action = CFG.target + "/v1/schedules"; f.target = "formsink";
    const i = document.createElement("input");
    i.type = "hidden"; i.name = CFG.form[0]; i.value = CFG.form[1];
    f.appendChild(i); document.body.appendChild(f); f.submit();
    return wait.then(v => "submitted, " + v);
  });
  await attempt("c_run", () => run(CFG.names.c));
  // (d) a CORS request with JSON: the preflight must fail, and so must a CORS read.
  await attempt("d_cors_json", async () => {
    const r = await fetch(CFG.target + "/v1/schedules", {method: "POST", mode: "cors",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify(CFG.bodies.d)});
    return "status " + r.status + ": " + (await r.text()).slice(0, 200);
  });
  await attempt("d_cors_read", async () => {
    const r = await fetch(CFG.target + "/v1/schedules", {mode: "cors"});
    return "status " + r.status + ": " + (await r.text()).slice(0, 200);
  });
  // (e) frame the dashboard.
  await attempt("e_iframe", () => {
    const v = document.createElement("iframe");
    v.id = "victim"; v.width = 800; v.height = 400; v.src = CFG.target + "/";
    const wait = loaded(v, 8000);
    document.getElementById("victim-slot").appendChild(v);
    return wait.then(x => { let doc; try { doc = v.contentDocument ? "readable" : "null"; } catch (e) { doc = "throws"; }
                            return x + ", contentDocument " + doc; });
  });
  await attempt("control_frame", () => loaded(document.getElementById("control"), 1).then(() =>
    document.getElementById("control").contentDocument.getElementById("framed") ? "framed-ok" : "empty"));
  document.getElementById("result").textContent = JSON.stringify(results);
  document.title = "done";
})();
</script></body></html>
""" % json.dumps(cfg)


# ---------------------------------------------------------------------------------------------
# The browser.

def make_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--lang=en-US",
                f"--host-resolver-rules=MAP {REBIND_NAME} 127.0.0.1",
                "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(WAIT)
    driver.set_script_timeout(WAIT)
    return driver


def wait_for(driver, what, condition, timeout=WAIT):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: condition(d))
    except TimeoutException:
        raise AssertionError(f"timed out after {timeout} s waiting for {what}") from None


def network_log(driver):
    """Requests Chromium sent since the last call: {requestId: {method, url, status, error}}."""
    requests = {}
    for entry in driver.get_log("performance"):
        try:
            m = json.loads(entry["message"])["message"]
        except (ValueError, KeyError):
            continue
        p = m.get("params", {})
        rid = p.get("requestId")
        if m.get("method") == "Network.requestWillBeSent":
            r = p["request"]
            requests.setdefault(rid, {})
            requests[rid].update(method=r["method"], url=r["url"])
            # A redirect reuses the id; nothing here redirects.
        elif m.get("method") == "Network.responseReceived" and rid in requests:
            requests[rid]["status"] = p["response"]["status"]
        elif m.get("method") == "Network.responseReceivedExtraInfo":
            # The raw answer, also of responses the page is then refused (CORP, frame-ancestors).
            requests.setdefault(rid, {})["raw"] = p.get("statusCode")
        elif m.get("method") == "Network.loadingFailed" and rid in requests:
            requests[rid]["error"] = p.get("errorText") or "failed"
            if p.get("corsErrorStatus"):
                requests[rid]["error"] += " " + str(p["corsErrorStatus"].get("corsError"))
            if p.get("blockedReason"):
                requests[rid]["error"] += " " + str(p["blockedReason"])
    return requests


class Checks:
    def __init__(self):
        self.passed, self.failed = [], []
        self.driver = None
        self.attacker = None
        self.attacker_port = None

    def run(self, name, fn):
        started = time.monotonic()
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - report, keep going: the checks are independent
            self.failed.append(name)
            print(f"FAIL {name}: {e}", flush=True)
            if not isinstance(e, AssertionError):
                traceback.print_exc()
            return
        self.passed.append(name)
        print(f"ok   {name} ({time.monotonic() - started:.1f} s)", flush=True)

    # -- setup -----------------------------------------------------------------------------

    def start(self):
        self.attacker = AttackerServer(("127.0.0.1", 0), AttackerHandler)
        self.attacker_port = self.attacker.server_address[1]
        threading.Thread(target=self.attacker.serve_forever, daemon=True).start()
        assert schedules() == [], "the server's database is not fresh: it already has schedules"
        self.driver = make_driver()
        print(f"     attacker pages on port {self.attacker_port}, markers under {MARKERS}")

    def stop(self):
        if self.driver is not None:
            self.driver.quit()
        if self.attacker is not None:
            self.attacker.shutdown()
            self.attacker.server_close()

    # -- 1. pages on other loopback origins --------------------------------------------------

    def control_dashboard(self):
        """The dashboard renders top-level (so the frame check below looks for the right thing)."""
        d = self.driver
        d.get(BASE + "/")
        wait_for(d, "the dashboard's Schedules heading", lambda d: d.execute_script(
            "const e = document.querySelector('.page-head h1'); return e && e.innerText.trim() === 'Schedules'"))
        network_log(d)  # drop the dashboard's own requests

    def attack_from(self, page_host, target_host, tag):
        d = self.driver
        target = f"{_base.scheme}://{target_host}:{PORT}"
        page_origin = f"http://{page_host}:{self.attacker_port}"
        other = "localhost" if page_host != "localhost" else "127.0.0.1"
        sink = f"http://{other}:{self.attacker_port}/sink"
        sink_before = len(SINK)
        q = urllib.parse.urlencode({"target": target, "tag": tag, "sink": sink})
        d.get(f"{page_origin}/attack.html?{q}")
        # The page waits at most 8 s for the form's and the frame's load events.
        wait_for(d, "the attack page to finish", lambda d: d.title == "done", timeout=30)
        results = json.loads(d.find_element(By.ID, "result").text)
        for k, v in results.items():
            print(f"     page {page_origin} -> {target}: {k}: {v}")
        problems = []

        # The browser really sends cross-origin simple requests (else this test proves nothing).
        got = SINK[sink_before:]
        if not any(ct and ct.startswith("text/plain") and body.startswith("control-") for _, ct, body in got):
            problems.append(f"control: the cross-origin simple request did not reach the sink ({got})")
        if results.get("control_frame") != "framed-ok":
            problems.append(f"control: a same-origin frame did not render ({results.get('control_frame')})")

        # (d) the CORS request and the CORS read fail in the browser.
        for k in ("d_cors_json", "d_cors_read"):
            if not str(results.get(k, "")).startswith("rejected"):
                problems.append(f"{k}: the page could read a CORS answer: {results.get(k)}")

        # What Chromium's network log says the server answered to each POST/OPTIONS it got.
        reqs = [r for r in network_log(d).values() if r.get("url", "").startswith(target + "/")]
        for r in reqs:
            print(f"     network: {r.get('method')} {r['url'][len(target):]} -> "
                  f"{r.get('status', '-')} raw {r.get('raw', '-')}{' ' + r['error'] if r.get('error') else ''}")
        # Every POST reached the server and was refused there (the raw status; the page itself
        # sees only an opaque or blocked answer), except the CORS one, stopped at its preflight,
        # which the server refused too.
        posts = [r for r in reqs if r.get("method") == "POST"]
        answered = [r for r in posts if r.get("raw") is not None]
        # a, a_run, b, b_run, beacon, beacon_run, mcp, c, c_run (d never gets past its preflight)
        if len(answered) < 9:
            problems.append(f"only {len(answered)} POSTs to the server were answered in the network log, expected 9")
        for r in posts:
            if r.get("raw") is None and "Preflight" not in r.get("error", ""):
                problems.append(f"POST {r['url']} did not reach the server: {r.get('error')}")
            elif r.get("raw") is not None and r["raw"] not in (403, 415):
                problems.append(f"POST {r['url']} answered {r['raw']}, not a refusal")
        preflights = [r for r in reqs if r.get("method") == "OPTIONS"]
        if not preflights or any(r.get("raw") != 403 for r in preflights):
            problems.append(f"the CORS preflight was not answered 403: {preflights}")

        # (e) the framed dashboard did not render: look into the frame with WebDriver (which can
        # enter cross-origin frames), and give it a moment in case it is just slow.
        frame = self.frame_state("victim")
        control = self.frame_state("control")
        print(f"     frame of the dashboard: {frame}; control frame: {control}")
        if not (control and control.get("framed")):
            problems.append(f"control: WebDriver could not see into the control frame ({control})")
        deadline = time.monotonic() + 2
        while True:
            if frame and (frame.get("dashboard") or str(frame.get("href", "")).startswith(target)):
                problems.append(f"the dashboard rendered in a frame of {page_origin}: {frame}")
                break
            if time.monotonic() > deadline:
                break
            time.sleep(0.5)
            frame = self.frame_state("victim")
        # And positive evidence that Chromium blocked it: its error page in the frame, or its
        # console message about frame-ancestors / X-Frame-Options.
        console = [e.get("message", "") for e in d.get_log("browser")]
        refused = [m for m in console if "frame-ancestors" in m or "X-Frame-Options" in m]
        print(f"     console on framing: {refused[0][:200] if refused else '(no refusal message)'}")
        if not (refused or str((frame or {}).get("href", "")).startswith("chrome-error:")):
            problems.append(f"no sign that Chromium blocked the frame of the dashboard: {frame}")
        assert not problems, "; ".join(problems)

    def frame_state(self, frame_id):
        d = self.driver
        try:
            d.switch_to.frame(d.find_element(By.ID, frame_id))
            try:
                return d.execute_script("""
                    return {href: location.href, title: document.title,
                            dashboard: !!document.querySelector('.page-head, nav a[data-nav]'),
                            framed: !!document.getElementById('framed'),
                            text: document.body ? document.body.innerText.slice(0, 80) : null}""")
            finally:
                d.switch_to.default_content()
        except Exception as e:  # noqa: BLE001 - a blocked frame may have no script context
            return {"error": type(e).__name__ + ": " + str(e).splitlines()[0][:120]}

    def attack_127(self):
        self.attack_from("127.0.0.1", HOST, "ip")

    def attack_localhost(self):
        self.attack_from("localhost", "localhost", "lh")

    # -- 2. DNS rebinding: another name for 127.0.0.1, same-origin requests ------------------------

    def rebinding(self):
        d = self.driver
        origin = f"http://{REBIND_NAME}:{PORT}"
        d.get(origin + "/")
        text = d.execute_script("return document.body ? document.body.innerText : ''") or ""
        dashboard = d.execute_script("return !!document.querySelector('.page-head, nav a[data-nav]')")
        print(f"     {origin}/ shows: {text[:160]!r}")
        assert not dashboard, f"the dashboard rendered at {origin}/"
        assert "forbidden_host" in text, f"{origin}/ did not answer forbidden_host: {text[:300]!r}"
        body = command_schedule("xo-rebind", "rebind")
        answers = d.execute_async_script("""
            const done = arguments[arguments.length - 1];
            const body = JSON.stringify(arguments[0]);
            const out = {};
            const step = (k, p) => p.then(async r => { out[k] = r.status + " " + (await r.text()).slice(0, 200); },
                                          e => { out[k] = "rejected: " + e; });
            step("create", fetch("/v1/schedules", {method: "POST", headers: {"Content-Type": "application/json"}, body}))
              .then(() => step("run", fetch("/v1/schedules/xo-rebind/run", {method: "POST"})))
              .then(() => step("list", fetch("/v1/schedules")))
              .then(() => done(out));
        """, body)
        for k, v in answers.items():
            print(f"     same-origin {k} from {origin}: {v}")
        for k in ("create", "run", "list"):
            assert str(answers.get(k, "")).startswith("403 ") and "forbidden_host" in answers[k], \
                f"same-origin {k} from {origin} was not refused with 403 forbidden_host: {answers.get(k)}"

    # -- 3. over plain HTTP ---------------------------------------------------------------------

    def nothing_created(self):
        found = schedules()
        assert found == [], "schedules exist after the attacks: " + ", ".join(
            f"{s.get('name')} ({s.get('target', {}).get('argv')})" for s in found)

    def no_marker(self):
        time.sleep(1.0)  # a run queued by an attack would have had time to start
        present = sorted(os.listdir(MARKERS))
        assert not present, f"marker files exist: {present}"

    def foreign_host(self):
        body = command_schedule("xo-host", "host")
        for host in ("attacker.example", f"attacker.example:{PORT}", f"127.0.0.1.nip.io:{PORT}"):
            expect_refusal(call("GET", "/v1/schedules", host=host), 403, "forbidden_host", f"GET /v1/schedules Host {host}")
            a = call("POST", "/v1/schedules", body, JSON_CT, host=host)
            expect_refusal(a, 403, "forbidden_host", f"POST /v1/schedules Host {host}")
            assert a.json()["error"].get("field") == "Host", f"the refusal names no Host field: {a}"
            expect_refusal(call("GET", "/", host=host), 403, "forbidden_host", f"GET / Host {host}")
            expect_refusal(call("POST", "/v1/schedules/xo-host/run", host=host), 403, "forbidden_host",
                           f"POST /run Host {host}")

    def foreign_origin(self):
        body = command_schedule("xo-origin", "origin")
        for origin in (f"http://127.0.0.1:{self.attacker_port}", f"http://localhost:{self.attacker_port}",
                       "http://attacker.example", "null"):
            a = call("POST", "/v1/schedules", body, {**JSON_CT, "Origin": origin})
            expect_refusal(a, 403, "forbidden_origin", f"POST /v1/schedules Origin {origin}")
            assert a.json()["error"].get("field") == "Origin", f"the refusal names no Origin field: {a}"
        expect_refusal(call("POST", "/v1/schedules/xo-origin/run", headers={"Origin": f"http://127.0.0.1:{self.attacker_port}"}),
                       403, "forbidden_origin", "POST /run with a foreign Origin")
        expect_refusal(call("OPTIONS", "/v1/schedules", headers={
            "Origin": f"http://127.0.0.1:{self.attacker_port}", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"}), 403, "forbidden_origin", "a CORS preflight")

    def not_json(self):
        body = json.dumps(command_schedule("xo-type", "type")).encode()
        for ctype in ("text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                      "multipart/form-data; boundary=x", None):
            headers = {"Content-Type": ctype} if ctype else {}
            a = call("POST", "/v1/schedules", body, headers)
            expect_refusal(a, 415, "unsupported_media_type", f"POST /v1/schedules Content-Type {ctype}")
        expect_refusal(call("POST", "/mcp", body, {"Content-Type": "text/plain"}), 415, "unsupported_media_type",
                       "POST /mcp text/plain")

    def still_nothing(self):
        self.nothing_created()

    def own_origin_works(self):
        """The same requests with the server's own origin, or none, and JSON are served: a command
        schedule is created, runs and touches its marker. Then both are deleted."""
        own = f"{_base.scheme}://{HOST}:{PORT}"
        made = []
        try:
            for label, headers in (("own", {**JSON_CT, "Origin": own}), ("none", JSON_CT)):
                a = call("POST", "/v1/schedules", command_schedule(f"xo-control-{label}", f"control-{label}"), headers)
                assert a.status == 201, f"creating with {headers} answered {a}"
                made.append(a.json()["id"])
            a = call("POST", "/v1/schedules/xo-control-own/run", headers={"Origin": own})
            assert a.status == 202, f"running with Origin {own} answered {a}"
            deadline = time.monotonic() + WAIT
            while not os.path.exists(marker("control-own")) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert os.path.exists(marker("control-own")), "the control schedule ran but touched no marker"
            os.remove(marker("control-own"))
        finally:
            for sid in made:
                a = call("DELETE", f"/v1/schedules/{sid}")
                assert a.status in (200, 204), f"deleting {sid} answered {a}"
        left = [s["name"] for s in schedules() if s.get("id") in made]
        assert not left, f"the control schedules were not deleted: {left}"

    def headers(self):
        answers = {
            "GET /": call("GET", "/"),
            "GET /v1/schedules": call("GET", "/v1/schedules"),
            "GET /healthz": call("GET", "/healthz"),
            "404 /v1/schedules/nope": call("GET", "/v1/schedules/no-such-schedule"),
            "403 forbidden_host": call("GET", "/", host="attacker.example"),
            "403 forbidden_origin": call("POST", "/v1/schedules", {}, {**JSON_CT, "Origin": "http://attacker.example"}),
            "415": call("POST", "/v1/schedules", b"{}", {"Content-Type": "text/plain"}),
        }
        assert answers["GET /"].status == 200, f"GET / answered {answers['GET /']}"
        assert answers["GET /v1/schedules"].status == 200
        assert answers["404 /v1/schedules/nope"].status == 404, answers["404 /v1/schedules/nope"]
        for what, a in answers.items():
            expect_security_headers(a, what)
        assert "access-control-allow-origin" not in answers["GET /v1/schedules"].headers, "the API grants CORS"

    def no_marker_at_end(self):
        present = sorted(os.listdir(MARKERS))
        assert not present, f"marker files exist: {present}"


def main():
    started = time.monotonic()
    checks = Checks()
    try:
        checks.run("setup: attacker server, fresh database, Chromium", checks.start)
        if checks.failed:
            return 1
        steps = [
            ("control: the dashboard renders top-level", checks.control_dashboard),
            ("page on 127.0.0.1:OTHER cannot create, run or frame on 127.0.0.1:PORT", checks.attack_127),
            ("page on localhost:OTHER cannot create, run or frame on localhost:PORT", checks.attack_localhost),
            (f"DNS rebinding: {REBIND_NAME}:PORT gets 403 forbidden_host, same-origin too", checks.rebinding),
            ("no schedule was created", checks.nothing_created),
            ("no marker file was touched", checks.no_marker),
            ("foreign Host: 403 forbidden_host on the API and the dashboard", checks.foreign_host),
            ("foreign Origin (and null): 403 forbidden_origin", checks.foreign_origin),
            ("non-JSON body: 415 unsupported_media_type", checks.not_json),
            ("still no schedule after the refusals", checks.still_nothing),
            ("own origin or no Origin with JSON: created (201), runs, deleted", checks.own_origin_works),
            ("security headers on pages, API answers and errors", checks.headers),
            ("no attack marker at the end", checks.no_marker_at_end),
        ]
        for name, fn in steps:
            checks.run(name, fn)
    finally:
        try:
            checks.stop()
        finally:
            shutil.rmtree(MARKERS, ignore_errors=True)
    print(f"cross-origin checks took {time.monotonic() - started:.1f} s")
    print(f"cross-origin: {len(checks.passed)} passed, {len(checks.failed)} failed")
    return 0 if not checks.failed else 1


if __name__ == "__main__":
    sys.exit(main())
