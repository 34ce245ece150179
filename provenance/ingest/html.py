"""Saved web pages (``.html``, ``.htm``): main text and metadata via trafilatura and htmldate."""

from __future__ import annotations

import logging

from provenance.errors import RejectedInput
from provenance.ingest.article import Meta

log = logging.getLogger(__name__)


def html_article(html: str, filename: str) -> tuple[str, Meta]:
    """Extract the main text and metadata of a saved page.

    Args:
        html: The page source.
        filename: Its path (for the outlet fallback by file name).

    Returns:
        ``(text, meta)``; the text is trafilatura's plain-text main content.

    Raises:
        RejectedInput: No main text could be found.
    """
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
        )
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken pages
        raise RejectedInput(f"HTML could not be parsed ({type(exc).__name__})") from exc
    if doc is None:
        raise RejectedInput("no main text found in the HTML page")
    get = doc.get if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
    text = (get("text") or "").strip()
    if not text:
        raise RejectedInput("no main text found in the HTML page")
    meta = Meta(
        outlet=get("sitename") or None,
        url=get("url") or None,
        title=get("title") or None,
        author=get("author") or None,
        html_date=get("date") or None,
        filename=filename,
    )
    return text, meta
