"""The HTML report: one self-contained, printable file a fact-checker opens first.

DataFrames in, one HTML string out. The page renders whatever tables a run produced (the
extraction tables always; the matching tables -- claims, figure_cells, attribution_table,
discrepancies, syndication, ... -- when matching ran) and says plainly when one is empty or
absent. Every figure or attribution cell opens its evidence: the sentence with the figure,
cue, source and descriptor highlighted, and the outlet, date and URL of the article.

The page has no network dependencies (CSS, JavaScript and SVG plots are inline) and no
timestamps or random ids, so the same input gives the same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup, escape

from provenance.frames import records
from provenance.report.html_parts import (
    _LOCATOR,
    _WORDY,
    SAME,
    Cell,
    ClusterLabels,
    Evidence,
    Labels,
    Table,
    _blank,
    _cluster_labels,
    _ev_button,
    _float,
    _int,
    _plain_cell,
    _short,
    _words,
    diff_markup,
    fmt_figure,
    fmt_number,
    fmt_source,
    mark_text,
)
from provenance.report.timeline import Point, outlet_colours, timeline_svg

# Columns whose values are identifiers written with underscores ("conflicting_figure"): shown as words.
# Rows shown per table in the page; the CSV in the same folder always has them all.
MAX_ROWS = 1000
# Reports (cell entries, each with its evidence) shown per outlet table: rows are shown, most
# outlets first, until the next would pass this. ABP's 1,000 busiest claim clusters hold 104k
# reports in 488 outlet columns: a 129 MB page, 103 MB of it evidence.
MAX_ENTRIES = 2000
# Reports shown in one outlet's cell of a row ("+ 12 more" after them): one ABP claim cluster
# has 33,359 claims in 162 outlets.
MAX_CELL_ENTRIES = 5
# Timeline plots drawn (clusters with the most reports first).
MAX_PLOTS = 40



def _table(frame_id: str, title: str, df: pd.DataFrame, columns: Sequence[str] | None = None,
           evidence: Evidence | None = None, kind: str = "", csv_name: str = "") -> Table:
    """A generic page table from a DataFrame: locator columns dropped, rows capped at MAX_ROWS.

    When ``evidence`` and ``kind`` are given, every row gets a "sentence" cell opening its evidence.
    """
    cols = list(columns) if columns else [c for c in df.columns if not _LOCATOR.search(str(c))]
    cols = [c for c in cols if c in df.columns]
    shown = df.head(MAX_ROWS)
    t = Table(frame_id, title, ([""] if evidence is not None and kind else []) + [_words(c) for c in cols],
              total=len(df))
    if evidence is not None and kind == "figure" and "article_id" in df.columns:
        evidence.load(shown["article_id"].tolist(), ("attributions",))  # the cues of figures (Evidence._cue_for)
    for rec in records(shown):
        cells: list[Cell] = []
        if evidence is not None and kind:
            eid = evidence.add(rec, kind)
            cells.append(Cell(_ev_button(eid, "sentence"), ""))
        cells.extend(_plain_cell(_words(rec.get(c)) if c in _WORDY and not _blank(rec.get(c)) else rec.get(c))
                     for c in cols)
        t.rows.append(cells)
    t.numeric = [bool(i >= 0 and all(isinstance(r[i].sort, float) or r[i].sort == "" for r in t.rows))
                 for i in range(len(t.columns))]
    if len(df) > MAX_ROWS:
        t.note = f"Showing the first {MAX_ROWS:,} of {len(df):,} rows; {csv_name or frame_id + '.csv'} has them all."
    return t


def _sorted_outlets(*frames: pd.DataFrame | None) -> list[str]:
    """Outlets in order of their first publication date, then name (a stable column order)."""
    first: dict[str, str] = {}
    for df in frames:
        if df is None or not len(df) or "outlet" not in df.columns:
            continue
        # Each (outlet, date) once: the result does not depend on order or repeats (851k claims on ABP).
        pairs = df[[c for c in ("outlet", "published") if c in df.columns]].drop_duplicates()
        for o, p in zip(pairs["outlet"].tolist(),
                        pairs["published"].tolist() if "published" in pairs.columns else [None] * len(pairs)):
            if _blank(o):
                continue
            p = "" if _blank(p) else str(p)
            if str(o) not in first or (p and (not first[str(o)] or p < first[str(o)])):
                first[str(o)] = p
    return sorted(first, key=lambda o: (first[o] or "9999", o))




def _join_figures(cells: pd.DataFrame, figures: pd.DataFrame | None) -> pd.DataFrame:
    """figure_cells with the sentence and source spans of the figures they came from."""
    if figures is None or not len(figures) or not len(cells):
        return cells
    need = [c for c in ("sentence", "sentence_start", "sentence_end", "source_text", "source_start", "source_end",
                        "text", "source_canonical", "descriptor", "qualifier", "value", "low", "high")
            if c in figures.columns and c not in cells.columns]
    if not need or not {"article_id", "start"} <= set(cells.columns):
        return cells
    right = figures[["article_id", "start", *need]].drop_duplicates(["article_id", "start"])
    left = cells.assign(start=pd.to_numeric(cells["start"], errors="coerce"))
    right = right.assign(start=pd.to_numeric(right["start"], errors="coerce"))
    return left.merge(right, on=["article_id", "start"], how="left")


def _reference_extra(rec: dict[str, Any]) -> list[tuple[str, str]]:
    """Evidence lines for a figure cell: relation and reference check."""
    out: list[tuple[str, str]] = []
    if not _blank(rec.get("relation")):
        out.append(("Relation", _words(rec["relation"])))
    if not _blank(rec.get("reference_value")):
        ref = fmt_number(rec["reference_value"])
        if not _blank(rec.get("reference_date")):
            ref += f" on {rec['reference_date']}"
        lag = _float(rec.get("lag_days"))
        if lag is not None:
            ref += f"; lag {fmt_number(lag)} day{'' if abs(lag) == 1 else 's'}"
        out.append(("Reference", ref))
    return out


def _top_clusters(df: pd.DataFrame, labels: Labels, limit: int
                  ) -> tuple[list[tuple[str, dict[str, list[dict[str, Any]]], int]], int]:
    """The ``limit`` clusters reported by most outlets (then by label and id), rows as dicts per outlet.

    Works on the whole table at once (a run may have hundreds of thousands of cells) and turns
    only the rows shown into dicts.

    Returns:
        ``(cluster_id, {outlet: rows in order of publication}, number of outlets)`` per cluster,
        and the number of clusters in all.
    """
    key = df["cluster_id"].astype(str)
    n_out = df.groupby(key, sort=False)["outlet"].nunique()
    n_of = dict(zip(n_out.index.tolist(), n_out.tolist()))  # Series.__getitem__ per cluster took 9 s on ABP
    # Only clusters with at least the limit-th most outlets can be shown: their labels are read
    # and they are sorted (the same first ``limit`` as sorting every cluster).
    counts = sorted(n_of.values(), reverse=True)
    cut = counts[min(limit, len(counts)) - 1] if counts and limit > 0 else 0
    cand = [c for c, n in n_of.items() if n >= cut]
    if isinstance(labels, ClusterLabels):
        labels.fetch(cand)
    top = sorted(cand, key=lambda c: (-int(n_of[c]), labels.get(c, ""), c))[:limit]
    sub = df[key.isin(set(top))]
    sub = sub.sort_values([c for c in ("published", "start") if c in sub.columns], kind="stable")
    groups: dict[str, dict[str, list[dict[str, Any]]]] = {c: {} for c in top}
    for k, rec in zip(sub["cluster_id"].astype(str), records(sub)):
        groups[k].setdefault(str(rec.get("outlet")), []).append(rec)
    return [(c, groups[c], int(n_of[c])) for c in top], len(n_of)


def _within_budget(groups: list[tuple[str, dict[str, list[dict[str, Any]]], int]]
                   ) -> list[tuple[str, dict[str, list[dict[str, Any]]], int]]:
    """The leading rows whose reports fit in MAX_ENTRIES (at least one row)."""
    out: list[tuple[str, dict[str, list[dict[str, Any]]], int]] = []
    used = 0
    for g in groups:
        n = sum(min(len(recs), MAX_CELL_ENTRIES) for recs in g[1].values())
        if out and used + n > MAX_ENTRIES:
            break
        out.append(g)
        used += n
    return out


def _shown_articles(groups: list[tuple[str, dict[str, list[dict[str, Any]]], int]]) -> list[Any]:
    """The article ids of the reports a per-outlet table shows (MAX_CELL_ENTRIES per cell)."""
    return [r.get("article_id") for _, by_outlet, _ in groups for recs in by_outlet.values()
            for r in recs[:MAX_CELL_ENTRIES]]


def _more(n: int) -> list[Markup]:
    """The "+ N more" line of a cell with more than MAX_CELL_ENTRIES reports (none otherwise)."""
    if n <= MAX_CELL_ENTRIES:
        return []
    return [Markup('<span class="note">+ {:,} more</span>').format(n - MAX_CELL_ENTRIES)]


def _cut_note(shown: int, total: int, csv_name: str) -> str:
    """The note under a per-outlet table that does not show every cluster."""
    if shown >= total:
        return ""
    return (f"Showing {shown:,} of {total:,} clusters (a page table shows at most {MAX_ROWS:,} rows and "
            f"{MAX_ENTRIES:,} reports, the clusters with most outlets first); {csv_name} has them all.")


def _shown_outlets(outlets: list[str], groups: list[tuple[str, dict[str, list[dict[str, Any]]], int]]) -> list[str]:
    """The outlet columns of a page table: those with a cell in the rows shown, in page order.

    (A column per outlet of the corpus made a 1,000-row table of ABP 491 columns wide.)
    """
    present = {o for _, by_outlet, _ in groups for o in by_outlet}
    return [o for o in outlets if o in present]


def figure_section(frames: dict[str, pd.DataFrame], ev: Evidence, outlets: list[str],
                   labels: Labels | None = None) -> tuple[Table, str]:
    """The figure table: one row per figure cluster, one column per outlet (or per-figure rows).

    Returns:
        The table and a sentence saying what the rows are.
    """
    cells = frames.get("figure_cells")
    figures = frames.get("figures")
    if cells is not None and "cluster_id" in cells.columns and "outlet" in cells.columns:
        df = _join_figures(cells, figures)
        labels = _cluster_labels(frames) if labels is None else labels
        groups, total = _top_clusters(df, labels, MAX_ROWS)
        groups = _within_budget(groups)
        cols = _shown_outlets(outlets, groups)
        ev.load(_shown_articles(groups), ("attributions",))  # the cues of figures (Evidence._cue_for)
        t = Table("figure-table", "Figures by outlet", ["cluster", *cols, "outlets"], total=total)
        col_at = {o: i for i, o in enumerate(cols)}
        empty = Cell(Markup(""), "")  # shared by every empty cell of the table: never changed
        for cid, by_outlet, n_outlets in groups:
            differ = any(not _blank(r.get("relation")) and str(r.get("relation")) not in SAME
                         for recs in by_outlet.values() for r in recs)
            label = labels.get(cid, "")
            head = Markup('<span class="cid">{}</span> {}').format(cid, label)
            row = [Cell(head, (label or cid).lower())]
            # Most outlets did not report most figures: visit only the outlets that did, in column order.
            row_cells = [empty] * len(cols)
            for o in sorted((o for o in by_outlet if o in col_at), key=col_at.__getitem__):
                entries: list[Markup] = []
                first_val: float | str = ""
                for rec in by_outlet[o][:MAX_CELL_ENTRIES]:
                    text = str(rec["cell"]) if not _blank(rec.get("cell")) else f"{fmt_figure(rec)} {fmt_source(rec)}"
                    eid = ev.add(rec, "figure", _reference_extra(rec))
                    rel = rec.get("relation")
                    badge = Markup(' <span class="rel rel-{}">{}</span>').format(
                        re.sub(r"\W+", "-", str(rel)), _words(rel)) if not _blank(rel) and str(rel) not in SAME \
                        else Markup("")
                    entries.append(_ev_button(eid, text) + badge)
                    if first_val == "":
                        v = _float(rec.get("value"))
                        v = v if v is not None else _float(rec.get("low"))
                        first_val = v if v is not None else ""
                entries.extend(_more(len(by_outlet[o])))
                row_cells[col_at[o]] = Cell(Markup("<br>").join(entries), first_val)
            row.extend(row_cells)
            row.append(Cell(escape(str(n_outlets)), float(n_outlets)))
            t.rows.append(row)
            if differ:
                row[0].html = row[0].html + Markup(' <span class="flag">outlets differ</span>')
        t.numeric = [False] + [True] * len(cols) + [True]
        t.note = _cut_note(len(groups), t.total, "figure_cells.csv")
        return t, ("One row per figure cluster (the same figure reported across outlets), one column per "
                   "outlet. Click a value to see the sentence it comes from.")
    if figures is not None and len(figures):
        cols = [c for c in ("outlet", "published", "text", "value", "low", "high", "qualifier", "metric", "counted",
                            "place", "source_canonical", "descriptor", "hedged") if c in figures.columns]
        t = _table("figure-table", "Figures", figures, cols, ev, "figure", "figures.csv")
        return t, ("Figures have not been matched across outlets in this run (no figure_cells table), so this "
                   "is one row per figure as extracted. Click “sentence” to see where it comes from.")
    return Table("figure-table", "Figures", []), ""


def _speaker(rec: dict[str, Any]) -> str:
    """'Health Ministry ("Hamas-run") said' or 'unattributed', for an attribution cell."""
    src = _first(rec, ("speaker", "speaker_canonical", "source_canonical", "speaker_text", "source_text"))
    if not src:
        return "unattributed"
    desc = _first(rec, ("descriptor",))
    cue = _first(rec, ("cue",))
    return src + (f" (“{desc}”)" if desc else "") + (f", {cue}" if cue else "")


def _first(rec: dict[str, Any], keys: Sequence[str]) -> str:
    """The first non-blank value among ``keys``."""
    for k in keys:
        if not _blank(rec.get(k)):
            return str(rec[k])
    return ""


def attribution_section(frames: dict[str, pd.DataFrame], ev: Evidence, outlets: list[str],
                        labels: Labels | None = None) -> tuple[Table, str]:
    """The attribution table: one row per claim cluster, one column per outlet (or per-attribution rows)."""
    claims = frames.get("claims")
    attrs = frames.get("attributions")
    if claims is not None and len(claims) and {"cluster_id", "outlet"} <= set(claims.columns):
        keep = claims["cluster_id"].notna() & claims["cluster_id"].astype(str).ne("")
        cells = claims if bool(keep.all()) else claims[keep]  # every claim has a cluster after matching: no copy
        labels = _cluster_labels(frames) if labels is None else labels
        groups, total = _top_clusters(cells, labels, MAX_ROWS)
        groups = _within_budget(groups)
        cols = _shown_outlets(outlets, groups)
        ev.load(_shown_articles(groups), ("attributions", "figures"))  # what Evidence.add_claim marks
        t = Table("attribution-table", "Attributions by outlet", ["claim", *cols, "outlets"], total=total)
        col_at = {o: i for i, o in enumerate(cols)}
        empty = Cell(Markup(""), "")  # shared by every empty cell of the table: never changed
        for cid, by_outlet, n_outlets in groups:
            label = labels.get(cid, "")
            row = [Cell(Markup('<span class="cid">{}</span> {}').format(cid, label), (label or cid).lower())]
            row_cells = [empty] * len(cols)
            for o in sorted((o for o in by_outlet if o in col_at), key=col_at.__getitem__):
                mine = by_outlet[o]
                entries = []
                for rec in mine[:MAX_CELL_ENTRIES]:
                    extra = [("Relation", _words(rec["relation"]))] if not _blank(rec.get("relation")) else []
                    entries.append(_ev_button(ev.add_claim(rec, extra), _speaker(rec)))
                entries.extend(_more(len(mine)))
                row_cells[col_at[o]] = Cell(Markup("<br>").join(entries), _speaker(mine[0]).lower() if mine else "")
            row.extend(row_cells)
            row.append(Cell(escape(str(n_outlets)), float(n_outlets)))
            t.rows.append(row)
        t.numeric = [False] + [False] * len(cols) + [True]
        t.note = _cut_note(len(groups), t.total, "claims.csv")
        return t, ("One row per claim cluster (the same statement or figure across outlets), one column per "
                   "outlet: the source as that outlet attributed it, with the descriptor and the cue it used, or "
                   "“unattributed”. Click an entry to see the sentence.")
    if attrs is not None and len(attrs):
        cols = [c for c in ("outlet", "published", "source_canonical", "source_text", "descriptor", "cue", "kind",
                            "content", "hedged") if c in attrs.columns]
        t = _table("attribution-table", "Attributions", attrs, cols, ev, "attribution", "attributions.csv")
        return t, ("Attributions have not been matched across outlets in this run, so this is one row per "
                   "attribution as extracted. Click “sentence” to see it in context.")
    return Table("attribution-table", "Attributions", []), ""




def _side(rec: dict[str, Any], s: str, art_col: str | None, ev: Evidence, extra: Sequence[tuple[str, str]],
          label: str = "") -> Cell:
    """One side of a pair: outlet and date, and its cell text (or ``label``) opening the evidence."""
    outlet = _first(rec, (f"outlet{s}",))
    when = _first(rec, (f"published{s}",))
    text = _first(rec, (f"cell{s}",)) or label or "sentence"
    eid = ev.locate(rec.get(art_col), rec.get(f"start{s}"), extra) if art_col else None
    head = Markup("<strong>{}</strong> <span class=\"when\">{}</span><br>").format(outlet, when) if outlet else \
        Markup("")
    return Cell(head + _ev_button(eid, text), f"{outlet} {when}".lower())


def discrepancy_table(df: pd.DataFrame | None, ev: Evidence, labels: Labels) -> Table:
    """Discrepancies: one row per pair of reports that differ, with the relation and both reports."""
    if df is None:
        return Table("discrepancies", "Discrepancies", [])
    t = Table("discrepancies", "Discrepancies", ["cluster", "relation", "report a", "report b", "detail"],
              total=len(df))
    art_a = next((c for c in ("article_id_a", "article_a") if c in df.columns), None)
    art_b = next((c for c in ("article_id_b", "article_b") if c in df.columns), None)
    if isinstance(labels, ClusterLabels) and "cluster_id" in df.columns:
        labels.fetch(df["cluster_id"].head(MAX_ROWS).dropna().tolist())
    ev.load(v for c in (art_a, art_b) if c for v in df[c].head(MAX_ROWS).tolist())  # what _side locates
    for rec in records(df.head(MAX_ROWS)):
        cid = _first(rec, ("cluster_id",))
        label = _first(rec, ("label",)) or labels.get(cid, "")
        rel = _first(rec, ("relation",))
        rels = [r for r in _first(rec, ("relations",)).split("|") if r and r != rel]
        rel_html = Markup('<span class="rel">{}</span>').format(_words(rel))
        if rels:
            rel_html += Markup('<br><span class="note">also: {}</span>').format(", ".join(_words(r) for r in rels))
        extra = [("Relation", _words(rel))]
        detail = _first(rec, ("detail",))
        t.rows.append([
            Cell(Markup('<span class="cid">{}</span> {}').format(cid, _short(label)), (label or cid).lower()),
            Cell(rel_html, rel),
            _side(rec, "_a", art_a, ev, extra),
            _side(rec, "_b", art_b, ev, extra),
            Cell(diff_markup(detail), detail.lower()),
        ])
    t.numeric = [False] * 5
    if len(df) > MAX_ROWS:
        t.note = f"Showing the first {MAX_ROWS:,} of {len(df):,} rows; discrepancies.csv has them all."
    return t


def syndication_table(df: pd.DataFrame | None, ev: Evidence) -> Table:
    """Syndicated copies: each republished passage with its original, grouped by syndication id."""
    if df is None:
        return Table("syndication", "Syndicated copies", [])
    art = next((c for c in ("article_id", "article") if c in df.columns), None)
    cols = [c for c in ("syndication_id", "is_original", "original_outlet", "score", "rule") if c in df.columns]
    t = Table("syndication", "Syndicated copies", ["report", *[_words(c) for c in cols]], total=len(df))
    order = df.sort_values([c for c in ("syndication_id", "is_original", "published", "outlet") if c in df.columns],
                           ascending=[c != "is_original" for c in ("syndication_id", "is_original", "published",
                                                                   "outlet") if c in df.columns], kind="stable")
    if art:
        ev.load(order[art].head(MAX_ROWS).tolist())  # the passages, and what _side locates
    for rec in records(order.head(MAX_ROWS)):
        start = _int(rec.get("start"))
        passage = next((c.get("text") for c in ev.claim_by_article.get(str(rec.get(art)), [])
                        if _int(c.get("start")) == start), "") if art else ""
        side = _side(rec, "", art, ev, [("Syndication", _words(rec.get("rule")))] if rec.get("rule") else [],
                     _short(passage, 80))
        t.rows.append([side, *(_plain_cell(_words(rec.get(c)) if c == "rule" else rec.get(c)) for c in cols)])
    t.numeric = [False] + [bool(all(isinstance(r[i + 1].sort, float) or r[i + 1].sort == "" for r in t.rows))
                           for i in range(len(cols))]
    if len(df) > MAX_ROWS:
        t.note = f"Showing the first {MAX_ROWS:,} of {len(df):,} rows; syndication.csv has them all."
    return t


# An id attribute, a url(#id) reference or an "#id" link in matplotlib's SVG.
_SVG_REF = re.compile(r'(id="|#)([^"()#]+)("|\))')


def _prefix_ids(svg: str, prefix: str) -> str:
    """Make an SVG's element ids unique in the page (matplotlib reuses them across figures)."""
    ids = set(re.findall(r'id="([^"]+)"', svg))

    def sub(m: re.Match[str]) -> str:
        i = m.group(2)
        return f"{m.group(1)}{prefix}{i}{m.group(3)}" if i in ids else m.group(0)

    # One pass over the SVG (a str.replace per id was quadratic in the plot's size).
    return _SVG_REF.sub(sub, svg)


def timelines(frames: dict[str, pd.DataFrame], colours: dict[str, str],
              labels: Labels | None = None) -> tuple[list[dict[str, Any]], int]:
    """SVG timelines of the figure clusters: each outlet's reported values by publication date.

    Clusters with the same label (the same metric, group and scope, e.g. "people killed,
    cumulative") share one plot, so a running total reported by several outlets over several
    days reads as one line per outlet. Only plots with something to compare are drawn (two
    reports or more, or a reference value); the MAX_PLOTS with most outlets come first.

    Returns:
        The plots, and how many single-report groups were left out.
    """
    cells = frames.get("figure_cells")
    if cells is None or not len(cells) or not {"cluster_id", "outlet", "published"} <= set(cells.columns):
        return [], 0
    df = _join_figures(cells, frames.get("figures"))
    labels = _cluster_labels(frames) if labels is None else labels
    cid = df["cluster_id"].astype(str)
    if isinstance(labels, ClusterLabels):
        labels.fetch(cid.tolist())
        labels = labels.known
    key = cid.map(labels).fillna(cid)
    size = key.value_counts()
    n_out = df.groupby(key, sort=False)["outlet"].nunique()
    has_ref: pd.Series = pd.Series(False, index=size.index)
    if {"reference_date", "reference_value"} <= set(df.columns):
        ok = pd.to_numeric(df["reference_value"], errors="coerce").notna() & df["reference_date"].notna()
        has_ref = ok.groupby(key).any()
    eligible = [k for k in size.index if size[k] >= 2 or bool(has_ref.get(k, False))]
    skipped = len(size) - len(eligible)
    chosen = sorted(eligible, key=lambda k: (-int(n_out[k]), -int(size[k]), k))[:MAX_PLOTS]
    sub = df[key.isin(set(chosen))]
    recs: dict[str, list[dict[str, Any]]] = {k: [] for k in chosen}
    for k, rec in zip(key[sub.index], records(sub)):
        recs[k].append(rec)
    plots: list[dict[str, Any]] = []
    for name in chosen:
        rows = recs[name]
        ref = sorted({(str(r["reference_date"])[:10], f) for r in rows
                      if not _blank(r.get("reference_date")) and (f := _float(r.get("reference_value"))) is not None})
        pts = [Point(str(r["outlet"]), str(r["published"])[:19] if not _blank(r.get("published")) else "",
                     _float(r.get("value")), _float(r.get("low")), _float(r.get("high")),
                     str(r.get("qualifier") or "exact")) for r in rows]
        outlets_here = {str(r.get("outlet")) for r in rows}
        svg = timeline_svg(pts, {o: c for o, c in colours.items() if o in outlets_here}, ref)
        if svg:
            cids = sorted({str(r.get("cluster_id")) for r in rows})
            plots.append({"cluster_id": cids[0] if len(cids) == 1 else f"{len(cids)} clusters",
                          "label": name if name != cids[0] else "",
                          "svg": Markup(_prefix_ids(svg, f"t{len(plots) + 1}-")),
                          "outlets": len(outlets_here), "reports": len(rows)})
    return plots, skipped


def summary(frames: dict[str, pd.DataFrame], config: dict[str, Any] | None = None) -> list[tuple[str, str, str]]:
    """(label, count, note) rows for the page's opening summary.

    With the run's settings, says how many clusters the per-outlet tables leave out
    (``[match] table_min_outlets``; they stay in clusters.csv).
    """
    arts = frames.get("articles", pd.DataFrame())
    rej = frames.get("rejected", pd.DataFrame(columns=["skipped"]))
    skipped = rej["skipped"].astype(str).str.lower().eq("true") if len(rej) else pd.Series([], dtype=bool)
    rows = [
        ("Articles", f"{len(arts):,}", ""),
        ("Outlets", f"{arts['outlet'].nunique():,}" if len(arts) and "outlet" in arts.columns else "0", ""),
        ("Rejected inputs", f"{int((~skipped).sum()):,}", "listed in rejected.csv with the reason"),
    ]
    if int(skipped.sum()):
        rows.append(("Skipped (not articles)", f"{int(skipped.sum()):,}", "README or licence files in a corpus folder"))
    for name, label in (("figures", "Figures extracted"), ("attributions", "Attributions extracted"),
                        ("claims", "Claims"), ("clusters", "Claim clusters"),
                        ("discrepancies", "Discrepancies (outlets differ)"),
                        ("syndication", "Syndicated copies")):
        df = frames.get(name)
        rows.append((label, f"{len(df):,}" if df is not None else "–",
                     "" if df is not None else "not computed in this run"))
        if name == "clusters" and df is not None and len(df) and "n_outlets" in df.columns:
            rows.extend(_table_rows_note(df, config))
    return rows


def _table_rows_note(clusters: pd.DataFrame, config: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """The summary row saying which clusters the per-outlet tables hold, when they leave some out."""
    from provenance.report.tables import single_outlet_note, table_min_outlets

    m = (config or {}).get("match", {})
    if "table_min_outlets" not in m or "table_auto_max_rows" not in m:
        return []
    k = table_min_outlets(m, len(clusters))
    note = single_outlet_note(clusters, k)
    if not note:
        return []
    kept = int((clusters["n_outlets"] >= k).sum())
    return [(f"Clusters in the per-outlet tables (reported by {k}+ outlets)", f"{kept:,}", note)]


def _template() -> Any:
    import jinja2

    assets = resources.files("provenance.report").joinpath("assets")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["num"] = fmt_number
    tpl = env.from_string(assets.joinpath("report.html.j2").read_text("utf-8"))
    return tpl, assets.joinpath("report.css").read_text("utf-8"), assets.joinpath("report.js").read_text("utf-8")


def render_html(frames: dict[str, pd.DataFrame], config: dict[str, Any] | None = None, title: str = "") -> str:
    """Render the report page.

    Args:
        frames: Table name -> DataFrame, as ``pipeline.run`` produces (any subset).
        config: Settings of the run (shown at the end of the page so a run can be reproduced).
        title: Page title; "provenance report" when empty.

    Returns:
        The whole HTML document, deterministic for the same input.

    Examples:
        >>> import pandas as pd
        >>> html = render_html({"articles": pd.DataFrame(columns=["article_id", "outlet"])})
        >>> "No figures" in html
        True
    """
    tpl, context = _page(frames, config, title)
    return tpl.render(**context)  # type: ignore[no-any-return]


def _page(frames: dict[str, pd.DataFrame], config: dict[str, Any] | None, title: str) -> tuple[Any, dict[str, Any]]:
    """The page's template and what it is rendered with (``render_html``, ``write_html``)."""
    from provenance.config import dump_config

    arts = frames.get("articles", pd.DataFrame(columns=["article_id", "outlet"]))
    ev = Evidence(arts, frames.get("attributions"), frames.get("figures"), frames.get("claims"))
    outlets = _sorted_outlets(arts, frames.get("figure_cells"), frames.get("claims"))
    colours = outlet_colours(outlets)
    labels = ClusterLabels(frames)  # the labels of the clusters shown only (695k clusters on ABP)
    fig_t, fig_about = figure_section(frames, ev, outlets, labels)
    att_t, att_about = attribution_section(frames, ev, outlets, labels)
    disc_t = discrepancy_table(frames.get("discrepancies"), ev, labels)
    synd_t = syndication_table(frames.get("syndication"), ev)
    first_t = _table("first-reports", "First reports", frames["first_reports"], csv_name="first_reports.csv") \
        if "first_reports" in frames else None
    art_cols = [c for c in ("outlet", "published", "title", "url", "author", "figures", "attributions", "duplicates")
                if c in arts.columns]
    arts_sorted = arts.sort_values([c for c in ("published", "outlet") if c in arts.columns], kind="stable",
                                   na_position="last") if len(arts) else arts
    art_t = _table("articles", "Articles", arts_sorted, art_cols)
    rej = frames.get("rejected")
    rej_t = None
    if rej is not None and len(rej):
        real = rej[~rej["skipped"].astype(str).str.lower().eq("true")] if "skipped" in rej.columns else rej
        rej_t = _table("rejected", "Rejected inputs", real, [c for c in ("input", "row", "reason") if c in rej.columns])
    plots, single = timelines(frames, colours, labels)
    tpl, css, js = _template()
    return tpl, {
        "title": title or "provenance report",
        "summary": summary(frames, config),
        "outlets": [(o, colours[o]) for o in outlets],
        "figure_table": fig_t, "figure_about": fig_about,
        "attribution_table": att_t, "attribution_about": att_about,
        "discrepancies": disc_t, "syndication": synd_t, "first_reports": first_t,
        "has_discrepancies": "discrepancies" in frames, "has_syndication": "syndication" in frames,
        "articles": art_t, "rejected": rej_t, "plots": plots, "max_plots": MAX_PLOTS, "single_plots": single,
        "evidence": ev.templates(),
        "settings": dump_config(config) if config else "",
        "css": Markup(css), "js": Markup(js),
        "data_json": Markup(json.dumps({"outlets": outlets}, ensure_ascii=False).replace("</", "<\\/")),
    }


def write_html(frames: dict[str, pd.DataFrame], out_dir: str | Path, config: dict[str, Any] | None = None) -> Path:
    """Write ``report.html`` into ``out_dir`` atomically.

    Args:
        frames: Table name -> DataFrame.
        out_dir: An existing, writable run folder.
        config: Settings of the run.

    Returns:
        The path written.
    """
    from provenance.report import atomic_write

    target = Path(out_dir) / "report.html"
    tpl, context = _page(frames, config, "")

    def write(tmp: str) -> None:
        # The template's pieces written as they are rendered: the page is never held whole, as a
        # string and then as its UTF-8 bytes (``render_html`` joins the same pieces).
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.writelines(tpl.generate(**context))

    atomic_write(target, write)
    return target


__all__ = ["MAX_CELL_ENTRIES", "MAX_ENTRIES", "MAX_PLOTS", "MAX_ROWS", "Evidence", "fmt_figure", "fmt_number", "fmt_source", "mark_text",
           "render_html", "write_html"]
