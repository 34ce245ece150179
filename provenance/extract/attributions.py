"""Attributions: source, cue and content spans (issue 5: not yet implemented)."""

from __future__ import annotations

from collections.abc import Sequence

from provenance.models import Actor, Attribution, Sentence

VERSION = "0"


def extract_attributions(
    text: str, sentences: Sequence[Sentence], actors: Sequence[Actor]
) -> list[Attribution]:
    """Find attributed statements in ``text``.

    Args:
        text: Article text.
        sentences: Sentence spans of ``text``.
        actors: Actor mentions, used to resolve pronoun and nominal sources.

    Returns:
        Attributions ordered by cue offset.
    """
    return []
