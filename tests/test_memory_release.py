"""Memory handed back between stages (``frames.release_memory``) and the tables the command
line does not keep once written (``pipeline.run(keep_frames=False)``, ``report.UNREAD_BY_PAGE``):
the same files, the same summary, fewer tables held."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from provenance import frames as frames_mod
from provenance import pipeline
from provenance.report import UNREAD_BY_PAGE
from provenance.store.recorder import can_fork

SAMPLE = Path(__file__).resolve().parent.parent / "corpora" / "sample"


def _files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())
            if p.is_file() and not p.name.startswith("store.sqlite")}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_release_memory_finds_malloc_trim_on_glibc() -> None:
    import platform

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("not glibc")
    assert frames_mod._TRIM is not None
    frames_mod.release_memory()  # and it can be called at any time


@pytest.mark.parametrize("child", [False, True], ids=["thread-records", "child-records"])
def test_run_without_keeping_frames_writes_the_same_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           child: bool) -> None:
    if child:  # the store records in a forked child even for a small run: the tables may go
        if not can_fork():
            pytest.skip("no fork")
        monkeypatch.setattr(pipeline, "RECORD_CHILD_MIN_ROWS", 0)
        monkeypatch.setattr(pipeline, "usable_processes", lambda cfg: 2)
    kept = pipeline.run([str(SAMPLE)], tmp_path / "kept", workers=1)
    dropped = pipeline.run([str(SAMPLE)], tmp_path / "dropped", workers=1, keep_frames=False)
    assert _files(tmp_path / "kept") == _files(tmp_path / "dropped")
    assert kept.summary() == dropped.summary()
    assert kept.exit_code == dropped.exit_code
    for t in UNREAD_BY_PAGE:
        assert t in kept.frames
        # A thread recording the run reads the tables while the report is written: all kept.
        assert (t not in dropped.frames) == child
        assert dropped.rows(t) == len(kept.frames[t])
    assert any(len(kept.frames[t]) for t in UNREAD_BY_PAGE)  # the sample has dates: the test means something
