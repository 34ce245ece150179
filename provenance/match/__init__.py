"""Matching: claims, blocking, named comparisons and clustering across outlets (issue 6).

``match_frames`` turns the extraction tables into claims, figure clusters and claim clusters,
finds syndicated copies, checks figures against a reference series when one is given, and
builds the comparison tables (``provenance.report.tables``). Everything is deterministic:
ids are content hashes and rows are sorted, so reruns give identical tables.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from provenance.match.blocking import MATCHED_METRICS, BlockingStats
from provenance.match.claims import build_claims, prepare_figures, release_arrow_memory
from provenance.match.cluster import FigureSettings, TextSettings, cluster_figures, cluster_text_claims
from provenance.match.comparisons import FigureInterval
from provenance.match.reference import ReferenceIndex, load_reference
from provenance.match.sources import SourceSettings, group_of, source_groups
from provenance.match.syndication import find_syndication
from provenance.match.tokens import TokenCache

log = logging.getLogger(__name__)


@dataclass
class MatchStats:
    """Blocking and comparison counts of one matching run (the benchmark reports them)."""

    figures: BlockingStats = field(default_factory=BlockingStats)
    text: BlockingStats = field(default_factory=BlockingStats)
    syndication: BlockingStats = field(default_factory=BlockingStats)

    @property
    def candidate_pairs(self) -> int:
        """All candidate pairs compared, over every rule."""
        return self.figures.candidate_pairs + self.text.candidate_pairs + self.syndication.candidate_pairs


def figure_clusters(figs: pd.DataFrame, settings: FigureSettings, config: dict[str, Any],
                    stats: BlockingStats | None = None) -> list[str]:
    """``cluster_figures`` where the run's engine runs: in this process, or on the Dask cluster
    of ``[engine] scheduler`` shuffled by block key (``engine.dask.cluster_figures_by_block``,
    the same function on every block, so the same ids)."""
    eng = config.get("engine") or {}
    if eng.get("engine") == "dask":
        from provenance.engine.dask import cluster_figures_by_block, connect

        with connect(eng.get("scheduler") or None) as client:
            return cluster_figures_by_block(figs, settings, client, stats=stats)
    return cluster_figures(figs, settings, stats)


def cluster_claims(
    frames: Mapping[str, pd.DataFrame], config: dict[str, Any], *, texts: Mapping[str, str] | None = None,
    stats: MatchStats | None = None, tokens: TokenCache | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Claims and figures, each with its ``cluster_id``.

    A claim whose primary figure is a matched count (killed, injured, hostage, ...) takes that
    figure's cluster (a figure with no side blocks with the other side-less figures); every other claim is clustered on its text (quotes of the
    same speaker, paraphrases sharing rare words).

    Args:
        frames: Extraction tables (articles, figures, attributions, dates).
        config: Settings.
        texts: Article id -> text; when given each article is one claim (``build_claims``).
        stats: Filled with blocking counts.
        tokens: Filled with the content tokens of text claims (``cluster_text_claims``).

    Returns:
        (claims, figures), both with ``cluster_id``.
    """
    m = config["match"]
    stats = stats or MatchStats()
    figs = prepare_figures(frames.get("figures", pd.DataFrame()))
    atts = frames.get("attributions", pd.DataFrame())
    extra = ([c if isinstance(c, str) and c else t for c, t in zip(atts["source_canonical"], atts["source_text"])]
             if len(atts) and {"source_canonical", "source_text"} <= set(atts.columns) else [])
    groups_of_figs, groups = source_groups(figs, frames.get("actors"), SourceSettings.from_config(m), extra)
    figs["source_group"] = groups_of_figs if len(figs) else pd.Series(dtype=object)
    figs["cluster_id"] = figure_clusters(figs, FigureSettings.from_config(m), config, stats.figures) if len(figs) else []
    claims = build_claims({**frames, "figures": figs}, texts=texts)
    # Speakers compared as source groups ("Estranian Health Ministry" = "Estrania's Health
    # Ministry"); speaker_text keeps the words as written.
    # A figure's own source group wins; a figure without one (NaN in the column, which is truthy,
    # so test for a string) leaves the claim's attributed speaker in place.
    fig_group = ({f: g for f, g in zip(figs["figure_id"], figs["source_group"]) if isinstance(g, str) and g}
                 if len(figs) else {})
    claims["speaker"] = [fig_group.get(f) or group_of(sp, groups) if isinstance(f, str) else group_of(sp, groups)
                         for f, sp in zip(claims["figure_id"], claims["speaker"])]
    del fig_group, groups
    fig_cluster = dict(zip(figs["figure_id"], figs["cluster_id"])) if len(figs) else {}
    by_figure = claims["figure_id"].notna() & claims["metric"].isin(MATCHED_METRICS)
    claims["cluster_id"] = claims["figure_id"].map(fig_cluster).where(by_figure)
    del fig_cluster
    if (~by_figure).any():
        # Only the columns text clustering reads (a filtered copy of all 35 took ~400 MB on ABP).
        rest = claims.loc[~by_figure, ["claim_id", "text", "speaker", "quote", "published"]]
        ids, _ = cluster_text_claims(rest, TextSettings.from_config(m), m["similarity"]["text_cutoff"], stats.text,
                                     tokens=tokens)
        del rest
        release_arrow_memory()
        claims.loc[~by_figure, "cluster_id"] = ids
    return claims, figs


def match_frames(
    frames: dict[str, pd.DataFrame], config: dict[str, Any], *, texts: Mapping[str, str] | None = None,
    reference: pd.DataFrame | None = None, stats: MatchStats | None = None,
) -> dict[str, pd.DataFrame]:
    """Build claims and cross-outlet clusters from the extraction tables, and the comparison tables.

    Args:
        frames: Tables from ``FrameBuilder.frames`` (articles, figures, attributions, ...).
        config: Settings (the ``match`` section; ``match.reference.path`` names a reference
            series file when ``reference`` is not given).
        texts: Article id -> text, to make every article one claim (headline corpora).
        reference: A reference series already loaded (``load_reference``).
        stats: Filled with blocking counts.

    Returns:
        New and updated tables: claims, figures and attributions (with ``cluster_id``),
        clusters, figure_table, figure_cells, attribution_table, first_reports,
        discrepancies, syndication.

    Raises:
        ReferenceSeriesError: The configured reference file cannot be read.
    """
    from provenance.report.tables import build_tables  # report consumes match's frames

    m = config["match"]
    stats = stats or MatchStats()
    tokens = TokenCache()  # claim texts are tokenised once, for both
    claims, figs = cluster_claims(frames, config, texts=texts, stats=stats, tokens=tokens)
    synd = find_syndication(claims, config, stats.syndication, tokens=tokens)
    del tokens
    release_arrow_memory()
    if reference is None and m["reference"]["path"]:
        reference = load_reference(m["reference"]["path"])
    ref_index = None
    if reference is not None:
        r = m["reference"]
        ref_index = ReferenceIndex(reference, r["max_lag_days"], r["tolerance"],
                                   FigureInterval(m["relation_slack"], m["relation_slack"]), r["max_lead_days"])
    atts = frames.get("attributions", pd.DataFrame()).copy()
    if len(atts):
        key = dict(zip(zip(claims["article_id"], claims["sentence_index"]), claims["cluster_id"]))
        atts["cluster_id"] = [key.get((a, i)) for a, i in zip(atts["article_id"], atts["sentence_index"])]
    elif "cluster_id" not in atts.columns:
        atts["cluster_id"] = pd.Series(dtype=object)
    out = build_tables(claims, figs, synd, config, frames.get("articles"), ref_index)
    out["attributions"] = atts
    log.info("matched %d claims into %d clusters (%d candidate pairs)", len(claims), len(out["clusters"]),
             stats.candidate_pairs)
    return out


__all__ = ["MatchStats", "cluster_claims", "figure_clusters", "match_frames"]
