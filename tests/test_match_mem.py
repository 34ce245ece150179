"""Token ids and integer blocking (match/tokens.py) against the string definitions they replace:
the same keys, the same candidate pairs in the same order, the same overlaps and clusters."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from provenance.match.blocking import (
    BlockingStats,
    claim_tokens,
    day_number,
    idf_weights,
    iter_candidate_pairs,
    text_block_keys,
    token_document_frequency,
)
from provenance.match.cluster import (
    PairDecision,
    TextSettings,
    UnionFind,
    cluster_id,
    cluster_text_claims,
    compare_text_claims,
)
from provenance.match.comparisons import WeightedOverlap
from provenance.match.tokens import (
    StringColumn,
    TokenCache,
    Tokenizer,
    block_pairs,
    concat_tables,
    idf_array,
    make_blocks,
    pair_overlaps,
    rare_token_keys,
    row_weights,
)

_WORDS = ["gaza", "ministry", "health", "hospital", "jabalia", "strike", "killed", "hamas", "israel", "rafah",
          "convoy", "aid", "trucks", "border", "crossing", "ceasefire", "talks", "hostages", "released", "qatar",
          "the", "of", "said", "u.s.", "o'brien", "2023", "1,300", "x"]
_SPEAKERS = [None, None, "Gaza Health Ministry", "gaza health ministry", "UNRWA", "", "Israeli military"]
_DAYS = [None, "2023-10-07", "2023-10-08", "2023-10-09", "2023-10-12", "2023-10-13T08:00"]


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(_WORDS[:rng.randint(6, len(_WORDS))]) for _ in range(rng.randint(0, 14)))
            for _ in range(n)]


def _claims(n: int, seed: int) -> pd.DataFrame:
    rng = random.Random(seed)
    texts = _texts(n, seed)
    return pd.DataFrame({
        "claim_id": [f"c{i:05d}" for i in range(n)],
        "text": texts,
        "speaker": [rng.choice(_SPEAKERS) for _ in range(n)],
        "quote": [t if rng.random() < 0.3 else None for t in texts],
        "published": [rng.choice(_DAYS) for _ in range(n)],
    })


@pytest.mark.parametrize("per_claim,max_share,budget", [(3, 0.01, 30), (2, 0.2, 3), (5, 0.001, 0)])
def test_integer_blocking_gives_the_string_pairs(per_claim: int, max_share: float, budget: int) -> None:
    claims = _claims(3000, per_claim)
    speakers = claims["speaker"].tolist()
    days = [day_number(p) for p in claims["published"]]
    keys = text_block_keys(claim_tokens(claims["text"]), speakers, per_claim=per_claim, max_share=max_share)
    ref_stats = BlockingStats()
    expected = list(iter_candidate_pairs(keys, days, window=1, max_neighbours=7, budget=budget, stats=ref_stats))

    table = Tokenizer().table(claims["text"])
    item, key, _, n_speaker = rare_token_keys(table, table.document_frequency(), per_claim=per_claim,
                                              max_share=max_share, speakers=speakers)
    stats = BlockingStats()
    blocks = make_blocks(item, key, n_speaker, np.asarray(days))
    got = [p for ci, cj in block_pairs(blocks, np.asarray(days), window=1, max_neighbours=7, budget=budget,
                                       n_items=len(claims), stats=stats, chunk=97)
           for p in zip(ci.tolist(), cj.tolist())]
    assert expected and got == expected
    assert (stats.items, stats.blocks, stats.largest_block, stats.candidate_pairs, stats.by_rule) == (
        ref_stats.items, ref_stats.blocks, ref_stats.largest_block, ref_stats.candidate_pairs, ref_stats.by_rule)


def test_token_table_and_overlaps_equal_the_string_sets() -> None:
    texts = _texts(500, 7)
    tok = Tokenizer()
    table = concat_tables([tok.table(texts[:200]), tok.table(texts[200:])])
    toks = claim_tokens(texts)
    assert [sorted(table.tokens(i)) for i in range(len(texts))] == [sorted(t) for t in toks]
    df = token_document_frequency(toks)
    assert dict(zip(table.words, table.document_frequency().tolist())) == dict(df)
    idf = idf_array(table.document_frequency(), len(texts))
    assert dict(zip(table.words, idf.tolist())) == idf_weights(df, len(texts))
    ov = WeightedOverlap(idf_weights(df, len(texts)))
    weights = row_weights(table.indptr, table.ids, idf)
    a = np.arange(499, dtype=np.int64)
    b = (a * 7 + 1) % 500
    got = pair_overlaps(table.indptr, table.ids, idf, weights, a, b)
    want = [ov(toks[i], toks[j]) for i, j in zip(a.tolist(), b.tolist())]
    assert got.tolist() == pytest.approx(want, rel=1e-12, abs=0)  # only the order of summation differs
    rows = np.array([5, 3, 3, 499, 0])
    assert [table.take(rows).tokens(k) for k in range(5)] == [table.tokens(int(r)) for r in rows]


def test_string_column_reads_values_and_missing() -> None:
    s = pd.Series(["a", None, "ccc", "é"])
    col = StringColumn(s.iloc[[2, 1, 0, 3]])
    assert [col[i] for i in range(4)] == ["ccc", None, "a", "é"]
    assert col.is_str().tolist() == [True, False, True, True]
    sliced = StringColumn(s.iloc[1:])  # an Arrow slice: offsets start past zero
    assert [sliced[i] for i in range(3)] == list(sliced) == [None, "ccc", "é"]
    assert [StringColumn(pd.Series([None, None], dtype=object))[i] for i in range(2)] == [None, None]


def test_string_column_reads_a_shared_string_categorical_in_place() -> None:
    from provenance.frames import share_strings

    texts = _texts(70_000, 5)  # past one 65,536-row slice of ``iter_range``
    texts[3::11] = [None] * len(texts[3::11])
    frames = {"claims": pd.DataFrame({"text": pd.array(texts, dtype="string[pyarrow]")})}
    dtype = share_strings(frames, "text", ["claims"])
    assert dtype is not None and isinstance(frames["claims"]["text"].dtype, pd.CategoricalDtype)
    col = StringColumn(frames["claims"]["text"])
    plain = StringColumn(pd.Series(texts, dtype=object))
    assert list(col) == list(plain) == texts
    assert [col[i] for i in (0, 3, 69_999)] == [texts[0], None, texts[69_999]]
    assert list(col.iter_range(65_530, 65_540)) == texts[65_530:65_540]
    assert col.is_str().tolist() == plain.is_str().tolist()
    # The values are read from the shared categories' buffer, not from a copy of every row.
    shared = pa.array(dtype.categories.array)
    assert col._cats._arr.buffers()[2].address == shared.buffers()[2].address
    assert list(StringColumn(pd.Categorical(["b", None, "a"]))) == ["b", None, "a"]  # object categories


def _cluster_reference(claims: pd.DataFrame, settings: TextSettings, text_cutoff: float) -> list[str]:
    """cluster_text_claims as it was written with string sets (before token ids)."""
    n = len(claims)
    rows = claims.to_dict("records")
    toks = claim_tokens(r["text"] or "" for r in rows)
    sets = [set(t) for t in toks]
    df = token_document_frequency(sets)
    overlap = WeightedOverlap(idf_weights(df, n), default=1.0)
    keys = text_block_keys(toks, [r.get("speaker") for r in rows], per_claim=settings.rare_tokens_per_claim,
                           max_share=settings.max_token_share, df=df)
    days = [day_number(r.get("published")) for r in rows]
    keys = [k if d else [] for k, d in zip(keys, days)]
    weights = [overlap.weight(s) for s in sets]
    quoted = [isinstance(r.get("quote"), str) for r in rows]

    def decide(a: int, b: int) -> PairDecision | None:
        ov = overlap.of_sets(sets[a], sets[b], weights[a], weights[b])
        if ov < settings.overlap_cutoff and not (quoted[a] and quoted[b]):
            return None
        return compare_text_claims(rows[a], rows[b], sets[a], sets[b], settings, overlap, text_cutoff, ov)

    uf = UnionFind(n)
    first, last = list(days), list(days)
    for i, j in iter_candidate_pairs(keys, days, window=settings.window_days, max_neighbours=settings.max_neighbours,
                                     budget=settings.budget):
        ri, rj = uf.find(i), uf.find(j)
        if ri == rj:
            continue
        lo, hi = min(first[ri], first[rj]), max(last[ri], last[rj])
        if hi - lo > settings.span_days:
            continue
        d = decide(i, j)
        if d is None or not d.linked:
            continue
        if {ri, rj} != {i, j}:
            anchors = decide(ri, rj)
            if anchors is None or not anchors.linked:
                continue
        uf.union(i, j)
        r = uf.find(i)
        first[r], last[r] = lo, hi
    out = [""] * n
    for g in uf.groups():
        cid = cluster_id("c", (rows[i]["claim_id"] for i in g))
        for i in g:
            out[i] = cid
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_text_clusters_equal_the_string_definition(seed: int) -> None:
    claims = _claims(2500, seed)
    settings = TextSettings(overlap_cutoff=0.3, strong_cutoff=70.0, budget=10)
    cache = TokenCache()
    ids, linked = cluster_text_claims(claims, settings, 50.0, tokens=cache)
    assert ids == _cluster_reference(claims, settings, 50.0)
    assert linked and len(set(ids)) < len(ids)  # the data does link claims
    assert cache.table is not None and len(cache.table) == len(claims)


def test_a_filled_token_cache_is_reused_not_tokenised_again(monkeypatch: pytest.MonkeyPatch) -> None:
    claims = _claims(800, 3)
    settings = TextSettings(overlap_cutoff=0.3, strong_cutoff=70.0, budget=10)
    expected, linked = cluster_text_claims(claims, settings, 50.0)
    cache = TokenCache()
    cache.fill(claims)

    def no_second_tokenising(self: object, texts: object) -> None:
        raise AssertionError("tokenised again")

    monkeypatch.setattr(Tokenizer, "table", no_second_tokenising)
    assert cluster_text_claims(claims, settings, 50.0, tokens=cache) == (expected, linked)


@pytest.mark.parametrize("n", [0, 1, 2, 501])
def test_tokenising_half_in_a_child_gives_the_same_table_and_vocabulary(n: int) -> None:
    texts = _texts(n, 11)
    # Words only the second half has, first seen out of their sorted order.
    texts = [t if i < n // 2 else f"{t} new{(n - i) % 17}word" for i, t in enumerate(texts)]
    texts[1::7] = [None] * len(texts[1::7])  # missing texts are empty rows
    one, two = Tokenizer(), Tokenizer()
    one.table(["hospital gaza"])  # a vocabulary begun before: its ids stay, new words follow
    two.table(["hospital gaza"])
    expected = one.table(texts)
    got = two.table_beside(StringColumn(pd.Series(texts, dtype=object)))
    assert (got.indptr.tolist(), got.ids.tolist()) == (expected.indptr.tolist(), expected.ids.tolist())
    assert (got.ids.dtype, got.indptr.dtype) == (expected.ids.dtype, expected.indptr.dtype)
    assert two.words == one.words and two.vocab == one.vocab
    added = [w for w in two.words if w.startswith("new")]
    assert n < 500 or (len(added) == 17 and added != sorted(added))  # the second half adds words, out of order
