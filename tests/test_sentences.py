"""Sentence segmentation: abbreviations, initials, quotes, layout breaks."""

from __future__ import annotations

import pytest
from conftest import shared_path
from hypothesis import given
from hypothesis import strategies as st

from provenance.extract.sentences import MAX_SENTENCE_CHARS, split_sentences


def _split(text: str) -> list[str]:
    return [text[s.start:s.end] for s in split_sentences(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Rear Adm. Daniel Hagari said the strike hit a command post. Nothing more was said.",
         ["Rear Adm. Daniel Hagari said the strike hit a command post.", "Nothing more was said."]),
        ("The U.S. said it had sent a carrier. Iran warned against it.",
         ["The U.S. said it had sent a carrier.", "Iran warned against it."]),
        ("The attack on Oct. 7 killed about 1,200 people. Israel responded.",
         ["The attack on Oct. 7 killed about 1,200 people.", "Israel responded."]),
        ('"We will not leave," he said. "Never."', ['"We will not leave," he said.', '"Never."']),
        ("“It is over.” The spokesman left.", ["“It is over.”", "The spokesman left."]),
        ("Gen. Herzi Halevi and Lt. Col. Richard Hecht spoke. Both declined.",
         ["Gen. Herzi Halevi and Lt. Col. Richard Hecht spoke.", "Both declined."]),
        ("A war against the\n\nbesieged Gaza Strip.", ["A war against the\n\nbesieged Gaza Strip."]),
        ("# Headline\n\nBody text here.", ["# Headline", "Body text here."]),
        ("J. Smith arrived. He spoke.", ["J. Smith arrived.", "He spoke."]),
        ("Prices rose 3.5 percent. Nobody expected it.", ["Prices rose 3.5 percent.", "Nobody expected it."]),
    ],
)
def test_split(text: str, expected: list[str]) -> None:
    assert _split(text) == expected


@given(st.text(max_size=300))
def test_spans_are_ordered_trimmed_and_inside_the_text(text: str) -> None:
    prev = 0
    for s in split_sentences(text):
        assert prev <= s.start < s.end <= len(text)
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()
        prev = s.end


def test_run_on_lines_are_cut_into_bounded_sentences() -> None:
    text = " ".join(["people", "killed", "212", "said", "Ministry", "Monday"][i % 6] for i in range(4000))
    sents = split_sentences(text)
    assert all(s.end - s.start <= MAX_SENTENCE_CHARS for s in sents)
    assert sents[0].start == 0 and sents[-1].end == len(text)
    assert all(text[a.end:b.start].isspace() for a, b in zip(sents, sents[1:]))
    glued = "x" * 5000
    assert [(s.start, s.end) for s in split_sentences(glued)] == [(0, 2000), (2000, 4000), (4000, 5000)]


def test_seed_sentences() -> None:
    p = next(shared_path("seed").iterdir())
    text = p.read_text(encoding="utf-8")
    sents = _split(text)
    assert any(s.startswith("Israel has killed more than 8,300") and s.endswith("since October 7.") for s in sents)
    assert any(s.startswith("Gaza City, October 31 (RHC)") and s.endswith("besieged Gaza Strip.") for s in sents)


def test_word_before_reads_the_same_word_as_the_regex() -> None:
    """``_word_before`` (a backward walk) gives ``_WORD_BEFORE``'s word at every period of
    real articles, and at every offset of edge cases (a newline before the period)."""
    import gzip
    import json
    from itertools import islice

    from provenance.extract import sentences as S

    with gzip.open(shared_path("abp", "abp_articles.jsonl.gz"), "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["content_original"] for line in islice(f, 200)]
    for t in texts + ["U.S\n.", "a\n.", "..x.", "ab..", "\n\n.", "J. Smith", "x" * 30 + ".", "é."]:
        offsets = range(len(t) + 1) if len(t) < 50 else [i for i, c in enumerate(t) if c in ".!?"]
        for dot in offsets:
            m = S._WORD_BEFORE.search(t, max(0, dot - 20), dot)
            assert S._word_before(t, dot) == (m.group(1) if m else None)
