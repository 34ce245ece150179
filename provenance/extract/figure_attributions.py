"""Which attributions can source each figure of an article, found without testing them all.

``figure_sources.from_attributions`` tests every attribution of the article for every figure;
``CoveringAttributions`` gives the same answers for the figures of one article taken in text
order, testing only the attributions near each figure.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from provenance.extract.figure_sources import from_attributions, innermost, usable_attribution
from provenance.extract.numbers import Quantity
from provenance.models import Attribution, Sentence

__all__ = ["CoveringAttributions"]


class CoveringAttributions:
    """``from_attributions`` for the figures of one article, taken in text order.

    ``from_attributions`` tests every attribution of the article for every figure; this
    tests only those that can source it: the ones with a content span around the figure
    (swept along the text, so each span is looked at a few times, not once per figure) and
    the "according to" ones whose cue is in the figure's sentence. The others would be
    skipped by ``from_attributions`` anyway, so the answer is the same.

    Args:
        atts: The article's attributions.
        text: The article text.
    """

    def __init__(self, atts: Sequence[Attribution], text: str) -> None:
        self._atts = atts
        self._text = text
        #: content spans (start, end, attribution number) by start, and the next one to sweep in
        self._spans = sorted((c.start, c.end, k) for k, att in enumerate(atts) for c in att.content)
        self._next = 0
        self._open: list[tuple[int, int]] = []  # (end, attribution number) of swept-in spans
        acc = sorted((att.cue.start, k) for k, att in enumerate(atts) if att.kind == "according_to")
        self._acc_starts = [st for st, _ in acc]
        self._acc = [k for _, k in acc]
        self._pos = -1
        self._ok: dict[int, bool] = {}  # id(attribution) -> _usable, each tested once

    def _usable(self, att: Attribution) -> bool:
        ok = self._ok.get(id(att))
        if ok is None:
            ok = self._ok[id(att)] = usable_attribution(att, self._text)
        return ok

    def find(self, q: Quantity, sent: Sentence) -> Attribution | None:
        """``from_attributions(atts, q, sent, text)``, for figures given by increasing start."""
        if q.start < self._pos:  # out of order: no sweep
            return from_attributions(self._atts, q, sent, self._text)
        self._pos = q.start
        spans = self._spans
        k = self._next
        while k < len(spans) and spans[k][0] <= q.start:
            self._open.append((spans[k][1], spans[k][2]))
            k += 1
        self._next = k
        # A span ending before this figure starts ends before every later one too.
        self._open = [o for o in self._open if o[0] >= q.start]
        found = {n for end, n in self._open if q.end <= end}
        lo = bisect.bisect_left(self._acc_starts, sent.start)
        hi = bisect.bisect_left(self._acc_starts, sent.end)
        found.update(self._acc[lo:hi])
        if not found:
            return None
        return innermost([self._atts[n] for n in sorted(found)], q, sent, self._usable)
