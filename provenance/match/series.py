"""Series: the stages of one source's running count, read side by side in one table row.

A figure cluster is one reporting stage ("212 killed" on Tuesday, in every outlet that carried
it). A fact-checker reading a story wants the stages of one count next to each other: the
ministry's 212 on Tuesday, "more than 200" and "at least 230" on Wednesday, 230 on Thursday, as
one row, with the opposition's 340 on a row of its own, linked to it as a conflicting figure
from a different source. A series chains the stage clusters of one block (metric, group, side)
when:

- the stage starts no more than ``window_days`` after the series' first stage (so a war's
  toll does not chain 7 Oct to 31 Oct into one row);
- its interval lies between the series' first stage less ``open_slack`` and that stage plus
  ``max_rise`` (a running total moves up, by a bounded amount within the window);
- its sources agree: a source group in common, or one side unattributed. A stage from
  another source (the opposition's 340 beside the ministry's 230) starts its own series;
  two series with a stage on the same day, each attributed throughout to one named source
  (not a bare "the ministry"), of ``min_value`` or more, are ``conflicts`` (linked rows, at
  most ``max_links`` per row);
- neither is one event's count (every figure read as a single event, with no running-total
  cue such as "bringing the toll to") nor a vague quantity ("dozens").

Series are a presentation of clusters: matching quality (tests/gold/matching) is measured on
the clusters, which stay one stage each.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from provenance.ids import content_hash
from provenance.match.blocking import day_number, figure_block_key
from provenance.match.comparisons import FigureInterval, Interval
from provenance.match.sources import generic_kind


@dataclass(frozen=True)
class SeriesSettings:
    """When stage clusters share a table row (``[match.series]``).

    Attributes:
        window_days: Largest distance in days from the series' first stage.
        max_rise: Largest relative rise over the series' first stage (0.25: 212 -> 265).
        open_slack: Relative fall allowed below the first stage ("more than 200" after 212).
    """

    window_days: int = 2
    max_rise: float = 0.25
    open_slack: float = 0.05
    min_value: float = 10
    max_links: int = 3

    @classmethod
    def from_config(cls, m: Mapping[str, Any]) -> SeriesSettings:
        """Settings from the ``[match]`` section (defaults when ``series`` is missing)."""
        s = m.get("series") or {}
        return cls(int(s.get("window_days", cls.window_days)), float(s.get("max_rise", cls.max_rise)),
                   float(m.get("open_slack", cls.open_slack)), float(m.get("min_value", cls.min_value)),
                   int(s.get("max_links", cls.max_links)))


@dataclass
class Stage:
    """One figure cluster as a stage of a count."""

    cluster_id: str
    key: tuple[str, str, str] | None
    first_day: int
    interval: Interval | None
    number: float
    sources: frozenset[str]
    chainable: bool


@dataclass
class Series:
    """Stages chained into one table row."""

    series_id: str = ""
    key: tuple[str, str, str] | None = None
    first_day: int = 0
    last_day: int = 0
    low: float = 0.0
    high: float = 0.0
    top: float = 0.0
    last_number: float = 0.0
    sources: set[str] = field(default_factory=set)
    days: set[int] = field(default_factory=set)
    chainable: bool = True
    stages: list[str] = field(default_factory=list)


def _isnan(x: Any) -> bool:
    return isinstance(x, float) and math.isnan(x)


def _stages(cells: pd.DataFrame, rep_of: Mapping[str, str], interval: FigureInterval) -> list[Stage]:
    """One stage per cluster of ``cells`` (rows of prepared figures with ``cluster_id``)."""
    recs = cells.to_dict("records")
    by_id = {r["figure_id"]: r for r in recs}
    members: dict[str, list[dict[str, Any]]] = {}
    for r in recs:
        members.setdefault(str(r["cluster_id"]), []).append(r)
    out = []
    for cid, g in members.items():
        rep = by_id.get(rep_of.get(cid, ""), g[0])
        iv = interval(rep.get("value"), rep.get("low"), rep.get("high"), rep.get("qualifier"))
        days = [day_number(r.get("as_of") if isinstance(r.get("as_of"), str) else r.get("published")) for r in g]
        event = all(r.get("cumulative") is False and not r.get("running_cue") for r in g)
        srcs = frozenset(str(r["source_group"]) for r in g
                         if isinstance(r.get("source_group"), str) and r["source_group"])
        key = figure_block_key(rep.get("metric"), rep.get("unit"), rep.get("group"), rep.get("side"))
        number = next((float(rep[k]) for k in ("value", "low", "high")
                       if rep.get(k) is not None and not _isnan(rep.get(k))), 0.0)
        out.append(Stage(cid, key, min(days), iv, number, srcs,
                         iv is not None and not event and rep.get("qualifier") != "vague" and number > 0))
    return out


def figure_series(cells: pd.DataFrame, rep_of: Mapping[str, str], interval: FigureInterval,
                  settings: SeriesSettings) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Series of every figure cluster, and the pairs of series that conflict.

    Args:
        cells: Clustered figures (``cluster_id``, ``figure_id``, value columns, ``metric``,
            ``group``, ``side``, ``as_of``, ``published``, ``source_group``, ``cumulative``,
            ``running_cue``).
        rep_of: cluster_id -> figure_id of the cluster's representative.
        interval: Turns a figure into an interval (the relation slack).
        settings: Window and rise.

    Returns:
        (cluster_id -> series_id, [(series_a, series_b)] for series of one block with a stage
        first reported on the same day, both at least ``min_value``, at most ``max_links`` per
        series (closest in number first), of the same order of magnitude (the larger at most ``1 + 4 *
        max_rise`` times the smaller), each attributed throughout to one named source, the
        two sources different).

    Examples:
        >>> import pandas as pd
        >>> rows = [dict(figure_id=f, cluster_id=c, value=v, low=v, high=v, qualifier="exact",
        ...              metric="killed", group="people", side="", as_of=d, published=d,
        ...              source_group=s, cumulative=True, running_cue=False)
        ...         for f, c, v, d, s in [("a", "c1", 212, "2024-03-05", "Health Ministry"),
        ...                               ("b", "c2", 230, "2024-03-06", "Health Ministry"),
        ...                               ("c", "c3", 340, "2024-03-06", "Civic Front")]]
        >>> sid, conflicts = figure_series(pd.DataFrame(rows), {"c1": "a", "c2": "b", "c3": "c"},
        ...                                FigureInterval(0.02, 0.02), SeriesSettings())
        >>> sid["c1"] == sid["c2"] != sid["c3"], len(conflicts)
        (True, 1)
    """
    if not len(cells):
        return {}, []
    stages = _stages(cells, rep_of, interval)
    stages.sort(key=lambda s: (str(s.key), s.first_day, s.number, s.cluster_id))
    open_by_key: dict[Any, list[Series]] = {}
    all_series: list[Series] = []
    for st in stages:
        best: Series | None = None
        best_d = math.inf
        for s in open_by_key.get(st.key, []) if st.chainable and st.key is not None else []:
            if not s.chainable or st.first_day - s.first_day > settings.window_days:
                continue
            assert st.interval is not None
            if st.interval[1] < s.low * (1 - settings.open_slack) or st.interval[0] > s.high * (1 + settings.max_rise):
                continue
            if st.sources and s.sources and not (st.sources & s.sources):
                continue  # another source's count: its own row, linked as a conflict
            d = abs(math.log(max(st.number, 1e-9) / max(s.last_number, 1e-9)))
            if d < best_d:
                best, best_d = s, d
        if best is None:
            lo, hi = st.interval if st.interval else (st.number, st.number)
            best = Series(key=st.key, first_day=st.first_day, last_day=st.first_day, low=lo, high=hi, top=hi,
                          last_number=st.number, chainable=st.chainable)
            open_by_key.setdefault(st.key, []).append(best)
            all_series.append(best)
        best.stages.append(st.cluster_id)
        best.days.add(st.first_day)
        best.sources |= st.sources
        best.last_number = st.number
        best.top = max(best.top, st.interval[1] if st.interval else st.number)
        best.last_day = max(best.last_day, st.first_day)
    out: dict[str, str] = {}
    for s in all_series:
        s.series_id = "s" + content_hash("series", *sorted(s.stages), length=12)
        for c in s.stages:
            out[c] = s.series_id
    conflicts: list[tuple[str, str]] = []
    candidates: list[tuple[float, str, str]] = []
    for key, ss in open_by_key.items():
        if key is None:
            continue
        for i, a in enumerate(ss):
            for b in ss[i + 1:]:
                # A count given throughout by one source against another source's count: rows
                # of mixed attribution ("Palestinian officials", "Gaza Health Ministry", ...)
                # are one count retold, not two sources disagreeing.
                if not (a.chainable and b.chainable and len(a.sources) == 1 and len(b.sources) == 1) or \
                        a.sources & b.sources or min(a.low, b.low) < settings.min_value:
                    continue
                if any(generic_kind(x) is not None for x in a.sources | b.sources):
                    continue  # "the ministry" left unresolved names no source to disagree with
                if not a.days & b.days:
                    continue  # not reported on the same day
                ratio = max(a.top, b.top) / max(min(a.low, b.low), 1e-9)
                if ratio <= 1 + 4 * settings.max_rise:  # the same order of magnitude
                    candidates.append((ratio, a.series_id, b.series_id))
    # Each row links at most max_links others, the closest in number first.
    links: dict[str, int] = {}
    for _, a_id, b_id in sorted(candidates):
        if links.get(a_id, 0) < settings.max_links and links.get(b_id, 0) < settings.max_links:
            conflicts.append((a_id, b_id))
            links[a_id] = links.get(a_id, 0) + 1
            links[b_id] = links.get(b_id, 0) + 1
    return out, conflicts


__all__ = ["Series", "SeriesSettings", "Stage", "figure_series"]
