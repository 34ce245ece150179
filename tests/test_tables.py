"""Comparison tables from hand-built clustered figures (modelled on gaza-news and the seed)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_match import _headline_frames

from provenance.config import load_config
from provenance.match import match_frames
from provenance.pipeline import run
from provenance.report.tables import cell_text, figure_label, independent_count


@pytest.mark.parametrize("text, source, descriptor, hedged, expected", [
    ("more than 8,300", None, None, False, "more than 8,300 [unattributed]"),
    ("8,306", "Gaza Health Ministry", "Hamas-run", False, "8,306 [Gaza Health Ministry, 'Hamas-run']"),
    ("more  than  1,400", "Israel", None, True, "more than 1,400 [Israel] (hedged)"),
])
def test_cell_text(text, source, descriptor, hedged, expected):
    assert cell_text(text, source, descriptor, hedged) == expected


@pytest.mark.parametrize("args, expected", [
    (("people", "palestinian", "killed", "Gaza", True), "Palestinians killed in Gaza, cumulative"),
    (("children", "palestinian", "killed", None, None), "Palestinian children killed"),
    (("hostages", "held", "hostage", "Gaza", None), "hostages held in Gaza"),
    (("people", "israeli", "killed", "Israel", False), "Israelis killed in Israel, single event"),
])
def test_figure_label(args, expected):
    assert figure_label(*args) == expected


def test_independent_count_merges_syndicated_outlets():
    assert independent_count(["UN News", "DPPA", "Reuters"], ["s1", "s1", None]) == 2
    assert independent_count(["A", "A", "B"], [None, None, None]) == 2


@pytest.fixture(scope="module")
def tables():
    return match_frames(_headline_frames(), load_config())


def test_figure_table_has_one_row_per_series_and_a_column_per_outlet(tables):
    ft = tables["figure_table"]
    assert len(ft) == tables["figure_cells"]["series_id"].nunique()
    # Every figure cluster is in exactly one row.
    stages = [c for ids in ft["cluster_ids"] for c in ids.split("; ")]
    assert sorted(stages) == sorted(tables["clusters"].query("kind == 'figure'")["cluster_id"])
    for outlet in ("Reuters", "NPR", "NBC News", "Radio Habana Cuba"):
        assert outlet in ft.columns
    row = ft[ft["NBC News"].notna()].iloc[0]
    assert row["NBC News"] == "passes 10,000 [Gaza Health Ministry]"
    assert row["Reuters"] == "tops 10000 [unattributed]"


def test_first_reports_orders_outlets_and_flags_date_only(tables):
    fr = tables["first_reports"]
    row = fr[fr["n_outlets"] == 3].iloc[0]
    assert row["first_outlet"] == "NPR"  # a tie with Reuters on 5 Nov, broken by name
    assert row["tied_with"] == "Reuters"
    assert row["timing"] == "date_only"
    assert row["outlets_in_order"].endswith("NBC News (2023-11-06)")


def test_discrepancies_name_the_relation_and_both_cells(tables):
    d = tables["discrepancies"]
    assert len(d)
    assert set(d["relation"]) <= {"attributed_vs_unattributed", "qualifier_only", "different_source", "updated_figure",
                                  "conflicting_figure", "different_scope", "quote_wording_changed"}
    assert d["cell_a"].notna().all() and d["cell_b"].notna().all()


def test_clusters_table_labels(tables):
    c = tables["clusters"]
    assert "Palestinians killed in Gaza, cumulative" in set(c["label"])
    assert (c["n_independent"] <= c["n_outlets"]).all()


def test_attribution_table_figure_rows_take_every_figure_source(tmp_path: Path) -> None:
    # The sample corpus: "... has risen to 212, ... with dozens more still missing" is one
    # claim, clustered on 212; the 'dozens missing' figure cluster must still show its sources.
    sample = Path(__file__).resolve().parents[1] / "corpora" / "sample"
    run([str(sample)], tmp_path, workers=1)
    at = pd.read_csv(tmp_path / "attribution_table.csv")
    cells = pd.read_csv(tmp_path / "figure_cells.csv")
    figure_rows = at[at["kind"] == "figure"]
    assert len(figure_rows)
    outlets = [c for c in at.columns if c not in ("cluster_id", "kind", "label", "n_outlets", "n_independent",
                                                  "n_sources")]
    for _, row in figure_rows.iterrows():
        in_cells = set(cells.loc[cells["cluster_id"] == row["cluster_id"], "outlet"])
        filled = {o for o in outlets if isinstance(row[o], str) and row[o]}
        assert filled == in_cells, row["label"]
        assert row["n_sources"] >= 1
