"""Named comparisons, each with its thresholds as parameters (values come from ``[match]``).

Structured before fuzzy: figures are compared as intervals, dates as dates, sources as canonical
names; rapidfuzz string similarity is only used for quotes and paraphrases, always with an
explicit scorer, processor and score_cutoff.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process, utils

from provenance.extract.sentences import strip_dateline  # re-exported: matching strips datelines too

Interval = tuple[float, float]

_SCORERS: dict[str, Callable[..., float]] = {
    "ratio": fuzz.ratio,
    "token_sort_ratio": fuzz.token_sort_ratio,
    "partial_ratio": fuzz.partial_ratio,
    "WRatio": fuzz.WRatio,
    "QRatio": fuzz.QRatio,
}
_PROCESSORS: dict[str, Callable[[str], str] | None] = {"default_process": utils.default_process, "none": None}


def _num(v: Any) -> float | None:
    """A finite float, or None for missing values."""
    if v is None:
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


@dataclass(frozen=True)
class FigureInterval:
    """Turns a figure's (value, low, high, qualifier) into a closed interval.

    Open bounds are closed at a relative distance, because "more than 8,300" is said of 8,306,
    not of 83,000: ``more_than``/``at_least`` N -> [N, N*(1+open_slack)], ``nearly``/``up_to``/
    ``less_than`` N -> [N*(1-open_slack), N], ``about`` N -> [N*(1-about_slack), N*(1+about_slack)].

    Attributes:
        open_slack: Relative width given to an open bound.
        about_slack: Relative half-width of "about N".
    """

    open_slack: float = 0.05
    about_slack: float = 0.05

    def __call__(self, value: Any, low: Any, high: Any, qualifier: Any) -> Interval | None:
        """The interval, or None when the figure has no number."""
        v, lo, hi = _num(value), _num(low), _num(high)
        q = qualifier or "exact"
        if q == "about" and v is not None:
            return (v * (1 - self.about_slack), v * (1 + self.about_slack))
        if lo is not None and hi is not None:
            return (min(lo, hi), max(lo, hi))
        if lo is not None:
            return (lo, lo * (1 + self.open_slack))
        if hi is not None:
            return (hi * (1 - self.open_slack), hi)
        if v is not None:
            return (v, v)
        return None


def interval_gap(a: Interval, b: Interval) -> float:
    """Relative gap between two intervals: 0 when they overlap, else gap / larger magnitude.

    Symmetric by construction: ``interval_gap(a, b) == interval_gap(b, a)``.
    """
    gap = max(a[0], b[0]) - min(a[1], b[1])
    if gap <= 0:
        return 0.0
    scale = max(abs(a[0]), abs(a[1]), abs(b[0]), abs(b[1]), 1e-9)
    return gap / scale


@dataclass(frozen=True)
class IntervalsCompatible:
    """Two figures can describe the same quantity: their intervals overlap within a tolerance.

    "more than 8,300" is compatible with 8,306 and with "over 8,000"; 8,300 and 3,800 are not,
    however similar the strings.

    Attributes:
        tolerance: Relative gap allowed (0.05 lets one day's update of a running total through).
    """

    tolerance: float = 0.0

    def __call__(self, a: Interval | None, b: Interval | None) -> bool:
        """True when both intervals exist and their relative gap is within the tolerance."""
        if a is None or b is None:
            return False
        return interval_gap(a, b) <= self.tolerance + 1e-12

    def score(self, a: Interval | None, b: Interval | None) -> float:
        """1.0 for overlapping intervals, falling linearly to 0 at the tolerance; 0 beyond."""
        if a is None or b is None:
            return 0.0
        g = interval_gap(a, b)
        if g == 0:
            return 1.0
        if self.tolerance <= 0 or g > self.tolerance:
            return 0.0
        return 1.0 - g / self.tolerance


def parse_day(v: Any) -> date | None:
    """The day of an ISO date or datetime string (``2023-10-31``, ``2023-10-31T08:00``), else None."""
    if not isinstance(v, str) or len(v) < 10:
        return None
    try:
        return date.fromisoformat(v[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class DatesWithin:
    """Two dates no more than ``days`` apart (unknown dates never match).

    Attributes:
        days: Largest difference in days.
    """

    days: int = 1

    def __call__(self, a: Any, b: Any) -> bool:
        """True when both dates parse and differ by at most ``days``."""
        da, db = parse_day(a), parse_day(b)
        return da is not None and db is not None and abs((da - db).days) <= self.days


def cumulative_compatible(a: Any, b: Any) -> bool:
    """A running total and a single event are never the same figure; unknown goes with either."""
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
        return True
    return bool(a) == bool(b)


@dataclass(frozen=True)
class SameSource:
    """Compare two canonical sources: "same", "different", "one_unattributed" or "both_unattributed"."""

    def __call__(self, a: Any, b: Any) -> str:
        """The relation between two (possibly missing) canonical source names."""
        a = a if isinstance(a, str) and a else None
        b = b if isinstance(b, str) and b else None
        if a is None and b is None:
            return "both_unattributed"
        if a is None or b is None:
            return "one_unattributed"
        return "same" if a.casefold() == b.casefold() else "different"


@dataclass(frozen=True)
class TextSimilarity:
    """A rapidfuzz comparison with an explicit scorer, processor and score_cutoff.

    Attributes:
        scorer: Name of a rapidfuzz.fuzz scorer (``ratio``, ``token_sort_ratio``, ...).
        processor: ``default_process`` or ``none``.
        cutoff: Scores below it are returned as 0 (rapidfuzz's score_cutoff).
    """

    scorer: str = "ratio"
    processor: str = "default_process"
    cutoff: float = 0.0

    def __post_init__(self) -> None:
        if self.scorer not in _SCORERS:
            raise ValueError(f"unknown scorer {self.scorer!r}; use one of {sorted(_SCORERS)}")
        if self.processor not in _PROCESSORS:
            raise ValueError(f"unknown processor {self.processor!r}; use one of {sorted(_PROCESSORS)}")

    def __call__(self, a: str, b: str) -> float:
        """Similarity 0-100 (0 when below the cutoff)."""
        return float(_SCORERS[self.scorer](a, b, processor=_PROCESSORS[self.processor], score_cutoff=self.cutoff))

    def prepare(self, text: str) -> str:
        """``text`` after the processor: ``score(prepare(a), prepare(b)) == self(a, b)``."""
        proc = _PROCESSORS[self.processor]
        return proc(text) if proc is not None else text

    def score(self, a: str, b: str) -> float:
        """Similarity of two texts already passed through :meth:`prepare` (each text is
        processed once, not once per pair)."""
        return float(_SCORERS[self.scorer](a, b, processor=None, score_cutoff=self.cutoff))

    def scores(self, a: Sequence[str], b: Sequence[str]) -> np.ndarray:
        """``score(a[k], b[k])`` of every k, in one call (float64, the same values)."""
        return process.cpdist(a, b, scorer=_SCORERS[self.scorer], processor=None, score_cutoff=self.cutoff,
                              dtype=np.float64, workers=1)


_TOKEN = re.compile(r"[a-z0-9][a-z0-9'\-]*[a-z0-9]|[a-z0-9]")
_LONG_TOKEN = re.compile(r"[a-z0-9][a-z0-9'\-]*[a-z0-9]")
STOPWORDS = frozenset(
    ["a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "from", "by", "with", "as", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "it", "its", "this", "that", "these", "those", "he", "she", "they", "them", "his", "her", "their", "our", "we", "you", "i", "not", "no", "said", "says", "say", "after", "before", "over", "under", "into", "about", "more", "than", "will", "would", "could", "should", "can", "may", "might", "also", "who", "which", "what", "when", "where", "while", "amid", "says", "told", "tells", "new", "up", "down", "out", "off", "all", "some", "any", "least"]
)


def content_tokens(text: str) -> list[str]:
    """Lower-cased content words (stopwords and 1-letter tokens dropped), in order, unique."""
    # _LONG_TOKEN finds exactly the matches of _TOKEN longer than one character (a one-character
    # match only ever consumes a character where no longer token starts).
    return [t for t in dict.fromkeys(_LONG_TOKEN.findall(text.lower())) if t not in STOPWORDS and not t.isdigit()]


@dataclass(frozen=True)
class WeightedOverlap:
    """IDF-weighted overlap of content tokens: shared weight / the smaller claim's weight.

    Symmetric, 1.0 for identical token sets; rare shared names ("Butina", "Jabalia") weigh
    more than common words ("killed", "Gaza").

    Attributes:
        idf: Token -> weight; unknown tokens get ``default``.
        default: Weight of a token missing from ``idf``.
    """

    idf: Mapping[str, float]
    default: float = 1.0

    def weight(self, tokens: Iterable[str]) -> float:
        """Sum of the tokens' weights."""
        g, d = self.idf.get, self.default
        return sum(g(t, d) for t in tokens)

    def __call__(self, a: Sequence[str] | set[str], b: Sequence[str] | set[str]) -> float:
        """Overlap in [0, 1]."""
        sa, sb = set(a), set(b)
        if sa.isdisjoint(sb):
            return 0.0  # the weights are not needed
        return self.of_sets(sa, sb, self.weight(sa), self.weight(sb))

    def of_sets(self, sa: set[str], sb: set[str], wa: float, wb: float) -> float:
        """The overlap of two token sets whose weights ``wa = weight(sa)``, ``wb = weight(sb)``
        are already known (a clustering run computes each claim's once, not once per pair).

        Equal to ``self(a, b)`` with ``sa = set(a)``, ``sb = set(b)``.
        """
        if not sa or not sb:
            return 0.0
        shared = sa & sb
        if not shared:
            return 0.0
        denom = min(wa, wb)
        return self.weight(shared) / denom if denom > 0 else 0.0


_SUFFIX = re.compile(r"\s+[-\u2013\u2014|]\s+([^-\u2013\u2014|]{2,80})$")


def _may_end_with_suffix(t: str) -> bool:
    """False only when ``_SUFFIX`` cannot match ``t``: the separator it matches is the last
    one in the text (nothing after it is a separator) and has white space on both sides.
    (Most claims are not headlines: the pattern, tried at every run of white space, was most
    of syndication's text preparation.)"""
    p = max(t.rfind("-"), t.rfind("\u2013"), t.rfind("\u2014"), t.rfind("|"))
    return 0 < p < len(t) - 1 and t[p - 1].isspace() and t[p + 1].isspace()


def strip_outlet_suffix(text: str) -> str:
    """A headline without its trailing " - Outlet" (Google News titles: "... - The Associated Press").

    Examples:
        >>> strip_outlet_suffix("Gaza death toll rises to 2,750 - Al Jazeera English")
        'Gaza death toll rises to 2,750'
    """
    t = (text or "").strip()
    for _ in range(2):  # "... - Anadolu Agency | English"
        m = _SUFFIX.search(t) if _may_end_with_suffix(t) else None
        if not m or len(m.group(1).split()) > 6:
            break
        t = t[: m.start()].rstrip()
    return t


__all__ = [
    "STOPWORDS",
    "DatesWithin",
    "FigureInterval",
    "Interval",
    "IntervalsCompatible",
    "SameSource",
    "TextSimilarity",
    "WeightedOverlap",
    "content_tokens",
    "cumulative_compatible",
    "interval_gap",
    "parse_day",
    "strip_dateline",
    "strip_outlet_suffix",
]
