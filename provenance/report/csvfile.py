"""CSV tables written a slice of rows at a time through pyarrow, byte for byte as pandas writes them.

``DataFrame.to_csv`` hands every cell to Python's ``csv`` writer as a Python object: on all of
ABP (1.4 GB of CSV, 851k claims and 833k attributions with their sentences) that took 55 of the
report's 72 CPU seconds, most of it turning pyarrow-backed strings into Python strings and
back. Here each column of a slice is rendered as pandas would render it (``na_rep=""``,
floats as ``numpy``'s ``str``, booleans ``True``/``False``, strings quoted only when they
hold the delimiter, the quote character or a line break, quotes doubled), the fields are
joined with pyarrow compute functions, and the slice's bytes are written as they are.

Tables with a column of another kind (nullable integers, dates, categories, ...) or a single
column go through ``to_csv`` unchanged; ``tests/test_report_csv.py`` checks both paths give
the same bytes on tables of every kind.
"""

from __future__ import annotations

import csv
import io
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Rows rendered at a time (a slice of ABP's claims renders to ~25 MB).
SLICE_ROWS = 50_000


def _quote_chars() -> tuple[str, ...]:
    """The characters that make Python's csv writer quote a field, as pandas configures it.

    Asked of the csv module itself: whether a carriage return alone is quoted under
    ``lineterminator="\n"`` changed between Python versions.
    """
    chars = [",", '"', "\n"]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerow(["a\rb", "c"])
    if buf.getvalue().startswith('"'):
        chars.append("\r")
    return tuple(chars)


_NEEDS_QUOTES = _quote_chars()
_QUOTE = pa.scalar('"', pa.large_string())
_EMPTY = pa.scalar("", pa.large_string())


def _is_arrow_string(col: pd.Series) -> bool:
    return isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow"


def fast_path(df: pd.DataFrame) -> bool:
    """Whether every column is of a kind rendered here (else ``to_csv`` writes the table)."""
    if len(df.columns) < 2 or not df.columns.is_unique:
        return False  # a row of one empty field is written '""' by the csv module
    for c in df.columns:
        col = df[c]
        if _is_arrow_string(col):
            continue
        if isinstance(col.dtype, pd.api.extensions.ExtensionDtype) or col.dtype.kind not in "iubfO":
            return False
    return True


def _quoted(arr: pa.Array) -> pa.Array:
    """String fields as the csv writer writes them (quoted where needed, quotes doubled), nulls as ''."""
    arr = pc.fill_null(arr, _EMPTY)
    need = pc.match_substring(arr, _NEEDS_QUOTES[0])  # plain searches: a regex took twice as long
    for c in _NEEDS_QUOTES[1:]:
        need = pc.or_(need, pc.match_substring(arr, c))
    if not pc.any(need).as_py():
        return arr
    q = pc.binary_join_element_wise(_QUOTE, pc.replace_substring(arr, '"', '""'), _QUOTE, _EMPTY)
    return pc.if_else(need, q, arr)


def _render(col: pd.Series, lo: int, hi: int) -> pa.Array:
    """Rows ``lo:hi`` of a column as the text fields ``to_csv`` writes for them."""
    if _is_arrow_string(col):
        return _quoted(pa.array(col.iloc[lo:hi].array, type=pa.large_string()))
    values = col.to_numpy()[lo:hi]
    kind = col.dtype.kind
    if kind in "iu":
        return pc.cast(pa.array(values), pa.large_string())
    if kind == "b":
        return pa.array(np.where(values, "True", "False"), type=pa.large_string())
    if kind == "f":  # pandas: values.astype(str), missing values as na_rep
        if values.dtype.itemsize == 8:  # numpy's str of a float64 is Python's repr, which is 8x faster
            return pa.array(["" if m else repr(v) for v, m in zip(values.tolist(), np.isnan(values).tolist())],
                            type=pa.large_string())
        text = values.astype(str).astype(object)
        text[np.isnan(values)] = ""
        return pa.array(text, type=pa.large_string())
    # object: pandas writes missing values as na_rep, the csv writer str() of anything else.
    mask = pd.isna(values)
    out = ["" if m else str(v) for v, m in zip(values.tolist(), mask.tolist())]
    return _quoted(pa.array(out, type=pa.large_string()))


def _write_rows(fh: BinaryIO, fields: list[pa.Array]) -> None:
    """Join the fields of a slice into lines and write their bytes."""
    lines = pc.binary_join_element_wise(*fields, pa.scalar(",", pa.large_string()))
    lines = pc.binary_join_element_wise(lines, _EMPTY, pa.scalar("\n", pa.large_string()))  # "...\n" each
    arr = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
    data = arr.buffers()[2]
    if data is not None and len(arr):
        fh.write(memoryview(data)[int(offsets[0]):int(offsets[-1])])


def write_csv(df: pd.DataFrame, path: str, bom: bool = False) -> None:
    """Write ``df`` as ``df.to_csv(path, index=False, encoding=..., lineterminator="\\n")`` would.

    Args:
        df: The table.
        path: The file to write (replaced).
        bom: Start with a UTF-8 byte order mark (``utf-8-sig``).
    """
    enc = "utf-8-sig" if bom else "utf-8"
    if not fast_path(df):
        df.to_csv(path, index=False, encoding=enc, lineterminator="\n")
        return
    header = io.StringIO()
    csv.writer(header, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerow([str(c) for c in df.columns])
    cols = [df[c] for c in df.columns]
    with open(path, "wb") as fh:
        fh.write(header.getvalue().encode(enc))
        for lo in range(0, len(df), SLICE_ROWS):
            hi = min(lo + SLICE_ROWS, len(df))
            _write_rows(fh, [_render(c, lo, hi) for c in cols])


__all__ = ["SLICE_ROWS", "fast_path", "write_csv"]
