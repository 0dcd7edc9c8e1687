#!/usr/bin/env python3
"""Generate the differential-test fixtures for Pacer's cron engine.

Reference semantics: the Python library cronsim 2.8 (``pip install cronsim==2.8``),
cross-checked case by case against an independent brute-force walk written here.

Writes two files (deterministic: fixed random seed; the answers also depend on the
tz database Python's ``zoneinfo`` reads, printed in the summary):

``Tests/RecurrenceTests/Fixtures/cron-cases.jsonl``
    One JSON object per line::

        {"expr": "15 */2 * * *", "tz": "Australia/Lord_Howe",
         "from": "2026-04-04T09:00:00Z", "fires": ["2026-04-04T09:15:00Z", ...],
         "source": "cronsim"}

    ``from`` and ``fires`` are UTC RFC 3339 instants (whole seconds, ``Z``); up to 8
    fires, strictly after ``from`` and strictly increasing (fewer only when cronsim
    finds no further fire within its 50-year horizon). ``source`` is ``"cronsim"``
    when the fires are cronsim's raw output (which then equals the brute force), or
    ``"bruteforce"`` with a ``note`` when they are not: either cronsim's raw output
    differs from the brute force (the note says how), or the expression uses a
    Pacer extension cronsim 2.8 does not have (day-of-month ``nW``).

    Macros (``@daily`` ...) appear lowercase in ``expr``; cronsim is given their
    5-field expansion.

    Brute-force semantics (what the fixtures assert):
      * Fixed-time rules (5 fields, minute and hour fields not starting with ``*``,
        zone not UTC): each matching naive local wall-clock time m resolves to m with
        fold=0 (first occurrence of a repeated time) or, when m falls in a DST gap, to
        the first real instant after the gap; duplicates collapse; fires are the
        resolved instants strictly after ``from``.
      * Everything else: the real instants after ``from`` whose local wall-clock time
        matches every field.
      * Day rule: day-of-month OR day-of-week, but AND when either field's text
        starts with ``*``.
      * ``nW`` (Pacer only): nearest weekday to day n within the same month (Saturday
        -> Friday n-1, or Monday the 3rd when n is the 1st; Sunday -> Monday n+1, or
        Friday n-2 when n+1 leaves the month). Generated cases only use ``nW`` with
        day n existing in every month the month field allows.

``Tests/RecurrenceTests/Fixtures/cron-invalid.jsonl``
    Near-miss and valid expressions with cronsim's verdict, classified with
    ``CronSim(expr, datetime(2026, 1, 1, tzinfo=timezone.utc))``::

        {"expr": "60 * * * *", "cronsim": "rejects", "error": "Bad minute"}
        {"expr": "0 0 30 2 MON", "cronsim": "accepts"}
        {"expr": "0 0 */40 * MON#5", "cronsim": "never"}   # accepted, no fire ever

    EXCLUDED on purpose (Pacer extensions that cronsim 2.8 rejects, so cronsim's
    verdict would be misleading): any expression with a day-of-month ``nW`` term
    (``15W``, ``1W,15``) and any macro (``@daily`` ...; in fact any text starting
    with ``@``). Also excluded: texts whose
    acceptance by cronsim rests on Python string quirks rather than cron syntax
    (separators other than one ASCII space, leading/trailing blanks, non-ASCII
    letters that ``str.upper()`` maps onto ASCII such as ``ſun``).

Usage: python3 scripts/cronsim_fixtures.py   (from the repository root or anywhere)
"""

from __future__ import annotations

import bisect
import calendar
import json
import random
import re
import signal
import sys
import time as _time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from importlib.metadata import version as pkg_version

from cronsim import CronSim, CronSimError

SEED = 20260308
N_RANDOM_CASES = 3300
N_MACRO_CASES = 100
N_W_CASES = 100
MAX_FIRES = 8

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests" / "RecurrenceTests" / "Fixtures"

ZONES = [
    "UTC",
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/St_Johns",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/Havana",
    "Pacific/Apia",
]
# Zones without transitions in 2011-2032 get fewer cases.
ZONE_WEIGHTS = {"UTC": 0.5, "Asia/Kolkata": 0.4, "Asia/Kathmandu": 0.4}

START_MIN = int(datetime(2011, 1, 1, tzinfo=timezone.utc).timestamp())
START_MAX = int(datetime(2032, 12, 1, tzinfo=timezone.utc).timestamp())

MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}

W_NOTE = "cronsim 2.8 has no nW; brute-force answer"

# --------------------------------------------------------------------------------------
# Time helpers
# --------------------------------------------------------------------------------------

_zones: dict[str, ZoneInfo] = {}


def zone(name: str) -> ZoneInfo:
    if name not in _zones:
        _zones[name] = ZoneInfo(name)
    return _zones[name]


def rfc3339(t: int) -> str:
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def local(t: int, tz: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(t, tz)


def offset_s(t: int, tz: ZoneInfo) -> int:
    return int(datetime.fromtimestamp(t, tz).utcoffset().total_seconds())


def local_str(t: int, tz: ZoneInfo) -> str:
    d = local(t, tz)
    off = offset_s(t, tz)
    sign = "+" if off >= 0 else "-"
    off = abs(off)
    return f"{d:%Y-%m-%d %H:%M:%S}{sign}{off // 3600:02d}:{off % 3600 // 60:02d}"


# Transitions (instants where the UTC offset changes), found per UTC year by scanning
# the offset every 6 hours and bisecting each change down to the second; cached.
_trans_cache: dict[tuple[str, int], list[int]] = {}


def transitions_in_year(name: str, year: int) -> list[int]:
    key = (name, year)
    if key in _trans_cache:
        return _trans_cache[key]
    tz = zone(name)
    a = int(datetime(year, 1, 1, tzinfo=timezone.utc).timestamp())
    b = int(datetime(year + 1, 1, 1, tzinfo=timezone.utc).timestamp())
    out = []
    step = 6 * 3600
    prev_t, prev_off = a - 1, offset_s(a - 1, tz)
    t = a
    while True:
        t = min(t, b)
        off = offset_s(t, tz)
        if off != prev_off:
            lo, hi = prev_t, t  # offset(lo) == prev_off, offset(hi) != prev_off
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if offset_s(mid, tz) == prev_off:
                    lo = mid
                else:
                    hi = mid
            if a <= hi < b:
                out.append(hi)
        prev_t, prev_off = t, off
        if t >= b:
            break
        t += step
    _trans_cache[key] = out
    return out


def utc_year(t: int) -> int:
    return datetime.fromtimestamp(t, timezone.utc).year


def next_transition(name: str, t: int) -> int:
    """First transition instant > t, or a harmless checkpoint ~2 years later."""
    y = utc_year(t)
    for yy in (y, y + 1, y + 2):
        for tr in transitions_in_year(name, yy):
            if tr > t:
                return tr
    return int(datetime(y + 3, 1, 1, tzinfo=timezone.utc).timestamp())


def prev_transition(name: str, t: int) -> int | None:
    """Last transition instant <= t (searching this and the previous UTC year)."""
    y = utc_year(t)
    best = None
    for yy in (y - 1, y):
        for tr in transitions_in_year(name, yy):
            if tr <= t:
                best = tr
    return best


def transitions_between(name: str, a: int, b: int) -> list[int]:
    out = []
    for y in range(utc_year(a), utc_year(b) + 1):
        out += [tr for tr in transitions_in_year(name, y) if a <= tr <= b]
    return out


# --------------------------------------------------------------------------------------
# Independent cron parser + matcher (mirrors cronsim's accepted syntax; plus nW)
# --------------------------------------------------------------------------------------

RANGES = [(0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
MONTH_NAMES = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
DAY_NAMES = "SUN MON TUE WED THU FRI SAT".split()
SEC, MIN, HOUR, DOM, MON, DOW = range(6)


class ParseError(Exception):
    pass


@dataclass
class Spec:
    seconds: set[int]
    minutes: set[int]
    hours: set[int]
    dom: set[int]
    dom_last: bool
    dom_last_weekday: bool
    dom_w: set[int]  # nW terms
    months: set[int]
    dow: set[int]  # 0..6, Sunday = 0
    dow_last: set[int]  # "5L"
    dow_nth: set[tuple[int, int]]  # "MON#2"
    day_and: bool
    fixed_time: bool  # 5 fields, minute and hour not starting with "*", zone not UTC
    six_fields: bool


def _num(field_idx: int, s: str) -> int:
    if field_idx == MON and s in MONTH_NAMES:
        return MONTH_NAMES.index(s) + 1
    if field_idx == DOW and s in DAY_NAMES:
        return DAY_NAMES.index(s)
    if not s or any(c not in "0123456789" for c in s):
        raise ParseError(f"bad number {s!r}")
    v = int(s)
    lo, hi = RANGES[field_idx]
    if not lo <= v <= hi:
        raise ParseError(f"out of range {s!r}")
    return v


def _term(field_idx: int, s: str, out: dict) -> None:
    lo, hi = RANGES[field_idx]
    if s == "*":
        out["ints"].update(range(lo, hi + 1))
        return
    if field_idx == DOW and s.endswith("L"):
        out["last"].add(_num(DOW, s[:-1]) % 7)
        return
    if field_idx == DOW and "#" in s:
        a, n = s.split("#", 1)
        nth = int(n) if n.isdigit() and n.isascii() else -1
        if not 1 <= nth <= 5:
            raise ParseError("bad nth")
        out["nth"].add((_num(DOW, a) % 7, nth))
        return
    if field_idx == DOM and s == "L":
        out["L"] = True
        return
    if field_idx == DOM and s == "LW":
        out["LW"] = True
        return
    if field_idx == DOM and re.fullmatch(r"[0-9]+W", s):
        n = _num(DOM, s[:-1])
        out["W"].add(n)
        return
    if "/" in s:
        base, step_s = s.split("/", 1)
        step = _num_step(step_s)
        if field_idx == DOM and base in ("L", "LW"):  # cronsim: a step on L / LW is ignored
            _term(field_idx, base, out)
            return
        if base == "*":
            items = list(range(lo, hi + 1))
        elif "-" in base:
            a, b = base.split("-", 1)
            a, b = _num(field_idx, a), _num(field_idx, b)
            if b < a:
                raise ParseError("reversed range")
            # A one-value range with a step ('30-30/5') reads like '30/5': from a to the
            # field's end. This is how the reference parses it, and Pacer follows it.
            items = list(range(a, b + 1)) if b > a else list(range(a, hi + 1))
        else:
            items = list(range(_num(field_idx, base), hi + 1))
        out["ints"].update(items[::step])
        return
    if "-" in s:
        a, b = s.split("-", 1)
        a, b = _num(field_idx, a), _num(field_idx, b)
        if b < a:
            raise ParseError("reversed range")
        out["ints"].update(range(a, b + 1))
        return
    out["ints"].add(_num(field_idx, s))


def _num_step(s: str) -> int:
    if not s or any(c not in "0123456789" for c in s) or int(s) == 0:
        raise ParseError("bad step")
    return int(s)


def parse_expr(expr: str, zone_name: str) -> Spec:
    expr = expr.strip()
    if expr.startswith("@"):
        expr = MACROS[expr.lower()]
    parts = expr.upper().split(" ")
    six = len(parts) == 6
    if len(parts) == 5:
        parts = ["0"] + parts
    if len(parts) != 6:
        raise ParseError("field count")
    fields = []
    for i, p in enumerate(parts):
        out = {"ints": set(), "last": set(), "nth": set(), "L": False, "LW": False, "W": set()}
        for term in p.split(","):
            _term(i, term, out)
        fields.append(out)
    dow = {v % 7 for v in fields[DOW]["ints"]}
    day_and = parts[DOM].startswith("*") or parts[DOW].startswith("*")
    fixed = (not six) and not parts[MIN].startswith("*") and not parts[HOUR].startswith("*")
    if zone_name == "UTC":
        fixed = False
    return Spec(
        seconds=fields[SEC]["ints"],
        minutes=fields[MIN]["ints"],
        hours=fields[HOUR]["ints"],
        dom=fields[DOM]["ints"],
        dom_last=fields[DOM]["L"],
        dom_last_weekday=fields[DOM]["LW"],
        dom_w=fields[DOM]["W"],
        months=fields[MON]["ints"],
        dow=dow,
        dow_last=fields[DOW]["last"],
        dow_nth=fields[DOW]["nth"],
        day_and=day_and,
        fixed_time=fixed,
        six_fields=six,
    )


def days_in_month(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def nearest_weekday(y: int, m: int, n: int) -> int | None:
    last = days_in_month(y, m)
    if n > last:
        return None
    wd = date(y, m, n).weekday()  # Mon=0 .. Sun=6
    if wd == 5:  # Saturday
        return 3 if n == 1 else n - 1
    if wd == 6:  # Sunday
        return n - 2 if n == last else n + 1
    return n


def last_weekday_of(y: int, m: int) -> int:
    last = days_in_month(y, m)
    wd = date(y, m, last).weekday()
    return last - 2 if wd == 6 else last - 1 if wd == 5 else last


def dom_matches(spec: Spec, d: date) -> bool:
    if d.day in spec.dom:
        return True
    if spec.dom_last and d.day == days_in_month(d.year, d.month):
        return True
    if spec.dom_last_weekday and d.day == last_weekday_of(d.year, d.month):
        return True
    for n in spec.dom_w:
        if nearest_weekday(d.year, d.month, n) == d.day:
            return True
    return False


def dow_matches(spec: Spec, d: date) -> bool:
    wd = (d.weekday() + 1) % 7  # Sunday = 0
    if wd in spec.dow:
        return True
    if wd in spec.dow_last and d.day + 7 > days_in_month(d.year, d.month):
        return True
    if (wd, (d.day - 1) // 7 + 1) in spec.dow_nth:
        return True
    return False


def day_matches(spec: Spec, d: date) -> bool:
    a, b = dom_matches(spec, d), dow_matches(spec, d)
    return (a and b) if spec.day_and else (a or b)


# --------------------------------------------------------------------------------------
# Brute force
# --------------------------------------------------------------------------------------


def _first_of_next_month(d: datetime) -> datetime:
    y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    return datetime(y, m, 1)


def brute_non_fixed(spec: Spec, zname: str, from_t: int, n: int = MAX_FIRES) -> list[int]:
    """Real instants > from_t whose local wall-clock time matches every field."""
    tz = zone(zname)
    secs = sorted(spec.seconds)
    fires: list[int] = []
    t = from_t + 1
    limit = local(t, tz).year + 50  # cronsim's horizon: 50 years past each search start
    day_cache: dict[date, bool] = {}
    while len(fires) < n:
        lt = local(t, tz)
        if lt.year > limit:
            break
        naive = lt.replace(tzinfo=None, fold=0)
        d = naive.date()
        if naive.month not in spec.months:
            target = _first_of_next_month(naive)
        else:
            ok = day_cache.get(d)
            if ok is None:
                ok = day_cache[d] = day_matches(spec, d)
            if not ok:
                target = datetime.combine(d + timedelta(days=1), time())
            elif naive.hour not in spec.hours:
                target = naive.replace(minute=0, second=0) + timedelta(hours=1)
            elif naive.minute not in spec.minutes:
                target = naive.replace(second=0) + timedelta(minutes=1)
            elif naive.second not in spec.seconds:
                i = bisect.bisect_right(secs, naive.second)
                if i < len(secs):
                    target = naive.replace(second=secs[i])
                else:
                    target = naive.replace(second=0) + timedelta(minutes=1)
            else:
                fires.append(t)
                t += 1
                limit = local(t, tz).year + 50
                continue
        # Jump in real time assuming a constant offset, but never past the next change
        # of the UTC offset (up to there, local time advances exactly with real time).
        cand = t + int((target - naive).total_seconds())
        assert cand > t
        t = min(cand, next_transition(zname, t))
    return fires


def resolve(m: datetime, zname: str) -> int:
    """Naive local time -> instant: fold=0 if repeated; gap end if it does not exist."""
    tz = zone(zname)
    u = int(m.replace(tzinfo=tz, fold=0).timestamp())
    if local(u, tz).replace(tzinfo=None) == m:
        return u
    # In a gap: fold=0 used the pre-transition offset, so u is past the transition.
    tr = prev_transition(zname, u)
    assert tr is not None and tr <= u and local(tr, tz).replace(tzinfo=None) > m, (m, zname)
    return tr


def brute_fixed(spec: Spec, zname: str, from_t: int, n: int = MAX_FIRES) -> list[int]:
    """{resolve(m): m naive local time matching}, collapsed, > from_t, sorted."""
    tz = zone(zname)
    hm = [(h, mi) for h in sorted(spec.hours) for mi in sorted(spec.minutes)]
    start_local = local(from_t, tz).replace(tzinfo=None)
    d = start_local.date() - timedelta(days=1)
    limit = (start_local + timedelta(seconds=1)).year + 50
    out: list[int] = []
    while len(out) < n:
        if d.year > limit:
            break
        if d.month not in spec.months:
            y, mo = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
            d = date(y, mo, 1)
            continue
        if day_matches(spec, d):
            for h, mi in hm:
                inst = resolve(datetime.combine(d, time(h, mi)), zname)
                if inst <= from_t or (out and inst == out[-1]):
                    continue
                assert not out or inst > out[-1]
                out.append(inst)
                limit = local(inst, tz).year + 50
                if len(out) == n:
                    break
        d += timedelta(days=1)
    return out


def brute_force(spec: Spec, zname: str, from_t: int) -> list[int]:
    if spec.fixed_time:
        return brute_fixed(spec, zname, from_t)
    return brute_non_fixed(spec, zname, from_t)


# --------------------------------------------------------------------------------------
# cronsim runner
# --------------------------------------------------------------------------------------


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


signal.signal(signal.SIGALRM, _alarm)


def run_cronsim(expr: str, zname: str, from_t: int) -> tuple[list[int], str | None]:
    """Up to MAX_FIRES fires as epoch seconds; second item: error text if any."""
    cs_expr = MACROS.get(expr, expr)
    start = datetime.fromtimestamp(from_t, zone(zname))
    fires: list[int] = []
    signal.setitimer(signal.ITIMER_REAL, 20)
    try:
        it = CronSim(cs_expr, start)
        for _ in range(MAX_FIRES):
            try:
                f = next(it)
            except StopIteration:
                break
            fires.append(int(f.astimezone(timezone.utc).timestamp()))
        return fires, None
    except Timeout:
        return fires, "timeout"
    except CronSimError as e:
        return fires, f"CronSimError: {e}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


# --------------------------------------------------------------------------------------
# Random expressions
# --------------------------------------------------------------------------------------


def rcase(rng: random.Random, s: str) -> str:
    """Random letter case for names (cronsim upper-cases the whole expression)."""
    mode = rng.random()
    if mode < 0.4:
        return s.upper()
    if mode < 0.6:
        return s.lower()
    if mode < 0.8:
        return s.capitalize()
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in s)


def lz(rng: random.Random, v: int, p: float = 0.12) -> str:
    """Number, sometimes with leading zeros."""
    if rng.random() < p:
        return "0" * rng.choice([1, 1, 2]) + str(v) if v < 10 or rng.random() < 0.3 else str(v)
    return str(v)


def wpick(rng: random.Random, options):
    """options: list of (weight, value-or-callable)."""
    total = sum(w for w, _ in options)
    r = rng.random() * total
    for w, v in options:
        r -= w
        if r <= 0:
            return v(rng) if callable(v) else v
    v = options[-1][1]
    return v(rng) if callable(v) else v


def gen_list(rng, lo, hi, k_lo=2, k_hi=4):
    k = rng.randint(k_lo, k_hi)
    vals = sorted(rng.sample(range(lo, hi + 1), k))
    return vals


def gen_numeric_field(rng, lo, hi, hot=None):
    """Generic numeric field: number / list / range / steps."""
    hot = hot or list(range(lo, hi + 1))

    def single(r):
        return lz(r, r.choice(hot))

    def lst(r):
        return ",".join(lz(r, v) for v in gen_list(r, lo, hi))

    def rng_(r):
        a = r.randint(lo, hi)
        b = r.randint(a, min(hi, a + r.randint(0, (hi - lo) // 2)))
        return f"{lz(r, a)}-{lz(r, b)}"

    def step_star(r):
        return f"*/{r.randint(1, max(2, (hi - lo) // 2))}"

    def step_a(r):
        return f"{lz(r, r.randint(lo, hi))}/{r.randint(1, max(2, (hi - lo) // 2))}"

    def step_ab(r):
        a = r.randint(lo, hi)
        b = r.randint(a, hi)
        return f"{lz(r, a)}-{lz(r, b)}/{r.randint(1, max(2, (hi - lo) // 3))}"

    def mixed_list(r):
        items = [single(r), rng_(r), step_a(r)]
        r.shuffle(items)
        return ",".join(items[: r.randint(2, 3)])

    return wpick(
        rng,
        [(30, single), (12, lst), (12, rng_), (14, step_star), (6, step_a), (6, step_ab), (4, mixed_list), (6, "*")],
    )


def gen_second(rng):
    return wpick(
        rng,
        [
            (25, "0"),
            (15, "*"),
            (10, lambda r: str(r.choice([15, 30, 45, 59, 1]))),
            (15, lambda r: f"*/{r.choice([5, 10, 15, 20, 30, 7])}"),
            (10, lambda r: ",".join(str(v) for v in gen_list(r, 0, 59))),
            (10, lambda r: gen_numeric_field(r, 0, 59)),
        ],
    )


def gen_minute(rng):
    return wpick(
        rng,
        [
            (25, lambda r: lz(r, r.choice([0, 0, 0, 30, 15, 45, 5, 59, 1]))),
            (10, lambda r: f"*/{r.choice([5, 10, 15, 20, 30, 7, 2])}"),
            (6, "*"),
            (6, lambda r: r.choice(["0,30", "15,45", "0,15,30,45", "5,35", "29,59"])),
            (18, lambda r: gen_numeric_field(r, 0, 59)),
        ],
    )


DST_HOURS = [0, 1, 2, 3, 0, 1, 2, 3, 4, 23, 5, 9, 12, 17]


def gen_hour(rng):
    return wpick(
        rng,
        [
            (30, lambda r: lz(r, r.choice(DST_HOURS))),
            (10, lambda r: f"*/{r.choice([2, 2, 3, 4, 6, 12, 5])}"),
            (8, "*"),
            (10, lambda r: r.choice(["1-3", "0-4", "2,3", "1,2", "0,2", "2-3", "1,3", "0-3/2", "1/2", "9-17", "23,0,1"])),
            (15, lambda r: gen_numeric_field(r, 0, 23, hot=DST_HOURS)),
        ],
    )


def gen_dom(rng):
    return wpick(
        rng,
        [
            (55, "*"),
            (10, lambda r: lz(r, r.choice([1, 15, 28, 29, 30, 31, 13, 5]))),
            (4, lambda r: rcase(r, "L")),
            (4, lambda r: rcase(r, "LW")),
            (2, lambda r: rcase(r, "L/3")),
            (1, lambda r: rcase(r, "LW/2")),
            (4, lambda r: rcase(r, r.choice(["1,15,L", "L,1", "15,LW", "1-7,L", "*/10,L"]))),
            (6, lambda r: f"*/{r.choice([2, 3, 5, 7, 10, 15])}"),
            (8, lambda r: gen_numeric_field(r, 1, 31)),
        ],
    )


def gen_month(rng):
    def name(r):
        return rcase(r, r.choice(MONTH_NAMES))

    def name_range(r):
        a = r.randint(0, 10)
        b = r.randint(a, 11)
        return rcase(r, f"{MONTH_NAMES[a]}-{MONTH_NAMES[b]}")

    def name_list(r):
        return ",".join(rcase(r, MONTH_NAMES[i]) for i in sorted(r.sample(range(12), r.randint(2, 4))))

    return wpick(
        rng,
        [
            (60, "*"),
            (6, lambda r: lz(r, r.choice([3, 4, 10, 11, 9, 1, 2, 12]))),
            (5, name),
            (4, name_range),
            (3, name_list),
            (3, lambda r: f"*/{r.choice([2, 3, 4, 6])}"),
            (1, lambda r: rcase(r, r.choice(["JAN/2", "mar/3", "Apr-Oct/2"]))),
            (8, lambda r: gen_numeric_field(r, 1, 12, hot=[3, 4, 9, 10, 11])),
        ],
    )


def gen_dow(rng):
    def name(r):
        return rcase(r, r.choice(DAY_NAMES))

    def name_range(r):
        a = r.randint(0, 5)
        b = r.randint(a, 6)
        return rcase(r, f"{DAY_NAMES[a]}-{DAY_NAMES[b]}")

    def last(r):
        return f"{r.choice([0, 1, 2, 3, 4, 5, 6, 7, 5, 0, 7])}L"

    def nth(r):
        d = r.choice([rcase(r, r.choice(DAY_NAMES)), str(r.randint(0, 7))])
        return f"{d}#{r.choice([1, 2, 3, 4, 5, 2, 1])}"

    return wpick(
        rng,
        [
            (55, "*"),
            (8, lambda r: r.choice(["1-5", "0,6", "6,0", "6,7", "0", "7", "1", "5", "2-4", "0-6", "1-7"])),
            (5, name),
            (4, name_range),
            (2, lambda r: rcase(r, r.choice(["MON-FRI/2", "SUN-SAT/3", "mon/2", "sat,sun"]))),
            (3, lambda r: f"*/{r.choice([2, 3, 4])}"),
            (2, lambda r: f"{r.randint(0, 6)}/{r.choice([2, 3])}"),
            (5, last),
            (6, nth),
            (2, lambda r: ",".join([last(r), nth(r)])),
            (4, lambda r: gen_numeric_field(r, 0, 7)),
        ],
    )


def gen_expr(rng: random.Random) -> str:
    six = rng.random() < 0.22
    mi, h = gen_minute(rng), gen_hour(rng)
    dom, mon, dow = gen_dom(rng), gen_month(rng), gen_dow(rng)
    r = rng.random()
    if r < 0.06:  # both restricted -> OR rule
        dom = rng.choice(["1", "15", "L", "13", "1,15", "LW", "28-31", "10-12"])
        dow = rng.choice(["1", "MON", "fri", "5L", "MON#2", "0", "sat,sun", "1-5"])
    elif r < 0.12:  # one of them starts with '*' -> AND rule
        if rng.random() < 0.5:
            dom, dow = rng.choice(["*/2", "*/3", "*/7", "*/10"]), rng.choice(["1", "5", "0", "MON-FRI", "6,0", "5L"])
        else:
            dom, dow = rng.choice(["1", "13", "1-7", "15-21", "L", "LW", "29"]), rng.choice(["*/2", "*/3", "*/5"])
    fields = [mi, h, dom, mon, dow]
    if six:
        fields.insert(0, gen_second(rng))
    return " ".join(fields)


PROBE_EXPRS = [
    "* * * * *", "*/7 * * * *", "0 * * * *", "15 */2 * * *", "30 * * * *", "45 * * * *", "59 * * * *",
    "30 */1 * * *", "0 */2 * * sun", "0 * * * sun", "*/20 * * * 0", "* 0 * * *", "* 1 * * *", "* 2 * * *",
    "*/5 3 * * *", "0 0 * * *", "30 2 * * *", "0,30 0-3 * * *", "0 2 * * *", "0 1 * * *", "0 3 * * *",
    "15 1 * * *", "45 2 * * *", "0 0-3 * * *", "0 0 L * *", "30 0 * * sun", "0 0 * * 0", "59 23 * * *",
    "0 0 0 * * *", "0 30 2 * * *", "* * 3 * * *", "0 0 0 * * sun", "5 0 0 * * *", "0 0 1 * * *", "0 30 1 * * *",
    "*/30 * * * * *", "0 0 * * * sat,sun", "0 */15 * * * *", "30 59 1 * * *", "0 45 2 * * *", "0 0 0-3 * * *",
]


def gen_w_expr(rng: random.Random) -> str:
    """Expressions with Pacer's nW day-of-month terms."""
    six = rng.random() < 0.15
    mi = wpick(rng, [(6, lambda r: lz(r, r.choice([0, 30, 15, 45]))), (2, "*/15"), (1, "*/30")])
    h = wpick(rng, [(6, lambda r: lz(r, r.choice([0, 1, 2, 3, 9, 12]))), (2, "*/6"), (1, "1-3")])
    n = rng.choice([1, 1, 1, 2, 5, 6, 7, 13, 14, 15, 15, 20, 27, 28, 28, 29, 30, 31])
    if n == 31:
        mon = rng.choice(["1,3,5,7,8,10,12", "jan,mar,may,jul,aug,oct,dec", "1,3", "5-8", "10-12"])
    elif n in (29, 30):
        mon = rng.choice(["1,3-12", "3-12", "4,6,9,11", "apr,jun,sep,nov", "*/3"])
    else:
        mon = wpick(rng, [(6, "*"), (1, "2"), (1, "feb"), (1, "1-6"), (1, "*/2")])
    term = f"{n}W"
    dom = wpick(
        rng,
        [
            (8, term),
            (2, lambda r: f"{term},{r.choice([15, 1, 20])}" if n not in (1, 15, 20) else f"{term},10"),
            (1, lambda r: f"{r.choice(['L', 'LW', '1'])},{term}"),
            (1, lambda r: f"1W,{n}W" if n != 1 else "1W,15W"),
        ],
    )
    dom = rcase(rng, dom)
    dow = wpick(rng, [(8, "*"), (1, "fri"), (1, "*/2"), (1, "MON#1")])
    fields = [mi, h, dom, mon, dow]
    if six:
        fields.insert(0, rng.choice(["0", "30", "*/20"]))
    return " ".join(fields)


# --------------------------------------------------------------------------------------
# Start instants
# --------------------------------------------------------------------------------------

_zone_trans: dict[str, list[int]] = {}


def zone_transitions(name: str) -> list[int]:
    if name not in _zone_trans:
        _zone_trans[name] = transitions_between(name, START_MIN, START_MAX)
    return _zone_trans[name]


def pick_start(rng: random.Random, zname: str) -> int:
    tz = zone(zname)
    trans = zone_transitions(zname)
    if not trans or rng.random() < 0.18:
        t = rng.randint(START_MIN, START_MAX)
    else:
        if zname == "Pacific/Apia" and rng.random() < 0.3:
            T = next(tr for tr in trans if utc_year(tr) == 2011 and offset_s(tr, tz) == 14 * 3600)
        else:
            T = rng.choice(trans)
        before, after = offset_s(T - 1, tz), offset_s(T, tz)
        k = rng.random()
        if after < before and k < 0.3:
            # Inside the repeated interval, second copy: [T, T + (before - after)).
            t = T + rng.randrange(0, before - after)
        elif after < before and k < 0.4:
            # Inside the repeated interval, first copy.
            t = T - rng.randrange(1, before - after + 1)
        elif k < 0.5:
            t = T + rng.choice([-1, 0, 1, -60, 60, -3600, 3600, -1800, 1800])
        else:
            t = T + int(rng.triangular(-8 * 3600, 8 * 3600, 0))
    if rng.random() < 0.6:
        t -= t % 60
    return t


# --------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------


def describe(ts: list[int], tz: ZoneInfo) -> str:
    return ", ".join(f"{rfc3339(t)} ({local_str(t, tz)})" for t in ts)


def compare(expr: str, spec: Spec, zname: str, from_t: int, cs: list[int], err: str | None, bf: list[int]):
    """Return (kind, note) describing how cronsim's raw output differs, or None."""
    if cs == bf and err is None:
        return None
    tz = zone(zname)
    mode = "fixed-time" if spec.fixed_time else "non-fixed"
    if err is not None:
        return f"{mode}: cronsim {err}", f"cronsim 2.8 raised/hung ({err}); brute-force answer"
    bits, kinds = [], []
    before = [t for t in cs if t <= from_t]
    if before:
        in_second_copy = local(from_t, tz).fold == 1
        kinds.append("fire at/before start" + (" (start in 2nd copy of repeated time)" if in_second_copy else ""))
        bits.append(f"returns {describe(before, tz)}, not after the start {local_str(from_t, tz)}")
    if any(b <= a for a, b in zip(cs, cs[1:])):
        kinds.append("fires not increasing")
        bits.append(f"its fires go back in time: {describe(cs, tz)}")
    cs_after = [t for t in cs if t > from_t]
    # Compare only up to where both lists are complete (a list of MAX_FIRES stops early).
    horizon = min(max(cs) if len(cs) == MAX_FIRES else float("inf"),
                  bf[-1] if len(bf) == MAX_FIRES else float("inf"))
    missing = [t for t in bf if t <= horizon and t not in cs]
    extra = [t for t in cs_after if t <= horizon and t not in bf]
    if missing:
        kinds.append("misses fires")
        bits.append(f"misses {describe(missing, tz)}")
    if extra:
        nonmatch = [t for t in extra if not spec_matches_local(spec, local(t, tz))]
        kinds.append("extra fires" + (" (wall time not matching)" if nonmatch else ""))
        bits.append(f"adds {describe(extra, tz)}")
    if not kinds:
        kinds.append("other")
        bits.append(f"gives {describe(cs, tz)}")
    if has_same_bound_step(expr):
        kinds.insert(0, "parse quirk a-a/n")
        bits.insert(0, "cronsim parses a one-value range with a step ('a-a/n') like 'a/n' (a, a+n, ... up to the "
                       "field maximum); the brute force reads it as the range a-a stepped, i.e. just a")
    note = "cronsim 2.8 differs from brute force: " + "; ".join(bits)
    return f"{mode}: " + ", ".join(kinds), note


def has_same_bound_step(expr: str) -> bool:
    for part in MACROS.get(expr, expr).upper().split(" "):
        for term in part.split(","):
            m = re.fullmatch(r"([0-9A-Z]+)-([0-9A-Z]+)/[0-9]+", term)
            if m and (m.group(1) == m.group(2) or (m.group(1).isdigit() and m.group(2).isdigit()
                                                   and int(m.group(1)) == int(m.group(2)))):
                return True
    return False


def spec_matches_local(spec: Spec, lt: datetime) -> bool:
    return (
        lt.month in spec.months
        and day_matches(spec, lt.date())
        and lt.hour in spec.hours
        and lt.minute in spec.minutes
        and lt.second in spec.seconds
    )


# --------------------------------------------------------------------------------------
# Task A: cases
# --------------------------------------------------------------------------------------


def make_case(expr: str, zname: str, from_t: int, w_case: bool = False):
    spec = parse_expr(expr, zname)
    bf = brute_force(spec, zname, from_t)
    assert all(t > from_t for t in bf) and all(b > a for a, b in zip(bf, bf[1:]))
    case = {"expr": expr, "tz": zname, "from": rfc3339(from_t)}
    if w_case:
        case.update(fires=[rfc3339(t) for t in bf], source="bruteforce", note=W_NOTE)
        return case, bf, None
    cs, err = run_cronsim(expr, zname, from_t)
    diff = compare(expr, spec, zname, from_t, cs, err, bf)
    if diff is None:
        case.update(fires=[rfc3339(t) for t in cs], source="cronsim")
    else:
        case.update(fires=[rfc3339(t) for t in bf], source="bruteforce", note=diff[1])
    return case, bf, diff


def cronsim_accepts(expr: str) -> bool:
    try:
        CronSim(MACROS.get(expr, expr), datetime(2026, 1, 1, tzinfo=timezone.utc))
        return True
    except CronSimError:
        return False


def weighted_zone(rng: random.Random) -> str:
    return wpick(rng, [(ZONE_WEIGHTS.get(z, 1.0), z) for z in ZONES])


def build_cases(rng: random.Random):
    cases, diffs = [], []

    def add(expr, zname, from_t, w_case=False):
        case, bf, diff = make_case(expr, zname, from_t, w_case)
        if not bf:
            return False  # never fires (within the horizon): not a useful case
        cases.append(case)
        if diff is not None:
            diffs.append((diff[0], case, diff[1]))
        return True

    # The scheduler user's example.
    lh = zone("Australia/Lord_Howe")
    add("15 */2 * * *", "Australia/Lord_Howe", int(datetime(2026, 4, 4, 20, 0, tzinfo=lh).timestamp()))

    def start_for(expr, zname):
        from_t = pick_start(rng, zname)
        if rng.random() < 0.1:
            # Start exactly on a fire (or one second before it).
            spec = parse_expr(expr, zname)
            first = brute_force(spec, zname, from_t - 3600)
            if first:
                from_t = first[0] - (1 if rng.random() < 0.3 else 0)
        return from_t

    n = 0
    while n < N_RANDOM_CASES:
        expr = gen_expr(rng)
        if not cronsim_accepts(expr):
            continue
        zname = weighted_zone(rng)
        if add(expr, zname, start_for(expr, zname)):
            n += 1

    # DST-edge probes, systematically: every probe expression against one forward and
    # one backward transition per zone (random year), plus Apia's skipped day, started
    # shortly before the transition or inside the second copy of a repeated interval.
    for zname in ZONES:
        trans = zone_transitions(zname)
        if not trans:
            continue
        tz = zone(zname)
        fwd = [T for T in trans if offset_s(T, tz) > offset_s(T - 1, tz)]
        back = [T for T in trans if offset_s(T, tz) < offset_s(T - 1, tz)]
        picks = [rng.choice(fwd), rng.choice(back)]
        if zname == "Pacific/Apia":
            picks.append(next(T for T in trans if offset_s(T, tz) - offset_s(T - 1, tz) == 24 * 3600))
        for T in picks:
            overlap = offset_s(T - 1, tz) - offset_s(T, tz)
            for expr in PROBE_EXPRS:
                if overlap > 0 and rng.random() < 0.2:
                    from_t = T + rng.randrange(0, overlap)
                else:
                    from_t = T - rng.choice([3 * 3600, 2 * 3600, 3600, 5400, 1800, 1, 0])
                add(expr, zname, from_t)

    n = 0
    while n < N_MACRO_CASES:
        expr = rng.choice(list(MACROS))
        zname = weighted_zone(rng)
        if add(expr, zname, start_for(expr, zname)):
            n += 1

    n = 0
    while n < N_W_CASES:
        expr = gen_w_expr(rng)
        zname = weighted_zone(rng)
        if add(expr, zname, start_for(expr, zname), w_case=True):
            n += 1
    return cases, diffs


# --------------------------------------------------------------------------------------
# Task B: invalid / near-miss expressions
# --------------------------------------------------------------------------------------

NEAR_MISS = {
    SEC: ["60", "61", "-1", "+1", "L", "*/0", "5-3", "1,,2", "?", "1-", "-5", "ⅰ", "٣", "60/5", "0-60", "*/60x", "0x1"],
    MIN: ["60", "99", "-1", "+1", "L", "5-3", "*/0", "0/0", "1,,2", ",5", "5,", "?", "W", "1.5", "1_0", "MON", "JAN",
          "٥", "５", "*/", "/5", "*/5/2", "1-5-7", "**", "*/*", "0-60", "5L", "#1", "x", "$"],
    HOUR: ["24", "25", "-1", "+1", "L", "LW", "23-22", "*/0", "1,,2", "?", "W", "2W", "१", "0-24", "*/24/2", "12am", "a",
           "3#1", "0--3"],
    DOM: ["0", "32", "00", "-1", "+1", "?", "W", "L5", "LL", "WL", "L-1", "1-L", "L/0", "L/x", "L#1", "1#2", "5L",
          "*L", "*/0", "20-10", "1,,2", "32/2", "0-5", "１", "L,", "MON", "JAN", "15-", "1-31-2"],
    MON: ["0", "13", "00", "-1", "L", "?", "JANUARY", "JA", "January", "SEPT", "jan-", "DEC-JAN", "12-1", "*/0", "1,,2",
          "MON", "JAN#1", "1L", "13/2", "٢", "0-12"],
    DOW: ["8", "-1", "+1", "?", "L", "LW", "MO", "MONDAY", "Tues", "THUR", "SAT-SUN", "6-1", "FRI-MON", "*/0", "1,,2",
          "MON#", "#0", "#6", "MON#0", "MON#6", "1#0", "5#6", "0#", "#1", "L5", "*L", "55L", "8L", "FRIL", "MONL", "5LL",
          "5L#2", "MON#2#3", "MON#2L", "1-5#2", "*/2#2", "5L/2", "MON#1-3", "JAN", "W", "5W", "٥", "7-8", "0-8", "1-5/0",
          "MON-", "-MON", "MON--FRI", "8#1", "SUN#5,", "1#1.5"],
}

FIXED_NEAR_MISS = [
    "", "*", "* *", "* * *", "0 0 * *", "0 0 * * * * *", "0 0 0 * * * * *", "* * * * * * *",
    "0 0 30 2 *", "0 0 31 2 *", "0 0 30,31 2 *", "0 0 31 4,6,9,11 *", "0 0 31 apr *", "0 0 31 2,4 *",
    "0 0 30 feb *", "0 0 31 jun *", "0 0 31 sep,nov *", "0 0 30 2 */1", "0 0 31 4 */2", "0 0 30-31 2 *",
    "0 0 30 2 MON", "0 0 31 4,6,9,11 1-5", "0 0 31 2 SUN", "0 0 30 2 5L", "0 0 30,31 2 0", "0 0 31 4 MON#1",
    "0 0 29 2 *", "0 0 29,30 2 *", "0 0 L,30 2 *", "0 0 30 1-2 *", "0 0 31 2-3 *", "0 0 31 4,5 *",
    "0 0 30 2 * 2026", "0 0 * * * ?", "? * * * *", "0 0 1 1 * *",
    "0 0 1 1 7", "0 0 1 1 0", "0 0 * * 7#5", "0 0 * * 0#5", "0 0 L * 0L", "0 0 LW * 7L",
    "* * * * * 0 0", "0 0 * * mon,tue,wed,thu,fri,sat,sun", "0 0 * * SUN-SAT", "0 0 * * 0-7", "0 0 * * 7-7",
    "0 0 L,L * *", "0 0 LW,L * *", "0 0 1,L,LW * *", "0 0 L/3 * *", "0 0 LW/2 * *", "0 0 L/31 * *",
    "0 0 * * 05L", "0 0 * * 7L", "0 0 * * 0L", "0 0 * * SUN#05", "0 0 * * 7#1", "0 0 * * 1/2", "0 0 * * MON/2",
    "0 0 * * 5/2", "0 0 * * */2", "0 0 * * 0-6/2", "0 0 */40 * *", "0 0 * */12 *", "0 0 * 12/5 *",
    "0 0 * * * *", "0 0 0 * * *", "59 59 23 31 12 *", "59 59 23 31 12 6", "00 00 00 01 01 00",
    "0 0 * * x", "0 0 * * *x", "0 0 * * $", "0 0 * * ★", "x y z w v", "0 0 1.0 * *", "0 0 1e1 * *",
    "0 0 0x1 * *", "0 0 ١ * *", "٠ ٠ * * *", "０ ０ * * *", "0 0 ¹ * *", "0 0 ½ * *", "1-2-3 * * * *",
    "0 0 * * MON-FRI/0", "0 0 1-31/0 * *", "0 0 * * #", "0 0 * * L#1", "0 0 * * LL", "0 0 W * *",
    "0 0 * * LW", "0 0 * * 5LW", "0 0 LW5 * *", "0 0 1W15 * *", "0 0 * JAN-DEC/0 *",
]

NEVER_DOM = ["*/31", "*/32", "*/35", "*/40", "*/50", "*/99"]  # each means {1}


def gen_never(rng: random.Random) -> str:
    mi, h = rng.choice(["0", "30", "*/15", "*"]), rng.choice(["0", "9", "*", "*/6"])
    k = rng.random()
    if k < 0.45:
        dom = rng.choice(NEVER_DOM)
        d = rcase(rng, rng.choice(DAY_NAMES)) if rng.random() < 0.5 else str(rng.randint(0, 7))
        dow = rng.choice([f"{d}#{rng.randint(2, 5)}", f"{str(rng.randint(0, 7))}L"])
    elif k < 0.65:
        dom, dow = "*/16", rng.choice([f"{rng.randint(0, 7)}#{rng.choice([4, 5])}", f"{rng.randint(0, 7)}L"])
    elif k < 0.85:
        dom, dow = rcase(rng, "LW"), rng.choice(["*/6", "*/7", "*/6,0", "*/7,6"])
    else:
        dom, dow = rng.choice(["*/40", "*/32"]), rng.choice(["*/7", "*/6"])
        dom, dow = dom, f"{rng.choice(['0', '7', 'SUN'])}#{rng.randint(2, 5)}"
    mon = rng.choice(["*", "*", "2", "feb", "1-6", "*/2"])
    fields = [mi, h, dom, mon, dow]
    if rng.random() < 0.2:
        fields.insert(0, rng.choice(["0", "*/30"]))
    return " ".join(fields)




def excluded_from_invalid(expr: str) -> bool:
    if expr.lstrip().startswith("@"):
        return True  # macros (and other @-words) are Pacer's business, not cronsim's
    parts = expr.split(" ")
    dom = parts[-3] if len(parts) in (5, 6) else ""
    if any(re.fullmatch(r"[0-9]+W", t, re.IGNORECASE) for t in dom.split(",")):
        return True
    if expr != expr.strip() or "  " in expr or any(c.isspace() and c != " " for c in expr):
        return True
    if expr.upper() != "".join(c.upper() if c.isascii() else c for c in expr):
        return True  # e.g. 'ſun'.upper() == 'SUN'
    return False


def classify(expr: str) -> dict:
    try:
        it = CronSim(expr, datetime(2026, 1, 1, tzinfo=timezone.utc))
    except CronSimError as e:
        return {"expr": expr, "cronsim": "rejects", "error": str(e)}
    try:
        next(it)
    except StopIteration:
        return {"expr": expr, "cronsim": "never"}
    return {"expr": expr, "cronsim": "accepts"}


def mutate(rng: random.Random, valid: str) -> str:
    parts = valid.split(" ")
    six = len(parts) == 6
    idx_offset = 0 if six else 1
    choices = list(range(len(parts)))
    i = rng.choice(choices)
    fidx = i + idx_offset
    bad = rng.choice(NEAR_MISS[fidx])
    if rng.random() < 0.25 and parts[i] not in ("*",):
        # Embed the bad term in a list with the valid one.
        bad = f"{parts[i]},{bad}" if rng.random() < 0.5 else f"{bad},{parts[i]}"
    parts[i] = bad
    return " ".join(parts)


def build_invalid(rng: random.Random, valid_pool: list[str]) -> list[dict]:
    seen: set[str] = set()
    out: list[dict] = []

    def add(expr):
        if expr in seen or excluded_from_invalid(expr):
            return
        seen.add(expr)
        out.append(classify(expr))

    for e in FIXED_NEAR_MISS:
        add(e)
    # Every near-miss token, in a 5-field (and for seconds, a 6-field) context.
    for fidx, toks in NEAR_MISS.items():
        for tok in toks:
            base = ["0", "0", "0", "*", "*", "*"] if fidx == SEC else ["0", "0", "*", "*", "*"]
            if fidx == SEC:
                base[0] = tok
            else:
                base[fidx - 1] = tok
            add(" ".join(base))
    n_never = 0
    while n_never < 40:
        e = gen_never(rng)
        if e in seen:
            continue
        add(e)
        n_never += out[-1]["cronsim"] == "never"
    while len(out) < 1100:
        if rng.random() < 0.6:
            add(rng.choice(valid_pool))
        else:
            add(mutate(rng, rng.choice(valid_pool)))
    return out


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def tzdata_version() -> str:
    for p in ("/usr/share/zoneinfo/tzdata.zi",):
        try:
            with open(p) as f:
                return f.readline().strip().removeprefix("# version ")
        except OSError:
            pass
    try:
        import tzdata  # type: ignore

        return "tzdata package " + tzdata.IANA_VERSION
    except ImportError:
        return "unknown"


def main() -> int:
    t0 = _time.monotonic()
    if pkg_version("cronsim") != "2.8":
        print(f"warning: cronsim {pkg_version('cronsim')} installed; the fixtures expect 2.8", file=sys.stderr)
    rng = random.Random(SEED)
    cases, diffs = build_cases(rng)

    valid_pool = sorted({c["expr"] for c in cases if not c["expr"].startswith("@") and "W" not in c["expr"].upper().replace("LW", "")})
    inv_rng = random.Random(SEED + 1)
    invalid = build_invalid(inv_rng, valid_pool)

    FIXTURES.mkdir(parents=True, exist_ok=True)
    with open(FIXTURES / "cron-cases.jsonl", "w") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    with open(FIXTURES / "cron-invalid.jsonl", "w") as f:
        for c in invalid:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")

    # ---- summary
    print(f"tz database: {tzdata_version()}; cronsim {pkg_version('cronsim')}")
    print(f"cron-cases.jsonl: {len(cases)} cases")
    per_zone = Counter(c["tz"] for c in cases)
    for z in ZONES:
        print(f"  {z:22s} {per_zone[z]}")
    fixed = sum(parse_expr(c["expr"], c["tz"]).fixed_time for c in cases)
    print(f"  fixed-time rules: {fixed}, others: {len(cases) - fixed}")
    print(f"  sources: {dict(Counter(c['source'] for c in cases))}")
    print(f"  six-field: {sum(len(c['expr'].split()) == 6 for c in cases)}, macros: "
          f"{sum(c['expr'].startswith('@') for c in cases)}, nW: {sum(c.get('note') == W_NOTE for c in cases)}")
    print(f"  fewer than {MAX_FIRES} fires: {sum(len(c['fires']) < MAX_FIRES for c in cases)}")
    by_kind = defaultdict(list)
    for kind, case, note in diffs:
        by_kind[kind].append((case, note))
    print(f"disagreements with cronsim's raw output: {len(diffs)}")
    for kind, items in sorted(by_kind.items(), key=lambda kv: -len(kv[1])):
        zs = Counter(c["tz"] for c, _ in items)
        print(f"  [{len(items)}] {kind}   zones: {dict(zs)}")
        for case, note in items[:3]:
            print(f"      {case['expr']!r} {case['tz']} from {case['from']} "
                  f"({local_str(int(datetime.fromisoformat(case['from']).timestamp()), zone(case['tz']))}): {note}")
    verdicts = Counter(c["cronsim"] for c in invalid)
    print(f"cron-invalid.jsonl: {len(invalid)} lines {dict(verdicts)}")
    errs = Counter(c.get("error") for c in invalid if c["cronsim"] == "rejects")
    print(f"  errors: {dict(errs)}")
    print(f"elapsed: {_time.monotonic() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
