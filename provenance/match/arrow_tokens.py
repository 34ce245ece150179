"""``content_tokens`` of many texts at once, with Arrow's string kernels (``Tokenizer``'s loop).

``content_tokens(text)`` is ``_LONG_TOKEN.findall(text.lower())``, made distinct, without
stopwords and all-digit tokens. Called on each of 842k claim texts (and again on the texts
syndication compares) it took about 18 CPU s on all of ABP, nearly all in the regular
expression and the per-token Python loop. Here a slice of texts at a time is lowered, cut at
every run of characters no token holds (``[^a-z0-9'-]+``), and each piece trimmed of its
leading and trailing ``'`` and ``-``: a piece of two or more characters left is exactly one
match of ``_LONG_TOKEN`` (which starts and ends on a letter or digit and takes every ``'`` and
``-`` between them), a shorter one is none. Pieces are numbered by Arrow's dictionary
encoding (first occurrence first), so only each slice's distinct words are read in Python,
where stopwords and digits are dropped and the vocabulary grows in the order ``Tokenizer``
gave it: the same words, ids and rows (``tests/test_match_arrow_tokens.py``).

Lowering: an ASCII text is lowered by ``ascii_lower`` (what ``str.lower`` does to it); any
other text by ``str.lower`` itself, so a character whose lower case holds a token character
("İ" -> "i̇", the Kelvin sign -> "k") is lowered as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from provenance.match.comparisons import STOPWORDS
from provenance.match.strings import StringColumn

try:  # numba is a declared dependency; the plain-Python path stays for installs without it
    import numba

    _JIT = True
except ImportError:  # pragma: no cover - numba is installed with the package
    numba = None  # type: ignore[assignment]
    _JIT = False

#: Texts tokenised per slice (memory holds one slice's pieces: ~2M short strings).
SLICE = 65536


def _njit(fn: Any) -> Any:
    """``numba.njit(cache=True)``, or the plain function when numba is absent."""
    return numba.njit(cache=True, nogil=True)(fn) if _JIT else fn


def text_slices(texts: Iterable[str | None]) -> Iterator[pa.Array]:
    """``texts`` as Arrow string arrays of at most ``SLICE`` values (missing values null);
    a ``StringColumn`` is read from its Arrow buffers without a Python string per row."""
    if isinstance(texts, StringColumn):
        yield from texts.arrow_range(0, len(texts), SLICE)
        return
    batch: list[str | None] = []
    for t in texts:
        batch.append(t)
        if len(batch) == SLICE:
            yield pa.array(batch, type=pa.large_string())
            batch = []
    if batch:
        yield pa.array(batch, type=pa.large_string())


def slice_tokens(texts: pa.Array, vocab: dict[str, int], words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The content-token ids of each text of one slice, ascending and distinct within a text.

    Words met for the first time are added to ``vocab`` (word -> id) and ``words`` (id ->
    word) in the order of their first occurrence, as ``Tokenizer`` adds them one text at a time.

    Returns:
        (indptr (n + 1,) int64, ids int32): the ids of text ``i`` are ``ids[indptr[i]:indptr[i + 1]]``.
    """
    n = len(texts)
    if not pa.types.is_large_string(texts.type):
        texts = texts.cast(pa.large_string())
    _, offsets, data = texts.buffers()
    offs = np.frombuffer(offsets, dtype=np.int64)[texts.offset:texts.offset + n + 1] if offsets is not None \
        else np.zeros(n + 1, dtype=np.int64)
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    valid = texts.is_valid().to_numpy(zero_copy_only=False)
    tok_offs, tok_data, rows = _pieces(offs, raw, valid)
    flat = pa.LargeStringArray.from_buffers(len(rows), pa.py_buffer(tok_offs), pa.py_buffer(tok_data))
    enc = pc.dictionary_encode(flat)
    del flat, tok_offs, tok_data
    remap = np.empty(len(enc.dictionary), dtype=np.int32)
    for k, w in enumerate(enc.dictionary.to_pylist()):
        if w in STOPWORDS or w.isdigit():
            remap[k] = -1
            continue
        got = vocab.get(w)
        if got is None:
            got = vocab[w] = len(words)
            words.append(w)
        remap[k] = got
    ids = remap[enc.indices.to_numpy(zero_copy_only=False)]
    del enc
    content = ids >= 0
    ids, rows = ids[content], rows[content]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return _distinct_rows(indptr, ids)


@_njit
def _pieces(offs, data, valid):  # type: ignore[no-untyped-def]
    """The tokens of ``_LONG_TOKEN`` in the lower-cased texts (UTF-8 ``data`` cut at ``offs``,
    rows not ``valid`` empty), in order: (offsets, bytes, text row of each token).

    A byte is lowered as ``str.lower`` lowers its character: ASCII A-Z to a-z; every other
    character lowers to characters no token holds, except "İ" (``C4 B0``, lowered "i" and a
    combining dot) and the Kelvin sign (``E2 84 AA``, lowered "k"). Counted first, then
    written, so the outputs are allocated at their size.
    """
    longest = 0
    for i in range(len(offs) - 1):
        if valid[i]:
            longest = max(longest, offs[i + 1] - offs[i])
    run = np.empty(longest + 1, dtype=np.uint8)  # the current run of token characters, lowered
    t, w = _scan(offs, data, valid, run, run, offs, offs, False)
    out_offs = np.zeros(t + 1, dtype=np.int64)
    out = np.empty(w, dtype=np.uint8)
    rows = np.empty(t, dtype=np.int64)
    _scan(offs, data, valid, run, out, out_offs, rows, True)
    return out_offs, out, rows


@_njit
def _scan(offs, data, valid, run, out, out_offs, rows, write):  # type: ignore[no-untyped-def]
    """``_pieces``' pass: the number of tokens and of their bytes, and with ``write`` the
    tokens themselves into ``out``/``out_offs``/``rows``."""
    t = 0
    w = 0
    for i in range(len(offs) - 1):
        if not valid[i]:
            continue
        p = offs[i]
        e = offs[i + 1]
        m = 0
        while p <= e:
            ends = p == e  # the text's end ends a run, as does a character no token holds
            if p < e:
                b = data[p]
                p += 1
                if (97 <= b <= 122) or (48 <= b <= 57) or b == 39 or b == 45:
                    run[m] = b
                    m += 1
                elif 65 <= b <= 90:
                    run[m] = b + 32
                    m += 1
                elif b == 0xE2 and p + 1 < e and data[p] == 0x84 and data[p + 1] == 0xAA:
                    run[m] = 107  # "k"
                    m += 1
                    p += 2
                else:
                    if b == 0xC4 and p < e and data[p] == 0xB0:
                        run[m] = 105  # "i", then the combining dot ends the run
                        m += 1
                        p += 1
                    ends = True
            else:
                p += 1
            if ends and m:
                # The token is the run from its first to its last letter or digit.
                a = 0
                while a < m and (run[a] == 39 or run[a] == 45):
                    a += 1
                z = m
                while z > a and (run[z - 1] == 39 or run[z - 1] == 45):
                    z -= 1
                if z - a >= 2:
                    if write:
                        for q in range(a, z):
                            out[w + q - a] = run[q]
                        rows[t] = i
                        out_offs[t + 1] = w + z - a
                    w += z - a
                    t += 1
                m = 0
    return t, w


def tokenize(slices: Iterable[pa.Array], vocab: dict[str, int], words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """``slice_tokens`` over texts given as Arrow string slices (``text_slices``,
    ``StringColumn.arrow_range``), one slice at a time: (indptr, ids)."""
    indptrs = [np.zeros(1, dtype=np.int64)]
    ids: list[np.ndarray] = []
    off = 0
    for arr in slices:
        p, i = slice_tokens(arr, vocab, words)
        indptrs.append(p[1:] + off)
        ids.append(i)
        off += int(p[-1])
    return np.concatenate(indptrs), (np.concatenate(ids) if ids else np.zeros(0, dtype=np.int32))


@_njit
def _distinct_rows(indptr, ids):  # type: ignore[no-untyped-def]
    """Each text's ids sorted with repeats dropped: (new indptr, new ids)."""
    n = len(indptr) - 1
    out_ptr = np.zeros(n + 1, dtype=np.int64)
    out = np.empty(len(ids), dtype=np.int32)
    w = 0
    for i in range(n):
        a, b = indptr[i], indptr[i + 1]
        if b > a:
            r = np.sort(ids[a:b])
            out[w] = r[0]
            w += 1
            for k in range(1, b - a):
                if r[k] != r[k - 1]:
                    out[w] = r[k]
                    w += 1
        out_ptr[i + 1] = w
    return out_ptr, out[:w].copy()


__all__ = ["slice_tokens", "text_slices", "tokenize"]
