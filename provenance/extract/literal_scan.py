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

from collections.abc import Iterable

import numpy as np

__all__ = ["LiteralSet"]


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
