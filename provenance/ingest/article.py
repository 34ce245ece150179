"""Turn raw text plus whatever metadata an input gives into an Article, recording provenance.

Precedence (issue 2): outlet = metadata, else URL domain, else footer or agency code, else a
registry alias in the file name; publication date = metadata, else URL path, else HTML
metadata, else dateline. Each Article records where its outlet and date came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from provenance.ids import article_id
from provenance.ingest.outlets import OutletRegistry
from provenance.ingest.published import date_from_url, dateline_date, find_dateline, parse_date_value
from provenance.models import Article


@dataclass(frozen=True)
class Meta:
    """Metadata an input kind found alongside the text (all optional)."""

    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    title: str | None = None
    author: str | None = None
    footer: str | None = None
    footer_emphasised: bool = False
    html_date: str | None = None
    filename: str | None = None


def build_article(
    text: str, source: str, meta: Meta, registry: OutletRegistry, year: int | None, input_kind: str
) -> Article:
    """Build an Article, resolving outlet and publication date by the documented precedence."""
    outlet, outlet_from = _outlet(text, meta, registry)
    published, precision, published_from, inferred = _published(text, meta, year)
    return Article(
        article_id=article_id(outlet, text),
        text=text,
        source=source,
        outlet=outlet,
        outlet_from=outlet_from,
        published=published,
        published_precision=precision,
        published_from=published_from,
        published_inferred=inferred,
        url=(meta.url or None),
        title=(meta.title or None),
        author=(meta.author or None),
        input_kind=input_kind,
    )


def _outlet(text: str, meta: Meta, registry: OutletRegistry) -> tuple[str | None, str]:
    if meta.outlet and meta.outlet.strip():
        name = meta.outlet.strip()
        return registry.by_name(name) or name, "metadata"
    if meta.url:
        hit = registry.by_url(meta.url)
        if hit:
            return hit, "url"
    if meta.footer:
        hit = registry.by_name(meta.footer)
        if hit:
            return hit, "footer"
        if meta.footer_emphasised:
            # A bold sign-off line ("**Radio Habana Cuba**") names the outlet even when the
            # registry does not know it; outlet_from says where it was read.
            return meta.footer, "footer"
    m = find_dateline(text)
    if m and m.group("code"):
        hit = registry.by_code(m.group("code"))
        if hit:
            return hit, "agency_code"
    if meta.filename:
        hit = registry.by_filename(meta.filename)
        if hit:
            return hit, "filename"
    return None, "none"


def _published(text: str, meta: Meta, year: int | None) -> tuple[str | None, str, str, bool]:
    if meta.published:
        parsed = parse_date_value(meta.published)
        if parsed:
            return parsed[0], parsed[1], "metadata", False
    url_day = date_from_url(meta.url)
    if url_day:
        return url_day, "day", "url", False
    if meta.html_date:
        parsed = parse_date_value(meta.html_date)
        if parsed:
            return parsed[0], parsed[1], "html", False
    m = find_dateline(text)
    if m:
        got = dateline_date(m, year)
        if got:
            return got[0], got[1], "dateline", got[2]
    return None, "unknown", "none", False
