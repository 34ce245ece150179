"""Syndication: the same wire copy republished by several outlets.

Two claims from different outlets whose texts (headline outlet suffixes removed) are
near-identical (rapidfuzz ``ratio`` over ``default_process``'ed text at or above
``syndication_cutoff``) and long enough (``syndication_min_tokens`` content words) are copies
of one report. Copies form groups (connected components); the earliest published member is
the original. A cluster counts each group once in ``n_independent``, so 30 papers
reprinting one AP story count as one independent report, not 30.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from provenance.match.blocking import BlockingStats, day_number
from provenance.match.cluster import cluster_id
from provenance.match.comparisons import TextSimilarity, strip_dateline, strip_outlet_suffix
from provenance.match.tokens import (
    StringColumn,
    TokenCache,
    Tokenizer,
    all_roots,
    block_pairs,
    concat_tables,
    find_root,
    make_blocks,
    next_apart,
    rare_token_keys,
    row_hashes,
)

SYNDICATION_COLUMNS = [
    "syndication_id", "claim_id", "article_id", "source", "outlet", "published", "start", "end",
    "is_original", "original_claim_id", "original_outlet", "score", "rule",
]


def find_syndication(claims: pd.DataFrame, config: dict[str, Any], stats: BlockingStats | None = None,
                     *, tokens: TokenCache | None = None) -> pd.DataFrame:
    """Groups of near-identical claims across outlets.

    Args:
        claims: The claims table.
        config: Settings (``[match]``).
        stats: Filled with blocking counts.
        tokens: Content tokens of text claims, from ``cluster_text_claims``; used for a claim
            whose compared text is its text (nothing stripped), instead of tokenising it again.

    Returns:
        syndication.csv: one row per claim in a group of two or more outlets.
    """
    m = config["match"]
    b, s = m["blocking"], m["similarity"]
    sim = TextSimilarity(s["syndication_scorer"], "default_process", s["syndication_cutoff"])
    if not len(claims):
        return pd.DataFrame(columns=SYNDICATION_COLUMNS)
    n = len(claims)
    min_tokens = m["syndication_min_tokens"]
    # Arrays, not a Python list per column of 851k claims: outlets as codes (a missing outlet
    # differs from every outlet, itself included, as NaN != NaN did), texts read from Arrow.
    codes, _ = pd.factorize(claims["outlet"], use_na_sentinel=True)
    outlet = np.where(codes < 0, -1 - np.arange(n), codes)
    raw = StringColumn(claims["text"])
    # A republished wire story drops the agency's dateline: the text after it (and before a
    # headline's " - Outlet") is compared. Both strips cut the text, so the compared text is
    # kept as its [start, end) in the text, found once (not a second string per claim).
    cut_start = np.zeros(n, dtype=np.int64)
    cut_end = np.zeros(n, dtype=np.int64)

    def compared(k: int) -> str:
        """The compared text of claim ``k``."""
        return (raw[k] or "")[cut_start[k]:cut_end[k]]

    # content_tokens are distinct, so a claim's token count is its list's length.
    tokenizer = tokens.tokenizer if tokens is not None and tokens.tokenizer is not None else Tokenizer()
    cached = tokens.table if tokens is not None and tokens.table is not None and len(tokens.table) else None
    known = (pd.Index(tokens.claim_ids).get_indexer(claims["claim_id"]) if tokens is not None and cached is not None
             else np.full(n, -1, dtype=np.int64))
    fresh: list[int] = []

    def fresh_texts() -> Iterator[str]:
        """The compared texts that were not tokenised already (their rows noted in ``fresh``)."""
        for k, r in enumerate(raw):
            r = r or ""
            lead = len(r) - len(r.lstrip())
            t1 = strip_outlet_suffix(r)
            t = strip_dateline(t1)
            cut_start[k], cut_end[k] = lead + len(t1) - len(t), lead + len(t1)
            if not (t == r and known[k] >= 0):
                fresh.append(k)
                yield t

    new = tokenizer.table(fresh_texts())
    # Row of every claim in concat(known table, new table).
    row = known.copy()
    base = len(cached) if cached is not None else 0
    row[np.asarray(fresh, dtype=np.int64)] = base + np.arange(len(fresh), dtype=np.int64)
    table = (concat_tables([cached, new]) if cached is not None else new).take(row)
    del new, row
    fresh.clear()
    ntok = table.lengths()
    long_enough = ntok >= min_tokens
    # Union-find over a parent array (the smaller root wins, as in UnionFind), walked in
    # compiled code past the pairs already in one set.
    parent = np.arange(n, dtype=np.int64)

    def union(i: int, j: int) -> None:
        ri, rj = find_root(parent, i), find_root(parent, j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    scores: dict[int, float] = {}
    rule: dict[int, str] = {}
    # Exact copies: same normalised text (no comparison needed); each joins the first claim
    # with its text. Texts equal once normalised have the same content tokens, so only claims
    # whose token row another claim shares are hashed (most rows are unique).
    cand = np.flatnonzero(long_enough)
    if len(cand):
        _, row_at, row_count = np.unique(row_hashes(table.indptr, table.ids)[cand], return_inverse=True,
                                         return_counts=True)
        cand = cand[row_count[row_at.ravel()] > 1]
    digests = np.array([hashlib.sha1(" ".join(compared(k).lower().split()).encode()).digest() for k in cand.tolist()],
                       dtype="S20")
    if len(cand):
        _, first_at, inverse = np.unique(digests, return_index=True, return_inverse=True)
        firsts = cand[first_at[inverse.ravel()]]
        for i, j in zip(cand[firsts != cand].tolist(), firsts[firsts != cand].tolist()):
            if outlet[i] != outlet[j]:
                union(i, j)
                scores[i] = scores[j] = 100.0
                rule[i] = rule[j] = "exact_text"
    del digests
    item, key, _, n_speaker = rare_token_keys(table, table.document_frequency(), per_claim=b["rare_tokens_per_claim"],
                                              max_share=b["max_token_share"])
    days = np.array([day_number(p) for p in claims["published"].tolist()], dtype=np.int64)
    blocks = make_blocks(item, key, n_speaker, days)
    del item, key, table
    prepared: dict[int, str] = {}  # processed text of each claim compared, made once
    for ci, cj in block_pairs(blocks, days, window=m["text_window_days"], max_neighbours=b["max_neighbours"],
                              budget=b["max_pairs_per_claim"], n_items=n, stats=stats):
        keep = (outlet[ci] != outlet[cj]) & long_enough[ci] & long_enough[cj]
        ki, kj = ci[keep], cj[keep]
        if not len(ki):
            continue
        for k in np.unique(np.concatenate([ki, kj])).tolist():
            if k not in prepared:
                prepared[k] = sim.prepare(compared(k))
        # Every pair of the chunk scored in one call; then, in pair order, a pair whose claims
        # are not in one set yet and that scores joins them (pairs already joined are passed
        # over unread, as when each was scored only if its claims were apart).
        sc = sim.scores([prepared[i] for i in ki.tolist()], [prepared[j] for j in kj.tolist()])
        state = np.zeros(3, dtype=np.int64)
        while next_apart(parent, ki, kj, sc > 0, state):
            at, ri, rj = state.tolist()
            state[0] = at + 1
            parent[max(ri, rj)] = min(ri, rj)
            s_ = float(sc[at])
            for k in (int(ki[at]), int(kj[at])):
                scores[k] = max(scores.get(k, 0.0), s_)
                rule.setdefault(k, "near_identical_text")
    del prepared, blocks
    # Sets of two or more claims (singletons cannot span two outlets), ordered by first member.
    roots = all_roots(parent)
    shared = np.flatnonzero(np.bincount(roots, minlength=n)[roots] > 1)
    by_root: dict[int, list[int]] = {}
    for i, r in zip(shared.tolist(), roots[shared].tolist()):
        by_root.setdefault(r, []).append(i)
    groups = [g for g in by_root.values() if len({int(outlet[i]) for i in g}) >= 2]
    del roots, shared, by_root
    rows = sorted(i for g in groups for i in g)
    col = {c: dict(zip(rows, claims[c].take(rows).tolist())) for c in
           ("claim_id", "article_id", "source", "outlet", "published", "start", "end")}
    published = col["published"]
    out = []
    for g in groups:
        order = sorted(g, key=lambda i: (str(published[i] or "9999"), str(col["outlet"][i]), i))
        orig = order[0]
        sid = cluster_id("s", (col["claim_id"][i] for i in g))
        for i in order:
            out.append({
                "syndication_id": sid, "claim_id": col["claim_id"][i], "article_id": col["article_id"][i],
                "source": col["source"][i], "outlet": col["outlet"][i], "published": published[i],
                "start": col["start"][i], "end": col["end"][i], "is_original": i == orig,
                "original_claim_id": col["claim_id"][orig], "original_outlet": col["outlet"][orig],
                "score": scores.get(i, 100.0), "rule": rule.get(i, "near_identical_text"),
            })
    return pd.DataFrame(out, columns=SYNDICATION_COLUMNS)


__all__ = ["SYNDICATION_COLUMNS", "find_syndication"]
