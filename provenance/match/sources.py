"""Sources compared across outlets: one name per source, however each outlet wrote it.

"Estrania's Health Ministry", "Estranian Health Ministry", "the ministry" and "Health
Ministry" are one source to a fact-checker, as are "Gaza's health ministry", "the Hamas-run
Health Ministry in Gaza" and "the Palestinian Ministry of Health in Gaza". Matching compares
sources by a **source group**:

1. each mention is cleaned (a trailing relative clause "..., which says" and lower-case words
   before the name, "opposition Civic Front", are dropped);
2. inside an article, a bare institution ("the ministry", "the Health Ministry") that the
   extractor left unresolved takes the nearest *earlier* named one of the same kind in that
   article ("Estrania's Health Ministry said ... the ministry said"); a headline's bare
   mention, with nothing earlier, takes the article's only named one, if there is one;
3. across the corpus, names are grouped by ``provenance.extract.actors.group_aliases``
   (registry first, then rapidfuzz leader clustering with the scorer, processor and
   score_cutoff of ``[match.sources]``);
4. a bare institution still unresolved joins the corpus's only group of that kind, if there
   is exactly one (several health ministries: it stays as written).

The text as written stays in ``source_text`` (and the extractor's ``source_canonical``);
``source_group`` is added beside them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, utils

from provenance.extract.actors import group_aliases
from provenance.match.claims import scopes

_T = TypeVar("_T")
_SCORERS: dict[str, Callable[..., float]] = {
    "ratio": fuzz.ratio, "token_sort_ratio": fuzz.token_sort_ratio, "QRatio": fuzz.QRatio,
}
_PROCESSORS: dict[str, Callable[[str], str] | None] = {"default_process": utils.default_process, "none": None}
_RELATIVE = re.compile(r",?\s+(?:which|who|whose|that)\b.*$", re.IGNORECASE | re.DOTALL)
_LEADING_LOWER = re.compile(r"^(?:[a-z][\w'’\-]*\s+)+(?=[A-Z])")
# A day written right after the name, US-style ("The Supreme Court Monday issued ..."), is
# not part of the name.
_TRAILING_DAY = re.compile(r"\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
                           r"yesterday|today|tonight)$", re.IGNORECASE)


@dataclass(frozen=True)
class SourceSettings:
    """How source mentions are grouped across the corpus (``[match.sources]``).

    Attributes:
        scorer: rapidfuzz scorer name; subset scorers (token_set_ratio, partial_ratio) are
            refused: they put "Health Ministry" with every ministry.
        processor: ``default_process`` or ``none``.
        score_cutoff: Minimum score (0-100) for two names to be one source.
    """

    scorer: str = "token_sort_ratio"
    processor: str = "default_process"
    score_cutoff: float = 90.0

    def __post_init__(self) -> None:
        if self.scorer not in _SCORERS:
            raise ValueError(f"unknown source scorer {self.scorer!r}; use one of {sorted(_SCORERS)}")
        if self.processor not in _PROCESSORS:
            raise ValueError(f"unknown source processor {self.processor!r}; use one of {sorted(_PROCESSORS)}")

    @classmethod
    def from_config(cls, m: Mapping[str, Any]) -> SourceSettings:
        """Settings from the ``[match]`` section (defaults when ``sources`` is missing)."""
        s = m.get("sources") or {}
        return cls(s.get("scorer", cls.scorer), s.get("processor", cls.processor),
                   float(s.get("score_cutoff", cls.score_cutoff)))


def clean_source(mention: Any) -> str | None:
    """A source mention without a trailing relative clause or lower-case words before the name.

    Examples:
        >>> clean_source("The Health Ministry, which")
        'The Health Ministry'
        >>> clean_source("opposition Civic Front")
        'Civic Front'
        >>> clean_source("the ministry")
        'the ministry'
        >>> clean_source("The Supreme Court Monday")
        'The Supreme Court'
    """
    if not isinstance(mention, str) or not mention.strip():
        return None
    t = _RELATIVE.sub("", " ".join(mention.split())).strip(" ,")
    t = _LEADING_LOWER.sub("", t) if re.search(r"[A-Z]", t) and not t[:1].isupper() else t
    t = _TRAILING_DAY.sub("", t) if " " in t else t
    return t or None


def generic_kind(name: Any) -> str | None:
    """The institution a bare mention names ("ministry", "health ministry"), or None for a named one.

    Examples:
        >>> generic_kind("the Health Ministry"), generic_kind("Estrania's Health Ministry")
        ('health ministry', None)
    """
    if not isinstance(name, str):
        return None
    m = scopes().generic_source.match(name.strip())
    if not m:
        return None
    return " ".join(w for w in name.casefold().split() if w not in ("the", "of")).replace("ministry health", "health ministry")


def _name_words(name: str) -> set[str]:
    """The casefolded words of a name (what ``_same_kind`` looks for the kind's words in)."""
    return set(re.findall(r"\w+", name.casefold()))


def _same_kind(kind: str, name: str | set[str]) -> bool:
    """A named source is of a bare mention's kind: every word of the kind occurs in it
    (``name`` may be given as its ``_name_words`` already)."""
    words = _name_words(name) if isinstance(name, str) else name
    return all(w in words for w in kind.split())


def _is_named(name: Any) -> bool:
    return isinstance(name, str) and bool(name.strip()) and generic_kind(name) is None


def resolve_in_article(mentions: list[tuple[int, str | None]], named: list[tuple[int, str]]) -> list[str | None]:
    """Resolve bare mentions inside one article.

    Args:
        mentions: (offset, cleaned mention) of every figure source, in any order.
        named: (offset, name) of named sources in the article (figure sources and actors).

    Returns:
        The mention, or for a bare one the nearest earlier named source of its kind (else the
        article's only one of that kind), in the order of ``mentions``.

    Examples:
        >>> resolve_in_article([(90, "the ministry"), (5, "ministry")], [(40, "Estrania's Health Ministry")])
        ["Estrania's Health Ministry", "Estrania's Health Ministry"]
    """
    out: list[str | None] = []
    for at, m in mentions:
        kind = generic_kind(m)
        if kind is None:
            out.append(m)
            continue
        cands = [(o, n) for o, n in named if _same_kind(kind, n)]
        before = [c for c in cands if c[0] < at]
        if before:
            out.append(max(before)[1])
        elif len({n for _, n in cands}) == 1:
            out.append(cands[0][1])  # "..., ministry says" in a headline, named in the lead
        else:
            out.append(m)
    return out


def source_groups(figs: pd.DataFrame, actors: pd.DataFrame | None, settings: SourceSettings,
                  extra_mentions: list[str] | None = None) -> tuple[list[str | None], dict[str, str]]:
    """``source_group`` of every figure row, and the corpus-level mention -> group map.

    Args:
        figs: Figures with ``article_id``, ``source_canonical``, ``source_text``, ``source_start``.
        actors: The actors table (named ministries and agencies with offsets), optional.
        settings: Scorer, processor and cutoff for ``group_aliases``.
        extra_mentions: Other source mentions of the corpus (attributions), grouped alongside.

    Returns:
        (one group per row of ``figs`` (None when unattributed), mention -> group for every
        mention seen, so attributions can be mapped the same way).
    """
    n = len(figs)
    if n == 0:
        return [], {}
    def col(c: str) -> list[Any]:
        return figs[c].tolist() if c in figs.columns else [None] * n
    # Each distinct mention is cleaned and classified once (ABP: ~1M mentions, ~100k distinct).
    clean = _memo(clean_source)
    is_named = _memo(_is_named)
    written = [clean(c if isinstance(c, str) and c.strip() else t)
               for c, t in zip(col("source_canonical"), col("source_text"))]
    starts = [int(s) if isinstance(s, (int, float)) and not math.isnan(s) else int(a or 0)
              for s, a in zip(col("source_start"), col("start"))]
    named: dict[Any, list[tuple[int, str]]] = {}
    for a, at, w in zip(col("article_id"), starts, written):
        if is_named(w):
            named.setdefault(a, []).append((at, str(w)))
    if actors is not None and len(actors) and {"article_id", "start", "canonical"} <= set(actors.columns):
        head = _memo(generic_kind_head)
        for a, at, c in zip(actors["article_id"].tolist(), actors["start"].tolist(), actors["canonical"].tolist()):
            w = clean(c)
            if w is not None and is_named(w) and head(w):
                named.setdefault(a, []).append((int(at), str(w)))
    by_article: dict[Any, list[int]] = {}
    for i, a in enumerate(col("article_id")):
        by_article.setdefault(a, []).append(i)
    resolved: list[str | None] = list(written)
    for a, rows in by_article.items():
        res = resolve_in_article([(starts[i], written[i]) for i in rows], named.get(a, []))
        for i, r in zip(rows, res):
            resolved[i] = r
    mentions = [m for m in resolved if m] + [m for m in _cleaned(extra_mentions or []) if m]
    del clean, is_named
    groups = group_aliases(mentions, scorer=_SCORERS[settings.scorer], processor=_PROCESSORS[settings.processor],
                           score_cutoff=settings.score_cutoff)
    kinds = {x: generic_kind(x) for x in set(groups) | set(groups.values())}  # one regex match per name
    named_groups = {g for m, g in groups.items() if kinds[m] is None and kinds[g] is None and m.strip() and g.strip()}
    # Candidates once per kind (a few kinds, 100k+ groups): the named groups holding every
    # word of the kind (``_same_kind``), as an intersection of per-word sets.
    kind_words = {w for k in kinds.values() if k is not None for w in k.split()}
    with_word: dict[str, set[str]] = {w: set() for w in kind_words}
    for g in named_groups:
        for w in _name_words(g) & kind_words:
            with_word[w].add(g)
    of_kind: dict[str, set[str]] = {}
    for m in list(groups):
        kind = kinds[m]
        if kind is not None:
            if kind not in of_kind:
                need = kind.split()
                of_kind[kind] = set.intersection(*(with_word[w] for w in need)) if need else set(named_groups)
            cands = of_kind[kind]
            if len(cands) == 1:
                groups[m] = next(iter(cands))
    return [groups.get(m, m) if m else None for m in resolved], groups


def _cleaned(mentions: list[Any]) -> list[str | None]:
    """``clean_source`` of every mention, each distinct one cleaned once; the rows are matched
    to their distinct values by ``pd.factorize`` (C hashing: 812k attribution sources on ABP),
    missing values (None, NaN) to None."""
    if not mentions:
        return []
    codes, uniques = pd.factorize(np.asarray(mentions, dtype=object))
    cleaned = np.array([clean_source(u) for u in uniques.tolist()] + [None], dtype=object)
    return cleaned[codes].tolist()  # code -1 (missing) takes the last entry, None


def _memo(fn: Callable[[Any], _T]) -> Callable[[Any], _T]:
    """``fn`` computed once per distinct string argument, other arguments (None, NaN) every
    time (a cache per run: a module-level ``lru_cache`` would keep a corpus's names alive)."""
    cache: dict[str, _T] = {}

    def call(x: Any) -> _T:
        if not isinstance(x, str):
            return fn(x)
        try:
            return cache[x]
        except KeyError:
            r = cache[x] = fn(x)
            return r

    return call


def generic_kind_head(name: str) -> bool:
    """A named source that a bare mention can point to: its last word is an institution."""
    return bool(scopes().institution.search(name))


def group_of(mention: Any, groups: Mapping[str, str]) -> str | None:
    """The group of one mention as written (cleaned first), None when unattributed."""
    m = clean_source(mention)
    return groups.get(m, m) if m else None


def groups_of(mentions: Iterable[Any], groups: Mapping[str, str]) -> list[str | None]:
    """``group_of`` every mention (each distinct one cleaned once: 850k claim speakers on ABP)."""
    of = _memo(lambda m: group_of(m, groups))
    return [of(m) for m in mentions]


__all__ = ["SourceSettings", "clean_source", "generic_kind", "group_of", "groups_of", "resolve_in_article",
           "source_groups"]
