"""Every offset where one of a fixed set of ASCII words occurs, found in one pass.

``str.find`` scans the whole text once per word: with two dozen words (the number words
``numbers`` looks for, the role titles of ``actors``) those scans were the largest single
cost of finding numbers (27 scans of each article). ``LiteralSet.positions`` reads the text
once instead, in a compiled loop (numba, as ``attribution_jit``): at each offset the first two
characters are looked up in a 128 x 128 table, and only the words starting with them are
compared. The offsets are those of the ``str.find`` loop (every occurrence of every word,
overlapping ones included), sorted and without repeats; without numba that loop is used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

__all__ = ["CASE_FOLD_SPECIALS", "LiteralSet", "digit_runs", "lower_keep_offsets"]

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

# "\d\d*" rather than "\d+": a pattern opening with a character class lets the engine skip
# to the next digit in C instead of trying a match at every position (same matches).
_DIGIT_RUN = re.compile(r"\d\d*")
# The lowest code point ``\d`` matches beyond ASCII (ARABIC-INDIC DIGIT ZERO).
_FIRST_NON_ASCII_DIGIT = 0x660


def digit_runs(text: str) -> list[int]:
    """Start offsets of the runs of digits (``\\d+``, Unicode digits included) in ``text``.

    The same offsets as ``[m.start() for m in re.finditer(r"\\d+", text)]``, computed on the
    text's code points (shared with ``LiteralSet.positions`` on the same string) with numpy:
    about a third of the regex's cost, which tests every character in turn. A text holding a
    non-ASCII digit ("٣") takes the regex.

    Examples:
        >>> digit_runs("12 of 345, 6")
        [0, 6, 11]
    """
    from provenance.extract import attribution_jit as jit

    if not jit.AVAILABLE:
        return [m.start() for m in _DIGIT_RUN.finditer(text)]
    codes = jit.code_points(text)
    if codes.size and codes.max() >= _FIRST_NON_ASCII_DIGIT:
        wide = np.unique(codes[codes >= _FIRST_NON_ASCII_DIGIT])
        if any(chr(c).isdecimal() for c in wide.tolist()):
            return [m.start() for m in _DIGIT_RUN.finditer(text)]
    digit = (codes - 48) < 10  # uint32: code points below "0" wrap round to large values
    start = digit.copy()
    start[1:] &= ~digit[:-1]
    out: list[int] = np.flatnonzero(start).tolist()
    return out


class LiteralSet:
    """A fixed set of words, each at least two ASCII characters long (case-sensitive)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = tuple(dict.fromkeys(words))
        if not all(len(w) >= 2 and w.isascii() for w in self.words):
            raise ValueError("LiteralSet words must be ASCII and at least two characters long")
        groups: dict[int, list[str]] = {}
        for w in self.words:
            groups.setdefault(ord(w[0]) * 128 + ord(w[1]), []).append(w)
        #: first two characters (c0 * 128 + c1) -> group number, -1 when no word starts so
        self.head = np.full(128 * 128, -1, dtype=np.int64)
        order: list[str] = []
        gstart: list[int] = []
        for g, (key, ws) in enumerate(groups.items()):
            self.head[key] = g
            gstart.append(len(order))
            order.extend(ws)
        self.gstart = np.array([*gstart, len(order)], dtype=np.int64)  # group g: words gstart[g]:gstart[g+1]
        self._order = [self.words.index(w) for w in order]  # kernel word number -> index in words
        self.wcodes = np.frombuffer("".join(order).encode("ascii"), dtype=np.uint8).astype(np.uint32)
        self.woff = np.concatenate([[0], np.cumsum([len(w) for w in order])]).astype(np.int64)

    def positions(self, text: str) -> list[int]:
        """Sorted offsets in ``text`` where any of the words begins."""
        from provenance.extract import attribution_jit as jit  # numba: imported on first use

        if jit.AVAILABLE:
            codes = jit.code_points(text)
            out: list[int] = jit.literal_positions(codes, self.head, self.gstart, self.wcodes, self.woff)[0].tolist()
            return out
        return [i for i, _ in self._find_all(text)]

    def occurrences(self, text: str) -> list[tuple[int, str]]:
        """``(offset, word)`` at each offset of ``positions``; where several words begin at
        one offset (one is a prefix of another), the first of them in ``words``."""
        from provenance.extract import attribution_jit as jit

        if jit.AVAILABLE:
            codes = jit.code_points(text)
            pos, word = jit.literal_positions(codes, self.head, self.gstart, self.wcodes, self.woff)
            words, order = self.words, self._order
            return [(i, words[order[w]]) for i, w in zip(pos.tolist(), word.tolist())]
        return [(i, self.words[k]) for i, k in self._find_all(text)]

    def _find_all(self, text: str) -> list[tuple[int, int]]:
        """(offset, index of the first word found there) by ``str.find``, sorted by offset."""
        found: dict[int, int] = {}
        for k, w in enumerate(self.words):
            i = text.find(w)
            while i != -1:
                found.setdefault(i, k)
                i = text.find(w, i + 1)
        return sorted(found.items())


def lower_keep_offsets(text: str) -> str:
    """``text`` in lower case, offsets kept: ``str.lower``, or when that turns a character into
    two ("İ"), ASCII letters only."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


# The characters other than ASCII letters that a case-insensitive ASCII letter matches ("ı"
# and "İ" match "i", "ſ" matches "s", the Kelvin sign "k"): in a text without them, an
# ASCII pattern matched case-insensitively finds what its lower-case form finds in
# ``lower_keep_offsets(text)`` (tests/test_extract_fast_paths.py checks the list).
CASE_FOLD_SPECIALS = re.compile("[\u0130\u0131\u017f\u212a]")
