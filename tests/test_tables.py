"""Comparison tables from hand-built clustered figures (modelled on gaza-news and the seed)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_match import _headline_frames

from provenance.config import load_config
from provenance.errors import ConfigError
from provenance.match import match_frames
from provenance.pipeline import run
from provenance.report.tables import (
    _wide,
    cell_text,
    figure_label,
    independent_count,
    single_outlet_note,
    table_min_outlets,
)


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


def test_auto_table_min_outlets_keeps_small_runs_whole_and_drops_single_outlet_rows_of_big_ones(tables):
    cfg = load_config()
    assert cfg["match"]["table_min_outlets"] == "auto"
    clusters = tables["clusters"]
    assert (clusters["n_outlets"] == 1).any()  # singletons exist, and a small run keeps them
    assert len(tables["attribution_table"]) == len(clusters)
    assert set(tables["first_reports"]["cluster_id"]) == set(clusters["cluster_id"])
    # The same clusters past the row limit: only clusters with two outlets or more get a row.
    big = load_config(overrides={"match": {"table_auto_max_rows": len(clusters) - 1}})
    again = match_frames(_headline_frames(), big)
    assert table_min_outlets(big["match"], len(clusters)) == 2
    multi = set(clusters.loc[clusters["n_outlets"] >= 2, "cluster_id"])
    assert multi and set(again["attribution_table"]["cluster_id"]) == multi
    assert set(again["first_reports"]["cluster_id"]) == multi
    assert (again["figure_table"]["n_outlets"] >= 2).all()
    assert again["clusters"].equals(clusters)  # clusters.csv keeps every cluster
    note = single_outlet_note(clusters, 2)
    assert f"{int((clusters['n_outlets'] == 1).sum()):,} of {len(clusters):,} clusters" in note
    # An explicit integer forces its value whatever the size; nonsense is refused on load.
    assert table_min_outlets({"table_min_outlets": 1, "table_auto_max_rows": 0}, 10**6) == 1
    with pytest.raises(ConfigError, match="table_min_outlets"):
        load_config(overrides={"match": {"table_min_outlets": "two"}})


def test_wide_pivot_matches_a_groupby_unstack() -> None:
    long = pd.DataFrame({"k": ["a", "a", "b", "a", "c", None, "b"], "outlet": ["X", "Y", "X", "X", "Z", "Y", None],
                         "v": ["1", "2", "3", "4", "5", "6", "7"]})
    meta = pd.DataFrame({"k": ["c", "b", "a", "d"], "label": ["lc", "lb", "la", "ld"]}, index=[9, 8, 7, 6])
    got = _wide(long, ["k"], "v", meta)
    joined = long.groupby(["k", "outlet"], sort=False)["v"].agg(lambda s: " | ".join(dict.fromkeys(s)))
    wide = joined.unstack("outlet")
    order = long["outlet"].value_counts()
    wide = wide[sorted(wide.columns, key=lambda o: (-int(order.get(o, 0)), str(o)))].reset_index()
    expected = meta.merge(wide, on=["k"], how="left")
    assert list(got.columns) == ["k", "label", "X", "Y", "Z"]
    pd.testing.assert_frame_equal(got, expected, check_column_type=False, check_dtype=False)
    assert got.loc[2, "X"] == "1 | 4" and pd.isna(got.loc[3, "X"])


def test_tables_built_in_small_parts_equal_tables_built_whole(monkeypatch) -> None:
    from provenance.pipeline import collect
    from provenance.report import row_parts

    frames = collect([str(Path(__file__).resolve().parents[1] / "corpora" / "sample")], workers=1)
    whole = match_frames(frames, load_config())
    # Several parts and slices below (clusters of text claims, discrepancies of both kinds).
    assert len(whole["clusters"]) > 10 and (whole["clusters"]["kind"] == "claim").sum() > 4
    assert whole["discrepancies"]["series_id"].isna().sum() > 2 and len(whole["first_reports"]) > 4
    monkeypatch.setattr(row_parts, "TABLE_PART_ROWS", 2)
    monkeypatch.setattr(row_parts, "TEXT_CLUSTER_SLICE_ROWS", 3)
    small = match_frames(frames, load_config())
    for name in ("clusters", "discrepancies", "first_reports", "figure_table", "attribution_table", "figure_cells"):
        pd.testing.assert_frame_equal(small[name], whole[name])


def test_table_parts_give_the_dtypes_of_one_frame() -> None:
    from provenance.report.row_parts import TableParts

    rows = [("a", None, 1, None, True), ("b", None, 2, 1.5, False), ("c", "x", 3, None, True),
            ("d", None, 4, 2.0, False), (None, "y", 5, None, True)]
    cols = ["s", "late", "n", "f", "b"]
    parts = TableParts(cols, part_rows=2)
    for r in rows:
        parts.append(r)
    pd.testing.assert_frame_equal(parts.frame(), pd.DataFrame(rows, columns=cols))
    assert_empty = TableParts(cols).frame()
    pd.testing.assert_frame_equal(assert_empty, pd.DataFrame([], columns=cols))


@pytest.mark.parametrize("dtype", ["str", object])
def test_group_order_is_a_stable_sort_with_run_starts(dtype) -> None:
    import random

    from provenance.report.row_parts import group_order

    rng = random.Random(7)
    keys = [rng.choice(["b", "a", "é", "z", "ab", "Ä", "a b", "😀", "c", "ﬁ"]) for _ in range(500)]
    order, starts = group_order(pd.Series(keys, dtype=dtype))
    expected = sorted(range(len(keys)), key=lambda i: keys[i])  # Python's sort is stable
    assert order.tolist() == expected
    assert starts == [i for i in range(len(keys)) if i == 0 or keys[expected[i]] != keys[expected[i - 1]]] + [500]


def test_multi_outlet_text_rows_match_sets_of_outlets() -> None:
    import random

    from provenance.report.tables import _multi_outlet_text_rows

    rng = random.Random(3)
    n = 400
    claims = pd.DataFrame({"cluster_id": [f"c{rng.randint(0, 60)}" for _ in range(n)],
                           "outlet": [rng.choice(["A", "B", "C", None]) for _ in range(n)]})
    fig_ids = {"c1", "c2", "c3"}
    cids, outs = claims["cluster_id"].tolist(), claims["outlet"].tolist()
    seen: dict[str, set] = {}
    for c, o in zip(cids, outs):
        if c not in fig_ids:
            seen.setdefault(c, set()).add(o)
    rows, ids = _multi_outlet_text_rows(claims, fig_ids)
    assert rows.tolist() == [i for i, c in enumerate(cids) if c not in fig_ids and len(seen[c]) >= 2]
    assert sorted(ids) == sorted(c for c, s in seen.items() if len(s) >= 2)


def test_one_claim_text_clusters_read_from_columns_equal_their_record_rows() -> None:
    """clusters_table writes a text cluster of one claim straight from the claims' columns: the
    row cluster_row makes from the claim's record (the path of clusters of several claims)."""
    from provenance.frames import records
    from provenance.pipeline import collect
    from provenance.report.cells import squash_ws
    from provenance.report.clusters import cluster_row, clusters_table, text_label

    frames = collect([str(Path(__file__).resolve().parents[1] / "corpora" / "sample")], workers=1)
    m = match_frames(frames, load_config())
    claims, cells = m["claims"], m["figure_cells"]
    text = claims[~claims["cluster_id"].isin(set(cells["cluster_id"]))]
    sizes = text["cluster_id"].value_counts()
    assert (sizes == 1).sum() >= 3 and (sizes > 1).sum() >= 3  # both paths are taken
    got = clusters_table(claims, cells, m["syndication"]).set_index("cluster_id")
    for r in records(text[text["cluster_id"].map(sizes).eq(1)]):
        t = squash_ws(r["text"])
        want = cluster_row(r["cluster_id"], "claim", text_label(r, t), r["claim_id"], t, None, 1,
                            [r["outlet"] or ""], independent_count([r["outlet"] or ""], [None]),
                            [r["published"]], [r["as_of"]])
        row = got.loc[r["cluster_id"]]
        assert [None if pd.isna(v) else v for v in row.tolist()] == [None if v is None else v for v in want[1:]]
