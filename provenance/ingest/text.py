"""Plain-text and Markdown articles (``.txt``, ``.md``).

The text is the file content unchanged. Metadata is read from the layout of saved articles
such as ../shared/data/seed: a ``#`` title line, an ``<https://...>`` URL line, a bold or
plain outlet footer as the last line, and a dateline ("Gaza City, October 31 (RHC)--").
"""

from __future__ import annotations

import re

from provenance.ingest.article import Meta

_TITLE = re.compile(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", re.MULTILINE)
_URL_LINE = re.compile(r"^\s*<?(https?://[^\s<>]+)>?\s*$", re.MULTILINE)
_EMPH = re.compile(r"^[*_]+|[*_]+$")
_BOLD = re.compile(r"^(\*\*|__)[^*_].*(\*\*|__)$")


def text_meta(text: str, filename: str) -> Meta:
    """Title, URL and footer found in a text article's layout."""
    title = None
    m = _TITLE.search(text[:2000])
    if m:
        title = _EMPH.sub("", m.group(1)).strip() or None
    url = None
    urls = _URL_LINE.findall(text)
    if urls:
        url = urls[-1]
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    footer = None
    emphasised = False
    if lines:
        last = _EMPH.sub("", lines[-1]).strip()
        # A footer is a short line that is not the body's last sentence.
        if 0 < len(last) <= 60 and not last.endswith((".", "!", "?", '"', "”")) and not _URL_LINE.match(last):
            footer = last
            emphasised = bool(_BOLD.match(lines[-1]))
    return Meta(url=url, title=title, footer=footer, footer_emphasised=emphasised, filename=filename)
