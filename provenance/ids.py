"""Stable content ids: reruns give the same ids, so incremental runs can skip work."""

from __future__ import annotations

import hashlib


def content_hash(*parts: object, length: int = 16) -> str:
    """Hex digest of the parts (``None`` and strings kept distinct), truncated to ``length``."""
    h = hashlib.sha1()
    for p in parts:
        h.update(b"\x00" if p is None else b"\x01" + str(p).encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()[:length]


def article_id(outlet: str | None, text: str) -> str:
    """Id of an article: its outlet and text (the same wire copy in two outlets stays two articles)."""
    return content_hash("article", outlet, text)
