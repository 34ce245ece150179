"""The SQLite store: articles, sentences, extraction tables, runs, claims and clusters.

``provenance run`` writes one (``store.sqlite`` in the run folder, or ``--db``) and reuses
what it already extracted; ``provenance add`` grows one incrementally; ``provenance report``
rebuilds the tables from one. The schema is documented in docs/store.md.
"""

from __future__ import annotations

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
