"""Execution engines: the same stage functions run in-process, in local processes, or on Dask."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from provenance.engine.local import Rows, extract_partition, extract_rows, map_extract, resolve_workers
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
) -> Iterator[Rows]:
    """Extract ``articles`` with the chosen engine; rows come back in input order either way.

    Args:
        articles: Articles to extract (consumed lazily).
        engine: ``local`` (processes on this machine) or ``dask`` (a dask.distributed cluster).
        workers: Local processes (0 = all cores); unused by ``dask``.
        chunk_size: Articles per local task.
        scheduler: Dask scheduler address (``tcp://host:8786``); required by ``dask``.
        partition_size: Articles per Dask task.
        on_done: Progress callback, called with the number of articles finished.

    Yields:
        One rows dict per article (``provenance.frames.rows_from_extraction``), in input order.

    Raises:
        EngineError: Unknown engine, or the Dask cluster is unusable.
    """
    if engine == "local":
        yield from map_extract(articles, workers, chunk_size, on_done)
    elif engine == "dask":
        from provenance.engine.dask import map_extract_dask

        yield from map_extract_dask(articles, scheduler, partition_size, on_done)
    else:
        raise EngineError(f"unknown engine '{engine}'. Use one of: {', '.join(ENGINES)}.")


__all__ = ["ENGINES", "extract_partition", "extract_rows", "map_articles", "map_extract", "resolve_workers"]
