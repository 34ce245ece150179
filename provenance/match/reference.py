"""Reference series: a daily official count to check reported figures against.

Accepted files:

* the Tech For Palestine daily casualty JSON (``casualties_daily.json``: ``report_date``,
  ``killed_cum``, ``injured_cum``, ``killed_children_cum``, ``killed_women_cum``; the
  West Bank file ``west_bank_daily.json`` has the same top-level fields), read as
  cumulative killed/injured in Gaza (or the West Bank when the file name says so);
* any CSV with columns ``date``, ``metric``, ``place``, ``value`` (optional ``group``,
  default ``people``).

Only reported values are used (``killed_cum``, not the extrapolated ``ext_killed_cum``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from provenance.errors import ReferenceSeriesError
from provenance.match.comparisons import FigureInterval, parse_day

REFERENCE_COLUMNS = ["date", "metric", "group", "place", "value", "series"]
# t4p field -> (metric, group)
T4P_FIELDS = {
    "killed_cum": ("killed", "people"),
    "injured_cum": ("injured", "people"),
    "killed_children_cum": ("killed", "children"),
    "killed_women_cum": ("killed", "women"),
    "press_killed_cum": ("killed", "journalists"),
    "med_killed_cum": ("killed", "medics"),
}


def _fail(path: Path, what: str, fix: str) -> ReferenceSeriesError:
    return ReferenceSeriesError(f"reference file {path}: {what}. {fix}")


def load_reference(path: str | Path) -> pd.DataFrame:
    """Read a reference series into rows of (date, metric, group, place, value, series).

    Args:
        path: A t4p casualties JSON file or a CSV of date, metric, place, value.

    Returns:
        The series, sorted by metric, group, place and date.

    Raises:
        ReferenceSeriesError: The file is missing, unreadable, or has no usable rows.
    """
    p = Path(path)
    if not p.is_file():
        raise _fail(p, "not found", "Check the path given to --reference")
    try:
        raw = p.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(p, f"cannot be read ({exc.__class__.__name__})", "Give a UTF-8 JSON or CSV file") from exc
    if p.suffix.lower() == ".json" or raw.lstrip().startswith(("[", "{")):
        df = _from_t4p(p, raw)
    else:
        df = _from_csv(p)
    if not len(df):
        raise _fail(p, "has no usable rows", "It needs dates and numeric values (see docs/matching.md)")
    return df.sort_values(["metric", "group", "place", "date"], kind="stable").reset_index(drop=True)


def _from_t4p(p: Path, raw: str) -> pd.DataFrame:
    """Rows from the t4p daily JSON array."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _fail(p, f"is not valid JSON (line {exc.lineno})", "Give the t4p casualties JSON or a CSV") from exc
    if not isinstance(data, list) or not data or not all(isinstance(x, dict) for x in data):
        raise _fail(p, "is not a JSON array of daily reports", "Give the t4p casualties_daily.json or a CSV")
    if not any("report_date" in x for x in data):
        raise _fail(p, "has no report_date field", "Give the t4p casualties JSON or a CSV of date, metric, place, value")
    place = "West Bank" if "west" in p.name.lower() else "Gaza"
    series = f"t4p {p.stem}"
    rows = []
    for x in data:
        d = parse_day(x.get("report_date"))
        if d is None:
            continue
        for field, (metric, group) in T4P_FIELDS.items():
            v = x.get(field)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                rows.append((d.isoformat(), metric, group, place, float(v), series))
    return pd.DataFrame(rows, columns=REFERENCE_COLUMNS)


def _from_csv(p: Path) -> pd.DataFrame:
    """Rows from a CSV of date, metric, place, value (group optional)."""
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise _fail(p, "is not a readable CSV", "Give a CSV with columns date, metric, place, value") from exc
    cols = {c.strip().lower(): c for c in df.columns}
    missing = [c for c in ("date", "metric", "place", "value") if c not in cols]
    if missing:
        raise _fail(p, f"has no column {', '.join(missing)}", "Give a CSV with columns date, metric, place, value")
    out = pd.DataFrame({
        "date": [d.isoformat() if (d := parse_day(v.strip())) else None for v in df[cols["date"]]],
        "metric": df[cols["metric"]].str.strip().str.lower(),
        "group": df[cols["group"]].str.strip().str.lower() if "group" in cols else "people",
        "place": df[cols["place"]].str.strip(),
        "value": pd.to_numeric(df[cols["value"]].str.replace(",", "", regex=False), errors="coerce"),
        "series": p.stem,
    })
    return out.dropna(subset=["date", "value"]).reset_index(drop=True)


@dataclass
class ReferenceMatch:
    """The reference report nearest a figure."""

    value: float
    date: str
    lag_days: int
    matches: bool
    series: str


class ReferenceIndex:
    """Fast lookups of a reference series by (metric, group, place) and day.

    Args:
        series: Rows from ``load_reference``.
        max_lag_days: Reports up to this many days before the figure's as-of date are considered.
        max_lead_days: ...and up to this many days after it (time zones: a negative lag).
        tolerance: Relative distance within which a figure "matches" the reference.
        interval: How a figure's bounds are closed (the matching settings' slack).
    """

    def __init__(self, series: pd.DataFrame, max_lag_days: int = 3, tolerance: float = 0.02,
                 interval: FigureInterval | None = None, max_lead_days: int = 0) -> None:
        self.max_lag_days = max_lag_days
        self.max_lead_days = max_lead_days
        self.tolerance = tolerance
        self.interval = interval or FigureInterval()
        self.by_key: dict[tuple[str, str, str], dict[int, tuple[float, str]]] = {}
        for d, m, g, pl, v, s in series[REFERENCE_COLUMNS].itertuples(index=False):
            dd = parse_day(d)
            if dd is not None:
                self.by_key.setdefault((m, g, str(pl).casefold()), {})[dd.toordinal()] = (float(v), s)

    def lookup(self, metric: Any, group: Any, place: Any, side: Any, as_of: Any, value: Any, low: Any,
               high: Any, qualifier: Any) -> ReferenceMatch | None:
        """The reference report that best explains a figure, or None when the series has none.

        Among reports dated from ``max_lag_days`` before to ``max_lead_days`` after the as-of
        date, the one nearest the stated number wins (ties: the smallest lag, earlier reports
        first), so "more than 8,300" on 31 Oct is set beside the 30 Oct report of 8,309.
        """
        day = parse_day(as_of)
        if day is None or not isinstance(metric, str):
            return None
        pl = place if isinstance(place, str) and place else ("Gaza" if side == "palestinian" else None)
        if pl is None:
            return None
        days = self.by_key.get((metric, str(group or "people"), pl.casefold()))
        if not days:
            return None
        iv = self.interval(value, low, high, qualifier)
        if iv is None:
            return None
        stated = next((float(x) for x in (value, low, high) if isinstance(x, (int, float)) and not math.isnan(x)), None)
        if stated is None:
            stated = (iv[0] + iv[1]) / 2
        best: tuple[float, int] | None = None
        for lag in sorted(range(-self.max_lead_days, self.max_lag_days + 1), key=lambda x: (abs(x), -x)):
            hit = days.get(day.toordinal() - lag)
            if hit is None:
                continue
            dist = abs(hit[0] - stated) / max(abs(stated), 1.0)
            if best is None or dist < best[0] - 1e-12:
                best = (dist, lag)
        if best is None:
            return None
        lag = best[1]
        v, s = days[day.toordinal() - lag]
        lo, hi = iv[0] * (1 - self.tolerance), iv[1] * (1 + self.tolerance)
        return ReferenceMatch(v, date.fromordinal(day.toordinal() - lag).isoformat(), lag, lo <= v <= hi, s)


__all__ = ["REFERENCE_COLUMNS", "ReferenceIndex", "ReferenceMatch", "load_reference"]
