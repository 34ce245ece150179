"""Matching: claims, blocking, named comparisons and clustering across outlets (issue 6)."""

from __future__ import annotations

from typing import Any

import pandas as pd


def match_frames(frames: dict[str, pd.DataFrame], config: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Build claims and cross-outlet clusters from the extraction tables.

    Args:
        frames: Tables from ``FrameBuilder.frames`` (articles, figures, attributions, ...).
        config: Settings (the ``match`` section).

    Returns:
        New tables to add to the report (none until matching lands).
    """
    return {}
