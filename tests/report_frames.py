"""Frames for report tests, built by hand from the sample corpus's real text.

The report must render whatever the extractors and the matcher produce, so its tests do not
depend on their current output: these frames have the columns provenance/frames.py and
provenance/report/tables.py write, with spans located in the sample articles by string search.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd
from conftest import REPO

from provenance.extract.sentences import split_sentences
from provenance.ingest import iter_ingest
from provenance.models import Article

SAMPLE = str(REPO / "corpora" / "sample")

# (outlet, figure text, value, low, high, qualifier, source as written, canonical, descriptor, cue, cluster)
FIGURES = [
    ("Meridian Wire Service", "212", 212, 212, 212, "exact", "Estrania's Health Ministry", "Estranian Health Ministry",
     None, "said", "fc-killed"),
    ("The Harbour Courier", "212", 212, 212, 212, "exact", "Estrania's Health Ministry", "Estranian Health Ministry",
     None, "said", "fc-killed"),
    ("Northgate Daily", "More than 200", 200, 200, None, "more_than", None, None, None, None, "fc-killed"),
    ("Northgate Daily", "At least 230", 230, 230, None, "at_least", "the Estranian Health Ministry",
     "Estranian Health Ministry", None, "according to", "fc-killed"),
    ("Radio Lumen", "340", 340, 340, 340, "exact", "The opposition Civic Front", "Civic Front", "opposition",
     "said", "fc-killed"),
    ("The Evening Ledger", "230", 230, 230, 230, "exact", "the Estranian Health Ministry",
     "Estranian Health Ministry", None, "says", "fc-killed"),
    ("Northgate Daily", "up to 12,000", 12000, None, 12000, "up_to", "the Red Lantern relief agency",
     "Red Lantern relief agency", None, "estimated", "fc-displaced"),
    ("The Evening Ledger", "roughly 12,000", 12000, None, None, "about", "The Red Lantern relief agency",
     "Red Lantern relief agency", None, "said", "fc-displaced"),
]
RELATIONS = {"Meridian Wire Service": "representative", "The Harbour Courier": "same_figure",
             "Northgate Daily": "qualifier_only", "Radio Lumen": "conflicting_figure",
             "The Evening Ledger": "updated_figure"}


@lru_cache(maxsize=1)
def _articles() -> tuple[Article, ...]:
    return tuple(a for a in iter_ingest([SAMPLE]) if isinstance(a, Article))


def _find(text: str, needle: str, after: int = 0) -> int:
    i = text.find(needle, after)
    assert i >= 0, f"{needle!r} is not in the sample text any more"
    return i


def matched_frames() -> dict[str, pd.DataFrame]:
    """Articles, figures, attributions, claims and the matching tables for the sample corpus."""
    arts = _articles()
    by_outlet = {a.outlet: a for a in arts}
    articles = pd.DataFrame([{
        "article_id": a.article_id, "source": a.source, "outlet": a.outlet, "published": a.published,
        "published_precision": a.published_precision, "published_inferred": a.published_inferred, "url": a.url,
        "title": a.title, "author": a.author, "duplicates": 0} for a in arts])
    figs: list[dict[str, Any]] = []
    atts: list[dict[str, Any]] = []
    claims: list[dict[str, Any]] = []
    for i, (outlet, ftext, v, lo, hi, q, src, canon, desc, cue, cid) in enumerate(FIGURES):
        a = by_outlet[outlet]
        t = a.text
        fs = _find(t, ftext, t.find("\n") + 1 if t.startswith("#") else 0)
        sent = next(s for s in split_sentences(t) if s.start <= fs < s.end)
        ctx = {"article_id": a.article_id, "source": a.source, "outlet": outlet, "published": a.published}
        row = {**ctx, "index": i, "start": fs, "end": fs + len(ftext), "text": ftext, "value": v, "low": lo,
               "high": hi, "qualifier": q, "metric": "killed" if cid == "fc-killed" else "displaced",
               "counted": "people", "source_text": None, "source_start": None, "source_end": None,
               "source_canonical": canon, "descriptor": desc, "sentence_index": 0, "sentence_start": sent.start,
               "sentence_end": sent.end, "sentence": t[sent.start:sent.end]}
        if src:
            ss = _find(t, src, sent.start)
            cs = _find(t, cue, sent.start)
            row.update(source_text=src, source_start=ss, source_end=ss + len(src))
            atts.append({**ctx, "index": i, "kind": "indirect", "source_text": src, "source_start": ss,
                         "source_end": ss + len(src), "source_canonical": canon, "descriptor": desc, "cue": cue,
                         "cue_start": cs, "cue_end": cs + len(cue), "start": min(ss, cs, fs),
                         "end": max(ss + len(src), cs + len(cue), fs + len(ftext)),
                         "content": t[fs:sent.end], "content_spans": f"{fs}-{sent.end}", "hedged": False,
                         "rule": "test", "confidence": 1.0, "sentence_index": 0, "sentence_start": sent.start,
                         "sentence_end": sent.end, "sentence": t[sent.start:sent.end], "cluster_id": "cc-toll"})
        figs.append(row)
        claims.append({**ctx, "claim_id": f"cl{i}", "start": sent.start, "end": sent.end, "sentence_index": 0,
                       "kind": "figure", "text": t[sent.start:sent.end], "speaker": canon, "speaker_text": src,
                       "descriptor": desc, "cue": cue, "cluster_id": "cc-toll" if cid == "fc-killed" else cid,
                       "relation": RELATIONS[outlet]})
    figures = pd.DataFrame(figs)
    cells = figures.assign(cluster_id=[f[-1] for f in FIGURES], relation=[RELATIONS[f[0]] for f in FIGURES],
                           cell=None, reference_value=[230.0 if f[-1] == "fc-killed" else None for f in FIGURES],
                           reference_date=["2024-03-05" if f[-1] == "fc-killed" else None for f in FIGURES],
                           lag_days=[1 if f[-1] == "fc-killed" else None for f in FIGURES])
    from provenance.report.html import fmt_figure, fmt_source

    cells["cell"] = [f"{fmt_figure(r)} {fmt_source(r)}" for r in cells.to_dict("records")]
    clusters = pd.DataFrame({"cluster_id": ["cc-toll", "fc-displaced", "fc-killed"],
                             "kind": ["claim", "figure", "figure"],
                             "label": ["death toll statements", "people displaced", "people killed, cumulative"]})
    a, b = figures.iloc[4], figures.iloc[5]
    discrepancies = pd.DataFrame([{
        "cluster_id": "fc-killed", "label": "people killed, cumulative", "relation": "conflicting_figure",
        "outlet_a": a.outlet, "cell_a": "340 [Civic Front]", "article_a": a.article_id, "start_a": a.start,
        "end_a": a.end, "outlet_b": b.outlet, "cell_b": "230 [Estranian Health Ministry]", "article_b": b.article_id,
        "start_b": b.start, "end_b": b.end}])
    m, h = figures.iloc[0], figures.iloc[1]
    syndication = pd.DataFrame([
        {"syndication_id": "s1", "article_id": m.article_id, "outlet": m.outlet, "published": m.published,
         "start": m.sentence_start, "end": m.sentence_end, "is_original": True, "original_outlet": m.outlet,
         "score": 100.0, "rule": "exact_text"},
        {"syndication_id": "s1", "article_id": h.article_id, "outlet": h.outlet, "published": h.published,
         "start": h.sentence_start, "end": h.sentence_end, "is_original": False, "original_outlet": m.outlet,
         "score": 100.0, "rule": "exact_text"}])
    return {
        "articles": articles, "rejected": pd.DataFrame(columns=["input", "row", "reason", "skipped"]),
        "figures": figures, "attributions": pd.DataFrame(atts), "claims": pd.DataFrame(claims),
        "figure_cells": cells, "clusters": clusters, "discrepancies": discrepancies, "syndication": syndication,
    }


def sample_frames() -> dict[str, pd.DataFrame]:
    """The extraction-level tables only (as a run writes them before matching)."""
    f = matched_frames()
    return {k: f[k] for k in ("articles", "rejected", "figures", "attributions")}
