"""The store records a run while the report is written (pipeline.write_while_recording), and
commits only once the report is written."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from provenance import pipeline
from provenance.errors import OutputError, StoreError
from provenance.store import Store


def _corpus(tmp_path: Path) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    for i in range(3):
        (d / f"a{i}.txt").write_text(
            f"# Dam toll\n\nPublished: 2024-03-0{i + 5}\nOutlet: Outlet {i}\n\n"
            f"At least {12 + i} people were killed, the Health Ministry said on Tuesday.\n", encoding="utf-8")
    return d


def _runs(db: Path) -> int:
    with sqlite3.connect(db) as c:
        return int(c.execute("SELECT count(*) FROM runs").fetchone()[0])


def test_a_report_that_fails_leaves_no_run_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, db = _corpus(tmp_path), tmp_path / "s.sqlite"
    pipeline.run([str(corpus)], tmp_path / "first", workers=1, db=db)
    assert _runs(db) == 1

    def failing(*args: Any, **kwargs: Any) -> list[Path]:
        time.sleep(0.5)  # the store's thread has done its inserts and waits to commit
        raise OutputError("disk full")

    monkeypatch.setattr(pipeline, "write_report", failing)
    with pytest.raises(OutputError, match="disk full"):
        pipeline.run([str(corpus)], tmp_path / "second", workers=1, db=db)
    assert _runs(db) == 1
    with Store(db) as st:  # and the store is usable: nothing left locked or half-written
        assert st.counts()["runs"] == 1


def test_a_store_error_is_raised_after_the_report_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, db, out = _corpus(tmp_path), tmp_path / "s.sqlite", tmp_path / "out"

    def broken(self: Store, **kwargs: Any) -> int:
        raise StoreError("cannot write store: disk I/O error")

    monkeypatch.setattr(Store, "record_run", broken)
    with pytest.raises(StoreError, match="disk I/O error"):
        pipeline.run([str(corpus)], out, workers=1, db=db)
    assert (out / "claims.csv").is_file() and (out / "report.html").is_file()


def test_the_run_is_recorded_with_its_tables(tmp_path: Path) -> None:
    corpus, db = _corpus(tmp_path), tmp_path / "s.sqlite"
    res = pipeline.run([str(corpus)], tmp_path / "out", workers=1, db=db)
    assert _runs(db) == 1
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM claims").fetchone()[0] == len(res.frames["claims"])
    # The extraction figures, released to matching, are replaced by matching's (with cluster ids).
    assert "cluster_id" in res.frames["figures"].columns and len(res.frames["figures"])
