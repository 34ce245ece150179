"""The shortcuts of actor_registry (issue 9) change no result: each is checked against the
same function with the shortcut turned off, or against a plain restatement of the rule."""

from __future__ import annotations

import random
import re
from collections import Counter
from functools import lru_cache

import pytest
from rapidfuzz import fuzz, process, utils

import provenance.extract.actor_registry as ar


def _registry_variants(n: int, seed: int) -> list[str]:
    """Spelling variants of the registry's own aliases (a letter dropped, doubled or changed,
    a word dropped, a descriptor or title added), so many of them reach the fuzzy fallback
    and score close to its cutoff."""
    rng = random.Random(seed)
    aliases = sorted({a for e in ar.registry().entries.values() for a in e.aliases})
    out = []
    for _ in range(n):
        a = rng.choice(aliases)
        i = rng.randrange(len(a))
        edit = rng.randrange(6)
        if edit == 0:
            a = a[:i] + a[i + 1:]
        elif edit == 1:
            a = a[:i] + a[i] + a[i:]
        elif edit == 2:
            a = a[:i] + rng.choice("aeiouhsnt") + a[i + 1:]
        elif edit == 3 and " " in a:
            words = a.split()
            del words[rng.randrange(len(words))]
            a = " ".join(words)
        elif edit == 4:
            a = rng.choice(["the Hamas-run ", "Israeli-backed ", "the militant group ", "so-called ", "Dr. "]) + a
        out.append(a)
    return out


def test_fuzzy_fallback_scores_only_choices_that_can_reach_the_cutoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """``_fuzzy_choices_near`` leaves out only choices whose length keeps them under the
    cutoff: every name canonicalizes as when all the registry's choices are scored."""
    names = _registry_variants(3000, seed=3)
    fast = [ar._canonical_parts(n) for n in names]
    # (cached like the original: the registry fixture clears it)
    monkeypatch.setattr(ar, "_fuzzy_choices_near", lru_cache(maxsize=None)(lambda n: ar._fuzzy_choices()))
    slow = [ar._canonical_parts(n) for n in names]
    assert fast == slow
    # The fuzzy fallback was reached and matched: names the exact lookup does not know.
    fuzzy_hits = [n for n, (c, _, name) in zip(names, fast)
                  if c in ar.registry().entries and ar.registry().lookup(name) is None]
    assert len(fuzzy_hits) > 50


def test_canonical_parts_is_canonicalize_and_the_cleaned_name() -> None:
    for n in _registry_variants(500, seed=5) + ["", "  ", "the militants", "He"]:
        canon, desc, name = ar._canonical_parts(n)
        assert (canon, desc) == ar.canonicalize(n)
        assert name == (ar._clean(ar.split_descriptor(n)[0]) if n.strip() else "")


def test_descriptor_prefilters_change_no_split(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dash and descriptor-word tests before the two patterns only skip mentions the
    patterns cannot match."""
    words = [r[1] for r in ar._lexicon_rows("descriptors.tsv") if r[0] == "word"]
    suffixes = [r[1] for r in ar._lexicon_rows("descriptors.tsv") if r[0] == "suffix"]
    rng = random.Random(11)
    names = _registry_variants(1500, seed=7)
    mentions = []
    for n in names:
        w = rng.choice(words)
        mentions += [n, f"the {w} {n}", f"{n}, a {w.upper()}", f"{w.title()}s of {n}", f"{n.split()[0]}-{rng.choice(suffixes)} {n}",
                     f"{n.split()[0]}‑{rng.choice(suffixes)} {n}", f"İ{w} {n}", f"{n} {w}ic"]
    split = ar.split_descriptor.__wrapped__  # type: ignore[attr-defined]
    fast = [split(m) for m in mentions]
    monkeypatch.setattr(ar, "_may_have_suffix_descriptor", lambda m: True)
    monkeypatch.setattr(ar, "_may_have_descriptor_word", lambda m: True)
    slow = [split(m) for m in mentions]
    assert fast == slow
    assert sum(d is not None for _, d in fast) > len(mentions) // 3


def _reference_groups(mentions: list[str], scorer, cutoff: float) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """group_aliases without registry or surnames, as the docstring states it: leaders most
    frequent first; a name scored (``process.extract``, 5 best) against every earlier leader
    sharing one of its two rarest token prefixes, in leader order; the first of those whose
    digits agree is its leader."""
    counts = Counter(m for m in mentions if m.strip())
    by_name: Counter[str] = Counter()
    for m, c in counts.items():
        by_name[ar._clean(ar.split_descriptor(m)[0])] += c
    ordered = [n for n, _ in sorted(by_name.items(), key=lambda kv: (-kv[1], kv[0]))]
    procs = [utils.default_process(n) for n in ordered]
    keys = [ar._block_keys(p) for p in procs]
    df = Counter(k for ks in keys for k in ks)
    leaders: list[tuple[str, str, frozenset[str]]] = []
    assign = {}
    for name, p, ks in zip(ordered, procs, keys):
        target = None
        rare = set(sorted(ks, key=lambda k: (df[k], k))[:ar.BLOCK_KEYS_PER_NAME])
        cands = [ld for ld in leaders if ld[2] & rare] if p else []
        if cands:
            for _, _, pos in process.extract(p, [c[1] for c in cands], scorer=scorer, processor=None,
                                             score_cutoff=cutoff, limit=5):
                if re.findall(r"\d+", name) == re.findall(r"\d+", cands[pos][0]):
                    target = cands[pos][0]
                    break
        if target is None:
            leaders.append((name, p, ks))
            target = name
        assign[name] = target
    return {m: assign[ar._clean(ar.split_descriptor(m)[0])] for m in counts}


@pytest.mark.parametrize("scorer, cutoff", [(fuzz.token_sort_ratio, 90.0), (fuzz.ratio, 85.0), (fuzz.QRatio, 95.0)])
def test_group_aliases_equals_plain_leader_clustering(scorer, cutoff) -> None:  # type: ignore[no-untyped-def]
    """Candidates joined from the (block key, length) lists, a leader sharing both keys listed
    twice, ties broken by leader order: the groups of the plain rule."""
    rng = random.Random(13)
    stems = ["Salmiya", "Qudra", "Maarouf", "Obeida", "Dahlan", "Hagari", "Kirby", "Deif", "Abu", "Mohammed",
             "Ashraf", "Health Ministry", "Civil Defence", "Red Crescent", "Agency", "Salama"]

    def variant(w: str) -> str:
        i = rng.randrange(len(w))
        return rng.choice([w, w + "h", w[:i] + w[i + 1:], w.lower(), w + " al", w[:i] + "e" + w[i:]])

    names = [" ".join(variant(rng.choice(stems)) for _ in range(rng.randint(1, 4))) for _ in range(2000)]
    names += [f"{n} {rng.randint(1, 3)}" for n in names[:150]]  # digits must agree
    names += names[:300]  # repeats: frequency orders the leaders
    got = ar.group_aliases(names, scorer=scorer, processor=utils.default_process, score_cutoff=cutoff,
                           use_registry=False, surname_match=False)
    want = _reference_groups(names, scorer, cutoff)
    assert got == want
    assert len(set(got)) - len(set(got.values())) > 100, "few names joined a leader"
