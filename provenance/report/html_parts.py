"""Pieces of the HTML report: value formatting, table cells, evidence passages, cluster labels.

``html`` builds the page from these: ``fmt_*`` turn table values into the words a reader sees,
``Cell``/``Table`` are a page table, ``Evidence`` (with ``ByArticle``) holds each cited
passage once with its highlights (``mark_text``), and ``ClusterLabels`` names a claim cluster
by its representative text. Moved out of ``html`` unchanged (the module had passed the house
style's ~600 lines); ``html`` re-exports the public names.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from provenance.frames import column_values

_WORDY = frozenset({"relation", "relations", "kind", "timing", "rule", "attribution_kind", "qualifier"})

QUALIFIER_WORDS = {
    "more_than": "more than", "at_least": "at least", "about": "about", "nearly": "nearly",
    "up_to": "up to", "less_than": "less than",
}
# Relations that mean "reads the same as the cluster's representative": no badge in the table.
SAME = frozenset({"same", "same_figure", "representative"})
# Highlight kinds, in the order later kinds are drawn over earlier ones.
MARK_KINDS = ("date", "actor", "content", "source", "descriptor", "cue", "figure")
# Columns that locate text rather than say something; kept in the CSVs, left out of page tables.
_LOCATOR = re.compile(r"(^|_)(start|end|index|spans)(_|$)|^sentence(_|$)|^article(_id)?(_|$)|(^|_)(claim|article|figure)_id$"
                      r"|^source$|^rule$|^confidence$|^relations$")


def _blank(x: Any) -> bool:
    """True for None, NaN, NA and empty strings."""
    if x is None:
        return True
    if isinstance(x, str):
        return not x.strip()
    if isinstance(x, float):  # float and numpy.float64: the common cases, without pd.isna's cost
        return math.isnan(x)
    if type(x) is int or type(x) is bool:
        return False
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _int(x: Any) -> int | None:
    """An int offset, or None."""
    if _blank(x):
        return None
    try:
        return int(x)
    except (TypeError, ValueError):
        return None


def _float(x: Any) -> float | None:
    """A finite float, or None."""
    if _blank(x):
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def fmt_number(x: Any) -> str:
    """1200.0 -> '1,200'; 2.5 -> '2.5'; missing -> ''."""
    f = _float(x)
    if f is None:
        return ""
    return f"{f:,.0f}" if f == int(f) else f"{f:,.2f}".rstrip("0").rstrip(".")


def fmt_figure(row: Any) -> str:
    """A figure as a reader would say it: 'more than 200', '200-230', 'about 9,000'."""
    q = str(_get(row, "qualifier") or "exact")
    value, low, high = _get(row, "value"), _get(row, "low"), _get(row, "high")
    if q == "vague":
        return str(_get(row, "text") or f"{fmt_number(low)}–{fmt_number(high)}")
    if q == "range" or (_blank(value) and not _blank(low) and not _blank(high)):
        return f"{fmt_number(low)}–{fmt_number(high)}"
    v = fmt_number(value if not _blank(value) else (low if not _blank(low) else high))
    return f"{QUALIFIER_WORDS[q]} {v}" if q in QUALIFIER_WORDS else v


def fmt_source(row: Any) -> str:
    """'[Health Ministry, "Hamas-run"]' or '[unattributed]'."""
    src = _get(row, "source_canonical")
    if _blank(src):
        src = _get(row, "source_text")
    if _blank(src):
        return "[unattributed]"
    desc = _get(row, "descriptor")
    return f"[{src}, “{desc}”]" if not _blank(desc) else f"[{src}]"


def _get(row: Any, key: str) -> Any:
    """row[key] for a dict or Series, None when absent."""
    try:
        v = row[key]
    except (KeyError, IndexError, TypeError):
        return None
    return None if _blank(v) else v


def _words(s: Any) -> str:
    """'qualifier_only' -> 'qualifier only'."""
    return "" if _blank(s) else str(s).replace("_", " ")


@dataclass
class Cell:
    """One table cell: its markup and the key it sorts by."""

    html: Markup
    sort: str | float = ""


@dataclass
class Table:
    """A table for the page: columns, rows of cells, a note when truncated or empty."""

    id: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    numeric: list[bool] = field(default_factory=list)
    total: int = 0

    def body(self) -> Markup:
        """The rows as ``<tr>`` elements, one a line (built here, not in the template: a table
        with an outlet per column has hundreds of thousands of cells)."""
        out: list[str] = []
        for r in self.rows:
            out.append("<tr>")
            for c in r:
                if c.sort == "":
                    out.append(f"<td>{escape(c.html)}</td>" if c.html else "<td></td>")
                else:
                    out.append(f'<td data-sort="{escape(c.sort)}">{escape(c.html)}</td>')
            out.append("</tr>\n")
        return Markup("".join(out))


class ArticleRows:
    """The articles table by article id (the last row wins); a row becomes a dict only when asked for."""

    def __init__(self, df: pd.DataFrame | None) -> None:
        self.df = df if df is not None and len(df) else None
        self.pos: dict[str, int] = {}
        if self.df is not None:
            ids = column_values(self.df["article_id"]) if "article_id" in self.df.columns else [None] * len(self.df)
            self.pos = {str(a): i for i, a in enumerate(ids)}
        self.columns: dict[str, list[Any]] | None = None
        self.cache: dict[str, dict[str, Any]] = {}

    def get(self, article_id: str) -> dict[str, Any]:
        """The article's row as a dict (empty when there is none)."""
        if article_id not in self.pos or self.df is None:
            return {}
        if article_id not in self.cache:
            if self.columns is None:
                self.columns = {c: column_values(self.df[c]) for c in self.df.columns}
            i = self.pos[article_id]
            self.cache[article_id] = {c: v[i] for c, v in self.columns.items()}
        return self.cache[article_id]


class ByArticle:
    """Look-up of a table's rows by article id; only the rows of an article asked for become dicts.

    A page looks up the articles of the cells it shows (a few thousand), so the table is not
    turned into Python lists: one list per column of ABP's 851k claims, 833k attributions and
    303k figures (their sentences as Python strings) held 1.7 GB while the page was built.

    An article's rows are read as a slice when they are contiguous (the extraction tables are
    sorted by article id), else with ``take``. Arrow's take on a column of several chunks joins
    them first: ABP's figures come in two (``match._prepare_figures``), and a take per article
    copied every figure sentence each time, 29 CPU s of the page's 39 in a whole run.
    """

    def __init__(self, df: pd.DataFrame | None) -> None:
        self.df = df if df is not None and len(df) and "article_id" in df.columns else None
        self.rows: dict[str, Any] = {}
        if self.df is not None:
            self.rows = self.df.groupby(self.df["article_id"].astype(str), sort=False).indices
        self.cache: dict[str, list[dict[str, Any]]] = {}

    def get(self, article_id: str, default: Any = ()) -> list[dict[str, Any]]:
        """The article's rows as dicts (empty when it has none)."""
        if article_id not in self.rows or self.df is None:
            return list(default)
        if article_id not in self.cache:
            self.load([article_id])
        return self.cache[article_id]

    def load(self, article_ids: Iterable[Any]) -> None:
        """Read the rows of these articles in one pass (``get`` reads one article this way).

        Rows that follow each other in the table are read as a slice, others with one ``take``.
        A section knows the articles of the rows it shows: one read and one ``tolist`` per
        column for all of them, instead of a pandas call per article and column (5,800 articles
        by 14 columns on ABP, 6 CPU s).
        """
        if self.df is None:
            return
        want = [a for a in dict.fromkeys(str(a) for a in article_ids) if a in self.rows and a not in self.cache]
        if not want:
            return
        at = np.concatenate([self.rows[a] for a in want])
        contiguous = bool((np.diff(at) == 1).all())
        sub = self.df.iloc[int(at[0]):int(at[-1]) + 1] if contiguous else self.df.take(at)
        cols = {str(c): sub[c].tolist() for c in sub.columns}
        i = 0
        for a in want:
            n = len(self.rows[a])
            self.cache[a] = [{c: v[j] for c, v in cols.items()} for j in range(i, i + n)]
            i += n


# Columns of the figures, attributions and claims tables that Evidence reads from rows it looks up.
_EVIDENCE_COLUMNS = frozenset({
    "article_id", "start", "end", "text", "sentence", "sentence_start", "sentence_end", "cue_start", "cue_end",
    "content_spans", "source_start", "source_end", "descriptor", "outlet", "published", "source",
})


class Evidence:
    """The evidence snippets of a page, deduplicated, numbered in order of first use."""

    def __init__(self, articles: pd.DataFrame, attributions: pd.DataFrame | None,
                 figures: pd.DataFrame | None = None, claims: pd.DataFrame | None = None) -> None:
        self.items: dict[tuple[Any, ...], tuple[str, Markup]] = {}
        self.articles = ArticleRows(articles)
        self.attr_by_article = self._index(attributions)
        self.fig_by_article = self._index(figures)
        self.claim_by_article = self._index(claims)

    @staticmethod
    def _index(df: pd.DataFrame | None) -> ByArticle:
        """Rows of a table grouped by article id, read on demand (tables may have millions of rows).

        Only the columns evidence reads are kept: turning every column of ABP's 851k claims,
        833k attributions and 303k figures into lists took 11 CPU s and GBs.
        """
        if df is not None and len(df):
            df = df[[c for c in df.columns if c in _EVIDENCE_COLUMNS]]
        return ByArticle(df)

    def load(self, article_ids: Iterable[Any], tables: Sequence[str] = ("attributions", "figures", "claims")) -> None:
        """Read the rows of these articles from ``tables`` in one pass each (``ByArticle.load``)."""
        ids = list(article_ids)
        for name in tables:
            {"attributions": self.attr_by_article, "figures": self.fig_by_article,
             "claims": self.claim_by_article}[name].load(ids)

    def add_claim(self, row: dict[str, Any], extra: Sequence[tuple[str, str]] = ()) -> str | None:
        """Evidence for a claim row (its text and offsets): the attributions and figures inside it."""
        a0, a1, text = _int(row.get("start")), _int(row.get("end")), row.get("text")
        if a0 is None or a1 is None or _blank(text):
            return None
        aid = str(row.get("article_id"))
        key = (aid, "claim", a0, a1, tuple(extra))
        if key in self.items:
            return self.items[key][0]
        spans: list[tuple[int, int, str]] = []

        def add(s: Any, e: Any, k: str) -> None:
            s, e = _int(s), _int(e)
            if s is not None and e is not None and e > s and s < a1 and e > a0:
                spans.append((s - a0, e - a0, k))

        for at in self.attr_by_article.get(aid, []):
            cs = _int(at.get("cue_start"))
            if cs is None or not a0 <= cs < a1:
                continue
            for part in str(at.get("content_spans") or "").split(";"):
                if "-" in part:
                    p0, p1 = part.split("-", 1)
                    add(p0, p1, "content")
            add(at.get("cue_start"), at.get("cue_end"), "cue")
            add(at.get("source_start"), at.get("source_end"), "source")
            self._descriptor(spans, str(text), at.get("descriptor"))
        for f in self.fig_by_article.get(aid, []):
            if a0 <= (_int(f.get("start")) or -1) < a1:
                add(f.get("start"), f.get("end"), "figure")
        return self._store(key, row, str(text), spans, extra)

    def locate(self, article_id: Any, start: Any, extra: Sequence[tuple[str, str]] = ()) -> str | None:
        """Evidence for a span known only by article and start offset (a figure, a claim or an attribution)."""
        aid, st = str(article_id), _int(start)
        if st is None:
            return None
        for f in self.fig_by_article.get(aid, []):
            if _int(f.get("start")) == st:
                return self.add(f, "figure", extra)
        for c in self.claim_by_article.get(aid, []):
            if _int(c.get("start")) == st:
                return self.add_claim(c, extra)
        for at in self.attr_by_article.get(aid, []):
            if (_int(at.get("start")) or 0) <= st < (_int(at.get("end")) or -1):
                return self.add(at, "attribution", extra)
        return None

    @staticmethod
    def _descriptor(spans: list[tuple[int, int, str]], text: str, desc: Any) -> None:
        """Mark the descriptor ("Hamas-run") where it occurs in the text."""
        if not _blank(desc):
            i = text.lower().find(str(desc).lower())
            if i >= 0:
                spans.append((i, i + len(str(desc)), "descriptor"))

    def _store(self, key: tuple[Any, ...], row: dict[str, Any], text: str, spans: list[tuple[int, int, str]],
               extra: Sequence[tuple[str, str]]) -> str:
        eid = f"ev{len(self.items) + 1}"
        self.items[key] = (eid, self._render(row, text, spans, extra))
        return eid

    def _cue_for(self, row: dict[str, Any]) -> tuple[int, int] | None:
        """The cue of the attribution that covers a figure (same source span, or enclosing it)."""
        aid = str(row.get("article_id"))
        s, ss = _int(row.get("start")), _int(row.get("source_start"))
        best = None
        for a in self.attr_by_article.get(aid, []):
            cs, ce = _int(a.get("cue_start")), _int(a.get("cue_end"))
            if cs is None or ce is None:
                continue
            if ss is not None and _int(a.get("source_start")) == ss:
                return cs, ce
            a0, a1 = _int(a.get("start")), _int(a.get("end"))
            if s is not None and a0 is not None and a1 is not None and a0 <= s < a1 and best is None:
                best = (cs, ce)
        return best

    def add(self, row: dict[str, Any], kind: str, extra: Sequence[tuple[str, str]] = ()) -> str | None:
        """Register the evidence for a figure or attribution row; returns its id, or None.

        Args:
            row: A row with ``article_id``, ``sentence``, ``sentence_start`` and the span columns
                (``start``/``end``, ``source_start``/``source_end``, ``cue_start``/``cue_end``,
                ``descriptor``) of the figures, attributions or claims tables.
            kind: ``figure`` or ``attribution`` (which span is the main one).
            extra: Further label/value pairs shown under the sentence (relation, reference, ...).
        """
        sentence = row.get("sentence")
        ss = _int(row.get("sentence_start"))
        if _blank(sentence) or ss is None:
            return None
        sentence = str(sentence)
        key = (str(row.get("article_id")), kind, _int(row.get("start")), _int(row.get("end")), tuple(extra))
        if key in self.items:
            return self.items[key][0]
        spans: list[tuple[int, int, str]] = []

        def span(a: Any, b: Any, k: str) -> None:
            a, b = _int(a), _int(b)
            if a is not None and b is not None and b > a:
                spans.append((a - ss, b - ss, k))

        if kind == "figure":
            span(row.get("start"), row.get("end"), "figure")
            cue = (_int(row.get("cue_start")), _int(row.get("cue_end"))) if row.get("cue_start") is not None \
                else self._cue_for(row)
            if cue:
                span(cue[0], cue[1], "cue")
        else:
            for part in str(row.get("content_spans") or "").split(";"):
                if "-" in part:
                    a, b = part.split("-", 1)
                    span(a, b, "content")
            span(row.get("cue_start"), row.get("cue_end"), "cue")
        span(row.get("source_start"), row.get("source_end"), "source")
        self._descriptor(spans, sentence, row.get("descriptor"))
        return self._store(key, row, sentence, spans, extra)

    def _render(self, row: dict[str, Any], sentence: str, spans: list[tuple[int, int, str]],
                extra: Sequence[tuple[str, str]]) -> Markup:
        art = self.articles.get(str(row.get("article_id")))
        outlet = row.get("outlet") if not _blank(row.get("outlet")) else art.get("outlet")
        published = row.get("published") if not _blank(row.get("published")) else art.get("published")
        meta: list[tuple[str, Markup | str]] = [
            ("Outlet", str(outlet or "unknown")),
            ("Published", _date_text(published, art)),
        ]
        if not _blank(art.get("title")):
            meta.append(("Headline", str(art["title"])))
        url = art.get("url")
        if not _blank(url):
            u = escape(str(url))
            meta.append(("URL", Markup(f'<a href="{u}" rel="noreferrer noopener">{u}</a>')))
        meta.append(("Input", str(art.get("source") or row.get("source") or "")))
        meta.append(("Article id", str(row.get("article_id"))))
        offs = f"{_int(row.get('start'))}–{_int(row.get('end'))}" if _int(row.get("start")) is not None else ""
        if offs:
            meta.append(("Offsets", offs))
        for k, v in extra:
            if v:
                meta.append((k, v))
        dl = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in meta)
        return Markup(f'<p class="sentence">{mark_text(sentence, spans)}</p><dl class="meta">{dl}</dl>')

    def templates(self) -> Markup:
        """The ``<template>`` elements the page's script opens in the evidence dialog."""
        return Markup("\n".join(f'<template id="{escape(eid)}">{html}</template>'
                                for eid, html in self.items.values()))


def _date_text(published: Any, art: dict[str, Any]) -> str:
    """'2024-03-05 (day; inferred year)' from an article's date fields."""
    if _blank(published):
        return "unknown"
    bits = []
    prec = art.get("published_precision")
    if not _blank(prec) and prec not in ("day", "time"):
        bits.append(f"{prec} only")
    if str(art.get("published_inferred")).lower() == "true":
        bits.append("year inferred")
    return f"{published} ({', '.join(bits)})" if bits else str(published)


def mark_text(text: str, spans: Iterable[tuple[int, int, str]]) -> Markup:
    """Escape ``text`` and wrap each span in ``<mark class="m-KIND ...">``; overlapping spans combine.

    Args:
        text: The sentence.
        spans: ``(start, end, kind)`` relative to ``text``; clipped to it.

    Returns:
        Safe HTML.
    """
    n = len(text)
    clipped = [(max(0, a), min(n, b), k) for a, b, k in spans if min(n, b) > max(0, a)]
    if not clipped:
        return escape(text)
    cuts = sorted({0, n, *(a for a, _, _ in clipped), *(b for _, b, _ in clipped)})
    out: list[str] = []
    for a, b in itertools.pairwise(cuts):
        here = {k for s, e, k in clipped if s <= a and b <= e}
        seg = escape(text[a:b])
        kinds = [k for k in MARK_KINDS if k in here] if here else []
        if kinds:
            cls = escape(" ".join(f"m-{k}" for k in kinds))
            out.append(f'<mark class="{cls}" title="{escape(kinds[-1])}">{seg}</mark>')
        else:
            out.append(seg)
    return Markup("".join(out))


def _ev_button(eid: str | None, label: Markup | str, title: str = "") -> Markup:
    """A cell entry that opens its evidence, or plain text when there is none."""
    if eid is None:
        return Markup(f"<span>{escape(label)}</span>")
    return Markup(f'<button type="button" class="ev" data-ev="{escape(eid)}" '
                  f'title="{escape(title or "show the sentence")}">{escape(label)}</button>')


def _plain_cell(v: Any) -> Cell:
    """A cell from a plain value, sorting numerically when it is a number."""
    if _blank(v):
        return Cell(Markup(""), "")
    if isinstance(v, bool):
        return Cell(escape(str(v).lower()), str(v).lower())
    if isinstance(v, (int, float)):
        return Cell(escape(fmt_number(v)), float(v))
    s = str(v)
    if s.startswith(("http://", "https://")):
        return Cell(Markup('<a href="{0}" rel="noreferrer noopener">{0}</a>').format(s), s)
    return Cell(escape(s), s.lower())


def _label_columns(frames: dict[str, pd.DataFrame]) -> Iterator[tuple[pd.Series, pd.Series]]:
    """(cluster_id, label) columns of the tables that label clusters, later tables winning."""
    for name in ("figure_table", "attribution_table", "clusters"):
        df = frames.get(name)
        if df is None or "cluster_id" not in df.columns:
            continue
        col = next((c for c in ("label", "cluster_label", "claim", "representative") if c in df.columns), None)
        if col:
            yield df["cluster_id"], df[col]


def _cluster_labels(frames: dict[str, pd.DataFrame]) -> dict[str, str]:
    """cluster_id -> label from the clusters table (or the figure table), when present."""
    labels: dict[str, str] = {}
    for ids, labs in _label_columns(frames):
        # a column at a time (589k clusters on ABP); blank labels are skipped as _blank would
        labels.update((str(cid), str(lab)) for cid, lab in zip(ids.tolist(), labs.tolist()) if not _blank(lab))
    return labels


class ClusterLabels:
    """``_cluster_labels(frames)`` read only for the cluster ids asked for.

    The page shows a few thousand clusters; a dict of every label (695k clusters on ABP, as
    Python strings) took 0.2 GB while the page was built. Callers ``fetch`` the ids they need
    in one pass; ``get`` of an id not fetched reads the tables for it alone.
    """

    def __init__(self, frames: dict[str, pd.DataFrame]) -> None:
        self.sources = [(ids.astype(str), labs) for ids, labs in _label_columns(frames)]
        self.known: dict[str, str] = {}
        self.fetched: set[str] = set()

    def fetch(self, ids: Iterable[Any]) -> None:
        """Read the labels of ``ids`` (later tables win, blank labels skipped, as ``_cluster_labels``)."""
        want = {str(i) for i in ids} - self.fetched
        if not want:
            return
        for cids, labs in self.sources:
            rows = cids.isin(want).to_numpy()
            self.known.update((c, str(lab)) for c, lab in zip(cids[rows].tolist(), labs[rows].tolist())
                              if not _blank(lab))
        self.fetched |= want

    def get(self, cid: str, default: str = "") -> str:
        """The label of a cluster, ``default`` when it has none."""
        if cid not in self.fetched:
            self.fetch([cid])
        return self.known.get(cid, default)


Labels = dict[str, str] | ClusterLabels


_DIFF = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}", re.DOTALL)


def diff_markup(detail: str) -> Markup:
    """A word diff written as ``[-removed-]`` / ``{+added+}`` as ``<del>`` / ``<ins>``."""
    out: list[Markup] = []
    pos = 0
    for m in _DIFF.finditer(detail):
        out.append(escape(detail[pos:m.start()]))
        out.append(Markup("<del>{}</del>").format(m.group(1)) if m.group(1) is not None
                   else Markup("<ins>{}</ins>").format(m.group(2)))
        pos = m.end()
    out.append(escape(detail[pos:]))
    return Markup("").join(out)


def _short(text: Any, n: int = 90) -> str:
    """Text cut to ``n`` characters at a word boundary."""
    t = " ".join(str(text or "").split())
    return t if len(t) <= n else t[: n].rsplit(" ", 1)[0] + "…"
