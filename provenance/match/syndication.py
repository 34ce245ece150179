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
from typing import Any

import pandas as pd

from provenance.match.blocking import (
    BlockingStats,
    claim_tokens,
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


def find_syndication(claims: pd.DataFrame, config: dict[str, Any], stats: BlockingStats | None = None) -> pd.DataFrame:
    """Groups of near-identical claims across outlets.

    Args:
        claims: The claims table.
        config: Settings (``[match]``).
        stats: Filled with blocking counts.

    Returns:
        syndication.csv: one row per claim in a group of two or more outlets.
    """
    m = config["match"]
    b, s = m["blocking"], m["similarity"]
    sim = TextSimilarity(s["syndication_scorer"], "default_process", s["syndication_cutoff"])
    if not len(claims):
        return pd.DataFrame(columns=SYNDICATION_COLUMNS)
    rows = claims.to_dict("records")
    # A republished wire story drops the agency's dateline: compare the text after it.
    texts = [strip_dateline(strip_outlet_suffix(r["text"] or "")) for r in rows]
    toks = claim_tokens(texts)
    n = len(rows)
    uf = UnionFind(n)
    scores: dict[int, float] = {}
    rule: dict[int, str] = {}
    # Exact copies: same normalised text (no comparison needed).
    by_hash: dict[str, int] = {}
    for i, t in enumerate(texts):
        if len(content_tokens(t)) < m["syndication_min_tokens"]:
            continue
        h = hashlib.sha1(" ".join(t.lower().split()).encode()).hexdigest()
        if h in by_hash:
            j = by_hash[h]
            if rows[i]["outlet"] != rows[j]["outlet"]:
                uf.union(i, j)
                scores[i] = scores[j] = 100.0
                rule[i] = rule[j] = "exact_text"
        else:
            by_hash[h] = i
    keys = text_block_keys(toks, [None] * n, per_claim=b["rare_tokens_per_claim"], max_share=b["max_token_share"])
    days = [day_number(r.get("published")) for r in rows]
    pairs = iter_candidate_pairs(keys, days, window=m["text_window_days"], max_neighbours=b["max_neighbours"],
                                 budget=b["max_pairs_per_claim"], stats=stats)
    for i, j in pairs:
        if rows[i]["outlet"] == rows[j]["outlet"] or uf.find(i) == uf.find(j):
            continue
        if len(toks[i]) < m["syndication_min_tokens"] or len(toks[j]) < m["syndication_min_tokens"]:
            continue
        sc = sim(texts[i], texts[j])
        if sc > 0:
            uf.union(i, j)
            for k in (i, j):
                scores[k] = max(scores.get(k, 0.0), sc)
                rule.setdefault(k, "near_identical_text")
    out = []
    for g in uf.groups():
        if len({rows[i]["outlet"] for i in g}) < 2:
            continue
        order = sorted(g, key=lambda i: (str(rows[i].get("published") or "9999"), str(rows[i]["outlet"]), i))
        orig = order[0]
        sid = cluster_id("s", (rows[i]["claim_id"] for i in g))
        for i in order:
            r = rows[i]
            out.append({
                "syndication_id": sid, "claim_id": r["claim_id"], "article_id": r["article_id"], "source": r["source"],
                "outlet": r["outlet"], "published": r["published"], "start": r["start"], "end": r["end"],
                "is_original": i == orig, "original_claim_id": rows[orig]["claim_id"],
                "original_outlet": rows[orig]["outlet"], "score": scores.get(i, 100.0),
                "rule": rule.get(i, "near_identical_text"),
            })
    return pd.DataFrame(out, columns=SYNDICATION_COLUMNS)


__all__ = ["SYNDICATION_COLUMNS", "find_syndication"]
