"""Tables: ``.csv``, ``.tsv`` (with or without a header), ``.json``, ``.jsonl``, ``.jsonl.gz``.

A row is one article. Columns are recognised by common names or named by the user; a
headerless table (../shared/data/gaza-news) gets its columns from what the cells hold.
Rows stream: nothing holds a whole corpus in memory.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from provenance.errors import InputError, RejectedInput
from provenance.ingest.published import parse_date_value

csv.field_size_limit(2**31 - 1)

# Column names recognised without options, best first (ABP has both content_original and content).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content_original", "full_text", "article_text", "article", "content", "sentence",
             "story", "maintext"),
    "outlet": ("outlet", "source", "publisher", "source_name", "sitename", "site_name", "newssource", "media"),
    "published": ("published", "date", "article_date", "pubdate", "publication_date", "published_at",
                  "date_publish", "datetime", "timestamp"),
    "url": ("url", "link", "origin", "article_url", "newslink"),
    "title": ("title", "headline", "article_title", "newstitle"),
    "author": ("author", "authors", "byline"),
}
FIELDS = tuple(COLUMN_NAMES)
_URLISH = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class ColumnMap:
    """User-named columns (``--text-col`` ...); None means recognise by name or content."""

    text: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    title: str | None = None
    author: str | None = None


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def resolve_columns(header: list[str], user: ColumnMap, where: str) -> dict[str, str | None]:
    """Map our fields to header names.

    Raises:
        InputError: A user-named column is not in the header.
        RejectedInput: No text column can be found.
    """
    by_norm = {_norm(h): h for h in header}
    out: dict[str, str | None] = {}
    for fld in FIELDS:
        wanted = getattr(user, fld)
        if wanted is not None:
            if wanted in header:
                out[fld] = wanted
            elif _norm(wanted) in by_norm:
                out[fld] = by_norm[_norm(wanted)]
            else:
                raise InputError(
                    f"column '{wanted}' (--{fld.replace('published', 'date')}-col) is not in {where}. "
                    f"Its columns are: {', '.join(h for h in header if h) or '(none)'}."
                )
            continue
        out[fld] = next((by_norm[n] for n in COLUMN_NAMES[fld] if n in by_norm), None)
    if out["text"] is None and out["title"] is not None and user.text is None:
        # A table of headlines (gaza-news): the headline is the text the claims are read from.
        out["text"] = out["title"]
    if out["text"] is None:
        raise RejectedInput(
            "no text column (looked for " + ", ".join(COLUMN_NAMES["text"]) + "); name it with --text-col"
        )
    used = [v for f, v in out.items() if v and f != "title"]
    if len(set(used)) != len(used):
        # Two fields on one column would misread rows; keep the text, drop the other.
        seen: set[str] = set()
        for fld in FIELDS:
            col = out[fld]
            if col in seen:
                out[fld] = None
            elif col:
                seen.add(col)
    return out


def _looks_like_header(row: list[str]) -> bool:
    known = {n for names in COLUMN_NAMES.values() for n in names}
    return any(_norm(c) in known for c in row) or not any(
        parse_date_value(c) or _URLISH.match(c.strip()) for c in row if c.strip()
    )


def infer_columns(rows: list[list[str]]) -> dict[str, str | None]:
    """Field -> column index (as a string) for a headerless table, from what cells hold.

    Dates are the column whose cells parse as dates, URLs the one of http links, the text the
    longest remaining column, the outlet the shortest remaining one.
    """
    ncol = max(len(r) for r in rows)
    stats = []
    for i in range(ncol):
        cells = [r[i] for r in rows if i < len(r) and r[i].strip()]
        n = max(len(cells), 1)
        stats.append({
            "date": sum(1 for c in cells if parse_date_value(c)) / n,
            "url": sum(1 for c in cells if _URLISH.match(c.strip())) / n,
            "len": sum(len(c) for c in cells) / n,
        })
    out: dict[str, str | None] = {f: None for f in FIELDS}
    free = set(range(ncol))
    for fld, key in (("url", "url"), ("published", "date")):
        best = max(free, key=lambda i: stats[i][key], default=None)
        if best is not None and stats[best][key] >= 0.8:
            out[fld] = str(best)
            free.discard(best)
    if not free:
        raise RejectedInput("headerless table with no text column; add a header or use --text-col")
    text = max(free, key=lambda i: stats[i]["len"])
    out["text"] = str(text)
    free.discard(text)
    if free:
        out["outlet"] = str(min(free, key=lambda i: stats[i]["len"]))
    return out


def _open_text(path: Path) -> io.TextIOBase:
    """Open a (possibly gzipped) file as UTF-8 text, tolerating a byte-order mark."""
    if path.name.lower().endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", errors="strict", newline="")
    return open(path, encoding="utf-8-sig", errors="strict", newline="")


Row = tuple[int, Mapping[str, Any] | None, str | None]  # (row number, fields, rejection reason)


def _delimited_rows(path: Path, sample: str, user: ColumnMap) -> Iterator[Row]:
    """Rows of a CSV/TSV as {field: value} using the header or content inference."""
    try:
        dialect: Any = csv.Sniffer().sniff(sample[:65536], delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() in (".tsv", ".tab", ".txt") else csv.excel
    with _open_text(path) as fh:
        reader = csv.reader(fh, dialect)
        first = next(reader, None)
        if first is None:
            raise RejectedInput("empty table")
        if _looks_like_header(first):
            header = first
            cols = resolve_columns(header, user, str(path))
            index = {f: (header.index(c) if c is not None else None) for f, c in cols.items()}
            pending: list[list[str]] = []
            width = len(header)
        else:
            if any(getattr(user, f) for f in FIELDS):
                named = {f: getattr(user, f) for f in FIELDS if getattr(user, f)}
                if not all(str(v).isdigit() for v in named.values()):
                    raise InputError(
                        f"{path} has no header row, so columns are named by number (0 = first), "
                        "e.g. --text-col 2."
                    )
            head = [first] + [r for _, r in zip(range(200), reader)]
            inferred = infer_columns(head)
            for f in FIELDS:
                if getattr(user, f) is not None:
                    inferred[f] = str(getattr(user, f))
            index = {f: (int(c) if c is not None else None) for f, c in inferred.items()}
            width = len(first)
            pending = head

        def rows() -> Iterator[list[str]]:
            yield from pending
            yield from reader

        n = 0  # rows are numbered from the first data row (1-based), a header excluded
        it = rows()
        while True:
            try:
                r = next(it)
            except StopIteration:
                return
            except csv.Error as exc:
                n += 1
                yield n, None, f"malformed row ({exc})"
                continue
            n += 1
            if not any(c.strip(" \t\r\n\x1a\x0c\x0b") for c in r):
                # "\x1a" is the Ctrl-Z end-of-file marker some exporters append.
                yield n, None, "empty row (blank or control characters only)"
                continue
            if len(r) != width:
                yield n, None, f"malformed row: {len(r)} fields where the header has {width}"
                continue
            yield n, {f: (r[i] if i is not None and i < len(r) else None) for f, i in index.items()}, None


def _json_records(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    """(row, object, reason) for .json (an array, or an object holding one) and .jsonl(.gz)."""
    name = path.name.lower()
    if name.endswith(".json"):
        with _open_text(path) as fh:
            try:
                data = json.load(fh)
            except json.JSONDecodeError as exc:
                raise RejectedInput(f"invalid JSON ({exc.msg} at line {exc.lineno})") from exc
        if isinstance(data, dict):
            lists = [v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
            data = lists[0] if len(lists) == 1 else [data]
        if not isinstance(data, list):
            raise RejectedInput("JSON is neither a list of objects nor an object holding one")
        for i, obj in enumerate(data, 1):
            yield i, obj, None
        return
    with _open_text(path) as fh:
        for i, line in enumerate(fh, 1):
            if not line.strip():
                yield i, None, "empty line"
                continue
            try:
                yield i, json.loads(line), None
            except json.JSONDecodeError as exc:
                yield i, None, f"invalid JSON line ({exc.msg})"


def _json_rows(path: Path, user: ColumnMap) -> Iterator[Row]:
    cols: dict[str, str | None] | None = None
    for i, obj, reason in _json_records(path):
        if reason is not None:
            yield i, None, reason
            continue
        if not isinstance(obj, dict):
            yield i, None, "row is not a JSON object"
            continue
        if cols is None:
            cols = resolve_columns([str(k) for k in obj], user, str(path))
        yield i, {f: _cell(obj.get(c)) if c is not None else None for f, c in cols.items()}, None


def _cell(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    return v if isinstance(v, str) else str(v)


def table_rows(path: Path, user: ColumnMap, sample: str | None = None) -> Iterator[Row]:
    """Stream a table's rows as ``(row, {field: value}, reason)``.

    A whole-file problem (no text column, unreadable) raises RejectedInput before the first
    row; a row-level problem is yielded with its reason; a file cut short (truncated gzip,
    bad encoding mid-file) yields the rows read so far and then a final reason with row None.
    """
    name = path.name.lower()
    is_json = name.endswith((".json", ".jsonl", ".jsonl.gz", ".ndjson", ".json.gz"))
    gen: Iterable[Row]
    if is_json:
        gen = _json_rows(path, user)
    else:
        if sample is None:
            with _open_text(path) as fh:
                sample = fh.read(65536)
        gen = _delimited_rows(path, sample, user)
    last = 0
    try:
        for row in gen:
            last = row[0]
            yield row
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield -1, None, f"file is truncated or corrupt after row {last} ({type(exc).__name__}: {exc})"
    except UnicodeDecodeError as exc:
        yield -1, None, f"not UTF-8 after row {last} (byte {exc.start}); re-save the file as UTF-8"


def looks_like_table(sample: str) -> bool:
    """True when a text file's opening lines are tab-separated rows of a constant width."""
    lines = [ln for ln in sample.splitlines()[:20] if ln.strip()]
    if len(lines) < 2:
        return False
    widths = {ln.count("\t") for ln in lines}
    return len(widths) == 1 and widths.pop() >= 2
