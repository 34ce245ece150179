"""The literal prefilter of the scope patterns never skips a pattern that would match."""

from __future__ import annotations

import random
import re

import numpy as np
import pandas as pd
import pytest

import provenance.match.claims as claims_mod
from provenance.match.claims import figure_scope, scopes
from provenance.match.prefilter import ascii_lower, may_match, required_literals

TEXTS = [
    "Israeli strikes killed 1,300 people in Gaza, the Hamas-run health ministry said.",
    "Gaza's death toll from the Israeli assault soars to 9,061",
    "Palestinian  gunmen  from  the  Gaza  Strip killed 260 people at a festival near kibbutz Be'eri.",
    "Hezbollah said 12 of its fighters were killed in southern Lebanon.",
    "The group, which controls the Gaza Strip, says 8,300 Palestinians have been killed.",
    "Israel’s military said 1,400 people were killed; the attack was blamed on Hamas.",
    "ISRAEL HAS KILLED MORE THAN 8,300 PALESTINIANS IN THE WEST BANK AND GAZA",
    "In Jenin, Nablus and Tulkarem, 200 people were killed, including 50 children and 12 medics.",
    "The storm killed 14 people and injured 1,045 in the province, officials said.",
    "Flooding displaced 3,000 families across the region.",
    # Characters IGNORECASE matches to ASCII letters: the text must go to the pattern.
    "The \u212aibbutz attack killed 1,200 people in \u0130srael.",
    "Ga\u017fa: 40 killed in Rafah, says the mini\u017ftry",
    "40 k\u0131lled \u0131n Israel",
    "Caf\u00e9 strike in Gaza kills 12 – officials",
]


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    sc = scopes()
    return ([(f"group {n}", p) for n, p in sc.groups] + [(f"side {n}", p) for n, p in sc.sides]
            + [(f"place {n}", p) for n, p in sc.places] + [("attackers", sc.attackers)])


@pytest.mark.parametrize("text", TEXTS)
def test_a_pattern_that_matches_is_never_skipped(text: str) -> None:
    low = ascii_lower(text)
    for name, pat in _patterns():
        if pat.search(text):
            assert may_match(pat, low), (name, text)


def test_a_text_naming_nothing_skips_the_side_and_place_patterns() -> None:
    text = "The storm killed 14 people and injured 1,045 in the province, officials said."
    low = ascii_lower(text)
    sc = scopes()
    assert not any(may_match(p, low) for _, p in sc.sides + sc.places)
    assert not may_match(sc.attackers, low)


def test_folding_characters_always_go_to_the_pattern() -> None:
    pat = re.compile(r"\bkibbutz\w*", re.IGNORECASE)
    text = "the \u212aibbutz"  # Kelvin sign: IGNORECASE matches it to "k"
    assert pat.search(text) and ascii_lower(text) is None and may_match(pat, ascii_lower(text))


def test_an_alternation_needs_a_literal_of_every_branch() -> None:
    assert required_literals(re.compile(r"\b(gaza|\w+stan)\b", re.IGNORECASE)) == ("gaza", "stan")
    assert required_literals(re.compile(r"\b(gaza|\w+)\b", re.IGNORECASE)) is None
    assert required_literals(re.compile(r"(?:the\s+)?strip", re.IGNORECASE)) == ("strip",)


@pytest.mark.parametrize("text", TEXTS)
def test_figure_scope_is_the_same_without_the_prefilter(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    m = re.search(r"\d[\d,]*", text)
    span = (m.start(), m.end()) if m else None
    cases = [(c, p, span) for c in (None, "people", "Palestinians", "children", "hostages")
             for p in (None, "Gaza", "Israel")] + [(None, None, None)]
    claims_mod._blanked_sides.cache_clear()
    claims_mod._place_in.cache_clear()
    with_filter = [figure_scope(c, p, text, s) for c, p, s in cases]
    monkeypatch.setattr(claims_mod, "may_match", lambda pat, low: True)
    claims_mod._blanked_sides.cache_clear()
    claims_mod._place_in.cache_clear()
    without = [figure_scope(c, p, text, s) for c, p, s in cases]
    claims_mod._blanked_sides.cache_clear()
    claims_mod._place_in.cache_clear()
    assert with_filter == without


@pytest.mark.parametrize("value", ["x", "", 0, 3, True, False, 1.5, float("nan"), None, pd.NA, pd.NaT,
                                   np.float64("nan"), np.float64(2.0), np.int64(4), [1, 2], ("a",)])
def test_missing_value_shortcut_agrees_with_pd_isna(value) -> None:
    def reference(v):
        if v is None:
            return None
        try:
            if pd.isna(v):
                return None
        except (TypeError, ValueError):
            pass
        return v

    got, want = claims_mod.present(value), reference(value)
    assert (got is None) == (want is None)
    if want is not None:
        assert got is value


def test_pattern_set_finds_what_the_patterns_find() -> None:
    """PatternSet.first / matching give the first / every pattern that matches, as running
    every pattern of the set would (set-level and per-pattern literal tests included)."""
    from provenance.match.prefilter import PatternSet

    sc = scopes()
    words = ["Gaza", "gazans", "West  Bank", "Israeli", "Lebanon", "Hezbollah", "children", "women", "medics",
             "journalists", "hostages", "soldiers", "the storm", "aid workers", "\u0130srael", "Ga\u017fa"]
    rng = random.Random(2)
    texts = TEXTS + [" ".join(rng.sample(words, rng.randint(0, 4))) + " killed 12" for _ in range(400)]
    for patterns in (sc.groups, sc.sides, sc.places):
        ps = PatternSet(patterns)
        for t in texts:
            want_first = next((n for n, p in patterns if p.search(t)), None)
            assert ps.first(t, ascii_lower(t)) == want_first, t
            assert ps.matching(t, ascii_lower(t)) == frozenset(n for n, p in patterns if p.search(t)), t


def test_required_literals_drop_a_literal_holding_another() -> None:
    # "gaza strip" holds "gaza": a text with the first has the second, one test is enough.
    assert required_literals(re.compile(r"\b(gaza strip|gaza|jabalia)\b", re.IGNORECASE)) == ("gaza", "jabalia")
