"""Matching: claims, blocking, named comparisons and clustering across outlets (issue 6).

``match_frames`` turns the extraction tables into claims, figure clusters and claim clusters,
finds syndicated copies, checks figures against a reference series when one is given, and
builds the comparison tables (``provenance.report.tables``). Everything is deterministic:
ids are content hashes and rows are sorted, so reruns give identical tables.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from provenance.frames import release_arrow_memory, release_memory
from provenance.match.background import Deferred, side_by_side
from provenance.match.blocking import MATCHED_METRICS, BlockingStats
from provenance.match.claims import build_claims, prepare_figures
from provenance.match.cluster import FigureSettings, TextSettings, cluster_figures, cluster_text_claims
from provenance.match.comparisons import FigureInterval
from provenance.match.reference import ReferenceIndex, load_reference
from provenance.match.sources import SourceSettings, groups_of, source_groups
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
    with collections_paused():
        return _cluster_claims(frames, config, texts=texts, stats=stats, tokens=tokens)


@contextmanager
def collections_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while claims are built and clustered (and in the
    children forked meanwhile, which inherit it); reference counting frees memory as before.

    Those stages make millions of lists, tuples and dicts that live for the whole stage, and
    every full collection walked all of them again: 6-9 CPU s of collections on all of ABP.
    They make no reference cycles to speak of, so nothing waits longer to be freed; the
    collector resumes with the report tables.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _cluster_claims(
    frames: Mapping[str, pd.DataFrame], config: dict[str, Any], *, texts: Mapping[str, str] | None = None,
    stats: MatchStats | None = None, tokens: TokenCache | None = None,
    before_text: Callable[[pd.DataFrame, pd.DataFrame], None] | None = None, release_figures: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``cluster_claims``; ``before_text`` is called with the claims (speakers and figure
    clusters set) and the figures (final) before text clustering, so a stage that needs them
    can start beside it. With ``release_figures``, ``frames["figures"]`` is deleted from
    ``frames`` (a dict of the caller's own) once its prepared copy is made."""
    m = config["match"]
    stats = stats or MatchStats()
    atts = frames.get("attributions", pd.DataFrame())
    apart = side_by_side(config, len(frames.get("figures", ())) + len(atts))
    figs = _prepare_figures(frames.get("figures", pd.DataFrame()), apart)
    if release_figures and isinstance(frames, dict):
        frames.pop("figures", None)

    def grouped_sources() -> tuple[list[str | None], dict[str, str]]:
        """Source groups: they read the figures and attributions, not the claims, so they are
        made beside ``build_claims`` and figure clustering when the run has a second process."""
        extra = ([c if isinstance(c, str) and c else t for c, t in
                  zip(atts["source_canonical"].tolist(), atts["source_text"].tolist())]
                 if len(atts) and {"source_canonical", "source_text"} <= set(atts.columns) else [])
        return source_groups(figs, frames.get("actors"), SourceSettings.from_config(m), extra)

    def clusters(st: BlockingStats) -> list[str]:
        """Figure clusters (blocked on metric, counted group and side: source groups are not read)."""
        return figure_clusters(figs, FigureSettings.from_config(m), config, st) if len(figs) else []

    def grouped_and_clustered() -> tuple[tuple[list[str | None], dict[str, str]], list[str], BlockingStats]:
        """Source groups, then figure clusters with their counts: in the child, both beside
        ``build_claims`` (the longer stage), which reads neither."""
        st = BlockingStats()
        return grouped_sources(), clusters(st), st

    fig_ids: list[str] | None = None
    if apart:
        pending = Deferred(grouped_and_clustered, True, "source groups and figure clusters")
        claims = build_claims({**frames, "figures": figs}, texts=texts)
        (groups_of_figs, groups), fig_ids, fstats = pending.result()
        stats.figures.merge(fstats)
        del pending
    else:
        claims = None
        groups_of_figs, groups = grouped_sources()
    figs["source_group"] = groups_of_figs if len(figs) else pd.Series(dtype=object)
    del groups_of_figs
    figs["cluster_id"] = fig_ids if fig_ids is not None else clusters(stats.figures)
    del fig_ids
    if claims is None:
        claims = build_claims({**frames, "figures": figs}, texts=texts)
    # Speakers compared as source groups ("Estranian Health Ministry" = "Estrania's Health
    # Ministry"); speaker_text keeps the words as written.
    # A figure's own source group wins; a figure without one (NaN in the column, which is truthy,
    # so test for a string) leaves the claim's attributed speaker in place.
    fig_group = ({f: g for f, g in zip(figs["figure_id"].tolist(), figs["source_group"].tolist())
                  if isinstance(g, str) and g} if len(figs) else {})
    speaker_groups = groups_of(claims["speaker"].tolist(), groups)
    claims["speaker"] = [(fig_group.get(f) or g) if isinstance(f, str) else g
                         for f, g in zip(claims["figure_id"].tolist(), speaker_groups)]
    del fig_group, groups, speaker_groups
    fig_cluster = dict(zip(figs["figure_id"], figs["cluster_id"])) if len(figs) else {}
    by_figure = claims["figure_id"].notna() & claims["metric"].isin(MATCHED_METRICS)
    claims["cluster_id"] = claims["figure_id"].map(fig_cluster).where(by_figure)
    del fig_cluster
    rest = None
    if (~by_figure).any():
        # Only the columns text clustering reads (a filtered copy of all 35 took ~400 MB on ABP).
        rest = claims.loc[~by_figure, ["claim_id", "text", "speaker", "quote", "published"]]
    if before_text is not None:
        if rest is not None and tokens is not None:
            tokens.fill(rest, apart)  # tokenised once, before the stage started beside text clustering
        before_text(claims, figs)
    if rest is not None:
        ids, _ = cluster_text_claims(rest, TextSettings.from_config(m), m["similarity"]["text_cutoff"], stats.text,
                                     tokens=tokens)
        if tokens is not None:
            tokens.claims = None
        del rest
        release_arrow_memory()
        claims.loc[~by_figure, "cluster_id"] = ids
    return claims, figs


def _prepare_figures(figures: pd.DataFrame, apart: bool) -> pd.DataFrame:
    """``prepare_figures``; side by side, the articles after the median article id are
    prepared in a child process.

    ``prepare_figures`` sorts by (article_id, start) and reads nothing across articles, so the
    two halves, each prepared and put one after the other, are the whole table prepared. If
    the halves' columns or dtypes differ (a column all missing in one half), the whole table
    is prepared here instead.
    """
    if not apart or not len(figures):
        return prepare_figures(figures)
    ids = figures["article_id"]
    distinct = np.sort(ids.dropna().unique().astype(str))
    if len(distinct) < 2 or ids.isna().any():
        return prepare_figures(figures)
    late = (ids >= distinct[len(distinct) // 2]).to_numpy(dtype=bool)
    pending = Deferred(lambda: _as_codes(prepare_figures(figures[late]), figures), True, "prepare_figures")
    first = prepare_figures(figures[~late])
    second = _from_codes(*pending.result(), figures)
    if list(first.columns) != list(second.columns) or not first.dtypes.equals(second.dtypes):
        return prepare_figures(figures)
    out = pd.concat([first, second], ignore_index=True)
    del first, second
    # The concatenation copies the numpy columns (their halves are freed here); the Arrow string
    # columns keep both halves' chunks, so a per-row ``take`` on them copies the whole column
    # (report look-ups read an article's rows by slice, ``report.html_parts.ByArticle``).
    release_arrow_memory()
    return out


def _as_codes(df: pd.DataFrame, like: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """A child's table to send back: each categorical column whose dtype is ``like``'s (the
    corpus-wide categories of ``frames.share_strings``) as its codes, and those columns.

    Pickled whole, such a column carries every sentence of the corpus (0.15 GB on ABP), which
    the parent would read back into a second copy of the categories."""
    shared = [c for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype) and c in like.columns
              and df[c].dtype is like[c].dtype]
    if not shared:
        return df, []
    out = df.copy(deep=False)
    for c in shared:
        out[c] = out[c].cat.codes.to_numpy()
    return out, shared


def _from_codes(df: pd.DataFrame, shared: list[str], like: pd.DataFrame) -> pd.DataFrame:
    """``_as_codes`` undone: the columns ``shared`` as categoricals of ``like``'s dtypes again."""
    for c in shared:
        df[c] = pd.Categorical.from_codes(df[c].to_numpy(), dtype=like[c].dtype)
    return df


def match_frames(
    frames: dict[str, pd.DataFrame], config: dict[str, Any], *, texts: Mapping[str, str] | None = None,
    reference: pd.DataFrame | None = None, stats: MatchStats | None = None, release_figures: bool = False,
) -> dict[str, pd.DataFrame]:
    """Build claims and cross-outlet clusters from the extraction tables, and the comparison tables.

    Args:
        frames: Tables from ``FrameBuilder.frames`` (articles, figures, attributions, ...).
        config: Settings (the ``match`` section; ``match.reference.path`` names a reference
            series file when ``reference`` is not given).
        texts: Article id -> text, to make every article one claim (headline corpora).
        reference: A reference series already loaded (``load_reference``).
        stats: Filled with blocking counts.
        release_figures: Delete ``frames["figures"]`` from ``frames`` once matching has made
            its own sorted copy, so the input table is not held beside it through matching
            (about 0.1 GB on ABP); for a caller that replaces it with the result's
            ``figures`` (``pipeline.run``: ``frames.update(matched)``). ``frames`` then lacks
            ``figures`` if matching raises.

    Returns:
        New and updated tables: claims, figures and attributions (with ``cluster_id``),
        clusters, figure_table, figure_cells, attribution_table, first_reports,
        discrepancies, syndication.

    Raises:
        ReferenceSeriesError: The configured reference file cannot be read.
    """
    from provenance.report.tables import (  # report consumes match's frames
        FigureTables,
        build_tables,
        figure_tables,
    )

    m = config["match"]
    stats = stats or MatchStats()
    if reference is None and m["reference"]["path"]:
        reference = load_reference(m["reference"]["path"])
    ref_index = None
    if reference is not None:
        r = m["reference"]
        ref_index = ReferenceIndex(reference, r["max_lag_days"], r["tolerance"],
                                   FigureInterval(m["relation_slack"], m["relation_slack"]), r["max_lead_days"])
    tokens = TokenCache()  # claim texts are tokenised once, for both
    apart = side_by_side(config, len(frames.get("figures", ())) + len(frames.get("attributions", ())))
    syndication: list[Deferred[tuple[pd.DataFrame, BlockingStats, FigureTables, list[str]]]] = []

    def start_syndication(claims: pd.DataFrame, figs: pd.DataFrame, cache: TokenCache = tokens) -> None:
        """Syndication, then the figure side of the tables, beside text clustering: neither
        reads the text clusters (the figure cells read the claims' ids only), and the text
        claims' tokens are in ``cache`` already (``TokenCache.fill``)."""
        def run() -> tuple[pd.DataFrame, BlockingStats, FigureTables, list[str]]:
            st = BlockingStats()
            synd = find_syndication(claims, config, st, tokens=cache)
            part = figure_tables(figs, claims, synd, config, ref_index)
            part.cells, shared = _as_codes(part.cells, figs)
            return synd, st, part, shared

        syndication.append(Deferred(run, True, "syndication and figure tables"))

    figure_part = None
    source: Mapping[str, pd.DataFrame] = frames
    if release_figures and "figures" in frames:
        source = dict(frames)  # matching's own reference, dropped once the figures are prepared
        del frames["figures"]
    with collections_paused():
        claims, figs = _cluster_claims(source, config, texts=texts, stats=stats, tokens=tokens,
                                       before_text=start_syndication if apart else None,
                                       release_figures=release_figures)
        del source
        del start_syndication  # its default argument holds the token table (~0.2 GB on ABP)
        if syndication:
            synd, sstats, figure_part, shared = syndication.pop().result()
            figure_part.cells = _from_codes(figure_part.cells, shared, figs)
            stats.syndication.merge(sstats)
        else:
            synd = find_syndication(claims, config, stats.syndication, tokens=tokens)
    del tokens
    release_memory()  # clustering's temporaries (Arrow's and the C allocator's), before the tables
    # A shallow copy: the new column is the copy's own, the other columns share the input's
    # memory (a deep copy held a second 0.3 GB attributions table through build_tables on ABP).
    atts = frames.get("attributions", pd.DataFrame()).copy(deep=False)
    if len(atts):
        key = dict(zip(zip(claims["article_id"].tolist(), claims["sentence_index"].tolist()),
                       claims["cluster_id"].tolist()))
        atts["cluster_id"] = [key.get((a, i)) for a, i in zip(atts["article_id"].tolist(),
                                                              atts["sentence_index"].tolist())]
        del key  # ~0.2 GB of tuple keys on ABP, not to be held through build_tables
    elif "cluster_id" not in atts.columns:
        atts["cluster_id"] = pd.Series(dtype=object)
    out = build_tables(claims, figs, synd, config, frames.get("articles"), ref_index, figure_part, background=apart)
    del figure_part
    out["attributions"] = atts
    log.info("matched %d claims into %d clusters (%d candidate pairs)", len(claims), len(out["clusters"]),
             stats.candidate_pairs)
    return out


__all__ = ["MatchStats", "cluster_claims", "figure_clusters", "match_frames"]
