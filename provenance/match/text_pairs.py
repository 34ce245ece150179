"""The rules that link two text claims, and their decision over many pairs of one claims table.

``text_rule`` is the rule set of ``cluster.compare_text_claims`` (quotes of the same speaker,
near-identical text, paraphrase). ``TextPairs`` applies it to pairs of rows of a claims table
held as columns, as ``cluster_text_claims`` compares them (6.5M candidate pairs, 1.4M
decisions on ABP): speakers as integer codes compared without reading a string, and each
claim's text prepared for the scorer once per chunk of pairs, not once per pair.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from rapidfuzz import fuzz

from provenance.match.tokens import StringColumn

if TYPE_CHECKING:
    from provenance.match.cluster import TextSettings


@dataclass(frozen=True)
class PairDecision:
    """Why two text claims were (or were not) linked."""

    linked: bool
    rule: str
    text_score: float
    overlap: float


def text_rule(same_speaker: bool, different_speakers: bool, quotes_agree: Callable[[], bool], ov: float,
              text_score: Callable[[float], float], settings: TextSettings, text_cutoff: float) -> PairDecision:
    """The decision on two text claims, in rule order: the same speaker with a quote of
    near-identical wording (``quote_same_speaker``; ``quotes_agree`` is called only then);
    near-identical text (``text_strong``); rare content tokens shared and the text similar
    (``paraphrase``), never for claims of different speakers.

    ``text_score(cutoff)`` is the text similarity; it may return 0 for a score under
    ``cutoff``, which is the lowest score any rule left could accept (only the scores of
    linked pairs are exact then).
    """
    if same_speaker and quotes_agree():
        return PairDecision(True, "quote_same_speaker", 0.0, ov)
    if ov < settings.overlap_cutoff:
        # Structured before fuzzy: without shared rare words, no string score can link them
        # (and the rapidfuzz call, the costly part, is skipped).
        return PairDecision(False, "", 0.0, ov)
    ts = text_score(settings.strong_cutoff if different_speakers else min(settings.strong_cutoff, text_cutoff))
    if ts >= settings.strong_cutoff:
        return PairDecision(True, "text_strong", ts, ov)
    if not different_speakers and ts >= text_cutoff:
        return PairDecision(True, "paraphrase", ts, ov)
    return PairDecision(False, "", ts, ov)


#: A column of a claims table: a list, or a string column read from its Arrow buffers.
Column = Sequence[Any] | StringColumn


def speaker_codes(speakers: Column) -> np.ndarray:
    """One integer per row: equal for speakers equal after ``casefold``, -1 for no speaker
    (not a string)."""
    codes: dict[str, int] = {}
    out = np.full(len(speakers), -1, dtype=np.int64)
    for i, s in enumerate(speakers):
        if isinstance(s, str):
            out[i] = codes.setdefault(s.casefold(), len(codes))
    return out


class TextPairs:
    """``text_rule`` on pairs of rows of one claims table.

    Args:
        speakers: Speaker of each row (None when unattributed).
        quotes: Quote of each row (read only for two quotes of one speaker).
        quoted: Which rows have a quote.
        texts: Text of each row.
        settings: Thresholds and scorers.
        text_cutoff: Paraphrase text-similarity cutoff.
    """

    def __init__(self, speakers: Column, quotes: Column, quoted: np.ndarray, texts: Column,
                 settings: TextSettings, text_cutoff: float) -> None:
        self.codes = speaker_codes(speakers)
        self._code_list: list[int] = self.codes.tolist()  # a list item is read faster than an array's
        self.quotes, self.quoted, self.texts = quotes, quoted, texts
        self.settings, self.text_cutoff = settings, text_cutoff
        sim = settings.text
        # token_sort_ratio after default_process is ratio of the token-sorted processed texts
        # (default_process leaves only letters, digits and single spaces), so each text is
        # sorted once, not in every comparison (tests/test_match_fastpaths.py).
        self._sorted = sim.scorer == "token_sort_ratio" and sim.processor == "default_process"
        self._prepared: dict[int, str] = {}

    def new_chunk(self) -> None:
        """Forget the texts prepared for the previous chunk of pairs (memory stays bounded;
        a block's pairs come in one chunk, so most repeats are within it)."""
        self._prepared.clear()

    def _text(self, k: int) -> str:
        """Text of row ``k`` prepared for the text scorer."""
        p = self._prepared.get(k)
        if p is None:
            p = self.settings.text.prepare(self.texts[k] or "")
            if self._sorted:
                p = " ".join(sorted(p.split()))
            self._prepared[k] = p
        return p

    def decide(self, a: int, b: int, ov: float) -> PairDecision:
        """``text_rule`` on rows ``a`` and ``b`` whose weighted overlap is ``ov``."""
        ca, cb = self._code_list[a], self._code_list[b]
        same = ca >= 0 and ca == cb
        different = ca >= 0 and cb >= 0 and ca != cb

        def quotes_agree() -> bool:
            if not (self.quoted[a] and self.quoted[b]):
                return False
            qa, qb = self.quotes[a], self.quotes[b]
            return isinstance(qa, str) and isinstance(qb, str) and self.settings.quote(qa, qb) > 0

        def text_score(cutoff: float) -> float:
            ta, tb = self._text(a), self._text(b)
            if self._sorted:
                return float(fuzz.ratio(ta, tb, score_cutoff=max(cutoff, self.settings.text.cutoff)))
            return self.settings.text.score(ta, tb)

        return text_rule(same, different, quotes_agree, ov, text_score, self.settings, self.text_cutoff)


__all__ = ["PairDecision", "TextPairs", "speaker_codes", "text_rule"]
