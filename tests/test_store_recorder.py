"""The run recorded by a forked child while the report is written (store.recorder), and its
fallbacks: the child's error raised after the report, a child that ends without a word, a
report that fails, a parent killed while the child waits to commit."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from forked import Child
from test_faults import Holder, dump, integrity, outputs, provenance
from test_store import make_corpus

from provenance import pipeline
from provenance.config import load_config
from provenance.errors import OutputError, StoreError
from provenance.store import Store, recorder

pytestmark = pytest.mark.skipif(not recorder.can_fork(), reason="the child record needs fork")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("recorder") / "corpus", n=12)


def _config() -> dict[str, Any]:
    cfg = load_config()
    cfg["engine"]["workers"] = 2  # two processes to use: the record goes to a child
    return cfg


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[recorder.ChildRecord]:
    """Every run records in a child (whatever the corpus size); lists the records started."""
    started: list[recorder.ChildRecord] = []

    class Spy(recorder.ChildRecord):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            started.append(self)

    monkeypatch.setattr(pipeline, "RECORD_CHILD_MIN_ROWS", 0)
    monkeypatch.setattr(pipeline, "ChildRecord", Spy)
    return started


def _run(corpus: Path, out: Path, db: Path) -> pipeline.RunResult:
    return pipeline.run([str(corpus)], out, workers=1, db=db, config=_config())


def _content(db: Path) -> list[str]:
    """The store's dump without its times (the runs' start and finish, the articles' commits)."""
    with sqlite3.connect(db) as c:
        c.execute("UPDATE runs SET started = '', finished = ''")
        c.execute("UPDATE articles SET added_at = ''")
        c.execute("DELETE FROM store_meta WHERE key = 'created'")
        lines = list(c.iterdump())
        c.rollback()
    return lines


def _columns(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(db) as c:
        names = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: c.execute(f'PRAGMA table_info("{n}")').fetchall() for n in names}


def _runs(db: Path) -> int:
    with sqlite3.connect(db) as c:
        return int(c.execute("SELECT count(*) FROM runs").fetchone()[0])


@pytest.fixture(scope="module")
def thread_store(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store recorded by the thread (the corpus is below ``RECORD_CHILD_MIN_ROWS``)."""
    tmp = tmp_path_factory.mktemp("thread")
    db = tmp / "s.sqlite"
    _run(corpus, tmp / "out", db)
    return db


def test_the_child_records_what_the_thread_records(corpus: Path, thread_store: Path, tmp_path: Path,
                                                   children: list[recorder.ChildRecord]) -> None:
    db = tmp_path / "s.sqlite"
    res = _run(corpus, tmp_path / "out", db)
    assert len(children) == 1 and children[0].run_id == 1
    assert _content(db) == _content(thread_store)
    assert _columns(db) == _columns(thread_store)
    assert integrity(db) == "ok"
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM claims").fetchone()[0] == len(res.frames["claims"]) > 0


def test_a_report_that_fails_ends_the_child_and_leaves_the_store(corpus: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  children: list[recorder.ChildRecord]) -> None:
    db = tmp_path / "s.sqlite"
    _run(corpus, tmp_path / "first", db)
    before = dump(db)

    def failing(*args: Any, **kwargs: Any) -> list[Path]:
        time.sleep(0.5)  # the child has done its inserts and waits for the word to commit
        raise OutputError("disk full")

    monkeypatch.setattr(pipeline, "write_report", failing)
    with pytest.raises(OutputError, match="disk full"):
        _run(corpus, tmp_path / "second", db)
    assert len(children) == 2 and children[1]._proc.exitcode == -signal.SIGTERM
    assert dump(db) == before
    assert integrity(db) == "ok"


def test_the_childs_store_error_is_raised_after_the_report(corpus: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           children: list[recorder.ChildRecord]) -> None:
    db, out = tmp_path / "s.sqlite", tmp_path / "out"

    def broken(self: Store, **kwargs: Any) -> int:
        raise StoreError("cannot write store: disk I/O error")

    monkeypatch.setattr(Store, "record_run", broken)  # the forked child has it too
    with pytest.raises(StoreError, match="disk I/O error"):
        _run(corpus, out, db)
    assert len(children) == 1
    assert (out / "claims.csv").is_file() and (out / "report.html").is_file()
    assert _runs(db) == 0


class _DyingPipe:
    """The child's end of the pipe, killing the child when it is about to send ``die_at``."""

    def __init__(self, conn: Any, die_at: str) -> None:
        self.conn, self.die_at = conn, die_at

    def send(self, msg: Any) -> None:
        if msg[0] == self.die_at:
            os.kill(os.getpid(), signal.SIGKILL)
        self.conn.send(msg)

    def recv(self) -> Any:
        go = self.conn.recv()
        if self.die_at == "go":
            os.kill(os.getpid(), signal.SIGKILL)
        return go

    def close(self) -> None:
        self.conn.close()


@pytest.mark.parametrize("die_at, child_committed", [
    ("ready", False),  # killed after its inserts, before asking to commit
    ("go", False),  # killed on the word to commit, before the commit
    ("done", True),  # killed after its commit, before saying so
])
def test_a_child_that_dies_leaves_the_run_recorded_once(die_at: str, child_committed: bool, corpus: Path,
                                                        thread_store: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        children: list[recorder.ChildRecord],
                                                        caplog: pytest.LogCaptureFixture) -> None:
    real = recorder._child

    def dying(session: Any, frames: Any, tables: Any, conn: Any, parent: int) -> None:
        real(session, frames, tables, _DyingPipe(conn, die_at), parent)

    monkeypatch.setattr(recorder, "_child", dying)
    db = tmp_path / "s.sqlite"
    _run(corpus, tmp_path / "out", db)
    assert children[0]._proc.exitcode == -signal.SIGKILL
    assert ("ended after its commit" in caplog.text) == child_committed
    assert ("recording it in this process" in caplog.text) == (not child_committed)
    assert _runs(db) == 1
    assert _content(db) == _content(thread_store)
    assert integrity(db) == "ok"


def test_a_child_that_cannot_start_leaves_the_record_to_a_thread(corpus: Path, thread_store: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "RECORD_CHILD_MIN_ROWS", 0)

    def no_fork(self: Any) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr("multiprocessing.process.BaseProcess.start", no_fork)
    db = tmp_path / "s.sqlite"
    _run(corpus, tmp_path / "out", db)
    assert _content(db) == _content(thread_store)
    with Store(db) as st:  # the connection closed for the fork was opened again
        assert st.counts()["runs"] == 1


def test_a_killed_parent_takes_the_waiting_child_with_it(corpus: Path, tmp_path: Path) -> None:
    """Killed while writing the report (the child has inserted, or is inserting): nothing is
    committed, the child is gone (the store is not locked), and a rerun finishes as usual."""
    out = tmp_path / "out"
    args = ["run", str(corpus), "--out", str(out), "--workers", "2", "-q"]

    def every_record_in_a_child() -> None:
        import provenance.pipeline as p

        p.RECORD_CHILD_MIN_ROWS = 0

    def run(fault: str) -> Child:
        return provenance(*args, fault=fault, before=every_record_in_a_child)

    first = run("")
    assert first.returncode == 1, first.stderr
    ref = outputs(out)
    db = out / "store.sqlite"
    before = dump(db)
    killed = run("write:report.html")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    with sqlite3.connect(db, timeout=5, isolation_level=None) as c:
        c.execute("BEGIN IMMEDIATE")  # no child left holding the write lock
        c.execute("ROLLBACK")
    assert dump(db) == before
    assert integrity(db) == "ok"
    again = run("")
    assert again.returncode == 1, again.stderr
    assert outputs(out) == ref
    assert _runs(db) == 2


def test_the_child_says_when_it_waits_for_another_writer(corpus: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture,
                                                         children: list[recorder.ChildRecord]) -> None:
    """Another process holds the write lock when the child starts: the child waits, tells it on
    stderr as the run's own ``waiting`` callback would, and records once the lock is free.

    The holder (test_faults.Holder) lets go when the child has said that it waits: the child, a
    fork of this process, writes the release line to the holder's stdin after its warning.
    However slow the machine, the child finds the lock taken."""
    from provenance.store import db as store_db
    from provenance.store import incremental

    db = tmp_path / "s.sqlite"
    real = incremental.Session.complete_rows
    holders: list[Holder] = []

    def complete_then_lock(self: incremental.Session) -> None:
        real(self)
        if not holders:  # the lock is taken after the run's last own write, before the child's
            holders.append(Holder(db))

    warning = store_db.log.warning

    def warn_then_release(msg: object, *args: object, **kwargs: Any) -> None:
        warning(msg, *args, **kwargs)
        stdin = holders[0].proc.stdin
        assert stdin is not None
        stdin.write("\n")
        stdin.flush()

    monkeypatch.setattr(incremental.Session, "complete_rows", complete_then_lock)
    monkeypatch.setattr(store_db.log, "warning", warn_then_release)
    told: list[str] = []
    pipeline.run([str(corpus)], tmp_path / "out", workers=1, db=db, config=_config(),
                 progress=pipeline.Progress(waiting=told.append))
    holders[0].release()
    assert len(children) == 1 and not told  # the parent never waited: its child did
    assert f"waiting for another provenance process writing {db} ..." in capfd.readouterr().err.splitlines()
    assert _runs(db) == 1
