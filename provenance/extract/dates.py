"""Date mentions resolved against the publication date.

How it works, and why:

1. **Scan.** One regular expression, built from the vocabulary in ``lexicon/dates.toml``,
   has a named branch per form: month-name dates ("Oct. 7", "7 October 2023", "October
   2023"), numeric dates ("10/07/2023"), weekdays ("Monday", "last Tuesday"), relative days
   ("yesterday"), calendar units ("last week", "earlier this month"), "two days ago",
   holidays, bare years ("2014"). Month and weekday names match only capitalised, so the verb
   "may" is never May; numbers need word edges and a year range, so "538400" or "10,00 2"
   are never dates; a duration ("50 days") is not a date. Running that expression at every
   character costs milliseconds per article, so a cheap trigger pass (names, years and
   calendar words) picks the few positions where it is tried: ``_candidates``.
2. **Resolve.** The common forms are resolved here, with ``datetime`` arithmetic, against the
   publication date: a weekday is the most recent such day on or before it (the day itself
   included) unless the sentence's tense or "next" points forward; a date without a year
   takes the year that puts it nearest before publication, unless it is in the future tense
   or its next occurrence is close ahead (the forward horizon in the lexicon, measured on
   TBAQ). Numeric dates go to ``dateparser`` as a short candidate string with
   ``RELATIVE_BASE`` and ``DATE_ORDER`` set, behind an ``lru_cache``.
3. **Never today.** When the publication date is unknown, or not known precisely enough for
   a mention (a weekday needs the day, "last month" the month), the mention is kept with
   ``value=None`` and ``resolved=False``. Nothing is ever resolved against the clock.

Conventions (see ``docs/dates.md``): ISO values at the mention's granularity (``2023-10-30``,
``2023-10``, ``2023``, ``2023-W44``, ``2023-10-30T14:00``); slash dates are month/day/year
unless a part over 12 forces day/month or ``numeric_order="DMY"`` is passed; "since"/"until"
are not part of the span (TimeML keeps them as signals) but set ``kind``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from provenance.models import DateMention, Sentence

VERSION = "2"

_PRECISION_RANK = {"unknown": 0, "year": 1, "month": 2, "day": 3, "time": 4}
_NEED_DAY, _NEED_MONTH, _NEED_YEAR = 3, 2, 1


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class _Lexicon:
    """The compiled vocabulary and patterns (built once per process)."""

    conventions: dict[str, Any]
    months: dict[str, int]
    ambiguous_months: frozenset[str]
    weekdays: dict[str, int]
    relative_days: dict[str, int]
    units: dict[str, str]
    numbers: dict[str, int]
    shifts: dict[str, int]
    holidays: dict[str, str]
    ref_shifts: dict[str, int]
    scanner: re.Pattern[str]
    name_trigger: re.Pattern[str]
    digit_scanner: re.Pattern[str]
    name_scanner: re.Pattern[str]
    word_triggers: tuple[str, ...]
    prefix_words: frozenset[str]
    time_after: re.Pattern[str]
    time_before: re.Pattern[str]
    since_before: re.Pattern[str]
    until_before: re.Pattern[str]
    lead_before: re.Pattern[str]
    published_before: re.Pattern[str]
    tense_future: frozenset[str]
    tense_past: frozenset[str]
    tense_heads: frozenset[str]
    tense_suffixes: tuple[str, ...]
    past_ed_min: int
    not_year_after: frozenset[str]
    not_year_before: frozenset[str]


def _alt(words: Sequence[str], *, escape: bool = True) -> str:
    """A regex alternation, longest first so that "Sept" wins over "Sep"."""
    items = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w) if escape else w for w in items)


def _cased(words: Sequence[str]) -> list[str]:
    """Title-case and upper-case spellings of capitalised names ("May", "MAY")."""
    out: list[str] = []
    for w in words:
        out += [w, w.upper()]
    return out


def _words_before(words: Sequence[str]) -> re.Pattern[str]:
    """Pattern matching one of ``words`` right before the end of a string."""
    return re.compile(r"(?i)(?:^|[^\w$€£#])(?:" + _alt(words) + r")\s*$")


# Calendar words at the start of a sentence, found with the names.
_CAPITALISED_WORDS = frozenset(
    {"Today", "Tonight", "Tomorrow", "Yesterday", "This morning", "This afternoon", "This evening"}
)


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """Load ``lexicon/dates.toml`` and compile the scanner."""
    raw = resources.files("provenance.extract.lexicon").joinpath("dates.toml").read_text("utf-8")
    lx = tomllib.loads(raw)
    months: dict[str, int] = dict(lx["months"])
    weekdays: dict[str, int] = dict(lx["weekdays"])
    wd_abbr = set(lx["weekdays_abbreviated"]["names"])
    full_months = [m for m in months if len(m) > 4 or m in ("May", "June", "July")]
    abbr_months = [m for m in months if m not in full_months]
    full_wd = [w for w in weekdays if w not in wd_abbr]

    mon = rf"(?:(?:{_alt(_cased(full_months))})\b|(?:{_alt(_cased(abbr_months))})(?:\.|\b))"
    mon_full = rf"(?:{_alt(_cased(full_months))})\b"
    wd_any = rf"(?:(?:{_alt(_cased(full_wd))})\b|(?:{_alt(_cased(sorted(wd_abbr)))})\.)"
    wd_full = rf"(?:{_alt(_cased(full_wd))})\b"
    # A day of the month must not run into a longer number ("10,00", "538400").
    day = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d,.]\d|\d)"
    # A year must not be part of a longer number ("1,995,000", "2023.5") but may end a clause.
    year = r"(?<![\d,.])\d{4}(?!\d|,\d|\.\d)"
    parts = _alt(lx["parts_of_day"]["words"])
    shifts = _alt(list(lx["shifts"]))
    mods = r"(?:(?i:early|earlier|late|later|mid-?|the\s+(?:end|beginning|start|middle)\s+of|fiscal)\b-?)"
    units = _alt(list(lx["units"]))
    numbers = _alt(list(lx["number_words"]))
    reldays = _alt(list(lx["relative_days"]))
    approx = _alt(lx["approximators"]["words"])
    ref_after = _alt(list(lx["reference_shifts"]["after_count"]))
    ref_the = _alt(list(lx["reference_shifts"]["after_the"]))
    holidays = _alt(list(lx["holidays"]))

    branches = [
        # "Tuesday, Oct. 7, 2023", "Oct. 7", "October 7th 2023"
        (
            rf"(?P<md>(?:(?P<md_wd>{wd_any}),?\s+)?(?P<md_mon>{mon})\s*(?P<md_day>{day})"
            rf"(?:(?:,\s*|\s+)(?P<md_year>{year}))?)"
        ),
        # "7 October 2023", "the 7th of October", "Saturday 7 October"
        (
            rf"(?P<dm>(?:(?P<dm_wd>{wd_any}),?\s+)?(?:the\s+)?(?<![\d,.])(?P<dm_day>{day})(?:\s+of)?\s+"
            rf"(?P<dm_mon>{mon})(?:,?\s+(?P<dm_year>{year}))?)"
        ),
        # ISO "2023-10-07" and "2023-10-07T14:30"
        r"(?P<iso>(?<![\w\-/.])\d{4}-[01]\d-[0-3]\d(?:[T ][0-2]\d:[0-5]\d)?(?![\w\-/]))",
        # "10/07/2023", "10/7/23": the day/month order is a convention (see the module doc)
        r"(?P<num>(?<![\w/.,\-])\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})(?![\w/]|[.,]\d))",
        # "October 2023", "mid-October 2023"
        rf"(?P<my>(?:(?P<my_mod>{mods})\s*)?(?P<my_mon>{mon}),?\s+(?P<my_year>{year}))",
        # "January this year", "June last year", "March of next year"
        (
            rf"(?P<mu>(?:(?P<mu_mod>{mods})\s*)?(?P<mu_mon>{mon}),?\s+(?:of\s+)?"
            rf"(?P<mu_shift>(?i:this|last|next))\s+(?i:year)\b)"
        ),
        # "Monday", "last Tuesday", "next Friday night", "early Monday"
        (
            rf"(?P<wd>(?:(?P<wd_shift>(?i:{shifts}))\s+|(?P<wd_mod>(?i:early|late))\s+)?"
            rf"(?P<wd_day>{wd_full})(?:\s+(?P<wd_part>(?i:{parts}))\b)?)"
        ),
        # "yesterday", "late yesterday", "tomorrow morning", "this morning"
        (
            rf"(?P<rd>(?i:(?:(?:early|late)\s+)?\b(?P<rd_word>{reldays})\b(?:\s+(?:{parts})\b)?"
            rf"|\bthis\s+(?P<rd_part>morning|afternoon|evening)\b))"
        ),
        # "last week", "earlier this month", "next year"
        (
            rf"(?P<us>(?i:\b(?:(?P<us_mod>earlier|later|early|late)\s+)?(?P<us_shift>{shifts})\s+"
            rf"(?:fiscal\s+)?(?P<us_unit>week|month|year)\b))"
        ),
        # "two days ago", "a year ago", "10 weeks ago"
        rf"(?P<ago>(?i:\b(?:(?:{approx})\s+)?(?P<ago_n>\d{{1,3}}|{numbers})\s+(?P<ago_unit>{units})\s+ago\b))",
        # "a year earlier", "two days later": from the reference time, not from publication
        (
            rf"(?P<rel>(?i:\b(?:(?:{approx})\s+)?(?P<rel_n>\d{{1,3}}|{numbers})\s+(?P<rel_unit>{units})\s+"
            rf"(?P<rel_dir>{ref_after})\b))"
        ),
        # "the following year", "the previous day"
        rf"(?P<rel2>(?i:\bthe\s+(?P<rel2_dir>{ref_the})\s+(?P<rel2_unit>day|week|month|year)\b))",
        # "the end of the year", "year-end", "by year's end", "earlier in the month"
        (
            r"(?P<ue>(?i:\b(?:(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+the\s+|(?:earlier|later)\s+in\s+the\s+)"
            r"(?P<ue_unit>year|month|week)\b|\byear(?:[- ]end\b|['’]s\s+end\b)))"
        ),
        # "Thanksgiving Day", "Christmas Eve"
        rf"(?P<hol>(?P<hol_name>{holidays})\b)",
        # "October", "early May", "last March" (ambiguous names are checked in code)
        rf"(?P<mo>(?:(?P<mo_shift>(?i:last|next|this))\s+|(?P<mo_mod>{mods})\s*)?(?P<mo_mon>{mon_full}))",
        # "2014", "mid-2023", "fiscal 1990", "the end of 2022"
        rf"(?P<yr>(?:(?P<yr_mod>{mods})\s*)?(?P<yr_year>{year})(?!s\b|'s\b|-\d|/))",
    ]
    scanner = re.compile(r"(?<![\w])(?:" + "|".join(branches) + ")")
    # Smaller scanners for a trigger with no prefix words: the branches that can begin with a
    # digit, or with a name. Same branches, same order, so the same matches, tried faster.
    named = {re.search(r"\(\?P<(\w+)>", b).group(1): b for b in branches}  # type: ignore[union-attr]

    def sub(names: Sequence[str]) -> re.Pattern[str]:
        return re.compile(r"(?<![\w])(?:" + "|".join(named[n] for n in named if n in names) + ")")

    digit_scanner = sub(["dm", "iso", "num", "ago", "rel", "yr"])
    name_scanner = sub(["md", "dm", "my", "mu", "wd", "hol", "mo"])

    # Triggers: the one word (or digit run) every date expression contains. A literal-only
    # alternation of capitalised names is fast in ``re`` (about 10 ns a character); lower-case
    # words and years are found with ``str.find``, faster still. The scanner then runs only
    # where a trigger, or the prefix words before it, begin (see ``_candidates``).
    # "New Year's Day" is found as "New Year" (a "New" trigger would fire on every "New York").
    holiday_heads = {h.split()[0].split("'")[0].split("’")[0] for h in lx["holidays"]} - {"New"}
    names = list(months) + [w for w in weekdays if w not in wd_abbr] + sorted(holiday_heads)
    name_trigger = re.compile(_alt(_cased(names) + ["New Year"] + sorted(_CAPITALISED_WORDS)))
    # Each word costs one str.find pass over the text.
    word_triggers = ("today", "tonight", "tomorrow", "yesterday", "ago", "week", "month", "year",
                     "this morning", "this afternoon", "this evening", "earlier", "later")
    prefix_words = {"the", "of", "in", "end", "beginning", "start", "middle", "new", "mid", "mid-"}
    for group in (lx["shifts"], lx["number_words"], lx["units"], weekdays, lx["relative_days"]):
        for k in group:
            prefix_words.update(k.lower().split())
    prefix_words.update(lx["reference_shifts"]["after_the"])
    for w in lx["modifiers"]["words"] + lx["approximators"]["words"]:
        prefix_words.update(w.lower().split())

    time = (
        r"(?:(?:[01]?\d|2[0-3]):[0-5]\d(?:\s*(?P<ap1>[ap]\.?m\.?|[AP]\.?M\.?)(?!\w))?"
        r"|(?:1[0-2]|0?[1-9])\s*(?P<ap2>[ap]\.m\.|[ap]m\b|[AP]\.M\.|[AP]M\b)|(?P<noon>noon|midnight))"
    )
    tz = r"(?:\s+(?:[A-Z]{2,4}T|GMT|UTC|local\s+time)\b)?"
    time_after = re.compile(r"(?:,?\s+(?:at\s+)?|\s*,\s*)(?P<time>" + time + r")" + tz)
    time_before = re.compile(r"(?P<time>" + time + r")" + tz + r"\s*,?\s*(?:on\s+)?$")

    cues = lx["cues"]
    return _Lexicon(
        conventions=dict(lx["conventions"]),
        months={k.lower(): v for k, v in months.items()},
        ambiguous_months=frozenset(m.lower() for m in lx["months_ambiguous"]["names"]),
        weekdays={k.lower(): v for k, v in weekdays.items()},
        relative_days={" ".join(k.split()): v for k, v in lx["relative_days"].items()},
        units=dict(lx["units"]),
        numbers=dict(lx["number_words"]),
        shifts={" ".join(k.split()): v for k, v in lx["shifts"].items()},
        holidays={k.replace("’", "'"): v for k, v in lx["holidays"].items()},
        ref_shifts={**lx["reference_shifts"]["after_count"], **lx["reference_shifts"]["after_the"]},
        scanner=scanner,
        digit_scanner=digit_scanner,
        name_scanner=name_scanner,
        name_trigger=name_trigger,
        word_triggers=word_triggers,
        prefix_words=frozenset(prefix_words),
        time_after=time_after,
        time_before=time_before,
        since_before=_words_before(cues["since"]),
        until_before=_words_before(cues["until"]),
        lead_before=_words_before(cues["month_lead"]),
        published_before=re.compile(
            r"(?i)(?:" + _alt(cues["published"]) + r")\s*(?:on|at)?\s*[:\-–—]?\s*$"
        ),
        tense_future=frozenset(" ".join(w.lower().split()) for w in lx["tense"]["future"]),
        tense_past=frozenset(w.lower() for w in lx["tense"]["past"]),
        tense_heads=frozenset(w.lower().split()[0] for w in lx["tense"]["future"] if " " in w),
        tense_suffixes=tuple(lx["tense"]["future_suffixes"]),
        past_ed_min=int(lx["tense"]["past_ed_min_length"]),
        not_year_after=frozenset(lx["not_year_after"]["words"]),
        not_year_before=frozenset(lx["not_year_before"]["words"]),
    )


# --------------------------------------------------------------------------- anchor


@dataclass(frozen=True)
class _Anchor:
    """The publication date and how much of it is known."""

    date: dt.date | None
    rank: int  # 0 unknown, 1 year, 2 month, 3 day, 4 time

    def knows(self, need: int) -> bool:
        """True when the anchor is known at least to ``need`` (a _NEED_* rank)."""
        return self.date is not None and self.rank >= need


@lru_cache(maxsize=4096)
def _anchor(published: str | None, precision: str) -> _Anchor:
    """Parse the publication date; its precision is the lower of the string's and ``precision``."""
    if not published:
        return _Anchor(None, 0)
    s = published.strip()
    m = re.match(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2}):(\d{2}))?)?)?", s)
    if not m:
        return _Anchor(None, 0)
    y, mo, d, hh = m.group(1), m.group(2), m.group(3), m.group(4)
    given = 4 if hh else 3 if d else 2 if mo else 1
    rank = min(given, _PRECISION_RANK.get(precision, 3))
    if not 1000 <= int(y) <= 9000:  # keeps "999 years ago" and "next year" inside datetime's range
        return _Anchor(None, 0)
    try:
        date = dt.date(int(y), int(mo or 1), int(d or 1))
    except ValueError:
        return _Anchor(None, 0)
    return _Anchor(date, rank)


# --------------------------------------------------------------------------- resolution helpers


def _iso_week(d: dt.date) -> str:
    """ISO week value ``YYYY-Www``."""
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _shift_month(y: int, m: int, n: int) -> tuple[int, int]:
    """Month arithmetic: (y, m) moved by ``n`` months."""
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def _yearless(month: int, day: int | None, anchor: dt.date, direction: int) -> dt.date | None:
    """The year for a month (and day) written without one.

    ``direction`` -1: the nearest on or before the anchor (publication). +1 (future tense):
    the nearest on or after. 0 (no future cue): the nearest before, unless the next
    occurrence is within the forward horizon of ``lexicon/dates.toml`` (75 days for a day,
    3 months for a month) and nearer: "Dec. 15" in a 2 November article is the coming one.
    A month contains the anchor when they share a month ("October" in an October article).
    """
    conv = _lexicon().conventions
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
    if direction > 0:
        return ahead[1] if ahead else (back[1] if back and back[0] == 0 else None)
    horizon = conv["forward_horizon_months"] if day is None else conv["forward_horizon_days"]
    if ahead and ahead[0] <= horizon and (back is None or ahead[0] < back[0]):
        return ahead[1]
    return back[1] if back else None


def _holiday(rule: str, anchor: dt.date, direction: int) -> dt.date | None:
    """Resolve a holiday rule ("12-25", or "11-Thursday-4") to the occurrence nearest the anchor."""
    parts = rule.split("-")
    month = int(parts[0])
    if len(parts) == 2:
        return _yearless(month, int(parts[1]), anchor, direction)
    weekday, nth = _lexicon().weekdays[parts[1].lower()], int(parts[2])

    def nth_weekday(year: int) -> int:
        first = dt.date(year, month, 1)
        return 1 + (weekday - first.weekday()) % 7 + 7 * (nth - 1)

    # The day of the month moves with the year, so pick the year first, then the day.
    by_year = _yearless(month, None, anchor, direction)
    if by_year is None:
        return None
    cand = dt.date(by_year.year, month, nth_weekday(by_year.year))
    if direction <= 0 and cand > anchor and cand.year == anchor.year and not (
        (cand - anchor).days <= _lexicon().conventions["forward_horizon_days"]
    ):
        cand = dt.date(anchor.year - 1, month, nth_weekday(anchor.year - 1))
    return cand


def _weekday(target: int, anchor: dt.date, shift: int | None, future: bool) -> dt.date:
    """Resolve a weekday: on or before the anchor, after it for "next" or future tense."""
    delta = (anchor.weekday() - target) % 7
    if shift == -1:  # "last Tuesday": strictly before
        return anchor - dt.timedelta(days=delta or 7)
    if shift == 1:  # "next Tuesday": the first one strictly after
        return anchor + dt.timedelta(days=(target - anchor.weekday()) % 7 or 7)
    if future:
        return anchor + dt.timedelta(days=(target - anchor.weekday()) % 7)
    return anchor - dt.timedelta(days=delta)


def _parse_time(m: re.Match[str]) -> str | None:
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
def _dateparser_numeric(candidate: str, order: str, anchor: dt.date | None) -> dt.date | None:
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


_WORD = re.compile(r"[a-z][a-z'’]*")


def _cue_at(words: list[str], i: int, lx: _Lexicon) -> int:
    """+1 / -1 when a future / past cue starts at ``words[i]``, else 0."""
    w = words[i]
    if w in lx.tense_heads:  # a multi-word cue may start here: "expected to", "is to"
        for n in (3, 2):
            if " ".join(words[i:i + n]) in lx.tense_future:
                return 1
    if w in lx.tense_future:
        return 1
    if w in lx.tense_past:
        return -1
    if w.endswith(lx.tense_suffixes):
        return 1
    if len(w) >= lx.past_ed_min and w.endswith("ed"):
        return -1
    return 0


def _tense(text: str, start: int, end: int, lo: int, hi: int) -> int:
    """Tense around a mention: +1 future, -1 past, 0 no cue in the sentence.

    A cue before the mention (in the same sentence) wins over one after it: in "talks will
    resume Friday, he said" the verb governing the date comes first; in "Bush on Tuesday
    said" nothing comes before, so "said" decides. The words are split with one small
    regular expression and looked up in sets: four times cheaper than one pattern of all cues.
    """
    lx = _lexicon()
    words = _WORD.findall(text[lo:start].lower())
    for i in range(len(words) - 1, -1, -1):
        c = _cue_at(words, i, lx)
        if c:
            return c
    words = _WORD.findall(text[end:hi].lower())
    for i in range(len(words)):
        c = _cue_at(words, i, lx)
        if c:
            return c
    return 0


# --------------------------------------------------------------------------- extraction


@dataclass(slots=True)
class _Draft:
    """A mention before its context checks (since/until, role, time of day)."""

    start: int
    end: int
    value: str | None
    granularity: str
    relative: bool
    resolved: bool
    rule: str
    day: dt.date | None = None  # the resolved day, when granularity is day


class _Context:
    """Per-call state: the text, its anchor and sentence bounds (computed lazily)."""

    def __init__(self, text: str, anchor: _Anchor, sentences: Sequence[Sentence] | None) -> None:
        self.text = text
        self.anchor = anchor
        self._starts = [s.start for s in sentences] if sentences else None
        self._sentences = sentences
        # The narrative's reference time: the last resolved date so far, as (value, granularity).
        self.ref: tuple[str, str] | None = None

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """Bounds of the sentence containing ``start`` (a cheap fallback without sentences)."""
        if self._starts is not None and self._sentences:
            i = max(0, bisect.bisect_right(self._starts, start) - 1)
            s = self._sentences[i]
            return s.start, max(s.end, end)
        # Only the 100 characters either side are ever read (see ``tense``): search no further.
        text = self.text
        a, b = max(0, start - 100), end + 100
        lo = max(text.rfind(". ", a, start), text.rfind("\n", a, start), a - 1) + 1
        hi = min(p for p in (text.find(". ", end, b), text.find("\n", end, b), min(b, len(text))) if p != -1)
        return lo, hi

    def tense(self, start: int, end: int) -> int:
        """Tense of the sentence around a mention: +1 future, -1 past, 0 unknown.

        Only the 100 characters either side count: the verb that governs a date is near it,
        and a long sentence's far clauses have their own tense.
        """
        lo, hi = self.sentence(start, end)
        return _tense(self.text, start, end, max(lo, start - 100), min(hi, end + 100))


def _title_case_name(text: str, start: int, end: int) -> bool:
    """True for a capitalised phrase inside a sentence: a programme name ("This Week", "VOA Today")."""
    words = text[start:end].split()
    if not all(w[:1].isupper() for w in words):
        return False
    prev = text[max(0, start - 12):start].rstrip(" \t\"'“‘`")
    return bool(prev) and (prev[-1].isalnum() or prev[-1] in ",;")


def _year_direction(ctx: _Context, text: str, start: int, end: int) -> int:
    """Which way a date without a year may lie from publication: -1 back, +1 forward, 0 nearest.

    "since October 7" and a dateline can only lie back. Future tense points forward. A past
    tense cue does not force the past: measured on TBAQ dev, reading yearless dates as the
    nearest either way beats "nearest before" (value F1 0.885 vs 0.859), because news names
    coming dates ("the dividend is payable Dec. 15") in sentences full of past-tense verbs.
    """
    head = text[max(0, start - 16):start]
    if ("since" in head.lower() and _lexicon().since_before.search(head)) or (
        _DATELINE_AFTER.match(text, end) and _is_dateline(text, start, end)
    ):
        return -1
    return 1 if ctx.tense(start, end) > 0 else 0


def _is_dateline(text: str, start: int, end: int) -> bool:
    """True when the mention sits in a dateline: "GAZA CITY, October 31 (RHC)--"."""
    if start >= 2000:
        return False
    line_start = text.rfind("\n", 0, start) + 1
    return bool(_DATELINE_BEFORE.match(text[line_start:start]) and _DATELINE_AFTER.match(text, end))


def _count_not_year(text: str, start: int, end: int, lx: _Lexicon) -> bool:
    """True when a four-digit number is a count ("2000 people", "about 2000"), not a year."""
    if start and text[start - 1] in "$€£#":
        return True
    after = text[end:end + 24].lower().split(None, 2)
    if after and text[end:end + 1].isspace():
        w = after[0].rstrip(".,;:")
        if w in lx.not_year_after or w[:1] == "%" or " ".join(after[:2]) in lx.not_year_after:
            return True
    elif text[end:end + 1] == "%":
        return True
    before = text[max(0, start - 25):start].lower().split()
    return bool(before) and (
        before[-1] in lx.not_year_before or " ".join(before[-2:]) in lx.not_year_before
    )


_GRAN_RANK = {"year": 1, "month": 2, "week": 3, "day": 3, "time": 4}


def _from_reference(ctx: _Context, start: int, end: int, unit: str, step: int) -> _Draft:
    """Resolve "a year earlier" / "the following day" against the narrative's reference time.

    The reference is the last date resolved before the mention, else the publication date:
    in "He was arrested in 2014. A year earlier, ..." the year is 2013. When the reference is
    coarser than the unit ("in 2014 ... two days later") the mention stays unresolved.
    """
    a = ctx.anchor
    # ``relative`` keeps its contract meaning (depends on the publication date): true only
    # when there was no earlier date in the text to count from.
    relative = ctx.ref is None
    if ctx.ref is not None:
        value, gran = ctx.ref
        if _GRAN_RANK[gran] < _GRAN_RANK[unit]:
            return _Draft(start, end, None, unit, False, False, "reference")
        y = int(value[:4])
        if gran == "week":
            base = dt.date.fromisocalendar(y, int(value[6:8]), 1)
        else:
            base = dt.date(y, int(value[5:7]) if len(value) >= 7 else 1, int(value[8:10]) if len(value) >= 10 else 1)
    elif a.knows({"year": _NEED_YEAR, "month": _NEED_MONTH}.get(unit, _NEED_DAY)):
        assert a.date is not None
        base = a.date
    else:
        return _unresolved(start, end, unit, "reference")
    if unit == "day":
        return _day(start, end, base + dt.timedelta(days=step), relative, "reference")
    if unit == "week":
        return _Draft(start, end, _iso_week(base + dt.timedelta(weeks=step)), "week", relative, True, "reference")
    if unit == "month":
        y, mo = _shift_month(base.year, base.month, step)
        return _Draft(start, end, f"{y:04d}-{mo:02d}", "month", relative, True, "reference")
    return _Draft(start, end, f"{base.year + step:04d}", "year", relative, True, "reference")


def _unresolved(start: int, end: int, gran: str, rule: str) -> _Draft:
    """A relative mention whose anchor is unknown: kept, marked, never guessed."""
    return _Draft(start, end, None, gran, True, False, rule)


def _day(start: int, end: int, d: dt.date, relative: bool, rule: str) -> _Draft:
    """A resolved day mention."""
    return _Draft(start, end, d.isoformat(), "day", relative, True, rule, d)


def _month_num(name: str) -> int:
    """Month number of a written month name ("Sept." -> 9)."""
    return _lexicon().months[name.rstrip(".").lower()]


def _resolve(m: re.Match[str], ctx: _Context, numeric_order: str) -> _Draft | None:
    """Turn one scanner match into a draft mention, or None when it is not a date after all."""
    lx = _lexicon()
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
        return _Draft(start, end, f"{y:04d}", "year", False, True, "year")

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
        if not a.knows(_NEED_DAY if a.rank != 2 else _NEED_MONTH):
            return _unresolved(start, end, "day", p)
        if a.rank == 2 and a.date:  # only the month known: same year unless the month is later
            y = a.date.year - (1 if month > a.date.month and ctx.tense(start, end) < 0 else 0)
            try:
                return _day(start, end, dt.date(y, month, day), True, p)
            except ValueError:
                return None
        assert a.date is not None
        d = _yearless(month, day, a.date, _year_direction(ctx, text, start, end))
        return _day(start, end, d, True, p) if d else None

    if kind == "iso":
        s = g("iso")
        try:
            if len(s) > 10:
                t = dt.datetime.fromisoformat(s.replace(" ", "T"))
                return _Draft(start, end, t.strftime("%Y-%m-%dT%H:%M"), "time", False, True, "iso")
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
        d = _dateparser_numeric(f"{a1}/{a2}/{ys}", order, None)
        return _day(start, end, d, False, "numeric_" + order.lower()) if d else None

    if kind == "my":
        month = _month_num(g("my_mon"))
        return _Draft(start, end, f"{int(g('my_year')):04d}-{month:02d}", "month", False, True, "month_year")

    if kind == "mu":
        month = _month_num(g("mu_mon"))
        if not a.knows(_NEED_YEAR):
            return _unresolved(start, end, "month", "month_unit")
        assert a.date is not None
        y = a.date.year + lx.shifts[g("mu_shift").lower()]
        return _Draft(start, end, f"{y:04d}-{month:02d}", "month", True, True, "month_unit")

    if kind == "wd":
        target = lx.weekdays[g("wd_day").lower()]
        shift_word = g("wd_shift")
        shift = lx.shifts[" ".join(shift_word.lower().split())] if shift_word else None
        if not a.knows(_NEED_DAY):
            return _unresolved(start, end, "day", "weekday")
        assert a.date is not None
        # Tense cannot move a weekday that is the publication's own weekday.
        future = shift in (None, 0) and target != a.date.weekday() and ctx.tense(start, end) > 0
        if shift == 0:  # "this Friday": tense decides
            shift = None
        d = _weekday(target, a.date, shift, future)
        return _day(start, end, d, True, "weekday" if shift is None else "weekday_shift")

    if kind == "rd":
        off = 0 if g("rd_part") else lx.relative_days[" ".join(g("rd_word").lower().split())]
        if not a.knows(_NEED_DAY):
            return _unresolved(start, end, "day", "relative_day")
        assert a.date is not None
        return _day(start, end, a.date + dt.timedelta(days=off), True, "relative_day")

    if kind in ("us", "rd") and _title_case_name(text, start, end):
        return None

    if kind == "us":
        # "the last week" / "the past year" are durations, not calendar units.
        if text[max(0, start - 4):start].lower().rstrip() in ("the", " the") and not g("us_mod"):
            return None
        unit = g("us_unit").lower()
        shift = lx.shifts[" ".join(g("us_shift").lower().split())]
        need = {"week": _NEED_DAY, "month": _NEED_MONTH, "year": _NEED_YEAR}[unit]
        if not a.knows(need):
            return _unresolved(start, end, unit, "unit_shift")
        assert a.date is not None
        if unit == "week":
            value = _iso_week(a.date + dt.timedelta(weeks=shift))
        elif unit == "month":
            y, mo = _shift_month(a.date.year, a.date.month, shift)
            value = f"{y:04d}-{mo:02d}"
        else:
            value = f"{a.date.year + shift:04d}"
        return _Draft(start, end, value, unit, True, True, "unit_shift")

    if kind == "ago":
        n_s = g("ago_n").lower()
        n = int(n_s) if n_s.isdigit() else lx.numbers[n_s]
        unit = lx.units[g("ago_unit").lower()]
        need = {"day": _NEED_DAY, "week": _NEED_DAY, "month": _NEED_MONTH, "year": _NEED_YEAR}[unit]
        if not a.knows(need):
            return _unresolved(start, end, unit, "ago")
        assert a.date is not None
        if unit == "day":
            return _day(start, end, a.date - dt.timedelta(days=n), True, "ago")
        if unit == "week":
            value = _iso_week(a.date - dt.timedelta(weeks=n))
        elif unit == "month":
            y, mo = _shift_month(a.date.year, a.date.month, -n)
            value = f"{y:04d}-{mo:02d}"
        else:
            value = f"{a.date.year - n:04d}"
        return _Draft(start, end, value, unit, True, True, "ago")

    if kind == "ue":
        unit = (g("ue_unit") or "year").lower()
        need = {"week": _NEED_DAY, "month": _NEED_MONTH, "year": _NEED_YEAR}[unit]
        if not a.knows(need):
            return _unresolved(start, end, unit, "unit_part")
        assert a.date is not None
        values = {"week": _iso_week(a.date), "month": a.date.strftime("%Y-%m"), "year": f"{a.date.year:04d}"}
        return _Draft(start, end, values[unit], unit, True, True, "unit_part")

    if kind == "hol":
        rule_s = lx.holidays[g("hol_name").replace("’", "'")]
        if not a.knows(_NEED_DAY):
            return _unresolved(start, end, "day", "holiday")
        assert a.date is not None
        d = _holiday(rule_s, a.date, _year_direction(ctx, text, start, end))
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
        if not a.knows(_NEED_MONTH):
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
            d = _yearless(month, None, a.date, _year_direction(ctx, text, start, end))
            if d is None:
                return None
            y = d.year
        return _Draft(start, end, f"{y:04d}-{month:02d}", "month", True, True, "month")

    return None  # pragma: no cover - every branch is named above


def _with_context(d: _Draft, ctx: _Context, prev_end: int, next_start: int) -> DateMention:
    """Attach time of day, since/until kind and dateline/published role to a draft."""
    lx = _lexicon()
    text = ctx.text
    start, end, value, gran, rule = d.start, d.end, d.value, d.granularity, d.rule

    if gran == "day":
        # "Monday at 2 p.m." / "2 p.m. Monday": the clock time joins the span and the value.
        # A plain substring test first: most dates have no clock time next to them.
        after_s = text[end:min(len(text), next_start, end + 30)]
        before_lo = max(0, prev_end, start - 30)
        ma = lx.time_after.match(text, end, end + len(after_s)) if _clockish(after_s) else None
        mb = None
        if ma is None and _clockish(text[before_lo:start]):
            mb = lx.time_before.search(text, before_lo, start)
        tm = ma or mb
        if tm is not None:
            hhmm = _parse_time(tm)
            if hhmm is not None:
                if ma:
                    end = ma.end()
                else:
                    start = tm.start()
                if d.day is not None:
                    value, gran = f"{d.day.isoformat()}T{hhmm}", "time"
                elif not d.resolved:
                    gran = "time"
                rule += "+time"

    kind = "point"
    head = text[max(0, start - 16):start]
    head_low = head.lower()
    if "since" in head_low and lx.since_before.search(head):
        kind = "since"
    elif ("til" in head_low or "through" in head_low or "up to" in head_low) and lx.until_before.search(head):
        kind = "until"

    role = None
    if (
        start < 2000
        and text[end:end + 4].lstrip()[:1] in _DATELINE_NEXT
        and _DATELINE_AFTER.match(text, end)
        and _is_dateline(text, start, end)
    ):
        role = "dateline"
    elif start < 500 or _published_hint(text[max(0, start - 30):start].lower()):
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end == -1 else line_end
        before, after = text[line_start:start], text[end:line_end]
        if lx.published_before.search(text, max(0, start - 30), start) or (
            start < 500 and not before.strip(" \t*_#|>") and not after.strip(" \t*_|.")
        ):
            role = "published"

    # Positional: keyword arguments cost a measurable share of the per-mention time.
    return DateMention(start, end, text[start:end], value, gran, d.relative, d.resolved, kind, role, rule)


_CLOCK_HINT = re.compile(r"[0-9]|noon|midnight")


def _clockish(s: str) -> bool:
    """Cheap test for a possible clock time in a short string: it needs a digit, or noon/midnight."""
    return _CLOCK_HINT.search(s) is not None


def _published_hint(s: str) -> bool:
    """Cheap test for a "Published"/"Updated" cue in a short lower-cased string."""
    return "publish" in s or "updat" in s or "posted" in s or "modified" in s


# "Gaza City, October 31 (RHC)--", "JERUSALEM, Oct. 7 (Reuters) -": a place (a few capitalised
# words, commas allowed), the date, an optional agency in brackets, then a dash.
_DATELINE_BEFORE = re.compile(r"^[\s*_>#]*[A-Z][\w.'’\- ]{0,40}(?:,\s*[A-Z][\w.'’\- ]{0,40}){0,2},\s*$")
_DATELINE_NEXT = frozenset("(-—–:")
_DATELINE_AFTER = re.compile(r"\s*(?:\([^()\n]{1,30}\)\s*)?(?:-{1,2}|—|–|:)")


_PREV_WORD = re.compile(r"([A-Za-z0-9'’]+(?:-[A-Za-z0-9'’]*)?)[\s,./]*$")


def _trigger_positions(text: str) -> list[tuple[int, int]]:
    """(offset, kind) of the words every date expression contains, in text order.

    Kinds: 0 a month, weekday or holiday name; 1 a digit run; 2 a calendar word ("week",
    "ago", "yesterday"). Occurrences inside longer words or numbers are dropped here, before
    the costly scanner sees them.
    """
    lx = _lexicon()
    n = len(text)
    pos: list[tuple[int, int]] = []
    for m in lx.name_trigger.finditer(text):
        a, b = m.span()
        if (a and text[a - 1].isalpha()) or (b < n and text[b].isalpha()):
            continue
        pos.append((a, 2 if m.group() in _CAPITALISED_WORDS else 0))
    # Years 1800-2099 start with "18", "19" or "20": str.find beats a regex digit class here.
    for head in ("20", "19", "18"):
        a = text.find(head)
        while a != -1:
            if (
                text[a + 2:a + 4].isdigit()
                and not text[a + 4:a + 5].isdigit()
                and not (a and (text[a - 1].isdigit() or text[a - 1] in ",."))
            ):
                pos.append((a, 1))
            a = text.find(head, a + 2)
    if "/" in text:  # "10/7/23": a slash between digits, trigger at the first digit
        i = text.find("/")
        while i != -1:
            if 0 < i < n - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
                a = i - 1
                while a and text[a - 1].isdigit():
                    a -= 1
                pos.append((a, 1))
            i = text.find("/", i + 1)
    # Lower-case calendar words are found with str.find on the text itself (no lower-cased
    # copy): their capitalised forms ("Yesterday", "Today") are in the name trigger, and
    # all-capitals headlines ("LAST WEEK") are given up for speed.
    find = text.find
    for w in lx.word_triggers:
        # "weeks", "months", "years" only occur in "two years ago/earlier/later", which the
        # trigger "ago"/"earlier"/"later" finds: plural units are dropped here, cheaply.
        unit_end = len(w) if w in _UNIT_WORDS else -1
        i = find(w)
        while i != -1:
            if not (i and text[i - 1].isalpha()) and text[i + unit_end:i + unit_end + 1] != "s":
                pos.append((i, 2))
            i = find(w, i + 1)
    return sorted(set(pos))


# A calendar word that starts a date by itself: "yesterday", "today", "year-end".
_UNIT_WORDS = frozenset({"week", "month", "year"})
# A unit right before "ago"/"earlier"/"later" is found from that word, with its count.
_UNIT_AGO = re.compile(r"(?i)(?:week|month|year)s?\s+(?:ago|earlier|later)\b")
_UNIT_ALONE = re.compile(r"(?i)to(?:day|night|morrow)|yesterday|this\s|year(?:[- ]end|['’]s\s+end)")
# Words that join a date's words but never begin one.
_CONNECTORS = frozenset({"in", "of", "before", "after", "than", "past", "day", "days", "week", "weeks",
                         "month", "months", "year", "years", "over", "under"})
# Words after which "the" begins a date: "the end of", "the 7th", "the day before yesterday".
_AFTER_THE = frozenset({"end", "beginning", "start", "middle", "current", "day", "first", "second",
                        "following", "previous", "preceding", "next"})
_OPENING = "\"'“‘([«—–-_*"


def _prefix_starts(text: str, p: int, lo: int, prefix: frozenset[str]) -> list[int]:
    """Start offsets of the prefix words right before ``p`` ("the end of", "last", "7"), nearest first.

    Only words that can begin a date expression are returned; connectors ("of", "days")
    are walked over, and "the" counts only before the words it can begin a date with.
    """
    if p == 0 or not (text[p - 1].isspace() or text[p - 1] in "-/"):
        return []
    # Fast rejection on the nearest word alone: most triggers have no prefix at all.
    tail = text[max(lo, p - 30):p].rsplit(None, 1)
    if not tail:
        return []
    w = tail[-1].lstrip(_OPENING).rstrip(",.;:").lower()
    if not (w in prefix or w.rstrip("-") in prefix or w.replace("/", "").rstrip("stndrh").isdigit()):
        return []
    seg = text[max(lo, p - 40):p]
    base = p - len(seg)
    starts: list[int] = []
    end = len(seg)
    right = ""  # the word to the right of the current one
    for tok in reversed(seg.split()):
        i = seg.rfind(tok, 0, end)
        end = i
        core = tok.lstrip(_OPENING)
        w = core.rstrip(",.;:").lower()
        if not (w in prefix or w.rstrip("-") in prefix or w.replace("/", "").rstrip("stndrh").isdigit()):
            break
        if w not in _CONNECTORS and (w != "the" or right in _AFTER_THE or right[:1].isdigit()):
            starts.append(base + i + len(tok) - len(core))
        if len(core) != len(tok) or len(starts) == 6:  # an opening quote ends the expression
            break
        right = w
    return starts


def _candidates(text: str) -> list[re.Match[str]]:
    """Scanner matches, tried only where a trigger word (and the prefix words before it) start.

    Equivalent to ``scanner.finditer(text)`` for every expression the scanner knows, at a
    fraction of the cost: the scanner's many branches are tried at a few dozen positions
    instead of at every character of the article.
    """
    lx = _lexicon()
    match = lx.scanner.match
    fast = (lx.name_scanner.match, lx.digit_scanner.match)
    prefix = lx.prefix_words
    out: list[re.Match[str]] = []
    done = 0
    for p, kind in _trigger_positions(text):
        if p < done:
            continue
        if kind == 2 and _UNIT_AGO.match(text, p):
            continue  # "two years ago" is found from its "ago" ("a year earlier" from "earlier")
        starts = [p] + _prefix_starts(text, p, done, prefix)
        if kind == 2 and len(starts) == 1 and not _UNIT_ALONE.match(text, p):
            continue  # "years", "weeks": a calendar word needs "last", "ago", "the end of"...
        for st in reversed(starts):
            m = (match if st != p or kind == 2 else fast[kind])(text, st)
            if m is not None and m.end() > p:
                out.append(m)
                done = m.end()
                break
    return out


def extract_dates(
    text: str,
    published: str | None,
    precision: str = "day",
    sentences: Sequence[Sentence] | None = None,
    *,
    numeric_order: str | None = None,
) -> list[DateMention]:
    """Find date mentions in ``text`` and resolve them against ``published``.

    Args:
        text: Article text.
        published: ISO publication date (or datetime), or None when unknown.
        precision: Precision of ``published``: time, day, month, year or unknown. A mention
            that needs more than is known (a weekday needs the day) stays unresolved.
        sentences: Sentence spans of ``text`` when already computed (used for tense).
        numeric_order: ``"MDY"`` or ``"DMY"`` for slash dates such as ``10/07/2023``;
            defaults to the convention in ``lexicon/dates.toml`` (MDY).

    Returns:
        Date mentions ordered by offset; ``text[m.start:m.end] == m.text`` for each.

    Examples:
        >>> [(m.text, m.value, m.kind) for m in extract_dates(
        ...     "Strikes continued on Monday, as they have since October 7.", "2023-10-31")]
        [('Monday', '2023-10-30', 'point'), ('October 7', '2023-10-07', 'since')]
        >>> extract_dates("He left yesterday.", None)[0].value is None
        True
    """
    if not text:
        return []
    lx = _lexicon()
    order = (numeric_order or lx.conventions["numeric_order"]).upper()
    ctx = _Context(text, _anchor(published, precision), sentences)
    drafts: list[_Draft] = []
    for m in _candidates(text):
        d = _resolve(m, ctx, order)
        if d is not None:
            drafts.append(d)
            # "a year earlier" does not move the reference: in "... from $4 a year earlier ...
            # compared with 40% a year earlier" both are a year before the same time.
            if d.value is not None and d.rule != "reference":
                ctx.ref = (d.value, d.granularity)
    out: list[DateMention] = []
    prev_end = 0
    for i, d in enumerate(drafts):
        # A time of day may join a mention but never reach into its neighbours.
        nxt = drafts[i + 1].start if i + 1 < len(drafts) else len(text)
        mention = _with_context(d, ctx, prev_end, nxt)
        out.append(mention)
        prev_end = mention.end
    return out


__all__ = ["VERSION", "extract_dates"]
