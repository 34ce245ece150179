"""Building big tables a part at a time: rows as tuples turned into DataFrame parts
(``TableParts``), and rows taken in groups of a key a slice of whole groups at a time
(``sorted_groups``, ``group_slices``), so ABP's hundreds of thousands of rows are never all
Python objects at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from provenance.frames import column_values, concat_parts, is_arrow_string, records

#: Rows of a built table held as Python tuples at a time (``TableParts``).
TABLE_PART_ROWS = 50_000


class TableParts:
    """A table's rows (tuples in column order) turned into a DataFrame part every
    ``TABLE_PART_ROWS`` rows, then into one frame with the dtypes one ``pd.DataFrame(rows)``
    gives (``concat_parts``).

    All of clusters.csv's 695k rows of ABP as Python tuples (labels, representative texts,
    dates as Python strings) took 0.6 GB beside the table they became, the peak of matching.
    """

    def __init__(self, columns: list[str], part_rows: int | None = None, offset: int = 0) -> None:
        self.columns = columns
        self.part_rows = part_rows or TABLE_PART_ROWS
        self.rows: list[tuple[Any, ...]] = []
        self.parts: list[pd.DataFrame] = []
        self.count = 0
        # Rows of the table made elsewhere before these (``detach``): the first rows here end
        # the part those began, so they stay tuples until put after them (``extend``).
        self._open = offset % self.part_rows
        self._head: list[tuple[Any, ...]] = []

    def append(self, row: tuple[Any, ...]) -> None:
        """Add a row; a full part becomes a DataFrame."""
        self.rows.append(row)
        self.count += 1
        if len(self.rows) + self._open >= self.part_rows:
            self._flush()

    def _flush(self) -> None:
        if self._open:
            self._head, self.rows, self._open = self.rows, [], 0
            return
        self.parts.append(pd.DataFrame(self.rows, columns=self.columns))
        self.rows = []

    def detach(self) -> tuple[list[tuple[Any, ...]], list[pd.DataFrame]]:
        """These rows, to be put after the ``offset`` rows made elsewhere (``extend``): the rows
        ending the part those began, as tuples, then the parts (the last one maybe short)."""
        if self._open:
            return self.rows, []
        if self.rows:
            self._flush()
        return self._head, self.parts

    def extend(self, head: list[tuple[Any, ...]], parts: list[pd.DataFrame]) -> None:
        """Put after these rows the rows ``detach`` gave, made with ``offset`` = ``count``."""
        for row in head:
            self.append(row)
        if parts:
            assert not self.rows, "the parts do not continue these rows"
            self.parts.extend(parts)
            self.count += sum(len(p) for p in parts)

    def frame(self) -> pd.DataFrame:
        """The whole table (the parts are emptied)."""
        if self.rows or not self.parts:
            self._flush()
        parts, self.parts = self.parts, []
        return concat_parts(parts)


#: Rows turned into dicts (or read as one slice) at a time by ``sorted_groups`` and
#: ``group_slices``, whole groups per slice.
TEXT_CLUSTER_SLICE_ROWS = 100_000


def sorted_groups(df: pd.DataFrame, rows: np.ndarray, slice_rows: int | None = None) -> Iterator[tuple[Any, list[dict[str, Any]]]]:
    """``sorted(grouped(records(df.iloc[rows])).items())``, with about ``slice_rows`` rows as dicts at a time.

    Rows are ordered by ``cluster_id`` (stable, so a group keeps the table's order) and turned
    into dicts a slice of whole groups at a time: one dict per text claim of ABP (800k, with
    their texts as Python strings) took 1.9 GB in clusters_table.
    """
    for sub, bounds in _sorted_slices(df, rows, slice_rows):
        recs = records(sub)
        for a, b in itertools.pairwise(bounds):
            g = recs[a:b]
            yield g[0]["cluster_id"], g


def _sorted_slices(df: pd.DataFrame, rows: np.ndarray, slice_rows: int | None) -> Iterator[tuple[pd.DataFrame, list[int]]]:
    """Rows ``rows`` of ``df`` ordered by ``cluster_id`` (stable), about ``slice_rows`` rows of whole
    groups at a time: each slice, and its groups' starts in it followed by its length."""
    if not len(rows):
        return
    order, starts = group_order(df["cluster_id"].take(rows))
    yield from group_slices(df, rows[order], starts, 0, len(starts) - 1, slice_rows)


def group_slices(df: pd.DataFrame, order: np.ndarray, starts: list[int], first: int, stop: int,
                 slice_rows: int | None = None) -> Iterator[tuple[pd.DataFrame, list[int]]]:
    """``_sorted_slices`` of groups ``first`` to ``stop`` (excluded) of the rows ``order``
    (``group_order``, as rows of ``df``) whose groups start at ``starts``; ``slice_rows``
    defaults to ``TEXT_CLUSTER_SLICE_ROWS``, read at the call (tests make it small)."""
    slice_rows = slice_rows or TEXT_CLUSTER_SLICE_ROWS
    i = first
    while i < stop:
        j = i + 1
        while j < stop and starts[j] - starts[i] < slice_rows:
            j += 1
        lo, hi = starts[i], starts[j]
        yield df.take(order[lo:hi]), [s - lo for s in starts[i:j + 1]]
        i = j


def group_order(keys: pd.Series) -> tuple[np.ndarray, list[int]]:
    """Positions ordering ``keys`` (stable) and the starts of its runs of equal keys (then its length).

    Strings stored in Arrow are sorted there, in the order Python gives them (UTF-8 bytes
    sort as code points): an object array of ABP's 830k text cluster ids took 1.5 CPU s to
    sort and 0.1 GB.
    """
    if is_arrow_string(keys) and not keys.isna().any():
        arr = pa.array(keys.array)
        by_key = pc.sort_indices(arr)
        sk = arr.take(by_key)
        differs = pc.not_equal(sk.slice(1), sk.slice(0, len(sk) - 1)).to_numpy(zero_copy_only=False)
        order = by_key.to_numpy(zero_copy_only=False).astype(np.int64)
    else:
        vals = np.asarray(column_values(keys), dtype=object)
        order = np.argsort(vals, kind="stable")
        sv = vals[order]
        differs = sv[1:] != sv[:-1]
    return order, np.flatnonzero(np.r_[True, differs]).tolist() + [len(keys)]
