"""Figure clustering across days: repeated numbers, rounded numbers, milestones (issue 6).

The figures are modelled on the casualty-mentions and gaza-news reporting of Oct 2023 - Jan
2024 (the gold set's guidelines: tests/gold/matching/README.md).
"""

from __future__ import annotations

import pandas as pd
import pytest

from provenance.config import load_config
from provenance.match.cluster import FigureSettings, cluster_figures, rounds_to

S = FigureSettings.from_config(load_config()["match"])


@pytest.mark.parametrize(
    "rounded, qualifier, other, covers",
    [
        (680, "at_least", 687, True),       # "at least 680" the day after the ministry's 687
        (1100, "more_than", 1127, True),
        (10000, "more_than", 10300, True),  # "passes 10,000" and "10,300" the next day
        (20000, "nearly", 19400, True),     # "nears 20,000" and "surpasses 19,400"
        (18000, "about", 17700, True),
        (22000, "more_than", 21978, False),  # the wrong side of the bound
        (2670, "at_least", 2750, False),     # beyond one unit of the last digit
        (10000, "more_than", 11000, False),  # beyond the interval slack
        (2750, "about", 2778, False),
        (1500, "exact", 1537, False),        # a bare round number is not read as rounded
        (687, "at_least", 690, False),       # not round
        (413, "exact", 413, False),          # the same number is not a rounding
    ],
)
def test_rounds_to(rounded: float, qualifier: str, other: float, covers: bool) -> None:
    assert rounds_to(rounded, qualifier, other, S) is covers


def _figs(rows: list[tuple[float, str, str]]) -> pd.DataFrame:
    """Figure rows (stated number, qualifier, as-of day) of one block."""
    out = []
    for k, (v, q, day) in enumerate(rows):
        low = v if q in ("exact", "more_than", "at_least") else None
        high = v if q in ("exact", "nearly", "up_to", "less_than") else None
        out.append({"figure_id": f"f{k}", "value": v, "low": low, "high": high, "qualifier": q, "as_of": day,
                    "published": day, "metric": "killed", "unit": "count", "group": "people",
                    "side": "palestinian", "cumulative": True})
    return pd.DataFrame(out)


def _same(rows: list[tuple[float, str, str]]) -> list[list[int]]:
    """Clusters as lists of row indexes."""
    ids = cluster_figures(_figs(rows), S)
    groups: dict[str, list[int]] = {}
    for k, c in enumerate(ids):
        groups.setdefault(c, []).append(k)
    return sorted(groups.values())


@pytest.mark.parametrize(
    "rows, expected",
    [
        # the ministry's 687, then "at least 680" and "more than 680" the next day: one claim
        ([(687, "exact", "2023-10-09"), (680, "at_least", "2023-10-10"), (680, "more_than", "2023-10-10")],
         [[0, 1, 2]]),
        # 21,978 on 31 Dec and "passes 22,000" on 1 Jan are two stages of the count
        ([(21978, "exact", "2023-12-31"), (22000, "more_than", "2024-01-01")], [[0], [1]]),
        # "passes 10,000", then "10,300" the next day
        ([(10000, "more_than", "2023-11-05"), (10300, "exact", "2023-11-06")], [[0, 1]]),
        # "nears 20,000" is not "passes 20,000", even on the same day
        ([(20000, "nearly", "2023-12-19"), (20000, "more_than", "2023-12-19")], [[0], [1]]),
        # "at least 413" anchors before "more than 400", so 413 the next day still joins
        ([(400, "more_than", "2023-10-08"), (413, "at_least", "2023-10-08"), (413, "exact", "2023-10-09")],
         [[0, 1, 2]]),
        # a rounded figure covers a number of its own day or the next, not four days later
        ([(26000, "more_than", "2024-01-25"), (26637, "exact", "2024-01-29")], [[0], [1]]),
        # 2,670 on Sunday and 2,808 on Monday are two reports of a running total
        ([(2670, "exact", "2023-10-15"), (2808, "exact", "2023-10-16")], [[0], [1]]),
        # a figure repeated day after day is one claim, whichever member it repeats
        ([(2400, "exact", "2023-10-15"), (2300, "more_than", "2023-10-15"), (2300, "more_than", "2023-10-16")],
         [[0, 1, 2]]),
    ],
)
def test_clusters_across_days(rows: list[tuple[float, str, str]], expected: list[list[int]]) -> None:
    assert _same(rows) == expected


def test_clustering_does_not_depend_on_row_order() -> None:
    rows = [(687, "exact", "2023-10-09"), (680, "at_least", "2023-10-10"), (21978, "exact", "2023-12-31"),
            (22000, "more_than", "2024-01-01"), (10000, "more_than", "2023-11-05"), (10300, "exact", "2023-11-06")]
    forward = _same(rows)
    back = _same(rows[::-1])
    n = len(rows)
    assert sorted(sorted(n - 1 - k for k in g) for g in back) == forward
