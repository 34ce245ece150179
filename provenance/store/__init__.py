"""The SQLite store: articles, sentences, extraction tables, runs, claims and clusters.

``provenance run`` writes one (``store.sqlite`` in the run folder, or ``--db``) and reuses
what it already extracted; ``provenance add`` grows one incrementally; ``provenance report``
rebuilds the tables from one. The schema is documented in docs/store.md.

Names are imported on first use, so that ``python -m provenance.store.derive`` (the process
that writes the query tables while a run matches) loads neither pandas nor the matching code.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from provenance.store.db import Store, extract_key
    from provenance.store.incremental import (
        AddResult,
        Session,
        add,
        clean_partial_writes,
        refresh,
        report_from_store,
        stale_message,
    )
    from provenance.store.schema import SCHEMA_VERSION, rows_format

_HOME = {
    "Store": "db", "extract_key": "db", "SCHEMA_VERSION": "schema", "rows_format": "schema",
    **dict.fromkeys(("AddResult", "Session", "add", "clean_partial_writes", "refresh", "report_from_store",
                     "stale_message"), "incremental"),
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


__all__ = [
    "SCHEMA_VERSION",
    "AddResult",
    "Session",
    "Store",
    "add",
    "clean_partial_writes",
    "extract_key",
    "refresh",
    "report_from_store",
    "rows_format",
    "stale_message",
]
