"""Sentence segmentation with character offsets.

Rules, not a model: a sentence ends at ``.``, ``!`` or ``?`` (optionally followed by closing
quotes or brackets) when the next non-space character starts a new sentence, and not after a
known abbreviation ("Rear Adm.", "Oct. 7") or an initial ("U.S.", "J. Smith"). Blank lines
always end a sentence (titles, datelines and paragraphs). Offsets index the original text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from provenance.models import Sentence

_CLOSERS = "\"'”’)]»"
_OPENERS = "\"'“‘([«"
# Candidate boundary: terminal punctuation, optional closers, then whitespace.
# "[.!?…][.!?…]*" rather than "[.!?…]+": a pattern opening with a character class (not a
# repeat) lets the regex engine skip to the next candidate in C (same matches, 1.7x faster).
_BOUNDARY = re.compile(r"([.!?…][.!?…]*)([" + re.escape(_CLOSERS) + r"]*)(\s+)")
_PARA = re.compile(r"\n[ \t\r\f\v]*\n")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
# Longest span treated as one sentence. Real news sentences stay far below it; a run-on line
# without punctuation (a table dump, a scraped menu) is cut at whitespace so that every
# extractor's cost per sentence stays bounded (docs/robustness.md: a 200,000-character line).
MAX_SENTENCE_CHARS = 2000


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    """Abbreviations from ``lexicon/abbreviations.txt`` (lower case, no final period)."""
    raw = resources.files("provenance.extract.lexicon").joinpath("abbreviations.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in raw.splitlines() if line.strip() and not line.startswith("#")
    )


_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.")


def _word_before(text: str, dot: int) -> str | None:
    """``_WORD_BEFORE.search(text, dot - 20, dot)``'s word, read backwards from ``dot``: the
    regex tries every start in the window, this walks it once (same word)."""
    lo = max(0, dot - 20)
    if dot > lo and text[dot - 1] == "\n":  # "$" also matches before a final newline
        m = _WORD_BEFORE.search(text, lo, dot)
        return m.group(1) if m else None
    p = dot
    while p > lo and text[p - 1] in _WORD_CHARS:
        p -= 1
    while p < dot and text[p] == ".":  # the word starts with a letter
        p += 1
    return text[p:dot] if p < dot else None


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at ``dot`` closes an abbreviation or initial."""
    word = _word_before(text, dot)
    if not word:
        return False
    if "." in word:  # U.S, e.g, U.N: dotted initials
        parts = [p for p in word.split(".") if p]
        if parts and all(len(p) <= 2 for p in parts):
            return True
    if len(word) == 1 and word.isupper():  # an initial: "J. Smith"
        return True
    return word.lower() in abbreviations()


def _starts_sentence(text: str, pos: int) -> bool:
    """True when the text at ``pos`` looks like the start of a sentence."""
    n = len(text)
    while pos < n and text[pos] in _OPENERS:
        pos += 1
    if pos >= n:
        return True
    ch = text[pos]
    return ch.isupper() or ch.isdigit() or ch in "#*-—–•"


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences, returning character spans without outer whitespace.

    Args:
        text: Any string.

    Returns:
        Non-overlapping, ordered sentence spans; ``text[s.start:s.end]`` has no leading or
        trailing whitespace and is never empty.

    Examples:
        >>> t = "Rear Adm. Daniel Hagari spoke. The U.S. said so."
        >>> [t[s.start:s.end] for s in split_sentences(t)]
        ['Rear Adm. Daniel Hagari spoke.', 'The U.S. said so.']
    """
    cuts: list[int] = []
    for m in _PARA.finditer(text):
        # A blank line inside a sentence (a page-layout break before a lower-case word) is
        # not a boundary: the seed article breaks "against the\n\nbesieged Gaza Strip".
        following = text[m.end():m.end() + 1]
        if following.islower():  # only then is the character before the break needed
            before = text[:m.start()].rstrip()[-1:]
            if before and before not in ".!?:;" + _CLOSERS:
                continue
        cuts.append(m.start())
    for m in _BOUNDARY.finditer(text):
        punct_start = m.start(1)
        end = m.end(2)
        nxt = m.end(3)
        if m.group(1) == "." and _is_abbreviation(text, punct_start):
            # After an abbreviation, only a paragraph break ends the sentence.
            continue
        if not _starts_sentence(text, nxt):
            continue
        cuts.append(end)
    cuts.sort()
    out: list[Sentence] = []
    prev = 0
    for cut in cuts + [len(text)]:
        if cut <= prev:
            continue
        s, e = prev, cut
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.extend(_bounded(text, s, e))
        prev = cut
    return out


def _bounded(text: str, start: int, end: int) -> list[Sentence]:
    """Cut a span longer than MAX_SENTENCE_CHARS at the last whitespace before each limit."""
    out: list[Sentence] = []
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        cut = max(text.rfind(" ", start + 1, limit), text.rfind("\n", start + 1, limit))
        if cut <= start:
            cut = limit  # no whitespace at all: a hard cut still bounds the cost
        e = cut
        while e > start and text[e - 1].isspace():
            e -= 1
        if e > start:
            out.append(Sentence(start, e))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append(Sentence(start, end))
    return out


def sentence_index(sentences: list[Sentence], offset: int) -> int:
    """Index of the sentence containing ``offset`` (or the last one starting before it)."""
    lo, hi = 0, len(sentences) - 1
    ans = 0
    while lo <= hi:
        mid = (lo + hi) // 2
        if sentences[mid].start <= offset:
            ans = mid
            lo = mid + 1
        else:
            hi = mid - 1
    return ans


# A wire dateline opening a text: an upper-case place, optional details, then a dash.
_DATELINE = re.compile(r"^\s*[A-Z][A-Z .'’\-]{2,40}(?:,[^\n]{0,60}?)?\s(?:--|—|–)\s+")


def strip_dateline(text: str) -> str:
    """A lead without its dateline: a republished wire story often drops "CITY, date (AGENCY) --".

    Examples:
        >>> strip_dateline("MARROW BAY, Estrania, March 5, 2024 (MWS) -- The dam gave way.")
        'The dam gave way.'
        >>> strip_dateline("WASHINGTON — Travel restrictions will be lifted.")
        'Travel restrictions will be lifted.'
        >>> strip_dateline("Gaza death toll - 2,750")
        'Gaza death toll - 2,750'
    """
    return _DATELINE.sub("", text or "", count=1)

