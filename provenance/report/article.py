"""One article with everything extracted from it, for checking the extractors by eye.

``find_extractions`` resolves what a user typed (a file, ``path#row``, or an article id looked up
in a run folder) to articles and extracts them; ``inline_text`` renders one with its dates,
figures, attributions and actors highlighted in the text (colour on a terminal, bracketed
tags where there is no colour).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from provenance.config import load_config
from provenance.errors import InputError
from provenance.extract import extract_article
from provenance.ingest import iter_ingest
from provenance.ingest.outlets import load_registry
from provenance.ingest.table import ColumnMap
from provenance.models import Article, Extraction, Rejection

# Style and plain-text tag per highlight kind; earlier kinds win where spans overlap in plain text.
STYLES = {
    "figure": ("bold black on yellow", "figure"),
    "cue": ("bold green underline", "cue"),
    "source": ("bold cyan", "source"),
    "descriptor": ("magenta", "descriptor"),
    "date": ("blue underline", "date"),
    "actor": ("italic cyan", "actor"),
}


def _read_table(run: Path, name: str) -> pd.DataFrame | None:
    """A run folder's table (CSV or Parquet), or None when absent."""
    for ext in (".csv", ".parquet"):
        p = run / f"{name}{ext}"
        if p.exists():
            return pd.read_csv(p, dtype=str, keep_default_na=False) if ext == ".csv" else pd.read_parquet(p)
    return None


def _ingest(path: str, *, columns: ColumnMap | None, year: int | None, outlets_file: str | None) -> list[Article]:
    """The articles in one file; InputError with ingest's reason when it holds none."""
    registry = load_registry(outlets_file)
    items = list(iter_ingest([path], columns=columns, year=year or None, registry=registry))
    arts = [a for a in items if isinstance(a, Article)]
    if not arts:
        reasons = [r.reason for r in items if isinstance(r, Rejection)]
        why = f": {reasons[0]}" if reasons else ""
        raise InputError(f"{path} holds no article{why}. Fix the file or the column options.")
    return arts


def find_extractions(
    ref: str,
    *,
    run: str | Path | None = None,
    row: int | None = None,
    columns: ColumnMap | None = None,
    year: int | None = None,
    outlets_file: str | None = None,
) -> list[Extraction]:
    """Find and extract the article(s) a user named.

    Args:
        ref: A file (every article in it, or ``row``), ``path#row``, or an article id (or a
            unique prefix of at least 6 characters) from ``run``'s articles table.
        run: A run folder (``provenance run --out``) to look article ids up in; its
            settings.toml supplies the year used at the time.
        row: For a table file, the 1-based data row to show.
        columns: Column names for table input.
        year: Year for datelines without one.
        outlets_file: A user outlet registry.

    Returns:
        One extraction per article found, in input order.

    Raises:
        InputError: Nothing matches ``ref``, the run folder has no articles table, or the
            article's input file is no longer where the run read it.
    """
    path, _, hash_row = ref.partition("#")
    file: str | None = None
    target = row
    if os.path.exists(ref):
        if os.path.isdir(ref):
            raise InputError(f"{ref} is a folder. Give one file, or an article id with --run.")
        file = ref
    elif hash_row.isdigit() and os.path.isfile(path):
        file, target = path, int(hash_row)
    if file is not None:
        arts = _ingest(file, columns=columns, year=year, outlets_file=outlets_file)
        if target is not None:
            arts = [a for a in arts if a.source.rpartition("#")[2] == str(target)]
            if not arts:
                raise InputError(f"{file} has no article at row {target}. "
                                 "Rows are numbered from 1, the header excluded.")
        return [extract_article(a) for a in arts]
    if run is None:
        raise InputError(f"{ref} is not a file. Give a file, or an article id with --run DIR "
                         "(the folder `provenance run --out` wrote).")
    run_dir = Path(run)
    arts_df = _read_table(run_dir, "articles")
    if arts_df is None:
        raise InputError(f"no articles table in {run_dir}. Give the folder `provenance run --out` wrote.")
    ids = arts_df["article_id"].astype(str)
    hits = arts_df[ids == ref] if (ids == ref).any() else (arts_df[ids.str.startswith(ref)] if len(ref) >= 6
                                                          else arts_df.iloc[0:0])
    if not len(hits):
        raise InputError(f"no article {ref} in {run_dir}. Copy an article_id from its articles table.")
    if len(hits) > 1:
        raise InputError(f"{ref} matches {len(hits)} articles in {run_dir}. Give more of the article_id.")
    rec = hits.iloc[0]
    source = str(rec["source"])
    src_path = _locate_source(source, run_dir)
    if src_path is None:
        raise InputError(f"article {rec['article_id']} came from {source}, which is not there now. "
                         "Run show from the folder the run started in.")
    cfg_path = run_dir / "settings.toml"
    run_year = year
    if run_year is None and cfg_path.exists():
        run_year = load_config(cfg_path)["ingest"]["year"] or None
    found = [a for a in _ingest(src_path, columns=columns, year=run_year, outlets_file=outlets_file)
             if a.article_id == rec["article_id"]]
    if not found:
        raise InputError(f"article {rec['article_id']} is no longer in {src_path} (the file changed since the run). "
                         "Give the file instead.")
    return [extract_article(found[0])]


def _locate_source(source: str, run_dir: Path) -> str | None:
    """The input file a run read an article from, or None when it is gone.

    Sources are stored as the run was given them, often relative to the folder it started in.
    That folder is usually the run folder's own ancestor (``--out reports/NAME`` under the
    project), so relative paths are tried from the current folder, then from each ancestor of
    the run folder.
    """
    path = source if os.path.exists(source) else source.partition("#")[0]
    if os.path.exists(path):
        return path
    if os.path.isabs(path):
        return None
    for base in (run_dir.resolve(), *run_dir.resolve().parents):
        candidate = base / path
        if candidate.exists():
            return str(candidate)
    return None


def spans(x: Extraction) -> list[tuple[int, int, str]]:
    """Every highlight of an extraction as ``(start, end, kind)``, sorted by offset."""
    out: list[tuple[int, int, str]] = []
    for d in x.dates:
        out.append((d.start, d.end, "date"))
    for a in x.actors:
        out.append((a.start, a.end, "actor"))
    for f in x.figures:
        out.append((f.start, f.end, "figure"))
    for at in x.attributions:
        out.append((at.cue.start, at.cue.end, "cue"))
        if at.source:
            out.append((at.source.start, at.source.end, "source"))
            desc = at.source.descriptor
            if desc:
                i = at.source.text.lower().find(desc.lower())
                if i >= 0:
                    out.append((at.source.start + i, at.source.start + i + len(desc), "descriptor"))
    return sorted(set(out))


def inline_text(x: Extraction, color: bool = True) -> Text:
    """The article text with every span highlighted.

    Args:
        x: An extraction.
        color: Style spans (for a terminal); when False, wrap them as ``[[text|kind]]`` instead,
            giving precedence to figures, cues, sources, dates, then actors where spans overlap.

    Returns:
        A rich Text.
    """
    text = x.article.text
    if color:
        t = Text(text)
        order = {k: i for i, k in enumerate(reversed(list(STYLES)))}
        for s, e, k in sorted(spans(x), key=lambda sp: order[sp[2]]):
            t.stylize(STYLES[k][0], s, e)
        return t
    chosen: list[tuple[int, int, str]] = []
    prio = {k: i for i, k in enumerate(STYLES)}
    for s, e, k in sorted(spans(x), key=lambda sp: (prio[sp[2]], sp[0])):
        if k == "descriptor" or any(s < ce and cs < e for cs, ce, _ in chosen):
            continue
        chosen.append((s, e, k))
    parts: list[str] = []
    pos = 0
    for s, e, k in sorted(chosen):
        parts.append(text[pos:s])
        parts.append(f"[[{text[s:e]}|{STYLES[k][1]}]]")
        pos = e
    parts.append(text[pos:])
    return Text("".join(parts))


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.0f}" if v == int(v) else f"{v:,g}"
    return str(v)


def detail_tables(x: Extraction) -> list[Table]:
    """Tables of the dates, figures, attributions and actors found, each row with its offsets."""
    text = x.article.text
    tables: list[Table] = []

    def table(title: str, cols: Iterable[str], rows: list[list[str]]) -> None:
        t = Table(title=f"{title} ({len(rows)})", title_justify="left", show_lines=False, expand=False)
        for c in cols:
            t.add_column(c, overflow="fold")
        for r in rows:
            t.add_row(*r)
        tables.append(t)

    table("dates", ["at", "text", "value", "granularity"],
          [[f"{d.start}-{d.end}", d.text, _fmt(d.value), d.granularity] for d in x.dates])
    table("figures", ["at", "text", "value", "low", "high", "qualifier", "metric", "source"],
          [[f"{f.start}-{f.end}", f.text, _fmt(f.value), _fmt(f.low), _fmt(f.high), f.qualifier, f.metric,
            (f.source.canonical or f.source.text) + (f" ({f.source.descriptor})" if f.source.descriptor else "")
            if f.source else "unattributed"] for f in x.figures])
    table("attributions", ["at", "source", "cue", "kind", "content"],
          [[f"{a.cue.start}-{a.cue.end}",
            ((a.source.canonical or a.source.text) + (f" ({a.source.descriptor})" if a.source.descriptor else ""))
            if a.source else "", a.cue.text, a.kind,
            " … ".join(text[c.start:c.end] for c in a.content)[:200]] for a in x.attributions])
    table("actors", ["at", "text", "canonical", "type"],
          [[f"{a.start}-{a.end}", a.text, a.canonical, a.type] for a in x.actors])
    return tables


def render_article(x: Extraction, color: bool = True) -> RenderableType:
    """Header, highlighted text and detail tables of one article, for a rich console."""
    a = x.article
    head = Text()
    head.append(a.title or "(no headline)", style="bold")
    head.append(f"\n{a.outlet or 'unknown outlet'} · {a.published or 'date unknown'}"
                f"{' (year inferred)' if a.published_inferred else ''} · {a.article_id}\n{a.source}")
    if a.url:
        head.append(f"\n{a.url}")
    legend = Text("\nhighlighted: ")
    for style, tag in STYLES.values():
        legend.append(tag if color else f"[[…|{tag}]]", style=style if color else "")
        legend.append(" ")
    return Group(head, legend, Text(""), inline_text(x, color), Text(""), *detail_tables(x))


__all__ = ["detail_tables", "find_extractions", "inline_text", "render_article", "spans"]
