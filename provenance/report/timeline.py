"""Timeline plots: each outlet's reported values for one figure cluster over publication time.

Drawn by matplotlib as SVG (small, printable, no JavaScript), with the reference series when
a run had one. Output is deterministic: fixed hash salt for SVG ids, no date or creator
metadata, so a report regenerated from the same input is byte-identical.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

# Marker per qualifier: an open interval points the way it is open.
_MARKERS = {
    "more_than": "^", "at_least": "^", "nearly": "v", "up_to": "v", "less_than": "v",
    "about": "D", "range": "s", "vague": "s",
}
# Colour-blind friendly cycle (Okabe-Ito), assigned to outlets in a fixed order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
           "#999999", "#882255", "#44AA99", "#117733")


@dataclass(frozen=True)
class Point:
    """One reported figure on the timeline."""

    outlet: str
    when: str  # ISO date or datetime
    value: float | None
    low: float | None
    high: float | None
    qualifier: str


def outlet_colours(outlets: Sequence[str]) -> dict[str, str]:
    """A fixed colour per outlet, in the order given (the same in every plot of a report)."""
    return {o: PALETTE[i % len(PALETTE)] for i, o in enumerate(outlets)}


def _num(x: Any) -> float | None:
    """A finite float, or None for missing values."""
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _y(p: Point) -> float | None:
    """Where to draw a figure: its value, else the middle of its bounds, else its one bound."""
    if p.value is not None:
        return p.value
    if p.low is not None and p.high is not None:
        return (p.low + p.high) / 2
    return p.low if p.low is not None else p.high


# Outlets named in a plot's legend; a plot with more lists the ones with most reports and says how
# many more there are (the figure is 2.8 inches tall, and the palette repeats after 12 colours).
MAX_LEGEND = 10

_local = threading.local()


def _figure() -> Any:
    """The one matplotlib figure every timeline is drawn on, cleared and reset to the default layout.

    Creating a figure costs more than drawing a small plot on it; one figure per thread is reused.
    The subplot parameters are put back each time, since ``tight_layout`` moves them and the tick
    locators depend on the axes' size: each plot's bytes must not depend on the plot before it.
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure

    fig = getattr(_local, "figure", None)
    if fig is None:
        fig = _local.figure = Figure(figsize=(6.4, 2.8))
    fig.clear()
    fig.set_layout_engine(None)
    # A plain mapping: matplotlib's stubs type RcParams keys as literals, not built strings.
    defaults = cast("dict[str, Any]", mpl.rcParamsDefault)
    fig.subplots_adjust(**{k: defaults[f"figure.subplot.{k}"]
                           for k in ("left", "right", "bottom", "top", "wspace", "hspace")})
    return fig


def _legend_outlets(pts: Sequence[tuple[Point, Any, float]], colours: dict[str, str]) -> list[str]:
    """The outlets named in the legend, in colour order: all, or the MAX_LEGEND with most reports."""
    if len(colours) <= MAX_LEGEND:
        return list(colours)
    count: dict[str, int] = {}
    for p, _, _ in pts:
        count[p.outlet] = count.get(p.outlet, 0) + 1
    order = {o: i for i, o in enumerate(colours)}
    top = set(sorted(colours, key=lambda o: (-count.get(o, 0), order[o]))[:MAX_LEGEND])
    return [o for o in colours if o in top]


def timeline_svg(
    points: Sequence[Point],
    colours: dict[str, str],
    reference: Sequence[tuple[str, float]] = (),
    title: str = "",
    reference_label: str = "reference",
) -> str:
    """Render one cluster's timeline as an SVG string.

    Args:
        points: The reported figures (one per outlet and article).
        colours: Outlet -> colour (see ``outlet_colours``).
        reference: ``(ISO date, value)`` pairs of the reference series, if any.
        title: Plot title (the cluster label).
        reference_label: Legend label of the reference series.

    Returns:
        An ``<svg>`` element as text (no XML prolog), or "" when nothing has a date and a value.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.dates as mdates
    import matplotlib.ticker
    import pandas as pd

    pts: list[tuple[Point, Any, float]] = [(p, pd.Timestamp(p.when), y) for p in points
                                           if p.when and (y := _y(p)) is not None]
    ref = sorted((pd.Timestamp(d), v) for d, v in reference if d and _num(v) is not None)
    if not pts and not ref:
        return ""
    by_outlet: dict[str, list[tuple[Point, Any, float]]] = {}
    for item in pts:
        by_outlet.setdefault(item[0].outlet, []).append(item)
    named = _legend_outlets(pts, colours)
    with matplotlib.rc_context({
        "svg.hashsalt": "provenance", "svg.fonttype": "none", "font.size": 9, "font.family": "sans-serif",
        "axes.spines.top": False, "axes.spines.right": False,
    }):
        fig = _figure()
        ax = fig.add_subplot()
        if ref:
            ax.step([d for d, _ in ref], [v for _, v in ref], where="post", color="#777777",
                    linestyle="--", linewidth=1.2, marker="x", markersize=5, label=reference_label, zorder=1)
        times = [t for _, t, _ in pts] + [d for d, _ in ref]
        lo, hi = min(times), max(times)
        # Outlets reporting the same value on the same day would hide each other: nudge each
        # outlet's markers sideways by a small fixed step (its position in the legend).
        step = max(hi - lo, pd.Timedelta(days=2)) * 0.012
        mid = (len(colours) - 1) / 2
        for k, outlet in enumerate(colours):
            nudge = step * (k - mid)
            mine = sorted(((t + nudge, y, p) for p, t, y in by_outlet.get(outlet, ())), key=lambda m: (m[0], m[1]))
            if not mine:
                continue
            c = colours[outlet]
            # A line reads as "the figure changed": draw it only where each date has one value
            # (two sources quoted in one article on one day are two markers, not a change).
            if len({t for t, _, _ in mine}) == len(mine) > 1:
                ax.plot([t for t, _, _ in mine], [y for _, y, _ in mine], color=c, linewidth=1, alpha=0.6, zorder=2)
            # One artist per marker shape and one for the range bars, not one per point: a plot
            # may hold hundreds of reports, and matplotlib's cost is per artist.
            bars: tuple[list[Any], list[float], list[float]] = ([], [], [])
            shapes: dict[str, tuple[list[Any], list[float]]] = {}
            for t, y, p in mine:
                bottom = p.low if p.low is not None else y
                top = p.high if p.high is not None else y
                if p.qualifier in ("range", "vague") and top > bottom:
                    bars[0].append(t)
                    bars[1].append(bottom)
                    bars[2].append(top)
                xs, ys = shapes.setdefault(_MARKERS.get(p.qualifier, "o"), ([], []))
                xs.append(t)
                ys.append(y)
            if bars[0]:
                ax.vlines(bars[0], bars[1], bars[2], color=c, linewidth=3, alpha=0.4, zorder=2)
            for marker, (xs, ys) in shapes.items():
                ax.plot(xs, ys, linestyle="none", marker=marker, markersize=6, color=c, zorder=3)
        for outlet in named:
            if outlet in by_outlet:
                ax.plot([], [], color=colours[outlet], marker="o", linestyle="-", label=outlet)
        more = len([o for o in colours if o in by_outlet and o not in named])
        if more:
            ax.plot([], [], linestyle="none", label=f"and {more} more outlet{'s' if more != 1 else ''}")
        if hi - lo < pd.Timedelta(days=2):  # one day only: give the axis room either side
            ax.set_xlim(lo - pd.Timedelta(days=1), hi + pd.Timedelta(days=1))
        else:
            pad = (hi - lo) * 0.08
            ax.set_xlim(lo - pad, hi + pad)
        # A wide legend leaves the axes narrow: full ISO dates at six ticks collided. The concise
        # formatter writes "Oct", "07", "14" and puts the year once at the axis end.
        locator = mdates.AutoDateLocator(minticks=2, maxticks=5)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(
            locator, offset_formats=["", "%Y", "%Y", "%Y-%b-%d", "%Y-%b-%d", "%Y-%b-%d %H:%M"]))
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_ylabel("reported value")
        ax.set_xlabel("publication date")
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        if title:
            ax.set_title(title, loc="left", fontsize=10)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
        ax.margins(y=0.15)
        fig.tight_layout()
        # tight_layout leaves a placeholder layout engine behind, and savefig draws the whole
        # figure once more for any engine before drawing it for real: none is needed now.
        fig.set_layout_engine(None)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        fig.clear()  # let the plot's artists go now, not at the next plot
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]


__all__ = ["MAX_LEGEND", "PALETTE", "Point", "outlet_colours", "timeline_svg"]
