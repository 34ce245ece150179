"""Matching stages run side by side in a forked child give the tables of the one-process run."""

from __future__ import annotations

import copy
import multiprocessing as mp
import os
from pathlib import Path

import pandas as pd
import pytest
from test_match import _headline_frames

from provenance.config import load_config
from provenance.match import MatchStats, background, match_frames
from provenance.match.background import Deferred, side_by_side, usable_processes
from provenance.match.sources import group_of, groups_of

pytestmark = pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="needs fork")


def _config(workers: int) -> dict:
    cfg = copy.deepcopy(load_config())
    cfg["engine"]["workers"] = workers
    return cfg


def test_side_by_side_path_gives_the_one_process_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "MIN_ROWS", 0)
    frames = _headline_frames()
    forks: list[int] = []
    start = mp.get_context("fork").Process.start

    def counting_start(self: object) -> None:
        forks.append(1)
        start(self)  # type: ignore[arg-type]

    monkeypatch.setattr(mp.get_context("fork").Process, "start", counting_start)
    s1, s2 = MatchStats(), MatchStats()
    one = match_frames(frames, _config(1), stats=s1)
    assert not forks
    two = match_frames(frames, _config(2), stats=s2)
    # Half of prepare_figures, source groups and figure clusters, syndication and the figure
    # tables (every headline's claim is a figure's: no texts to tokenise, no claim clusters in
    # clusters.csv to split).
    assert len(forks) == 3
    assert set(one) == set(two)
    for name in one:
        pd.testing.assert_frame_equal(one[name], two[name], obj=name)
    assert s1 == s2


def test_small_tables_and_one_worker_stay_in_one_process() -> None:
    assert not side_by_side(_config(2), background.MIN_ROWS - 1)
    assert side_by_side(_config(2), background.MIN_ROWS)
    assert not side_by_side(_config(1), background.MIN_ROWS)
    dask = _config(2)
    dask["engine"]["engine"] = "dask"
    assert usable_processes(dask) == 1
    assert usable_processes(_config(0)) == len(os.sched_getaffinity(0))


def test_deferred_runs_in_a_child_and_returns_its_result() -> None:
    parent = os.getpid()
    assert Deferred(os.getpid, True).result() != parent
    assert Deferred(os.getpid, False).result() == parent


def test_a_failed_child_is_run_again_here() -> None:
    parent = os.getpid()

    def only_here() -> int:
        if os.getpid() != parent:
            raise RuntimeError("fails in the child")
        return 7

    def dies() -> int:
        if os.getpid() != parent:
            os._exit(3)  # killed before it sends anything
        return 8

    assert Deferred(only_here, True).result() == 7
    assert Deferred(dies, True).result() == 8


@pytest.mark.parametrize("mention", ["the Health Ministry, which", "opposition Civic Front", None, float("nan"), "",
                                     "Estrania's Health Ministry"])
def test_groups_of_is_group_of(mention: object) -> None:
    groups = {"Civic Front": "Civic Front Party", "the Health Ministry": "Estrania's Health Ministry"}
    assert groups_of([mention, mention], groups) == [group_of(mention, groups)] * 2


def test_side_by_side_tables_in_small_parts_are_the_one_process_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    from provenance.pipeline import collect
    from provenance.report import row_parts

    monkeypatch.setattr(background, "MIN_ROWS", 0)
    frames = collect([str(Path(__file__).resolve().parents[1] / "corpora" / "sample")], workers=1)
    one = match_frames(frames, _config(1))
    assert (one["clusters"]["kind"] == "claim").sum() > 4  # clusters.csv's claim rows are split in two
    for part_rows in (2, 3, 1000):  # the child's rows begin a part, end one, or stay in the first
        monkeypatch.setattr(row_parts, "TABLE_PART_ROWS", part_rows)
        monkeypatch.setattr(row_parts, "TEXT_CLUSTER_SLICE_ROWS", 3)
        two = match_frames(frames, _config(2))
        for name in one:
            pd.testing.assert_frame_equal(one[name], two[name], obj=name)
        # Made in children, the figures and cells still share the corpus-wide categories (not
        # copies of them sent back).
        shared = [c for c in frames["figures"].columns if isinstance(frames["figures"][c].dtype, pd.CategoricalDtype)]
        assert "sentence" in shared
        for name in ("figures", "figure_cells"):
            assert all(two[name][c].cat.categories is frames["figures"][c].cat.categories for c in shared), name


@pytest.mark.parametrize("part_rows", [1, 2, 3, 4, 10])
def test_table_parts_made_in_two_places_are_the_parts_made_in_one(part_rows: int) -> None:
    from provenance.report.row_parts import TableParts

    cols = ["s", "n", "late"]
    rows = [(f"r{i}", i, "x" if i == 6 else None) for i in range(9)]
    whole = TableParts(cols, part_rows)
    for r in rows:
        whole.append(r)
    for split in range(len(rows) + 1):
        here, there = TableParts(cols, part_rows), TableParts(cols, part_rows, offset=split)
        for r in rows[:split]:
            here.append(r)
        for r in rows[split:]:
            there.append(r)
        here.extend(*there.detach())
        assert here.count == len(rows)
        def sizes(t: TableParts) -> list[int]:
            return [len(p) for p in t.parts] + ([len(t.rows)] if t.rows else [])

        assert sizes(here) == sizes(whole)  # the parts of one process (each part's dtypes inferred alike)
        pd.testing.assert_frame_equal(here.frame(), pd.DataFrame(rows, columns=cols))


@pytest.mark.parametrize("workers", [1, 2])
def test_released_figures_are_dropped_from_the_input_and_tables_unchanged(
        monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    import weakref

    monkeypatch.setattr(background, "MIN_ROWS", 0)
    expected = match_frames(_headline_frames(), _config(workers))
    frames = _headline_frames()
    names = set(frames) - {"figures"}
    figures = weakref.ref(frames["figures"])
    got = match_frames(frames, _config(workers), release_figures=True)
    assert set(frames) == names  # only the figures were taken out of the caller's dict
    assert figures() is None  # and matching kept no reference to them
    assert set(got) == set(expected)
    for name in got:
        pd.testing.assert_frame_equal(got[name], expected[name], obj=name)
