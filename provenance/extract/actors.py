"""Actors mentioned as sources or subjects, canonicalised (issue 5: not yet implemented)."""

from __future__ import annotations

from collections.abc import Sequence

from provenance.models import Actor, Sentence

VERSION = "0"


def extract_actors(text: str, sentences: Sequence[Sentence]) -> list[Actor]:
    """Find actor mentions in ``text``.

    Args:
        text: Article text.
        sentences: Sentence spans of ``text``.

    Returns:
        Actor mentions ordered by offset.
    """
    return []


def canonicalize(mention: str) -> tuple[str | None, str | None]:
    """Canonical actor name and descriptor for a source mention as written.

    Args:
        mention: A source as written, e.g. "the Hamas-run Health Ministry in Gaza".

    Returns:
        ``(canonical, descriptor)``, e.g. ``("Gaza Health Ministry", "Hamas-run")``; either is
        None when unknown.
    """
    return None, None
