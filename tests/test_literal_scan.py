"""literal_scan: one pass finds every offset the str.find loop over the words finds."""

from __future__ import annotations

import gzip
import json
from itertools import islice

import pytest
from conftest import shared_path

from provenance.extract import attribution_jit as jit
from provenance.extract import literal_scan
from provenance.extract.actors import _ROLE_LITERALS
from provenance.extract.attribution_rules import fallback_cue_literals
from provenance.extract.literal_scan import LiteralSet
from provenance.extract.numbers import _start_words


def _finds(text: str, words: tuple[str, ...]) -> list[int]:
    """The reference: every occurrence of every word by str.find, sorted, once each."""
    out: set[int] = set()
    for w in words:
        i = text.find(w)
        while i != -1:
            out.add(i)
            i = text.find(w, i + 1)
    return sorted(out)


@pytest.fixture(scope="module")
def abp_texts() -> list[str]:
    """The text of the first 150 ABP articles (real news prose)."""
    path = shared_path("abp", "abp_articles.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line)["content_original"] for line in islice(f, 150)]


def _shipped_sets() -> list[tuple[str, LiteralSet, bool]]:
    cues = fallback_cue_literals()
    assert cues is not None  # every fallback cue word is plain ASCII today
    return [("number words", LiteralSet(_start_words()), True), ("role titles", LiteralSet(_ROLE_LITERALS), False),
            ("fallback cues", cues, True)]


@pytest.mark.parametrize("use_jit", [True, False])
def test_same_offsets_as_find_on_real_articles(abp_texts: list[str], use_jit: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if use_jit and not jit.AVAILABLE:
        pytest.skip("numba is not installed")
    monkeypatch.setattr(jit, "AVAILABLE", use_jit)
    for _name, ls, lowered in _shipped_sets():
        for text in abp_texts:
            t = text.lower() if lowered else text
            assert ls.positions(t) == _finds(t, ls.words)


@pytest.mark.parametrize(
    "words, text",
    [
        # Overlapping and nested occurrences, a word that is a prefix of another, the text's ends.
        (("ab", "abc", "bcd", "cab"), "abcabcd cab ab"),
        # Non-ASCII text around and inside the words (code points, not bytes or UTF-16 units).
        (("one", "ten"), "“one” – often ‘ten’ 😀one, İten,\udcffone"),
        # Nothing to find; a text shorter than every word.
        (("seven",), "six"),
        (("seven",), ""),
    ],
)
def test_same_offsets_as_find(words: tuple[str, ...], text: str) -> None:
    assert LiteralSet(words).positions(text) == _finds(text, words)


@pytest.mark.parametrize("use_jit", [True, False])
def test_occurrences_name_the_first_word_found(use_jit: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if use_jit and not jit.AVAILABLE:
        pytest.skip("numba is not installed")
    monkeypatch.setattr(jit, "AVAILABLE", use_jit)
    words = ("abc", "ab", "bcd", "20", "day")
    text = "abcd ab 2020 today abc"
    ls = LiteralSet(words)
    got = ls.occurrences(text)
    assert [i for i, _ in got] == ls.positions(text) == _finds(text, words)
    # Where "ab" and "abc" both begin, the one listed first ("abc").
    assert got == [(0, "abc"), (1, "bcd"), (5, "ab"), (8, "20"), (10, "20"), (15, "day"), (19, "abc")]


def test_date_trigger_words_form_one_set() -> None:
    # _trigger_positions finds its literal triggers together: one word per offset.
    from provenance.extract import date_scan

    ls = date_scan._trigger_words(date_scan.lexicon().word_triggers)
    assert {"20", "day", "quarter", "this "} <= set(ls.words)
    with pytest.raises(ValueError):
        date_scan._trigger_words(("days",))  # "day" begins it


@pytest.mark.parametrize("words", [("a",), ("é",), ("ok", "")])
def test_words_must_be_ascii_and_two_characters(words: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        LiteralSet(words)


def test_module_has_no_import_time_numba() -> None:
    # numba is imported on first use only: ``import provenance`` stays light.
    assert "attribution_jit" not in literal_scan.__dict__
