"""The SQLite store: connection, locking, and the reads and writes the pipeline needs.

One writer at a time (SQLite's rule); readers never wait (WAL mode). A writer that finds the
store locked waits, says so once through ``on_wait``, and gives up with a StoreError after
``wait`` seconds. Every write is one transaction: a kill, a full disk or an I/O error leaves
the store at its last complete commit.
"""

from __future__ import annotations

import itertools
import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple, Self

import pandas as pd
import pyarrow as pa

from provenance.errors import StoreError
from provenance.ids import content_hash
from provenance.models import Article, Rejection
from provenance.store import derive
from provenance.store.payload import PLAIN, Rows, decode, encode, strip, unstrip
from provenance.store.schema import (
    ARTICLE_FIELDS,
    RESERVED,
    SCHEMA_VERSION,
    create_schema,
    match_table_ddl,
    quote,
    rows_format,
    sql_value,
    table_columns,
)

log = logging.getLogger(__name__)

# Article fields that do not change what extraction produces (so a copy under another path reuses it).
_NOT_EXTRACTION_INPUTS = ("source", "duplicates")


def now_utc() -> str:
    """Current time, ISO 8601 UTC to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def extract_key(article: Article, version: str) -> str:
    """Hash of everything an extraction depends on: extractor version, row format and the article."""
    parts = [getattr(article, f) for f in ARTICLE_FIELDS if f not in _NOT_EXTRACTION_INPUTS and f != "text"]
    return content_hash("extract", version, rows_format(), *parts, length=20)


class Encoded(NamedTuple):
    """One extraction ready to insert: what ``Store.put_extractions`` writes, built by
    ``encode_extraction`` wherever the article was extracted (a worker process), so that the
    process holding the store only binds values. The query tables' rows are not in it: they
    are derived from ``payload`` later (``store.derive``)."""

    article_id: str
    version: str
    rows_format: str
    article: tuple[Any, ...]  # the articles row without ``added_at`` (set at commit)
    source: str  # the article source the rows were built with
    payload: bytes  # ``encode(strip(rows))``


def encode_extraction(art: Article, rows: Rows, version: str) -> Encoded:
    """Everything ``put_extractions`` inserts for one article, as SQLite-bindable values.

    Args:
        art: The article.
        rows: Its table rows (``frames.rows_from_extraction``).
        version: The extractor version recorded with the rows.

    Returns:
        The encoded record (pickles compactly; bytes and plain values only).
    """
    fmt = rows_format()
    article = (*(sql_value(v) for v in astuple_shallow(art)), len(art.text), version, fmt, extract_key(art, version))
    return Encoded(art.article_id, version, fmt, article, art.source, encode(strip(rows, art.text)))


def _describe(exc: sqlite3.Error) -> str:
    return str(exc) or type(exc).__name__


def _is_locked(exc: sqlite3.Error) -> bool:
    msg = str(exc).lower()
    return "locked" in msg or "busy" in msg


class Store:
    """A provenance store in one SQLite file.

    Args:
        path: The database file (created with its folder's permission if absent).
        wait: Seconds to wait for another writer before giving up.
        on_wait: Called once with a message when this process has to wait for another one.
        warn_after: Seconds of waiting before ``on_wait`` is called.

    Raises:
        StoreError: The file cannot be opened, is not a SQLite database, or is from a newer schema.

    Examples:
        >>> with Store("store.sqlite") as st:  # doctest: +SKIP
        ...     st.counts()["articles"]
    """

    def __init__(self, path: str | Path, *, wait: float = 600.0, on_wait: Callable[[str], None] | None = None,
                 warn_after: float = 1.0) -> None:
        self.path = Path(path)
        self.wait = wait
        self.on_wait = on_wait
        self.warn_after = warn_after
        self._columns: dict[str, set[str]] = {}
        self.conn = self._connect()
        try:
            self._init_schema()
        except StoreError:
            self.conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise StoreError(f"{self.path} is not a usable provenance store ({_describe(exc)}). "
                             "Choose another --db.") from exc

    # -- connection and transactions ---------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        """A new connection to the file, with the store's settings."""
        try:
            conn = sqlite3.connect(str(self.path), timeout=0.2, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open store {self.path}: {_describe(exc)}. "
                             "Check that its folder exists and is writable, or choose another --db.") from exc
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 200")
            self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL"))
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{self.path} is not a usable provenance store ({_describe(exc)}). "
                             "Choose another --db.") from exc
        except BaseException:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        """Close the connection (SQLite folds the write-ahead log back into the file)."""
        self.conn.close()

    def reopen(self) -> None:
        """Close the connection and open a new one: a process about to fork closes its
        connection first (SQLite's state must not cross a fork), and reopens it afterwards.

        Raises:
            StoreError: The file cannot be opened any more.
        """
        self.conn.close()
        self._columns.clear()
        self.conn = self._connect()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _retry(self, op: Callable[[], Any]) -> Any:
        """Run ``op``, waiting while another process holds the write lock."""
        started = time.monotonic()
        warned = False
        while True:
            try:
                return op()
            except sqlite3.OperationalError as exc:
                if not _is_locked(exc):
                    raise
                waited = time.monotonic() - started
                # Said before giving up too: on a busy machine one attempt (busy_timeout) can
                # outlast the whole wait, and the user is still told that it waited.
                if not warned and waited >= self.warn_after:
                    warned = True
                    msg = f"waiting for another provenance process writing {self.path} ..."
                    if self.on_wait:
                        self.on_wait(msg)
                    log.warning(msg)
                if waited >= self.wait:
                    raise StoreError(
                        f"store {self.path} is locked by another process (waited {self.wait:g} s). "
                        "Run again when it has finished, or use another --db."
                    ) from exc
                time.sleep(0.05)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE): all of it is committed, or none of it.

        Raises:
            StoreError: The store stayed locked, or the disk is full or failing (rolled back).
        """
        self._retry(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        try:
            yield self.conn
            self._retry(lambda: self.conn.execute("COMMIT"))
        except BaseException as exc:
            if self.conn.in_transaction:
                try:
                    self.conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            if isinstance(exc, sqlite3.Error) and not isinstance(exc, sqlite3.IntegrityError):
                raise StoreError(f"cannot write store {self.path}: {_describe(exc)}. Free disk space "
                                 "(or choose another --db) and run again; the store keeps its last "
                                 "complete state.") from exc
            raise

    def _init_schema(self) -> None:
        with self.transaction() as c:
            row = None
            if "store_meta" in {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}:
                row = c.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()
            if row is not None and int(row[0]) > SCHEMA_VERSION:
                raise StoreError(f"{self.path} was written by a newer provenance (store schema {row[0]}, "
                                 f"this one reads {SCHEMA_VERSION}). Upgrade provenance or choose another --db.")
            create_schema(c)
            # An older schema is brought up to this one in place: 1 -> 2 changes only how new
            # payloads are compressed, and both kinds are read (``payload.decompress``).
            # An UPDATE, and only when older: REPLACE deleted and re-inserted the row on every
            # open, a write to a store the run then left unchanged (tests/test_faults.py).
            c.execute("INSERT OR IGNORE INTO store_meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            c.execute("UPDATE store_meta SET value = ? WHERE key = 'schema_version' AND CAST(value AS INTEGER) < ?",
                      (str(SCHEMA_VERSION), SCHEMA_VERSION))
            c.execute("INSERT OR IGNORE INTO store_meta VALUES ('created', ?)", (now_utc(),))

    def _ensure_columns(self, table: str, row: dict[str, Any]) -> None:
        """Add columns a newer frames.py produces (sqlite-utils style), inside the open transaction."""
        have = self._columns.get(table)
        if have is None:
            have = self._columns[table] = table_columns(self.conn, table)
        derive.ensure_columns(self.conn, table, row, have)

    # -- reads -------------------------------------------------------------------------------

    def extract_keys(self) -> dict[str, str]:
        """article_id -> extract_key for every stored article (what lets a run skip work done)."""
        return dict(self.conn.execute("SELECT article_id, extract_key FROM articles"))

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        names = [r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {n: self.conn.execute(f"SELECT count(*) FROM {quote(n)}").fetchone()[0] for n in names}

    def stale(self, version: str) -> dict[str, int]:
        """Articles whose rows came from another extractor version or row format: version -> count."""
        q = ("SELECT extractor_version || ' / rows ' || rows_format, count(*) FROM articles "
             "WHERE extractor_version != ? OR rows_format != ? GROUP BY 1 ORDER BY 1")
        return dict(self.conn.execute(q, (version, rows_format())))

    def article(self, article_id: str) -> Article:
        """The stored article (text and metadata) with this id."""
        cols = ", ".join(quote(f) for f in ARTICLE_FIELDS)
        row = self.conn.execute(f"SELECT {cols} FROM articles WHERE article_id = ?", (article_id,)).fetchone()
        if row is None:
            raise KeyError(article_id)
        kw = dict(zip(ARTICLE_FIELDS, row))
        kw["published_inferred"] = bool(kw["published_inferred"])
        return Article(**kw)

    def stale_articles(self, version: str) -> Iterator[Article]:
        """Stored articles whose rows are from another extractor version or row format."""
        ids = [r[0] for r in self.conn.execute(
            "SELECT article_id FROM articles WHERE extractor_version != ? OR rows_format != ? ORDER BY article_id",
            (version, rows_format()))]
        for aid in ids:
            yield self.article(aid)

    def load_rows(self, article_id: str, source: str | None = None) -> Rows:
        """The exact table rows stored for an article, with ``source`` set to the one given."""
        row = self.conn.execute(
            "SELECT e.rows, e.rows_source, a.text, a.source FROM extractions e JOIN articles a USING (article_id) "
            "WHERE article_id = ?", (article_id,)).fetchone()
        if row is None:
            raise KeyError(article_id)
        payload, rows_source, text, stored_source = row
        rows: Rows = unstrip(decode(payload), text)
        want = source if source is not None else stored_source
        if want != rows_source:
            for rs in rows.values():
                for r in rs:
                    if r.get("source") == rows_source:
                        r["source"] = want
        return rows

    def iter_rows(self) -> Iterator[tuple[Rows, int]]:
        """Every stored article's rows (as its latest run saw it) and its duplicates count, by id."""
        for aid, dup in self.conn.execute("SELECT article_id, duplicates FROM articles ORDER BY article_id").fetchall():
            yield self.load_rows(aid), dup

    def rejections(self) -> list[Rejection]:
        """Rejections of every run, each distinct one once, in the order first met."""
        q = ('SELECT input, "row", reason, skipped FROM rejections GROUP BY input, "row", reason, skipped '
             "ORDER BY min(run_id), min(seq)")
        return [Rejection(i, r, why, bool(s)) for i, r, why, s in self.conn.execute(q)]

    # -- writes ------------------------------------------------------------------------------

    def put_extractions(self, items: Sequence[tuple[Article, Rows] | Encoded], version: str, *,
                        derive_rows: bool = True) -> None:
        """Store extracted articles (replacing older rows of the same ids) in one transaction.

        Items are ``(article, rows)`` pairs or records that ``encode_extraction`` already built
        (in the worker process that extracted the article, so this process only inserts).

        Args:
            items: The extractions.
            version: The extractor version of their rows.
            derive_rows: Also write their query-table rows (sentences, dates, figures, ...) in the
                same transaction. When False, the articles are listed in ``pending_rows`` and
                get their rows at ``derive_pending`` (a ``Session`` does this: a batch commit is
                then the articles rows and payloads only).
        """
        if not items:
            return
        recs = [it if isinstance(it, Encoded) else encode_extraction(it[0], it[1], version) for it in items]
        stamp = now_utc()
        cols = ARTICLE_FIELDS + ("chars", "extractor_version", "rows_format", "extract_key", "added_at")
        upsert = (f"INSERT INTO articles ({', '.join(quote(c) for c in cols)}) VALUES ({', '.join('?' * len(cols))}) "
                  "ON CONFLICT(article_id) DO UPDATE SET "
                  + ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in cols if c != "article_id"))
        with self.transaction() as c:
            c.executemany(upsert, [(*r.article, stamp) for r in recs])
            c.executemany("INSERT OR REPLACE INTO extractions VALUES (?, ?, ?, ?)",
                          [(r.article_id, version, r.source, r.payload) for r in recs])
            c.executemany("INSERT OR IGNORE INTO pending_rows VALUES (?)", [(r.article_id,) for r in recs])
            if derive_rows:
                derive.derive_slice(c, sorted({r.article_id for r in recs}))

    def pending_rows(self) -> int:
        """Articles whose query-table rows are still to be written (``derive_pending``)."""
        return derive.count_pending(self.conn)

    def derive_pending(self) -> int:
        """Write the query-table rows of every article listed in ``pending_rows`` (``store.derive``).

        Returns:
            How many articles got their rows.

        Raises:
            StoreError: The store stayed locked, or the disk is full or failing.
        """
        return derive.derive_pending(self.conn, self.transaction)

    def derive_in_background(self) -> derive.Background | None:
        """Start ``derive_pending`` in another process when rows are pending (None otherwise)."""
        if not self.path.is_file() or not self.pending_rows():
            return None
        return derive.Background(self.path)

    def record_run(
        self, *, command: str, started: str, inputs: Iterable[str], version: str, counts: dict[str, int],
        rejections: Iterable[Rejection] = (), seen: Iterable[tuple[str, str, int]] = (),
        tables: dict[str, pd.DataFrame] | None = None, ready: Callable[[], None] | None = None,
    ) -> int:
        """Record a finished run in one transaction: its row, rejections, sources seen, matching tables.

        Args:
            command: ``run``, ``add``, ``report`` or ``refresh``.
            started: ISO start time.
            inputs: Inputs as given.
            version: Extractor version of the run.
            counts: ``articles``, ``extracted``, ``reused``, ``rejected``.
            rejections: Rejected inputs and rows, in the order met.
            seen: ``(article_id, source, duplicates)`` of each article in the run's inputs.
            tables: Matching tables (claims, clusters, ...) to keep with the run.
            ready: Called after the inserts, before the commit; if it raises, nothing is
                recorded (``pipeline.run`` records while it writes the report, and commits
                only once the report is written).

        Returns:
            The new run id.
        """
        from provenance import __version__

        with self.transaction() as c:
            cur = c.execute(
                "INSERT INTO runs (command, started, finished, inputs, extractor_version, articles, extracted, "
                "reused, rejected, provenance_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (command, started, now_utc(), json.dumps(list(inputs), ensure_ascii=False), version,
                 counts.get("articles", 0), counts.get("extracted", 0), counts.get("reused", 0),
                 counts.get("rejected", 0), __version__))
            run_id = int(cur.lastrowid or 0)
            c.executemany('INSERT INTO rejections (run_id, seq, input, "row", reason, skipped) VALUES (?, ?, ?, ?, ?, ?)',
                          [(run_id, i, r.input, r.row, r.reason, int(r.skipped)) for i, r in enumerate(rejections)])
            c.executemany("UPDATE articles SET source = ?, duplicates = ? WHERE article_id = ?",
                          [(src, int(dup), aid) for aid, src, dup in seen])
            for name, df in (tables or {}).items():
                self._put_table(run_id, name, df)
            if ready is not None:
                ready()
        return run_id

    def _put_table(self, run_id: int, name: str, df: pd.DataFrame) -> None:
        if name in RESERVED or not name.isidentifier():
            return  # matching's enriched copy of an extraction table: rebuilt from the rows each time
        if name in PIVOT_TABLES:
            # One column per outlet: a pivot of figure_cells / claims, as wide as the corpus has
            # outlets (SQLite caps a table at 2,000 columns); a store from before keeps none.
            self.conn.execute(f"DROP TABLE IF EXISTS {quote(name)}")
            self._columns.pop(name, None)
            return
        self.conn.execute(match_table_ddl(name))
        # Matching covers every article of a run, so only the latest run's tables are kept.
        self.conn.execute(f"DELETE FROM {quote(name)} WHERE run_id != ?", (run_id,))
        # Columns are declared as row-by-row insertion would declare them (each with the type of
        # its first non-null value, in the order those values come); the rows then go in as
        # tuples built a column at a time, a slice at a time (a dict per row cost ~420 s on ABP).
        names = [str(k) for k in df.columns]
        first: list[tuple[int, int, str, Any]] = []
        for j, (k, col) in enumerate(zip(names, df.columns)):
            notna = df[col].notna().to_numpy()
            if notna.any():
                pos = int(notna.argmax())
                value = df.iloc[[pos], [j]].astype(object).to_dict("records")[0][col]
                first.append((pos, j, k, value))
        for _, _, k, value in sorted(first, key=lambda t: (t[0], t[1])):
            self._ensure_columns(name, {k: value})
        self._ensure_columns(name, dict.fromkeys(names))
        sql = (f"INSERT INTO {quote(name)} ({', '.join(quote(n) for n in ['run_id', 'row', *names])}) "
               f"VALUES ({', '.join('?' * (len(names) + 2))})")
        for lo in range(0, len(df), TABLE_SLICE_ROWS):
            part = df.iloc[lo:lo + TABLE_SLICE_ROWS]
            cols = [_sql_column(part.iloc[:, j]) for j in range(len(names))]
            self.conn.executemany(sql, zip(itertools.repeat(run_id), range(lo, lo + len(part)), *cols))


def _sql_column(col: pd.Series) -> list[Any]:
    """A column as values SQLite binds: None for missing values, JSON for containers."""
    if isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow":
        # Strings and nulls (None) straight from pyarrow: 2.4x faster than tolist + isna on ABP's claims.
        values: list[Any] = pa.array(col.array).to_pylist()
        return values
    vals = col.tolist()  # numpy scalars become Python ones
    numpy = not isinstance(col.dtype, pd.api.extensions.ExtensionDtype)
    if numpy and col.dtype.kind in "iub":
        return vals
    na = col.isna().to_numpy()
    if numpy and col.dtype.kind == "f":
        return [None if m else v for v, m in zip(vals, na)]
    return [None if m else (v if type(v) in PLAIN else sql_value(v)) for v, m in zip(vals, na)]


#: Matching tables not kept in the store: pivots (one column per outlet) of tables that are.
PIVOT_TABLES = frozenset({"figure_table", "attribution_table"})


#: Rows of a matching table converted and inserted at a time by ``Store.record_run``.
TABLE_SLICE_ROWS = 50_000


def _is_na(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def astuple_shallow(obj: Any) -> tuple[Any, ...]:
    """Field values of a dataclass, not recursing (``dataclasses.astuple`` deep-copies)."""
    return tuple(getattr(obj, f.name) for f in fields(obj))


__all__ = ["Encoded", "Store", "encode_extraction", "extract_key", "now_utc"]
