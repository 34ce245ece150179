"""Blocking: which claims are compared at all.

Figures are blocked on (metric, counted group, side): a death toll of Palestinians is never
compared with a count of Israeli hostages. Text claims are blocked on their canonical speaker
and on each claim's few rarest content tokens. Inside a block, items are sorted by date and
each is compared only with the next ``max_neighbours`` items inside the date window (sorted
neighbourhood), so candidate pairs grow linearly with the number of claims even when one
block is huge (every "people killed" figure of a 37k-article corpus).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

from provenance.match.comparisons import content_tokens, parse_day

# Metrics whose figures are clustered across outlets; "other" counts (percentages, money,
# buildings) stay singletons.
MATCHED_METRICS = frozenset({"killed", "injured", "hostage", "missing", "displaced", "arrested", "released"})


@dataclass
class BlockingStats:
    """Counts that show what blocking saved (reported in the benchmark and docs)."""

    items: int = 0
    blocks: int = 0
    largest_block: int = 0
    candidate_pairs: int = 0
    comparisons: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)

    def add(self, rule: str, pairs: int) -> None:
        """Count ``pairs`` candidate pairs produced by ``rule``."""
        self.candidate_pairs += pairs
        self.by_rule[rule] = self.by_rule.get(rule, 0) + pairs

    def merge(self, other: BlockingStats) -> None:
        """Add another part's counts (a Dask block, matching's forked child) to these."""
        self.items += other.items
        self.blocks += other.blocks
        self.largest_block = max(self.largest_block, other.largest_block)
        self.comparisons += other.comparisons
        for rule, pairs in other.by_rule.items():
            self.add(rule, pairs)


def day_number(v: Any) -> int:
    """Ordinal day of an ISO date, or 0 when unknown (unknown dates sort together)."""
    d = parse_day(v)
    return d.toordinal() if d else 0


def figure_block_key(metric: Any, unit: Any, group: Any, side: Any) -> tuple[str, str, str] | None:
    """Blocking key of a figure, or None when it is not matched across outlets.

    A figure with no side (any story that is not a two-sided war: a dam collapse, a storm)
    blocks under the side ``""`` of its own: it is compared with other side-less figures,
    never with a side's count, and never dropped.

    Examples:
        >>> figure_block_key("killed", "count", "people", "palestinian")
        ('killed', 'people', 'palestinian')
        >>> figure_block_key("killed", None, "people", None)
        ('killed', 'people', '')
        >>> figure_block_key("other", "percent", "people", "") is None
        True
    """
    if metric not in MATCHED_METRICS or (unit not in (None, "count") and not (isinstance(unit, float) and math.isnan(unit))):
        return None
    if not isinstance(side, str):
        side = ""  # None or NaN: no side
    return (str(metric), str(group or "people"), side)


def sorted_neighbourhood(days: Sequence[int], window: int, max_neighbours: int) -> Iterator[tuple[int, int]]:
    """Pairs (i, j), i < j in sorted order, at most ``window`` days and ``max_neighbours`` apart.

    Args:
        days: Day numbers of the block's items, already sorted ascending.
        window: Largest difference in days.
        max_neighbours: Largest number of following items each item is paired with.
    """
    n = len(days)
    for i in range(n):
        di = days[i]
        for j in range(i + 1, min(n, i + 1 + max_neighbours)):
            if days[j] - di > window:
                break
            yield i, j


def token_document_frequency(token_lists: Iterable[Iterable[str]]) -> Counter[str]:
    """In how many claims each content token occurs."""
    df: Counter[str] = Counter()
    for toks in token_lists:
        df.update(set(toks))
    return df


def idf_weights(df: Counter[str], n: int) -> dict[str, float]:
    """Smoothed inverse document frequency of every token."""
    return {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}


def text_block_keys(
    tokens: Sequence[Collection[str]], speakers: Sequence[Any], *, per_claim: int, max_share: float,
    df: Mapping[str, int] | None = None,
) -> list[list[str]]:
    """Blocking keys of each text claim: its canonical speaker and its rarest shared tokens.

    A token in a single claim cannot pair anything and is skipped; a token in more than
    ``max_share`` of the claims (but at least 50) is too common to block on. ``df`` is
    ``token_document_frequency(tokens)`` when the caller already has it.
    """
    if df is None:
        df = token_document_frequency(tokens)
    n = len(tokens)
    limit = max(50, int(max_share * n))
    keys: list[list[str]] = []
    # Usable tokens ranked once, rarest first (ties by token): each claim then sorts integers.
    usable = sorted((t for t, c in df.items() if 2 <= c <= limit), key=lambda t: (df[t], t))
    rank = {t: r for r, t in enumerate(usable)}
    rank_of, unusable = rank.get, len(usable)  # a token that is no key ranks last
    for toks, spk in zip(tokens, speakers):
        ranks = sorted(set(map(rank_of, toks, repeat(unusable, len(toks)))))[:per_claim]
        k = [f"tok:{usable[r]}" for r in ranks if r < unusable]
        if isinstance(spk, str) and spk:
            k.append(f"speaker:{spk.casefold()}")
        keys.append(k)
    return keys


def iter_candidate_pairs(
    keys: Sequence[Sequence[str]], days: Sequence[int], *, window: int, max_neighbours: int,
    budget: int = 0, stats: BlockingStats | None = None,
) -> Iterator[tuple[int, int]]:
    """Candidate pairs (i < j) of items sharing a key, streamed without building a set.

    Blocks are visited from the smallest (the rarest shared token) to the largest, and inside
    each block items are paired by sorted neighbourhood. With ``budget`` > 0 an item takes
    part in at most ``budget`` pairs, so the total is at most ``n * budget / 2`` however large
    the corpus: the rarest evidence is spent first. A pair sharing two keys may be yielded
    twice; callers skip pairs already linked.
    """
    blocks: dict[str, list[int]] = {}
    for i, ks in enumerate(keys):
        for k in ks:
            blocks.setdefault(k, []).append(i)
    count = [0] * len(keys) if budget > 0 else None
    if stats is not None:
        stats.items += len(keys)
    # Members sort by (day, index): one integer per item, day * n + index.
    n_items = len(keys)
    order_key = [d * n_items + i for i, d in enumerate(days)]
    for k in sorted((k for k, m in blocks.items() if len(m) > 1), key=lambda k: (len(blocks[k]), k)):
        members = blocks[k]
        members.sort(key=order_key.__getitem__)
        d = [days[i] for i in members]
        n = 0
        size = len(members)
        # sorted_neighbourhood(d, window, max_neighbours), inlined (one generator, not two).
        for a in range(size):
            da, i = d[a], members[a]
            if count is not None and count[i] >= budget:
                continue  # every pair of i would be skipped
            for b in range(a + 1, min(size, a + 1 + max_neighbours)):
                if d[b] - da > window:
                    break
                j = members[b]
                if count is not None:
                    if count[i] >= budget:
                        break  # i is spent: its later pairs would all be skipped
                    if count[j] >= budget:
                        continue
                    count[i] += 1
                    count[j] += 1
                n += 1
                yield (i, j) if i < j else (j, i)
        if stats is not None:
            stats.blocks += 1
            stats.largest_block = max(stats.largest_block, len(members))
            stats.add(k.split(":", 1)[0], n)


def candidate_pairs_from_keys(
    keys: Sequence[Sequence[str]], days: Sequence[int], *, window: int, max_neighbours: int,
    stats: BlockingStats | None = None,
) -> set[tuple[int, int]]:
    """Candidate pairs (i < j, indices into ``keys``) of items sharing a key, by sorted neighbourhood."""
    blocks: dict[str, list[int]] = {}
    for i, ks in enumerate(keys):
        for k in ks:
            blocks.setdefault(k, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for k, members in blocks.items():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: (days[i], i))
        d = [days[i] for i in members]
        before = len(pairs)
        for a, b in sorted_neighbourhood(d, window, max_neighbours):
            i, j = members[a], members[b]
            pairs.add((i, j) if i < j else (j, i))
        if stats is not None:
            stats.blocks += 1
            stats.largest_block = max(stats.largest_block, len(members))
            stats.add(k.split(":", 1)[0], len(pairs) - before)
    if stats is not None:
        stats.items += len(keys)
    return pairs


def claim_tokens(texts: Iterable[str]) -> list[list[str]]:
    """Content tokens of every claim text."""
    return [content_tokens(t or "") for t in texts]


__all__ = [
    "MATCHED_METRICS",
    "BlockingStats",
    "candidate_pairs_from_keys",
    "claim_tokens",
    "day_number",
    "figure_block_key",
    "idf_weights",
    "iter_candidate_pairs",
    "sorted_neighbourhood",
    "text_block_keys",
    "token_document_frequency",
]
