"""The comparison tables a fact-checker reads: DataFrames in, DataFrames out.

figure_table (one row per figure cluster, one column per outlet) and its long twin
figure_cells (every cell with its article, offsets, sentence, rule, confidence, relation and
reference value; ``report/cells.py``); attribution_table; first_reports; discrepancies;
clusters (``report/clusters.py``). Every cell traces back to an article and character offsets.
Big tables are built a part at a time (``report/row_parts.py``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from provenance.config import check_table_settings
from provenance.frames import records
from provenance.match.comparisons import FigureInterval, IntervalsCompatible, parse_day
from provenance.match.reference import ReferenceIndex
from provenance.match.relations import DISAGREEMENTS, figure_relations, primary_relation, text_relations
from provenance.match.series import SeriesSettings, figure_series
from provenance.report.cells import (
    cell_text,
    figure_cells,
    figure_label,
    grouped,
    independent_count,
    present,
    publication_key,
    representatives,
    source_text,
    squash_ws,
    syndication_maps,
)
from provenance.report.clusters import clusters_table, figure_cluster_rows
from provenance.report.row_parts import TableParts, sorted_groups

R = TypeVar("R")

log = logging.getLogger(__name__)

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
        if present(o) is None:
            continue
        counts[o] += 1
        if all(present(x) is not None for x in (k if len(index_cols) > 1 else (k,))):  # groupby drops NA keys
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
    by_series = grouped(recs, "series_id")
    rep_cell = series_representatives(recs, clusters)
    rows = []
    for sid, g in by_series.items():
        rep = rep_cell[str(sid)]
        main = rep["cluster_id"]
        cids = sorted({r["cluster_id"] for r in g}, key=stage_key)
        aso = sorted(str(r["as_of"]) for r in g if present(r["as_of"]))
        rels = sorted({x for r in g if r is not rep for x in figure_relations(rep, r, interval)} & DISAGREEMENTS)
        # Each stage's reference beside it: "8,005 (2023-10-29); 8,309 (2023-10-30)".
        stage_rep = {r["cluster_id"]: r for r in g if r["relation"] == "representative"}
        refs = [next((x for x in sorted((r for r in g if r["cluster_id"] == c), key=lambda r: r is not stage_rep.get(c))
                      if present(x["reference_value"]) is not None), None) for c in cids]
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
        d = parse_day(r["as_of"] if present(r["as_of"]) else r["published"])
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
    for sid, g in grouped(recs, "series_id").items():
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
    place = Counter(r["place_scope"] for r in g if present(r["place_scope"])).most_common(1)
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
        src = [g if present(g) else s for g, s in zip(f["source_group"], f["source_canonical"])]
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
            if c in claims.columns]  # the columns read below (publication_key, the row)
    rows_in = np.flatnonzero(claims["cluster_id"].isin(info).to_numpy()) if len(claims) else np.zeros(0, np.int64)
    for cid, g in sorted_groups(claims[need] if len(claims) else claims, rows_in):
        g.sort(key=lambda r: (*publication_key(r), r["claim_id"]))
        firsts = list({r["outlet"]: r for r in reversed(g)}.values())[::-1]
        firsts.sort(key=lambda r: (*publication_key(r), r["claim_id"]))
        first = firsts[0]
        pub = present(first["published"])
        tied = [r["outlet"] for r in firsts[1:] if pub and r["published"] == pub]
        timing = "missing" if not pub else ("time" if "T" in str(pub) or first.get("published_precision") == "time"
                                            else "date_only")
        rows.append({
            "cluster_id": cid, "label": info[cid][0], "n_outlets": int(info[cid][1]),
            "first_outlet": first["outlet"], "first_published": pub, "first_article_id": first["article_id"],
            "first_claim_id": first["claim_id"], "tied_with": "; ".join(map(str, tied)) or None, "timing": timing,
            "outlets_in_order": "; ".join(f"{r['outlet']} ({present(r['published']) or 'date unknown'})" for r in firsts),
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
    rows = TableParts(cols)
    recs_all = records(cells) if len(cells) else []
    for r in recs_all:
        r["series_id"] = r.get("series_id") if present(r.get("series_id")) else r["cluster_id"]
    def disagreeing(a: dict[str, Any], b: dict[str, Any]) -> list[str] | None:
        rel = figure_relations(a, b, interval)
        return rel if DISAGREEMENTS.intersection(rel) else None

    by_series = grouped(recs_all, "series_id")
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

    # The columns the pairs read (text_relations, _pair, publication_key), whole clusters a slice at a time.
    need = [c for c in _TEXT_PAIR_COLUMNS if c in claims.columns]
    for cid, recs in sorted_groups(claims[need] if len(claims) else claims, text_rows):
        for a, b, (rel, detail) in _cross_outlet_pairs(recs, differing, max_pairs):
            ca = squash_ws(a.get("quote") or a["text"]) + " " + source_text(a["speaker"], a["descriptor"])
            cb = squash_ws(b.get("quote") or b["text"]) + " " + source_text(b["speaker"], b["descriptor"])
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
    recs.sort(key=publication_key)
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
    sid, frm = syndication_maps(synd)
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
