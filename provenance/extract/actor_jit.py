"""Compiled key filter of the actor alias scan (numba; see ``actors.extract_actors``).

``actors._AliasKeys`` tells, from a candidate's first four lower-cased characters, whether a
registry alias can begin there; the Python loop over every candidate word start (~140 per
ABP article, a quarter kept) was a sixth of the actor extractor's own time. Here the same
tests run in one compiled pass over the candidates. Only ASCII keys are packed (a
candidate with a non-ASCII character among its four is kept in any case): ``n`` characters
of 7 bits each, tagged with ``n`` (``pack_key``), in one sorted array per key set.
"""

from __future__ import annotations

import numpy as np

from provenance.extract.attribution_jit import AVAILABLE, _njit

__all__ = ["AVAILABLE", "alias_filter", "pack_key", "packed_keys"]

_THE = (116, 104, 101)  # "the"


def pack_key(key: str) -> int:
    """An ASCII key of 1-4 characters as ``alias_filter`` looks it up."""
    v = 0
    for ch in key:
        v = (v << 7) | ord(ch)
    return (len(key) << 28) | v


def packed_keys(full: set[str], short: tuple[set[str], ...]) -> np.ndarray:
    """The ASCII keys of an ``actors._AliasKeys`` (its full keys and its short ones by
    length), packed and sorted (int64)."""
    keys = {pack_key(k) for k in full if k.isascii()}
    for group in short:
        keys.update(pack_key(k) for k in group if k.isascii())
    return np.array(sorted(keys), dtype=np.int64)


@_njit
def _member(keys, key):  # type: ignore[no-untyped-def]
    """``key in keys`` (sorted array)."""
    lo = 0
    hi = len(keys)
    while lo < hi:
        mid = (lo + hi) >> 1
        if keys[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    return lo < len(keys) and keys[lo] == key


@_njit
def _contains(low, p, m, keys, ascii_class):  # type: ignore[no-untyped-def]
    """``low[p:p + m] in actors._AliasKeys`` (m <= 4 ASCII characters): a full key, or a short
    key followed by the end or a character that is not ``[\\w-]``."""
    v = np.int64(0)
    for n in range(1, m + 1):
        c = np.int64(low[p + n - 1])
        v = (v << 7) | c
        if n == 4:
            return _member(keys, (np.int64(4) << 28) | v)
        if _member(keys, (np.int64(n) << 28) | v):
            if n == m:
                return True
            nxt = low[p + n]
            if nxt != 45 and ascii_class[nxt] != 1:
                return True
    return False


@_njit
def alias_filter(low, text, starts, ascii_class, own, after_the):  # type: ignore[no-untyped-def]
    """The candidates of ``actors.extract_actors``'s key filter, decided in one pass.

    Args:
        low: Code points of the lower-cased text (the same length as ``text``).
        text: Code points of the text.
        starts: Candidate word starts (``attribution_jit.alias_starts``).
        ascii_class: ``attribution_jit.ASCII_CLASS`` (0 whitespace, 1 ``\\w``, 2 other).
        own, after_the: ``packed_keys`` of the keys at a candidate and after "the ".

    Returns:
        (flags, q): per candidate 1 keep, 0 drop, 2 keep when a descriptor ("Hamas-run")
        starts at ``q`` (``actors._descriptor_starts``, computed only when needed).
    """
    n = len(low)
    k = len(starts)
    flags = np.zeros(k, dtype=np.int8)
    qs = np.zeros(k, dtype=np.int64)
    for i in range(k):
        p = starts[i]
        m = min(4, n - p)
        ascii_k = True
        for j in range(m):
            if low[p + j] >= 128:
                ascii_k = False
        if not ascii_k or _contains(low, p, m, own, ascii_class):
            flags[i] = 1
            continue
        the = m >= 3 and low[p] == _THE[0] and low[p + 1] == _THE[1] and low[p + 2] == _THE[2]
        q = p
        if the and m == 4 and low[p + 3] == 32:
            q = p + 4
            m2 = min(4, n - q)
            ascii2 = True
            for j in range(m2):
                if low[q + j] >= 128:
                    ascii2 = False
            if not ascii2 or (m2 >= 1 and ascii_class[low[q]] == 0) or _contains(low, q, m2, after_the, ascii_class):
                flags[i] = 1
                continue
        elif the and m == 4 and ascii_class[low[p + 3]] == 0:
            flags[i] = 1
            continue
        if q < n and 65 <= text[q] <= 90:
            flags[i] = 2
            qs[i] = q
    return flags, qs
