"""Frames for report tests: the sample corpus's extraction tables plus matching tables shaped as
provenance/match writes them (figure_cells, clusters, discrepancies, syndication), so the HTML
report can be tested whatever stage matching has reached."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
from conftest import REPO

from provenance import pipeline
from provenance.config import load_config

SAMPLE = str(REPO / "corpora" / "sample")


@lru_cache(maxsize=1)
def _sample() -> dict[str, pd.DataFrame]:
    return pipeline.collect([SAMPLE], config=load_config(), workers=1)


def sample_frames() -> dict[str, pd.DataFrame]:
    """The sample corpus's extraction tables (articles, rejected, figures, attributions, ...)."""
    return {k: v.copy() for k, v in _sample().items()}


def matched_frames() -> dict[str, pd.DataFrame]:
    """Sample tables plus matching tables: one cluster per metric, with relations and a reference."""
    f = sample_frames()
    figs = f["figures"]
    assert len(figs), "the sample corpus should have figures"
    cells = figs.copy()
    cells["cluster_id"] = "fc-" + cells["metric"].astype(str)
    cells["relation"] = ["same", "updated_figure", "conflicting_figure"] * (len(cells) // 3) + \
        ["same"] * (len(cells) % 3)
    cells["reference_value"] = 230.0
    cells["reference_date"] = "2024-03-05"
    cells["lag_days"] = 1
    f["figure_cells"] = cells[["cluster_id", "outlet", "article_id", "published", "start", "end", "sentence_start",
                               "sentence_end", "value", "low", "high", "qualifier", "source_canonical", "descriptor",
                               "relation", "reference_value", "reference_date", "lag_days"]]
    ids = sorted(cells["cluster_id"].unique())
    f["clusters"] = pd.DataFrame({"cluster_id": ids, "label": [f"people {i[3:]}" for i in ids]})
    a, b = figs.iloc[0], figs.iloc[-1]
    f["discrepancies"] = pd.DataFrame({
        "cluster_id": ["fc-killed"], "relation": ["conflicting_figure"],
        "outlet_a": [a.outlet], "article_id_a": [a.article_id], "start_a": [a.start], "end_a": [a.end],
        "outlet_b": [b.outlet], "article_id_b": [b.article_id], "start_b": [b.start], "end_b": [b.end],
    })
    arts = f["articles"]
    f["syndication"] = pd.DataFrame({"article_id_a": [arts.article_id.iloc[0]], "outlet_a": [arts.outlet.iloc[0]],
                                     "article_id_b": [arts.article_id.iloc[1]], "outlet_b": [arts.outlet.iloc[1]],
                                     "relation": ["republished"], "similarity": [0.97]})
    return f
