"""Content tokens of many claims as integer ids in flat arrays, and text blocking on them.

Text clustering and syndication compare the content tokens (``content_tokens``) of every
claim: 842k claims on all of ABP. Held as one Python ``set`` of ``str`` per claim (and the
blocking keys as ``"tok:..."`` strings) they took about 2.5 GB; here each claim is a slice of
one ``int32`` array of token ids (sorted, distinct), the vocabulary is stored once, and the
weighted overlap of two claims is a merge of two sorted slices. The blocking keys and the
candidate pairs are those of ``text_block_keys`` and ``iter_candidate_pairs``
(``tests/test_match_mem.py`` checks them against those definitions): the same keys, visited in
the same order (``(block size, key text)``), so the same pairs in the same order.

The loops are compiled with numba when it is installed (a declared dependency), else run as
plain Python on the same arrays (same results, slower).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from provenance.match.arrow_tokens import SLICE, text_slices, tokenize
from provenance.match.blocking import BlockingStats
from provenance.match.strings import StringColumn

try:  # numba is a declared dependency; the plain-Python path stays for installs without it
    import numba

    _JIT = True
except ImportError:  # pragma: no cover - numba is installed with the package
    numba = None  # type: ignore[assignment]
    _JIT = False


def _njit(fn: Any) -> Any:
    """``numba.njit(cache=True)``, or the plain function when numba is absent."""
    return numba.njit(cache=True, nogil=True)(fn) if _JIT else fn


@dataclass
class TokenTable:
    """The distinct content tokens of each of ``n`` texts, as sorted ids in one flat array.

    Attributes:
        words: Token id -> token.
        indptr: (n + 1,) int64: the ids of text ``i`` are ``ids[indptr[i]:indptr[i + 1]]``.
        ids: int32 token ids, ascending within each text.
    """

    words: list[str]
    indptr: np.ndarray
    ids: np.ndarray

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def lengths(self) -> np.ndarray:
        """Number of content tokens of every text."""
        return np.diff(self.indptr)

    def tokens(self, i: int) -> list[str]:
        """The tokens of text ``i`` (sorted by id)."""
        return [self.words[t] for t in self.ids[self.indptr[i]:self.indptr[i + 1]].tolist()]

    def document_frequency(self) -> np.ndarray:
        """In how many texts each token occurs (ids are distinct within a text)."""
        return np.bincount(self.ids, minlength=len(self.words)).astype(np.int64)

    def take(self, rows: np.ndarray) -> TokenTable:
        """The table of texts ``rows`` (in that order), sharing the vocabulary."""
        rows = np.asarray(rows, dtype=np.int64)
        lens = self.lengths()[rows]
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lens, out=indptr[1:])
        starts = np.repeat(self.indptr[:-1][rows] - indptr[:-1], lens)
        return TokenTable(self.words, indptr, self.ids[starts + np.arange(indptr[-1], dtype=np.int64)])


@dataclass
class TokenCache:
    """Content tokens of text claims, kept from text clustering for syndication (one tokenizer
    per run, so one vocabulary).

    Attributes:
        tokenizer: The tokenizer (and vocabulary) of the run.
        claim_ids: Claim id of every row of ``table``.
        table: Their tokens.
        claims: The claims frame ``table`` was made from (``fill``), which text clustering
            then reuses instead of tokenising it again.
    """

    tokenizer: Tokenizer | None = None
    claim_ids: Any = None
    table: TokenTable | None = None
    claims: Any = None

    def fill(self, claims: pd.DataFrame, background: bool = False) -> None:
        """Tokenise the ``text`` of ``claims`` now (before syndication is started beside text
        clustering, so both use this table); ``cluster_text_claims(claims, ...)`` reuses it.

        With ``background``, the second half of the texts is tokenised in a forked child
        beside the first half (``Tokenizer.table_beside``): the same table and vocabulary.
        """
        self.tokenizer = self.tokenizer or Tokenizer()
        texts = StringColumn(claims["text"])
        self.table = self.tokenizer.table_beside(texts) if background else self.tokenizer.table(texts)
        self.claim_ids, self.claims = claims["claim_id"], claims


class Tokenizer:
    """Turns texts into a ``TokenTable``; texts tokenised by one tokenizer share its vocabulary."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.words: list[str] = []

    def table(self, texts: Iterable[str | None]) -> TokenTable:
        """``content_tokens`` of every text, as ids (ascending and distinct within a text): a
        slice of texts at a time with Arrow's string kernels (``arrow_tokens.tokenize``: the same
        words, numbered in the same order)."""
        indptr, ids = tokenize(text_slices(texts), self.vocab, self.words)
        return TokenTable(self.words, indptr, ids)

    def table_beside(self, texts: StringColumn) -> TokenTable:
        """``table(texts)``, the second half of the texts tokenised in a forked child.

        The child numbers its tokens by first occurrence in its half; here each of its tokens
        missing from this vocabulary is added in that order, which is the order tokenising the
        texts one after the other adds them, so vocabulary, ids and table are those of
        ``table(texts)`` (``tests/test_match_mem.py``).
        """
        from provenance.match.background import Deferred

        half = len(texts) // 2

        def second() -> tuple[list[str], np.ndarray, np.ndarray]:
            """The second half's table, numbered by a tokenizer of its own."""
            own = Tokenizer()
            indptr, ids = tokenize(texts.arrow_range(half, len(texts), SLICE), own.vocab, own.words)
            return own.words, indptr, ids

        pending = Deferred(second, True, "tokens")
        indptr1, ids1 = tokenize(texts.arrow_range(0, half, SLICE), self.vocab, self.words)
        words2, indptr2, ids2 = pending.result()
        del pending
        vocab, words = self.vocab, self.words
        remap = np.empty(len(words2), dtype=np.int32)
        for k, w in enumerate(words2):
            got = vocab.get(w)
            if got is None:
                got = vocab[w] = len(words)
                words.append(w)
            remap[k] = got
        del words2
        ids2 = remap[ids2]
        _sort_rows(indptr2, ids2)  # sorted again, by this vocabulary's ids
        indptr = np.concatenate([indptr1, indptr2[1:] + indptr1[-1]])
        ids = np.concatenate([ids1, ids2])
        del indptr1, ids1, indptr2, ids2, remap
        return TokenTable(words, indptr, ids)


@_njit
def _sort_rows(indptr, ids):  # type: ignore[no-untyped-def]
    """Sort each text's ids in place."""
    for i in range(len(indptr) - 1):
        a, b = indptr[i], indptr[i + 1]
        if b - a > 1:
            ids[a:b] = np.sort(ids[a:b])


def concat_tables(tables: Sequence[TokenTable]) -> TokenTable:
    """Tables of one tokenizer, one after the other."""
    indptr = [np.zeros(1, dtype=np.int64)]
    off = 0
    for t in tables:
        indptr.append(t.indptr[1:] + off)
        off += int(t.indptr[-1])
    return TokenTable(tables[0].words, np.concatenate(indptr), np.concatenate([t.ids for t in tables]))


def idf_array(df: np.ndarray, n: int) -> np.ndarray:
    """``idf_weights`` as an array over token ids (``math.log``, value for value the same)."""
    return np.array([math.log((n + 1) / (c + 0.5)) for c in df.tolist()], dtype=np.float64)


@_njit
def row_weights(indptr, ids, idf):  # type: ignore[no-untyped-def]
    """Sum of the token weights of every text (``WeightedOverlap.weight``)."""
    n = len(indptr) - 1
    out = np.zeros(n, dtype=np.float64)
    for i in range(n):
        s = 0.0
        for k in range(indptr[i], indptr[i + 1]):
            s += idf[ids[k]]
        out[i] = s
    return out


@_njit
def overlap(indptr, ids, idf, weights, a, b):  # type: ignore[no-untyped-def]
    """``WeightedOverlap.of_sets`` of texts ``a`` and ``b``: shared weight / smaller weight."""
    i, ie, j, je = indptr[a], indptr[a + 1], indptr[b], indptr[b + 1]
    if i == ie or j == je:
        return 0.0
    shared = 0.0
    found = False
    while i < ie and j < je:
        x, y = ids[i], ids[j]
        if x == y:
            shared += idf[x]
            found = True
            i += 1
            j += 1
        elif x < y:
            i += 1
        else:
            j += 1
    if not found:
        return 0.0
    denom = min(weights[a], weights[b])
    return shared / denom if denom > 0 else 0.0


def rare_token_keys(table: TokenTable, df: np.ndarray, *, per_claim: int, max_share: float,
                    speakers: Sequence[Any] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """``text_block_keys`` as integer key ids.

    Key ids sort as the key texts do: speaker keys (``"speaker:..."``) first, by casefolded
    speaker, then token keys (``"tok:..."``) by token, so sorting blocks by ``(size, key id)``
    visits them in ``iter_candidate_pairs``' order ``(size, key text)``.

    Returns:
        (item, key, kinds, n_speaker_keys): one row per (text, key) incidence, and how many key
        ids are speaker keys (``key < n_speaker_keys``).
    """
    n = len(table)
    limit = max(50, int(max_share * n))
    usable = np.flatnonzero((df >= 2) & (df <= limit))
    # Rarest first, ties by token text: each text keeps its per_claim lowest ranks. Tokens are
    # distinct, so ranking the usable ones by text once turns both orders into integer sorts.
    words = table.words
    # Arrow compares strings by their UTF-8 bytes, which order as Python orders the strings.
    by_text = usable[pc.sort_indices(pa.array([words[t] for t in usable.tolist()], type=pa.large_string()))
                     .to_numpy()]
    text_rank = np.empty(len(words), dtype=np.int64)
    text_rank[by_text] = np.arange(len(by_text), dtype=np.int64)
    order = usable[np.lexsort((text_rank[usable], df[usable]))]
    rank = np.full(len(words), len(order), dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    tok_item, tok_rank = _rarest(table.indptr, table.ids, rank, len(order), per_claim)
    # Token keys numbered by token text (after the speaker keys).
    text_pos = text_rank[order]
    spk_item: list[int] = []
    spk_name: list[str] = []
    for i, s in enumerate(speakers or []):
        if isinstance(s, str) and s:
            spk_item.append(i)
            spk_name.append(s.casefold())
    names = sorted(set(spk_name))
    pos = {s: k for k, s in enumerate(names)}
    item = np.concatenate([tok_item, np.asarray(spk_item, dtype=np.int64)])
    key = np.concatenate([text_pos[tok_rank] + len(names), np.asarray([pos[s] for s in spk_name], dtype=np.int64)])
    return item, key, order.astype(np.int64), len(names)


@_njit
def _rarest(indptr, ids, rank, unusable, per_claim):  # type: ignore[no-untyped-def]
    """(text, rank) of each text's ``per_claim`` rarest usable tokens."""
    n = len(indptr) - 1
    out_i = np.empty(n * per_claim, dtype=np.int64)
    out_r = np.empty(n * per_claim, dtype=np.int64)
    k = 0
    for i in range(n):
        a, b = indptr[i], indptr[i + 1]
        if b == a:
            continue
        r = np.sort(rank[ids[a:b]])
        for q in range(min(per_claim, b - a)):
            if r[q] >= unusable:
                break
            out_i[k] = i
            out_r[k] = r[q]
            k += 1
    return out_i[:k], out_r[:k]


@dataclass
class Blocks:
    """Blocks of items sharing a key, in visiting order, members sorted by (day, item)."""

    starts: np.ndarray
    members: np.ndarray
    is_speaker: np.ndarray

    def __len__(self) -> int:
        return len(self.starts) - 1


def make_blocks(item: np.ndarray, key: np.ndarray, n_speaker_keys: int, days: np.ndarray) -> Blocks:
    """Blocks of two or more items, ordered by (size, key id); members by (day, item)."""
    if not len(item):
        return Blocks(np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.bool_))
    size = np.bincount(key)
    keep = size[key] > 1
    item, key = item[keep], key[keep]
    keys = np.flatnonzero(size > 1)
    block_order = keys[np.lexsort((keys, size[keys]))]  # by size, then key id
    block_pos = np.empty(len(size), dtype=np.int64)
    block_pos[block_order] = np.arange(len(block_order), dtype=np.int64)
    bp = block_pos[key]
    members = _by_block_day_item(bp, days[item], item)
    starts = np.zeros(len(block_order) + 1, dtype=np.int64)
    np.cumsum(size[block_order], out=starts[1:])
    return Blocks(starts, members, block_order < n_speaker_keys)


def _by_block_day_item(block: np.ndarray, day: np.ndarray, item: np.ndarray) -> np.ndarray:
    """``item[np.lexsort((item, day, block))]``: one sort of a single int64 key made of the
    three when it fits in 63 bits (a (block, item) pair occurs once, so equal keys are equal
    rows and the order is the same), else the lexsort."""
    if not len(item):
        return item.copy()
    d0 = int(day.min())
    span, n_items = int(day.max()) - d0 + 1, int(item.max()) + 1
    if (int(block.max()) + 1) * span * n_items >= 1 << 63:
        return item[np.lexsort((item, day, block))]
    combined = (block.astype(np.int64) * span + (day.astype(np.int64) - d0)) * n_items + item
    combined.sort()
    return (combined % n_items).astype(item.dtype, copy=False)


@_njit
def _pairs_chunk(starts, members, days, window, max_neighbours, budget, count, state, out_i, out_j, per_block):  # type: ignore[no-untyped-def]
    """Fill ``out_i``/``out_j`` with the next candidate pairs, from the block and position in ``state``.

    ``state`` = (block, a, b): resumes exactly where the previous call stopped. Returns the
    number of pairs written; ``per_block[k]`` counts the pairs of block ``k``.
    """
    cap = len(out_i)
    nb = len(starts) - 1
    k, a0, b0 = state[0], state[1], state[2]
    w = 0
    while k < nb:
        s, e = starts[k], starts[k + 1]
        size = e - s
        a = a0
        while a < size:
            i = members[s + a]
            da = days[i]
            if budget > 0 and count[i] >= budget:
                a += 1
                b0 = -1
                continue
            b = a + 1 if b0 < 0 else b0
            stop = min(size, a + 1 + max_neighbours)
            while b < stop:
                j = members[s + b]
                if days[j] - da > window:
                    break
                if budget > 0:
                    if count[i] >= budget:
                        break
                    if count[j] >= budget:
                        b += 1
                        continue
                    count[i] += 1
                    count[j] += 1
                if i < j:
                    out_i[w] = i
                    out_j[w] = j
                else:
                    out_i[w] = j
                    out_j[w] = i
                per_block[k] += 1
                w += 1
                b += 1
                if w == cap:
                    state[0], state[1], state[2] = k, a, b
                    return w
            a += 1
            b0 = -1
        k += 1
        a0 = 0
        b0 = -1
    state[0], state[1], state[2] = nb, 0, -1
    return w


def block_pairs(blocks: Blocks, days: np.ndarray, *, window: int, max_neighbours: int, budget: int = 0,
                n_items: int, stats: BlockingStats | None = None,
                chunk: int = 1 << 18) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``iter_candidate_pairs`` over ``blocks``: the same pairs (i < j) in the same order, in
    chunks of at most ``chunk`` pairs, with the same counts added to ``stats``."""
    count = np.zeros(n_items if budget > 0 else 1, dtype=np.int64)
    state = np.array([0, 0, -1], dtype=np.int64)
    per_block = np.zeros(len(blocks), dtype=np.int64)
    out_i = np.empty(chunk, dtype=np.int64)
    out_j = np.empty(chunk, dtype=np.int64)
    days = np.asarray(days, dtype=np.int64)
    if stats is not None:
        stats.items += n_items
    while state[0] < len(blocks):
        w = _pairs_chunk(blocks.starts, blocks.members, days, window, max_neighbours, budget, count, state,
                         out_i, out_j, per_block)
        if w:
            yield out_i[:w].copy(), out_j[:w].copy()
    if stats is not None and len(blocks):
        sizes = np.diff(blocks.starts)
        stats.blocks += len(blocks)
        stats.largest_block = max(stats.largest_block, int(sizes.max()))
        # by_rule as iter_candidate_pairs fills it: kinds in the order their first block is visited.
        first = {}
        for kind, mask in (("speaker", blocks.is_speaker), ("tok", ~blocks.is_speaker)):
            if mask.any():
                first[kind] = int(np.argmax(mask))
        for kind in sorted(first, key=first.__getitem__):
            mask = blocks.is_speaker if kind == "speaker" else ~blocks.is_speaker
            stats.add(kind, int(per_block[mask].sum()))


@_njit
def find_root(parent, x):  # type: ignore[no-untyped-def]
    """``UnionFind.find`` on a parent array (path halving)."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


@_njit
def next_undecided(parent, first, last, quoted, ovs, ci, cj, cutoff, span, state):  # type: ignore[no-untyped-def]
    """Walk the pairs (ci[k], cj[k]) from ``state[0]`` past those no rule needs to decide, and
    stop at the next one that a comparison must decide (``cluster_text_claims``' loop).

    Passed over: pairs already in one set, pairs whose merged set would span more than
    ``span`` days (``first``/``last``: each root's first and last day), and pairs with overlap
    under ``cutoff`` that are not two quotes (no rule can link them). Every pair past the
    first two tests counts as a comparison in ``state[5]``.

    Returns:
        True with ``state[:5]`` = (k, root of ci[k], root of cj[k], merged first day, merged
        last day), or False (``state[0]`` = len(ci)) when no pair is left.
    """
    n = len(ci)
    k = state[0]
    while k < n:
        i = ci[k]
        j = cj[k]
        ri = find_root(parent, i)
        rj = find_root(parent, j)
        if ri != rj:
            lo = min(first[rj], first[ri])
            hi = max(last[rj], last[ri])
            if hi - lo <= span:
                state[5] += 1
                if ovs[k] >= cutoff or (quoted[i] and quoted[j]):
                    state[0] = k
                    state[1] = ri
                    state[2] = rj
                    state[3] = lo
                    state[4] = hi
                    return True
        k += 1
    state[0] = n
    return False


@_njit
def next_apart(parent, ci, cj, ok, state):  # type: ignore[no-untyped-def]
    """Walk the pairs (ci[k], cj[k]) with ``ok[k]`` from ``state[0]`` to the next one whose items
    are in two sets: True with ``state`` = (k, root of ci[k], root of cj[k]), or False when
    none is left."""
    n = len(ci)
    k = state[0]
    while k < n:
        if not ok[k]:
            k += 1
            continue
        ri = find_root(parent, ci[k])
        rj = find_root(parent, cj[k])
        if ri != rj:
            state[0] = k
            state[1] = ri
            state[2] = rj
            return True
        k += 1
    state[0] = n
    return False


@_njit
def row_hashes(indptr, ids):  # type: ignore[no-untyped-def]
    """A 64-bit hash of each text's id row: texts with the same content tokens hash alike."""
    n = len(indptr) - 1
    out = np.empty(n, dtype=np.uint64)
    for i in range(n):
        h = np.uint64(14695981039346656037)
        for k in range(indptr[i], indptr[i + 1]):
            h = (h ^ np.uint64(ids[k] + 1)) * np.uint64(1099511628211)
        out[i] = h
    return out


@_njit
def all_roots(parent):  # type: ignore[no-untyped-def]
    """The root of every item."""
    out = np.empty(len(parent), dtype=np.int64)
    for i in range(len(parent)):
        out[i] = find_root(parent, i)
    return out


@_njit
def pair_overlaps(indptr, ids, idf, weights, ai, bj):  # type: ignore[no-untyped-def]
    """``overlap`` of every pair (ai[k], bj[k])."""
    out = np.empty(len(ai), dtype=np.float64)
    for k in range(len(ai)):
        out[k] = overlap(indptr, ids, idf, weights, ai[k], bj[k])
    return out


__all__ = ["Blocks", "StringColumn", "TokenCache", "TokenTable", "Tokenizer", "all_roots", "block_pairs", "concat_tables",
           "find_root", "idf_array", "make_blocks", "next_apart", "next_undecided", "overlap", "pair_overlaps", "rare_token_keys",
           "row_hashes", "row_weights"]
