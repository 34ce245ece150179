"""The store's query tables (sentences, dates, figures, attributions, actors), derived from payloads.

A run commits each batch of new extractions as its ``articles`` rows and ``extractions``
payloads only, and lists the articles in ``pending_rows``. Their query-table rows are written
here afterwards, a slice of articles per transaction, in article-id order (so every B-tree
grows at its end), while matching runs on the other core (``Background``, another process),
and in any case before a command's record is committed (``Store.derive_pending``). A killed
run leaves its committed articles in ``pending_rows``; the next command that finishes writes
their rows. The rows are those ``put_extractions`` wrote at each batch before: the payload
holds every row of every table, exactly.

This module needs neither pandas nor the matching code, so the background process is small:
``python -m provenance.store.derive STORE PARENT_PID``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from itertools import chain, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from provenance.store.payload import FROM_TEXT, PLAIN, TUPLE, Rows, decode
from provenance.store.schema import (
    CONTEXT_KEYS,
    EXTRACTION_TABLES,
    create_indexes,
    index_names,
    missing_indexes,
    quote,
    sql_type,
    sql_value,
    table_columns,
)

log = logging.getLogger(__name__)

#: Articles whose query rows are written per transaction (the process peaks at 89 MB RSS with 500
#: on ABP articles, 200 MB with 2,000, for the same CPU time).
SLICE_ARTICLES = 500
#: ``derive_pending`` writes the rows of at least this many articles (and at least half of the
#: store's) without the query tables' secondary indexes, then builds them: one sort per indexed
#: column instead of an insert into the middle of a B-tree per row (18 -> 13.3 CPU s for 15,000
#: ABP articles into an empty store).
BULK_ARTICLES = 2000
#: Added to the background process's niceness.
NICENESS = 5
#: Query tables, in the order their rows are deleted and written.
QUERY_TABLES = ("sentences", *EXTRACTION_TABLES)
_SKIP = frozenset((*CONTEXT_KEYS, FROM_TEXT))
Groups = dict[str, dict[tuple[str, ...], list[tuple[Any, ...]]]]


def _value(v: Any) -> Any:
    """A payload value as SQLite binds it (``sql_value`` of the row value it was decoded from)."""
    if type(v) in PLAIN:
        return v
    if type(v) is dict and len(v) == 1 and TUPLE in v:
        return sql_value(tuple(v[TUPLE]))
    return sql_value(v)


# Per distinct key order of a row: the column names of its query row, a getter of their values,
# and whether the extractor version is appended (a row of the payload does not carry it).
_Plan = tuple[tuple[str, ...], Callable[[dict[str, Any]], tuple[Any, ...]], bool]
_PLANS: dict[tuple[str, ...], _Plan] = {}
_PLAIN_TYPES = frozenset(PLAIN)


def _plan(keys: tuple[str, ...]) -> _Plan:
    kept = [k for k in keys if k not in _SKIP]
    add_version = "extractor_version" not in kept
    names = (*kept, "extractor_version") if add_version else tuple(kept)
    get = itemgetter(*kept) if len(kept) > 1 else (lambda r, k=kept[0]: (r[k],))
    plan = _PLANS[keys] = (names, get, add_version)
    return plan


_SPAN = itemgetter("sentence_index", "sentence_start", "sentence_end")
_SPAN_KEYS = frozenset(("sentence_index", "sentence_start", "sentence_end"))


def add_query_rows(article_id: str, text: str, version: str, rows: Rows, groups: Groups,
                   sentences: list[tuple[Any, ...]]) -> None:
    """Append one article's query-table rows to ``groups`` (table -> column names -> values)
    and ``sentences``.

    Args:
        article_id: The article.
        text: Its text (the sentences' text is sliced from it).
        version: Extractor version of its rows (set on rows that carry none).
        rows: Its table rows, as decoded from the payload (``payload.decode``) or as extracted.
        groups: Receives the rows of dates, figures, attributions and actors: the columns of
            the CSV table minus those ``articles`` holds, grouped by column set.
        sentences: Receives ``(article_id, index, start, end, text, extractor_version)`` of every
            sentence holding one of its rows.
    """
    spans: dict[int, tuple[int, int]] = {}
    tail = (version,)
    for table in EXTRACTION_TABLES:
        rs = rows.get(table)
        if not rs:
            continue
        first = rs[0]
        if not all(map(first.keys().__eq__, map(dict.keys, rs))):
            _add_rows_one_by_one(rs, version, groups[table], spans)
            continue
        # The usual case: every row of the table has the same keys, so the table's rows are
        # converted a table at a time (C-level maps) instead of a row at a time.
        keys = tuple(first)
        names, get, add_version = _PLANS.get(keys) or _plan(keys)
        values = list(map(get, rs))
        if not _PLAIN_TYPES.issuperset(map(type, chain.from_iterable(values))):
            values = [v if _PLAIN_TYPES.issuperset(map(type, v)) else tuple(map(_value, v)) for v in values]
        if add_version:
            values = list(map(tuple.__add__, values, repeat(tail)))
        groups[table].setdefault(names, []).extend(values)
        if _SPAN_KEYS.issubset(keys):
            for i, st, en in map(_SPAN, rs):
                if st is not None:
                    spans.setdefault(i, (st, en))
    sentences.extend((article_id, i, st, en, text[st:en], version) for i, (st, en) in sorted(spans.items()))


def _add_rows_one_by_one(rs: list[dict[str, Any]], version: str, dest: dict[tuple[str, ...], list[tuple[Any, ...]]],
                         spans: dict[int, tuple[int, int]]) -> None:
    """``add_query_rows`` for a table whose rows do not all have the same keys."""
    for r in rs:
        if "sentence_index" in r and r.get("sentence_start") is not None:
            spans.setdefault(r["sentence_index"], (r["sentence_start"], r["sentence_end"]))
        keys = tuple(r)
        names, get, add_version = _PLANS.get(keys) or _plan(keys)
        values = get(r)
        if not _PLAIN_TYPES.issuperset(map(type, values)):
            values = tuple(map(_value, values))
        if add_version:
            values = (*values, version)
        dest.setdefault(names, []).append(values)


def ensure_columns(conn: sqlite3.Connection, table: str, row: dict[str, Any], have: set[str]) -> None:
    """Add the columns of ``row`` that ``table`` lacks (typed by their value, sqlite-utils style)."""
    for k, v in row.items():
        if k not in have:
            conn.execute(f"ALTER TABLE {quote(table)} ADD COLUMN {quote(k)} {sql_type(v)}".rstrip())
            have.add(k)


def insert_values(conn: sqlite3.Connection, table: str, names: tuple[str, ...], values: Sequence[Sequence[Any]],
                  have: set[str], verb: str = "INSERT") -> None:
    """Insert rows given as value lists under ``names``, adding missing columns first (each
    declared with the type of its first non-null value)."""
    if not all(n in have for n in names):
        for v in values:
            if all(n in have for n in names):
                break
            ensure_columns(conn, table, {n: x for n, x in zip(names, v) if x is not None}, have)
        ensure_columns(conn, table, dict.fromkeys(names), have)
    conn.executemany(
        f"{verb} INTO {quote(table)} ({', '.join(quote(n) for n in names)}) VALUES ({', '.join('?' * len(names))})",
        values)


def derive_slice(conn: sqlite3.Connection, ids: list[str]) -> int:
    """Write the query rows of the articles of ``ids`` still pending (inside the caller's transaction)."""
    marks = ", ".join("?" * len(ids))
    found = conn.execute(
        "SELECT p.article_id, a.text, e.extractor_version, e.rows FROM pending_rows p "
        "JOIN articles a USING (article_id) JOIN extractions e USING (article_id) "
        f"WHERE p.article_id IN ({marks}) ORDER BY p.article_id", ids).fetchall()
    pending = [r[0] for r in conn.execute(f"SELECT article_id FROM pending_rows WHERE article_id IN ({marks})", ids)]
    if not pending:
        return 0
    pmarks = ", ".join("?" * len(pending))
    for t in QUERY_TABLES:
        conn.execute(f"DELETE FROM {quote(t)} WHERE article_id IN ({pmarks})", pending)
    groups: Groups = {t: {} for t in EXTRACTION_TABLES}
    sentences: list[tuple[Any, ...]] = []
    for aid, text, version, payload in found:
        add_query_rows(aid, text, version, decode(payload), groups, sentences)
    for table, by_names in groups.items():
        have = table_columns(conn, table)
        for names, values in by_names.items():
            insert_values(conn, table, names, values, have, "INSERT OR REPLACE")
    conn.executemany("INSERT OR REPLACE INTO sentences VALUES (?, ?, ?, ?, ?, ?)", sentences)
    conn.execute(f"DELETE FROM pending_rows WHERE article_id IN ({pmarks})", pending)
    return len(found)


def derive_pending(conn: sqlite3.Connection, transaction: Callable[[], AbstractContextManager[Any]], *,
                   slice_articles: int = SLICE_ARTICLES, keep_going: Callable[[], bool] | None = None) -> int:
    """Write the query rows of every article listed in ``pending_rows``, a slice per transaction.

    Foreign keys are not checked while it writes (each row's article is read in the same
    transaction, and nothing here deletes an article): the check was a quarter of its CPU time.
    When the pending articles are at least ``BULK_ARTICLES`` and half of the store's, the query
    tables' secondary indexes are dropped first and built again once nothing is pending. A
    command killed in between leaves them missing; the next ``Store`` opened on the file
    builds them (``schema.create_schema``).

    Args:
        conn: An open store connection (autocommit mode: ``transaction`` opens each one).
        transaction: Opens one write transaction (``Store.transaction``).
        slice_articles: Articles per transaction.
        keep_going: Asked before each slice; stop when it returns False.

    Returns:
        How many articles got their rows.
    """
    ids = [r[0] for r in conn.execute("SELECT article_id FROM pending_rows ORDER BY article_id")]
    done = 0
    checks = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        if len(ids) >= BULK_ARTICLES and 2 * len(ids) >= conn.execute("SELECT count(*) FROM articles").fetchone()[0]:
            with transaction():
                for name in index_names(conn):
                    conn.execute(f"DROP INDEX {quote(name)}")
        for lo in range(0, len(ids), slice_articles):
            if keep_going is not None and not keep_going():
                break
            with transaction():
                done += derive_slice(conn, ids[lo:lo + slice_articles])
        if missing_indexes(conn) and not count_pending(conn):
            with transaction():
                create_indexes(conn)
    finally:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if checks else 'OFF'}")
    return done


def count_pending(conn: sqlite3.Connection) -> int:
    """Articles whose query rows are still to be written."""
    return int(conn.execute("SELECT count(*) FROM pending_rows").fetchone()[0])


class Background:
    """``derive_pending`` on a store file in another process, started now.

    The process stops by itself when this one exits (it checks its parent between slices);
    whatever it did not write is written by ``Store.derive_pending`` in this process.
    """

    def __init__(self, path: str | Path) -> None:
        import provenance

        env = dict(os.environ)
        root = str(Path(provenance.__file__).resolve().parent.parent)  # this provenance, not another install
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.path = Path(path)
        # A file, not a pipe: nothing the process writes can block it. Closed by join().
        self._err = tempfile.TemporaryFile()  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "provenance.store.derive", str(self.path), str(os.getpid())],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._err, env=env)

    def join(self, quiet: bool = False) -> int:
        """Wait for the process to end; returns its exit code (a failure is logged unless ``quiet``,
        never raised: ``Store.derive_pending`` writes what it left)."""
        code = self.proc.wait()
        if not self._err.closed:
            self._err.seek(0)
            err = self._err.read().decode("utf-8", "replace").strip()
            self._err.close()
            if code and not quiet:
                log.warning("deriving the query tables of %s in the background stopped (exit code %s): %s; "
                            "the rest is written in this process", self.path, code, err[-400:])
        return code

    def stop(self) -> None:
        """End the process if it still runs (its open transaction rolls back; committed slices stay)."""
        if self.proc.poll() is None:
            self.proc.terminate()
        self.join(quiet=True)


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def main(argv: list[str] | None = None) -> int:
    """``python -m provenance.store.derive STORE PARENT_PID``: derive what is pending, then exit."""
    path, parent = (argv if argv is not None else sys.argv[1:])[:2]
    if argv is None:
        # Below matching (and the matching stages it forks) when they want both cores: these
        # rows are needed only when the run is recorded, and the run waits for them then.
        os.nice(NICENESS)
    conn = sqlite3.connect(path, timeout=600.0, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = NORMAL")
        derive_pending(conn, lambda: _transaction(conn), keep_going=lambda: os.getppid() == int(parent))
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["Background", "add_query_rows", "count_pending", "derive_pending", "ensure_columns", "insert_values"]
