"""Date mentions resolved against the publication date (issue 4: not yet implemented)."""

from __future__ import annotations

from collections.abc import Sequence

from provenance.models import DateMention, Sentence

VERSION = "0"


def extract_dates(
    text: str,
    published: str | None,
    precision: str = "day",
    sentences: Sequence[Sentence] | None = None,
) -> list[DateMention]:
    """Find date mentions in ``text`` and resolve them against ``published``.

    Args:
        text: Article text.
        published: ISO publication date (or datetime), or None when unknown.
        precision: Precision of ``published``: time, day, month, year or unknown.
        sentences: Sentence spans of ``text`` when already computed.

    Returns:
        Date mentions ordered by offset.
    """
    return []
