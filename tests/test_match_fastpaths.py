"""The fast paths of matching (issue 9) against their plain definitions: same outputs."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence

import numpy as np
import pytest

from provenance.match.blocking import (
    iter_candidate_pairs,
    sorted_neighbourhood,
    text_block_keys,
    token_document_frequency,
)
from provenance.match.comparisons import _TOKEN, STOPWORDS, TextSimilarity, WeightedOverlap, content_tokens

_WORDS = ["gaza", "ministry", "said", "the", "a", "x", "1,300", "2023", "u.s.", "o'brien", "rock-and-roll", "it's",
          "-", "'", "a-", "b'c", "9", "hamas", "killed", "jabalia", "é", "of", "--x--", "'tis"]


def _texts(n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(["", " ", "-"]).join(rng.choice(_WORDS) for _ in range(rng.randint(0, 12)))
            + rng.choice(["", ".", " A", "'"]) for _ in range(n)]


def _content_tokens_reference(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for t in _TOKEN.findall(text.lower()):
        if len(t) > 1 and t not in STOPWORDS and not t.isdigit():
            seen.setdefault(t, None)
    return list(seen)


def test_content_tokens_equal_the_definition() -> None:
    texts = _texts(3000) + ["a b c", "U.S. officials say 1,300 killed", "x-y z'", "''a''", "9-11 attacks"]
    for t in texts:
        assert content_tokens(t) == _content_tokens_reference(t), t


def _keys_reference(tokens: Sequence[Sequence[str]], speakers: Sequence[object], per_claim: int,
                    max_share: float) -> list[list[str]]:
    df = token_document_frequency(tokens)
    limit = max(50, int(max_share * len(tokens)))
    out = []
    for toks, spk in zip(tokens, speakers):
        usable = sorted((t for t in set(toks) if 2 <= df[t] <= limit), key=lambda t: (df[t], t))
        k = [f"tok:{t}" for t in usable[:per_claim]]
        if isinstance(spk, str) and spk:
            k.append(f"speaker:{spk.casefold()}")
        out.append(k)
    return out


@pytest.mark.parametrize("per_claim,max_share", [(3, 0.001), (8, 0.01), (2, 0.5)])
def test_text_block_keys_equal_the_definition(per_claim: int, max_share: float) -> None:
    toks = [content_tokens(t) + ["dup", "dup"] for t in _texts(2000)]  # duplicates inside a claim too
    speakers = [None if i % 3 else ("Ministry" if i % 2 else "") for i in range(len(toks))]
    expected = _keys_reference(toks, speakers, per_claim, max_share)
    assert text_block_keys(toks, speakers, per_claim=per_claim, max_share=max_share) == expected
    df = token_document_frequency(toks)
    assert text_block_keys(toks, speakers, per_claim=per_claim, max_share=max_share, df=df) == expected


def _pairs_reference(keys: Sequence[Sequence[str]], days: Sequence[int], window: int, max_neighbours: int,
                     budget: int) -> Iterator[tuple[int, int]]:
    blocks: dict[str, list[int]] = {}
    for i, ks in enumerate(keys):
        for k in ks:
            blocks.setdefault(k, []).append(i)
    count = [0] * len(keys)
    for k in sorted((k for k, m in blocks.items() if len(m) > 1), key=lambda k: (len(blocks[k]), k)):
        members = sorted(blocks[k], key=lambda i: (days[i], i))
        for a, b in sorted_neighbourhood([days[i] for i in members], window, max_neighbours):
            i, j = members[a], members[b]
            if budget > 0:
                if count[i] >= budget or count[j] >= budget:
                    continue
                count[i] += 1
                count[j] += 1
            yield (i, j) if i < j else (j, i)


@pytest.mark.parametrize("budget", [0, 1, 3, 30])
def test_candidate_pairs_equal_the_definition(budget: int) -> None:
    rng = random.Random(budget)
    keys = [[f"k{rng.randint(0, 40)}" for _ in range(rng.randint(0, 3))] for _ in range(1500)]
    days = [rng.choice([0, 738000, 738001, 738002, 738005]) for _ in keys]
    got = list(iter_candidate_pairs(keys, days, window=1, max_neighbours=5, budget=budget))
    assert got == list(_pairs_reference(keys, days, 1, 5, budget))
    assert got  # the blocks do pair something


def test_overlap_of_sets_equals_the_overlap() -> None:
    toks = [content_tokens(t) for t in _texts(400, seed=5)]
    idf = {t: 1.0 + (len(t) * 31 % 7) / 3 for ts in toks for t in ts}
    ov = WeightedOverlap(idf, default=1.0)
    sets = [set(t) for t in toks]
    weights = [ov.weight(s) for s in sets]
    for i in range(399):
        j = (i * 7 + 1) % 400
        assert ov.of_sets(sets[i], sets[j], weights[i], weights[j]) == ov(toks[i], toks[j])


def test_prepared_similarity_equals_the_similarity() -> None:
    sim = TextSimilarity("ratio", "default_process", 50.0)
    texts = _texts(200, seed=9)
    for a, b in itertools.pairwise(texts):
        assert sim.score(sim.prepare(a), sim.prepare(b)) == sim(a, b)


def test_registry_fuzzy_choices_score_the_same_with_ratio() -> None:
    """canonicalize scores token-sorted keys with ``ratio``: on token-sorted strings it is
    ``token_sort_ratio`` (FUZZY_SCORER), whatever the query."""
    from rapidfuzz import fuzz

    from provenance.extract.actor_registry import _fuzzy_choices, _key

    choices = list(_fuzzy_choices())
    queries = [" ".join(sorted(_key(q))) for q in
               ["Gaza Helth Ministry", "ministry of health gaza", "Palestinian Red Cresent", "Israeli Defence Forces",
                "UN Relief and Works Agency", "Hamas-run health ministry", "Islamic Jihad", "White House"]]
    assert choices and all(" ".join(sorted(c.split())) == c for c in choices)
    for q in queries:
        for c in choices:
            assert fuzz.ratio(q, c) == fuzz.token_sort_ratio(q, c)


def _abp_sentences(n: int) -> list[str]:
    """The first ``n`` sentence-like lines of ABP articles (punctuation, curly quotes, accents)."""
    import gzip
    import json
    import re

    from tests.conftest import shared_path

    out: list[str] = []
    with gzip.open(shared_path("abp", "abp_articles.jsonl.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            text = json.loads(line).get("content_original") or ""
            out += [s for s in re.split(r"(?<=[.!?”\"])\s+", text) if 20 < len(s) < 400]
            if len(out) >= n:
                break
    return out[:n]


def test_text_pairs_decide_as_compare_text_claims() -> None:
    """TextPairs (speaker codes, token-sorted texts prepared once, the rules' lowest cutoff)
    decides every pair as compare_text_claims does; linked pairs carry the same scores."""
    from provenance.match.cluster import TextSettings, compare_text_claims
    from provenance.match.comparisons import WeightedOverlap
    from provenance.match.text_pairs import TextPairs

    rng = random.Random(4)
    texts = _abp_sentences(1500)
    # Near copies too, so that every rule links some pairs.
    texts += [t.replace(",", "").upper() if k % 2 else " ".join(reversed(t.split())) for k, t in enumerate(texts[:500])]
    n = len(texts)
    speakers = [rng.choice([None, "Trump", "trump", "The White House", "", "Pelosi"]) for _ in range(n)]
    quotes = [t if rng.random() < 0.4 else None for t in texts]
    settings = TextSettings()
    pairs = TextPairs(speakers, quotes, np.array([q is not None for q in quotes]), texts, settings, 40.0)
    rows = [{"speaker": s, "quote": q, "text": t} for s, q, t in zip(speakers, quotes, texts)]
    rules = set()
    for k in range(6000):
        a = rng.randrange(n)
        b = (a + 1500) % n if k % 3 == 0 else rng.randrange(n)
        ov = rng.choice([0.0, 0.29, 0.3, 0.6, 1.0])
        if k % 500 == 0:
            pairs.new_chunk()
        want = compare_text_claims(rows[a], rows[b], (), (), settings, WeightedOverlap({}), 40.0, ov)
        got = pairs.decide(a, b, ov)
        assert (got.linked, got.rule, got.overlap) == (want.linked, want.rule, want.overlap)
        if want.linked:
            assert got.text_score == want.text_score
        rules.add(want.rule)
    assert rules == {"", "quote_same_speaker", "text_strong", "paraphrase"}


def test_outlet_suffix_prefilter_changes_no_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """The separator test before ``_SUFFIX`` only skips texts the pattern cannot match."""
    import provenance.match.comparisons as cmp

    rng = random.Random(8)
    outlets = ["Al Jazeera English", "The Associated Press", "Anadolu Agency | English", "CNN", "x", "BBC News - Home"]
    texts = _abp_sentences(3000)
    texts += [t + rng.choice([" - ", " \u2013 ", " \u2014 ", " | ", "\u00a0-\u00a0", " -", "- ", " -\t"]) + rng.choice(outlets)
              for t in texts[:1500]]
    texts += ["", " ", "-", "a - b", " - ab", "ab - ", "x \u2014 " + "y" * 80, "x \u2014 " + "y" * 81]
    fast = [cmp.strip_outlet_suffix(t) for t in texts]
    monkeypatch.setattr(cmp, "_may_end_with_suffix", lambda t: True)
    assert fast == [cmp.strip_outlet_suffix(t) for t in texts]
    assert sum(f != t.strip() for f, t in zip(fast, texts)) > 700  # suffixes were stripped


def test_similarity_scores_of_many_pairs_equal_the_scores() -> None:
    sim = TextSimilarity("ratio", "default_process", 80.0)
    texts = [sim.prepare(t) for t in _abp_sentences(600)]
    a, b = texts[:400], texts[200:600]
    b = [x if k % 3 else a[k][:-3] for k, x in enumerate(b)]  # near copies: scores above the cutoff
    got = sim.scores(a, b)
    want = [sim.score(x, y) for x, y in zip(a, b)]
    assert got.dtype == np.float64 and got.tolist() == want and sum(w > 0 for w in want) > 50


def test_next_apart_passes_over_pairs_joined_or_not_ok() -> None:
    from provenance.match.tokens import next_apart

    parent = np.array([0, 0, 2, 3, 3, 5], dtype=np.int64)  # sets {0, 1}, {2}, {3, 4}, {5}
    ci = np.array([0, 0, 3, 2, 1], dtype=np.int64)
    cj = np.array([1, 2, 4, 5, 5], dtype=np.int64)
    ok = np.array([True, False, True, True, True])
    state = np.zeros(3, dtype=np.int64)
    found = []
    while next_apart(parent, ci, cj, ok, state):
        found.append(state.tolist())
        state[0] += 1
    assert found == [[3, 2, 5], [4, 0, 5]]


def test_collections_paused_while_claims_are_clustered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cyclic collector is off inside cluster_claims and back on after it, also when the
    stage fails; a collector already off stays off."""
    import gc

    import provenance.match as pm

    seen = []

    def stage(*args: object, **kwargs: object) -> None:
        seen.append(gc.isenabled())
        raise RuntimeError("stage failed")

    monkeypatch.setattr(pm, "_cluster_claims", stage)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        pm.cluster_claims({}, {})
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        with pm.collections_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
