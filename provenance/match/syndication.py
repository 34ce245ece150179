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
from collections.abc import Collection, Mapping
from typing import Any

import pandas as pd

from provenance.match.blocking import (
    BlockingStats,
    day_number,
    iter_candidate_pairs,
    text_block_keys,
)
from provenance.match.cluster import UnionFind, cluster_id
from provenance.match.comparisons import TextSimilarity, content_tokens, strip_dateline, strip_outlet_suffix

SYNDICATION_COLUMNS = [
    "syndication_id", "claim_id", "article_id", "source", "outlet", "published", "start", "end",
    "is_original", "original_claim_id", "original_outlet", "score", "rule",
]


def find_syndication(claims: pd.DataFrame, config: dict[str, Any], stats: BlockingStats | None = None,
                     *, token_sets: Mapping[str, Collection[str]] | None = None) -> pd.DataFrame:
    """Groups of near-identical claims across outlets.

    Args:
        claims: The claims table.
        config: Settings (``[match]``).
        stats: Filled with blocking counts.
        token_sets: Claim id -> content tokens of its text, from ``cluster_text_claims``;
            used for a claim whose compared text is its text (nothing stripped), instead of
            tokenising it again.

    Returns:
        syndication.csv: one row per claim in a group of two or more outlets.
    """
    m = config["match"]
    b, s = m["blocking"], m["similarity"]
    sim = TextSimilarity(s["syndication_scorer"], "default_process", s["syndication_cutoff"])
    if not len(claims):
        return pd.DataFrame(columns=SYNDICATION_COLUMNS)
    # Column lists, not one dict per claim (860k claims on ABP): only these columns are read.
    col = {c: claims[c].tolist() for c in ("claim_id", "article_id", "source", "outlet", "published", "start",
                                           "end", "text")}
    outlet, published = col["outlet"], col["published"]
    # A republished wire story drops the agency's dateline: compare the text after it.
    raw = col.pop("text")
    texts = [strip_dateline(strip_outlet_suffix(t or "")) for t in raw]
    known = token_sets or {}
    # content_tokens are distinct, so a set of them has the list's length and blocking keys.
    toks: list[Collection[str]] = [
        known[c] if s == r and c in known else content_tokens(s) for c, s, r in zip(col["claim_id"], texts, raw)]
    del raw
    n = len(texts)
    uf = UnionFind(n)
    scores: dict[int, float] = {}
    rule: dict[int, str] = {}
    # Exact copies: same normalised text (no comparison needed).
    by_hash: dict[str, int] = {}
    for i, t in enumerate(texts):
        if len(toks[i]) < m["syndication_min_tokens"]:  # toks[i] is content_tokens(t)
            continue
        h = hashlib.sha1(" ".join(t.lower().split()).encode()).hexdigest()
        if h in by_hash:
            j = by_hash[h]
            if outlet[i] != outlet[j]:
                uf.union(i, j)
                scores[i] = scores[j] = 100.0
                rule[i] = rule[j] = "exact_text"
        else:
            by_hash[h] = i
    keys = text_block_keys(toks, [None] * n, per_claim=b["rare_tokens_per_claim"], max_share=b["max_token_share"])
    days = [day_number(p) for p in published]
    pairs = iter_candidate_pairs(keys, days, window=m["text_window_days"], max_neighbours=b["max_neighbours"],
                                 budget=b["max_pairs_per_claim"], stats=stats)
    prepared: dict[int, str] = {}  # processed text of each claim compared, made once
    for i, j in pairs:
        if outlet[i] == outlet[j] or uf.find(i) == uf.find(j):
            continue
        if len(toks[i]) < m["syndication_min_tokens"] or len(toks[j]) < m["syndication_min_tokens"]:
            continue
        for k in (i, j):
            if k not in prepared:
                prepared[k] = sim.prepare(texts[k])
        sc = sim.score(prepared[i], prepared[j])
        if sc > 0:
            uf.union(i, j)
            for k in (i, j):
                scores[k] = max(scores.get(k, 0.0), sc)
                rule.setdefault(k, "near_identical_text")
    del texts, toks, keys, prepared
    out = []
    claim_id = col["claim_id"]
    for g in uf.groups():
        if len({outlet[i] for i in g}) < 2:
            continue
        order = sorted(g, key=lambda i: (str(published[i] or "9999"), str(outlet[i]), i))
        orig = order[0]
        sid = cluster_id("s", (claim_id[i] for i in g))
        for i in order:
            out.append({
                "syndication_id": sid, "claim_id": claim_id[i], "article_id": col["article_id"][i],
                "source": col["source"][i], "outlet": outlet[i], "published": published[i], "start": col["start"][i],
                "end": col["end"][i], "is_original": i == orig, "original_claim_id": claim_id[orig],
                "original_outlet": outlet[orig], "score": scores.get(i, 100.0),
                "rule": rule.get(i, "near_identical_text"),
            })
    return pd.DataFrame(out, columns=SYNDICATION_COLUMNS)


__all__ = ["SYNDICATION_COLUMNS", "find_syndication"]
