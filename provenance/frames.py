"""Flat rows and DataFrames from extractions: the tables every later stage consumes.

Each row carries its article id, source, outlet, publication date, character offsets into the
article text, and the sentence it sits in, so every cell of every report traces back to text.

Columns whose values repeat from row to row and from table to table (``SHARED_COLUMNS``: the
sentence, the input ``source``, the extraction ``rule``) are pandas categoricals, one set of
distinct values per column name shared by every table (``share_strings``): on all of ABP the
sentences of the dates, figures and attributions tables took 271 MB as Arrow strings for
146 MB of distinct text. Their values (``tolist``, ``isna``, comparisons for equality) are
those of the string columns they replace; the claims table's ``text`` and ``source`` use the
same categories (``match.claims.build_claims``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from operator import attrgetter
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from provenance.extract.sentences import sentence_index
from provenance.models import Extraction, Rejection

ARTICLE_COLUMNS = [
    "article_id", "source", "outlet", "outlet_from", "published", "published_precision", "published_from",
    "published_inferred", "url", "title", "author", "input_kind", "duplicates", "chars", "sentences",
    "dates", "figures", "attributions", "actors", "extractor_version",
]
REJECTED_COLUMNS = ["input", "row", "reason", "skipped"]
TABLES = ("articles", "dates", "figures", "attributions", "actors")
#: Column -> the tables where it becomes a categorical over values shared by those tables.
SHARED_COLUMNS: dict[str, tuple[str, ...]] = {
    "sentence": ("dates", "figures", "attributions"),
    "source": ("dates", "figures", "attributions", "actors"),
    "rule": ("dates", "figures", "attributions"),
}


def _ctx(x: Extraction) -> dict[str, Any]:
    a = x.article
    return {"article_id": a.article_id, "source": a.source, "outlet": a.outlet, "published": a.published}


def _sentence(x: Extraction, start: int) -> tuple[int, int, int, str]:
    """(index, start, end, text) of the sentence holding ``start``."""
    if not x.sentences:
        return 0, 0, len(x.article.text), x.article.text
    sents = list(x.sentences)
    i = sentence_index(sents, start)
    s = sents[i]
    return i, s.start, s.end, x.article.text[s.start:s.end]


def _names(cls: type) -> tuple[str, ...]:
    """A dataclass's field names, cached (``dataclasses.fields`` is slow to ask per row)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_GETTERS: dict[tuple[type, str | None], tuple[tuple[str, ...], Callable[[Any], Any]]] = {}


def _fields(obj: Any, skip: str | None = None) -> dict[str, Any]:
    """A dataclass's fields as a dict, not recursing: ``dataclasses.asdict`` deep-copies every
    value and was 5% of extraction; the row types hold only plain values (a figure's ``source``
    aside, which the caller skips). One ``attrgetter`` call reads them all."""
    hit = _GETTERS.get((type(obj), skip))
    if hit is None:
        names = tuple(k for k in _names(type(obj)) if k != skip)
        # attrgetter of one name returns the value, not a 1-tuple.
        hit = _GETTERS[(type(obj), skip)] = (names, attrgetter(*names) if len(names) > 1 else lambda o: (getattr(o, names[0]),))
    names, get = hit
    return dict(zip(names, get(obj)))


def column_values(col: pd.Series) -> list[Any]:
    """A column as plain Python values, missing values as ``to_dict`` gives them (``pd.NA`` as None)."""
    vals = col.tolist()
    if isinstance(col.dtype, pd.api.extensions.ExtensionDtype) and any(v is pd.NA for v in vals):
        vals = [None if v is pd.NA else v for v in vals]
    return vals


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """``df.to_dict("records")``, built a column at a time (pandas boxes every value on its own, slowly)."""
    if not df.columns.is_unique or not len(df.columns):
        return df.to_dict("records")
    cols = list(df.columns)
    return [dict(zip(cols, vals)) for vals in zip(*(column_values(df[c]) for c in cols))]


def present(v: Any) -> Any:
    """``v``, or None for a pandas missing value (None, NaN, NA, NaT)."""
    t = type(v)
    if t is str or t is bool or t is int:  # the common cases, without pd.isna's cost (millions of calls on ABP)
        return v
    if t is float:
        return None if math.isnan(v) else v
    try:
        return None if v is None or pd.isna(v) else v
    except (TypeError, ValueError):  # pd.isna of a list or array
        return v


def is_arrow_string(col: pd.Series) -> bool:
    """A column of Arrow-backed strings (``string[pyarrow]``)."""
    return isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow"


def is_string_categorical(col: pd.Series) -> bool:
    """A categorical whose categories are Arrow-backed strings (``share_strings``)."""
    if not isinstance(col.dtype, pd.CategoricalDtype):
        return False
    cats = col.dtype.categories.dtype
    return isinstance(cats, pd.StringDtype) and cats.storage == "pyarrow"


def share_strings(frames: dict[str, pd.DataFrame], column: str, tables: Iterable[str]) -> pd.CategoricalDtype | None:
    """Turn ``column`` of each of ``tables`` into a categorical over their distinct values, in place.

    The categories (sorted, so a categorical sorts as the strings did) are one Arrow string
    array used by every table's column: a value repeated within and across tables is held
    once, plus a 4-byte code per row. A table lacking the column, empty, or holding it in
    another dtype (all missing: float) is left as it is.

    Returns:
        The shared dtype, or None when no table's column was converted.
    """
    names = [t for t in tables if t in frames and len(frames[t]) and column in frames[t].columns
             and is_arrow_string(frames[t][column])]
    if not names:
        return None
    arrays = [pa.array(frames[t][column].array).cast(pa.large_string()) for t in names]
    cats = pc.unique(pa.chunked_array(arrays)).drop_null()
    cats = cats.take(pc.sort_indices(cats))
    index = pd.Index(pd.arrays.ArrowStringArray(cats, dtype=frames[names[0]][column].dtype))
    # pandas checks that categories are unique whenever it makes a dtype of them (every concat of
    # categoricals does) by building a hash engine over them as Python strings, which the Index
    # keeps: 262 MB for ABP's sentences. ``pc.unique`` made them unique; the answer is recorded
    # up front, and the fast path skips the check here.
    cache = getattr(index, "_cache", None)
    if isinstance(cache, dict):
        cache["is_unique"] = True
    dtype = pd.CategoricalDtype._from_fastpath(index, ordered=False)  # type: ignore[attr-defined]
    for t, arr in zip(names, arrays):
        codes = pc.fill_null(pc.index_in(arr, value_set=cats), -1).to_numpy().astype(np.int32)
        frames[t][column] = pd.Categorical.from_codes(codes, dtype=dtype)
    del arrays
    pa.default_memory_pool().release_unused()
    return dtype


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS, Windows)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim  # type: ignore[no-any-return]


_TRIM = _malloc_trim()


def release_arrow_memory() -> None:
    """Hand the memory Arrow freed back to the system.

    Arrow's allocator keeps freed blocks for reuse; after a large table is built from parts,
    that was 0.6 GB of resident memory on ABP that no later stage reused.
    """
    pa.default_memory_pool().release_unused()


def release_memory() -> None:
    """Hand the memory freed by the last stage back to the system: Arrow's unused blocks
    (``release_arrow_memory``), and the free pages of the C allocator (glibc ``malloc_trim``;
    Python objects and numpy arrays).

    glibc keeps freed memory in its heaps for reuse; between the stages of an ABP run that was
    0.1-0.2 GB of resident memory no later stage had reused (a call takes a few milliseconds).
    """
    release_arrow_memory()
    if _TRIM is not None:
        _TRIM(0)


def rows_from_extraction(x: Extraction) -> dict[str, list[dict[str, Any]]]:
    """Flat rows of one extraction, keyed by table name (articles, dates, figures, ...)."""
    from bisect import bisect_right

    a = x.article
    ctx = _ctx(x)
    text = a.text
    sents = x.sentences
    s_starts = [s.start for s in sents]
    s_cache: dict[int, tuple[int, int, int, str]] = {}

    def _sentence_of(start: int) -> tuple[int, int, int, str]:
        """``_sentence(x, start)``, the sentence starts listed once and each text sliced once."""
        if not sents:
            return 0, 0, len(text), text
        i = max(0, bisect_right(s_starts, start) - 1)
        hit = s_cache.get(i)
        if hit is None:
            s = sents[i]
            hit = s_cache[i] = (i, s.start, s.end, text[s.start:s.end])
        return hit

    art = {k: getattr(a, k) for k in ARTICLE_COLUMNS if hasattr(a, k) and k not in ("sentences",)}
    art.update(chars=len(a.text), sentences=len(x.sentences), dates=len(x.dates), figures=len(x.figures),
               attributions=len(x.attributions), actors=len(x.actors), extractor_version=x.extractor_version)
    out: dict[str, list[dict[str, Any]]] = {"articles": [art], "dates": [], "figures": [], "attributions": [],
                                            "actors": []}
    for i, d in enumerate(x.dates):
        si, ss, se, st = _sentence_of(d.start)
        out["dates"].append({**ctx, "index": i, **_fields(d), "sentence_index": si, "sentence_start": ss,
                             "sentence_end": se, "sentence": st})
    for i, f in enumerate(x.figures):
        si, ss, se, st = _sentence_of(f.start)
        row = {**ctx, "index": i, **_fields(f, skip="source")}
        src = f.source
        row.update(
            source_text=src.text if src else None, source_start=src.start if src else None,
            source_end=src.end if src else None, source_canonical=src.canonical if src else None,
            descriptor=src.descriptor if src else None,
            sentence_index=si, sentence_start=ss, sentence_end=se, sentence=st,
        )
        out["figures"].append(row)
    for i, at in enumerate(x.attributions):
        si, ss, se, st = _sentence_of(at.cue.start)
        src = at.source
        out["attributions"].append({
            **ctx, "index": i, "kind": at.kind,
            "source_text": src.text if src else None, "source_start": src.start if src else None,
            "source_end": src.end if src else None, "source_canonical": src.canonical if src else None,
            "descriptor": src.descriptor if src else None,
            "cue": at.cue.text, "cue_start": at.cue.start, "cue_end": at.cue.end,
            "start": min([at.cue.start] + [c.start for c in at.content] + ([src.start] if src else [])),
            "end": max([at.cue.end] + [c.end for c in at.content] + ([src.end] if src else [])),
            "content": " … ".join(a.text[c.start:c.end] for c in at.content),
            "content_spans": ";".join(f"{c.start}-{c.end}" for c in at.content),
            "hedged": at.hedged, "rule": at.rule, "confidence": at.confidence,
            "sentence_index": si, "sentence_start": ss, "sentence_end": se, "sentence": st,
        })
    for i, ac in enumerate(x.actors):
        out["actors"].append({**ctx, "index": i, **_fields(ac)})
    return out


def concat_parts(parts: list[pd.DataFrame], sort_by: list[str] | None = None) -> pd.DataFrame:
    """Frames built from consecutive slices of rows, as one frame with the dtypes one
    inference over all rows would give (a column whose parts were inferred with different
    dtypes is rebuilt from its values). Building a large table in parts keeps only one part's
    Python objects alive at a time.

    The result is built a column at a time, each column dropped from the parts once copied, so
    the parts and the whole table are never held side by side. With ``sort_by`` the rows come
    out as ``sort_values(sort_by, kind="stable").reset_index(drop=True)`` would order them.
    """
    if len(parts) == 1 and not sort_by:
        return parts[0]
    names = list(dict.fromkeys(c for p in parts for c in p.columns))
    lengths = [len(p) for p in parts]

    def column(c: str) -> Any:
        dtypes = {str(p[c].dtype) if c in p.columns else None for p in parts}
        if len(dtypes) == 1 and None not in dtypes:
            return pd.concat([p[c] for p in parts], ignore_index=True)
        return pd.Series([x for p, n in zip(parts, lengths)
                          for x in (p[c].tolist() if c in p.columns else [float("nan")] * n)])

    order = None
    if sort_by and sum(lengths):
        keys = pd.DataFrame({k: column(k) for k in sort_by})
        order = keys.sort_values(sort_by, kind="stable").index.to_numpy()
        del keys
    out: dict[str, Any] = {}
    for c in names:
        col = column(c)
        for p in parts:
            if c in p.columns:
                del p[c]
        if order is not None:
            col = col.take(order).reset_index(drop=True)
        out[c] = col
    return pd.DataFrame(out, columns=names)


def _append(cols: dict[str, list[Any]], n: int, rows: list[dict[str, Any]], memo: dict[str, str]) -> int:
    """Append rows (dicts) to columns holding ``n`` rows each; returns the new row count.

    A key not seen before gets a column of NaN for the earlier rows, a row without a key a NaN
    (as pandas fills); short strings and sentences are kept once (``memo``)."""
    if not rows:
        return n
    keys = rows[0].keys()
    # The rows of one table have the same keys (they come from one function): appended a
    # column at a time, not a value at a time. New columns must open in the order the
    # row-by-row loop below would open them, so then the rows must list their keys alike.
    known = all(k in cols for k in keys)
    if all(r.keys() == keys for r in rows) and (known or all(list(r) == list(keys) for r in rows)):
        nan = float("nan")
        for k in keys:
            col = cols.get(k)
            if col is None:
                col = cols[k] = [nan] * n
            vals = [r[k] for r in rows]
            if k == "sentence":
                col.extend([memo.setdefault(x, x) if type(x) is str else x for x in vals])
            else:
                col.extend([memo.setdefault(x, x) if type(x) is str and len(x) <= 40 else x for x in vals])
        n += len(rows)
        if len(cols) > len(keys):  # columns these rows lack
            for col in cols.values():
                if len(col) < n:
                    col.extend([nan] * (n - len(col)))
        return n
    for row in rows:
        for k, x in row.items():
            col = cols.get(k)
            if col is None:
                col = cols[k] = [float("nan")] * n
            if type(x) is str and (len(x) <= 40 or k == "sentence"):
                x = memo.setdefault(x, x)
            col.append(x)
        n += 1
        for col in cols.values():
            if len(col) < n:
                col.append(float("nan"))
    return n


@dataclass
class ColumnBlock:
    """The table rows of consecutive extractions, column by column, as ``FrameBuilder`` keeps them.

    Built where the articles are extracted (``engine.local.block_partition``): a worker sends
    lists of values instead of a dict per row (a quarter of the bytes to unpickle), and the
    process building the tables only extends its columns (``FrameBuilder.add_block``).

    Attributes:
        columns: Table -> column -> values, every column of a table as long as its count.
        counts: Table -> rows.
    """

    columns: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, extractions: Iterable[dict[str, list[dict[str, Any]]]]) -> ColumnBlock:
        """The block of several extractions' rows (each from ``rows_from_extraction``), in order."""
        block = cls()
        memo: dict[str, str] = {}
        extractions = list(extractions)
        # One table at a time, its rows from every extraction in one list: the same columns.
        for t in dict.fromkeys(t for rows in extractions for t in rows):
            v = [row for rows in extractions for row in rows.get(t, ())]
            block.counts[t] = _append(block.columns.setdefault(t, {}), 0, v, memo)
        return block


class FrameBuilder:
    """Accumulates rows from a stream of extractions, then builds DataFrames once.

    Rows are kept column by column, with repeated strings (ids, outlets, sentences, labels)
    stored once, and every ``part_rows`` rows of a table are turned into a DataFrame part
    (Arrow-backed strings): 68 KB per ABP article as one dict per row becomes about 25 KB, and
    the lists and the final frame are never held side by side. The DataFrames are the same as
    ``pd.DataFrame(list_of_row_dicts)`` would give (a column whose parts were inferred with
    different dtypes is rebuilt from its values, as one inference over all rows would be).
    """

    def __init__(self, part_rows: int = 50_000) -> None:
        self.part_rows = part_rows
        self.columns: dict[str, dict[str, list[Any]]] = {t: {} for t in TABLES}
        self.counts: dict[str, int] = {t: 0 for t in TABLES}
        self.parts: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLES}
        self._memo: dict[str, str] = {}

    def add(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        """Add one extraction's rows (from ``rows_from_extraction``)."""
        memo = self._memo
        for t, v in rows.items():
            n = self.counts[t] = _append(self.columns.setdefault(t, {}), self.counts.get(t, 0), v, memo)
            if n >= self.part_rows:
                self._flush(t)
        if len(memo) > 200_000:
            self._memo = {}

    def add_block(self, block: ColumnBlock) -> None:
        """Add the rows of consecutive extractions already held as columns (``ColumnBlock``):
        the same tables as ``add`` on each extraction in turn, for a list ``extend`` per column."""
        for t, bcols in block.columns.items():
            m = block.counts.get(t, 0)
            cols = self.columns.setdefault(t, {})
            n = self.counts.get(t, 0)
            for k, bcol in bcols.items():
                col = cols.get(k)
                if col is None:  # a key not seen before: earlier rows lack it (NaN, as pandas fills)
                    cols[k] = [float("nan")] * n + bcol
                else:
                    col.extend(bcol)
            if len(cols) > len(bcols):  # keys this block's rows lack
                for col in cols.values():
                    if len(col) < n + m:
                        col.extend([float("nan")] * (n + m - len(col)))
            self.counts[t] = n + m
            if n + m >= self.part_rows:
                self._flush(t)

    def _flush(self, t: str) -> None:
        """Turn the buffered rows of table ``t`` into a DataFrame part."""
        cols = self.columns.get(t)
        if cols:
            self.parts.setdefault(t, []).append(pd.DataFrame(cols, columns=ARTICLE_COLUMNS if t == "articles" else None))
        self.columns[t], self.counts[t] = {}, 0

    def frames(self, rejections: Iterable[Rejection] = ()) -> dict[str, pd.DataFrame]:
        """DataFrames for every table, plus ``rejected``; rows sorted for reproducible output;
        ``SHARED_COLUMNS`` as categoricals over values shared across tables (``share_strings``).

        The builder is emptied as each table is built, so rows and frames are never held twice.
        """
        frames: dict[str, pd.DataFrame] = {}
        self._memo = {}
        for t in list(self.columns):
            self._flush(t)
            parts = self.parts.pop(t, [])
            self.parts[t] = []
            if parts:
                sort = ["article_id"] + (["index"] if any("index" in p.columns for p in parts) else [])
                df = concat_parts(parts, sort)  # sorted column by column, parts released as it goes
            else:
                df = pd.DataFrame({}, columns=ARTICLE_COLUMNS if t == "articles" else None)
            del parts
            frames[t] = df
        for column, tables in SHARED_COLUMNS.items():
            share_strings(frames, column, tables)
        frames["rejected"] = pd.DataFrame([asdict(r) for r in rejections], columns=REJECTED_COLUMNS)
        if len(frames["rejected"]):
            frames["rejected"]["row"] = frames["rejected"]["row"].astype("Int64")
        release_memory()  # the rows' lists and the parts are gone
        return frames
