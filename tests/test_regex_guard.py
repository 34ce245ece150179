"""regex_guard: the first-character lookahead finds exactly the matches of the plain pattern."""

from __future__ import annotations

import gzip
import json
import re
from itertools import islice

import pytest
from conftest import shared_path

from provenance.extract.attribution_rules import (
    _matches_at,
    fallback_cue_literals,
    fallback_cue_regex,
    rule_attributions,
)
from provenance.extract.regex_guard import guarded
from provenance.extract.sentences import split_sentences


@pytest.fixture(scope="module")
def abp_texts() -> list[str]:
    """The text of the first 150 ABP articles (real news prose)."""
    path = shared_path("abp", "abp_articles.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line)["content_original"] for line in islice(f, 150)]


def _plain(p: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern without its guard."""
    m = re.fullmatch(r"\(\?=\[[^\]]*\]\)\(\?:(.*)\n?\)", p.pattern, re.DOTALL)
    return re.compile(m.group(1) if m else p.pattern, p.flags)


def _spans(p: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple[str | None, ...], str | None]]:
    return [(m.span(), m.groups(), m.lastgroup) for m in p.finditer(text)]


def _guarded_rules() -> list[tuple[str, re.Pattern[str]]]:
    out = [("fallback_cue", fallback_cue_regex()), ("fallback_cue_lower", fallback_cue_regex(fold=False))]
    return [(n, p) for n, p in out if p.pattern.startswith("(?=[")]


def test_the_shipped_rules_are_guarded() -> None:
    names = {n for n, _ in _guarded_rules()}
    assert {"fallback_cue", "fallback_cue_lower"} <= names


@pytest.mark.parametrize("name", [n for n, _ in _guarded_rules()])
def test_same_matches_on_real_articles(name: str, abp_texts: list[str]) -> None:
    pat = dict(_guarded_rules())[name]
    plain = _plain(pat)
    assert plain.pattern != pat.pattern
    for text in abp_texts:
        assert _spans(pat, text) == _spans(plain, text)
        low = text.lower()
        assert _spans(pat, low) == _spans(plain, low)


@pytest.mark.parametrize(
    "pattern, flags, text",
    [
        # Case folding: the lookahead is compiled with the pattern's flags.
        (r"\b(?:killed|dead)\b", re.IGNORECASE, "Three were KILLED and two found Dead."),
        # Windows (pos/endpos) behave as before: the guard looks at the same character.
        (r"\b(?:said|told)\b", 0, "He said so; she told them."),
        # Optional first pieces: the guard covers every way a match can start.
        (r"(?:the\s+)?(?:ministry|army)\b", 0, "the army and the ministry; army"),
    ],
)
def test_guard_keeps_matches(pattern: str, flags: int, text: str) -> None:
    g, p = guarded(pattern, flags), re.compile(pattern, flags)
    assert g.pattern != p.pattern
    assert _spans(g, text) == _spans(p, text)
    for i in range(len(text)):
        for j in range(i, len(text) + 1):
            a, b = g.search(text, i, j), p.search(text, i, j)
            assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups()))


@pytest.mark.parametrize(
    "pattern, flags",
    [
        (r"\w+said", 0),  # a category first: no guard
        (r"(?:said)?", 0),  # can match the empty string
        (r"^said", 0),  # anchored: already tried at one place
        (r"(?i:said)|TOLD", 0),  # a case-insensitive group inside a case-sensitive pattern
        (r"[^a]bc", 0),  # a negated set
    ],
)
def test_no_guard_when_the_first_characters_are_unknown(pattern: str, flags: int) -> None:
    assert guarded(pattern, flags).pattern == pattern


def test_cue_pattern_tried_at_cue_words_finds_its_matches(abp_texts: list[str]) -> None:
    # rule_attributions with cue_starts tries the cue pattern only where a cue word begins:
    # the same matches as scanning each sentence, and the same attributions.
    rx, lits = fallback_cue_regex(fold=False), fallback_cue_literals()
    assert lits is not None
    for text in abp_texts:
        low = text.lower()
        starts = lits.positions(low)
        for sent in split_sentences(text):
            got = [(m.span(), m.groups()) for m in _matches_at(rx, low, starts, sent.start, sent.end)]
            assert got == [(m.span(), m.groups()) for m in rx.finditer(low, sent.start, sent.end)]
            assert rule_attributions(text, sent, lowered=low, cue_starts=starts) == rule_attributions(text, sent, lowered=low)
