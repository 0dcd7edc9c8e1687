"""The dashboard in a real browser: headless Chromium driven by Selenium against `pacer serve`.

Usage: dashboard_test.py BASE_URL [SCREENSHOT_PATH]

scripts/browser-test.sh starts the server and runs this. Every wait is explicit and generous
(a busy two-core CI machine), except the deliberate two seconds of countdown watching.

The first checks run against the server as it starts, with no API token (open on loopback).
Then agents talk to a stand-in model this script serves itself, and tokens are created: the
rest runs as a token's holder (live events over fetch with the bearer header, switching tokens,
signing out, and what read and run tokens are offered).
"""
import datetime
import http.server
import json
import os
import sys
import threading
import time
import traceback
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8750"
SHOT = sys.argv[2] if len(sys.argv) > 2 else os.path.join("build-artifacts", "dashboard.png")
WAIT = 30  # seconds, for anything that needs the server or a fire
NAME = "browser-ping"
CAPS = "browser-caps"       # an agent schedule in Asia/Kolkata with session caps
ZONE = "Asia/Kolkata"       # 09:00 there is 03:30 UTC all year (no daylight saving)
UNSAFE_AGENT = "a-unattended"  # approval_mode allow_all; sorts first
SAFE_AGENT = "helper"          # approval_mode deny_dangerous


def http_json(method, path, body=None, token=None):
    """One API request from here (not the browser): (status, parsed JSON body or None)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


def utc_text(instant):
    """An RFC 3339 instant as the dashboard's hover text: "2026-01-06 03:30:00 UTC"."""
    at = datetime.datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(datetime.timezone.utc)
    return at.strftime("%Y-%m-%d %H:%M:%S UTC")


class StandInModel(http.server.BaseHTTPRequestHandler):
    """An OpenAI-compatible model: its first turn asks (schedule_resume) to be woken in an hour,
    so the session it drives waits (and can be cancelled or resumed) for the whole test."""

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        messages = request.get("messages", [])
        tools = {t.get("function", {}).get("name") for t in request.get("tools", [])}
        if "schedule_resume" in tools and not any(m.get("role") == "tool" for m in messages):
            call = {"id": "call_1", "type": "function", "function": {
                "name": "schedule_resume", "arguments": json.dumps({"seconds_from_now": 3600, "prompt": "Look again."})}}
            message, finish = {"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls"
        else:
            message, finish = {"role": "assistant", "content": "I look again in an hour."}, "stop"
        body = json.dumps({"id": "chatcmpl-1", "object": "chat.completion", "model": request.get("model", "m"),
                           "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                           "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


def make_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1440,960", "--force-device-scale-factor=1", "--lang=en-US"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(WAIT)
    return driver


def wait_for(driver, what, condition, timeout=WAIT):
    """Waits until `condition(driver)` is truthy (stale elements count as not yet)."""
    def check(d):
        try:
            return condition(d)
        except StaleElementReferenceException:
            return False
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.2).until(check)
    except TimeoutException:
        raise AssertionError(f"timed out after {timeout} s waiting for {what}") from None


def wait_until(driver, what, fn, timeout=WAIT):
    """Waits until `fn()` (something other than the page, such as the API) is truthy."""
    return wait_for(driver, what, lambda _: fn(), timeout)


def visible(driver, css):
    found = [e for e in driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]
    return found[0] if found else None


def row(driver):
    return visible(driver, f'table.schedules tr[data-name="{NAME}"]')


def text_of(driver, css):
    """The text of the first element matching `css`, read in one step (live refreshes replace
    rows, so a held element can go stale between finding and reading it)."""
    return driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : null", css)


def attr_of(driver, css, name):
    """An attribute of the first element matching `css`, read in one step."""
    return driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null", css, name)


def click_when(driver, css):
    """Clicks the element once it is visible, again if a live refresh replaced it meanwhile."""
    def attempt(d):
        e = visible(d, css)
        if e is None:
            return False
        e.click()
        return True
    wait_for(driver, css, attempt)


def type_into(element, text):
    element.clear()
    element.send_keys(text)


def texts_of(driver, css):
    """The text of every element matching `css`, read in one step."""
    return driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText.trim())", css)


def count_of(driver, css):
    return driver.execute_script("return document.querySelectorAll(arguments[0]).length", css)


def stored_token(driver):
    return driver.execute_script("return localStorage.getItem('pacer.token')")


def dialog_input(driver):
    return visible(driver, "dialog[open] input")


def submit_dialog(driver, text=None, closes=True):
    """Types `text` into the open dialog's input (when given) and presses its OK button."""
    if text is not None:
        field = wait_for(driver, "a dialog asking for a token", dialog_input)
        type_into(field, text)
    click_when(driver, 'dialog[open] button[type="submit"]')
    if closes:
        wait_for(driver, "the dialog to close", lambda d: not visible(d, "dialog[open]"))


class Checks:
    def __init__(self, driver, model_url):
        self.d = driver
        self.model_url = model_url
        self.passed = []
        self.tokens = {}
        self.caps_id = None
        self.session_id = None

    def run(self, name, fn):
        started = time.monotonic()
        fn()
        self.passed.append(name)
        print(f"ok   {name} ({time.monotonic() - started:.1f} s)", flush=True)

    # 1. The page loads with the schedules view.
    def loads(self):
        d = self.d
        d.get(BASE + "/")
        wait_for(d, "the Schedules heading", lambda d: text_of(d, ".page-head h1") == "Schedules")
        css = d.execute_script("return getComputedStyle(document.body).fontFamily")
        assert "system-ui" in css or "apple-system" in css, f"style sheet not applied: font {css!r}"
        # A marker that a reload would wipe out.
        d.execute_script("window.__pacerNoReload = 'kept'")

    # 2. The live rule preview: an English description, and the API's message for a bad rule.
    def preview(self):
        d = self.d
        click_when(d, '.page-head a[href="#/schedules/new"]')
        rule = wait_for(d, "the form's rule input", lambda d: visible(d, 'form input[name="rule"]'))
        type_into(rule, "every fortnight sometimes")
        rule_error = '.field[data-fields~="rule"] .field-error'
        wait_for(d, "a field error under the rule", lambda d: visible(d, rule_error) and text_of(d, rule_error))
        assert not visible(d, "#rule-description"), "a preview is shown for a bad rule"
        print(f"     bad rule: {text_of(d, rule_error)!r}")
        type_into(rule, "every 2s")
        wait_for(d, "an English description of every 2s",
                 lambda d: visible(d, "#rule-description") and "2 seconds" in (text_of(d, "#rule-description") or "").lower())
        wait_for(d, "the rule error to clear", lambda d: not visible(d, rule_error))
        fires = d.execute_script("return document.querySelectorAll('#rule-preview ul.fires li').length")
        assert fires == 5, f"expected 5 next fires in the preview, saw {fires}"
        print(f"     good rule: {text_of(d, '#rule-description')!r}, {fires} fires")

    # 3. Create through the form (HTTP target to the server's own /healthz).
    def create(self):
        d = self.d
        type_into(visible(d, 'form input[name="name"]'), NAME)
        d.find_element(By.CSS_SELECTOR, 'input[name="kind"][value="http"]').find_element(By.XPATH, "..").click()
        url = wait_for(d, "the URL input", lambda d: visible(d, 'form input[name="url"]'))
        type_into(url, BASE + "/healthz")
        assert d.find_element(By.CSS_SELECTOR, 'select[name="method"]').get_attribute("value") == "GET"
        visible(d, 'form button[type="submit"]').click()
        wait_for(d, "the new schedule's page", lambda d: text_of(d, ".page-head h1") == NAME)

    # 4. It is in the list, without a reload: in this tab after navigating, and in a second tab
    #    that was already showing the list before it was created (live events).
    def listed(self):
        d = self.d
        click_when(d, 'nav a[data-nav="schedules"]')
        wait_for(d, f"the {NAME} row", row)
        assert d.execute_script("return window.__pacerNoReload") == "kept", "the page was reloaded"
        text = text_of(d, f'table.schedules tr[data-name="{NAME}"]') or ""
        assert "every 2 seconds" in text.lower() or "every 2s" in text.lower(), text

    def listed_live(self):
        d = self.d
        main = d.current_window_handle
        d.switch_to.new_window("tab")
        d.get(BASE + "/#/schedules")
        wait_for(d, "the list in the second tab", lambda d: text_of(d, ".page-head h1") == "Schedules")
        d.execute_script("window.__pacerNoReload = 'kept'")
        extra = "browser-live"
        d.switch_to.window(main)
        # Created through the API from this tab; the other tab hears of it through /v1/events.
        status = d.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch('/v1/schedules', {method: 'POST', headers: {'Content-Type': 'application/json'},
              body: JSON.stringify({name: arguments[0], rule: 'every 1h', timezone: 'UTC',
                                    target: {kind: 'http', method: 'GET', url: arguments[1]}})})
              .then(r => done(r.status), e => done(String(e)));
        """, extra, BASE + "/healthz")
        assert status == 201, f"creating {extra} answered {status}"
        d.switch_to.window([h for h in d.window_handles if h != main][0])
        wait_for(d, f"{extra} to appear live in the second tab",
                 lambda d: visible(d, f'table.schedules tr[data-name="{extra}"]'))
        assert d.execute_script("return window.__pacerNoReload") == "kept", "the second tab was reloaded"
        d.close()
        d.switch_to.window(main)

    # 5. The countdown ticks: its text changes within two seconds.
    def countdown(self):
        d = self.d
        seen = []
        end = time.monotonic() + 2.0
        while time.monotonic() < end:
            text = text_of(d, f'table.schedules tr[data-name="{NAME}"] .next-fire')
            if text:
                seen.append(text)
            time.sleep(0.2)
        distinct = list(dict.fromkeys(seen))
        print(f"     countdown texts over 2 s: {distinct}")
        assert len(distinct) > 1, f"the countdown did not change over two seconds: {distinct}"
        assert any(t.startswith("in ") or t == "due now" for t in distinct), distinct

    # 6. A fired run shows up without a reload: the last-status pill, then the run history.
    def fired(self):
        d = self.d
        pill = f'table.schedules tr[data-name="{NAME}"] .last-run .pill'
        status = wait_for(d, "a last-run status pill", lambda d: attr_of(d, pill, "data-status"))
        print(f"     first last-status pill: {status}")
        wait_for(d, "a succeeded run in the list", lambda d: attr_of(d, pill, "data-status") == "succeeded")
        click_when(d, f'table.schedules tr[data-name="{NAME}"] a.cell-main')
        runs = "return document.querySelectorAll('table.runs tr[data-run-id]').length"
        count = wait_for(d, "run history rows", lambda d: d.execute_script(runs))
        wait_for(d, "a new run to join the history live", lambda d: d.execute_script(runs) > count)
        assert d.execute_script("return document.querySelectorAll('table.runs tr[data-status=\"succeeded\"]').length"), \
            "no succeeded run in the history"
        assert d.execute_script("return window.__pacerNoReload") == "kept", "the page was reloaded"

    # 7. The page at /sessions/<id> (what notify hooks link to) opens the session view, and an
    #    unknown session's error is shown in place.
    def session_path(self):
        d = self.d
        d.get(BASE + "/sessions/no-such-session")
        wait_for(d, "the not-found message", lambda d: visible(d, ".alert"))
        text = text_of(d, ".alert") or ""
        assert "no-such-session" in text or "no session" in text.lower(), text
        assert d.execute_script("return location.hash") == "#/sessions/no-such-session"

    # 8. A screenshot of the list with its live countdowns and pills.
    def screenshot(self):
        d = self.d
        d.get(BASE + "/#/schedules")
        wait_for(d, "the list", lambda d: attr_of(d, f'table.schedules tr[data-name="{NAME}"] .last-run .pill', "data-status"))
        time.sleep(0.3)  # let the ticker draw
        os.makedirs(os.path.dirname(os.path.abspath(SHOT)), exist_ok=True)
        d.save_screenshot(SHOT)
        print(f"     screenshot: {SHOT}")

    # 9. The new-schedule form never preselects an agent that runs every tool unattended.
    def agent_preselect(self):
        d = self.d
        for name, mode in ((UNSAFE_AGENT, "allow_all"), (SAFE_AGENT, "deny_dangerous")):
            status, body = http_json("POST", "/v1/agents", {
                "name": name, "provider": "openai", "base_url": self.model_url, "model": "stand-in",
                "tools": ["schedule_resume"], "approval_mode": mode})
            assert status == 201, f"creating agent {name}: {status} {body}"
        d.get(BASE + "/#/schedules/new")
        select = 'form select[name="agent"]'
        wait_for(d, "the agent select", lambda d: count_of(d, select + " option[data-approval]") == 2)
        options = d.execute_script(
            "return [...document.querySelectorAll(arguments[0] + ' option')].filter(o => o.value).map(o => o.value)", select)
        # The unattended agent comes first: picking the first agent would pick it.
        assert options[0] == UNSAFE_AGENT, f"expected {UNSAFE_AGENT} first, options {options}"
        chosen = d.execute_script("return document.querySelector(arguments[0]).value", select)
        assert chosen == SAFE_AGENT, f"the form preselected {chosen!r}, not the deny_dangerous agent {SAFE_AGENT}"
        warning = '.field[data-fields~="target.agent"] .hint.text-bad'
        assert not visible(d, warning), "an allow_all warning for a deny_dangerous agent"
        d.execute_script("const s = document.querySelector(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change'))",
                         select, UNSAFE_AGENT)
        wait_for(d, "the allow_all warning", lambda d: visible(d, warning))
        print(f"     agents {options}, preselected {chosen!r}; warning for {UNSAFE_AGENT}: {text_of(d, warning)!r}")

    # 10. A schedule's page shows its session caps and its owner.
    def caps_and_owner(self):
        d = self.d
        status, body = http_json("POST", "/v1/schedules", {
            "name": CAPS, "rule": "every day at 09:00", "timezone": ZONE,
            "target": {"kind": "agent", "agent": SAFE_AGENT, "prompt": "Check the build."},
            "caps": {"max_resumes": 2, "max_lifetime_hours": 12, "max_total_tokens": 50000, "max_cost": 1.5}})
        assert status == 201, f"creating {CAPS}: {status} {body}"
        self.caps_id, owner = body["id"], body["owner"]
        # Render in a browser zone far from the schedule's, so its own zone has to be applied.
        d.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "America/Los_Angeles"})
        d.get(BASE + f"/#/schedules/{self.caps_id}")
        wait_for(d, f"the {CAPS} page", lambda d: text_of(d, ".page-head h1") == CAPS)
        caps = text_of(d, 'dd[data-prop="caps"]') or ""
        for part in ("2 resumes", "12 h", "50,000 tokens", "1.5"):
            assert part in caps, f"caps {caps!r} lack {part!r}"
        assert text_of(d, 'dd[data-prop="owner"]') == owner, f"owner {text_of(d, 'dd[data-prop=owner]')!r}, API says {owner!r}"
        assert owner in (text_of(d, ".page-head .owner-line") or ""), "the owner is not in the page head"
        print(f"     caps: {caps!r}; owner: {owner!r}")

    # 11. Next fires read in the schedule's own zone, with the UTC instant on hover.
    def next_fires_zone(self):
        d = self.d
        _, schedule = http_json("GET", f"/v1/schedules/{self.caps_id}")
        next_at = schedule["state"]["next_fire_at"]
        first = ".next-fire-at time.zoned"
        wait_for(d, "the next fire's time", lambda d: visible(d, first))
        assert attr_of(d, first, "title") == utc_text(next_at), f"hover {attr_of(d, first, 'title')!r}, next fire {next_at}"
        then = ".then ul.fires li time.zoned"
        wait_for(d, "the fires after it", lambda d: count_of(d, then) >= 3)
        titles = d.execute_script("return [...document.querySelectorAll(arguments[0])].map(e => e.title)", then)
        shown = texts_of(d, then) + [text_of(d, first)]
        for text in shown:
            assert "09:00" in text and ZONE in text, f"a fire not shown in {ZONE}: {text!r} (all: {shown})"
        for title in titles:
            assert title.endswith(" 03:30:00 UTC"), f"the hover of a 09:00 {ZONE} fire is {title!r}"
        assert len(set(titles)) == len(titles), titles
        print(f"     next: {text_of(d, first)!r} (hover {attr_of(d, first, 'title')!r}); then {titles}")

    # 12. Run now moves "Last run"; the count says it counts the rule's fires only, as the API does.
    def fires_label(self):
        d = self.d
        click_when(d, '.page-head [data-action="run-now"]')
        wait_for(d, "a run in the history", lambda d: count_of(d, "table.runs tr[data-run-id]") >= 1)
        wait_for(d, "Last run to show the run", lambda d: count_of(d, 'dd[data-prop="last-run"] time') == 1)
        _, schedule = http_json("GET", f"/v1/schedules/{self.caps_id}")
        assert schedule["state"]["fire_count"] == 0, schedule["state"]
        label = text_of(d, 'dt[data-prop="fire-count"]')
        value = text_of(d, 'dd[data-prop="fire-count"]') or ""
        assert label == "Scheduled fires", f"the count is labelled {label!r}"
        assert value.startswith("0") and "Run now" in value, f"the count reads {value!r}"
        print(f"     last run: {text_of(d, 'dd[data-prop=last-run]')!r}; {label}: {value!r}")

    # 13. Session ids are shown whole, and copy whole.
    def session_ids(self):
        d = self.d

        def session():
            _, body = http_json("GET", f"/v1/sessions?schedule={self.caps_id}")
            found = (body or {}).get("sessions") or []
            return found[0] if found and found[0]["state"] == "waiting" else None
        self.session_id = sid = wait_until(d, "a waiting session of the run", session)["id"]
        cell = "table.runs tr[data-run-id] .session-cell .ident-text"
        wait_for(d, "the session in the run history", lambda d: text_of(d, cell) == sid)
        d.get(BASE + "/#/sessions")
        code = f'table.sessions tr[data-id="{sid}"] .ident-text'
        wait_for(d, "the session in the list", lambda d: visible(d, code))
        shown = text_of(d, code)
        assert shown == sid and len(sid) > 8, f"the list shows {shown!r} for {sid!r}"
        assert d.execute_script("return getComputedStyle(document.querySelector(arguments[0])).userSelect", code) == "all"
        d.execute_script("navigator.clipboard.writeText = t => { window.__copied = t; return Promise.resolve(); }")
        click_when(d, f'table.sessions tr[data-id="{sid}"] .copy-btn')
        wait_for(d, "the id to be copied", lambda d: d.execute_script("return window.__copied") == sid)
        d.get(BASE + f"/#/sessions/{sid}")
        wait_for(d, "the session's page", lambda d: text_of(d, ".page-head h1 .ident-text") == sid)
        print(f"     {sid} shown and copied whole")

    # 14. With a token the dashboard still streams /v1/events (fetch with the bearer header).
    def tokens_live(self):
        d = self.d
        for name, scope in (("browser-admin", "admin"), ("browser-reader", "read"), ("browser-runner", "run")):
            status, body = http_json("POST", "/v1/tokens", {"name": name, "scopes": [scope]}, self.tokens.get("admin"))
            assert status == 201, f"creating token {name}: {status} {body}"
            self.tokens[scope] = body["token"]
        wait_until(d, "the server to want a token", lambda: http_json("GET", "/v1/whoami")[0] == 401)
        d.execute_script("localStorage.clear()")
        d.get(BASE + "/#/schedules")
        submit_dialog(d, self.tokens["admin"])
        wait_for(d, "the connection to be live", lambda d: attr_of(d, "#conn", "data-mode") == "live")
        assert text_of(d, "#conn") == "Live", text_of(d, "#conn")
        wait_for(d, "the caller's name", lambda d: text_of(d, "#who .who-name") == "browser-admin")
        wait_for(d, f"the {NAME} row", row)
        for action in ("run-now", "pause", "delete"):
            assert count_of(d, f'table.schedules [data-action="{action}"]'), f"no {action} button for an admin"
        d.execute_script("window.__pacerNoReload = 'kept'")
        status, created = http_json("POST", "/v1/schedules", {"name": "browser-token-live", "rule": "every 1h",
                                                              "target": {"kind": "http", "url": BASE + "/healthz"}}, self.tokens["admin"])
        assert status == 201, created
        wait_for(d, "a schedule made elsewhere to appear", lambda d: visible(d, 'table.schedules tr[data-name="browser-token-live"]'))
        assert d.execute_script("return window.__pacerNoReload") == "kept", "the page was reloaded"
        assert attr_of(d, "#conn", "data-mode") == "live", "fell back from live events"

    # 15. A dropped stream comes back and replays what it missed (Last-Event-ID). The browser
    #     goes offline (which keeps open connections open), the stream is broken from the page
    #     (as a network change would break it), and while it cannot reconnect a schedule is made.
    def resume_after_drop(self):
        d = self.d
        d.execute_script("window.__heard = []; Live.on((kind, data) => window.__heard.push(kind + ' ' + (data.entity_id || '')))")
        d.execute_cdp_cmd("Network.enable", {})
        offline = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
        d.execute_cdp_cmd("Network.emulateNetworkConditions", offline)
        try:
            d.execute_script("Live.controller.abort()")
            wait_for(d, "the page to notice the drop", lambda d: attr_of(d, "#conn", "data-mode") == "offline")
            status, missed = http_json("POST", "/v1/schedules", {"name": "browser-missed", "rule": "every 1h",
                                                                 "target": {"kind": "http", "url": BASE + "/healthz"}}, self.tokens["admin"])
            assert status == 201, missed
        finally:
            d.execute_cdp_cmd("Network.emulateNetworkConditions", dict(offline, offline=False))
        wait_for(d, "the stream to come back", lambda d: attr_of(d, "#conn", "data-mode") == "live")
        heard = f"schedule_created {missed['id']}"
        wait_for(d, "the missed event to be replayed", lambda d: heard in (d.execute_script("return window.__heard") or []))
        wait_for(d, "the missed schedule in the list", lambda d: visible(d, 'table.schedules tr[data-name="browser-missed"]'))
        print(f"     heard after reconnecting: {d.execute_script('return window.__heard')}")

    # 16. Switch token: a refused one is not kept; an accepted one replaces the old.
    def switch_token(self):
        d = self.d
        click_when(d, "#switch-token")
        submit_dialog(d, "pacer_" + "0" * 40)
        wait_for(d, "the refusal", lambda d: "refused" in " ".join(texts_of(d, "#toasts .toast")))
        assert stored_token(d) == self.tokens["admin"], "a refused token replaced the good one"
        assert text_of(d, "#who .who-name") == "browser-admin"
        click_when(d, "#switch-token")
        submit_dialog(d, self.tokens["read"])
        wait_for(d, "the reader's name", lambda d: text_of(d, "#who .who-name") == "browser-reader")
        assert stored_token(d) == self.tokens["read"], "the new token is not the one kept"
        wait_for(d, "the connection to be live again", lambda d: attr_of(d, "#conn", "data-mode") == "live")
        print(f"     now {text_of(d, '#who .who-name')!r} with scopes {texts_of(d, '#who .who-scopes .chip')}")

    # 17. A read token sees no buttons it cannot use; a run token sees Run now only.
    def read_only(self):
        d = self.d
        d.get(BASE + "/#/schedules")
        wait_for(d, f"the {NAME} row", row)
        assert count_of(d, "table.schedules [data-action]") == 0, "buttons in the list for a read token"
        assert count_of(d, 'a[href="#/schedules/new"]') == 0, "a New schedule link for a read token"
        d.get(BASE + f"/#/schedules/{self.caps_id}")
        wait_for(d, f"the {CAPS} page", lambda d: text_of(d, ".page-head h1") == CAPS)
        wait_for(d, "the revisions", lambda d: count_of(d, "table.revisions tr[data-revision]"))
        assert count_of(d, "[data-action]") == 0, f"buttons on a schedule's page: {texts_of(d, '[data-action]')}"
        d.get(BASE + f"/#/sessions/{self.session_id}")
        wait_for(d, "the session's page", lambda d: text_of(d, ".page-head h1 .ident-text") == self.session_id)
        assert count_of(d, "[data-action]") == 0, f"buttons on a session's page: {texts_of(d, '[data-action]')}"
        d.get(BASE + "/#/schedules/new")
        wait_for(d, "the form's refusal", lambda d: "cannot change schedules" in (text_of(d, "#view") or ""))
        assert count_of(d, "form input[name=rule]") == 0, "the form for a read token"
        # A run token: Run now, Cancel and Resume now; no Pause, Edit or Delete.
        click_when(d, "#switch-token")
        submit_dialog(d, self.tokens["run"])
        wait_for(d, "the runner's name", lambda d: text_of(d, "#who .who-name") == "browser-runner")
        d.get(BASE + f"/#/schedules/{self.caps_id}")
        wait_for(d, "Run now for a run token", lambda d: count_of(d, '.page-head [data-action="run-now"]') == 1)
        assert [a for a in d.execute_script("return [...document.querySelectorAll('[data-action]')].map(e => e.dataset.action)")
                if a != "run-now"] == [], "write buttons for a run token"
        d.get(BASE + f"/#/sessions/{self.session_id}")
        wait_for(d, "Cancel for a run token", lambda d: count_of(d, '[data-action="cancel"]') == 1)
        assert count_of(d, '[data-action="resume-now"]') == 1

    # 18. Sign out forgets the token; the server then asks for one again.
    def sign_out(self):
        d = self.d
        click_when(d, "#sign-out")
        wait_for(d, "the sign-out question", lambda d: "Sign out?" in (text_of(d, "dialog[open]") or ""))
        submit_dialog(d, closes=False)  # then the server's refusal opens a token dialog
        wait_for(d, "the token to be forgotten", lambda d: stored_token(d) is None)
        wait_for(d, "a request for a token", lambda d: "needs a token" in (text_of(d, "dialog[open]") or ""))
        assert attr_of(d, "#conn", "data-mode") == "signed-out", attr_of(d, "#conn", "data-mode")
        click_when(d, "dialog[open] button.btn:not([type=submit])")
        assert stored_token(d) is None
        assert not visible(d, "#sign-out"), "Sign out offered with no token"

    def console_errors(self):
        entries = self.d.get_log("browser")
        bad = [e for e in entries if e.get("level") == "SEVERE"
               and "Failed to load resource" not in e.get("message", "")
               and "/v1/events" not in e.get("message", "")]
        assert not bad, "errors in the browser console: " + "; ".join(e["message"] for e in bad)


def main():
    started = time.monotonic()
    model = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StandInModel)
    threading.Thread(target=model.serve_forever, daemon=True).start()
    driver = make_driver()
    checks = Checks(driver, f"http://127.0.0.1:{model.server_port}/v1")
    steps = [
        ("page loads with the schedules view", checks.loads),
        ("live rule preview: description and field error", checks.preview),
        ("create a schedule through the form", checks.create),
        ("schedule listed without a reload", checks.listed),
        ("another tab lists a new schedule live", checks.listed_live),
        ("countdown ticks", checks.countdown),
        ("fired runs appear live", checks.fired),
        ("/sessions/<id> opens the session view", checks.session_path),
        ("screenshot", checks.screenshot),
        ("new-schedule form preselects a deny_dangerous agent", checks.agent_preselect),
        ("a schedule's caps and owner", checks.caps_and_owner),
        ("next fires in the schedule's zone, UTC on hover", checks.next_fires_zone),
        ("scheduled fires counted apart from Run now", checks.fires_label),
        ("session ids whole and copyable", checks.session_ids),
        ("live events with a token", checks.tokens_live),
        ("a dropped stream resumes where it was", checks.resume_after_drop),
        ("switch token", checks.switch_token),
        ("read and run tokens see only their buttons", checks.read_only),
        ("sign out", checks.sign_out),
        ("no script errors in the console", checks.console_errors),
    ]
    failed = None
    try:
        for name, fn in steps:
            try:
                checks.run(name, fn)
            except Exception as e:  # noqa: BLE001 - report and stop at the first failure
                failed = name
                print(f"FAIL {name}: {e}", flush=True)
                if not isinstance(e, AssertionError):
                    traceback.print_exc()
                try:
                    print(f"     at {driver.current_url}")
                    for entry in driver.get_log("browser"):
                        print(f"     console {entry.get('level')}: {entry.get('message')}")
                except Exception:  # noqa: BLE001
                    pass
                try:
                    path = os.path.join(os.path.dirname(os.path.abspath(SHOT)), "dashboard-failure.png")
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    driver.save_screenshot(path)
                    print(f"     failure screenshot: {path}")
                except Exception:  # noqa: BLE001
                    pass
                break
    finally:
        driver.quit()
        model.shutdown()
    print(f"browser checks took {time.monotonic() - started:.1f} s")
    print(f"browser: {len(checks.passed)} passed, {0 if failed is None else 1} failed")
    return 0 if failed is None else 1


if __name__ == "__main__":
    sys.exit(main())
