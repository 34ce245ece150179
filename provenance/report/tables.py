"""The comparison tables a fact-checker reads: DataFrames in, DataFrames out.

figure_table (one row per figure cluster, one column per outlet) and its long twin
figure_cells (every cell with its article, offsets, sentence, rule, confidence, relation and
reference value); attribution_table; first_reports; discrepancies; clusters. Every cell
traces back to an article and character offsets.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from provenance.config import check_table_settings
from provenance.frames import column_values, concat_parts, records
from provenance.match.background import Deferred
from provenance.match.blocking import MATCHED_METRICS
from provenance.match.claims import scopes
from provenance.match.comparisons import FigureInterval, IntervalsCompatible, parse_day, strip_outlet_suffix
from provenance.match.reference import ReferenceIndex
from provenance.match.relations import (
    DISAGREEMENTS,
    figure_relations,
    primary_relation,
    text_relations,
)
from provenance.match.series import SeriesSettings, figure_series

R = TypeVar("R")

log = logging.getLogger(__name__)

METRIC_WORDS = {"killed": "killed", "injured": "injured", "hostage": "taken hostage", "missing": "missing",
                "displaced": "displaced", "arrested": "arrested", "released": "released"}

CELL_COLUMNS = [
    "cluster_id", "series_id", "outlet", "cell", "article_id", "source", "published", "figure_id", "claim_id", "start", "end",
    "text", "value", "low", "high", "qualifier", "metric", "counted", "group", "side", "place", "place_scope",
    "cumulative", "running_cue", "as_of", "source_canonical", "source_group", "source_text", "descriptor", "hedged",
    "relation", "relations",
    "reference_value", "reference_date", "lag_days", "reference_match", "reference_series", "syndication_id",
    "syndicated_from", "rule", "confidence", "sentence_start", "sentence_end", "sentence",
]


def _s(v: Any) -> Any:
    """None for pandas missing values."""
    t = type(v)
    if t is str or t is bool or t is int:  # the common cases, without pd.isna's cost (4M calls on ABP)
        return v
    if t is float:
        return None if math.isnan(v) else v
    try:
        return None if v is None or pd.isna(v) else v
    except (TypeError, ValueError):
        return v


def _ws(t: Any) -> str:
    return " ".join(str(t).split()) if _s(t) is not None else ""


def cell_text(text: Any, source: Any, descriptor: Any, hedged: Any = False, copy_of: Any = None) -> str:
    """A table cell: the figure as written with its source (its source group).

    Examples:
        >>> cell_text("more than 8,300", None, None)
        'more than 8,300 [unattributed]'
        >>> cell_text("8,306", "Gaza Health Ministry", "Hamas-run")
        "8,306 [Gaza Health Ministry, 'Hamas-run']"
        >>> cell_text("212", "Health Ministry", None, copy_of="Meridian Wire Service")
        '212 [Health Ministry] (copy of Meridian Wire Service)'
    """
    return (f"{_ws(text)} {source_text(source, descriptor)}" + (" (hedged)" if hedged is True else "")
            + (f" (copy of {copy_of})" if isinstance(copy_of, str) and copy_of else ""))


def source_text(source: Any, descriptor: Any) -> str:
    """'[Gaza Health Ministry, 'Hamas-run']' or '[unattributed]'."""
    src = _s(source)
    if not src:
        return "[unattributed]"
    d = _s(descriptor)
    return f"[{src}, '{d}']" if d else f"[{src}]"


def figure_label(group: Any, side: Any, metric: Any, place: Any, cumulative: Any) -> str:
    """What a figure cluster counts: "Palestinians killed in Gaza, cumulative".

    Examples:
        >>> figure_label("people", "palestinian", "killed", "Gaza", True)
        'Palestinians killed in Gaza, cumulative'
    """
    labels = scopes().labels
    g, sd = _s(group) or "people", _s(side) or ""
    who = labels.get(f"{g}/{sd}") or labels.get(f"{g}/") or (f"{sd} {g}".strip() if sd else g)
    words = METRIC_WORDS.get(str(metric), str(metric))
    if g == "hostages" and metric == "hostage":
        words = "held"  # "hostages held", not "hostages taken hostage"
    where = f" in {place}" if _s(place) else ""
    tail = ", cumulative" if cumulative is True else (", single event" if cumulative is False else "")
    return f"{who} {words}{where}{tail}"


def _syndication_maps(synd: pd.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    """claim_id -> syndication_id, and claim_id -> original outlet for copies."""
    if not len(synd):
        return {}, {}
    sid = dict(zip(synd["claim_id"], synd["syndication_id"]))
    frm = {c: o for c, o, orig in zip(synd["claim_id"], synd["original_outlet"], synd["is_original"]) if not orig}
    return sid, frm


def independent_count(outlets: list[str], synd_ids: list[Any]) -> int:
    """Independent reports: outlets, with outlets that carry one syndicated copy counted once."""
    if len(set(outlets)) <= 1:  # one outlet (most clusters): one report, whatever was syndicated
        return len(set(outlets))
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for o, s in zip(outlets, synd_ids):
        find(f"o:{o}")
        if isinstance(s, str) and s:
            a, b = find(f"o:{o}"), find(f"s:{s}")
            if a != b:
                parent[a] = b
    return len({find(f"o:{o}") for o in outlets})


def figure_cells(
    figs: pd.DataFrame, claims: pd.DataFrame, synd: pd.DataFrame, interval: FigureInterval,
    reference: ReferenceIndex | None = None,
) -> pd.DataFrame:
    """Long format: every clustered figure as a cell, with evidence and its relation to the cluster.

    The relation is that of the cell to its cluster's representative (the cell whose figure
    agrees with most others, earliest first); the representative itself is ``representative``.
    """
    if not len(figs):
        return pd.DataFrame(columns=CELL_COLUMNS)
    f = figs[figs["metric"].isin(MATCHED_METRICS)].copy()
    claim_of = {}
    if len(claims):
        # Only the claims of the cells' articles: a key per claim of ABP (851k) took 0.3 GB.
        near = claims.loc[claims["article_id"].isin(set(f["article_id"].tolist())),
                          ["article_id", "sentence_index", "claim_id"]]
        claim_of = dict(zip(zip(near["article_id"].tolist(), near["sentence_index"].tolist()),
                            near["claim_id"].tolist()))
        del near
    f["claim_id"] = [claim_of.get((a, i)) for a, i in zip(f["article_id"], f["sentence_index"])]
    sid, frm = _syndication_maps(synd)
    f["syndication_id"] = f["claim_id"].map(sid)
    f["syndicated_from"] = f["claim_id"].map(frm)
    if "source_group" not in f.columns:
        f["source_group"] = f["source_canonical"]
    if "running_cue" not in f.columns:
        f["running_cue"] = False
    f["cell"] = [cell_text(t, g if _s(g) else s, d, h, c) for t, g, s, d, h, c in
                 zip(f["text"], f["source_group"], f["source_canonical"], f["descriptor"], f["hedged"],
                     f["syndicated_from"])]
    rel, rels = [], []
    rep_of = representatives(f, interval)
    recs = records(f)
    by_id = {r["figure_id"]: r for r in recs}
    for r in recs:
        rep = by_id[rep_of[r["cluster_id"]]]
        if rep is r:
            rel.append("representative")
            rels.append("representative")
            continue
        x = figure_relations(rep, r, interval)
        rel.append(primary_relation(x))
        rels.append("|".join(x))
    f["relation"], f["relations"] = rel, rels
    for c in ("reference_value", "reference_date", "lag_days", "reference_match", "reference_series"):
        f[c] = None
    if reference is not None:
        hits = [reference.lookup(r["metric"], r["group"], r["place_scope"], r["side"], r["as_of"] or r["published"],
                                 r["value"], r["low"], r["high"], r["qualifier"])
                if r["cumulative"] is not False else None for r in recs]
        # A count of one strike ("a strike killed 13") is not a running total: only totals
        # (or figures of unknown kind within half of the reference) are set beside the series.
        hits = [h if h is None or r["cumulative"] is True or abs(h.value - _stated(r)) <= 0.5 * h.value else None
                for h, r in zip(hits, recs)]
        f["reference_value"] = [h.value if h else None for h in hits]
        f["reference_date"] = [h.date if h else None for h in hits]
        f["lag_days"] = pd.array([h.lag_days if h else None for h in hits], dtype="Int64")
        f["reference_match"] = pd.array([h.matches if h else None for h in hits], dtype="boolean")
        f["reference_series"] = [h.series if h else None for h in hits]
    f["text"] = [_ws(t) for t in f["text"]]
    out = f.reindex(columns=CELL_COLUMNS)
    return out.sort_values(["cluster_id", "published", "outlet", "start"], kind="stable", na_position="last").reset_index(drop=True)


def _groups(records: list[dict[str, Any]], key: str = "cluster_id") -> dict[Any, list[dict[str, Any]]]:
    """Records grouped by a key, groups in first-seen order (plain Python: per-group pandas is slow)."""
    out: dict[Any, list[dict[str, Any]]] = {}
    for r in records:
        out.setdefault(r[key], []).append(r)
    return out


def _pub_key(r: dict[str, Any]) -> tuple[str, str, Any]:
    """Sort key: publication date (unknown last), outlet, start."""
    p = _s(r.get("published"))
    return (str(p) if p else "\uffff", str(r.get("outlet") or ""), r.get("start") or 0)


def _stated(r: dict[str, Any]) -> float:
    """The number a figure states (value, else a bound), 0 when none."""
    for k in ("value", "low", "high"):
        v = _s(r.get(k))
        if v is not None:
            return float(v)
    return 0.0


def representatives(cells: pd.DataFrame, interval: FigureInterval) -> dict[str, str]:
    """cluster_id -> figure_id of its representative: the most common stated figure, earliest, attributed first."""
    out: dict[str, str] = {}
    for cid, g in _groups(records(cells)).items():
        counts = Counter((_nz(r["value"]), _nz(r["low"]), _nz(r["high"])) for r in g)
        best = max(g, key=lambda r: (counts[(_nz(r["value"]), _nz(r["low"]), _nz(r["high"]))], r["qualifier"] != "vague",
                                     _s(r["source_canonical"]) is not None, not _s(r.get("syndicated_from")),
                                     _neg_date(r["published"]), r["figure_id"]))
        out[str(cid)] = best["figure_id"]
    return out


def _nz(v: Any) -> Any:
    return -1 if _s(v) is None else v


def _neg_date(v: Any) -> int:
    d = parse_day(v)
    return -(d.toordinal() if d else 10**7)


def _wide(long: pd.DataFrame, index_cols: list[str], value_col: str, meta: pd.DataFrame) -> pd.DataFrame:
    """Pivot cells to one column per outlet (several cells of an outlet joined by " | ").

    Rows are ``meta``'s, in its order; outlet columns follow, most cells first (then by name);
    a missing cell is NaN. Built from plain lists into one object array: a groupby-unstack
    plus merge cost 43 CPU s and several GB on ABP's 589k x 491 table.
    """
    meta = meta.reset_index(drop=True)
    if not len(long):
        return meta
    keys = (long[index_cols[0]].tolist() if len(index_cols) == 1
            else list(zip(*(long[c].tolist() for c in index_cols))))
    counts: Counter[Any] = Counter()
    by_outlet: dict[Any, dict[Any, dict[Any, None]]] = {}
    for k, o, v in zip(keys, long["outlet"].tolist(), long[value_col].tolist()):
        if _s(o) is None:
            continue
        counts[o] += 1
        if all(_s(x) is not None for x in (k if len(index_cols) > 1 else (k,))):  # groupby drops NA keys
            by_outlet.setdefault(o, {}).setdefault(k, {})[v] = None  # in order, each value once
    cols = sorted(by_outlet, key=lambda o: (-counts[o], str(o)))
    meta_keys = (meta[index_cols[0]].tolist() if len(index_cols) == 1
                 else list(zip(*(meta[c].tolist() for c in index_cols))))
    pos = {k: i for i, k in enumerate(meta_keys)}
    columns = {}
    for o in cols:
        cells: list[str | None] = [None] * len(meta)
        for k, vals in by_outlet[o].items():
            i = pos.get(k)
            if i is not None:
                cells[i] = " | ".join(vals)
        columns[o] = _str_column(cells)
    return pd.concat([meta, pd.DataFrame(columns, index=meta.index, columns=pd.Index(cols, dtype=object))], axis=1)


# The dtype pandas gives a column of strings ("str", backed by pyarrow in pandas 3).
_STR_DTYPE = pd.Series(["x"]).dtype


def _str_column(values: list[str | None]) -> Any:
    """A column of strings and missing values, with the dtype pandas would infer for it.

    Built through pyarrow when pandas stores strings there: inferring each of ABP's 491
    outlet columns (589k mostly-missing cells) from Python objects took 23 of 48 CPU s.
    """
    if isinstance(_STR_DTYPE, pd.StringDtype) and _STR_DTYPE.storage == "pyarrow":
        import pyarrow as pa

        return pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string()), dtype=_STR_DTYPE)
    return pd.array(values, dtype=_STR_DTYPE) if isinstance(_STR_DTYPE, pd.StringDtype) else \
        np.array([np.nan if v is None else v for v in values], dtype=object)


_CLUSTER_COLUMNS = ["cluster_id", "kind", "label", "representative_claim_id", "representative_text",
                    "representative_cell", "n_claims", "n_outlets", "n_independent", "first_published",
                    "last_published", "as_of_from", "as_of_to"]


def figure_cluster_rows(cells: pd.DataFrame) -> list[tuple[Any, ...]]:
    """The figure clusters' rows of clusters.csv (by cluster id), described from their cells."""
    rows = []
    for cid, g in sorted(_groups(records(cells)).items()) if len(cells) else []:
        rep = next(r for r in g if r["relation"] == "representative")
        place = Counter(r["place_scope"] for r in g if _s(r["place_scope"])).most_common(1)
        cum = (True if any(r["cumulative"] is True or r.get("running_cue") is True for r in g)
               else (False if all(r["cumulative"] is False for r in g) else None))
        outlets = [r["outlet"] or "" for r in g]
        rows.append(_cluster_row(
            cid, "figure", figure_label(rep["group"], rep["side"], rep["metric"], place[0][0] if place else None, cum),
            rep["claim_id"], _ws(rep["sentence"]), rep["cell"], len({r["claim_id"] for r in g}), outlets,
            independent_count(outlets, [r["syndication_id"] for r in g]), [r["published"] for r in g],
            [r["as_of"] for r in g]))
    return rows


def clusters_table(claims: pd.DataFrame, cells: pd.DataFrame, synd: pd.DataFrame,
                   figure_rows: list[tuple[Any, ...]] | None = None, background: bool = False) -> pd.DataFrame:
    """clusters.csv: id, kind, label, representative claim, dates, outlets and independent reports.

    Figure clusters are described from their cells (every clustered figure; ``figure_rows``:
    their rows made already by ``figure_cluster_rows``), claim clusters from their claims.
    With ``background``, the rows of the second half of the claim clusters (by id) are made
    in a forked child (``match.background.Deferred``) and put after this process's: the same
    rows, in the same parts, so the same table.
    """
    cols = _CLUSTER_COLUMNS
    sid, _ = _syndication_maps(synd)
    rows = _TableParts(cols)
    for row in figure_cluster_rows(cells) if figure_rows is None else figure_rows:
        rows.append(row)
    fig_ids = set(cells["cluster_id"]) if len(cells) else set()
    # The text claims' rows, not a copy of them (851k claims on ABP, each with its text).
    text_rows = np.flatnonzero(~claims["cluster_id"].isin(fig_ids).to_numpy()) if len(claims) else np.zeros(0, int)
    if not len(text_rows):
        return rows.frame()
    names = _TEXT_CLUSTER_COLUMNS
    df = claims[names]
    order, starts = _group_order(df["cluster_id"].take(text_rows))
    order = text_rows[order]
    n_groups = len(starts) - 1
    half = n_groups // 2 if background else n_groups  # one row per claim cluster
    before = rows.count

    def second_half() -> tuple[list[tuple[Any, ...]], list[pd.DataFrame]]:
        """The rows of the clusters after ``half``, as parts continuing this process's."""
        part = _TableParts(cols, offset=before + half)
        _text_cluster_rows(_group_slices(df, order, starts, half, n_groups, TEXT_CLUSTER_SLICE_ROWS), sid, part)
        return part.detach()

    pending = Deferred(second_half, True, "clusters.csv rows") if half < n_groups else None
    _text_cluster_rows(_group_slices(df, order, starts, 0, half, TEXT_CLUSTER_SLICE_ROWS), sid, rows)
    if pending is not None:
        rows.extend(*pending.result())
    return rows.frame()


def _text_cluster_rows(slices: Iterator[tuple[pd.DataFrame, list[int]]], sid: dict[str, str],
                       rows: _TableParts) -> None:
    """clusters.csv rows of the claim clusters of ``slices`` (``_group_slices``), added to ``rows``."""
    names = _TEXT_CLUSTER_COLUMNS
    for sub, bounds in slices:
        values = [column_values(sub[c]) for c in names]  # the values records(sub) holds
        cid_of, claim_of, text_of, speaker_of, _, published_of, as_of_of = values
        for a, b in itertools.pairwise(bounds):
            if b - a == 1:
                # Most text clusters are one claim (630k of ABP's 660k): its row straight from the
                # columns, as _cluster_row makes it (one outlet, one independent report).
                text = _ws(text_of[a])
                pub = str(published_of[a]) if _s(published_of[a]) else None
                aso = str(as_of_of[a]) if _s(as_of_of[a]) else None
                rows.append((cid_of[a], "claim", _text_label({"speaker": speaker_of[a]}, text), claim_of[a],
                             text[:300], None, 1, 1, 1, pub, pub, aso, aso))
                continue
            g = [dict(zip(names, vals)) for vals in zip(*(v[a:b] for v in values))]
            g.sort(key=lambda r: (str(_s(r["published"]) or "\uffff"), r["claim_id"]))
            rep = g[0]
            outlets = [r["outlet"] or "" for r in g]
            text = _ws(rep["text"])  # once: the label and the representative text both start from it
            rows.append(_cluster_row(g[0]["cluster_id"], "claim", _text_label(rep, text), rep["claim_id"], text, None,
                                     len(g), outlets, independent_count(outlets, [sid.get(r["claim_id"]) for r in g]),
                                     [r["published"] for r in g], [r["as_of"] for r in g]))


#: Rows of a built table held as Python tuples at a time (``_TableParts``).
TABLE_PART_ROWS = 50_000


class _TableParts:
    """A table's rows (tuples in column order) turned into a DataFrame part every
    ``TABLE_PART_ROWS`` rows, then into one frame with the dtypes one ``pd.DataFrame(rows)``
    gives (``concat_parts``).

    All of clusters.csv's 695k rows of ABP as Python tuples (labels, representative texts,
    dates as Python strings) took 0.6 GB beside the table they became, the peak of matching.
    """

    def __init__(self, columns: list[str], part_rows: int | None = None, offset: int = 0) -> None:
        self.columns = columns
        self.part_rows = part_rows or TABLE_PART_ROWS
        self.rows: list[tuple[Any, ...]] = []
        self.parts: list[pd.DataFrame] = []
        self.count = 0
        # Rows of the table made elsewhere before these (``detach``): the first rows here end
        # the part those began, so they stay tuples until put after them (``extend``).
        self._open = offset % self.part_rows
        self._head: list[tuple[Any, ...]] = []

    def append(self, row: tuple[Any, ...]) -> None:
        """Add a row; a full part becomes a DataFrame."""
        self.rows.append(row)
        self.count += 1
        if len(self.rows) + self._open >= self.part_rows:
            self._flush()

    def _flush(self) -> None:
        if self._open:
            self._head, self.rows, self._open = self.rows, [], 0
            return
        self.parts.append(pd.DataFrame(self.rows, columns=self.columns))
        self.rows = []

    def detach(self) -> tuple[list[tuple[Any, ...]], list[pd.DataFrame]]:
        """These rows, to be put after the ``offset`` rows made elsewhere (``extend``): the rows
        ending the part those began, as tuples, then the parts (the last one maybe short)."""
        if self._open:
            return self.rows, []
        if self.rows:
            self._flush()
        return self._head, self.parts

    def extend(self, head: list[tuple[Any, ...]], parts: list[pd.DataFrame]) -> None:
        """Put after these rows the rows ``detach`` gave, made with ``offset`` = ``count``."""
        for row in head:
            self.append(row)
        if parts:
            assert not self.rows, "the parts do not continue these rows"
            self.parts.extend(parts)
            self.count += sum(len(p) for p in parts)

    def frame(self) -> pd.DataFrame:
        """The whole table (the parts are emptied)."""
        if self.rows or not self.parts:
            self._flush()
        parts, self.parts = self.parts, []
        return concat_parts(parts)


#: Claims turned into dicts at a time by ``clusters_table`` (whole clusters per slice).
TEXT_CLUSTER_SLICE_ROWS = 100_000


def _sorted_groups(df: pd.DataFrame, rows: np.ndarray, slice_rows: int) -> Iterator[tuple[Any, list[dict[str, Any]]]]:
    """``sorted(_groups(records(df.iloc[rows])).items())``, with about ``slice_rows`` rows as dicts at a time.

    Rows are ordered by ``cluster_id`` (stable, so a group keeps the table's order) and turned
    into dicts a slice of whole groups at a time: one dict per text claim of ABP (800k, with
    their texts as Python strings) took 1.9 GB in clusters_table.
    """
    for sub, bounds in _sorted_slices(df, rows, slice_rows):
        recs = records(sub)
        for a, b in itertools.pairwise(bounds):
            g = recs[a:b]
            yield g[0]["cluster_id"], g


def _sorted_slices(df: pd.DataFrame, rows: np.ndarray, slice_rows: int) -> Iterator[tuple[pd.DataFrame, list[int]]]:
    """Rows ``rows`` of ``df`` ordered by ``cluster_id`` (stable), about ``slice_rows`` rows of whole
    groups at a time: each slice, and its groups' starts in it followed by its length."""
    if not len(rows):
        return
    order, starts = _group_order(df["cluster_id"].take(rows))
    yield from _group_slices(df, rows[order], starts, 0, len(starts) - 1, slice_rows)


def _group_slices(df: pd.DataFrame, order: np.ndarray, starts: list[int], first: int, stop: int,
                  slice_rows: int) -> Iterator[tuple[pd.DataFrame, list[int]]]:
    """``_sorted_slices`` of groups ``first`` to ``stop`` (excluded) of the rows ``order``
    (``_group_order``, as rows of ``df``) whose groups start at ``starts``."""
    i = first
    while i < stop:
        j = i + 1
        while j < stop and starts[j] - starts[i] < slice_rows:
            j += 1
        lo, hi = starts[i], starts[j]
        yield df.take(order[lo:hi]), [s - lo for s in starts[i:j + 1]]
        i = j


def _group_order(keys: pd.Series) -> tuple[np.ndarray, list[int]]:
    """Positions ordering ``keys`` (stable) and the starts of its runs of equal keys (then its length).

    Strings stored in Arrow are sorted there, in the order Python gives them (UTF-8 bytes
    sort as code points): an object array of ABP's 830k text cluster ids took 1.5 CPU s to
    sort and 0.1 GB.
    """
    if _is_arrow_str(keys) and not keys.isna().any():
        arr = pa.array(keys.array)
        by_key = pc.sort_indices(arr)
        sk = arr.take(by_key)
        differs = pc.not_equal(sk.slice(1), sk.slice(0, len(sk) - 1)).to_numpy(zero_copy_only=False)
        order = by_key.to_numpy(zero_copy_only=False).astype(np.int64)
    else:
        vals = np.asarray(column_values(keys), dtype=object)
        order = np.argsort(vals, kind="stable")
        sv = vals[order]
        differs = sv[1:] != sv[:-1]
    return order, np.flatnonzero(np.r_[True, differs]).tolist() + [len(keys)]


def _is_arrow_str(col: pd.Series) -> bool:
    return isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow"


def _cluster_row(cid: Any, kind: str, label: str, rep_id: Any, rep_text: str, rep_cell: Any, n_claims: int,
                 outlets: list[str], n_independent: int, published: list[Any], as_of: list[Any]) -> tuple[Any, ...]:
    """One clusters.csv row, its values in the table's column order (``rep_text`` already through _ws)."""
    pub = sorted(str(a) for a in published if _s(a))
    aso = sorted(str(a) for a in as_of if _s(a))
    return (cid, kind, label, rep_id, rep_text[:300], rep_cell, n_claims, len(set(outlets)), n_independent,
            pub[0] if pub else None, pub[-1] if pub else None, aso[0] if aso else None, aso[-1] if aso else None)


# Claims columns the text rows of clusters.csv read (_text_label, _cluster_row, sort keys).
_TEXT_CLUSTER_COLUMNS = ["cluster_id", "claim_id", "text", "speaker", "outlet", "published", "as_of"]


def _text_label(rep: Any, text: str | None = None) -> str:
    """Label of a text cluster: speaker and the start of the representative claim (``text``: its _ws)."""
    t = strip_outlet_suffix(_ws(rep["text"]) if text is None else text)
    t = t if len(t) <= 90 else t[:87].rsplit(" ", 1)[0] + "..."
    spk = _s(rep.get("speaker"))
    return f"{spk}: {t}" if spk else t


def figure_table(cells: pd.DataFrame, clusters: pd.DataFrame, min_outlets: int = 1,
                 conflicts: list[tuple[str, str]] | None = None,
                 interval: FigureInterval | None = None) -> pd.DataFrame:
    """figure_table.csv: one row per figure series (the stages of one count), one column per outlet.

    A row holds the stage clusters of one series (``match/series.py``): the ministry's 212 on
    Tuesday and its 230 on Wednesday side by side; each outlet's cells are joined with " | "
    in as-of order. ``relations`` lists how the row's cells differ from its representative
    (``updated_figure``, ``attributed_vs_unattributed``, ...) and ``conflicts_with`` the
    representative cell and id of each row reporting a conflicting figure from another source
    at the same time.
    """
    meta_cols = ["series_id", "cluster_ids", "label", "as_of_from", "as_of_to", "n_outlets", "n_independent",
                 "n_stages", "representative_cell", "reference", "relations", "conflicts_with"]
    if not len(cells):
        return pd.DataFrame(columns=meta_cols)
    interval = interval or FigureInterval(0.02, 0.02)
    cells = cells.copy()
    if "series_id" not in cells.columns or cells["series_id"].isna().any():
        cells["series_id"] = cells.get("series_id", pd.Series(index=cells.index, dtype=object)).fillna(cells["cluster_id"])
    info = clusters[clusters["kind"] == "figure"].set_index("cluster_id")
    stage_key = _stage_order(clusters)
    recs = records(cells)
    by_series = _groups(recs, "series_id")
    rep_cell = series_representatives(recs, clusters)
    rows = []
    for sid, g in by_series.items():
        rep = rep_cell[str(sid)]
        main = rep["cluster_id"]
        cids = sorted({r["cluster_id"] for r in g}, key=stage_key)
        aso = sorted(str(r["as_of"]) for r in g if _s(r["as_of"]))
        rels = sorted({x for r in g if r is not rep for x in figure_relations(rep, r, interval)} & DISAGREEMENTS)
        # Each stage's reference beside it: "8,005 (2023-10-29); 8,309 (2023-10-30)".
        stage_rep = {r["cluster_id"]: r for r in g if r["relation"] == "representative"}
        refs = [next((x for x in sorted((r for r in g if r["cluster_id"] == c), key=lambda r: r is not stage_rep.get(c))
                      if _s(x["reference_value"]) is not None), None) for c in cids]
        ref_text = "; ".join(dict.fromkeys(f"{int(x['reference_value']):,} ({x['reference_date']})" for x in refs if x))
        label = info["label"].get(main) if len(cids) == 1 else _series_label(g, rep)
        rows.append({"series_id": sid, "cluster_ids": "; ".join(map(str, cids)), "label": label,
                     "as_of_from": aso[0] if aso else None, "as_of_to": aso[-1] if aso else None,
                     "n_outlets": len({r["outlet"] for r in g}),
                     "n_independent": independent_count([r["outlet"] or "" for r in g], [r["syndication_id"] for r in g]),
                     "n_stages": len(cids), "representative_cell": rep["cell"],
                     "reference": ref_text or None,
                     "relations": "; ".join(rels) or None, "conflicts_with": None})
    meta = pd.DataFrame(rows, columns=meta_cols)
    links: dict[str, list[str]] = {}
    for a, b in conflicts or []:
        if a in rep_cell and b in rep_cell:
            ca, cb = conflict_cells(by_series[a], by_series[b])
            links.setdefault(a, []).append(f"{cb['cell']} ({b})")
            links.setdefault(b, []).append(f"{ca['cell']} ({a})")
    meta["conflicts_with"] = meta["series_id"].map(lambda x: "; ".join(links.get(x, [])) or None)
    meta = meta[meta["n_outlets"] >= min_outlets]
    meta = meta.sort_values(["as_of_from", "label", "series_id"], na_position="last")
    long = cells[cells["series_id"].isin(set(meta["series_id"]))].sort_values(
        ["as_of", "published", "outlet", "start"], kind="stable", na_position="last")
    return _wide(long, ["series_id"], "cell", meta)


def conflict_cells(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stage representatives of two conflicting rows reported closest in time (later first on ties)."""
    ra = [r for r in a if r["relation"] == "representative"] or a
    rb = [r for r in b if r["relation"] == "representative"] or b
    def day(r: dict[str, Any]) -> int:
        d = parse_day(r["as_of"] if _s(r["as_of"]) else r["published"])
        return d.toordinal() if d else 0
    return min(((x, y) for x in ra for y in rb),
               key=lambda p: (abs(day(p[0]) - day(p[1])), -day(p[0]) - day(p[1]), p[0]["figure_id"], p[1]["figure_id"]))


def series_representatives(recs: list[dict[str, Any]], clusters: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """series_id -> the cell representing the row: its first stage's representative.

    The count as first reported represents the row (later stages read as its updates); among
    stages of the same first day, the one most outlets carried.
    """
    stage_key = _stage_order(clusters)
    out: dict[str, dict[str, Any]] = {}
    for sid, g in _groups(recs, "series_id").items():
        main = min({r["cluster_id"] for r in g}, key=stage_key)
        out[str(sid)] = next(r for r in g if r["cluster_id"] == main and r["relation"] == "representative")
    return out


def _stage_order(clusters: pd.DataFrame) -> Callable[[Any], tuple[str, int, str]]:
    """Sort key of a row's stage clusters: first as-of date, most outlets, id.

    Read from dicts made once (a Series look-up per key, 28k of them, took 2 CPU s on ABP);
    a cluster missing from ``clusters`` sorts as ``Series.get`` gave it (as-of "None", 0 outlets).
    """
    fig = clusters[clusters["kind"] == "figure"]
    ids = fig["cluster_id"].tolist()
    as_of = dict(zip(ids, fig["as_of_from"].tolist()))
    n_out = dict(zip(ids, fig["n_outlets"].tolist()))
    return lambda c: (str(as_of.get(c)), -int(n_out.get(c, 0)), str(c))


def _series_label(g: list[dict[str, Any]], rep: dict[str, Any]) -> str:
    """Label of a row of several stages: what is counted, where, and whether it is a running total."""
    place = Counter(r["place_scope"] for r in g if _s(r["place_scope"])).most_common(1)
    running = any(r["cumulative"] is True or r.get("running_cue") is True for r in g)
    cum = True if running else (False if all(r["cumulative"] is False for r in g) else None)
    return figure_label(rep["group"], rep["side"], rep["metric"], place[0][0] if place else None, cum)


def attribution_table(claims: pd.DataFrame, clusters: pd.DataFrame, min_outlets: int = 1,
                      cells: pd.DataFrame | None = None) -> pd.DataFrame:
    """attribution_table.csv: one row per claim cluster; each outlet's cell is its source as attributed.

    A figure cluster's cells are the sources of its figures (as in figure_table), since a
    sentence can carry several figures and its claim is clustered on one of them only ("212
    killed, with dozens more missing": the 'dozens missing' row still shows who said it).
    Text clusters take their claims' speakers.
    """
    meta = clusters[clusters["n_outlets"] >= min_outlets][["cluster_id", "kind", "label", "n_outlets", "n_independent"]]
    keep = set(meta["cluster_id"])
    parts = []
    if cells is not None and len(cells):
        f = cells[cells["cluster_id"].isin(keep)]
        src = [g if _s(g) else s for g, s in zip(f["source_group"], f["source_canonical"])]
        parts.append(pd.DataFrame({"cluster_id": f["cluster_id"].to_numpy(), "outlet": f["outlet"].to_numpy(),
                                   "speaker": src, "descriptor": f["descriptor"].to_numpy(),
                                   "hedged": f["hedged"].to_numpy()}))
        keep -= set(f["cluster_id"])
    # The five columns of the kept rows (a row mask over all columns copied ABP's claim texts).
    parts.append(claims.loc[claims["cluster_id"].isin(keep), ["cluster_id", "outlet", "speaker", "descriptor", "hedged"]])
    c = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].copy()
    c["attribution"] = [source_text(s, d).strip("[]") + (" (hedged)" if h is True else "")
                        for s, d, h in zip(c["speaker"], c["descriptor"], c["hedged"])]
    n_src = c.groupby("cluster_id")["attribution"].nunique()
    meta = meta.assign(n_sources=meta["cluster_id"].map(n_src).fillna(0).astype(int))
    meta = meta.sort_values(["n_outlets", "cluster_id"], ascending=[False, True])
    return _wide(c, ["cluster_id"], "attribution", meta)


def first_reports(claims: pd.DataFrame, clusters: pd.DataFrame, articles: pd.DataFrame | None,
                  min_outlets: int = 1) -> pd.DataFrame:
    """first_reports.csv: per cluster, outlets in order of publication and who was first.

    ``timing`` is ``time`` when the first report has a publication time, ``date_only`` when
    only its date is known (so ties are real ties), ``missing`` when no date is known.
    """
    cols = ["cluster_id", "label", "n_outlets", "first_outlet", "first_published", "first_article_id",
            "first_claim_id", "tied_with", "timing", "outlets_in_order"]
    keep = clusters[clusters["n_outlets"] >= min_outlets]
    info = {c: (lab, n) for c, lab, n in zip(keep["cluster_id"], keep["label"], keep["n_outlets"])}
    rows = []
    need = [c for c in ("cluster_id", "claim_id", "article_id", "outlet", "published", "published_precision", "start")
            if c in claims.columns]  # the columns read below (_pub_key, the row)
    rows_in = np.flatnonzero(claims["cluster_id"].isin(info).to_numpy()) if len(claims) else np.zeros(0, np.int64)
    for cid, g in _sorted_groups(claims[need] if len(claims) else claims, rows_in, TEXT_CLUSTER_SLICE_ROWS):
        g.sort(key=lambda r: (*_pub_key(r), r["claim_id"]))
        firsts = list({r["outlet"]: r for r in reversed(g)}.values())[::-1]
        firsts.sort(key=lambda r: (*_pub_key(r), r["claim_id"]))
        first = firsts[0]
        pub = _s(first["published"])
        tied = [r["outlet"] for r in firsts[1:] if pub and r["published"] == pub]
        timing = "missing" if not pub else ("time" if "T" in str(pub) or first.get("published_precision") == "time"
                                            else "date_only")
        rows.append({
            "cluster_id": cid, "label": info[cid][0], "n_outlets": int(info[cid][1]),
            "first_outlet": first["outlet"], "first_published": pub, "first_article_id": first["article_id"],
            "first_claim_id": first["claim_id"], "tied_with": "; ".join(map(str, tied)) or None, "timing": timing,
            "outlets_in_order": "; ".join(f"{r['outlet']} ({_s(r['published']) or 'date unknown'})" for r in firsts),
        })
    return pd.DataFrame(rows, columns=cols)


def discrepancies(cells: pd.DataFrame, claims: pd.DataFrame, clusters: pd.DataFrame, interval: FigureInterval,
                  max_pairs: int = 200, conflicts: list[tuple[str, str]] | None = None) -> pd.DataFrame:
    """discrepancies.csv: pairs of cells from different outlets of one row that disagree.

    Figure rows (series: the stages of one count) compare every outlet's cells pairwise (at
    most ``max_pairs`` per row, earliest first), so the ministry's 212 and the next day's 230
    are an ``updated_figure``; each pair of conflicting rows (another source's figure at the
    same time) adds one pair of their representative cells, with ``linked_series_id``. Text
    clusters compare quotes and sources.
    """
    cols = ["cluster_id", "series_id", "linked_series_id", "label", "relation", "relations", "outlet_a", "cell_a",
            "article_a", "start_a", "end_a", "published_a", "outlet_b", "cell_b", "article_b", "start_b", "end_b",
            "published_b", "detail"]
    fig_ids = set(cells["cluster_id"]) if len(cells) else set()
    text_rows, text_ids = _multi_outlet_text_rows(claims, fig_ids)
    # Labels of the rows that can have pairs only (a Python string per cluster of ABP took 0.15 GB).
    with_label = clusters["cluster_id"].isin(fig_ids) | clusters["cluster_id"].isin(text_ids)
    label = dict(zip(clusters.loc[with_label, "cluster_id"].tolist(), clusters.loc[with_label, "label"].tolist()))
    rows = _TableParts(cols)
    recs_all = records(cells) if len(cells) else []
    for r in recs_all:
        r["series_id"] = r.get("series_id") if _s(r.get("series_id")) else r["cluster_id"]
    def disagreeing(a: dict[str, Any], b: dict[str, Any]) -> list[str] | None:
        rel = figure_relations(a, b, interval)
        return rel if DISAGREEMENTS.intersection(rel) else None

    by_series = _groups(recs_all, "series_id")
    for sid, recs in sorted(by_series.items()):
        for a, b, rel in _cross_outlet_pairs(recs, disagreeing, max_pairs):
            rows.append(_pair(a["cluster_id"], label.get(a["cluster_id"]), rel, a, b, a["cell"], b["cell"], "",
                              series=sid))
    for sa, sb in conflicts or []:
        if sa in by_series and sb in by_series:
            a, b = conflict_cells(by_series[sa], by_series[sb])
            # Another source's count at the same time is a conflict, whichever is larger, unless
            # the two numbers agree ("at least 230" is not contradicted by 340, but the
            # ministry's count and the opposition's differ).
            rel = figure_relations(a, b, interval)
            agree = IntervalsCompatible(0.0)(interval(a["value"], a["low"], a["high"], a["qualifier"]),
                                            interval(b["value"], b["low"], b["high"], b["qualifier"]))
            if not agree:
                rel = ["conflicting_figure" if x in ("updated_figure", "qualifier_only") else x for x in rel]
            rows.append(_pair(a["cluster_id"], label.get(a["cluster_id"]), rel, a, b, a["cell"], b["cell"], "",
                              series=sa, linked=sb))
    del recs_all, by_series

    def differing(a: dict[str, Any], b: dict[str, Any]) -> tuple[list[str], str] | None:
        rel, detail = text_relations(a, b)
        return (rel, detail) if rel else None

    # The columns the pairs read (text_relations, _pair, _pub_key), whole clusters a slice at a time.
    need = [c for c in _TEXT_PAIR_COLUMNS if c in claims.columns]
    for cid, recs in _sorted_groups(claims[need] if len(claims) else claims, text_rows, TEXT_CLUSTER_SLICE_ROWS):
        for a, b, (rel, detail) in _cross_outlet_pairs(recs, differing, max_pairs):
            ca = _ws(a.get("quote") or a["text"]) + " " + source_text(a["speaker"], a["descriptor"])
            cb = _ws(b.get("quote") or b["text"]) + " " + source_text(b["speaker"], b["descriptor"])
            rows.append(_pair(cid, label.get(cid), rel, a, b, ca, cb, detail))
    return rows.frame()


def _multi_outlet_text_rows(claims: pd.DataFrame, fig_ids: set[Any]) -> tuple[np.ndarray, Any]:
    """Positions of the text claims (cluster not in ``fig_ids``) whose cluster has two outlets
    or more (only those can hold a cross-outlet pair), and those clusters' ids.

    Counted on integer codes (a missing outlet is one outlet, as in a Python set of the values):
    lists and sets of ABP's 851k cluster ids and outlets took 0.2 GB.
    """
    if not len(claims):
        return np.zeros(0, dtype=np.int64), []
    rows = np.flatnonzero(~claims["cluster_id"].isin(fig_ids).to_numpy())
    if not len(rows):
        return rows, []
    cc, ids = pd.factorize(claims["cluster_id"].take(rows), use_na_sentinel=False)
    oc, _ = pd.factorize(claims["outlet"].take(rows), use_na_sentinel=False)
    # Two outlets or more: the cluster's smallest and largest outlet codes differ (every cluster
    # code occurs). np.unique of (cluster, outlet) pairs took 0.3-0.7 CPU s on ABP, this 5 ms.
    low = np.full(len(ids), np.iinfo(oc.dtype).max, dtype=oc.dtype)
    high = np.full(len(ids), -1, dtype=oc.dtype)
    np.minimum.at(low, cc, oc)
    np.maximum.at(high, cc, oc)
    multi = low != high
    return rows[multi[cc]], ids[multi]


# Claims columns the text pairs of discrepancies.csv read.
_TEXT_PAIR_COLUMNS = ("cluster_id", "outlet", "article_id", "start", "end", "published", "quote", "text", "speaker",
                      "descriptor")


def _cross_outlet_pairs(
    recs: list[dict[str, Any]], judge: Callable[[dict[str, Any], dict[str, Any]], R | None], max_pairs: int
) -> Iterator[tuple[dict[str, Any], dict[str, Any], R]]:
    """The first ``max_pairs`` pairs of different outlets, in publication order, that ``judge`` keeps.

    Sorts ``recs`` in place by publication; yields ``(a, b, judge(a, b))`` where that is not None.
    """
    if len({r["outlet"] for r in recs}) < 2:
        return iter(())
    recs.sort(key=_pub_key)
    kept = ((a, b, got) for i, a in enumerate(recs) for b in recs[i + 1:]
            if a["outlet"] != b["outlet"] and (got := judge(a, b)) is not None)
    return islice(kept, max_pairs)


def _pair(cid: Any, label: Any, rel: list[str], a: dict[str, Any], b: dict[str, Any], ca: str, cb: str,
          detail: str, series: Any = None, linked: Any = None) -> tuple[Any, ...]:
    """One discrepancies row, its values in the table's column order (a tuple: 311k rows on ABP)."""
    return (cid, series, linked, label, primary_relation(rel), "|".join(rel),
            a["outlet"], ca, a["article_id"], a["start"], a["end"], a["published"],
            b["outlet"], cb, b["article_id"], b["start"], b["end"], b["published"], detail)


def table_min_outlets(match: dict[str, Any], n_clusters: int) -> int:
    """The ``[match] table_min_outlets`` in force for a run with ``n_clusters`` clusters.

    ``"auto"`` keeps every cluster while there are at most ``table_auto_max_rows`` of them,
    else only clusters reported by at least 2 outlets (on ABP 95% of 589k clusters have one
    outlet: a row each made a 589k x 491 attribution_table); an integer forces its value.

    Examples:
        >>> table_min_outlets({"table_min_outlets": "auto", "table_auto_max_rows": 50000}, 120)
        1
        >>> table_min_outlets({"table_min_outlets": "auto", "table_auto_max_rows": 50000}, 589056)
        2
        >>> table_min_outlets({"table_min_outlets": 3, "table_auto_max_rows": 50000}, 120)
        3

    Raises:
        ConfigError: The setting, or table_auto_max_rows, has a value of the wrong kind.
    """
    check_table_settings(match)
    v = match["table_min_outlets"]
    if v == "auto":
        return 1 if n_clusters <= int(match["table_auto_max_rows"]) else 2
    return int(v)


def single_outlet_note(clusters: pd.DataFrame, min_outlets: int) -> str:
    """What the wide tables leave out, for the log and the HTML report ("" when nothing)."""
    if min_outlets <= 1 or not len(clusters):
        return ""
    left = int((clusters["n_outlets"] < min_outlets).sum())
    if not left:
        return ""
    who = "one outlet only" if min_outlets == 2 else f"fewer than {min_outlets} outlets"
    return (f"{left:,} of {len(clusters):,} clusters reported by {who} are in clusters.csv (and claims.csv) "
            f"but not in figure_table.csv, attribution_table.csv or first_reports.csv "
            f"(table_min_outlets = {min_outlets}).")


@dataclass
class FigureTables:
    """The figure side of the comparison tables: it reads the figures, their clusters, the
    claims' ids and syndication, not the text claims' clusters (``match_frames`` makes it beside
    text clustering).

    Attributes:
        cells: figure_cells.csv, with ``series_id``.
        conflicts: Pairs of series reporting conflicting figures (``figure_series``).
        cluster_rows: The figure clusters' rows of clusters.csv (``figure_cluster_rows``).
    """

    cells: pd.DataFrame
    conflicts: list[tuple[str, str]]
    cluster_rows: list[tuple[Any, ...]]


def figure_tables(figs: pd.DataFrame, claims: pd.DataFrame, synd: pd.DataFrame, config: dict[str, Any],
                  reference: ReferenceIndex | None = None) -> FigureTables:
    """Figure cells, their series and conflicts, and the figure clusters' rows of clusters.csv.

    Args:
        figs: Figures (``prepare_figures``) with ``cluster_id``.
        claims: Claims (``article_id``, ``sentence_index`` and ``claim_id`` are read).
        synd: syndication.csv rows.
        config: Settings (``[match]``).
        reference: Reference series index, optional.

    Returns:
        The figure side of ``build_tables``.
    """
    m = config["match"]
    interval = FigureInterval(m["relation_slack"], m["relation_slack"])
    cells = figure_cells(figs, claims, synd, interval, reference)
    conflicts: list[tuple[str, str]] = []
    if len(cells):
        rep_of = dict(zip(cells.loc[cells["relation"] == "representative", "cluster_id"],
                          cells.loc[cells["relation"] == "representative", "figure_id"]))
        clustered = figs[figs["figure_id"].isin(set(cells["figure_id"]))]
        series_of, conflicts = figure_series(clustered, rep_of, interval, SeriesSettings.from_config(m))
        cells["series_id"] = cells["cluster_id"].map(series_of)
    return FigureTables(cells, conflicts, figure_cluster_rows(cells))


def build_tables(claims: pd.DataFrame, figs: pd.DataFrame, synd: pd.DataFrame, config: dict[str, Any],
                 articles: pd.DataFrame | None = None, reference: ReferenceIndex | None = None,
                 figure_part: FigureTables | None = None, background: bool = False) -> dict[str, pd.DataFrame]:
    """Every comparison table from clustered claims and figures.

    Args:
        claims: Claims with ``cluster_id``.
        figs: Figures (``prepare_figures``) with ``cluster_id``.
        synd: syndication.csv rows.
        config: Settings (``[match]``).
        articles: The articles table (publication precision), optional.
        reference: Reference series index, optional.
        figure_part: ``figure_tables`` of the same figures, claims and syndication, made
            already (else made here).
        background: Make half of clusters.csv's claim rows in a forked child
            (``clusters_table``; the same table).

    Returns:
        claims, figures, clusters, figure_cells, figure_table, attribution_table, first_reports,
        discrepancies, syndication.
    """
    m = config["match"]
    interval = FigureInterval(m["relation_slack"], m["relation_slack"])
    sid, frm = _syndication_maps(synd)
    claims = claims.copy(deep=False)  # columns are added, none changed (a deep copy took 50 MB on ABP)
    claims["syndication_id"] = claims["claim_id"].map(sid)
    claims["syndicated_from"] = claims["claim_id"].map(frm)
    if figure_part is None:
        figure_part = figure_tables(figs, claims, synd, config, reference)
    cells, conflicts = figure_part.cells, figure_part.conflicts
    clusters = clusters_table(claims, cells, synd, figure_part.cluster_rows, background)
    del figure_part
    k = table_min_outlets(m, len(clusters))
    if m["table_min_outlets"] == "auto":
        log.info("table_min_outlets = auto: %d for %d clusters (every cluster up to table_auto_max_rows = %d)",
                 k, len(clusters), int(m["table_auto_max_rows"]))
    if note := single_outlet_note(clusters, k):
        log.info("%s", note)
    # first_reports and discrepancies in a child beside the two wide tables saved ~1.5 CPU s
    # of the parent on ABP but raised the peak (parent and child) by 0.1 GB: made here in turn.
    return {
        "claims": claims,
        "figures": figs,
        "clusters": clusters,
        "figure_cells": cells,
        "figure_table": figure_table(cells, clusters, k, conflicts, interval),
        "attribution_table": attribution_table(claims, clusters, k, cells),
        "first_reports": first_reports(claims, clusters, articles, k),
        "discrepancies": discrepancies(cells, claims, clusters, interval, m["max_discrepancy_pairs"], conflicts),
        "syndication": synd,
    }


__all__ = [
    "FigureTables", "attribution_table", "build_tables", "cell_text", "clusters_table", "discrepancies", "figure_cells",
    "figure_cluster_rows", "figure_label", "figure_table", "figure_tables", "first_reports", "independent_count",
    "representatives", "single_outlet_note", "source_text", "table_min_outlets",
]
