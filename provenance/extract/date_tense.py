"""Tense cues around a date mention, and where its sentence ends without a sentence splitter.

A weekday or a yearless date points back from publication unless the verb that governs it is
in the future tense. The cue words are data (``lexicon/dates.toml`` ``[tense]``); the nearest
cue before the mention in its sentence wins, else the nearest after it.
"""

from __future__ import annotations

import re

from provenance.extract.date_scan import Lexicon, lexicon
from provenance.extract.sentences import abbreviations


def abbreviation_at(text: str, dot: int) -> bool:
    """True when the period at ``dot`` closes an initial ("P."), "U.S." or a known abbreviation."""
    before = text[max(0, dot - 12):dot].rsplit(None, 1)
    if not before:
        return False
    w = before[-1].lstrip("\"'“‘(")
    if len(w) == 1:
        return w.isupper()
    if "." in w:
        return all(len(part) <= 2 for part in w.split("."))
    return w.lower() in abbreviations()


_WORD = re.compile(r"[a-z][a-z'’]*")


def _word_cue(w: str, lx: Lexicon) -> int:
    """+1 / -1 when the single word ``w`` is a future / past cue, else 0."""
    if w in lx.tense_future:
        return 1
    if w in lx.tense_past:
        return -1
    if w.endswith(lx.tense_suffixes):
        return 1
    if len(w) >= lx.past_ed_min and w.endswith("ed") and w not in lx.not_past_ed:
        return -1
    return 0


# Single-word cues, memoised: news vocabulary is small, and a dict lookup is a fifth of the
# cost of the set and suffix tests (bounded so that a pathological input cannot grow it).
_CUE_MEMO: dict[str, int] = {}
_CUE_MEMO_MAX = 200_000


def _cue_at(words: list[str], i: int, lx: Lexicon) -> int:
    """+1 / -1 when a future / past cue starts at ``words[i]``, else 0."""
    w = words[i]
    if w in lx.tense_heads:  # a multi-word cue may start here: "expected to", "is to"
        for n in (3, 2):
            if " ".join(words[i:i + n]) in lx.tense_future:
                return 1
        if " ".join(words[i:i + 2]) in lx.tense_not_future:
            return 0  # "next to the embassy"
    c = _CUE_MEMO.get(w)
    if c is None:
        c = _word_cue(w, lx)
        if len(_CUE_MEMO) < _CUE_MEMO_MAX:
            _CUE_MEMO[w] = c
    return c


def tense_around(text: str, start: int, end: int, lo: int, hi: int) -> int:
    """Tense around a mention: +1 future, -1 past, 0 no cue in the sentence.

    A cue before the mention (in the same sentence) wins over one after it: in "talks will
    resume Friday, he said" the verb governing the date comes first; in "Bush on Tuesday
    said" nothing comes before, so "said" decides. The words are split with one small
    regular expression and looked up in sets: four times cheaper than one pattern of all cues.
    """
    lx = lexicon()
    memo, heads = _CUE_MEMO, lx.tense_heads
    words = _WORD.findall(text[lo:start].lower())
    for i in range(len(words) - 1, -1, -1):
        c = memo.get(words[i])
        if c is None or words[i] in heads:
            c = _cue_at(words, i, lx)
        if c:
            return c
    words = _WORD.findall(text[end:hi].lower())
    for i in range(len(words)):
        c = memo.get(words[i])
        if c is None or words[i] in heads:
            c = _cue_at(words, i, lx)
        if c:
            return c
    return 0


__all__ = ["abbreviation_at", "tense_around"]
