"""Matching stages run side by side in a forked child give the tables of the one-process run."""

from __future__ import annotations

import copy
import multiprocessing as mp
import os

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
    assert len(forks) == 3  # half of prepare_figures, source groups, syndication
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
