"""Frozen dataclasses passed between stages.

Every offset (``start``, ``end``) is a Python ``str`` index into ``Article.text``:
``article.text[start:end] == text`` always holds for a span. These classes are the
extract contract documented in ``docs/extract-contract.md``; ``to_dict`` gives the
JSON shape that ``provenance extract`` writes.
"""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, fields
from typing import Any, Literal, TypeVar

_T = TypeVar("_T")

Granularity = Literal["day", "week", "month", "year", "time"]
Qualifier = Literal[
    "exact", "more_than", "at_least", "about", "nearly", "up_to", "less_than", "range", "vague"
]
Metric = Literal[
    "killed", "injured", "hostage", "missing", "displaced", "arrested", "released", "other"
]
AttributionKind = Literal["direct", "indirect", "mixed", "according_to"]
ActorType = Literal[
    "person", "organisation", "government", "armed_group", "ministry", "agency", "media", "other"
]


def _quick_init(cls: type[_T]) -> type[_T]:
    """Give a frozen dataclass an ``__init__`` that fills the instance ``__dict__`` directly.

    The generated frozen ``__init__`` calls ``object.__setattr__`` once per field, which
    doubles the cost of building a span (millions per corpus: about 4 % of extraction).
    Same signature, defaults, fields, equality, hash, repr and pickling; the classes have no
    ``__post_init__``, ``default_factory`` or ``InitVar``, which this does not support.
    """
    fs = fields(cls)  # type: ignore[arg-type]
    if hasattr(cls, "__post_init__") or any(not f.init or f.default_factory is not MISSING for f in fs):
        raise TypeError(f"_quick_init does not support {cls.__name__}'s fields")
    params = ", ".join(f.name if f.default is MISSING else f"{f.name}=_d_{f.name}" for f in fs)
    body = "".join(f"    d[{f.name!r}] = {f.name}\n" for f in fs)
    env = {f"_d_{f.name}": f.default for f in fs if f.default is not MISSING}
    exec(f"def __init__(self, {params}):\n    d = self.__dict__\n{body}", env)  # noqa: S102
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls


@_quick_init
@dataclass(frozen=True)
class Article:
    """One ingested article (a file, or one row of a table).

    Attributes:
        article_id: Stable id, a hash of outlet, published date and text (see ``ids.article_id``).
        text: The article text; every offset in every extraction indexes this string.
            For ``.txt`` input it is the file content unchanged; for table input the cell unchanged.
        source: Where it came from: a path, or ``path#row`` (1-based data row) for tables.
        outlet: Canonical outlet name from the outlet registry, or as given when unknown to it.
        outlet_from: How the outlet was found: ``metadata``, ``url``, ``footer``, ``agency_code``,
            ``filename`` or ``none``.
        published: ISO date (``2023-10-31``) or datetime, or ``None`` when unknown.
        published_precision: ``time``, ``day``, ``month``, ``year`` or ``unknown``.
        published_from: ``metadata``, ``url``, ``html``, ``dateline`` or ``none``.
        published_inferred: True when part of the date (the year of a dateline) was supplied
            by ``--year`` or corpus settings rather than read from the article.
        url: The article URL when known.
        title: The headline when known.
        author: Author names as given, when known.
        input_kind: ``text``, ``html`` or ``table``.
        duplicates: How many exact copies from the same outlet collapsed into this article.
    """

    article_id: str
    text: str
    source: str
    outlet: str | None = None
    outlet_from: str = "none"
    published: str | None = None
    published_precision: str = "unknown"
    published_from: str = "none"
    published_inferred: bool = False
    url: str | None = None
    title: str | None = None
    author: str | None = None
    input_kind: str = "text"
    duplicates: int = 0


@_quick_init
@dataclass(frozen=True)
class Rejection:
    """An input file or row that could not become an article.

    Attributes:
        input: The path (or glob) as given.
        row: 1-based data row for table input, ``None`` for whole files.
        reason: Why it was rejected, in words a user can act on.
        skipped: True for files that are not articles by design (a README or LICENSE found in
            a corpus folder): listed so nothing disappears, but they do not make the exit code 1.
    """

    input: str
    row: int | None
    reason: str
    skipped: bool = False


@_quick_init
@dataclass(frozen=True)
class Sentence:
    """A sentence's character span in the article text."""

    start: int
    end: int


@_quick_init
@dataclass(frozen=True)
class Span:
    """A plain span of text."""

    start: int
    end: int
    text: str


@_quick_init
@dataclass(frozen=True)
class DateMention:
    """A date expression found in the text.

    Attributes:
        start: Offset of the first character.
        end: Offset after the last character.
        text: ``text[start:end]``.
        value: ISO value at its granularity (``2023-10-30``, ``2023-10``, ``2023``,
            ``2023-W44``, ``2023-Q3``, ``2023-10-30T14:00``) or ``None`` when it cannot be resolved
            (a relative date in an article whose publication date is unknown).
        granularity: ``day``, ``week``, ``month``, ``quarter``, ``year`` or ``time``.
        relative: True when the value depends on the publication date ("Monday", "yesterday").
        resolved: False when ``value`` is ``None`` because the anchor date was unknown.
        kind: ``point``; ``since`` for an open interval from ``value`` ("since October 7");
            ``until`` for one ending at ``value``.
        role: ``dateline`` or ``published`` when the mention is the article's own date, else None.
        rule: The rule that produced the mention.
    """

    start: int
    end: int
    text: str
    value: str | None
    granularity: str
    relative: bool = False
    resolved: bool = True
    kind: str = "point"
    role: str | None = None
    rule: str = ""


@_quick_init
@dataclass(frozen=True)
class SourceRef:
    """Who a figure or statement is attributed to.

    Attributes:
        start: Offset of the source mention as written (may be a pronoun).
        end: Offset after it.
        text: The source as written ("he", "the Hamas-run Health Ministry").
        canonical: The canonical actor it resolves to ("Gaza Health Ministry"), or None.
        descriptor: The outlet's characterisation of the source, kept apart from the name
            ("Hamas-run", "Hamas-controlled"), or None.
    """

    start: int
    end: int
    text: str
    canonical: str | None = None
    descriptor: str | None = None


@_quick_init
@dataclass(frozen=True)
class Figure:
    """A number a claim rests on, normalised to an interval.

    Interval conventions: exact N -> value=low=high=N; more_than/at_least N -> value=low=N,
    high None; nearly/up_to/less_than N -> value=high=N, low None; about N -> value N, low and
    high None; range A-B -> value None, low A, high B; vague -> value None, documented bounds.

    Attributes:
        start: Offset of the span (qualifier + number + scale word; not the counted noun).
        end: Offset after it.
        text: ``text[start:end]``.
        value: The point value, or None for ranges and vague quantities.
        low: Lower bound, or None when open.
        high: Upper bound, or None when open.
        qualifier: exact|more_than|at_least|about|nearly|up_to|less_than|range|vague.
        metric: killed|injured|hostage|missing|displaced|arrested|released|other.
        counted: The noun phrase counted ("Palestinians", "children"), or None.
        source: The attribution covering the figure, or None in the outlet's own voice.
        unit: ``count``, ``percent`` or ``money``.
        currency: ISO-ish currency code for money ("USD"), else None.
        place: Place the sentence gives for the figure ("Gaza"), or None.
        cumulative: True for a running total, False for one event, None when unclear.
        hedged: True when the text hedges the figure ("could not be independently verified").
        as_of: ISO date the figure describes (publication date unless the sentence says otherwise).
        part_of: Index (in the article's figure list) of the total this figure breaks down.
        rule: The rule that produced the figure.
        confidence: 0..1.
    """

    start: int
    end: int
    text: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    metric: str = "other"
    counted: str | None = None
    source: SourceRef | None = None
    unit: str = "count"
    currency: str | None = None
    place: str | None = None
    cumulative: bool | None = None
    hedged: bool = False
    as_of: str | None = None
    part_of: int | None = None
    rule: str = ""
    confidence: float = 1.0


@_quick_init
@dataclass(frozen=True)
class Attribution:
    """A statement attributed to a source: who said it, with what cue, saying what.

    Attributes:
        source: The source span (resolved to a canonical actor when possible), or None when
            the source is not in the text.
        cue: The cue span ("said", "according to", "in a video statement").
        content: One or more content spans (a quote may span sentences or be interrupted).
        kind: direct|indirect|mixed|according_to.
        hedged: True for hedging cues ("claimed", "alleged").
        rule: The rule or model that produced it.
        confidence: 0..1.
    """

    source: SourceRef | None
    cue: Span
    content: tuple[Span, ...]
    kind: str
    hedged: bool = False
    rule: str = ""
    confidence: float = 1.0


@_quick_init
@dataclass(frozen=True)
class Actor:
    """A person, organisation, government, armed group, ministry or agency mentioned.

    Attributes:
        start: Offset of the mention.
        end: Offset after it.
        text: The mention as written.
        canonical: Canonical name from the alias registry or corpus grouping.
        type: person|organisation|government|armed_group|ministry|agency|media|other.
        role: Role the text gives ("spokesman", "head"), or None.
        affiliation: Canonical name of the body the actor belongs to, or None.
        descriptor: The characterisation written with it ("Hamas-run"), or None.
    """

    start: int
    end: int
    text: str
    canonical: str
    type: str
    role: str | None = None
    affiliation: str | None = None
    descriptor: str | None = None


@_quick_init
@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one article."""

    article: Article
    sentences: tuple[Sentence, ...] = ()
    dates: tuple[DateMention, ...] = ()
    figures: tuple[Figure, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    actors: tuple[Actor, ...] = ()
    extractor_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the extract-contract JSON object for this article."""
        a = self.article
        return {
            "article_id": a.article_id,
            "outlet": a.outlet,
            "published": a.published,
            "url": a.url,
            "title": a.title,
            "source": a.source,
            "text": a.text,
            "published_precision": a.published_precision,
            "published_inferred": a.published_inferred,
            "outlet_from": a.outlet_from,
            "sentences": [[s.start, s.end] for s in self.sentences],
            "dates": [asdict(d) for d in self.dates],
            "figures": [asdict(f) for f in self.figures],
            "attributions": [_attribution_dict(x) for x in self.attributions],
            "actors": [asdict(x) for x in self.actors],
            "extractor_version": self.extractor_version,
        }


def _attribution_dict(x: Attribution) -> dict[str, Any]:
    """Contract form of an attribution: content as a list of {start, end}."""
    return {
        "source": asdict(x.source) if x.source else None,
        "cue": asdict(x.cue),
        "content": [{"start": c.start, "end": c.end} for c in x.content],
        "kind": x.kind,
        "hedged": x.hedged,
        "rule": x.rule,
        "confidence": x.confidence,
    }


def extraction_from_dict(d: dict[str, Any]) -> Extraction:
    """Rebuild an Extraction from its contract JSON (the inverse of ``to_dict``)."""
    art_fields = {k: d.get(k) for k in ("article_id", "outlet", "published", "url", "title", "source", "text")}
    article = Article(
        **art_fields,  # type: ignore[arg-type]
        published_precision=d.get("published_precision", "unknown"),
        published_inferred=bool(d.get("published_inferred", False)),
        outlet_from=d.get("outlet_from", "none"),
    )
    text = article.text

    def src(s: dict[str, Any] | None) -> SourceRef | None:
        return SourceRef(**s) if s else None

    return Extraction(
        article=article,
        sentences=tuple(Sentence(s, e) for s, e in d.get("sentences", [])),
        dates=tuple(DateMention(**x) for x in d.get("dates", [])),
        figures=tuple(Figure(**{**x, "source": src(x.get("source"))}) for x in d.get("figures", [])),
        attributions=tuple(
            Attribution(
                source=src(x.get("source")),
                cue=Span(**x["cue"]),
                content=tuple(Span(c["start"], c["end"], text[c["start"]:c["end"]]) for c in x["content"]),
                kind=x["kind"],
                hedged=x.get("hedged", False),
                rule=x.get("rule", ""),
                confidence=x.get("confidence", 1.0),
            )
            for x in d.get("attributions", [])
        ),
        actors=tuple(Actor(**x) for x in d.get("actors", [])),
        extractor_version=d.get("extractor_version", ""),
    )


__all__ = [
    "Actor",
    "Article",
    "Attribution",
    "DateMention",
    "Extraction",
    "Figure",
    "Rejection",
    "Sentence",
    "SourceRef",
    "Span",
    "extraction_from_dict",
]
