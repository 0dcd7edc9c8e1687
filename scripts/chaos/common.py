"""Small helpers shared by the chaos driver's modules."""

import datetime
import sys
import time

T_START = time.time()


class Interrupted(BaseException):
    """SIGINT or SIGTERM reached the driver: clean up and stop."""


class HarnessError(Exception):
    """The harness itself could not do what a case needs (not a finding about Pacer)."""


def log(message):
    """Progress on stderr, with the seconds since the driver started."""
    sys.stderr.write("[chaos %7.1fs] %s\n" % (time.time() - T_START, message))
    sys.stderr.flush()


def parse_instant_ms(text):
    """An RFC 3339 instant as Pacer formats it (`2026-12-03T06:48:30Z`, `...30.250Z`) to
    integer milliseconds since 1970; None when it does not parse."""
    if not text:
        return None
    s = text.strip()
    if s.endswith("Z") or s.endswith("z"):
        s = s[:-1] + "+00:00"
    try:
        d = datetime.datetime.fromisoformat(s)
    except ValueError:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return int(round(d.timestamp() * 1000))


def iso_ms(ms):
    """Milliseconds since 1970 as `HH:MM:SS.mmm` (UTC), for evidence lines."""
    if ms is None:
        return "-"
    d = datetime.datetime.fromtimestamp(ms / 1000.0, tz=datetime.timezone.utc)
    return d.strftime("%H:%M:%S.") + "%03d" % (ms % 1000)


def iso_s(t):
    return iso_ms(int(round(t * 1000))) if t is not None else "-"


def fmt_s(seconds, digits=1):
    if seconds is None:
        return "-"
    return ("%." + str(digits) + "f s") % seconds


def sleep_until(deadline, check=None, step=0.05):
    """Sleeps until the wall-clock `deadline`; `check()` is called on the way (it may raise)."""
    while True:
        now = time.time()
        if now >= deadline:
            return
        if check:
            check()
        time.sleep(min(step, deadline - now))
