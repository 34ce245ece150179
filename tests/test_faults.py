"""Faults: SIGKILL at every stage then restart, concurrent writers, full disk, unwritable folder.

Each fault runs ``provenance`` in a process of its own, forked from the test process
(tests/forked.py), which installs the fault (a SIGKILL at a chosen point, by wrapping one library
function) and then calls the CLI's ``main``. Production code has no fault hooks. The restarted run must finish with outputs
byte-identical to an uninterrupted run, and the store must pass ``PRAGMA integrity_check``.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from forked import Child, fork
from test_store import cli, make_corpus

REPO = Path(__file__).resolve().parent.parent

def _install_faults() -> None:
    """In the child, before the CLI runs: the fault FAULT names, and the settings the env gives."""
    import hashlib
    import tempfile

    from provenance import store

    def die() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    store.Session.commit_every = int(os.environ.get("COMMIT_EVERY", "3"))
    # Batches by count only unless a test says otherwise: on a loaded machine the first batch
    # passed the 2 s time limit after one article, and "two batches of 3" became 4 articles.
    store.Session.commit_seconds = float(os.environ.get("COMMIT_SECONDS", "1e9"))

    if os.environ.get("QUICK_HTML") == "1":
        from provenance.report import html

        def quick_html(frames: dict, out_dir: object, config: object = None) -> Path:
            from provenance.report import atomic_write
            target = Path(str(out_dir)) / "report.html"
            lines = [f"{n} {hashlib.sha1(df.to_csv(index=False).encode()).hexdigest()}"
                     for n, df in sorted(frames.items())]
            atomic_write(target, lambda tmp: Path(tmp).write_text("\n".join(lines) + "\n", encoding="utf-8"))
            return target

        html.write_html = quick_html  # type: ignore[assignment]

    stage, _, arg = os.environ.get("FAULT", "").partition(":")
    if stage == "extract":  # killed after `arg` articles were extracted (some committed, some not)
        from provenance.engine import local
        real_extract, done = local.extract_article, [0]

        def extract_then_die(article: object) -> object:
            if done[0] >= int(arg):
                die()
            done[0] += 1
            return real_extract(article)  # type: ignore[arg-type]

        local.extract_article = extract_then_die  # type: ignore[assignment]
    elif stage == "match":  # killed in the matching stage
        from provenance import pipeline
        real_match = pipeline.match_frames

        def match_then_die(frames: object, config: object, **options: object) -> None:
            real_match(frames, config, **options)  # type: ignore[arg-type]
            die()

        pipeline.match_frames = match_then_die  # type: ignore[assignment]
    elif stage == "write":  # killed half-way through writing the file named `arg`, earlier ones renamed
        from provenance import report
        real_write = report.atomic_write

        def write_then_die(path: Path, write: Callable[[str], None]) -> None:
            if Path(path).name == arg:
                fd, tmp = tempfile.mkstemp(prefix=f".{Path(path).name}.", suffix=".tmp", dir=Path(path).parent)
                os.close(fd)
                write(tmp)
                with open(tmp, "r+b") as fh:  # half a file, as a kill during the write leaves it
                    fh.truncate(max(1, os.path.getsize(tmp) // 2))
                die()
            return real_write(path, write)

        report.atomic_write = write_then_die  # type: ignore[assignment]


def drive(args: tuple[str, ...] | list[str], before: Callable[[], None] | None = None) -> Callable[[], None]:
    """The child's work: install the faults, then the CLI's ``main`` with ``args``."""

    def run() -> None:
        if before is not None:
            before()
        _install_faults()
        from provenance.cli import main

        sys.argv = ["provenance", *args]
        main()

    return run


def provenance(*args: str, fault: str = "", quick_html: bool = True, fsize: int | None = None,
               env: dict[str, str] | None = None, wait: bool = True,
               before: Callable[[], None] | None = None) -> Child:
    """Run the CLI in a forked child (tests/forked.py) with an optional fault and file-size limit
    (a full disk), after ``before`` (a setting a test makes in the child); with ``wait``, once it
    has ended."""
    child = fork(drive(args, before), env={"FAULT": fault, "QUICK_HTML": "1" if quick_html else "0", **(env or {})},
                 fsize=fsize, cwd=REPO)
    if wait:
        child.wait()
    return child


class Holder:
    """Another process holding the store's write lock (``BEGIN IMMEDIATE``) until released.

    Not a connection of the test process: a child forked while its parent holds a lock would
    inherit SQLite's in-process record of that lock and wait on it forever."""

    HOLD = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); sys.stdin.readline(); c.execute('ROLLBACK')")

    def __init__(self, db: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", self.HOLD, str(db)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None and self.proc.stdout.readline() == "locked\n"

    def release(self) -> None:
        self.proc.communicate("\n", timeout=120)
        assert self.proc.returncode == 0


def outputs(folder: Path) -> dict[str, bytes]:
    """Every file of a run folder except the store itself."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith("store.sqlite")}


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as c:
        return c.execute("PRAGMA integrity_check").fetchone()[0]


def dump(db: Path) -> list[str]:
    """The store's whole content as SQL (what "unchanged" is checked against)."""
    c = sqlite3.connect(db)
    try:
        return list(c.iterdump())
    finally:
        c.close()


def last_run(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT extracted, reused FROM runs ORDER BY run_id DESC").fetchone()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 table rows + 2 text files + a duplicate + a rejected file; with settings that send
    articles to the engine 2 at a time, so extraction is committed while it goes on."""
    root = make_corpus(tmp_path_factory.mktemp("faults") / "corpus", n=12)
    (root.parent / "settings.toml").write_text("[engine]\nchunk_size = 2\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module", autouse=True)
def _warm(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """One run in the test process first, so that every child forked afterwards starts with the
    stages imported and the extractors' caches filled (otherwise each child loads them again)."""
    res = cli("run", str(corpus), "--out", str(tmp_path_factory.mktemp("warm") / "out"), "--workers", "1", "-q")
    assert res.exit_code == 1, res.output  # broken.txt is rejected


def run_args(corpus: Path, out: Path, *more: str) -> list[str]:
    return ["run", str(corpus), "--out", str(out), "--workers", "1", "-q",
            "--config", str(corpus.parent / "settings.toml"), *more]


QUERY_TABLES = ("sentences", "dates", "figures", "attributions", "actors")


def query_rows(db: Path) -> dict[str, list[tuple]]:
    """The store's query tables (derived after extraction: ``store.derive``), by primary key."""
    with sqlite3.connect(db) as c:
        return {t: c.execute(f'SELECT * FROM {t} ORDER BY article_id, "index"').fetchall() for t in QUERY_TABLES}


def pending(db: Path) -> int:
    with sqlite3.connect(db) as c:
        return int(c.execute("SELECT count(*) FROM pending_rows").fetchone()[0])


@pytest.fixture(scope="module")
def baseline_out(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of an uninterrupted run."""
    out = tmp_path_factory.mktemp("baseline") / "out"
    r = provenance(*run_args(corpus, out))
    assert r.returncode == 1, r.stderr  # broken.txt is rejected: exit 1, as in every run below
    return out


@pytest.fixture(scope="module")
def baseline(baseline_out: Path) -> dict[str, bytes]:
    """The outputs of an uninterrupted run."""
    return outputs(baseline_out)


@pytest.mark.parametrize("fault", ["extract:0", "extract:7", "match", "write:articles.csv", "write:settings.toml",
                                   "write:report.html"])
def test_killed_run_restarts_to_identical_outputs(fault: str, corpus: Path, baseline: dict[str, bytes],
                                                  baseline_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    killed = provenance(*run_args(corpus, out), fault=fault)
    assert killed.returncode == -signal.SIGKILL, f"the fault {fault} never fired: {killed.stderr}"
    db = out / "store.sqlite"
    assert integrity(db) == "ok"
    if fault == "extract:7":  # two batches committed, their query rows not written yet
        assert pending(db) == 6
        assert not any(query_rows(db).values())
    if fault.startswith("write"):
        assert any(p.name.endswith(".tmp") for p in out.iterdir())  # the half-written file
    resumed = provenance(*run_args(corpus, out))
    assert resumed.returncode == 1, resumed.stderr
    assert outputs(out) == baseline
    assert integrity(db) == "ok"
    assert pending(db) == 0
    assert query_rows(db) == query_rows(baseline_out / "store.sqlite")
    extracted, reused = last_run(db)
    assert extracted + reused == 14
    if fault == "extract:7":  # two batches of 3 were committed before the kill
        assert reused == 6
    elif fault != "extract:0":
        assert reused == 14


def test_killed_repeatedly_at_random_moments_then_finishes(corpus: Path, baseline: dict[str, bytes],
                                                           tmp_path: Path) -> None:
    out = tmp_path / "out"
    for delay in (0.8, 1.6, 2.4, 3.2):
        p = provenance(*run_args(corpus, out), wait=False, env={"COMMIT_EVERY": "1"})
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.communicate()
        if out.joinpath("store.sqlite").exists():
            assert integrity(out / "store.sqlite") == "ok"
    done = provenance(*run_args(corpus, out))
    assert done.returncode == 1, done.stderr
    assert outputs(out) == baseline


@pytest.mark.slow
def test_kill_while_writing_the_real_html_report(corpus: Path, tmp_path: Path) -> None:
    ref = tmp_path / "ref"
    assert provenance("run", str(corpus), "--out", str(ref), "--workers", "1", "-q", quick_html=False).returncode == 1
    out = tmp_path / "out"
    killed = provenance("run", str(corpus), "--out", str(out), "--workers", "1", "-q", quick_html=False,
                        fault="write:report.html")
    assert killed.returncode == -signal.SIGKILL
    again = provenance("run", str(corpus), "--out", str(out), "--workers", "1", "-q", quick_html=False)
    assert again.returncode == 1
    assert outputs(out) == outputs(ref)


def test_two_concurrent_adds_lose_nothing(tmp_path: Path) -> None:
    a = make_corpus(tmp_path / "a", n=14, start=0, bad=False)
    b = make_corpus(tmp_path / "b", n=14, start=7, bad=False)  # rows 7..13 in both
    db = tmp_path / "shared.sqlite"
    procs = [provenance("add", str(c), "--db", str(db), "--workers", "1", wait=False, env={"COMMIT_EVERY": "2"})
             for c in (a, b)]
    results = [(*p.communicate(timeout=600), p.returncode) for p in procs]
    assert [r[2] for r in results] == [0, 0], results
    ref = tmp_path / "sequential.sqlite"
    for c in (a, b):
        assert provenance("add", str(c), "--db", str(ref), "--workers", "1").returncode == 0
    con, rcon = sqlite3.connect(db), sqlite3.connect(ref)
    for table in ("articles", "sentences", "dates", "figures", "attributions", "actors", "extractions"):
        q = f"SELECT count(*) FROM {table}"
        assert con.execute(q).fetchone() == rcon.execute(q).fetchone(), table
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == (14 + 2) + (14 + 2) - 7  # 7 rows shared
    assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 2
    assert integrity(db) == "ok"
    r1 = cli("report", "--db", str(db), "--out", str(tmp_path / "r1"), "-q")
    r2 = cli("report", "--db", str(ref), "--out", str(tmp_path / "r2"), "-q")
    assert r1.exit_code == r2.exit_code == 0, (r1.output, r2.output, r1.exception)
    import pandas as pd

    for name in ("articles.csv", "figures.csv", "attributions.csv", "dates.csv", "actors.csv"):
        # an article in both corpora keeps the path and duplicate count of whichever add saw it last
        # (a race): compare all but those
        t1, t2 = (pd.read_csv(tmp_path / r / name).drop(columns=["source", "duplicates"], errors="ignore")
                  for r in ("r1", "r2"))
        pd.testing.assert_frame_equal(t1, t2, obj=name)


def test_add_waits_for_a_writer_with_a_clear_message(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "c", n=3, bad=False)
    db = tmp_path / "s.sqlite"
    assert provenance("add", str(corpus / "story-3.txt"), "--db", str(db), "--workers", "1").returncode == 0
    holder = Holder(db)  # another writer, mid-transaction
    p = provenance("add", str(corpus), "--db", str(db), "--workers", "1", wait=False)
    said = f"waiting for another provenance process writing {db} ..."
    # The writer lets go only once the child says it waits (a fixed sleep raced the child).
    deadline = time.monotonic() + 240
    while said not in p.stderr and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert said in p.stderr, p.stderr
    holder.release()
    p.wait(timeout=240)
    assert p.returncode == 0, p.stderr
    assert sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0] == 5


def test_add_gives_up_on_a_store_locked_too_long(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "c", n=2, bad=False)
    db = tmp_path / "s.sqlite"
    assert provenance("add", str(corpus / "story-2.txt"), "--db", str(db), "--workers", "1").returncode == 0
    before = dump(db)
    holder = Holder(db)
    r = provenance("add", str(corpus), "--db", str(db), "--wait", "1", "--workers", "1")
    holder.release()
    assert r.returncode == 2
    assert r.stderr.strip().splitlines()[-1] == (
        f"Error: store {db} is locked by another process (waited 1 s). "
        "Run again when it has finished, or use another --db.")
    assert dump(db) == before


def test_full_disk_while_writing_the_report_leaves_the_store_unchanged(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "c", n=40)
    db = tmp_path / "s.sqlite"
    assert provenance("run", str(corpus), "--out", str(tmp_path / "first"), "--db", str(db), "--workers", "1",
                      "-q").returncode == 1
    before = dump(db)
    out = tmp_path / "out"
    r = provenance("run", str(corpus), "--out", str(out), "--db", str(db), "--workers", "1", "-q", fsize=40_000)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == f"Error: cannot write to {out}: File too large. Free space or choose another --out."
    assert dump(db) == before
    assert integrity(db) == "ok"
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]  # no half-written file left


def test_full_disk_while_writing_the_store_rolls_back(tmp_path: Path) -> None:
    first = make_corpus(tmp_path / "first", n=4, bad=False)
    more = make_corpus(tmp_path / "more", n=40, start=100, bad=False)
    db = tmp_path / "s.sqlite"
    assert provenance("add", str(first), "--db", str(db), "--workers", "1").returncode == 0
    before = dump(db)
    r = provenance("add", str(more), "--db", str(db), "--workers", "1", fsize=40_000,
                   env={"COMMIT_EVERY": "1000", "COMMIT_SECONDS": "1e9"})
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip().startswith(f"Error: cannot write store {db}: ")
    assert r.stderr.strip().endswith("Free disk space (or choose another --db) and run again; the store keeps its "
                                     "last complete state.")
    assert len(r.stderr.strip().splitlines()) == 1
    assert dump(db) == before
    assert integrity(db) == "ok"


def test_unwritable_output_folder_is_one_line_and_store_unchanged(corpus: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "s.sqlite"
    assert cli("add", str(corpus), "--db", str(db), "--workers", "1", "-q").exit_code == 1
    before = dump(db)
    afile = tmp_path / "a-file"
    afile.write_text("x")
    r = provenance("run", str(corpus), "--out", str(afile / "out"), "--db", str(db), "--workers", "1", "-q")
    assert r.returncode == 2
    assert r.stderr.strip() == (f"Error: cannot create output folder {afile / 'out'}: Not a directory. "
                                "Choose a writable --out.")
    # a folder without write permission (as root, permissions do not bind: report it as the OS would)
    from provenance import report

    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(report.os, "access",
                        lambda p, mode, **kw: False if Path(p) == locked and mode & os.W_OK else real_access(p, mode, **kw))
    res = cli("run", str(corpus), "--out", str(locked), "--db", str(db), "--workers", "1", "-q")
    assert res.exit_code == 2
    assert res.output.strip() == f"Error: output folder {locked} is not writable. Choose a writable --out."
    res = cli("report", "--db", str(db), "--out", str(locked))
    assert res.exit_code == 2
    assert res.output.strip() == f"Error: output folder {locked} is not writable. Choose a writable --out."
    assert dump(db) == before
