"""Calendar arithmetic for date resolution: the publication-date anchor, ISO weeks, month
shifts, the year of a date written without one, holidays, weekdays, clock times, and the
cached ``dateparser`` call for numeric dates. No text is read here: ``date_resolve`` decides
what a mention means, this module computes its date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from provenance.extract.date_scan import lexicon

PRECISION_RANK = {"unknown": 0, "year": 1, "month": 2, "day": 3, "time": 4}
NEED_DAY, NEED_MONTH, NEED_YEAR = 3, 2, 1


# --------------------------------------------------------------------------- anchor


@dataclass(frozen=True)
class Anchor:
    """The publication date and how much of it is known."""

    date: dt.date | None
    rank: int  # 0 unknown, 1 year, 2 month, 3 day, 4 time

    def knows(self, need: int) -> bool:
        """True when the anchor is known at least to ``need`` (a _NEED_* rank)."""
        return self.date is not None and self.rank >= need


@lru_cache(maxsize=4096)
def anchor(published: str | None, precision: str) -> Anchor:
    """Parse the publication date; its precision is the lower of the string's and ``precision``."""
    if not published:
        return Anchor(None, 0)
    s = published.strip()
    m = re.match(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2}):(\d{2}))?)?)?", s)
    if not m:
        return Anchor(None, 0)
    y, mo, d, hh = m.group(1), m.group(2), m.group(3), m.group(4)
    given = 4 if hh else 3 if d else 2 if mo else 1
    rank = min(given, PRECISION_RANK.get(precision, 3))
    if not 1000 <= int(y) <= 9000:  # keeps "999 years ago" and "next year" inside datetime's range
        return Anchor(None, 0)
    try:
        date = dt.date(int(y), int(mo or 1), int(d or 1))
    except ValueError:
        return Anchor(None, 0)
    return Anchor(date, rank)


# --------------------------------------------------------------------------- resolution helpers


def iso_week(d: dt.date) -> str:
    """ISO week value ``YYYY-Www``."""
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def shift_month(y: int, m: int, n: int) -> tuple[int, int]:
    """Month arithmetic: (y, m) moved by ``n`` months."""
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def yearless(month: int, day: int | None, anchor: dt.date, direction: int) -> dt.date | None:
    """The year for a month (and day) written without one.

    ``direction`` -1: the nearest on or before the anchor (publication). +1 (future tense):
    the nearest on or after. 0 (no future cue): the nearest before, unless the next
    occurrence is within the forward horizon of ``lexicon/dates.toml`` (75 days for a day,
    3 months for a month) and nearer: "Dec. 15" in a 2 November article is the coming one.
    A month contains the anchor when they share a month ("October" in an October article).
    """
    conv = lexicon().conventions
    back: tuple[int, dt.date] | None = None
    ahead: tuple[int, dt.date] | None = None
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            cand = dt.date(y, month, day or 1)
        except ValueError:  # 29 February outside a leap year
            continue
        dist = (y - anchor.year) * 12 + month - anchor.month if day is None else (cand - anchor).days
        if dist <= 0 and (back is None or -dist < back[0]):
            back = (-dist, cand)
        elif dist > 0 and (ahead is None or dist < ahead[0]):
            ahead = (dist, cand)
    if direction < 0:
        return back[1] if back else None
    if direction > 0:  # the current month (or today) first: "by the end of November" in November
        if back and back[0] == 0:
            return back[1]
        # Future tense points forward only so far: "will be tried for the Aug. 7 bombing" in an
        # 18 August article is not next year's 7 August (news writes the year that far ahead).
        limit = conv["future_limit_months"] if day is None else conv["future_limit_days"]
        if ahead and ahead[0] <= limit:
            return ahead[1]
        return back[1] if back else None
    horizon = conv["forward_horizon_months"] if day is None else conv["forward_horizon_days"]
    if ahead and ahead[0] <= horizon and (back is None or ahead[0] < back[0]):
        return ahead[1]
    return back[1] if back else None


def holiday_date(rule: str, anchor: dt.date, direction: int) -> dt.date | None:
    """Resolve a holiday rule to the occurrence nearest the anchor.

    Rules: "12-25"; "11-Thursday-4", the 4th Thursday of November; "11-Monday-1+1", the day
    after the 1st Monday (US Election Day, the Tuesday after the first Monday of November).
    """
    parts = rule.split("-")
    month = int(parts[0])
    if len(parts) == 2:
        return yearless(month, int(parts[1]), anchor, direction)
    nth_s, _, plus = parts[2].partition("+")
    weekday, nth, after = lexicon().weekdays[parts[1].lower()], int(nth_s), int(plus or 0)

    def nth_weekday(year: int) -> int:
        first = dt.date(year, month, 1)
        return 1 + (weekday - first.weekday()) % 7 + 7 * (nth - 1) + after

    # The day of the month moves with the year, so pick the year first, then the day.
    by_year = yearless(month, None, anchor, direction)
    if by_year is None:
        return None
    cand = dt.date(by_year.year, month, nth_weekday(by_year.year))
    if direction <= 0 and cand > anchor and cand.year == anchor.year and not (
        (cand - anchor).days <= lexicon().conventions["forward_horizon_days"]
    ):
        cand = dt.date(anchor.year - 1, month, nth_weekday(anchor.year - 1))
    return cand


def holiday_in(rule: str, year: int) -> dt.date | None:
    """A holiday rule's day in a given year ("Christmas 2019", "Labor Day of 2014")."""
    parts = rule.split("-")
    month = int(parts[0])
    try:
        if len(parts) == 2:
            return dt.date(year, month, int(parts[1]))
        nth_s, _, plus = parts[2].partition("+")
        first = dt.date(year, month, 1)
        weekday = lexicon().weekdays[parts[1].lower()]
        return dt.date(year, month, 1 + (weekday - first.weekday()) % 7 + 7 * (int(nth_s) - 1) + int(plus or 0))
    except ValueError:
        return None


def holiday_step(rule: str, anchor: dt.date, step: int) -> dt.date | None:
    """"last Thanksgiving" (step -1): the last one strictly before the anchor; "next" (+1): after."""
    days = [d for y in (anchor.year - 1, anchor.year, anchor.year + 1) if (d := holiday_in(rule, y))]
    if step < 0:
        return max((d for d in days if d < anchor), default=None)
    return min((d for d in days if d > anchor), default=None)


def weekday_date(target: int, anchor: dt.date, shift: int | None, future: bool) -> dt.date:
    """Resolve a weekday: on or before the anchor, after it for "next" or future tense."""
    delta = (anchor.weekday() - target) % 7
    if shift == -1:  # "last Tuesday": strictly before
        return anchor - dt.timedelta(days=delta or 7)
    if shift == 1:  # "next Tuesday": the first one strictly after
        return anchor + dt.timedelta(days=(target - anchor.weekday()) % 7 or 7)
    if future:
        return anchor + dt.timedelta(days=(target - anchor.weekday()) % 7)
    return anchor - dt.timedelta(days=delta)


def parse_time(m: re.Match[str]) -> str | None:
    """``HH:MM`` from a time-of-day match, or None when it is not a valid clock time."""
    t = m.group("time")
    if m.group("noon"):
        return "12:00" if m.group("noon").lower() == "noon" else "00:00"
    hm = re.match(r"(\d{1,2})(?::(\d{2}))?", t)
    if not hm:
        return None
    h, mi = int(hm.group(1)), int(hm.group(2) or 0)
    ap = (m.group("ap1") or m.group("ap2") or "").lower().replace(".", "")
    if ap:
        if not 1 <= h <= 12:
            return None
        h = (h % 12) + (12 if ap == "pm" else 0)
    return f"{h:02d}:{mi:02d}"


@lru_cache(maxsize=8192)
def dateparser_numeric(candidate: str, order: str, anchor: dt.date | None) -> dt.date | None:
    """Parse a numeric date with dateparser (cached: the same strings recur across articles).

    RELATIVE_BASE is always set (to the anchor, or a fixed date when unknown) so that
    dateparser never fills a gap from today's date; all three parts are required anyway.
    """
    import dateparser  # deferred: importing it costs ~0.3 s, and most articles never need it

    base = dt.datetime.combine(anchor or dt.date(2000, 1, 1), dt.time())
    parsed = dateparser.parse(
        candidate,
        languages=["en"],
        settings={
            "DATE_ORDER": order,
            "RELATIVE_BASE": base,
            "STRICT_PARSING": True,
            "REQUIRE_PARTS": ["day", "month", "year"],
            "PREFER_DATES_FROM": "past",
        },
    )
    return parsed.date() if parsed else None


__all__ = [
    "NEED_DAY", "NEED_MONTH", "NEED_YEAR", "Anchor", "anchor", "dateparser_numeric", "holiday_date", "iso_week",
    "parse_time", "shift_month", "weekday_date", "yearless",
]
