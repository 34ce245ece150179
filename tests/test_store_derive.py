"""The store's query tables are derived from the payloads after extraction (``store.derive``).

A batch commit holds the articles rows and payloads only; the query tables (sentences, dates,
figures, attributions, actors) are written afterwards, in another process while a run matches
or in the command's own process, and are complete once any command finishes. These tests
check that the derived rows are those the batch commits used to write, wherever they are
written, and that rows left pending by a killed command are written by the next one.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_store import article_text, make_corpus

from provenance import pipeline
from provenance.engine.local import extract_rows, store_partition
from provenance.extract import extractor_version
from provenance.models import Article
from provenance.store import Session, Store, add, derive, report_from_store
from provenance.store.schema import INDEXES, index_names

OUTLETS = ["Meridian Wire Service", "The Harbour Courier", "Northgate Daily", "Radio Lumen"]
QUERY_TABLES = ("sentences", "dates", "figures", "attributions", "actors")


def articles(n: int = 10) -> list[Article]:
    return [Article(article_id=f"a{i:03d}", text=article_text(i), source=f"wire.csv#{i + 1}",
                    outlet=OUTLETS[i % 4], published=f"2024-03-{4 + i % 4:02d}") for i in range(n)]


def query_rows(db: Path) -> dict[str, list[tuple]]:
    """Every query table, ordered by primary key, with its declared columns."""
    with sqlite3.connect(db) as c:
        out = {t: c.execute(f'SELECT * FROM {t} ORDER BY article_id, "index"').fetchall() for t in QUERY_TABLES}
        out.update({f"{t} columns": c.execute(f"PRAGMA table_info({t})").fetchall() for t in QUERY_TABLES})
        return out


def pending(db: Path) -> int:
    with sqlite3.connect(db) as c:
        return int(c.execute("SELECT count(*) FROM pending_rows").fetchone()[0])


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    """Query rows written in the same transaction as the articles (``derive_rows=True``)."""
    db = tmp_path_factory.mktemp("ref") / "ref.sqlite"
    with Store(db) as st:
        st.put_extractions([(a, extract_rows(a)) for a in articles()], extractor_version())
    rows = query_rows(db)
    assert all(rows[t] for t in QUERY_TABLES) and pending(db) == 0
    return rows


def committed_session(db: Path, n: int = 10) -> Session:
    """A run's session that committed ``n`` extractions (worker-built records) and stopped there."""
    st = Store(db)
    session = Session(st, "run", ["wire.csv"])
    session.commit_every = 3
    for rows, rec in store_partition(list(session.new_only(articles(n)))):
        session.save(rows, rec)
    session.flush()
    return session


def test_a_batch_commit_leaves_the_query_rows_pending_until_the_session_finishes(
        tmp_path: Path, reference: dict[str, list[tuple]]) -> None:
    db = tmp_path / "s.sqlite"
    session = committed_session(db)
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM extractions").fetchone()[0] == 10
        assert all(c.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == 0 for t in QUERY_TABLES)
    assert pending(db) == 10
    session.complete_rows()
    session.store.close()
    assert pending(db) == 0
    assert query_rows(db) == reference


def test_the_background_process_writes_the_rows_inline_derivation_writes(
        tmp_path: Path, reference: dict[str, list[tuple]]) -> None:
    db = tmp_path / "s.sqlite"
    session = committed_session(db)
    session.derive_in_background()
    background = session._background
    assert background is not None
    assert background.join() == 0
    assert pending(db) == 0  # all of it written by the other process
    session.complete_rows()
    session.store.close()
    assert query_rows(db) == reference


def test_the_background_process_stops_when_its_parent_is_gone(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    committed_session(db).store.close()
    assert derive.main([str(db), "1"]) == 0  # pid 1 is not this test's parent: nothing is written
    assert pending(db) == 10
    with Store(db) as st:
        assert st.derive_pending() == 10
    assert pending(db) == 0


def test_the_background_process_loads_neither_pandas_nor_matching() -> None:
    code = "import sys, provenance.store.derive; print(sorted(m for m in ('pandas', 'provenance.match') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_rows_a_killed_run_left_pending_are_written_by_the_next_command(
        tmp_path: Path, reference: dict[str, list[tuple]]) -> None:
    for finish in ("report", "add"):
        db = tmp_path / f"{finish}.sqlite"
        committed_session(db).store.close()  # killed after its commits: no record, rows pending
        assert pending(db) == 10
        with Store(db) as st:
            if finish == "report":
                report_from_store(st, tmp_path / "rep", allow_stale=True)
            else:
                add([str(make_corpus(tmp_path / "more", n=2, bad=False))], st, workers=1)
        assert pending(db) == 0
        rows = query_rows(db)
        ids = {r[0] for r in reference["figures"]}
        assert {t: [r for r in rows[t] if r[0] in ids] for t in QUERY_TABLES} == \
            {t: reference[t] for t in QUERY_TABLES}


def test_a_run_leaves_nothing_pending_and_the_documented_query_answers(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", bad=False)
    pipeline.run([str(corpus)], tmp_path / "out", workers=1)
    db = tmp_path / "out" / "store.sqlite"
    assert pending(db) == 0
    q = ("SELECT a.outlet, a.published, f.value, f.qualifier, f.source_canonical, s.text "
         "FROM figures f JOIN articles a USING (article_id) "
         'JOIN sentences s ON s.article_id = f.article_id AND s."index" = f.sentence_index '
         "WHERE f.metric = 'killed' ORDER BY a.published")
    with sqlite3.connect(db) as c:
        hits = c.execute(q).fetchall()
        n_killed = c.execute("SELECT count(*) FROM figures WHERE metric = 'killed'").fetchone()[0]
    assert hits and len(hits) == n_killed  # every figure finds its sentence


def test_a_failed_background_process_is_logged_and_the_command_writes_the_rows(
        tmp_path: Path, reference: dict[str, list[tuple]], caplog: pytest.LogCaptureFixture) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database" * 100)
    assert derive.Background(junk).join() != 0
    assert "in the background stopped" in caplog.text and "this process" in caplog.text
    db = tmp_path / "s.sqlite"
    session = committed_session(db)
    session._background = derive.Background(junk)  # fails: the rows are written by complete_rows
    session.complete_rows()
    session.store.close()
    assert pending(db) == 0 and query_rows(db) == reference


def test_a_bulk_derivation_builds_the_indexes_again_and_a_killed_one_leaves_them_to_the_next_store(
        tmp_path: Path, reference: dict[str, list[tuple]], monkeypatch: pytest.MonkeyPatch) -> None:
    every_index = sorted(f"{t}_{c}" for t, cols in INDEXES.items() for c in cols)
    monkeypatch.setattr(derive, "BULK_ARTICLES", 5)  # 10 pending of 10 articles: a bulk derivation
    db = tmp_path / "s.sqlite"
    session = committed_session(db)
    st = session.store
    assert sorted(index_names(st.conn)) == every_index
    answers = iter([True, False])  # killed after its first slice
    assert derive.derive_pending(st.conn, st.transaction, slice_articles=4, keep_going=lambda: next(answers)) == 4
    assert index_names(st.conn) == [] and pending(db) == 6
    assert st.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # checked again once it is done
    st.close()
    with Store(db) as st:  # any store opened on the file builds them again
        assert sorted(index_names(st.conn)) == every_index
        assert st.derive_pending() == 6  # in bulk again (6 of 10), then the indexes are built
        assert sorted(index_names(st.conn)) == every_index
    assert pending(db) == 0 and query_rows(db) == reference
