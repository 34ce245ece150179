"""Clustering: figures into figure clusters, text claims into claim clusters.

Figures of one block (metric, group, side) are taken in as-of order and each joins the best
open cluster (leader clustering) whose anchor (first, most specific) figure it agrees with:
within ``window_days`` of the anchor the intervals must be compatible ("more than 8,300" and
8,306 on the same day); later, up to ``same_value_window_days``, the stated number must be the
same (within ``value_tolerance``): a figure repeated day after day ("more than 1,300") is one
claim, but 2,670 on Sunday and 2,808 on Monday are two reports of a running total. Comparing
with the anchor, not with the last member, stops a running total from chaining 7 Oct to
31 Oct into one cluster.

Text claims (quotes and assertions without a matched figure) are linked when a named
comparison accepts the pair, and clusters are the connected components (union-find).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from provenance.ids import content_hash
from provenance.match.blocking import BlockingStats, day_number, figure_block_key
from provenance.match.comparisons import (
    FigureInterval,
    Interval,
    IntervalsCompatible,
    TextSimilarity,
    WeightedOverlap,
    cumulative_compatible,
    interval_gap,
)
from provenance.match.text_pairs import PairDecision, TextPairs, text_rule
from provenance.match.tokens import (
    StringColumn,
    TokenCache,
    Tokenizer,
    all_roots,
    block_pairs,
    idf_array,
    make_blocks,
    next_undecided,
    overlap,
    pair_overlaps,
    rare_token_keys,
    row_weights,
)


class UnionFind:
    """Disjoint sets over 0..n-1 with path halving."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        """Root of ``x``."""
        p = self.parent
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x

    def union(self, a: int, b: int) -> None:
        """Merge the sets of ``a`` and ``b`` (the smaller root wins, so results are stable)."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra

    def groups(self) -> list[list[int]]:
        """Members of every set, each sorted, sets ordered by first member."""
        return _members(all_roots(np.asarray(self.parent, dtype=np.int64)))


def _members(roots: np.ndarray) -> list[list[int]]:
    """Items grouped by root, each group ascending, groups in order of their first item.

    A root is its set's smallest item (``UnionFind.union`` keeps the smaller root), so a
    group's key is first met at its first item: insertion order is that order.
    """
    out: dict[int, list[int]] = {}
    for i, r in enumerate(roots.tolist()):
        out.setdefault(r, []).append(i)
    return list(out.values())


def cluster_id(prefix: str, member_ids: Iterable[str]) -> str:
    """Stable cluster id: a hash of its sorted member ids."""
    return prefix + content_hash("cluster", *sorted(member_ids), length=12)


@dataclass
class FigureSettings:
    """Thresholds of figure clustering (from ``[match]``)."""

    window_days: int = 0
    value_tolerance: float = 0.01
    open_slack: float = 0.05
    about_slack: float = 0.05
    min_value: float = 1
    max_open_clusters: int = 40
    same_value_window_days: int = 4
    round_window_days: int = 1

    @classmethod
    def from_config(cls, m: dict[str, Any]) -> FigureSettings:
        """Settings from the ``[match]`` section."""
        return cls(m["window_days"], m["value_tolerance"], m["open_slack"], m["about_slack"], m["min_value"],
                   m["blocking"]["max_open_clusters"], m["same_value_window_days"],
                   m["round_window_days"])


@dataclass
class _Open:
    first_day: int
    anchor: Interval
    anchor_number: float | None
    anchor_qualifier: str
    anchor_vague: bool
    cumulative: Any
    order: int = 0
    last_day: int = 0
    members: list[int] = field(default_factory=list)
    # Every stated number of the cluster once, with its qualifier and interval: a figure that
    # repeats a member's number, or that a member's round number covers, agrees with the
    # cluster (a member got in by agreeing with the anchor, so this cannot drift).
    stated: dict[tuple[float, str], tuple[Interval, int]] = field(default_factory=dict)


def cluster_figures(figs: pd.DataFrame, settings: FigureSettings, stats: BlockingStats | None = None) -> list[str]:
    """Cluster id of every figure row (singletons get their own cluster).

    Args:
        figs: Figures after ``prepare_figures`` (``figure_id``, ``group``, ``side`` ...).
        settings: Window, tolerance and interval slack.
        stats: Filled with blocks and comparisons made.

    Returns:
        One cluster id per row of ``figs``, in row order.
    """
    n = len(figs)
    if n == 0:
        return []
    to_interval = FigureInterval(settings.open_slack, settings.about_slack)
    compatible = IntervalsCompatible(settings.value_tolerance)
    ivs: list[Interval | None] = [to_interval(v, lo, hi, q) for v, lo, hi, q in
                                  zip(figs["value"], figs["low"], figs["high"], figs["qualifier"])]
    days = [day_number(a if isinstance(a, str) else p) for a, p in zip(figs["as_of"], figs["published"])]
    unit = figs["unit"] if "unit" in figs.columns else pd.Series([None] * n)
    blocks: dict[tuple[str, str, str], list[int]] = {}
    for i, (m, u, g, s) in enumerate(zip(figs["metric"], unit, figs["group"], figs["side"])):
        iv = ivs[i]
        if iv is None or iv[1] < settings.min_value:
            continue
        key = figure_block_key(m, u, g, s)
        if key is not None:
            blocks.setdefault(key, []).append(i)
    label = list(range(n))  # cluster representative row per figure; singletons by default
    numbers = [_stated(v, lo, hi) for v, lo, hi in zip(figs["value"], figs["low"], figs["high"])]
    quals = [q if isinstance(q, str) else "exact" for q in figs["qualifier"]]
    cums = list(figs["cumulative"]) if "cumulative" in figs.columns else [None] * n
    step = math.log1p(max(settings.value_tolerance, 1e-6))
    # Buckets either side searched for a cluster whose number a round figure covers.
    reach = math.ceil(math.log1p(max(settings.open_slack, settings.about_slack)) / step) + 1
    for key, members in blocks.items():
        if stats is not None:
            stats.blocks += 1
            stats.largest_block = max(stats.largest_block, len(members))
        # Specific figures anchor clusters; vague ones ("hundreds") join only vague clusters.
        # Among equally specific ones the less round number anchors ("at least 413" before
        # "more than 400").
        members.sort(key=lambda i: (quals[i] == "vague", days[i], round(-_specificity(ivs[i]), 6),
                                    _trailing_zeros(numbers[i]), i))
        # Open clusters indexed by day (interval agreement within window_days) and by stated
        # numbers (the same or a covered number within same_value_window_days): a figure is
        # compared with a bounded number of clusters, whatever the size of its block.
        by_day: dict[int, list[_Open]] = {}
        by_number: dict[int, list[_Open]] = {}
        cap = settings.max_open_clusters
        for i in members:
            iv = ivs[i]
            assert iv is not None
            vague = quals[i] == "vague"
            best: _Open | None = None
            best_score = -1.0
            candidates: dict[int, _Open] = {}
            for d in range(days[i] - settings.window_days, days[i] + settings.window_days + 1):
                for c in by_day.get(d, [])[-cap:]:
                    candidates[id(c)] = c
            bucket = _bucket(numbers[i], step)
            if bucket is not None and not vague:
                for b in range(bucket - reach, bucket + reach + 1):
                    for c in by_number.get(b, [])[-cap:]:
                        candidates[id(c)] = c
            tried = 0
            for c in candidates.values():
                gap = abs(days[i] - c.first_day)
                # A repeated number cannot drift, so it may chain in time: its window runs from
                # the cluster's latest report, not its first.
                gap_last = min(gap, abs(days[i] - c.last_day))
                if gap > settings.window_days and gap_last > settings.same_value_window_days:
                    continue
                tried += 1
                if c.anchor_vague != vague:
                    continue
                if vague and (c.anchor != iv or gap > settings.window_days):
                    continue  # "hundreds" on another day is another event
                agree = _agreement(numbers[i], quals[i], iv, days[i], c, settings)
                if agree < 0:
                    continue  # "nears 20,000" is not "passes 20,000"
                same = agree == 2
                # A running total and one event's count are different figures, but the flag
                # comes from the extractor's reading of the verb ("bringing the toll to 212" was
                # read as one event): the same number on the same day is one figure either way.
                if not cumulative_compatible(cums[i], c.cumulative) and not (same and gap <= settings.window_days):
                    continue
                if gap <= settings.window_days:
                    if not agree and not compatible(iv, c.anchor):
                        continue
                elif not agree or gap_last > settings.same_value_window_days:
                    continue
                # The same stated number is the strongest agreement, then a number a round one
                # covers, then overlap, then nearness; ties go to the earlier cluster.
                sc = ({2: 2.0, 1: 1.5}.get(agree) or compatible.score(iv, c.anchor)) - gap_last * 1e-3
                if sc > best_score or (sc == best_score and best is not None and c.order < best.order):
                    best, best_score = c, sc
            if stats is not None:
                stats.comparisons += tried
                stats.add("figure", tried)
            if best is None:
                best = _Open(days[i], iv, numbers[i], quals[i], vague, cums[i], order=i, last_day=days[i])
                by_day.setdefault(days[i], []).append(best)
            num = numbers[i]
            if not vague and num is not None and (num, quals[i]) not in best.stated:
                if bucket is not None and all(_bucket(x, step) != bucket for x, _ in best.stated):
                    by_number.setdefault(bucket, []).append(best)
                best.stated[(num, quals[i])] = (iv, days[i])
            best.members.append(i)
            best.last_day = max(best.last_day, days[i])
            label[i] = best.members[0]
            if best.cumulative is None and cums[i] is not None and not _isnan(cums[i]):
                best.cumulative = cums[i]
    ids = list(figs["figure_id"])
    by_root: dict[int, list[str]] = {}
    for i, r in enumerate(label):
        by_root.setdefault(r, []).append(ids[i])
    cid = {r: cluster_id("f", m) for r, m in by_root.items()}
    if stats is not None:
        stats.items += n
    return [cid[label[i]] for i in range(n)]


def _agreement(number: float | None, qualifier: str, iv: Interval, day: int, c: _Open,
               settings: FigureSettings) -> int:
    """How a figure's stated number, reported on ``day``, agrees with an open cluster.

    2: the same number as the anchor (within ``value_tolerance``: a same-day revision, 26,637
    and 26,751), or exactly a member's number, with the same kind of qualifier and, on another
    day, unless both are bare numbers, overlapping intervals (21,978 is not "passes 22,000" the
    next day); 1: a round number
    covers the other, the figure's or a member's reported within ``round_window_days``
    (``rounds_to``: "more than 680" and 687, "passes 10,000" and 10,300, "nears 20,000" and
    19,400); 0: neither; -1: the same number stated below and at or above it ("nears 20,000",
    "passes 20,000").
    """
    if number is None:
        return 0
    below = _below(qualifier)
    best = 0
    for (m, mq), (miv, mday) in c.stated.items():
        gap = abs(day - mday)
        tolerance = settings.value_tolerance if m == c.anchor_number and mq == c.anchor_qualifier else 0.0
        points = iv[0] == iv[1] and miv[0] == miv[1]
        if _same_number(number, m, tolerance) and (gap <= settings.window_days or points
                                                   or interval_gap(iv, miv) == 0):
            if _below(mq) != below:
                return -1
            best = 2
        elif best == 0 and gap <= settings.round_window_days and (
            rounds_to(m, mq, number, settings) or rounds_to(number, qualifier, m, settings)
        ):
            best = 1
    return best


def _trailing_zeros(number: float | None) -> int:
    """How round a stated number is: 1,500 -> 2, 1,537 -> 0."""
    if number is None or number != int(number) or number <= 0:
        return 0
    k, x = 0, int(number)
    while x % 10 == 0:
        k, x = k + 1, x // 10
    return k


def rounds_to(rounded: float, qualifier: Any, other: float, settings: FigureSettings) -> bool:
    """A round stated number, read with its qualifier, covers another stated number.

    Outlets round the figure they repeat: "more than 680" is said of 687, "passes 10,000" of
    10,300, "nears 20,000" of 19,400, "about 18,000" and "1,500" of 17,700 and 1,537. The other
    number must lie on the qualifier's side of the round one, within one unit of its last
    non-zero digit (half a unit for "about") and within the interval slack. A bare round
    number is not read as rounded: "2,800 killed" is as near 2,778 as 2,808.

    Examples:
        >>> s = FigureSettings()
        >>> rounds_to(680, "at_least", 687, s), rounds_to(2670, "at_least", 2750, s)
        (True, False)
        >>> rounds_to(20000, "nearly", 19400, s), rounds_to(22000, "more_than", 21978, s)
        (True, False)
        >>> rounds_to(18000, "about", 17700, s), rounds_to(1500, "exact", 1537, s)
        (True, False)
    """
    k = _trailing_zeros(rounded)
    if k == 0 or other == rounded:
        return False
    unit = 10.0 ** k
    d = other - rounded
    if qualifier in ("more_than", "at_least"):
        return 0 < d < unit and d <= settings.open_slack * rounded
    if _below(qualifier):
        return 0 < -d < unit and -d <= settings.open_slack * rounded
    return qualifier == "about" and abs(d) < unit / 2 and abs(d) <= settings.about_slack * rounded


def _bucket(number: float | None, step: float) -> int | None:
    """Log-scale bucket of a number: numbers within the tolerance fall in the same or next bucket."""
    if number is None or number <= 0:
        return None
    return int(math.log(number) / step)


def _below(qualifier: Any) -> bool:
    """Qualifiers that put the true value under the stated number ("nearly", "up to", "fewer than")."""
    return qualifier in ("nearly", "up_to", "less_than")


def _same_number(a: float | None, b: float | None, tolerance: float) -> bool:
    """The same stated number, give or take a relative tolerance."""
    if a is None or b is None:
        return False
    return abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-9)


def _stated(value: Any, low: Any, high: Any) -> float | None:
    """The number as stated: the value, else the one bound given."""
    for v in (value, low, high):
        if v is not None and not _isnan(v):
            return float(v)
    return None


def _isnan(x: Any) -> bool:
    return isinstance(x, float) and math.isnan(x)


def _specificity(iv: Interval | None) -> float:
    """Narrower intervals anchor first (8,306 before "more than 8,000")."""
    if iv is None:
        return 0.0
    width = iv[1] - iv[0]
    return -width / max(abs(iv[1]), 1.0)


@dataclass
class TextSettings:
    """Thresholds of text-claim matching (from ``[match]`` and ``[match.similarity]``)."""

    window_days: int = 1
    rare_tokens_per_claim: int = 3
    max_token_share: float = 0.01
    max_neighbours: int = 40
    quote: TextSimilarity = field(default_factory=lambda: TextSimilarity("ratio", "default_process", 85.0))
    text: TextSimilarity = field(default_factory=lambda: TextSimilarity("token_sort_ratio", "default_process", 0.0))
    overlap_cutoff: float = 0.30
    strong_cutoff: float = 88.0
    budget: int = 30
    span_days: int = 3

    @classmethod
    def from_config(cls, m: dict[str, Any]) -> TextSettings:
        """Settings from the ``[match]`` section."""
        b, s = m["blocking"], m["similarity"]
        return cls(
            m["text_window_days"], b["rare_tokens_per_claim"], b["max_token_share"], b["max_neighbours"],
            TextSimilarity(s["quote_scorer"], s["quote_processor"], s["quote_cutoff"]),
            TextSimilarity(s["text_scorer"], s["text_processor"], 0.0),
            s["overlap_cutoff"], s["text_strong_cutoff"], b["max_pairs_per_claim"],
            int(m.get("text_cluster_span_days", cls.span_days)),
        )


def compare_text_claims(
    a: Mapping[str, Any], b: Mapping[str, Any], ta: Sequence[str] | set[str], tb: Sequence[str] | set[str],
    settings: TextSettings, overlap: WeightedOverlap, text_cutoff: float, ov: float | None = None,
) -> PairDecision:
    """Decide whether two text claims say the same thing.

    Rules, in order: the same speaker with a quote of near-identical wording
    (``quote_same_speaker``); near-identical text (``text_strong``); rare content tokens shared
    and the text similar (``paraphrase``). Claims attributed to different canonical speakers
    are never linked by paraphrase. ``ov``, when given, is ``overlap(ta, tb)`` already computed.
    """
    if ov is None:
        ov = overlap(ta, tb)
    sa, sb = a.get("speaker"), b.get("speaker")
    same_speaker = isinstance(sa, str) and isinstance(sb, str) and sa.casefold() == sb.casefold()

    def quotes_agree() -> bool:  # quotes read only when the speakers agree
        qa, qb = a.get("quote"), b.get("quote")
        return isinstance(qa, str) and isinstance(qb, str) and settings.quote(qa, qb) > 0

    return text_rule(same_speaker, isinstance(sa, str) and isinstance(sb, str) and not same_speaker, quotes_agree,
                     ov, lambda _: settings.text(a["text"] or "", b["text"] or ""), settings, text_cutoff)


def cluster_text_claims(
    claims: pd.DataFrame, settings: TextSettings, text_cutoff: float, stats: BlockingStats | None = None,
    *, tokens: TokenCache | None = None,
) -> tuple[list[str], list[tuple[int, int, PairDecision]]]:
    """Cluster ids of text claims, and the linked pairs with their decisions.

    Args:
        claims: Claims to cluster (rows without a matched figure); ``claim_id``, ``text`` and,
            when present, ``speaker``, ``quote``, ``published`` are read.
        settings: Thresholds.
        text_cutoff: Paraphrase text-similarity cutoff.
        stats: Filled with blocking counts.
        tokens: Filled with the claims' content tokens, for ``find_syndication`` to reuse (the
            texts are tokenised once per run).

    Returns:
        One cluster id per row, and (i, j, decision) for every linked pair.
    """
    n = len(claims)
    if n == 0:
        return [], []
    # Column arrays and token ids, not a dict and a set of strings per claim (842k claims on
    # ABP): texts and quotes are read from their Arrow buffers only for the pairs compared.
    text = StringColumn(claims["text"])
    quote = StringColumn(claims["quote"]) if "quote" in claims.columns else None
    speakers: Any = StringColumn(claims["speaker"]) if "speaker" in claims.columns else [None] * n
    tokenizer = tokens.tokenizer if tokens is not None and tokens.tokenizer is not None else Tokenizer()
    # Tokenised already when the cache was filled from this very frame (``TokenCache.fill``).
    table = tokens.table if tokens is not None and tokens.claims is claims and tokens.table is not None \
        else tokenizer.table(text)
    if tokens is not None:
        tokens.tokenizer, tokens.claim_ids, tokens.table = tokenizer, claims["claim_id"], table
    df = table.document_frequency()
    idf = idf_array(df, n)
    weights = row_weights(table.indptr, table.ids, idf)
    item, key, _, n_speaker = rare_token_keys(table, df, per_claim=settings.rare_tokens_per_claim,
                                              max_share=settings.max_token_share, speakers=speakers)
    del df
    published = claims["published"].tolist() if "published" in claims.columns else [None] * n
    days = np.array([day_number(p) for p in published], dtype=np.int64)
    del published
    # A claim of an undated article cannot be placed inside anyone's window: it is not linked
    # (day 0 put every undated claim of a corpus in one window, and single links chained
    # 32,658 unrelated ABP claims into one cluster).
    dated = days[item] != 0
    blocks = make_blocks(item[dated], key[dated], n_speaker, days)
    del item, key, dated
    quoted = quote.is_str() if quote is not None else np.zeros(n, dtype=np.bool_)
    # The rules of compare_text_claims on rows of these columns: speakers as codes, quotes and
    # texts read only for the pairs a rule compares them in, each text prepared once a chunk.
    pairs = TextPairs(speakers, quote if quote is not None else [None] * n, quoted, text, settings, text_cutoff)
    cutoff = settings.overlap_cutoff
    has_quote: list[bool] = quoted.tolist()  # read per pair: a list item faster than an array's

    def decide(a: int, b: int, ov: float) -> PairDecision | None:
        """compare_text_claims on claims a and b; None when no rule can link them (the first
        rule needs two quotes, the others this much overlap), without the call."""
        if ov < cutoff and not (has_quote[a] and has_quote[b]):
            return None
        return pairs.decide(a, b, ov)

    # Union-find over a parent array (the smaller root wins, as in UnionFind, so each root is
    # its set's first claim), and each set's first and last day: a link that would stretch a
    # cluster beyond span_days is not made (single links otherwise chain day after day into
    # month-long clusters). The compiled walk passes over every pair no rule needs to decide
    # (already linked, too long a span, too little overlap and not two quotes: 80% of them on
    # ABP) and stops at the next pair a comparison decides here.
    parent = np.arange(n, dtype=np.int64)
    first, last = days.copy(), days.copy()
    span = settings.span_days
    state = np.zeros(6, dtype=np.int64)  # next pair, its two roots, merged first/last day, comparisons
    linked: list[tuple[int, int, PairDecision]] = []
    for ci, cj in block_pairs(blocks, days, window=settings.window_days, max_neighbours=settings.max_neighbours,
                              budget=settings.budget, n_items=n, stats=stats):
        ovs = pair_overlaps(table.indptr, table.ids, idf, weights, ci, cj)
        pairs.new_chunk()
        state[0] = 0
        while next_undecided(parent, first, last, quoted, ovs, ci, cj, cutoff, span, state):
            k, ri, rj, lo, hi = state[:5].tolist()
            state[0] = k + 1
            i, j = int(ci[k]), int(cj[k])
            d = decide(i, j, float(ovs[k]))
            if d is None or not d.linked:
                continue
            if (ri != i or rj != j) and (ri != j or rj != i):
                anchors = decide(ri, rj, overlap(table.indptr, table.ids, idf, weights, ri, rj))
                if anchors is None or not anchors.linked:
                    continue  # the pair links, but the two clusters' first claims do not: no chaining
            r = min(ri, rj)
            parent[max(ri, rj)] = r
            first[r], last[r] = lo, hi
            linked.append((i, j, d))
    if stats is not None:
        stats.comparisons += int(state[5])
    ids = claims["claim_id"].tolist()
    out = [""] * n
    for members in _members(all_roots(parent)):
        cid = cluster_id("c", (ids[i] for i in members))
        for i in members:
            out[i] = cid
    return out, linked


__all__ = [
    "FigureSettings", "PairDecision", "TextSettings", "UnionFind", "cluster_figures", "cluster_id",
    "cluster_text_claims", "compare_text_claims", "rounds_to",
]
