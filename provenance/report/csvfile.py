"""CSV tables written a slice of rows at a time through pyarrow, byte for byte as pandas writes them.

``DataFrame.to_csv`` hands every cell to Python's ``csv`` writer as a Python object: on all of
ABP (1.4 GB of CSV, 851k claims and 833k attributions with their sentences) that took 55 of the
report's 72 CPU seconds, most of it turning pyarrow-backed strings into Python strings and
back. Here each column of a slice is rendered as pandas would render it (``na_rep=""``,
floats as ``numpy``'s ``str``, booleans ``True``/``False``, strings quoted only when they
hold the delimiter, the quote character or a line break, quotes doubled), the fields are
joined with pyarrow compute functions, and the slice's bytes are written as they are.

Categoricals of strings (``provenance.frames.SHARED_COLUMNS``) are rendered as the strings
they hold: a slice's codes taken from the categories, never the categories whole. Tables with a
column of another kind (nullable integers, dates, other categoricals, ...) or a single column
go through ``to_csv`` unchanged; ``tests/test_report_csv.py`` checks both paths give
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

from provenance.frames import is_arrow_string, is_string_categorical

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
# One search for any of them: on ABP's sentences a regular expression (RE2) took a quarter of
# the time of a plain search per character.
_NEEDS_QUOTES_RE = "[" + "".join({"\n": "\\n", "\r": "\\r"}.get(c, c) for c in _NEEDS_QUOTES) + "]"
_NEEDS_QUOTES_BYTES = tuple(c.encode("ascii") for c in _NEEDS_QUOTES)
_QUOTE = pa.scalar('"', pa.large_string())
_EMPTY = pa.scalar("", pa.large_string())


def fast_path(df: pd.DataFrame) -> bool:
    """Whether every column is of a kind rendered here (else ``to_csv`` writes the table)."""
    if len(df.columns) < 2 or not df.columns.is_unique:
        return False  # a row of one empty field is written '""' by the csv module
    for c in df.columns:
        col = df[c]
        if is_arrow_string(col) or is_string_categorical(col):
            continue
        if isinstance(col.dtype, pd.api.extensions.ExtensionDtype) or col.dtype.kind not in "iubfO":
            return False
    return True


def _field_bytes(arr: pa.Array) -> memoryview:
    """The UTF-8 bytes of a ``large_string`` array's fields, end to end (a view, not a copy)."""
    data = arr.buffers()[2]
    if data is None or not len(arr):
        return memoryview(b"")
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
    return memoryview(data)[int(offsets[0]):int(offsets[-1])]


def _quoted(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """String fields as the csv writer writes them (quoted where needed, quotes doubled), nulls as ''."""
    if isinstance(arr, pa.ChunkedArray):  # a slice across the parts a table was concatenated from
        arr = arr.combine_chunks()
    if arr.null_count:
        arr = pc.fill_null(arr, _EMPTY)
    # Most columns (ids, dates, names) hold none of the characters: one byte search over the
    # slice says so (the ASCII bytes never occur inside a multi-byte UTF-8 character).
    text = _field_bytes(arr).tobytes()
    if not any(c in text for c in _NEEDS_QUOTES_BYTES):
        return arr
    need = pc.match_substring_regex(arr, _NEEDS_QUOTES_RE)
    if 2 * pc.sum(need).as_py() < len(arr):  # a few fields (names, cues): quote only those
        few = pc.filter(arr, need)
        few = pc.replace_substring(few, '"', '""') if b'"' in text else few
        return pc.replace_with_mask(arr, need, pc.binary_join_element_wise(_QUOTE, few, _QUOTE, _EMPTY))
    body = pc.replace_substring(arr, '"', '""') if b'"' in text else arr
    return pc.if_else(need, pc.binary_join_element_wise(_QUOTE, body, _QUOTE, _EMPTY), arr)


def _render(col: pd.Series, lo: int, hi: int) -> pa.Array:
    """Rows ``lo:hi`` of a column as the text fields ``to_csv`` writes for them."""
    if is_arrow_string(col):
        return _quoted(pa.array(col.iloc[lo:hi].array, type=pa.large_string()))
    if isinstance(col.dtype, pd.CategoricalDtype):  # strings (``fast_path``): the slice's values, missing as null
        codes = col.array.codes[lo:hi]
        cats = pa.array(col.dtype.categories.array, type=pa.large_string())
        return _quoted(cats.take(pa.array(codes, mask=codes < 0)))
    values = col.to_numpy()[lo:hi]
    kind = col.dtype.kind
    if kind in "iu":
        return pc.cast(pa.array(values), pa.large_string())
    if kind == "b":
        return pa.array(np.where(values, "True", "False"), type=pa.large_string())
    if kind == "f":  # pandas: values.astype(str), missing values as na_rep
        if values.dtype.itemsize == 8:  # numpy's str of a float64 is Python's repr
            return _float64_text(values)
        text = values.astype(str).astype(object)
        text[np.isnan(values)] = ""
        return pa.array(text, type=pa.large_string())
    # object: pandas writes missing values as na_rep, the csv writer str() of anything else.
    mask = pd.isna(values)
    out = ["" if m else str(v) for v, m in zip(values.tolist(), mask.tolist())]
    return _quoted(pa.array(out, type=pa.large_string()))


# Whole numbers of a float64 column below this are exact and repr writes their digits and ".0".
_EXACT_WHOLE = 2.0 ** 53
_POINT_ZERO = pa.scalar(".0", pa.large_string())


def _float64_text(values: np.ndarray) -> pa.Array:
    """float64 values as ``repr`` writes them (what pandas writes), missing values as ''.

    Counts, offsets and bounds are whole numbers: their digits come from Arrow's integer cast
    with ".0" appended, and only the other values go through ``repr`` (a Python string per
    value of ABP's figures, attributions and claims took about 1 CPU s). The others (confidences)
    take few values: each distinct one is written once.
    """
    nan = np.isnan(values)
    with np.errstate(invalid="ignore"):
        whole = (np.abs(values) < _EXACT_WHOLE) & (values == np.trunc(values))
    whole &= ~((values == 0) & np.signbit(values))  # repr(-0.0) is "-0.0"
    digits = pc.cast(pa.array(np.where(whole, values, 0).astype(np.int64)), pa.large_string())
    text = pc.binary_join_element_wise(digits, _POINT_ZERO, _EMPTY)
    rest = ~whole & ~nan
    if rest.any():
        distinct, at = np.unique(values[rest], return_inverse=True)  # only -0.0 of the zeros is here
        reprs = pa.array([repr(v) for v in distinct.tolist()], type=pa.large_string())
        text = pc.replace_with_mask(text, pa.array(rest), reprs.take(pa.array(at.ravel())))
    if nan.any():
        text = pc.if_else(pa.array(nan), _EMPTY, text)
    return text


def _write_rows(fh: BinaryIO, fields: list[pa.Array]) -> None:
    """Join the fields of a slice into lines and write their bytes."""
    last = pc.binary_join_element_wise(fields[-1], _EMPTY, pa.scalar("\n", pa.large_string()))  # "...\n"
    lines = pc.binary_join_element_wise(*fields[:-1], last, pa.scalar(",", pa.large_string()))
    fh.write(_field_bytes(lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines))


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
