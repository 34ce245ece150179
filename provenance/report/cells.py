"""Figure cells and the text every comparison table shares: figure_cells.csv (every clustered
figure with its evidence and its relation to its cluster's representative), the cell and
source texts ("8,306 [Gaza Health Ministry, 'Hamas-run']"), figure labels, independent counts.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from provenance.frames import present, records
from provenance.match.blocking import MATCHED_METRICS
from provenance.match.claims import scopes
from provenance.match.comparisons import FigureInterval, parse_day
from provenance.match.reference import ReferenceIndex
from provenance.match.relations import figure_relations, primary_relation

METRIC_WORDS = {"killed": "killed", "injured": "injured", "hostage": "taken hostage", "missing": "missing",
                "displaced": "displaced", "arrested": "arrested", "released": "released"}

CELL_COLUMNS = [
    "cluster_id", "series_id", "outlet", "cell", "article_id", "source", "published", "figure_id", "claim_id", "start", "end",
    "text", "value", "low", "high", "qualifier", "metric", "counted", "group", "side", "place", "place_scope",
    "cumulative", "running_cue", "as_of", "source_canonical", "source_group", "source_text", "descriptor", "hedged",
    "relation", "relations",
    "reference_value", "reference_date", "lag_days", "reference_match", "reference_series", "syndication_id",
    "syndicated_from", "rule", "confidence", "sentence_start", "sentence_end", "sentence",
]


def squash_ws(t: Any) -> str:
    return " ".join(str(t).split()) if present(t) is not None else ""


def cell_text(text: Any, source: Any, descriptor: Any, hedged: Any = False, copy_of: Any = None) -> str:
    """A table cell: the figure as written with its source (its source group).

    Examples:
        >>> cell_text("more than 8,300", None, None)
        'more than 8,300 [unattributed]'
        >>> cell_text("8,306", "Gaza Health Ministry", "Hamas-run")
        "8,306 [Gaza Health Ministry, 'Hamas-run']"
        >>> cell_text("212", "Health Ministry", None, copy_of="Meridian Wire Service")
        '212 [Health Ministry] (copy of Meridian Wire Service)'
    """
    return (f"{squash_ws(text)} {source_text(source, descriptor)}" + (" (hedged)" if hedged is True else "")
            + (f" (copy of {copy_of})" if isinstance(copy_of, str) and copy_of else ""))


def source_text(source: Any, descriptor: Any) -> str:
    """'[Gaza Health Ministry, 'Hamas-run']' or '[unattributed]'."""
    src = present(source)
    if not src:
        return "[unattributed]"
    d = present(descriptor)
    return f"[{src}, '{d}']" if d else f"[{src}]"


def figure_label(group: Any, side: Any, metric: Any, place: Any, cumulative: Any) -> str:
    """What a figure cluster counts: "Palestinians killed in Gaza, cumulative".

    Examples:
        >>> figure_label("people", "palestinian", "killed", "Gaza", True)
        'Palestinians killed in Gaza, cumulative'
    """
    labels = scopes().labels
    g, sd = present(group) or "people", present(side) or ""
    who = labels.get(f"{g}/{sd}") or labels.get(f"{g}/") or (f"{sd} {g}".strip() if sd else g)
    words = METRIC_WORDS.get(str(metric), str(metric))
    if g == "hostages" and metric == "hostage":
        words = "held"  # "hostages held", not "hostages taken hostage"
    where = f" in {place}" if present(place) else ""
    tail = ", cumulative" if cumulative is True else (", single event" if cumulative is False else "")
    return f"{who} {words}{where}{tail}"


def syndication_maps(synd: pd.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    """claim_id -> syndication_id, and claim_id -> original outlet for copies."""
    if not len(synd):
        return {}, {}
    sid = dict(zip(synd["claim_id"], synd["syndication_id"]))
    frm = {c: o for c, o, orig in zip(synd["claim_id"], synd["original_outlet"], synd["is_original"]) if not orig}
    return sid, frm


def independent_count(outlets: list[str], synd_ids: list[Any]) -> int:
    """Independent reports: outlets, with outlets that carry one syndicated copy counted once."""
    if len(set(outlets)) <= 1:  # one outlet (most clusters): one report, whatever was syndicated
        return len(set(outlets))
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for o, s in zip(outlets, synd_ids):
        find(f"o:{o}")
        if isinstance(s, str) and s:
            a, b = find(f"o:{o}"), find(f"s:{s}")
            if a != b:
                parent[a] = b
    return len({find(f"o:{o}") for o in outlets})


def figure_cells(
    figs: pd.DataFrame, claims: pd.DataFrame, synd: pd.DataFrame, interval: FigureInterval,
    reference: ReferenceIndex | None = None,
) -> pd.DataFrame:
    """Long format: every clustered figure as a cell, with evidence and its relation to the cluster.

    The relation is that of the cell to its cluster's representative (the cell whose figure
    agrees with most others, earliest first); the representative itself is ``representative``.
    """
    if not len(figs):
        return pd.DataFrame(columns=CELL_COLUMNS)
    f = figs[figs["metric"].isin(MATCHED_METRICS)].copy()
    claim_of = {}
    if len(claims):
        # Only the claims of the cells' articles: a key per claim of ABP (851k) took 0.3 GB.
        near = claims.loc[claims["article_id"].isin(set(f["article_id"].tolist())),
                          ["article_id", "sentence_index", "claim_id"]]
        claim_of = dict(zip(zip(near["article_id"].tolist(), near["sentence_index"].tolist()),
                            near["claim_id"].tolist()))
        del near
    f["claim_id"] = [claim_of.get((a, i)) for a, i in zip(f["article_id"], f["sentence_index"])]
    sid, frm = syndication_maps(synd)
    f["syndication_id"] = f["claim_id"].map(sid)
    f["syndicated_from"] = f["claim_id"].map(frm)
    if "source_group" not in f.columns:
        f["source_group"] = f["source_canonical"]
    if "running_cue" not in f.columns:
        f["running_cue"] = False
    f["cell"] = [cell_text(t, g if present(g) else s, d, h, c) for t, g, s, d, h, c in
                 zip(f["text"], f["source_group"], f["source_canonical"], f["descriptor"], f["hedged"],
                     f["syndicated_from"])]
    rel, rels = [], []
    rep_of = representatives(f, interval)
    recs = records(f)
    by_id = {r["figure_id"]: r for r in recs}
    for r in recs:
        rep = by_id[rep_of[r["cluster_id"]]]
        if rep is r:
            rel.append("representative")
            rels.append("representative")
            continue
        x = figure_relations(rep, r, interval)
        rel.append(primary_relation(x))
        rels.append("|".join(x))
    f["relation"], f["relations"] = rel, rels
    for c in ("reference_value", "reference_date", "lag_days", "reference_match", "reference_series"):
        f[c] = None
    if reference is not None:
        hits = [reference.lookup(r["metric"], r["group"], r["place_scope"], r["side"], r["as_of"] or r["published"],
                                 r["value"], r["low"], r["high"], r["qualifier"])
                if r["cumulative"] is not False else None for r in recs]
        # A count of one strike ("a strike killed 13") is not a running total: only totals
        # (or figures of unknown kind within half of the reference) are set beside the series.
        hits = [h if h is None or r["cumulative"] is True or abs(h.value - stated_number(r)) <= 0.5 * h.value else None
                for h, r in zip(hits, recs)]
        f["reference_value"] = [h.value if h else None for h in hits]
        f["reference_date"] = [h.date if h else None for h in hits]
        f["lag_days"] = pd.array([h.lag_days if h else None for h in hits], dtype="Int64")
        f["reference_match"] = pd.array([h.matches if h else None for h in hits], dtype="boolean")
        f["reference_series"] = [h.series if h else None for h in hits]
    f["text"] = [squash_ws(t) for t in f["text"]]
    out = f.reindex(columns=CELL_COLUMNS)
    return out.sort_values(["cluster_id", "published", "outlet", "start"], kind="stable", na_position="last").reset_index(drop=True)


def grouped(records: list[dict[str, Any]], key: str = "cluster_id") -> dict[Any, list[dict[str, Any]]]:
    """Records grouped by a key, groups in first-seen order (plain Python: per-group pandas is slow)."""
    out: dict[Any, list[dict[str, Any]]] = {}
    for r in records:
        out.setdefault(r[key], []).append(r)
    return out


def publication_key(r: dict[str, Any]) -> tuple[str, str, Any]:
    """Sort key: publication date (unknown last), outlet, start."""
    p = present(r.get("published"))
    return (str(p) if p else "\uffff", str(r.get("outlet") or ""), r.get("start") or 0)


def stated_number(r: dict[str, Any]) -> float:
    """The number a figure states (value, else a bound), 0 when none."""
    for k in ("value", "low", "high"):
        v = present(r.get(k))
        if v is not None:
            return float(v)
    return 0.0


def representatives(cells: pd.DataFrame, interval: FigureInterval) -> dict[str, str]:
    """cluster_id -> figure_id of its representative: the most common stated figure, earliest, attributed first."""
    out: dict[str, str] = {}
    for cid, g in grouped(records(cells)).items():
        counts = Counter((_nz(r["value"]), _nz(r["low"]), _nz(r["high"])) for r in g)
        best = max(g, key=lambda r: (counts[(_nz(r["value"]), _nz(r["low"]), _nz(r["high"]))], r["qualifier"] != "vague",
                                     present(r["source_canonical"]) is not None, not present(r.get("syndicated_from")),
                                     _neg_date(r["published"]), r["figure_id"]))
        out[str(cid)] = best["figure_id"]
    return out


def _nz(v: Any) -> Any:
    return -1 if present(v) is None else v


def _neg_date(v: Any) -> int:
    d = parse_day(v)
    return -(d.toordinal() if d else 10**7)
