"""Resolution of scanner matches against the publication date.

The common forms are resolved with ``datetime`` arithmetic: a weekday is the most recent
such day on or before publication (the day itself included) unless the sentence's tense or
"next" points forward; a date without a year takes the year that puts it nearest before
publication, unless it is in the future tense or its next occurrence is close ahead (the
forward horizon in the lexicon, measured on TBAQ); "a year earlier" counts from the
narrative's reference time. Numeric dates go to ``dateparser`` as a short candidate string
with ``RELATIVE_BASE`` and ``DATE_ORDER`` set, behind an ``lru_cache``. A mention that needs
more of the publication date than is known stays unresolved: nothing is resolved against
the clock. The calendar arithmetic itself (anchor, weeks, yearless dates, holidays) is in
``date_calendar``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from provenance.extract.date_calendar import (
    NEED_DAY,
    NEED_MONTH,
    NEED_YEAR,
    Anchor,
    dateparser_numeric,
    holiday_date,
    holiday_in,
    holiday_step,
    iso_week,
    shift_month,
    weekday_date,
    yearless,
)
from provenance.extract.date_scan import Lexicon, lexicon
from provenance.extract.date_tense import abbreviation_at, tense_around
from provenance.models import Sentence

# --------------------------------------------------------------------------- extraction


@dataclass(slots=True)
class Draft:
    """A mention before its context checks (since/until, role, time of day)."""

    start: int
    end: int
    value: str | None
    granularity: str
    relative: bool
    resolved: bool
    rule: str
    day: dt.date | None = None  # the resolved day, when granularity is day
    ago: tuple[str, int] | None = None  # "two years ago": ("year", 2), see ``_from_reference``


class Context:
    """Per-call state: the text, its anchor and sentence bounds (computed lazily)."""

    def __init__(self, text: str, anchor: Anchor, sentences: Sequence[Sentence] | None) -> None:
        self.text = text
        self.anchor = anchor
        self._starts = [s.start for s in sentences] if sentences else None
        self._sentences = sentences
        # The narrative's reference time: the last resolved date so far, as (value, granularity).
        self.ref: tuple[str, str] | None = None
        # Set when the reference came from "N units ago": (unit, N).
        self.ref_ago: tuple[str, int] | None = None

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """Bounds of the sentence containing ``start`` (a cheap fallback without sentences)."""
        if self._starts is not None and self._sentences:
            i = max(0, bisect.bisect_right(self._starts, start) - 1)
            s = self._sentences[i]
            return s.start, max(s.end, end)
        # Only the 100 characters either side are ever read (see ``tense``): search no further.
        text = self.text
        a, b = max(0, start - 100), end + 100
        stop = text.rfind(". ", a, start)
        while stop != -1 and abbreviation_at(text, stop):  # "Daniel P. Davison", "Mr. Smith"
            stop = text.rfind(". ", a, stop)
        lo = max(stop, text.rfind("\n", a, start), a - 1) + 1
        stop = text.find(". ", end, b)
        while stop != -1 and abbreviation_at(text, stop):
            stop = text.find(". ", stop + 2, b)
        hi = min(p for p in (stop, text.find("\n", end, b), min(b, len(text))) if p != -1)
        return lo, hi

    def tense(self, start: int, end: int) -> int:
        """Tense of the sentence around a mention: +1 future, -1 past, 0 unknown.

        Only the 100 characters either side count: the verb that governs a date is near it,
        and a long sentence's far clauses have their own tense.
        """
        lo, hi = self.sentence(start, end)
        return tense_around(self.text, start, end, max(lo, start - 100), min(hi, end + 100))


def _title_case_name(text: str, start: int, end: int) -> bool:
    """True for a capitalised phrase inside a sentence: a programme name ("This Week", "VOA Today")."""
    words = text[start:end].split()
    if not all(w[:1].isupper() for w in words):
        return False
    prev = text[max(0, start - 12):start].rstrip(" \t\"'“‘`")
    return bool(prev) and (prev[-1].isalnum() or prev[-1] in ",;")


def _generic_now(text: str, start: int, end: int, lx: Lexicon) -> bool:
    """True for "today's world", "the people of tomorrow": the present (or future) in general."""
    if text[max(0, start - 3):start] == "of ":
        prev = text[max(0, start - 24):start - 3].rsplit(None, 1)
        if prev and prev[-1].lower() in lx.generic_before_of:
            return True
    if text[end:end + 1] not in "'’" or text[end + 1:end + 2] != "s":
        return False
    nxt = text[end + 2:end + 24].split(None, 1)
    return bool(nxt) and nxt[0].lower().rstrip(".,;:") in lx.generic_after


def _year_direction(ctx: Context, text: str, start: int, end: int) -> int:
    """Which way a date without a year may lie from publication: -1 back, +1 forward, 0 nearest.

    "since October 7" and a dateline can only lie back. Future tense points forward. A past
    tense cue does not force the past: measured on TBAQ dev, reading yearless dates as the
    nearest either way beats "nearest before" (value F1 0.885 vs 0.859), because news names
    coming dates ("the dividend is payable Dec. 15") in sentences full of past-tense verbs.
    """
    head = text[max(0, start - 16):start]
    if ("since" in head.lower() and lexicon().since_before.search(head)) or (
        DATELINE_AFTER.match(text, end) and is_dateline(text, start, end)
    ):
        return -1
    if _forward(text, start, lexicon()):
        return 1  # "as soon as Friday"
    tense = ctx.tense(start, end)
    if tense == 0 and _deadline(text, start):
        return 1  # "to pay down the loan by February": a deadline lies ahead, unless past tense
    return 1 if tense > 0 else 0


def _deadline(text: str, start: int) -> bool:
    """True after a deadline cue ("by", "no later than"): lexicon ``[cues].deadline``."""
    return lexicon().deadline_before.search(text, max(0, start - 16), start) is not None


def _forward(text: str, start: int, lx: Lexicon) -> bool:
    """True after a cue that points a date forward whatever the tense: ``[cues].forward``."""
    # A cheap test first: the three characters before the date end one of the cues ("as ").
    if text[max(0, start - 3):start] not in lx.forward_tails:
        return False
    return lx.forward_before.search(text, max(0, start - 24), start) is not None


def is_dateline(text: str, start: int, end: int) -> bool:
    """True when the mention sits in a dateline: "GAZA CITY, October 31 (RHC)--"."""
    if start >= 2000:
        return False
    line_start = text.rfind("\n", 0, start) + 1
    return bool(DATELINE_BEFORE.match(text[line_start:start]) and DATELINE_AFTER.match(text, end))


def _count_not_year(text: str, start: int, end: int, lx: Lexicon) -> bool:
    """True when a four-digit number is a count ("2000 people", "about 2000"), not a year."""
    if start and text[start - 1] in "$€£#":
        return True
    after = text[end:end + 24].lower().split(None, 2)
    if after and text[end:end + 1].isspace():
        w = after[0].rstrip(".,;:")
        if (w in lx.not_year_after or w[:1] == "%" or " ".join(after[:2]) in lx.not_year_after) and not (
            w == "to" and _year_range(text, start, end, lx)
        ):
            return True
    elif text[end:end + 1] == "%":
        return True
    before = text[max(0, start - 25):start].lower().split()
    return bool(before) and (
        before[-1] in lx.not_year_before or " ".join(before[-2:]) in lx.not_year_before
    )


def _year_range(text: str, start: int, end: int, lx: Lexicon) -> bool:
    """True for "from 1991 to 1997", "in 1980 to more than 300,000": "to" after a year, not a count.

    "1500 to 2000 people" stays a count: the second number must be a later year that is not
    a count itself, or the first must follow "in" ("rose from 100,000 in 1980 to ...").
    """
    before = text[max(0, start - 12):start].lower().split()
    if before and before[-1] == "in":
        return True
    m = _NEXT_YEAR.match(text, end)
    if m is None or not int(text[start:end]) < int(m.group(1)) <= lx.conventions["year_max"]:
        return False
    return not _count_not_year(text, m.start(1), m.end(1), lx)


_NEXT_YEAR = re.compile(r"\s+to\s+(\d{4})\b(?![,.]\d)")

_GRAN_RANK = {"year": 1, "month": 2, "week": 3, "day": 3, "time": 4}


def _from_reference(ctx: Context, start: int, end: int, unit: str, step: int) -> Draft:
    """Resolve "a year earlier" / "the following day" against the narrative's reference time.

    The reference is the last date resolved before the mention, else the publication date:
    in "He was arrested in 2014. A year earlier, ..." the year is 2013. When the reference is
    coarser than the unit ("in 2014 ... two days later") the mention stays unresolved.
    """
    a = ctx.anchor
    # ``relative`` keeps its contract meaning (depends on the publication date): true only
    # when there was no earlier date in the text to count from.
    relative = ctx.ref is None
    if ctx.ref is not None and step < 0 and ctx.ref_ago == (unit, -step):
        # "from $4 a year ago ... compared with 40% a year earlier": the same comparison
        # period named twice, not a year before a year ago.
        return Draft(start, end, ctx.ref[0], ctx.ref[1], False, True, "reference")
    if ctx.ref is not None:
        value, gran = ctx.ref
        if _GRAN_RANK[gran] < _GRAN_RANK[unit]:
            return Draft(start, end, None, unit, False, False, "reference")
        y = int(value[:4])
        if gran == "week":
            base = dt.date.fromisocalendar(y, int(value[6:8]), 1)
        else:
            base = dt.date(y, int(value[5:7]) if len(value) >= 7 else 1, int(value[8:10]) if len(value) >= 10 else 1)
    elif a.knows({"year": NEED_YEAR, "month": NEED_MONTH}.get(unit, NEED_DAY)):
        assert a.date is not None
        base = a.date
    else:
        return _unresolved(start, end, unit, "reference")
    if unit == "day":
        return _day(start, end, base + dt.timedelta(days=step), relative, "reference")
    if unit == "week":
        return Draft(start, end, iso_week(base + dt.timedelta(weeks=step)), "week", relative, True, "reference")
    if unit == "month":
        y, mo = shift_month(base.year, base.month, step)
        return Draft(start, end, f"{y:04d}-{mo:02d}", "month", relative, True, "reference")
    return Draft(start, end, f"{base.year + step:04d}", "year", relative, True, "reference")


# "Christmas 2019", "Labor Day of 2014"; "last Thanksgiving", "next Christmas".
_HOLIDAY_YEAR = re.compile(r",?\s+(?:of\s+|in\s+)?((?:18|19|20)\d\d)\b(?![\d,.]\d)")
_HOLIDAY_SHIFT = re.compile(r"(?i)\b(last|next)\s+$")


def _unresolved(start: int, end: int, gran: str, rule: str) -> Draft:
    """A relative mention whose anchor is unknown: kept, marked, never guessed."""
    return Draft(start, end, None, gran, True, False, rule)


def _day(start: int, end: int, d: dt.date, relative: bool, rule: str) -> Draft:
    """A resolved day mention."""
    return Draft(start, end, d.isoformat(), "day", relative, True, rule, d)


def _month_num(name: str) -> int:
    """Month number of a written month name ("Sept." -> 9)."""
    return lexicon().months[name.rstrip(".").lower()]


def _quarter(m: re.Match[str], ctx: Context) -> Draft | None:
    """A financial quarter, ``YYYY-Qn``: lexicon ``[quarters]``.

    Named by number with a year ("the 1988 third quarter", "the third quarter of 1990") it is
    absolute; "the quarter", "the latest quarter" is the last one completed before publication;
    a number alone is this year's once that quarter has begun (or in the future tense), else
    last year's. The span starts at the number in "the third-quarter loss" (TimeML's span).
    """
    lx = lexicon()
    g = m.group
    text, a = ctx.text, ctx.anchor
    start, end = m.start(), m.end()
    if not g("q_ord") and not (g("q_rel") or g("q_ago") or g("q_shift") or g("q_year")):
        return None  # "quarter" needs a number or a determiner
    rel = " ".join((g("q_rel") or "").lower().split())
    if rel == "last" and g("q_ord"):
        rel = ""  # "the last third quarter" is not a form; keep the number
    if lx.sport_cues.search(text, max(0, start - 100), min(len(text), end + 100)):
        return None  # a game's quarter
    if g("q_ord") and g("q_hy") == "-" and g("q_the"):
        start = m.start("q_ord") if not (g("q_year") or g("q_ago") or g("q_shift") or g("q_rel")) else start
    year_s = g("q_year") or g("q_of_year")
    n = lx.quarter_ordinals[g("q_ord").lower()] if g("q_ord") else None
    if year_s and n is not None:
        return Draft(start, end, f"{int(year_s):04d}-Q{n}", "quarter", False, True, "quarter")
    if not a.knows(NEED_MONTH):
        return _unresolved(start, end, "quarter", "quarter")
    assert a.date is not None
    y, cur = a.date.year, (a.date.month - 1) // 3 + 1
    if n is None:  # "the quarter", "the latest quarter", "next quarter", "the year-ago quarter"
        k = y * 4 + cur - 1 + lx.quarter_relative.get(rel, -1)
        y, n = k // 4, k % 4 + 1
        if year_s:  # "the 1988 quarter": the same quarter of that year
            y = int(year_s)
    else:
        shift_word = (g("q_shift") or g("q_of_shift") or "").lower()
        if shift_word in ("this", "last", "next"):
            y += lx.shifts[shift_word]
        elif shift_word != "the" and n > cur and ctx.tense(start, end) <= 0:
            y -= 1  # "the fourth quarter's decline" in June: last year's
    if g("q_ago"):
        y -= 1
    return Draft(start, end, f"{y:04d}-Q{n}", "quarter", True, True, "quarter")


def resolve(m: re.Match[str], ctx: Context, numeric_order: str) -> Draft | None:
    """Turn one scanner match into a draft mention, or None when it is not a date after all."""
    lx = lexicon()
    g = m.group
    a = ctx.anchor
    text = ctx.text
    start, end = m.start(), m.end()
    kind = m.lastgroup

    # Most frequent first: bare years are a third of all mentions in news text.
    if kind == "yr":
        y = int(g("yr_year"))
        if not lx.conventions["year_min"] <= y <= lx.conventions["year_max"]:
            return None
        if not g("yr_mod") and _count_not_year(text, start, end, lx):
            return None
        return Draft(start, end, f"{y:04d}", "year", False, True, "year")

    if kind in ("md", "dm"):
        p = kind
        month = _month_num(g(p + "_mon"))
        day = int(g(p + "_day").rstrip("stndrh"))
        ystr = g(p + "_year")
        if ystr:
            try:
                return _day(start, end, dt.date(int(ystr), month, day), False, p + "_year")
            except ValueError:
                return None
        # A year-like number right after the month is a count, not a day ("May 2,000").
        if not a.knows(NEED_DAY if a.rank != 2 else NEED_MONTH):
            return _unresolved(start, end, "day", p)
        if a.rank == 2 and a.date:  # only the month known: same year unless the month is later
            y = a.date.year - (1 if month > a.date.month and ctx.tense(start, end) < 0 else 0)
            try:
                return _day(start, end, dt.date(y, month, day), True, p)
            except ValueError:
                return None
        assert a.date is not None
        d = yearless(month, day, a.date, _year_direction(ctx, text, start, end))
        return _day(start, end, d, True, p) if d else None

    if kind == "iso":
        s = g("iso")
        try:
            if len(s) > 10:
                t = dt.datetime.fromisoformat(s.replace(" ", "T"))
                return Draft(start, end, t.strftime("%Y-%m-%dT%H:%M"), "time", False, True, "iso")
            return _day(start, end, dt.date.fromisoformat(s), False, "iso")
        except ValueError:
            return None

    if kind == "num":
        s = g("num")
        a1, a2, ys = s.split("/")
        order = numeric_order
        if int(a1) > 12:
            order = "DMY"
        elif int(a2) > 12:
            order = "MDY"
        if len(ys) == 2:
            pivot = int(lx.conventions["two_digit_year_pivot"])
            ys = ("20" if int(ys) <= pivot else "19") + ys
        d = dateparser_numeric(f"{a1}/{a2}/{ys}", order, None)
        return _day(start, end, d, False, "numeric_" + order.lower()) if d else None

    if kind == "my":
        month = _month_num(g("my_mon"))
        return Draft(start, end, f"{int(g('my_year')):04d}-{month:02d}", "month", False, True, "month_year")

    if kind == "mu":
        month = _month_num(g("mu_mon"))
        if not a.knows(NEED_YEAR):
            return _unresolved(start, end, "month", "month_unit")
        assert a.date is not None
        if g("mu_shift").lower() == "that":  # "in March of that year": the reference's year
            if ctx.ref is None:
                return None
            return Draft(start, end, f"{ctx.ref[0][:4]}-{month:02d}", "month", False, True, "reference")
        y = a.date.year + lx.shifts[g("mu_shift").lower()]
        return Draft(start, end, f"{y:04d}-{month:02d}", "month", True, True, "month_unit")

    if kind == "wd":
        target = lx.weekdays[g("wd_day").lower()]
        shift_word = g("wd_shift")
        shift = lx.shifts[" ".join(shift_word.lower().split())] if shift_word else None
        if not a.knows(NEED_DAY):
            return _unresolved(start, end, "day", "weekday")
        assert a.date is not None
        # Tense cannot move a weekday that is the publication's own weekday.
        future = False
        if shift in (None, 0) and target != a.date.weekday():
            tense = ctx.tense(start, end)
            future = tense > 0 or (tense == 0 and _deadline(text, start)) or _forward(text, start, lx)
        if shift == 0:  # "this Friday": tense decides
            shift = None
        d = weekday_date(target, a.date, shift, future)
        return _day(start, end, d, True, "weekday" if shift is None else "weekday_shift")

    if kind in ("us", "rd") and _title_case_name(text, start, end):
        return None  # "This is VOA Today.", "This Week with David Brinkley"

    if kind == "rd":
        if _generic_now(text, start, end, lx):
            return None
        off = 0 if g("rd_part") else lx.relative_days[" ".join(g("rd_word").lower().split())]
        if not a.knows(NEED_DAY):
            return _unresolved(start, end, "day", "relative_day")
        assert a.date is not None
        return _day(start, end, a.date + dt.timedelta(days=off), True, "relative_day")

    if kind == "us":
        # "the last week" is a duration, not a calendar unit; "the past year" is read as last
        # year (TimeML's convention): lexicon ``[durations].dates_after_the``.
        if text[max(0, start - 4):start].lower().rstrip() in ("the", " the") and not g("us_mod"):
            return None
        if g("us_the") and text.startswith(" and a half", end):
            return None  # "the past year and a half": a duration
        unit = g("us_unit").lower()
        shift = lx.shifts[" ".join(g("us_shift").lower().split())]
        need = {"week": NEED_DAY, "month": NEED_MONTH, "year": NEED_YEAR}[unit]
        if not a.knows(need):
            return _unresolved(start, end, unit, "unit_shift")
        assert a.date is not None
        if unit == "week":
            value = iso_week(a.date + dt.timedelta(weeks=shift))
        elif unit == "month":
            y, mo = shift_month(a.date.year, a.date.month, shift)
            value = f"{y:04d}-{mo:02d}"
        else:
            value = f"{a.date.year + shift:04d}"
        return Draft(start, end, value, unit, True, True, "unit_shift")

    if kind == "ago":
        n_s = g("ago_n").lower()
        n = int(n_s) if n_s.isdigit() else lx.numbers[n_s]
        unit = lx.units[g("ago_unit").lower()]
        need = {"day": NEED_DAY, "week": NEED_DAY, "month": NEED_MONTH, "year": NEED_YEAR}[unit]
        if not a.knows(need):
            return _unresolved(start, end, unit, "ago")
        assert a.date is not None
        if unit == "day":
            ago_day = _day(start, end, a.date - dt.timedelta(days=n), True, "ago")
            ago_day.ago = (unit, n)
            return ago_day
        if unit == "week":
            value = iso_week(a.date - dt.timedelta(weeks=n))
        elif unit == "month":
            y, mo = shift_month(a.date.year, a.date.month, -n)
            value = f"{y:04d}-{mo:02d}"
        else:
            value = f"{a.date.year - n:04d}"
        return Draft(start, end, value, unit, True, True, "ago", None, (unit, n))

    if kind == "ue":
        unit = (g("ue_unit") or "year").lower()
        need = {"week": NEED_DAY, "month": NEED_MONTH, "year": NEED_YEAR}[unit]
        if not a.knows(need):
            return _unresolved(start, end, unit, "unit_part")
        assert a.date is not None
        values = {"week": iso_week(a.date), "month": a.date.strftime("%Y-%m"), "year": f"{a.date.year:04d}"}
        return Draft(start, end, values[unit], unit, True, True, "unit_part")

    if kind == "hol":
        rule_s = lx.holidays[g("hol_name").replace("’", "'")]
        my = _HOLIDAY_YEAR.match(text, end)
        if my is not None:  # "Christmas 2019", "Labor Day of 2014" (the year stays its own mention)
            d = holiday_in(rule_s, int(my.group(1)))
            return _day(start, end, d, False, "holiday_year") if d else None
        if not a.knows(NEED_DAY):
            return _unresolved(start, end, "day", "holiday")
        assert a.date is not None
        hs = _HOLIDAY_SHIFT.search(text, max(0, start - 6), start)
        if hs is not None:  # "last Labor Day": the one before publication; "next": after
            d = holiday_step(rule_s, a.date, -1 if hs.group(1).lower() == "last" else 1)
            return _day(hs.start(1), end, d, True, "holiday_shift") if d else None
        d = holiday_date(rule_s, a.date, _year_direction(ctx, text, start, end))
        return _day(start, end, d, True, "holiday") if d else None

    if kind in ("rel", "rel2"):
        p = kind
        if p == "rel":
            n_s = g("rel_n").lower()
            n = int(n_s) if n_s.isdigit() else lx.numbers[n_s]
            unit = lx.units[g("rel_unit").lower()]
        else:
            n, unit = 1, g("rel2_unit").lower()
        step = n * lx.ref_shifts[g(p + "_dir").lower()]
        return _from_reference(ctx, start, end, unit, step)

    if kind == "that":
        # "that day" points at the narrative's last date; with none, or one too coarse ("in
        # 2014 ... that day"), it is an anaphor we cannot ground and is not reported.
        if ctx.ref is None:
            return None
        that = _from_reference(ctx, start, end, g("that_unit").lower(), 0)
        return that if that.resolved else None

    if kind == "q":
        return _quarter(m, ctx)

    if kind == "ye":
        unit = g("ye_unit").lower()
        if unit == "quarter":
            return None  # "the year-ago quarter" is fine; "quarter-earlier" has no day/month value
        # "year-earlier" and "year-ago" both qualify a results period ("the year-earlier
        # quarter"): counted from publication, like "a year ago".
        if not a.knows({"year": NEED_YEAR, "month": NEED_MONTH}.get(unit, NEED_DAY)):
            return _unresolved(start, end, unit, "ago")
        assert a.date is not None
        if unit == "year":
            return Draft(start, end, f"{a.date.year - 1:04d}", "year", True, True, "ago", None, ("year", 1))
        if unit == "month":
            y, mo = shift_month(a.date.year, a.date.month, -1)
            return Draft(start, end, f"{y:04d}-{mo:02d}", "month", True, True, "ago", None, ("month", 1))
        return Draft(start, end, iso_week(a.date - dt.timedelta(weeks=1)), "week", True, True, "ago", None, ("week", 1))

    if kind == "ty":
        if not lx.the_year_before.search(text, max(0, start - 24), start):
            return None  # "the year before", "Person of the Year", "the year's best"
        if not a.knows(NEED_YEAR):
            return _unresolved(start, end, "year", "the_year")
        assert a.date is not None
        return Draft(start, end, f"{a.date.year:04d}", "year", True, True, "the_year")

    if kind == "sy":
        words = g("sy_words").lower().replace("-", " ").split()
        if words[0] == "two":  # "two thousand (and one)": a year only after "the year" or a month
            if not (g("sy_the") or g("sy_mon")):
                return None
            y = 2000 + (lx.spoken[words[-1]] if len(words) > 2 else 0)
        else:
            y = lx.spoken[words[0]] * 100 + sum(lx.spoken[w] for w in words[1:])
        if g("sy_mon"):
            return Draft(start, end, f"{y:04d}-{_month_num(g('sy_mon')):02d}", "month", False, True, "spoken_year")
        return Draft(start, end, f"{y:04d}", "year", False, True, "spoken_year")

    if kind == "mo":
        name = g("mo_mon")
        month = _month_num(name)
        shift_word = (g("mo_shift") or "").lower()
        # "May" and "March" are words too: require "in May", "since March", ...
        if (
            name.lower() in lx.ambiguous_months
            and not shift_word
            and not g("mo_mod")
            and not lx.lead_before.search(text, max(0, start - 20), start)
        ):
            return None
        if not a.knows(NEED_MONTH):
            return _unresolved(start, end, "month", "month")
        assert a.date is not None
        if shift_word == "last":
            # "last May" in October is this year's May; "last February" in March is a year
            # back (the month just gone would be "last month"), as TimeML annotators read it.
            y = a.date.year - (1 if month >= a.date.month - 1 else 0)
        elif shift_word == "next":
            y = a.date.year + (1 if month <= a.date.month else 0)
        elif shift_word == "this":
            y = a.date.year
        else:
            d = yearless(month, None, a.date, _year_direction(ctx, text, start, end))
            if d is None:
                return None
            y = d.year
        return Draft(start, end, f"{y:04d}-{month:02d}", "month", True, True, "month")

    return None  # pragma: no cover - every branch is named above


# "Gaza City, October 31 (RHC)--", "JERUSALEM, Oct. 7 (Reuters) -": a place (a few capitalised
# words, commas allowed), the date, an optional agency in brackets, then a dash.
DATELINE_BEFORE = re.compile(r"^[\s*_>#]*[A-Z][\w.'’\- ]{0,40}(?:,\s*[A-Z][\w.'’\- ]{0,40}){0,2},\s*$")
DATELINE_NEXT = frozenset("(-—–:")
DATELINE_AFTER = re.compile(r"\s*(?:\([^()\n]{1,30}\)\s*)?(?:-{1,2}|—|–|:)")


__all__ = ["DATELINE_AFTER", "DATELINE_NEXT", "Context", "Draft", "is_dateline", "resolve"]
