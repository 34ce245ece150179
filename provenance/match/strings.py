"""A string column read one value at a time from its Arrow buffers (``StringColumn``).

Text clustering, syndication and the text-pair rules read claim texts, quotes and speakers
row by row; ``Series.tolist`` would hold a Python ``str`` for every row at once (842k claims on
all of ABP). ``provenance.match.tokens`` re-exports the class.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa


class StringColumn:
    """A string column read one value at a time from its Arrow buffers (``None`` when missing),
    instead of a Python ``str`` for every row held at once (``Series.tolist``)."""

    def __init__(self, values: pd.Series | Sequence[Any]) -> None:
        self._list: list[str | None] | None = None
        self._codes: np.ndarray | None = None
        dtype = getattr(values, "dtype", None)
        if isinstance(dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(dtype.categories.dtype):
            # A shared-string categorical (``frames.share_strings``): read its codes and the
            # categories it shares with other tables, instead of a string copy of every row
            # (``pa.array`` of the column: 140 MB of claim text on all of ABP, once here and
            # again in syndication's forked child).
            cats = StringColumn(dtype.categories)
            if cats._list is None and cats._codes is None:
                self._cats = cats
                self._codes = np.asarray(pd.Series(values, copy=False).cat.codes, dtype=np.int64)
                self._n = len(self._codes)
                return
        try:
            arr = pa.array(values, from_pandas=True)
            if isinstance(arr, pa.ChunkedArray):
                arr = arr.chunk(0) if arr.num_chunks == 1 else arr.combine_chunks()
            if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
                arr = arr.cast(pa.large_string())
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            self._list = [v if isinstance(v, str) else None for v in values]
            return
        self._arr = arr
        self._n = len(arr)
        _, offsets, data = arr.buffers()
        width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
        offs = np.frombuffer(offsets, dtype=width)[arr.offset:arr.offset + len(arr) + 1] if offsets is not None \
            else np.zeros(len(arr) + 1, dtype=width)
        # array('q') gives Python ints fast, at 8 bytes each; the data stays in Arrow's buffer.
        self._offs = array("q", offs.astype(np.int64).tobytes())
        self._data = memoryview(data) if data is not None else memoryview(b"")
        self._valid = arr.is_valid().to_numpy(zero_copy_only=False).tobytes()

    def __len__(self) -> int:
        return len(self._list) if self._list is not None else self._n

    def __getitem__(self, i: int) -> str | None:
        if self._list is not None:
            return self._list[i]
        if self._codes is not None:
            c = int(self._codes[i])
            return None if c < 0 else self._cats[c]
        if not self._valid[i]:
            return None
        return str(self._data[self._offs[i]:self._offs[i + 1]], "utf-8")

    def __iter__(self) -> Iterator[str | None]:
        return self.iter_range(0, len(self))

    def iter_range(self, start: int, stop: int) -> Iterator[str | None]:
        """The values of rows ``start`` to ``stop`` (excluded)."""
        if self._list is not None:
            yield from self._list[start:stop]
            return
        if self._codes is not None:
            cats = self._cats._arr
            for at in range(start, stop, 65536):  # a slice's values at a time
                codes = self._codes[at:min(at + 65536, stop)]
                yield from cats.take(pa.array(codes, mask=codes < 0)).to_pylist()
            return
        for at in range(start, stop, 65536):  # a slice's values at a time
            yield from self._arr.slice(at, min(65536, stop - at)).to_pylist()

    def arrow_range(self, start: int, stop: int, step: int = 65536) -> Iterator[pa.Array]:
        """The values of rows ``start`` to ``stop`` (excluded) as Arrow string arrays of at
        most ``step`` values (missing values null), without a Python string per row."""
        for at in range(start, stop, step):
            end = min(at + step, stop)
            if self._list is not None:
                yield pa.array(self._list[at:end], type=pa.large_string())
            elif self._codes is not None:
                codes = self._codes[at:end]
                yield self._cats._arr.take(pa.array(codes, mask=codes < 0))
            else:
                yield self._arr.slice(at, end - at)

    def is_str(self) -> np.ndarray:
        """Which values are strings (not missing)."""
        if self._list is not None:
            return np.array([v is not None for v in self._list], dtype=np.bool_)
        if self._codes is not None:
            return self._codes >= 0
        return np.frombuffer(self._valid, dtype=np.bool_).copy()


__all__ = ["StringColumn"]
