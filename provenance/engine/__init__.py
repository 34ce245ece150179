"""Execution engines: the same stage functions run in-process, in local processes, or on Dask."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from provenance.engine.local import (
    Extracted,
    block_partition,
    extract_partition,
    extract_rows,
    map_extract,
    resolve_workers,
    store_partition,
)
from provenance.errors import EngineError
from provenance.models import Article

ENGINES = ("local", "dask")


def map_articles(
    articles: Iterable[Article],
    *,
    engine: str = "local",
    workers: int = 0,
    chunk_size: int = 64,
    scheduler: str | None = None,
    partition_size: int = 256,
    on_done: Callable[[int], None] | None = None,
    partition: Callable[[list[Article]], list[Any]] = extract_partition,
) -> Iterator[Any]:
    """Extract ``articles`` with the chosen engine; rows come back in input order either way.

    Args:
        articles: Articles to extract (consumed lazily).
        engine: ``local`` (processes on this machine) or ``dask`` (a dask.distributed cluster).
        workers: Local processes (0 = all cores); unused by ``dask``.
        chunk_size: Articles per local task.
        scheduler: Dask scheduler address (``tcp://host:8786``); required by ``dask``.
        partition_size: Articles per Dask task.
        on_done: Progress callback, called with the number of articles finished.
        partition: The stage function mapped over partitions: ``extract_partition`` (rows),
            ``store_partition`` ((rows, store record) pairs) or ``block_partition`` (one
            ``Extracted`` per partition: its rows as columns and, for a store, its records).

    Yields:
        The items of the partitions' results (by default one rows dict per article,
        ``provenance.frames.rows_from_extraction``), in input order.

    Raises:
        EngineError: Unknown engine, or the Dask cluster is unusable.
    """
    if engine == "local":
        yield from map_extract(articles, workers, chunk_size, on_done, partition)
    elif engine == "dask":
        from provenance.engine.dask import map_extract_dask

        yield from map_extract_dask(articles, scheduler, partition_size, on_done, partition=partition)
    else:
        raise EngineError(f"unknown engine '{engine}'. Use one of: {', '.join(ENGINES)}.")


__all__ = ["ENGINES", "Extracted", "block_partition", "extract_partition", "extract_rows", "map_articles", "map_extract", "resolve_workers",
           "store_partition"]
