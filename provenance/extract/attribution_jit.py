"""Compiled (numba) kernels for the attribution decoder: emission assembly and Viterbi.

``attribution_decoder`` computes the same quantities with whole-array numpy calls; on an
article of ~1,000 tokens that is about a hundred numpy calls for the emissions and four per
Viterbi step, and their call overhead was most of the tagging time. These kernels are plain
loops compiled by numba (``cache=True``: compiled once per machine, then loaded from
``__pycache__``). They do the floating-point operations of the numpy path in the same order,
so the scores and labels are bit-for-bit identical (``tests/test_attribution_decoder.py``
checks it on PolNeAR dev).

Without numba, ``AVAILABLE`` is False and the decoder uses its numpy path (same labels,
slower); ``attribution_decoder`` logs that once.
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

try:  # numba is a declared dependency; the numpy path stays for installs without it
    import numba

    AVAILABLE = True
except ImportError:  # pragma: no cover - exercised by a monkeypatched test
    numba = None  # type: ignore[assignment]
    AVAILABLE = False


#: Character classes of ``token_spans`` for ASCII: 0 ``\\s``, 1 ``\\w``, 2 other.
ASCII_CLASS = np.array(
    [1 if chr(c).isalnum() or c == 95 else 0 if chr(c).isspace() else 2 for c in range(128)], dtype=np.int8
)


_CLASS_OF: dict[int, int] = {}  # non-ASCII code point -> its class (texts repeat the same few)


def _class_of(c: int) -> int:
    """``token_spans`` class of one code point (memoised in ``_CLASS_OF``)."""
    ch = chr(c)
    k = _CLASS_OF[c] = 1 if ch.isalnum() or ch == "_" else 0 if ch.isspace() else 2
    return k


@lru_cache(maxsize=1)
def _bmp_classes() -> tuple[np.ndarray, np.ndarray]:
    """Every non-ASCII code point of the Basic Multilingual Plane and its class (built once,
    ~20 ms): the kernels' look-up of a character in it gives the class ``_class_of`` gives
    (the same test, not memoised in ``_CLASS_OF``)."""
    cps = np.arange(128, 0x10000, dtype=np.uint32)
    cls = np.fromiter((1 if (ch := chr(c)).isalnum() or ch == "_" else 0 if ch.isspace() else 2
                       for c in range(128, 0x10000)), dtype=np.int8, count=len(cps))
    return cps, cls


def char_classes(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Non-ASCII code points (sorted) and their ``token_spans`` classes, covering every one in
    ``codes``: the whole Basic Multilingual Plane's table when the text stays in it (no sort
    of the text's characters per call), else the text's own ones."""
    if len(codes) and codes.dtype == np.uint32 and int(codes.max()) < 0x10000:
        return _bmp_classes()
    high = codes[codes > 127]
    if not len(high):
        return high, np.zeros(0, dtype=np.int8)
    extra = np.unique(high)
    get = _CLASS_OF.get
    cls = [k if (k := get(c)) is not None else _class_of(c) for c in extra.tolist()]
    return extra, np.array(cls, dtype=np.int8)


_RECENT: list[tuple[str, np.ndarray]] = []  # the last strings given to code_points


def code_points(s: str) -> np.ndarray:
    """The code points of ``s`` (lone surrogates kept as such, as ``re`` sees them), uint32.

    The last two strings' arrays are kept: an article's text and its lower-cased copy are
    read by several kernels (tokens, alias starts, word lists), each encoded once. The
    arrays are read-only.
    """
    for t, c in _RECENT:
        if t == s:
            return c
    c = np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    _RECENT.insert(0, (s, c))
    del _RECENT[2:]
    return c


def _njit(fn: Any) -> Any:
    """``numba.njit(cache=True)``, or the plain function when numba is absent."""
    return numba.njit(cache=True, nogil=True)(fn) if AVAILABLE else fn


@_njit
def select_tokens(starts, props_all, s_start, s_end, para, gate):  # type: ignore[no-untyped-def]
    """Sentence, tagging run and quotation state of the tokens to tag (as ``emissions``).

    Args:
        starts: (tokens,) start offsets of all tokens of the text.
        props_all: (tokens, 7) word-type properties (``EmissionModel._add_type``).
        s_start, s_end: (sentences,) sentence spans.
        para: (sentences,) the sentence starts a paragraph (a newline since the previous one).
        gate: tag only sentences with a gate word.

    Returns:
        (keep, sid, rid, qs): indices of the kept tokens into all tokens, their sentence,
        run and quotation state.
    """
    n_all = len(starts)
    nsent = len(s_start)
    sid_all = np.empty(n_all, dtype=np.int64)
    valid = np.zeros(n_all, dtype=np.bool_)
    k = -1
    for i in range(n_all):
        while k + 1 < nsent and s_start[k + 1] <= starts[i]:
            k += 1
        sid_all[i] = k
        valid[i] = k >= 0 and starts[i] < s_end[k]
    # Quotation state before each token: 0 outside, 1 inside, 2 opening, 3 closing mark.
    qs_all = np.zeros(n_all, dtype=np.int64)
    cur = False
    for i in range(n_all):
        c = props_all[i, 5]
        if c == 0:
            qs_all[i] = 1 if cur else 0
        elif c == 1:
            qs_all[i] = 2
            cur = True
        elif c == 2:
            qs_all[i] = 3
            cur = False
        else:
            qs_all[i] = 3 if cur else 2
            cur = not cur
    sel = np.ones(nsent, dtype=np.bool_)
    if gate:
        sel[:] = False
        for i in range(n_all):
            if valid[i] and props_all[i, 6] > 0:
                sel[sid_all[i]] = True
    run_of_sent = np.empty(nsent, dtype=np.int64)
    r = -1
    for j in range(nsent):
        if sel[j] and (para[j] or j == 0 or not sel[j - 1]):
            r += 1
        run_of_sent[j] = r
    n = 0
    for i in range(n_all):
        if valid[i] and sel[sid_all[i]]:
            n += 1
    keep = np.empty(n, dtype=np.int64)
    sid = np.empty(n, dtype=np.int64)
    rid = np.empty(n, dtype=np.int64)
    qs = np.empty(n, dtype=np.int64)
    m = 0
    for i in range(n_all):
        if valid[i] and sel[sid_all[i]]:
            keep[m] = i
            sid[m] = sid_all[i]
            rid[m] = run_of_sent[sid_all[i]]
            qs[m] = qs_all[i]
            m += 1
    return keep, sid, rid, qs


@_njit
def emission_scores(tid, props, sid, rid, qs, own, static, row_map, pair_keys, pair_lo, dist, ints):  # type: ignore[no-untyped-def]
    """Emission scores of the kept tokens: ``own[tid]`` plus the eleven static table rows.

    ``pair_keys``: the sorted bigram keys (left lower-case id * n_lower + right id);
    ``pair_lo[a]:pair_lo[a + 1]``: the range of those whose left id is ``a``.
    ``ints``: n_lower, n_shapes, zero_row and the offsets of the context, pair_minus,
    pair_plus, sh3, ctx, fl and bound blocks (``EmissionModel.offset``). The rows are those
    of ``attribution_decoder.emissions``; they are summed in the same order as numpy's
    ``sum(axis=0)`` there (row 0 first), then added to the word's own row.
    """
    n_lower, ns, zero_row = ints[0], ints[1], ints[2]
    o_context, o_pm, o_pp, o_sh3, o_ctx, o_fl, bnd = ints[3], ints[4], ints[5], ints[6], ints[7], ints[8], ints[9]
    n = len(tid)
    nl = own.shape[1]
    lid = props[:, 0]
    shp = props[:, 1]
    crow = o_context + lid * 7
    slot = np.zeros(n + 1, dtype=np.int64)
    for i in range(1, n):
        if rid[i] == rid[i - 1]:
            # Binary search among the pairs of this left word only (``pair_lo``): a third
            # of the kernel's time went to searching all of ``pair_keys`` token by token.
            left = lid[i - 1]
            key = left * n_lower + lid[i]
            lo = pair_lo[left]
            hi = pair_lo[left + 1]
            while lo < hi:
                mid = (lo + hi) >> 1
                if pair_keys[mid] < key:
                    lo = mid + 1
                else:
                    hi = mid
            if lo < pair_lo[left + 1] and pair_keys[lo] == key:
                slot[i] = lo + 1
    # Sentence bounds, cue positions, colons before each token, per-sentence flags.
    sstart = np.empty(n, dtype=np.int64)
    send = np.empty(n, dtype=np.int64)
    for i in range(n):
        sstart[i] = i if i == 0 or sid[i] != sid[i - 1] else sstart[i - 1]
    for i in range(n - 1, -1, -1):
        send[i] = i if i == n - 1 or sid[i] != sid[i + 1] else send[i + 1]
    cue_left = np.empty(n, dtype=np.int64)
    last = -1
    for i in range(n):
        cue_left[i] = last
        if props[i, 2]:
            last = i
    cue_right = np.empty(n, dtype=np.int64)
    last = n
    for i in range(n - 1, -1, -1):
        cue_right[i] = last
        if props[i, 2]:
            last = i
    colons = np.empty(n, dtype=np.int64)  # colons of the sentence strictly before the token
    cue_in = np.zeros(n, dtype=np.bool_)  # per token: its sentence has a cue word
    q_in = np.zeros(n, dtype=np.bool_)  # its sentence has a quotation mark
    for i in range(n):
        colons[i] = 0 if i == sstart[i] else colons[i - 1] + props[i - 1, 4]
    has_cue = False
    has_q = False
    for i in range(n):
        if i == sstart[i]:
            has_cue = False
            has_q = False
            for j in range(i, send[i] + 1):
                has_cue = has_cue or props[j, 2] != 0
                has_q = has_q or qs[j] >= 2
        cue_in[i] = has_cue
        q_in[i] = has_q
    em = np.empty((n, nl))
    rows = np.empty(11, dtype=np.int64)
    for i in range(n):
        sp = i >= 1 and rid[i] == rid[i - 1]
        sp2 = i >= 2 and rid[i] == rid[i - 2]
        sn = i + 1 < n and rid[i + 1] == rid[i]
        sn2 = i + 2 < n and rid[i + 2] == rid[i]
        rows[0] = crow[i - 1] + 1 if sp else bnd
        rows[1] = crow[i - 2] + 3 if sp2 else bnd + 1
        rows[2] = crow[i + 1] + 2 if sn else bnd + 2
        rows[3] = crow[i + 2] + 4 if sn2 else bnd + 3
        rows[4] = o_pm + slot[i]
        rows[5] = o_pp + (slot[i + 1] if sn else 0)
        left_shape = shp[i - 1] if sp else 0
        right_shape = shp[i + 1] if sn else 1
        rows[6] = o_sh3 + (left_shape * ns + shp[i]) * ns + right_shape
        has_left = cue_left[i] >= sstart[i]
        has_right = cue_right[i] <= send[i]
        lb = dist[min(i - cue_left[i], 12)] if has_left else 9
        rb = dist[min(cue_right[i] - i, 12)] if has_right else 9
        rows[7] = o_ctx + (qs[i] * 10 + lb) * 10 + rb
        rows[8] = crow[cue_left[i]] + 5 if has_left else zero_row
        rows[9] = crow[cue_right[i]] + 6 if has_right else zero_row
        cap = props[i, 3] != 0
        fl = 0
        if cap and ((sp and props[i - 1, 3] != 0) or (sn and props[i + 1, 3] != 0)):
            fl |= 1
        if colons[i] > 0:
            fl |= 2
        if not cue_in[i]:
            fl |= 4
        if q_in[i]:
            fl |= 8
        if i == sstart[i]:
            fl |= 16
        if i == send[i]:
            fl |= 32
        rows[10] = o_fl + fl
        for k in range(11):
            rows[k] = row_map[rows[k]]
        t = tid[i]
        for y in range(nl):
            s = static[rows[0], y]
            for k in range(1, 11):
                s += static[rows[k], y]
            em[i, y] = own[t, y] + s
    return em


@_njit
def viterbi_chains(trans, em, starts, lens, idle):  # type: ignore[no-untyped-def]
    """Best label per token, chain by chain (``attribution_decoder.viterbi``'s arithmetic).

    The numpy path right-aligns the chains and gives a chain that starts at padded step
    s > 0 the score ``idle[s] + (em - idle[s])`` at its first token; that is reproduced here
    so the scores, and the labels of tied paths, are exactly the same.
    """
    n, nl = em.shape
    tmax = 0
    for c in range(len(starts)):
        tmax = max(tmax, lens[c])
    out = np.empty(n, dtype=np.int64)
    back = np.empty((tmax, nl), dtype=np.int64)
    delta = np.empty(nl)
    new = np.empty(nl)
    for c in range(len(starts)):
        b = starts[c]
        length = lens[c]
        s = tmax - length
        for y in range(nl):
            if s == 0:
                delta[y] = em[b, y]
            else:
                delta[y] = idle[s, y] + (em[b, y] - idle[s, y])
        for t in range(1, length):
            for y in range(nl):
                best = delta[0] + trans[0, y]
                arg = 0
                for a in range(1, nl):
                    v = delta[a] + trans[a, y]
                    if v > best:
                        best = v
                        arg = a
                back[t, y] = arg
                new[y] = best + em[b + t, y]
            delta[:] = new
        lab = 0
        for y in range(1, nl):
            if delta[y] > delta[lab]:
                lab = y
        for t in range(length - 1, 0, -1):
            out[b + t] = lab
            lab = back[t, lab]
        out[b] = lab
    return out


def warm_up() -> float:
    """Compile (or load from the cache) every kernel on a tiny input; returns the seconds.

    The first call of a numba function compiles it (a few seconds) or loads the cached
    machine code (well under a second); benchmarks call this before timing.
    """
    t0 = time.perf_counter()
    if AVAILABLE:
        p = np.zeros((2, 7), dtype=np.int64)
        i2 = np.zeros(2, dtype=np.int64)
        select_tokens(i2, p, np.zeros(1, dtype=np.int64), np.full(1, 9, dtype=np.int64), np.ones(1, dtype=np.bool_), True)
        f = np.zeros((2, 2))
        # Same dtypes and layouts as the real calls (else numba compiles another version);
        # every row index of the dummy input falls inside the 128-row map.
        emission_scores(i2, p, i2, i2, i2, f, f, np.zeros(128, dtype=np.int32), np.zeros(1, dtype=np.int64),
                        np.zeros(3, dtype=np.int64), np.zeros(13, dtype=np.int64), np.zeros(10, dtype=np.int64))
        viterbi_chains(np.zeros((2, 2)), f, np.zeros(1, dtype=np.int64), np.full(1, 2, dtype=np.int64), f)
        codes = np.frombuffer("abc".encode("utf-32-le"), dtype=np.uint32)
        alias_starts(codes, ASCII_CLASS, np.zeros(1, dtype=np.uint32), np.zeros(1, dtype=np.int8), np.zeros(1, dtype=np.int64))
        starts, ends = token_spans(codes, ASCII_CLASS, np.zeros(1, dtype=np.uint32), np.zeros(1, dtype=np.int8))
        table, toff = np.zeros((4, 4), dtype=np.uint64), np.array([0, 3], dtype=np.int64)
        tcodes = np.frombuffer("abc".encode("utf-32-le"), dtype=np.uint32).copy()
        hash_types(table, tcodes, toff, 0, 1)
        lookup_types(codes, starts, ends, table, tcodes)
        literal_positions(codes, np.full(128 * 128, -1, dtype=np.int64), np.zeros(1, dtype=np.int64),
                          np.zeros(1, dtype=np.uint32), np.zeros(1, dtype=np.int64))
        from provenance.extract import actor_jit, attribution_fused  # they import this module

        actor_jit.alias_filter(codes, codes, i2, ASCII_CLASS, i2, i2)
        attribution_fused.decode(codes, starts, ends, np.zeros(len(starts), dtype=np.int64), p,
                                 np.zeros(1, dtype=np.int64), np.full(1, 3, dtype=np.int64), True, f, f,
                                 np.zeros(128, dtype=np.int32), np.zeros(1, dtype=np.int64), np.zeros(3, dtype=np.int64),
                                 np.zeros(13, dtype=np.int64), np.zeros(10, dtype=np.int64), np.zeros((2, 2)), f,
                                 np.zeros(2, dtype=np.int64), np.zeros(2, dtype=np.bool_))
    return time.perf_counter() - t0


@_njit
def token_spans(codes, ascii_class, extra_cp, extra_class):  # type: ignore[no-untyped-def]
    """Spans of the tokens ``\\w+(?:[’'.\\-]\\w+)*|[^\\w\\s]`` (``attribution_tagger._TOKEN``).

    Args:
        codes: (chars,) code points of the text.
        ascii_class: (128,) class of each ASCII character: 0 whitespace (``\\s``), 1 word
            character (``\\w``), 2 other.
        extra_cp, extra_class: the text's other code points, sorted, and their classes
            (computed by Python's own ``str.isalnum``/``str.isspace``, the definitions
            ``re`` uses for ``\\w`` and ``\\s``).

    Returns:
        (starts, ends) of the tokens, in text order.
    """
    n = len(codes)
    cls = np.empty(n, dtype=np.int8)
    for i in range(n):
        c = codes[i]
        if c < 128:
            cls[i] = ascii_class[c]
        else:
            cls[i] = extra_class[np.searchsorted(extra_cp, c)]
    starts = np.empty(n, dtype=np.int64)
    ends = np.empty(n, dtype=np.int64)
    k = 0
    i = 0
    while i < n:
        c = cls[i]
        if c == 0:
            i += 1
            continue
        starts[k] = i
        if c == 2:
            i += 1
        else:
            i += 1
            while i < n and cls[i] == 1:
                i += 1
            # (?:[’'.\-]\w+)*: a joiner counts only when a word character follows it.
            while i + 1 < n and cls[i + 1] == 1 and (codes[i] == 8217 or codes[i] == 39 or codes[i] == 46 or codes[i] == 45):
                i += 2
                while i < n and cls[i] == 1:
                    i += 1
        ends[k] = i
        k += 1
    return starts[:k].copy(), ends[:k].copy()


@_njit
def alias_starts(codes, ascii_class, extra_cp, extra_class, keys):  # type: ignore[no-untyped-def]
    """Word starts followed by one of the three-character ``keys`` (``actors`` alias scan).

    As the regex ``(?<![\\w-])(?=abc|...)`` on the same (lower-cased) text: a position whose
    previous character is neither a word character nor ``-`` (or the text start), and whose
    three characters, packed as ``(c0 << 42) | (c1 << 21) | c2``, are in ``keys`` (sorted).
    """
    n = len(codes)
    out = np.empty(n, dtype=np.int64)
    k = 0
    nk = len(keys)
    for p in range(n - 2):
        c = codes[p]
        if c < 97 or c > 122:  # every key starts with a-z
            continue
        if p > 0:
            b = codes[p - 1]
            if b == 45:
                continue
            if b < 128:
                if ascii_class[b] == 1:
                    continue
            elif extra_class[np.searchsorted(extra_cp, b)] == 1:
                continue
        key = (np.int64(c) << 42) | (np.int64(codes[p + 1]) << 21) | np.int64(codes[p + 2])
        j = np.searchsorted(keys, key)
        if j < nk and keys[j] == key:
            out[k] = p
            k += 1
    return out[:k].copy()


@_njit
def literal_positions(codes, head, gstart, wcodes, woff):  # type: ignore[no-untyped-def]
    """Offsets where one of the words of a ``literal_scan.LiteralSet`` begins, in order, and
    the word found there (the first of its group that matches).

    ``head[c0 * 128 + c1]``: the group of the words starting with the ASCII characters c0 c1
    (-1: none); group g holds words ``gstart[g]:gstart[g + 1]``; word w is the characters
    ``wcodes[woff[w]:woff[w + 1]]``. An offset is reported once however many words match.
    """
    n = len(codes)
    out = np.empty(n, dtype=np.int64)
    word = np.empty(n, dtype=np.int64)
    k = 0
    for p in range(n - 1):
        c0 = codes[p]
        c1 = codes[p + 1]
        if c0 >= 128 or c1 >= 128:
            continue
        g = head[np.int64(c0) * 128 + np.int64(c1)]
        if g < 0:
            continue
        for w in range(gstart[g], gstart[g + 1]):
            a = woff[w]
            m = woff[w + 1] - a
            if p + m > n:
                continue
            same = True
            for j in range(2, m):
                if codes[p + j] != wcodes[a + j]:
                    same = False
                    break
            if same:
                out[k] = p
                word[k] = w
                k += 1
                break
    return out[:k].copy(), word[:k].copy()


@_njit
def _fnv(codes, a, b):  # type: ignore[no-untyped-def]
    """64-bit FNV-1a hash of the code points ``codes[a:b]`` (never 0: the empty-slot mark)."""
    h = np.uint64(14695981039346656037)
    for j in range(a, b):
        h = (h ^ np.uint64(codes[j])) * np.uint64(1099511628211)
    if h == np.uint64(0):
        h = np.uint64(1)
    return h


@_njit
def hash_types(table, tcodes, toff, first, last):  # type: ignore[no-untyped-def]
    """Enter word types ``first .. last-1`` into the open-addressing table ``table``.

    Type ``t`` is the code points ``tcodes[toff[t]:toff[t + 1]]``; a slot of ``table``
    (slots, 4) holds the type's hash (0: empty slot), its id, its offset in ``tcodes`` and its
    length, so a look-up reads one slot (one cache line) and the code points. The table (a
    power of two long) is less than half full. A type whose hash another type already holds
    is not entered: ``lookup_types`` then misses it and the caller looks it up by its string.
    """
    m = len(table) - 1
    for t in range(first, last):
        h = _fnv(tcodes, toff[t], toff[t + 1])
        i = np.int64(h & np.uint64(m))
        while True:
            k = table[i, 0]
            if k == np.uint64(0):
                table[i, 0] = h
                table[i, 1] = t
                table[i, 2] = toff[t]
                table[i, 3] = toff[t + 1] - toff[t]
                break
            if k == h:
                break
            i = (i + 1) & m


@_njit
def lookup_types(codes, starts, ends, table, tcodes):  # type: ignore[no-untyped-def]
    """Type id of each token ``codes[starts[i]:ends[i]]`` in the ``hash_types`` table, -1
    when absent. A hit is checked code point by code point against the type's own code
    points, so a hash collision can only cause a miss, never a wrong id."""
    n = len(starts)
    ids = np.empty(n, dtype=np.int64)
    m = len(table) - 1
    for t in range(n):
        a = starts[t]
        b = ends[t]
        h = _fnv(codes, a, b)
        i = np.int64(h & np.uint64(m))
        tid = np.int64(-1)
        while True:
            k = table[i, 0]
            if k == np.uint64(0):
                break
            if k == h:
                if np.int64(table[i, 3]) == b - a:
                    s = np.int64(table[i, 2])
                    same = True
                    for j in range(b - a):
                        if tcodes[s + j] != codes[a + j]:
                            same = False
                            break
                    if same:
                        tid = np.int64(table[i, 1])
                break
            i = (i + 1) & m
        ids[t] = tid
    return ids
