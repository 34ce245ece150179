"""Numbers in running text: find them, read their values and bounds, reject non-figures.

This is the lexical half of the figure extractor (``figures.py`` adds metric, counted noun,
source and the rest). It finds digits ("8,306", "1.4 million", "8.3k", "2 1/2"), number
words ("twenty-one", "eight thousand", "a dozen"), vague quantities ("dozens", "tens of
thousands"), ranges ("between 200 and 250", "200-250", "two or three"), percentages and
money, attaches qualifiers ("more than", "nearly", "1,000 plus") and turns each into an
interval following issue 3's conventions. Numbers that are not figures (dates, years, times,
ages, durations, measurements, identifiers, multipliers, modifiers such as "four-story",
photo counters such as "17 of 24", a bare "one") are rejected with a reason.

Every phrase list lives in ``lexicon/numbers.toml``, ``lexicon/qualifiers.toml`` and
``lexicon/figures.toml``; this module only compiles them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from typing import Any, NamedTuple

from provenance.extract.literal_scan import LiteralSet, digit_runs, lower_keep_offsets
from provenance.extract.number_qualifiers import QualifiersBefore, alternation

__all__ = [
    "Quantity",
    "interval",
    "lexicon",
    "normalise_number_text",
    "parse_number",
    "scan_quantities",
]


@cache
def lexicon(name: str) -> dict[str, Any]:
    """Load ``lexicon/<name>.toml`` (cached)."""
    raw = resources.files("provenance.extract.lexicon").joinpath(f"{name}.toml").read_text("utf-8")
    return tomllib.loads(raw)


_alt = alternation


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number found in text, before metric and source are known.

    Attributes:
        start: Start of the figure span (qualifier included).
        end: End of the span (scale word, percent sign or post-qualifier included).
        num_start: Start of the number itself (after any qualifier).
        value: Point value, or None for ranges and vague quantities.
        low: Lower bound, or None when open.
        high: Upper bound, or None when open.
        qualifier: exact|more_than|at_least|about|nearly|up_to|less_than|range|vague.
        unit: count, percent or money.
        currency: Currency code for money, else None.
        kind: digits, words, vague or range: how the number was written.
        rejected: Why this is not a figure (date, year, age, ...), or None for a figure.
    """

    start: int
    end: int
    num_start: int
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    unit: str = "count"
    currency: str | None = None
    kind: str = "digits"
    rejected: str | None = None


# --- the master pattern -------------------------------------------------------------------

def _words_pattern() -> str:
    """Regex for number words: "twenty-one", "eight thousand", "one hundred and fifty"."""
    nums = lexicon("numbers")
    words = list(nums["words"]) + [w for w in nums["scales"] if len(w) > 2]
    w = "|".join(sorted(words, key=len, reverse=True))
    joiner = r"(?:\s*-\s*|\s+|(?<=hundred)\s+and\s+|(?<=thousand)\s+and\s+)"
    return rf"\b(?:an?\s+(?=(?:dozen|hundred|thousand|million|billion)\b))?(?:{w})(?:{joiner}(?:{w}))*\b"


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compile every pattern once from the lexicons."""
    nums = lexicon("numbers")
    nf = lexicon("figures")["not_figures"]
    cur = r"(?P<cur>(?:US\$|\$|£|€|₪|₹)\s?|NIS\s?|Rs\.?\s?)?"
    # Mixed fractions, Indian grouping ("15,62,52,872"), thousands separators, plain digits.
    digits = (
        r"(?P<dig>\d+\s+[1-9]/[1-9]\d?(?![\d/])|\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?"
        r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    )
    scale = (
        r"(?:(?:\s*-\s*|\s+)(?P<sc>hundred|thousand|million|billion|trillion|dozen)\b"
        r"|(?P<ab>[kK]|bn|mn|m)\b|(?![\w]|[.,:/]\d))"
    )
    pct = r"(?P<pct>\s*%|\s*per\s?cent\b|\s+percent\b|\s+percentage\s+points?\b)?"
    money_word = r"(?P<mw>\s+(?:dollars|euros|shekels)\b)?"
    glued = r"(?:\b|(?<=[a-z])(?=[A-Z]))"  # "attackHundreds killed" (headline run-ons)
    vague = rf"(?P<vague>{glued}(?:{_alt([k for k in nums['vague'] if k != 'scores'])}|scores(?=\s+of\b))\b)"
    digit_branch = rf"(?<![\w.,/:#@$£€]){cur}{digits}{scale}{pct}{money_word}"
    words_branch = rf"(?P<words>{_words_pattern()}){pct.replace('pct', 'wpct')}{money_word.replace('mw', 'wmw')}"
    master = rf"{vague}|{digit_branch}|{words_branch}"
    months = (
        r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
        r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
    )
    flags = re.IGNORECASE
    pats = {
        "master": re.compile(master, flags),
        # The master pattern where a digit begins: the vague and word branches, which need a
        # letter there, fail at once ("(?!)"); same groups, so the same match.
        "master_digits": re.compile(rf"(?!){vague}|{digit_branch}|(?!){words_branch}", flags),
        "qual_before": _qualifiers_before().pattern,  # the full pattern that ``_qual_before`` narrows
        "qual_after": re.compile(
            r"^(?P<q>\s*-?\s*plus\b|\+|\s+or\s+more\b|\s+or\s+so\b|\s+and\s+counting\b)", flags
        ),
        "range_mid": re.compile(r"^\s*(?:-|–|—|to|or)\s*$", flags),
        "between": re.compile(r"\bbetween\s+$", flags),
        "from": re.compile(r"\bfrom\s+$", flags),
        "and_mid": re.compile(r"^\s+and\s+$", flags),
        "month_before": re.compile(rf"\b{months}\.?,?\s+(?:\d{{1,2}}\s*[-–]\s*)?$"),
        "month_after": re.compile(rf"^(?:\s*[-–]\s*\d{{1,2}})?\s+(?:of\s+)?{months}\b"),
        "time_after": re.compile(
            r"^\s*(?:a\.?m\b\.?|p\.?m\b\.?|GMT\b|UTC\b|local\s+time\b|o['’]clock\b|hrs\b|h\d\d)", flags
        ),
        "age_after": re.compile(
            r"^(?:\s*(?:,|and|or)\s*\d{1,3})*(?:\s*|-)(?:years?|months?|weeks?)(?:\s*|-)olds?\b", flags
        ),
        "age_before": re.compile(
            rf"\b(?:{_alt(nf['age_words'])}|(?:under|over)\s+the\s+age\s+of|(?:children|kids|minors"
            r"|boys|girls|teens|teenagers|those|anyone|people)\s+(?:under|over|below|above))\s+$",
            flags,
        ),
        "age_name": re.compile(r"[A-Z][\w’'.-]+,\s*$"),
        "comma_after": re.compile(r"^\s*[,)]"),
        "duration_after": re.compile(
            rf"^(?:\s*(?:,|and|or|to)\s*\d{{1,3}})*\+?(?:\s*-\s*|\s+)(?:{'|'.join(nf['time_units'])})\b", flags
        ),
        "measure_after": re.compile(rf"^(?:\s*-\s*|\s*)(?:{'|'.join(nf['measure_units'])})(?![\w])", flags),
        "multiplier_after": re.compile(
            r"^(?:\s+times\s+(?:as|more|less|fewer|higher|lower|greater|larger|bigger|smaller|the|that"
            r"|what|over|faster|slower)\b|\s*-?\s*fold\b)",
            flags,
        ),
        "ratio_before": re.compile(r"(?:^|\W)(?:one|1)\s+(?:in|of\s+every)\s+$", flags),
        "ratio_after": re.compile(
            r"^\s+(?:in|of\s+every)\s+(?:\d|every\b|(?:two|three|four|five|six|seven|eight|nine|ten)\b)", flags
        ),
        "identifier_before": re.compile(rf"(?:\b(?:{'|'.join(nf['identifier_words'])})\s*|#\s*|[A-Za-z]-)$"),
        "modifier_after": re.compile(r"^-(?!plus\b|odd\b)[A-Za-z]"),
        "fraction_after": re.compile(r"^\s*-?\s*(?:halves|thirds|quarters|fifths|tenths|sixths|eighths)\b", flags),
        "counter_after": re.compile(r"^\s+of\s+\d+\s*(?:$|[\n)\]|])"),
        "counter_before": re.compile(r"\b(?:photo|image|slide|picture|page)\s+$", flags),
        "abstract_after": re.compile(
            rf"^\s+(?:(?:more|other|different|main|key|major|possible|separate|distinct)\s+)?"
            rf"(?:{'|'.join(re.escape(a) for a in nf['abstract_nouns'])})\b",
            flags,
        ),
        "word_split": re.compile(r"[\s-]+"),
        "half": re.compile(r"\bhalf\s+$", flags),
        "paren_code": re.compile(r"\(\w{1,3}\)"),
        "iso_date": re.compile(r"\b(?:19|20)\d\d-[01]?\d-[0-3]?\d\b"),
        # Candidate starts: words (split at a lower-to-upper run-on), digit runs, currency signs.
        "candidate": re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+|[$£€₪₹]"),
        "space": re.compile(r"\s+"),
    }
    # The rejections of a count read after the number, in ``_reject``'s order, as one
    # alternation: the first that matches is the branch that matches (one regex call, not six).
    branches = []
    for reason, key in _COUNT_AFTER:
        pat = pats[key]
        body = pat.pattern if pat.flags & re.IGNORECASE else f"(?-i:{pat.pattern})"
        branches.append(f"(?P<{reason}>{body})")
    pats["count_after"] = re.compile("|".join(branches), flags)
    if tuple(pats["master"].groupindex) != _TOKEN_GROUPS or pats["master"].groups != len(_TOKEN_GROUPS):
        raise ValueError(f"master pattern groups changed: {pats['master'].groupindex}")
    return pats


# (reason, pattern) of the rejections tried on the text after a count, in order.
_COUNT_AFTER = (
    ("duration", "duration_after"),
    ("measurement", "measure_after"),
    ("multiplier", "multiplier_after"),
    ("modifier", "modifier_after"),
    ("fraction", "fraction_after"),
    ("abstraction", "abstract_after"),
)


@lru_cache(maxsize=1)
def _qualifiers_before() -> QualifiersBefore:
    """The qualifiers before a number (``lexicon/qualifiers.toml``)."""
    return QualifiersBefore(tuple(lexicon("qualifiers")["before"]))


def _qual_before(seg: str) -> re.Match[str] | None:
    """A qualifier phrase ending ``seg``: ``_patterns()["qual_before"].search(seg)``, faster."""
    return _qualifiers_before().search(seg)


_STRIP = ".,;:()[]“”\"'‘’"


def last_word(text: str, end: int) -> str:
    """The lower-case word right before ``end`` (punctuation stripped), for cheap rule gating.

    Words are separated by a space, newline, tab or no-break space.
    """
    # The part after the last space, then (rarely) after the last of the other separators:
    # one ``rpartition`` instead of four ``rfind`` passes (a hot path: ~40 calls an article).
    w = text[max(0, end - 24):end].rstrip().rpartition(" ")[2]
    if "\n" in w or "\t" in w or "\u00a0" in w:
        w = w[max(w.rfind("\n"), w.rfind("\t"), w.rfind("\u00a0")) + 1:]
    return w.lower().strip(_STRIP)


@lru_cache(maxsize=1)
def _gates() -> dict[str, frozenset[str]]:
    """Last words that can end each end-anchored rule's phrase: the rule's regex runs only then."""
    quals = lexicon("qualifiers")
    nf = lexicon("figures")["not_figures"]

    def lasts(phrases: Any) -> frozenset[str]:
        return frozenset(p.split()[-1].lower().strip(_STRIP) for p in phrases)

    months = "jan january feb february mar march apr april may jun june jul july aug august sep sept september oct october nov november dec december"
    return {
        "qual": lasts(quals["before"]),
        "month": frozenset(months.split()),
        "identifier": frozenset(re.sub(r"\\", "", w).lower().strip(_STRIP) for w in nf["identifier_words"]) | {"#", ""},
        "age": lasts(nf["age_words"]) | {"of", "under", "over", "below", "above"},
        "counter": frozenset({"photo", "image", "slide", "picture", "page"}),
        "ratio": frozenset({"in", "every"}),
    }


# --- values -------------------------------------------------------------------------------

def normalise_number_text(s: str) -> str:
    """Lower-case, single-spaced number text ("Twenty-one  Thousand" -> "twenty-one thousand")."""
    return " ".join(s.lower().split())


def _words_value(s: str) -> float | None:
    """Value of number words ("twenty-one thousand" -> 21000), or None if ill-formed."""
    nums = lexicon("numbers")
    words, scales = nums["words"], nums["scales"]
    total, current, seen = 0, 0, False
    for tok in _patterns()["word_split"].split(s.lower()):
        if not tok or tok == "and":
            continue
        if tok in ("a", "an"):
            current = max(current, 1)
            continue
        if tok in words:
            if current % 10 and words[tok] < 100 and current < 100:
                return None  # "five ten": two numbers, not one
            current += words[tok]
            seen = True
        elif tok in scales:
            mult = scales[tok]
            current = max(current, 1)
            if mult == 100 or mult == 12:
                current *= mult
            else:
                total += current * mult
                current = 0
            seen = True
        else:
            return None
    return float(total + current) if seen else None


def parse_number(s: str) -> float | None:
    """Value of a number as written: "8,306", "1.4 million", "8.3k", "2 1/2", "twenty-one".

    Args:
        s: The number text, without qualifier, currency or percent sign.

    Returns:
        The value, or None when ``s`` is not a number.

    Examples:
        >>> parse_number("1.4 million"), parse_number("twenty-one"), parse_number("2 1/2")
        (1400000.0, 21.0, 2.5)
    """
    s = normalise_number_text(s)
    if not s:
        return None
    scales = lexicon("numbers")["scales"]
    m = _MIXED_FRACTION.fullmatch(s)
    if m:
        return int(m.group(1)) + int(m.group(2)) / int(m.group(3))
    m = _DIGIT_NUMBER.fullmatch(s)
    if m:
        base = float(m.group(1).replace(",", ""))
        if m.group(2):
            if m.group(2) not in scales:
                return None
            base *= scales[m.group(2)]
        return base
    return _words_value(s)


def interval(qualifier: str, value: float | None) -> tuple[float | None, float | None, float | None]:
    """``(value, low, high)`` for a point figure under issue 3's interval conventions."""
    if qualifier in ("more_than", "at_least"):
        return value, value, None
    if qualifier in ("nearly", "up_to", "less_than"):
        return value, None, value
    if qualifier == "about":
        return value, None, None
    return value, value, value


# --- scanning -----------------------------------------------------------------------------

class _Tok(NamedTuple):
    """A raw number token before qualifiers, ranges and filters (a named tuple: ~17 are made
    per article, several times faster than a frozen dataclass)."""

    start: int
    end: int
    value: float | None
    kind: str
    unit: str
    currency: str | None
    scaled: bool
    bounds: tuple[float, float] | None = None


_ARTICLE_BEFORE = re.compile(r"(?:^|(?<=\W))an?\s+$", re.IGNORECASE)
_MIXED_FRACTION = re.compile(r"(\d+)\s+([1-9])/([1-9]\d?)")
_DIGIT_NUMBER = re.compile(r"(\d{1,3}(?:,\d{2,3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*-?\s*([a-z]+)?")
_FOUR_DIGITS = re.compile(r"\d{4}")
_OF_NUMBER = re.compile(r"^\s+of\s+\d")
_UP_TO_THREE_DIGITS = re.compile(r"\d{1,3}")


@lru_cache(maxsize=1)
def _start_words() -> tuple[str, ...]:
    """Lower-case words a number word, a vague quantity or a currency prefix can start with."""
    nums = lexicon("numbers")
    words = set(nums["words"]) | {w for w in nums["scales"] if len(w) > 2}
    words |= {k.split()[0] for k in nums["vague"] if k.split()[0] != "a"} | {"few"}
    # Drop words another one starts with: find("seven") also finds "seventeen", "seventy".
    return tuple(sorted(w for w in words if not any(o != w and w.startswith(o) for o in words)))


@lru_cache(maxsize=1)
def _start_word_set() -> LiteralSet:
    """``_start_words`` for ``LiteralSet.positions``: one pass over the text, not one per word."""
    return LiteralSet(_start_words())


def _matches(text: str, lowered: str | None = None) -> list[re.Match[str]]:
    """Non-overlapping matches of the master pattern, tried only where a number can start.

    Equivalent to ``master.finditer(text)`` but an order of magnitude faster: the master
    pattern is a long case-insensitive alternation that the regex engine would try at every
    position, while ``str.find`` (digits, currency signs) and ``LiteralSet`` (number words)
    locate the few places a number can start.
    """
    master = _patterns()["master"]
    if lowered is None:
        lowered = lower_keep_offsets(text)
    words = _start_word_set().positions(lowered)
    # Candidate start -> the pattern to match there (the full one but at digits).
    cands: dict[int, re.Pattern[str]] = dict.fromkeys(digit_runs(lowered), _patterns()["master_digits"])
    for sym in ("$", "£", "€", "₪", "₹", "NIS", "Rs"):
        i = text.find(sym)
        while i != -1:
            cands[i - 2 if sym == "$" and text[max(0, i - 2):i] == "US" else i] = master
            i = text.find(sym, i + 1)
    for i in words:
        if i == 0 or not lowered[i - 1].isalpha() or (text[i - 1].islower() and text[i].isupper()):
            cands[i] = master
            # "a dozen", "a few hundred", "an estimated": the article starts the match (it
            # needs a space right before the word and an "a" shortly before: tested first).
            if i and text[i - 1].isspace() and "a" in lowered[max(0, i - 4):i]:
                art = _ARTICLE_BEFORE.search(text, max(0, i - 4), i)
                if art:
                    cands[art.start()] = master
    out: list[re.Match[str]] = []
    pos = 0
    for c in sorted(cands):
        if c < pos:
            continue
        m = cands[c].match(text, c)
        if m and m.end() > m.start():
            out.append(m)
            pos = m.end()
    return out


def _tokens(text: str, lowered: str | None = None) -> list[_Tok]:
    """Raw number tokens in ``text``."""
    p = _patterns()
    nums = lexicon("numbers")
    vague, cur_map = nums["vague"], nums["currency"]
    space = p["space"]
    out: list[_Tok] = []
    for m in _matches(text, lowered):
        vg, cur, dig, sc, ab, pct, mw, words, wpct, wmw = m.groups()  # in _TOKEN_GROUPS order
        if vg:
            key = space.sub(" ", vg.lower())
            lo, hi = vague.get(key, vague.get(key.split()[-1], (None, None)))
            out.append(_Tok(m.start(), m.end(), None, "vague", "count", None, False, (lo, hi)))
            continue
        unit, currency = "count", None
        if pct or wpct:
            unit = "percent"
        if not dig:
            cur = None
        mw = mw or wmw
        if cur or mw:
            unit = "money"
            currency = cur_map.get((cur or "").strip()) or cur_map.get((mw or "").strip().lower())
        if dig:
            if ab in ("m", "M") and not cur:
                # "5m" without a currency is five metres, not five million.
                continue
            if sc or ab or "/" in dig:
                value = parse_number(dig + " " + (sc or (ab or "").lower()))
            else:
                # Plain digits ("8,306", "1.5"): what parse_number reads, without its regexes.
                value = float(dig.replace(",", ""))
            kind, scaled = "digits", bool(sc or ab)
        else:
            value = parse_number(words)
            kind, scaled = "words", False
            if value is None:
                continue
        if value is None:
            continue
        out.append(_Tok(m.start(), m.end(), value, kind, unit, currency, scaled))
    return out


# The master pattern's groups in order (``_patterns`` checks it): ``_tokens`` reads them all
# with one ``Match.groups`` call.
_TOKEN_GROUPS = ("vague", "cur", "dig", "sc", "ab", "pct", "mw", "words", "wpct", "wmw")


def _reject(text: str, start: int, end: int, first: _Tok, last: _Tok) -> str | None:
    """Why the number spanning ``start``-``end`` is not a figure, or None if it is one."""
    p = _patterns()
    g = _gates()
    before = text[max(0, start - 40):start]
    after = text[end:end + 40]
    numtext = text[first.start:first.end]
    lw = last_word(before, len(before))
    if first.kind == "digits" and first.unit == "count" and not first.scaled:
        raw = numtext.strip()
        iso_lo, iso_hi = max(0, start - 8), min(len(text), end + 6)
        if "-" in text[iso_lo:iso_hi] and p["iso_date"].search(text, iso_lo, iso_hi):
            return "date"  # "2024-04-19"
        if len(raw) > 1 and raw[0] == "0" and raw[1].isdigit():
            return "identifier"  # "04", "007": no count is written with a leading zero
        if before.endswith("+"):
            return "identifier"  # "+972", a dialling code or a name
        if _FOUR_DIGITS.fullmatch(raw) and 1800 <= int(raw) <= 2100:
            return "year"
        if (lw in g["month"] or lw[:1].isdigit()) and p["month_before"].search(before) or p["month_after"].match(after):
            return "date"
        if p["time_after"].match(after):
            return "time"
        if p["counter_after"].match(after) or (
            lw in g["counter"] and p["counter_before"].search(before) and _OF_NUMBER.match(after)
        ):
            return "counter"
        if (
            before.rstrip().endswith(",")
            and p["age_name"].search(before)
            and p["comma_after"].match(after)
            and _UP_TO_THREE_DIGITS.fullmatch(raw)
            and int(raw) < 120
        ):
            return "age"
    if (lw in g["identifier"] or lw.endswith("-")) and p["identifier_before"].search(before):
        return "identifier"
    if after[:1] == "(" and p["paren_code"].match(after) or before.endswith(")(") and after[:1] == ")":
        return "identifier"  # "501(c)(3)", "Section 8(a)"
    if (lw in g["ratio"] and p["ratio_before"].search(before)) or (
        normalise_number_text(numtext) in ("one", "1") and p["ratio_after"].match(after)
    ):
        return "ratio"
    if p["age_after"].match(after) or (lw in g["age"] and p["age_before"].search(before)):
        return "age"
    if last.unit == "count":
        rej = p["count_after"].match(after)  # duration, measurement, ... abstraction
        if rej:
            return rej.lastgroup
        if (
            first is last
            and first.kind == "words"
            and normalise_number_text(numtext) in ("one", "a", "an")
        ):
            return "bare one"
    return None


@lru_cache(maxsize=1)
def _qualifier_maps() -> tuple[dict[str, str], dict[str, str]]:
    """Qualifier phrases before and after a number (normalised) -> qualifier."""
    quals = lexicon("qualifiers")
    return (
        {normalise_number_text(k): v for k, v in quals["before"].items()},
        {normalise_number_text(k): v for k, v in quals["after"].items()},
    )


def scan_quantities(text: str, keep_rejected: bool = False, lowered: str | None = None) -> list[Quantity]:
    """Find every number in ``text`` and normalise it to an interval.

    Args:
        text: Any string.
        keep_rejected: Also return non-figures, with ``rejected`` set to the reason.
        lowered: ``literal_scan.lower_keep_offsets(text)`` when the caller has it already.

    Returns:
        Quantities ordered by offset; spans never overlap.

    Examples:
        >>> q = scan_quantities("Over 21,000 others have been injured since Oct. 7.")
        >>> [(q.start, q.end, q.value, q.low, q.high, q.qualifier) for q in q]
        [(0, 11, 21000.0, 21000.0, None, 'more_than')]
    """
    p = _patterns()
    qb, qa = _qualifier_maps()
    toks = _tokens(text, lowered)
    qb_last = _gates()["qual"]
    out: list[Quantity] = []
    i = 0
    n = len(toks)
    while i < n:
        t = toks[i]
        first = last = t
        start, end = t.start, t.end
        qualifier, value, low, high = "exact", t.value, t.value, t.value
        kind = t.kind
        # Ranges: "between 200 and 250", "200-250", "200 to 250", "two or three".
        # The text between two numbers of a range is one short word or dash ("and", "to",
        # "-"): a longer gap cannot match ``between``/``range_mid``, so they are not tried.
        if (
            i + 1 < n and t.kind != "vague" and toks[i + 1].kind != "vague"
            and len(text[t.end:toks[i + 1].start].strip()) <= 3
        ):
            u = toks[i + 1]
            mid = text[t.end:u.start]
            is_between = p["between"].search(text[max(0, t.start - 10):t.start]) and p["and_mid"].match(mid)
            is_dash = p["range_mid"].match(mid) and not p["from"].search(text[max(0, t.start - 6):t.start])
            if mid.strip().lower() == "or" and (t.kind != u.kind or (t.value or 0) >= (u.value or 0)):
                is_dash = False
            if mid.strip() in ("-", "–", "—") and (t.kind != "digits" or u.kind != "digits"):
                is_dash = False
            if (is_between or is_dash) and t.value is not None and u.value is not None:
                a, b = t.value, u.value
                if u.scaled and not t.scaled and a < b:
                    # "between 1 and 2 million": the scale word applies to both numbers.
                    m = re.search(r"(hundred|thousand|million|billion|trillion|[kK]|bn|mn)\b", text[u.start:u.end])
                    if m:
                        a *= lexicon("numbers")["scales"].get(m.group(1).lower(), 1)
                if a < b:
                    last = u
                    end = u.end
                    if is_between:
                        start = text.rfind("between", max(0, t.start - 10), t.start)
                        start = start if start >= 0 else t.start
                        if text[start:start + 7].lower() != "between":
                            start = t.start
                    qualifier, value, low, high, kind = "range", None, a, b, "range"
                    i += 1
        half = p["half"].search(text[max(0, start - 6):start]) if kind == "words" else None
        if half and value is not None and text[start:start + 1] in "aA":
            # "half a million", "half a dozen"
            start = start - (len(text[max(0, start - 6):start]) - half.start())
            value = low = high = value / 2
        if kind == "vague" and t.bounds:
            qualifier, value, (low, high) = "vague", None, t.bounds
        reason = _reject(text, start, end, first, last)
        if reason == "counter" and i + 1 < n:
            # "17 of 24": the second number of a photo counter is not a figure either.
            if keep_rejected:
                u = toks[i + 1]
                out.append(Quantity(t.start, t.end, t.start, t.value, t.value, t.value, "exact", rejected=reason))
                out.append(Quantity(u.start, u.end, u.start, u.value, u.value, u.value, "exact", rejected=reason))
            i += 2
            continue
        if reason is None and qualifier == "vague" and last_word(text, start) in qb_last:
            # "as many as several hundred": the qualifier joins the span, the bounds stay vague.
            qm = _qual_before(text[max(0, start - 30):start])
            if qm:
                start = start - (len(text[max(0, start - 30):start]) - qm.start("q"))
        if reason is None and qualifier not in ("range", "vague"):
            qm = _qual_before(text[max(0, start - 30):start]) if last_word(text, start) in qb_last else None
            if qm:
                qualifier = qb.get(normalise_number_text(qm.group("q")), "exact")
                start = start - (len(text[max(0, start - 30):start]) - qm.start("q"))
            else:
                am = p["qual_after"].match(text[end:end + 20])
                if am:
                    qualifier = qa.get(normalise_number_text(am.group("q").lstrip(" -")), "exact")
                    end = end + am.end("q")
            value, low, high = interval(qualifier, value)
        if reason is None or keep_rejected:
            out.append(
                Quantity(
                    start=start, end=end, num_start=first.start, value=value, low=low, high=high,
                    qualifier=qualifier, unit=last.unit if last.unit != "count" else first.unit,
                    currency=last.currency or first.currency, kind=kind, rejected=reason,
                )
            )
        i += 1
    return out


def shift(q: Quantity, offset: int) -> Quantity:
    """The quantity moved by ``offset`` characters (for scanning a slice of a text)."""
    return replace(q, start=q.start + offset, end=q.end + offset, num_start=q.num_start + offset)
