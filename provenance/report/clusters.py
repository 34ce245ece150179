"""clusters.csv: one row per cluster (figure or claim) with its label, representative claim,
dates, outlets and independent reports.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from provenance.frames import column_values, records
from provenance.match.background import Deferred
from provenance.match.comparisons import strip_outlet_suffix
from provenance.report.cells import (
    figure_label,
    grouped,
    independent_count,
    present,
    squash_ws,
    syndication_maps,
)
from provenance.report.row_parts import TableParts, group_order, group_slices

CLUSTER_COLUMNS = ["cluster_id", "kind", "label", "representative_claim_id", "representative_text",
                    "representative_cell", "n_claims", "n_outlets", "n_independent", "first_published",
                    "last_published", "as_of_from", "as_of_to"]


def figure_cluster_rows(cells: pd.DataFrame) -> list[tuple[Any, ...]]:
    """The figure clusters' rows of clusters.csv (by cluster id), described from their cells."""
    rows = []
    for cid, g in sorted(grouped(records(cells)).items()) if len(cells) else []:
        rep = next(r for r in g if r["relation"] == "representative")
        place = Counter(r["place_scope"] for r in g if present(r["place_scope"])).most_common(1)
        cum = (True if any(r["cumulative"] is True or r.get("running_cue") is True for r in g)
               else (False if all(r["cumulative"] is False for r in g) else None))
        outlets = [r["outlet"] or "" for r in g]
        rows.append(cluster_row(
            cid, "figure", figure_label(rep["group"], rep["side"], rep["metric"], place[0][0] if place else None, cum),
            rep["claim_id"], squash_ws(rep["sentence"]), rep["cell"], len({r["claim_id"] for r in g}), outlets,
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
    cols = CLUSTER_COLUMNS
    sid, _ = syndication_maps(synd)
    rows = TableParts(cols)
    for row in figure_cluster_rows(cells) if figure_rows is None else figure_rows:
        rows.append(row)
    fig_ids = set(cells["cluster_id"]) if len(cells) else set()
    # The text claims' rows, not a copy of them (851k claims on ABP, each with its text).
    text_rows = np.flatnonzero(~claims["cluster_id"].isin(fig_ids).to_numpy()) if len(claims) else np.zeros(0, int)
    if not len(text_rows):
        return rows.frame()
    names = TEXT_CLUSTER_COLUMNS
    df = claims[names]
    order, starts = group_order(df["cluster_id"].take(text_rows))
    order = text_rows[order]
    n_groups = len(starts) - 1
    half = n_groups // 2 if background else n_groups  # one row per claim cluster
    before = rows.count

    def second_half() -> tuple[list[tuple[Any, ...]], list[pd.DataFrame]]:
        """The rows of the clusters after ``half``, as parts continuing this process's."""
        part = TableParts(cols, offset=before + half)
        _text_cluster_rows(group_slices(df, order, starts, half, n_groups), sid, part)
        return part.detach()

    pending = Deferred(second_half, True, "clusters.csv rows") if half < n_groups else None
    _text_cluster_rows(group_slices(df, order, starts, 0, half), sid, rows)
    if pending is not None:
        rows.extend(*pending.result())
    return rows.frame()


def _text_cluster_rows(slices: Iterator[tuple[pd.DataFrame, list[int]]], sid: dict[str, str],
                       rows: TableParts) -> None:
    """clusters.csv rows of the claim clusters of ``slices`` (``group_slices``), added to ``rows``."""
    names = TEXT_CLUSTER_COLUMNS
    for sub, bounds in slices:
        values = [column_values(sub[c]) for c in names]  # the values records(sub) holds
        cid_of, claim_of, text_of, speaker_of, _, published_of, as_of_of = values
        for a, b in itertools.pairwise(bounds):
            if b - a == 1:
                # Most text clusters are one claim (630k of ABP's 660k): its row straight from the
                # columns, as cluster_row makes it (one outlet, one independent report).
                text = squash_ws(text_of[a])
                pub = str(published_of[a]) if present(published_of[a]) else None
                aso = str(as_of_of[a]) if present(as_of_of[a]) else None
                rows.append((cid_of[a], "claim", text_label({"speaker": speaker_of[a]}, text), claim_of[a],
                             text[:300], None, 1, 1, 1, pub, pub, aso, aso))
                continue
            g = [dict(zip(names, vals)) for vals in zip(*(v[a:b] for v in values))]
            g.sort(key=lambda r: (str(present(r["published"]) or "\uffff"), r["claim_id"]))
            rep = g[0]
            outlets = [r["outlet"] or "" for r in g]
            text = squash_ws(rep["text"])  # once: the label and the representative text both start from it
            rows.append(cluster_row(g[0]["cluster_id"], "claim", text_label(rep, text), rep["claim_id"], text, None,
                                     len(g), outlets, independent_count(outlets, [sid.get(r["claim_id"]) for r in g]),
                                     [r["published"] for r in g], [r["as_of"] for r in g]))


def cluster_row(cid: Any, kind: str, label: str, rep_id: Any, rep_text: str, rep_cell: Any, n_claims: int,
                 outlets: list[str], n_independent: int, published: list[Any], as_of: list[Any]) -> tuple[Any, ...]:
    """One clusters.csv row, its values in the table's column order (``rep_text`` already through squash_ws)."""
    pub = sorted(str(a) for a in published if present(a))
    aso = sorted(str(a) for a in as_of if present(a))
    return (cid, kind, label, rep_id, rep_text[:300], rep_cell, n_claims, len(set(outlets)), n_independent,
            pub[0] if pub else None, pub[-1] if pub else None, aso[0] if aso else None, aso[-1] if aso else None)


# Claims columns the text rows of clusters.csv read (text_label, cluster_row, sort keys).
TEXT_CLUSTER_COLUMNS = ["cluster_id", "claim_id", "text", "speaker", "outlet", "published", "as_of"]


def text_label(rep: Any, text: str | None = None) -> str:
    """Label of a text cluster: speaker and the start of the representative claim (``text``: its squash_ws)."""
    t = strip_outlet_suffix(squash_ws(rep["text"]) if text is None else text)
    t = t if len(t) <= 90 else t[:87].rsplit(" ", 1)[0] + "..."
    spk = present(rep.get("speaker"))
    return f"{spk}: {t}" if spk else t
