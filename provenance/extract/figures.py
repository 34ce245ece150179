"""Numeric figures as intervals with metric, counted noun and source (issue 3: not yet implemented)."""

from __future__ import annotations

from collections.abc import Sequence

from provenance.models import Attribution, DateMention, Figure, Sentence

VERSION = "0"


def extract_figures(
    text: str,
    sentences: Sequence[Sentence],
    dates: Sequence[DateMention],
    attributions: Sequence[Attribution],
    published: str | None,
) -> list[Figure]:
    """Find and normalise figures in ``text``.

    Args:
        text: Article text.
        sentences: Sentence spans of ``text``.
        dates: Date mentions (their spans are not figures; they give ``as_of``).
        attributions: Attributions, to find the source covering each figure.
        published: ISO publication date, the default ``as_of``.

    Returns:
        Figures ordered by offset.
    """
    return []
