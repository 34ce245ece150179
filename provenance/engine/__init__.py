"""Execution engines: the same stage functions run in-process, in local processes, or on Dask."""

from provenance.engine.local import extract_rows, map_extract

__all__ = ["extract_rows", "map_extract"]
