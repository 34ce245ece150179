"""The HTML report: self-contained, deterministic, every table present or plainly empty."""

from __future__ import annotations

import html as htmllib
import os
import re
import stat
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_frames import matched_frames, sample_frames

from provenance.config import load_config
from provenance.report import write_report
from provenance.report.html import fmt_figure, fmt_source, mark_text, render_html


@pytest.fixture(scope="module")
def matched_html() -> str:
    return render_html(matched_frames(), load_config())


def test_empty_run_says_so() -> None:
    page = render_html({"articles": pd.DataFrame(columns=["article_id", "outlet"]),
                        "rejected": pd.DataFrame(columns=["input", "row", "reason", "skipped"])})
    assert "No figures were extracted in this run." in page
    assert "No attributions were extracted in this run." in page
    assert page.count("Not computed in this run") == 2  # discrepancies, syndication
    assert "not computed in this run" in page  # claims/clusters rows of the summary


def test_self_contained_no_network(matched_html: str) -> None:
    assert "<script src" not in matched_html and "<link" not in matched_html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", matched_html.replace(
        'href="https://', "")), "only article links may point outside the page"
    assert "@import" not in matched_html and not re.search(r"url\(\s*['\"]?(https?:)?//", matched_html)
    ids = re.findall(r' id="([^"]+)"', matched_html)
    assert len(ids) == len(set(ids)), "element ids are unique (plots included)"
    assert len(matched_html) < 1_000_000


def test_deterministic() -> None:
    assert render_html(matched_frames(), load_config()) == render_html(matched_frames(), load_config())


def test_summary_and_sections(matched_html: str) -> None:
    for section in ('id="summary"', 'id="figure-table"', 'id="attribution-table"', 'id="discrepancies"',
                    'id="syndication"', 'id="articles"', "<svg"):
        assert section in matched_html
    assert re.search(r"<th scope=\"row\">Articles</th><td class=\"n\">5</td>", matched_html)


def test_figure_table_one_row_per_cluster_one_column_per_outlet(matched_html: str) -> None:
    table = re.search(r'<table id="figure-table".*?</table>', matched_html, re.DOTALL).group(0)
    heads = re.findall(r'<button type="button" class="sort"[^>]*>(.*?)</button>', table)
    frames = matched_frames()
    assert heads[0] == "cluster" and heads[-1] == "outlets"
    assert set(heads[1:-1]) == set(frames["figure_cells"]["outlet"])
    assert table.count("<tr>") - 1 == frames["figure_cells"]["cluster_id"].nunique()


def test_every_cell_opens_evidence_with_highlights(matched_html: str) -> None:
    ids = set(re.findall(r'data-ev="(ev\d+)"', matched_html))
    templates = dict(re.findall(r'<template id="(ev\d+)">(.*?)</template>', matched_html, re.DOTALL))
    assert ids and ids <= set(templates)
    killed = [t for t in templates.values() if "m-figure" in t and "m-source" in t and "m-cue" in t]
    assert killed, "some figure evidence highlights figure, source and cue together"
    one = killed[0]
    for label in ("Outlet", "Published", "URL", "Relation", "Reference"):
        assert f"<dt>{label}</dt>" in one or label == "URL"


def test_neutral_wording(matched_html: str) -> None:
    """The tool's own words show who said what; they never judge (data cells aside)."""
    page = re.sub(r"<(style|script|pre|table|template)\b.*?</\1>", " ", matched_html, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", page).lower()
    for word in ("false", "wrong", "lie", "lies", "incorrect", "misleading", "fake", "accurate", "true"):
        assert not re.search(rf"\b{word}\b", text), word


@pytest.mark.parametrize("row, expected", [
    ({"value": 8300.0, "low": 8300.0, "high": None, "qualifier": "more_than"}, "more than 8,300"),
    ({"value": 8306.0, "low": 8306.0, "high": 8306.0, "qualifier": "exact"}, "8,306"),
    ({"value": None, "low": 200.0, "high": 230.0, "qualifier": "range"}, "200–230"),
    ({"value": 9000.0, "low": None, "high": None, "qualifier": "about"}, "about 9,000"),
    ({"value": None, "low": 24.0, "high": 99.0, "qualifier": "vague", "text": "dozens"}, "dozens"),
    ({"value": 2.5, "low": 2.5, "high": 2.5, "qualifier": "exact"}, "2.5"),
])
def test_fmt_figure(row: dict, expected: str) -> None:
    assert fmt_figure(row) == expected


def test_fmt_source() -> None:
    assert fmt_source({"source_canonical": None}) == "[unattributed]"
    assert fmt_source({"source_canonical": "Gaza Health Ministry", "descriptor": "Hamas-run"}) == \
        "[Gaza Health Ministry, “Hamas-run”]"


@given(st.text(max_size=60), st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70),
                                                st.sampled_from(["figure", "cue", "source", "descriptor"])),
                                      max_size=6))
def test_mark_text_keeps_the_text(text: str, spans: list) -> None:
    out = mark_text(text, spans)
    assert htmllib.unescape(re.sub(r"<[^>]+>", "", str(out))) == text


def test_write_report_writes_report_html(tmp_path: Path) -> None:
    frames = sample_frames()
    written = write_report(frames, tmp_path, load_config())
    assert tmp_path / "report.html" in written
    page = (tmp_path / "report.html").read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    # written a piece at a time as the template renders: the page render_html returns
    assert (tmp_path / "report.html").read_bytes() == render_html(sample_frames(), load_config()).encode()
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file left behind"
    mask = os.umask(0o022)
    os.umask(mask)
    for p in written:  # ordinary files, readable by whoever may read the folder (not mkstemp's 0600)
        assert stat.S_IMODE(p.stat().st_mode) == 0o666 & ~mask, p


def test_real_sample_run_page_matches_its_tables(tmp_path: Path) -> None:
    """Whatever the extractors and matcher produce, the page shows it: counts and every figure cell."""
    from conftest import REPO

    from provenance import pipeline

    pipeline.run([str(REPO / "corpora" / "sample")], tmp_path, config=load_config(), workers=1)
    page = (tmp_path / "report.html").read_text("utf-8")
    for name, label in (("articles", "Articles"), ("figures", "Figures extracted"), ("claims", "Claims"),
                        ("discrepancies", "Discrepancies (outlets differ)")):
        p = tmp_path / f"{name}.csv"
        if p.exists():
            n = len(pd.read_csv(p))
            assert f'<th scope="row">{label}</th><td class="n">{n:,}</td>' in page, name
    cells_csv = tmp_path / "figure_cells.csv"
    if cells_csv.exists():
        cells = pd.read_csv(cells_csv)
        shown = htmllib.unescape(page)
        for cell in cells.get("cell", pd.Series(dtype=str)).dropna():
            assert str(cell) in shown, cell


def test_big_tables_are_cut_to_a_budget_of_reports_and_their_own_outlets(monkeypatch: pytest.MonkeyPatch) -> None:
    from provenance.report import html as H

    frames = matched_frames()
    monkeypatch.setattr(H, "MAX_CELL_ENTRIES", 1)
    monkeypatch.setattr(H, "MAX_ENTRIES", 1)
    page = render_html(frames, load_config())
    table = re.search(r'<table id="attribution-table".*?</table>', page, re.DOTALL).group(0)
    heads = re.findall(r'<button type="button" class="sort"[^>]*>(.*?)</button>', table)
    claims = frames["claims"]
    n_out = claims.groupby("cluster_id")["outlet"].nunique()
    top = n_out.sort_values(ascending=False).index[0]  # the first row is shown whatever the budget
    assert table.count("<tr>") - 1 == 1
    assert set(heads[1:-1]) == set(claims.loc[claims["cluster_id"] == top, "outlet"])  # only its outlets
    most = int(claims[claims["cluster_id"] == top].groupby("outlet").size().max())
    assert most > 1 and f"+ {most - 1} more" in table
    assert f"Showing 1 of {claims['cluster_id'].nunique()} clusters" in page
    assert "a page table shows at most 1,000 rows and 1 reports" in page


def test_summary_says_which_clusters_the_outlet_tables_leave_out() -> None:
    frames = matched_frames()
    n_out = frames["claims"].groupby("cluster_id")["outlet"].nunique()
    frames["clusters"] = frames["clusters"].assign(n_outlets=frames["clusters"]["cluster_id"].map(n_out).fillna(1))
    singles = int((frames["clusters"]["n_outlets"] < 2).sum())
    assert singles  # the fixture has a cluster reported by one outlet
    small = render_html(frames, load_config())
    assert "reported by one outlet only" not in small  # under table_auto_max_rows: every cluster kept
    big = render_html(frames, load_config(overrides={"match": {"table_auto_max_rows": 0}}))
    assert f"{singles:,} of {len(frames['clusters']):,} clusters reported by one outlet only are in clusters.csv" in big


def test_cluster_labels_read_on_demand_equal_the_whole_dict() -> None:
    import random

    from provenance.report.html import ClusterLabels, _cluster_labels, _top_clusters

    rng = random.Random(5)
    ids = [f"c{i:03d}" for i in range(300)]
    clusters = pd.DataFrame({"cluster_id": ids,
                             "label": [rng.choice(["b label", "a label", None, "", f"own {i}"]) for i in range(300)]})
    attribution = pd.DataFrame({"cluster_id": ids[::3], "label": [f"attr {i}" for i in range(100)]})
    frames = {"clusters": clusters, "attribution_table": attribution}
    whole = _cluster_labels(frames)
    lazy = ClusterLabels(frames)
    asked = rng.sample(ids, 40) + ["missing"]
    lazy.fetch(asked[:20])
    assert {c: lazy.get(c, "") for c in asked} == {c: whole.get(c, "") for c in asked}
    # The shown clusters: most outlets first, then label and id, as when every cluster is sorted.
    cells = pd.DataFrame({"cluster_id": [rng.choice(ids) for _ in range(900)],
                          "outlet": [rng.choice("ABCDE") for _ in range(900)],
                          "published": [f"2023-10-0{rng.randint(1, 9)}" for _ in range(900)]})
    for limit in (1, 7, 50, 1000):
        got, total = _top_clusters(cells, ClusterLabels(frames), limit)
        want, want_total = _top_clusters(cells, whole, limit)
        n_of = cells.groupby("cluster_id")["outlet"].nunique()
        order = sorted(n_of.index, key=lambda c: (-int(n_of[c]), whole.get(c, ""), c))[:limit]
        assert [g[0] for g in got] == [g[0] for g in want] == order
        assert total == want_total == len(n_of)


def _in_chunks(df: pd.DataFrame, size: int) -> pd.DataFrame:
    """``df`` with every Arrow-backed column split into chunks of ``size`` rows (as concatenated parts are)."""
    import pyarrow as pa

    out = df.copy(deep=False)
    for c in df.columns:
        arr = df[c].array
        if not hasattr(arr, "_pa_array"):
            continue
        whole = arr._pa_array.combine_chunks()
        chunks = [whole.slice(i, size) for i in range(0, len(whole), size)]
        out[c] = pd.Series(type(arr)(pa.chunked_array(chunks, type=whole.type), dtype=arr.dtype), index=df.index)
        assert out[c].array._pa_array.num_chunks == len(chunks) > 1
    return out


@pytest.mark.parametrize("layout", ["sorted", "chunked", "interleaved", "interleaved+chunked"])
@pytest.mark.parametrize("name", ["attributions", "figures", "claims"])
def test_rows_by_article_read_as_one_take_per_article_would(name: str, layout: str) -> None:
    """ByArticle reads an article's rows by slice when they are contiguous, by take otherwise, and
    many articles at once with ``load``: every way gives what ``take`` of the article's rows gave."""
    import numpy as np

    from provenance.report.html_parts import ByArticle

    df = matched_frames()[name].sort_values("article_id", kind="stable").reset_index(drop=True)
    if "interleaved" in layout:  # each article's first row, then each one's second, ...: not contiguous
        df = df.iloc[np.lexsort((df["article_id"].to_numpy(), df.groupby("article_id").cumcount().to_numpy()))]
        df = df.reset_index(drop=True)
    if "chunked" in layout:
        df = _in_chunks(df, 2)
    positions = {a: np.flatnonzero((df["article_id"] == a).to_numpy()) for a in df["article_id"].unique()}
    assert len(positions) > 1
    if layout == "sorted":
        assert all(p[-1] - p[0] + 1 == len(p) for p in positions.values())  # the slice path is taken
    if "interleaved" in layout:
        assert any(p[-1] - p[0] + 1 != len(p) for p in positions.values())  # the take path is taken
    want = {a: [{str(c): v for c, v in zip(df.columns, vals)}
                for vals in zip(*(df.take(p)[c].tolist() for c in df.columns))] for a, p in positions.items()}
    def plain(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:  # NaN == NaN, and its type kept
        return {a: [{c: ("NaN", type(v)) if isinstance(v, float) and v != v else v for c, v in r.items()}
                    for r in rs] for a, rs in rows.items()}

    one_by_one = ByArticle(df)
    assert plain({a: one_by_one.get(a) for a in positions}) == plain(want)
    batched = ByArticle(df)
    ids = list(positions)
    batched.load(ids[::2] + ["no such article"])
    batched.load(ids)  # the rest; those read already are kept
    assert plain({a: batched.get(a) for a in positions}) == plain(want)
    assert batched.get("no such article") == []
