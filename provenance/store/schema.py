"""The store's schema: fixed tables, and the columns of the extraction tables.

The extraction tables (dates, figures, attributions, actors) mirror the CSV tables of a run
folder, minus the columns the ``articles`` table already holds, so a query joins on
``article_id``. Their columns are derived from the contract dataclasses by building one
probe extraction, so the schema of a fresh store is complete and documented before any
article is added; a column that a later version of ``frames.py`` adds is added to an existing
store with ``ALTER TABLE ... ADD COLUMN`` (the sqlite-utils way), never by rebuilding it.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import sqlite3
from dataclasses import MISSING, fields, is_dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from provenance import extract as _extract
from provenance import models as _models
from provenance.models import Article, Extraction, Sentence

#: 2: the extractions payloads are zstd-compressed (1: zlib). A schema-1 store is read as it is
#: (``payload.decompress`` reads both) and marked 2 when this version opens it, since it then
#: writes zstd payloads there, which a version reading schema 1 only could not read.
SCHEMA_VERSION = 2

# Tables written per article (rows from frames.rows_from_extraction), besides ``articles``.
EXTRACTION_TABLES = ("dates", "figures", "attributions", "actors")
# Tables written per run by matching (``match_frames``); other names it returns are stored too.
MATCH_TABLES = ("claims", "clusters")
# Row keys that the articles table already holds (dropped from child tables, not from the payload).
CONTEXT_KEYS = ("source", "outlet", "published", "sentence")
RESERVED = frozenset({"store_meta", "runs", "articles", "extractions", "sentences", "rejections",
                      "pending_rows", *EXTRACTION_TABLES})

# Article fields stored as columns of ``articles`` (every Article field), in order.
ARTICLE_FIELDS = tuple(f.name for f in fields(Article))

FIXED_DDL = """
CREATE TABLE IF NOT EXISTS store_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    run_id             INTEGER PRIMARY KEY,
    command            TEXT NOT NULL,      -- run | add | report | refresh
    started            TEXT NOT NULL,      -- ISO 8601 UTC
    finished           TEXT NOT NULL,
    inputs             TEXT NOT NULL,      -- JSON list of the inputs as given
    extractor_version  TEXT NOT NULL,
    articles           INTEGER NOT NULL,   -- unique articles in the run's inputs
    extracted          INTEGER NOT NULL,   -- of which extracted by this run
    reused             INTEGER NOT NULL,   -- of which taken from the store
    rejected           INTEGER NOT NULL,   -- inputs or rows rejected (skipped files aside)
    provenance_version TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    article_id          TEXT PRIMARY KEY,  -- hash of outlet and text (ids.article_id)
    text                TEXT NOT NULL,     -- every offset in every table indexes this
    source              TEXT NOT NULL,     -- path, or path#row; the latest run's
    outlet              TEXT,
    outlet_from         TEXT,
    published           TEXT,
    published_precision TEXT,
    published_from      TEXT,
    published_inferred  INTEGER,
    url                 TEXT,
    title               TEXT,
    author              TEXT,
    input_kind          TEXT,
    duplicates          INTEGER NOT NULL DEFAULT 0,
    chars               INTEGER NOT NULL,
    extractor_version   TEXT NOT NULL,     -- extract.extractor_version() that produced the rows
    rows_format         TEXT NOT NULL,     -- fingerprint of frames.py, models.py and extract/
    extract_key         TEXT NOT NULL,     -- hash of version, format and extraction inputs
    added_at            TEXT NOT NULL      -- ISO 8601 UTC of the extraction
);
CREATE INDEX IF NOT EXISTS articles_outlet ON articles(outlet);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE INDEX IF NOT EXISTS articles_extractor_version ON articles(extractor_version);
CREATE TABLE IF NOT EXISTS extractions (
    article_id        TEXT PRIMARY KEY REFERENCES articles(article_id) ON DELETE CASCADE,
    extractor_version TEXT NOT NULL,
    rows_source       TEXT NOT NULL,       -- the article source the rows were built with
    rows              BLOB NOT NULL        -- zstd-compressed JSON (zlib in schema 1): every table's exact rows
);
-- Articles whose query rows (sentences, dates, figures, attributions, actors) are still to be
-- written from their extractions payload (store.derive); empty once a command has finished.
CREATE TABLE IF NOT EXISTS pending_rows (
    article_id        TEXT PRIMARY KEY REFERENCES articles(article_id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS sentences (
    article_id        TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
    "index"           INTEGER NOT NULL,    -- sentence number in the article, from 0
    start             INTEGER NOT NULL,
    "end"             INTEGER NOT NULL,
    text              TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    PRIMARY KEY (article_id, "index")
);
CREATE TABLE IF NOT EXISTS rejections (
    run_id  INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,              -- order in which the run met it
    input   TEXT NOT NULL,
    "row"   INTEGER,                       -- 1-based data row, NULL for a whole file
    reason  TEXT NOT NULL,
    skipped INTEGER NOT NULL,              -- 1: a documentation file, not an article
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX IF NOT EXISTS rejections_input ON rejections(input);
"""


def quote(name: str) -> str:
    """SQL identifier quoting (``index``, ``end`` and ``row`` are keywords)."""
    return '"' + name.replace('"', '""') + '"'


def sql_type(value: Any) -> str:
    """Column type for a Python value (the affinity sqlite-utils would choose)."""
    if isinstance(value, bool | int):
        return "INTEGER"
    if isinstance(value, float):
        return "REAL"
    if isinstance(value, str):
        return "TEXT"
    return ""


def sql_value(value: Any) -> Any:
    """A value SQLite can bind: scalars as they are, containers as JSON."""
    if value is None or isinstance(value, str | int | float | bytes):
        return value
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return json.dumps(value, ensure_ascii=False, default=str)


@lru_cache(maxsize=1)
def rows_format() -> str:
    """Fingerprint of the code and data behind stored rows: frames.py, models.py and every file of
    the extract package (rules, lexicons, models). Any change to them invalidates stored rows,
    even one made without bumping an extractor's VERSION."""
    from provenance import frames as _frames  # here, not at import: pandas stays out of store.derive

    h = hashlib.sha1()
    for mod in (_frames, _models):
        h.update(inspect.getsource(mod).encode("utf-8"))
    root = Path(inspect.getfile(_extract)).parent
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo"):
            h.update(p.relative_to(root).as_posix().encode("utf-8") + b"\0" + p.read_bytes())
    return h.hexdigest()[:12]


def _probe_value(annotation: str, depth: int = 0) -> Any:
    """A non-null sample value of a (string) annotation, to learn column types."""
    a = annotation.replace(" ", "")
    for name in ("SourceRef", "Span"):
        if a.startswith((name, f"tuple[{name}")):
            obj = _probe(getattr(_models, name), depth + 1)
            return (obj,) if a.startswith("tuple") else obj
    if a.startswith("bool"):
        return True
    if a.startswith("float"):
        return 1.5
    if a.startswith("int"):
        return 1
    return "x"


def _probe(cls: type, depth: int = 0) -> Any:
    kw = {}
    for f in fields(cls):
        if depth > 3 and f.default is not MISSING:
            continue
        kw[f.name] = _probe_value(str(f.type), depth)
    return cls(**kw)


@lru_cache(maxsize=1)
def probe_columns() -> dict[str, dict[str, str]]:
    """Column name -> SQL type of every extraction table, from one probe extraction."""
    from provenance.frames import rows_from_extraction

    out: dict[str, dict[str, str]] = {t: {} for t in EXTRACTION_TABLES}
    try:
        art = Article(article_id="probe", text="x" * 40, source="probe")
        kw: dict[str, Any] = {"article": art, "sentences": (Sentence(0, 40),)}
        for f in fields(Extraction):
            if f.name in kw or f.name == "extractor_version":
                continue
            item = str(f.type).replace(" ", "")
            cls_name = item[len("tuple["):].split(",")[0]
            cls = getattr(_models, cls_name, None)
            if isinstance(cls, type) and is_dataclass(cls):
                kw[f.name] = (_probe(cls),)
        rows = rows_from_extraction(Extraction(**kw, extractor_version="probe"))
    except Exception:  # noqa: BLE001 - a probe failure only loses declared types, never data
        return out
    for table in EXTRACTION_TABLES:
        for row in rows.get(table, [])[:1]:
            for k, v in row.items():
                if k not in CONTEXT_KEYS and k not in ("article_id", "index"):
                    out[table][k] = sql_type(v)
    return out


def extraction_table_ddl(table: str) -> str:
    """CREATE TABLE for one extraction table, with the probed columns."""
    cols = [
        'article_id TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE',
        '"index" INTEGER NOT NULL',
        "extractor_version TEXT NOT NULL",
    ]
    for name, typ in probe_columns()[table].items():
        if name == "extractor_version":
            continue
        cols.append(f"{quote(name)} {typ}".rstrip())
    body = ",\n    ".join(cols + ['PRIMARY KEY (article_id, "index")'])
    return f"CREATE TABLE IF NOT EXISTS {quote(table)} (\n    {body}\n);"


def match_table_ddl(table: str) -> str:
    """CREATE TABLE for a per-run matching table; its other columns are added as they appear."""
    return (f"CREATE TABLE IF NOT EXISTS {quote(table)} (\n"
            "    run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
            '    "row" INTEGER NOT NULL,\n'
            '    PRIMARY KEY (run_id, "row")\n);')


INDEXES = {
    "figures": ("metric", "value", "source_canonical"),
    "attributions": ("source_canonical", "kind"),
    "actors": ("canonical",),
    "dates": ("value",),
}


def create_schema(conn: sqlite3.Connection) -> None:
    """Create every table and index that does not exist yet (inside the caller's transaction)."""
    buf = ""
    for line in FIXED_DDL.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            conn.execute(buf)
            buf = ""
    for t in EXTRACTION_TABLES:
        conn.execute(extraction_table_ddl(t))
    create_indexes(conn)
    for t in MATCH_TABLES:
        conn.execute(match_table_ddl(t))


def _index_name(table: str, column: str) -> str:
    return f"{table}_{column}"


def index_names(conn: sqlite3.Connection) -> list[str]:
    """Names of the extraction tables' secondary indexes (``INDEXES``) the store has now (not
    indexes a user added)."""
    ours = [_index_name(t, c) for t in EXTRACTION_TABLES for c in INDEXES.get(t, ())]
    have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    return [n for n in ours if n in have]


def missing_indexes(conn: sqlite3.Connection) -> list[str]:
    """CREATE INDEX of each extraction-table secondary index (``INDEXES``) the store lacks (on
    columns it has)."""
    have = set(index_names(conn))
    out = []
    for t in EXTRACTION_TABLES:
        cols = table_columns(conn, t)
        for col in INDEXES.get(t, ()):
            name = _index_name(t, col)
            if col in cols and name not in have:
                out.append(f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(t)}({quote(col)})")
    return out


def create_indexes(conn: sqlite3.Connection) -> None:
    """Create the extraction tables' secondary indexes (``INDEXES``) that do not exist yet."""
    for sql in missing_indexes(conn):
        conn.execute(sql)


def table_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """Column names of a table (empty when it does not exist)."""
    return {r[1] for r in conn.execute(f"PRAGMA table_info({quote(table)})")}


__all__ = [
    "ARTICLE_FIELDS", "CONTEXT_KEYS", "EXTRACTION_TABLES", "INDEXES", "MATCH_TABLES", "RESERVED", "SCHEMA_VERSION",
    "create_indexes", "create_schema", "extraction_table_ddl", "index_names", "match_table_ddl", "missing_indexes",
    "probe_columns", "quote", "rows_format", "sql_type", "sql_value", "table_columns",
]
