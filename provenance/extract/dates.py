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
   calendar words) picks the few positions where it is tried: ``date_scan.candidates``.
2. **Resolve.** The common forms are resolved in ``date_resolve``, with ``datetime`` arithmetic, against the
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
``2023-10``, ``2023``, ``2023-W44``, ``2023-10-30T14:00``, TimeML's ``2023-Q3`` for a
quarter); slash dates are month/day/year unless a part over 12 forces day/month or
``numeric_order="DMY"`` is passed; "since"/"until" are not part of the span (TimeML keeps them
as signals) but set ``kind``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from provenance.extract.date_calendar import anchor, iso_week, parse_time
from provenance.extract.date_resolve import (
    DATELINE_AFTER,
    DATELINE_NEXT,
    Context,
    Draft,
    is_dateline,
    resolve,
)
from provenance.extract.date_scan import candidates, lexicon
from provenance.models import DateMention, Sentence

VERSION = "5"

# Rules whose dates do not move the narrative's reference time: "a year earlier" (two of them in
# a results story count from the same time), "for the year" (the publication's year) and
# quarters ("profit fell in the third quarter from a year earlier": the year, as before quarters
# were read; TBAQ values it so).
_NO_REFERENCE = frozenset({"reference", "the_year", "quarter"})


# "the day before last Tuesday('s hearing)", "the day after Oct. 7", "the week of March 6": a
# day counted from a date, or the ISO week containing it; the phrase joins the span.
_DAY_PREFIX = re.compile(r"(?i)(?:\bthe\s+)?\b(?:day\s+(before|after)|(week)\s+of)\s+$")


def _shift_by_prefix(d: Draft, text: str) -> Draft:
    """Apply "the day before/after" or "the week of" right before a resolved day mention."""
    head = text[max(0, d.start - 12):d.start]
    if d.day is None or not ("day " in head or "week of" in head):
        return d
    m = _DAY_PREFIX.search(text, max(0, d.start - 20), d.start)
    if m is None:
        return d
    if m.group(2):
        return Draft(m.start(), d.end, iso_week(d.day), "week", d.relative, True, d.rule + "+week_of")
    day = d.day + dt.timedelta(days=-1 if m.group(1).lower() == "before" else 1)
    rule = d.rule + "+day_" + m.group(1).lower()
    return Draft(m.start(), d.end, day.isoformat(), "day", d.relative, True, rule, day)


# "April 24 and 25": a second day of the same month; it must end the phrase ("and 25 people"
# is a count).
_AND_DAY = re.compile(
    r"\s+and\s+(\d{1,2})(?:st|nd|rd|th)?(?=\s*[.,;:)]|\s*$|\s+(?:in|at|on|when|with|for|from|to|of|the|and)\b)"
)


def _coordinated_day(d: Draft, text: str) -> Draft | None:
    """The second day of "April 24 and 25" after the draft of "April 24", else None."""
    if d.day is None or d.granularity != "day" or not d.rule.startswith("md") or text[d.end:d.end + 1] != " ":
        return None
    m = _AND_DAY.match(text, d.end)
    if m is None or not d.day.day < int(m.group(1)) <= 31:
        return None
    try:
        day = d.day.replace(day=int(m.group(1)))
    except ValueError:
        return None
    return Draft(m.start(1), m.end(1), day.isoformat(), "day", d.relative, True, d.rule + "+and", day)


def _with_context(d: Draft, ctx: Context, prev_end: int, next_start: int) -> DateMention:
    """Attach time of day, since/until kind and dateline/published role to a draft."""
    lx = lexicon()
    text = ctx.text
    start, end, value, gran, rule = d.start, d.end, d.value, d.granularity, d.rule

    if gran == "day":
        # "Monday at 2 p.m." / "2 p.m. Monday": the clock time joins the span and the value.
        # A plain substring test first: most dates have no clock time next to them.
        after_hi = min(len(text), next_start, end + 30)
        before_lo = max(0, prev_end, start - 30)
        hint = _CLOCK_HINT.search
        ma = lx.time_after.match(text, end, after_hi) if hint(text, end, after_hi) else None
        mb = None
        if ma is None and hint(text, before_lo, start):
            mb = lx.time_before.search(text, before_lo, start)
        tm = ma or mb
        if tm is not None:
            hhmm = parse_time(tm)
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
        and text[end:end + 4].lstrip()[:1] in DATELINE_NEXT
        and DATELINE_AFTER.match(text, end)
        and is_dateline(text, start, end)
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


# Cheap test for a possible clock time near a day: it needs a digit, or noon/midnight.
_CLOCK_HINT = re.compile(r"[0-9]|noon|midnight")


def _published_hint(s: str) -> bool:
    """Cheap test for a "Published"/"Updated" cue in a short lower-cased string."""
    return "publish" in s or "updat" in s or "posted" in s or "modified" in s


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
    lx = lexicon()
    order = (numeric_order or lx.conventions["numeric_order"]).upper()
    ctx = Context(text, anchor(published, precision), sentences)
    drafts: list[Draft] = []
    for m in candidates(text):
        d = resolve(m, ctx, order)
        if d is not None:
            if d.day is not None:
                d = _shift_by_prefix(d, text)
            drafts.append(d)
            second = _coordinated_day(d, text) if d.day is not None and text.startswith(" and ", d.end) else None
            if second is not None:  # "April 24 and 25"
                drafts.append(second)
                d = second
            # "a year earlier" does not move the reference: in "... from $4 a year earlier ...
            # compared with 40% a year earlier" both are a year before the same time.
            if d.value is not None and d.rule not in _NO_REFERENCE:
                ctx.ref = (d.value, d.granularity)
                ctx.ref_ago = d.ago
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
