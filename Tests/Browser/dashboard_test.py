"""The dashboard in a real browser: headless Chromium driven by Selenium against `pacer serve`.

Usage: dashboard_test.py BASE_URL [SCREENSHOT_PATH]

scripts/browser-test.sh starts the server and runs this. Every wait is explicit and generous
(a busy two-core CI machine), except the deliberate two seconds of countdown watching.
"""
import os
import sys
import time
import traceback

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8750"
SHOT = sys.argv[2] if len(sys.argv) > 2 else os.path.join("build-artifacts", "dashboard.png")
WAIT = 30  # seconds, for anything that needs the server or a fire
NAME = "browser-ping"


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


class Checks:
    def __init__(self, driver):
        self.d = driver
        self.passed = []

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

    def console_errors(self):
        entries = self.d.get_log("browser")
        bad = [e for e in entries if e.get("level") == "SEVERE"
               and "Failed to load resource" not in e.get("message", "")
               and "/v1/events" not in e.get("message", "")]
        assert not bad, "errors in the browser console: " + "; ".join(e["message"] for e in bad)


def main():
    started = time.monotonic()
    driver = make_driver()
    checks = Checks(driver)
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
    print(f"browser checks took {time.monotonic() - started:.1f} s")
    print(f"browser: {len(checks.passed)} passed, {0 if failed is None else 1} failed")
    return 0 if failed is None else 1


if __name__ == "__main__":
    sys.exit(main())
