"""The date scanner: vocabulary, patterns and the positions where they are tried.

``lexicon()`` loads ``lexicon/dates.toml`` once and compiles one regular expression with a
named branch per form (month-name dates, numeric dates, weekdays, relative days, calendar
units, "two days ago", holidays, bare years). Month and weekday names match only
capitalised, so the verb "may" is never May; numbers need word edges and a year range, so
"538400" or "10,00 2" are never dates. Running that expression at every character costs
milliseconds per article, so ``candidates()`` first finds the cheap *triggers* (names,
years, calendar words) and tries the scanner only where a trigger, or the prefix words
before it ("the end of", "last", "7"), begin. Resolution is in ``date_resolve``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from provenance.extract.literal_scan import LiteralSet

# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Lexicon:
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
    spoken: dict[str, int]
    ref_shifts: dict[str, int]
    scanner: re.Pattern[str]
    name_trigger: re.Pattern[str]
    name_words: tuple[str, ...]
    digit_scanner: re.Pattern[str]
    name_scanner: re.Pattern[str]
    quarter_scanner: re.Pattern[str]
    word_triggers: tuple[str, ...]
    prefix_words: frozenset[str]
    time_after: re.Pattern[str]
    time_before: re.Pattern[str]
    since_before: re.Pattern[str]
    until_before: re.Pattern[str]
    deadline_before: re.Pattern[str]
    forward_before: re.Pattern[str]
    forward_tails: frozenset[str]
    the_year_before: re.Pattern[str]
    generic_after: frozenset[str]
    generic_before_of: frozenset[str]
    lead_before: re.Pattern[str]
    published_before: re.Pattern[str]
    tense_future: frozenset[str]
    tense_past: frozenset[str]
    tense_heads: frozenset[str]
    tense_not_future: frozenset[str]
    tense_suffixes: tuple[str, ...]
    past_ed_min: int
    not_past_ed: frozenset[str]
    not_year_after: frozenset[str]
    not_year_before: frozenset[str]
    quarter_ordinals: dict[str, int]
    quarter_relative: dict[str, int]
    sport_cues: re.Pattern[str]


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


def _trie(words: Sequence[str]) -> str:
    """A literal alternation factored by prefix ("J(?:an(?:uary)?|u(?:ly|ne))"), longest match first.

    ``re`` tries a flat alternation's branches one by one at every candidate position; the
    factored form decides on one character at a time (a quarter faster on ABP articles).
    """
    root: dict[str, Any] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:  # a word ends here: the longer ones are optional (greedy, so longest first)
            return (body if body.startswith("(?:") and len(alts) > 1 else "(?:" + body + ")") + "?"
        return body

    return build(root)


def _words_before(words: Sequence[str]) -> re.Pattern[str]:
    """Pattern matching one of ``words`` right before the end of a string."""
    return re.compile(r"(?i)(?:^|[^\w$€£#])(?:" + _alt(words) + r")\s*$")


# Calendar words at the start of a sentence, found with the names.
_CAPITALISED_WORDS = frozenset(
    {"Today", "Tonight", "Tomorrow", "Yesterday", "This morning", "This afternoon", "This evening"}
)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
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
    the_dates = _alt(list(lx["durations"]["dates_after_the"]))
    quarters = lx["quarters"]
    q_ords = _alt(list(quarters["ordinals"]))
    q_rel = _alt([w.replace(" ", r"\s+") for w in quarters["relative"]], escape=False)
    q_not = _alt(quarters["not_after"])
    spoken = lx["spoken_years"]
    centuries, tens, ones = _alt(list(spoken["centuries"])), _alt(list(spoken["tens"])), _alt(list(spoken["ones"]))

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
            rf"(?P<mu_shift>(?i:this|last|next|that))\s+(?i:year)\b)"
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
            rf"(?P<us>(?i:\b(?:(?P<us_mod>earlier|later|early|late)\s+|(?P<us_the>the)\s+(?=(?:{the_dates})\s))?(?P<us_shift>{shifts}|{the_dates})\s+"
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
        # "that day", "earlier that year", "that same week": the reference time itself
        (
            r"(?P<that>(?i:\b(?:(?:earlier|later)\s+)?that\s+(?:same\s+)?(?P<that_unit>day|week|month|year)\b)"
            r"(?!['’]s\b))"
        ),
        # "the year-earlier period", "year-ago results": adjectives of results stories
        r"(?P<ye>(?i:\b(?P<ye_unit>year|month|week|quarter)-(?P<ye_dir>earlier|ago)\b))",
        # "the end of the year", "year-end", "by year's end", "earlier in the month"
        (
            r"(?P<ue>(?i:\b(?:(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+the\s+|(?:earlier|later)\s+in\s+the\s+)"
            r"(?P<ue_unit>year|month|week)\b|\byear(?:[- ]end\b|['’]s\s+end\b)))"
        ),
        # "for the year", "the first nine months of the year": the current year in a results
        # story (the words allowed before it are checked in code)
        (
            r"(?P<ty>(?i:the\s+(?:full\s+|fiscal\s+)?year\b)"
            r"(?!['’-]|\s+(?:\d|(?:two\s+thousand|before|after|earlier|later|ago|in\s+which|when)\b)))"
        ),
        # "Thanksgiving Day", "Christmas Eve"
        rf"(?P<hol>(?P<hol_name>{holidays})\b)",
        # Spoken years in broadcast transcripts: "nineteen ninety-six", "January nineteen
        # ninety-seven", "the year two thousand" ("two thousand" alone is a count: code checks)
        (
            rf"(?P<sy>(?:(?P<sy_mon>{mon_full})\s+|(?P<sy_the>(?i:the\s+year))\s+)?"
            rf"(?P<sy_words>(?i:(?:{centuries})[\s-]+(?:{tens})(?:[\s-]+(?:{ones}))?"
            rf"|two\s+thousand(?:\s+and\s+(?:{ones}))?)\b))"
        ),
        # "October", "early May", "last March" (ambiguous names are checked in code)
        rf"(?P<mo>(?:(?P<mo_shift>(?i:last|next|this))\s+|(?P<mo_mod>{mods})\s*)?(?P<mo_mon>{mon_full}))",
        # "2014", "mid-2023", "fiscal 1990", "the end of 2022"
        rf"(?P<yr>(?:(?P<yr_mod>{mods})\s*)?(?P<yr_year>{year})(?!s\b|'s\b|-\d|/))",
    ]
    scanner = re.compile(r"(?<![\w])(?:" + "|".join(branches) + ")")
    # Quarters are tried only from their own trigger ("quarter"): a branch of this many optional
    # parts in the main scanner would be tried, and fail, at every other candidate position.
    # "the third quarter", "third-quarter profit", "the 1988 third quarter", "next year's first
    # quarter", "the year-ago quarter", "the latest quarter" (checked in code)
    quarter_scanner = re.compile(
        r"(?<![\w])(?:"
        rf"(?P<q>(?:(?P<q_the>(?i:the))\s+)?(?:(?P<q_year>{year})\s+|(?P<q_shift>(?i:last|next|this))\s+(?i:year)['’]s\s+"
        rf"|(?P<q_ago>(?i:year-ago|year-earlier))\s+)?(?:(?P<q_rel>(?i:{q_rel}))\s+)?(?:(?i:fiscal)[\s-]+)?"
        rf"(?:(?P<q_ord>(?i:{q_ords}))(?P<q_hy>[\s-]+)(?:(?i:fiscal)\s+)?(?i:quarter)|quarter)\b"
        rf"(?:\s+(?i:of)\s+(?:(?P<q_of_year>{year})|(?P<q_of_shift>(?i:this|last|next|the))\s+(?i:year)\b))?"
        rf"(?!-|\s+(?:{q_not})\b|\s+(?i:of)\b)))"
    )
    # Smaller scanners for a trigger with no prefix words: the branches that can begin with a
    # digit, or with a name. Same branches, same order, so the same matches, tried faster.
    named = {re.search(r"\(\?P<(\w+)>", b).group(1): b for b in branches}  # type: ignore[union-attr]

    def sub(names: Sequence[str]) -> re.Pattern[str]:
        return re.compile(r"(?<![\w])(?:" + "|".join(named[n] for n in named if n in names) + ")")

    digit_scanner = sub(["dm", "iso", "num", "ago", "rel", "yr"])
    name_scanner = sub(["md", "dm", "my", "mu", "wd", "hol", "sy", "mo"])

    # Triggers: the one word (or digit run) every date expression contains. A literal-only
    # alternation of capitalised names is fast in ``re`` (about 10 ns a character); lower-case
    # words and years are found with ``str.find``, faster still. The scanner then runs only
    # where a trigger, or the prefix words before it, begin (see ``candidates``).
    # "New Year's Day" is found as "New Year" (a "New" trigger would fire on every "New York").
    holiday_heads = {h.split()[0].split("'")[0].split("’")[0] for h in lx["holidays"]} - {"New"}
    names = list(months) + [w for w in weekdays if w not in wd_abbr] + sorted(holiday_heads)
    name_words = tuple(_cased(names) + ["New Year"] + sorted(_CAPITALISED_WORDS))
    name_trigger = re.compile(_trie(name_words))
    # Each word costs one str.find pass over the text.
    # Each word costs one str.find pass over the text, so phrases sharing a rarer part are
    # found together (see ``_GROUPED_TRIGGERS``).
    word_triggers = ("tonight", "tomorrow", "week", "month", "year")
    prefix_words = {"the", "of", "in", "end", "beginning", "start", "middle", "new", "mid", "mid-", "full", "that"}
    for group in (lx["shifts"], lx["durations"]["dates_after_the"], lx["number_words"], lx["units"], weekdays, lx["relative_days"]):
        for k in group:
            prefix_words.update(k.lower().split())
    prefix_words.update(lx["reference_shifts"]["after_the"])
    for k in list(quarters["ordinals"]) + list(quarters["relative"]):
        prefix_words.update(k.lower().split())
    prefix_words.update({"year-ago", "year-earlier", "year's", "year’s", "fiscal-"})
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
    return Lexicon(
        conventions=dict(lx["conventions"]),
        months={k.lower(): v for k, v in months.items()},
        ambiguous_months=frozenset(m.lower() for m in lx["months_ambiguous"]["names"]),
        weekdays={k.lower(): v for k, v in weekdays.items()},
        relative_days={" ".join(k.split()): v for k, v in lx["relative_days"].items()},
        units=dict(lx["units"]),
        numbers=dict(lx["number_words"]),
        shifts={" ".join(k.split()): v for k, v in {**lx["shifts"], **lx["durations"]["dates_after_the"]}.items()},
        holidays={k.replace("’", "'"): v for k, v in lx["holidays"].items()},
        spoken={k: v for part in ("centuries", "tens", "ones") for k, v in spoken[part].items()},
        ref_shifts={**lx["reference_shifts"]["after_count"], **lx["reference_shifts"]["after_the"]},
        scanner=scanner,
        digit_scanner=digit_scanner,
        name_scanner=name_scanner,
        quarter_scanner=quarter_scanner,
        name_trigger=name_trigger,
        name_words=name_words,
        word_triggers=word_triggers,
        prefix_words=frozenset(prefix_words),
        time_after=time_after,
        time_before=time_before,
        since_before=_words_before(cues["since"]),
        until_before=_words_before(cues["until"]),
        deadline_before=_words_before(cues["deadline"]),
        forward_before=_words_before(cues["forward"]),
        forward_tails=frozenset(c[-2:].lower() + " " for c in cues["forward"]),
        the_year_before=re.compile(
            r"(?i)(?:^|\W)(?:" + _alt(lx["the_year"]["before"]) + r"|(?:" + _alt(lx["the_year"]["period_of"])
            + r")\s+of)\s+$"
        ),
        generic_after=frozenset(w.lower() for w in lx["generic_now"]["after_possessive"]),
        generic_before_of=frozenset(
            w.lower() for w in lx["generic_now"]["after_possessive"] + lx["generic_now"]["before_of"]
        ),
        lead_before=_words_before(cues["month_lead"]),
        published_before=re.compile(
            r"(?i)(?:" + _alt(cues["published"]) + r")\s*(?:on|at)?\s*[:\-–—]?\s*$"
        ),
        tense_future=frozenset(" ".join(w.lower().split()) for w in lx["tense"]["future"]),
        tense_past=frozenset(w.lower() for w in lx["tense"]["past"]),
        tense_heads=frozenset(
            w.lower().split()[0] for w in lx["tense"]["future"] + lx["tense"]["not_future"] if " " in w
        ),
        tense_not_future=frozenset(" ".join(w.lower().split()) for w in lx["tense"]["not_future"]),
        tense_suffixes=tuple(lx["tense"]["future_suffixes"]),
        past_ed_min=int(lx["tense"]["past_ed_min_length"]),
        not_past_ed=frozenset(lx["tense"]["not_past_ed"]),
        not_year_after=frozenset(lx["not_year_after"]["words"]),
        not_year_before=frozenset(lx["not_year_before"]["words"]),
        quarter_ordinals={k.lower(): v for k, v in quarters["ordinals"].items()},
        quarter_relative={k: v for k, v in quarters["relative"].items()},
        sport_cues=re.compile(r"(?i)\b(?:" + _alt(quarters["sport_cues"]) + r")\b"),
    )


# --------------------------------------------------------------------------- candidates


_PREV_WORD = re.compile(r"([A-Za-z0-9'’]+(?:-[A-Za-z0-9'’]*)?)[\s,./]*$")


def _trigger_positions(text: str) -> list[tuple[int, int]]:
    """(offset, kind) of the words every date expression contains, in text order.

    Kinds: 0 a month, weekday or holiday name; 1 a digit run; 2 a calendar word ("week",
    "ago", "yesterday"). Occurrences inside longer words or numbers are dropped here, before
    the costly scanner sees them.
    """
    lx = lexicon()
    n = len(text)
    pos: list[tuple[int, int]] = []
    words = _trigger_words(lx.word_triggers, lx.name_words)
    names = _literal_names(lx.name_words)
    if not names:  # a name LiteralSet cannot hold: the names' own pattern
        for m in lx.name_trigger.finditer(text):
            a, b = m.span()
            if (a and text[a - 1].isalpha()) or (b < n and text[b].isalpha()):
                continue
            pos.append((a, 2 if m.group() in _CAPITALISED_WORDS else 0))
    if "/" in text:  # "10/7/23": a slash between digits, trigger at the first digit
        i = text.find("/")
        while i != -1:
            if 0 < i < n - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
                a = i - 1
                while a and text[a - 1].isdigit():
                    a -= 1
                pos.append((a, 1))
            i = text.find("/", i + 1)
    # The other triggers are literal words, found together in one pass (``LiteralSet``; no
    # lower-cased copy: the capitalised forms, "Yesterday", "Today", are in the name trigger,
    # and all-capitals headlines, "LAST WEEK", are given up for speed).
    grouped = dict(_GROUPED_TRIGGERS)
    name_end = 0
    for i, w in words.occurrences(text):
        if w in names:
            # What ``name_trigger.finditer`` finds: the longest name at an offset (the longest
            # comes first in the set), none starting inside the previous one.
            if i < name_end:
                continue
            name_end = b = i + len(w)
            if not ((i and text[i - 1].isalpha()) or (b < n and text[b].isalpha())):
                pos.append((i, 2 if w in _CAPITALISED_WORDS else 0))
        elif w in _YEAR_HEADS:
            # Years 1800-2099 start with "18", "19" or "20".
            if (
                text[i + 2:i + 4].isdigit()
                and not text[i + 4:i + 5].isdigit()
                and not (i and (text[i - 1].isdigit() or text[i - 1] in ",."))
            ):
                pos.append((i, 1))
        elif w == "day":
            # "day" stands for "today", "yesterday", "that (same) day" and "two days
            # ago/earlier/later" ("ago", "earlier", "later" are read right after the unit).
            if i and text[i - 1].isalpha():
                if text.startswith("to", i - 2) and not (i > 2 and text[i - 3].isalpha()):
                    pos.append((i - 2, 2))
                elif text.startswith("yester", i - 6) and not (i > 6 and text[i - 7].isalpha()):
                    pos.append((i - 6, 2))
            else:
                if _AFTER_UNIT.match(text, i + 3):
                    pos.append((i, 2))
                if text.startswith("that ", i - 5) and not (i > 5 and text[i - 6].isalpha()):
                    pos.append((i - 5, 2))
                elif text.startswith("that same ", i - 10) and not (i > 10 and text[i - 11].isalpha()):
                    pos.append((i - 10, 2))
        elif w == "quarter":
            if not (i and text[i - 1].isalpha()):
                pos.append((i, 3))
        elif w in grouped:
            for phrase, k in grouped[w]:
                a = i - k
                if a >= 0 and text.startswith(phrase, a) and not (a and text[a - 1].isalpha()):
                    pos.append((a, 2))
        else:  # lx.word_triggers: "tonight", "week", "a year ago", ...
            end = len(w)
            # Plural units ("years") count only before "ago"/"earlier"/"later".
            if not (i and text[i - 1].isalpha()) and (
                w not in _UNIT_WORDS or text[i + end:i + end + 1] != "s" or _AFTER_UNIT.match(text, i + end)
            ):
                pos.append((i, 2))
    return sorted(set(pos))


# Trigger phrases found through a shared, rarer part: one str.find pass for each needle
# instead of one per phrase. (needle, ((phrase, offset of the needle in it), ...)). "the year
# two thousand" needs no trigger of its own: "year" finds it.
_GROUPED_TRIGGERS: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = (
    ("this ", (("this morning", 0), ("this afternoon", 0), ("this evening", 0))),
    ("ineteen", (("nineteen", 1), ("Nineteen", 1))),
)

_YEAR_HEADS = ("20", "19", "18")


@lru_cache(maxsize=4)
def _trigger_words(word_triggers: tuple[str, ...], name_words: tuple[str, ...] = ()) -> LiteralSet:
    """Every literal trigger of ``_trigger_positions``: year heads, the grouped needles, "day",
    the word triggers and "quarter" (each handled by its own rule there, so none may begin
    another: one word is found at each offset), then the capitalised names (``name_words``,
    longest first, so the longest name is the one found at an offset; they begin with a
    capital letter, the others do not). Names a ``LiteralSet`` cannot hold (shorter than two
    characters, not ASCII) leave all names out: ``name_trigger`` finds them then."""
    words = (*_YEAR_HEADS, *(needle for needle, _ in _GROUPED_TRIGGERS), "day", *word_triggers, "quarter")
    if len(set(words)) != len(words) or any(a != b and b.startswith(a) for a in words for b in words):
        raise ValueError(f"date trigger words must be distinct and none a prefix of another: {words}")
    names = _literal_names(name_words)
    heads = {n[0] for n in names}
    if any(w[0] in heads for w in words):
        raise ValueError(f"date trigger words must not begin as a name does: {words}")
    return LiteralSet(words + tuple(sorted(names, key=lambda w: (-len(w), w))))


@lru_cache(maxsize=4)
def _literal_names(name_words: tuple[str, ...]) -> frozenset[str]:
    """``name_words`` when a ``LiteralSet`` can find them all (ASCII, two characters or more)
    and each begins with a capital letter; else none."""
    ok = all(len(w) >= 2 and w.isascii() and w[:1].isupper() for w in name_words)
    return frozenset(name_words) if ok else frozenset()


# A calendar word that starts a date by itself: "yesterday", "today", "year-end".
_UNIT_WORDS = frozenset({"week", "month", "year"})
# After a unit ("day", "years"): "ago", "earlier", "later" make it "two years ago".
_AFTER_UNIT = re.compile(r"s?\s+(?:ago|earlier|later)\b")
_UNIT_ALONE = re.compile(
    r"(?i)to(?:day|night|morrow)|yesterday|this\s|year(?:[- ]end|['’]s\s+end)|nineteen[\s-]|two\s+thousand\b|that\s"
)
# Words that join a date's words but never begin one.
_CONNECTORS = frozenset({"in", "of", "before", "after", "than", "day", "days", "week", "weeks",
                         "month", "months", "year", "years", "over", "under"})
# Words after which "the" begins a date: "the end of", "the 7th", "the day before yesterday".
_AFTER_THE = frozenset({"end", "beginning", "start", "middle", "current", "day", "first", "second", "year", "full", "fiscal", "past",
                        "following", "previous", "preceding", "next", "third", "fourth", "1st", "2nd", "3rd", "4th",
                        "quarter", "latest", "most", "last", "year-ago", "year-earlier", "just-ended"})
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
    # The word to the right of the current one: "the" begins a date only before some words.
    right = "year" if text.startswith("year", p) else "quarter" if text.startswith("quarter", p) else ""
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


def _quarter(text: str, p: int, out: list[re.Match[str]], done: int, lx: Lexicon) -> None:
    """Try the quarter scanner from the prefix words before the "quarter" at ``p``.

    The prefix may reach back over the last match ("1988" in "the 1988 third quarter", "next
    year" in "next year's first quarter"), which the quarter then replaces.
    """
    lo = done
    if out and p - out[-1].end() <= 25:
        lo = out[-2].end() if len(out) > 1 else 0
    for st in reversed(_prefix_starts(text, p, lo, lx.prefix_words)):
        m = lx.quarter_scanner.match(text, st)
        if m is not None and m.end() > p:
            while out and out[-1].start() >= m.start():
                out.pop()
            if out and out[-1].end() > m.start():
                return  # it would cut an earlier date in two
            out.append(m)
            return


def candidates(text: str) -> list[re.Match[str]]:
    """Scanner matches, tried only where a trigger word (and the prefix words before it) start.

    Equivalent to ``scanner.finditer(text)`` for every expression the scanner knows, at a
    fraction of the cost: the scanner's many branches are tried at a few dozen positions
    instead of at every character of the article.
    """
    lx = lexicon()
    match = lx.scanner.match
    fast = (lx.name_scanner.match, lx.digit_scanner.match)
    prefix = lx.prefix_words
    out: list[re.Match[str]] = []
    done = 0
    for p, kind in _trigger_positions(text):
        if p < done:
            continue
        if kind == 3:  # a quarter may take in the year just matched: "the 1988 third quarter"
            _quarter(text, p, out, done, lx)
            done = out[-1].end() if out else 0
            continue
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


__all__ = ["Lexicon", "candidates", "lexicon"]
