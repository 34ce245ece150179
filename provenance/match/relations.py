"""Typed relations between two cells of one cluster.

same_figure, updated_figure (a later report of a running total), conflicting_figure,
qualifier_only, different_scope (Gaza vs Gaza and West Bank), different_source,
attributed_vs_unattributed, quote_wording_changed (with a word diff).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from typing import Any

from provenance.match.comparisons import FigureInterval, IntervalsCompatible, SameSource, parse_day

RELATIONS = (
    "same_figure", "updated_figure", "conflicting_figure", "qualifier_only", "different_scope",
    "different_source", "attributed_vs_unattributed", "quote_wording_changed",
)
# Relations that make a cluster a discrepancy.
DISAGREEMENTS = frozenset(RELATIONS) - {"same_figure"}
# The first of these that applies is a pair's primary relation.
PRECEDENCE = ("conflicting_figure", "updated_figure", "different_scope", "qualifier_only",
              "attributed_vs_unattributed", "different_source", "quote_wording_changed", "same_figure")


def _num(v: Any) -> float | None:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


_LOWER_BOUNDS = frozenset({"more_than", "at_least"})
_UPPER_BOUNDS = frozenset({"nearly", "up_to", "less_than"})


def _bound_holds(bound: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    """``bound`` is an open figure ("more than 200") that ``other``'s exact number (212) satisfies."""
    if other.get("qualifier") not in (None, "exact"):
        return False
    v = _num(other.get("value"))
    if v is None:
        return False
    q = bound.get("qualifier")
    lo, hi = _num(bound.get("low")), _num(bound.get("high"))
    if q in _LOWER_BOUNDS and lo is not None:
        return v >= lo
    if q in _UPPER_BOUNDS and hi is not None:
        return v <= hi
    return False


def figure_relations(a: Mapping[str, Any], b: Mapping[str, Any], interval: FigureInterval) -> list[str]:
    """Every relation between two figure cells (dict-like rows of figures.csv).

    The figure relation is one of same_figure, qualifier_only (also an open bound the other
    number satisfies: "more than 200" and 212), updated_figure or conflicting_figure; scope and source relations are added when they apply. Symmetric
    except that "updated" needs a later as-of date, which either order finds.

    Examples:
        >>> iv = FigureInterval()
        >>> a = {"value": 8300, "low": 8300, "high": None, "qualifier": "more_than", "as_of": "2023-10-31"}
        >>> b = {"value": 8306, "low": 8306, "high": 8306, "qualifier": "exact", "as_of": "2023-10-31",
        ...      "source_canonical": "Gaza Health Ministry"}
        >>> figure_relations(a, b, iv)
        ['qualifier_only', 'attributed_vs_unattributed']
    """
    out: list[str] = []
    ia = interval(a.get("value"), a.get("low"), a.get("high"), a.get("qualifier"))
    ib = interval(b.get("value"), b.get("low"), b.get("high"), b.get("qualifier"))
    same_numbers = (_num(a.get("value")), _num(a.get("low")), _num(a.get("high"))) == (
        _num(b.get("value")), _num(b.get("low")), _num(b.get("high")))
    if same_numbers and a.get("qualifier") == b.get("qualifier"):
        out.append("same_figure")
    elif IntervalsCompatible(0.0)(ia, ib):
        out.append("qualifier_only" if a.get("qualifier") != b.get("qualifier") else "same_figure")
    elif _bound_holds(a, b) or _bound_holds(b, a):
        out.append("qualifier_only")  # "more than 200" is true of 212: a rounding, not a conflict
    else:
        da, db = parse_day(a.get("as_of")), parse_day(b.get("as_of"))
        va = ia[0] if ia else None
        vb = ib[0] if ib else None
        # A running-total cue ("bringing the toll to 1,045") outweighs a single-event reading.
        running = all(x.get("cumulative") is not False or x.get("running_cue") is True for x in (a, b))
        if running and da and db and da != db and va is not None and vb is not None and (
            (da < db and va < vb) or (db < da and vb < va)
        ):
            out.append("updated_figure")
        else:
            out.append("conflicting_figure")
    pa, pb = a.get("place_scope"), b.get("place_scope")
    if isinstance(pa, str) and isinstance(pb, str) and pa != pb:
        out.append("different_scope")
    src = SameSource()(_source(a), _source(b))
    if src == "one_unattributed":
        out.append("attributed_vs_unattributed")
    elif src == "different":
        out.append("different_source")
    return out


def _source(r: Mapping[str, Any]) -> Any:
    """The source group of a cell ("Estranian Health Ministry" = "Estrania's"), else its canonical source."""
    g = r.get("source_group")
    return g if isinstance(g, str) and g else r.get("source_canonical")


def primary_relation(relations: list[str]) -> str:
    """The relation shown first for a pair (the most serious one)."""
    for r in PRECEDENCE:
        if r in relations:
            return r
    return relations[0] if relations else ""


_WORDS = re.compile(r"\S+")


def quote_diff(a: str, b: str) -> str:
    """Word diff of two quotes: unchanged words plain, ``[-removed-]`` and ``{+added+}``.

    Examples:
        >>> quote_diff("we are at war", "we are at war now")
        'we are at war {+now+}'
    """
    wa, wb = _WORDS.findall(a or ""), _WORDS.findall(b or "")
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=wa, b=wb, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(wa[i1:i2])
        if op in ("delete", "replace"):
            out.append("[-" + " ".join(wa[i1:i2]) + "-]")
        if op in ("insert", "replace"):
            out.append("{+" + " ".join(wb[j1:j2]) + "+}")
    return " ".join(out)


def text_relations(a: Mapping[str, Any], b: Mapping[str, Any]) -> tuple[list[str], str]:
    """Relations between two text claims of a cluster, and the quote diff when the wording changed."""
    out: list[str] = []
    detail = ""
    qa, qb = a.get("quote"), b.get("quote")
    if isinstance(qa, str) and isinstance(qb, str) and qa.strip() != qb.strip():
        out.append("quote_wording_changed")
        detail = quote_diff(qa, qb)
    src = SameSource()(a.get("speaker"), b.get("speaker"))
    if src == "one_unattributed":
        out.append("attributed_vs_unattributed")
    elif src == "different":
        out.append("different_source")
    return out, detail


__all__ = ["DISAGREEMENTS", "RELATIONS", "figure_relations", "primary_relation", "quote_diff", "text_relations"]
