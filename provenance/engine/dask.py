"""Dask engine: the same stage functions as the local engine, run on a dask.distributed cluster.

Extraction is a map over partitions: the client reads and de-duplicates the inputs (one
stream, as in the local engine), cuts them into partitions of ``partition_size`` articles,
scatters each partition to the cluster and runs :func:`provenance.engine.local.extract_partition`
on it. At most ``2 x worker threads`` partitions are in flight, so the client's memory is flat
and results come back in input order; the tables are then byte-identical to a local run.

Figure matching runs by block key (:func:`cluster_figures_by_block`, called by
``provenance.match.match_frames`` when the ``[engine]`` settings name Dask): figures are
shuffled so that every block (metric, counted group, side) lands whole in one partition, and
``provenance.match.cluster.cluster_figures`` runs on each partition unchanged.

Workers need the same provenance version installed as the client (checked on connect).
See docs/scale.md.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from provenance.engine.local import chunks, extract_partition, ordered_bounded
from provenance.errors import EngineError
from provenance.models import Article

if TYPE_CHECKING:
    import pandas as pd
    from distributed import Client


class _FutureResult:
    """Adapts a Dask future to the ``Pending`` protocol of ``ordered_bounded``."""

    def __init__(self, future: Any) -> None:
        self.future = future

    def get(self) -> list[Any]:
        """The partition's result (re-raises the worker's exception)."""
        res: list[Any] = self.future.result()
        self.future.release()
        return res


def _worker_version() -> str:
    """Extractor version on a worker (runs remotely)."""
    from provenance.extract import extractor_version

    return extractor_version(user_aliases=False)


@contextmanager
def connect(scheduler: str | None = None, client: Client | None = None) -> Iterator[Client]:
    """A client for ``scheduler`` (an address like ``tcp://10.0.0.5:8786``), or ``client`` as is.

    Raises:
        EngineError: dask.distributed is missing, the scheduler cannot be reached, it has no
            workers, or a worker runs other extractor rules than this client.
    """
    if client is not None:
        yield client
        return
    if not scheduler:
        raise EngineError("--engine dask needs --scheduler ADDRESS (e.g. tcp://127.0.0.1:8786). "
                          "Start one with `dask scheduler` and `dask worker ADDRESS`.")
    try:
        from distributed import Client
    except ImportError as exc:
        raise EngineError("the Dask engine needs dask.distributed. Install it with "
                          "`pip install 'provenance[dask]'`.") from exc
    try:
        c = Client(scheduler, timeout="20s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise EngineError(f"cannot reach the Dask scheduler at {scheduler} ({exc}). "
                          "Check the address and that `dask scheduler` is running.") from exc
    try:
        check_workers(c)
        yield c
    finally:
        c.close()


def check_workers(client: Client, wait_s: float = 20.0) -> int:
    """Number of worker threads, after checking every worker runs our extractor version.

    Raises:
        EngineError: No worker joined within ``wait_s`` seconds, or a version differs.
    """
    from provenance.extract import extractor_version

    try:
        client.wait_for_workers(1, timeout=wait_s)
    except TimeoutError as exc:
        raise EngineError(f"the Dask scheduler has no workers after {wait_s:.0f}s. "
                          "Start some with `dask worker SCHEDULER_ADDRESS`.") from exc
    try:
        versions = client.run(_worker_version)
    except ModuleNotFoundError as exc:
        raise EngineError("a Dask worker cannot import provenance. Install the same provenance version "
                          "on every worker (pip install provenance).") from exc
    ours = extractor_version(user_aliases=False)  # user alias files travel with the tasks
    other = {w: v for w, v in versions.items() if v != ours}
    if other:
        w, v = next(iter(other.items()))
        raise EngineError(f"Dask worker {w} runs extractor version {v}, this client {ours}. "
                          "Install the same provenance version on every worker.")
    return sum(client.nthreads().values())


def map_extract_dask(
    articles: Iterable[Article],
    scheduler: str | None = None,
    partition_size: int = 256,
    on_done: Callable[[int], None] | None = None,
    *,
    client: Client | None = None,
    partition: Callable[[list[Article]], list[Any]] = extract_partition,
) -> Iterator[Any]:
    """Extract every article on a Dask cluster, yielding rows in input order.

    Args:
        articles: Articles to extract (consumed lazily).
        scheduler: Scheduler address; ignored when ``client`` is given.
        partition_size: Articles per task (a partition).
        on_done: Called with the number of articles finished after each partition.
        client: An existing ``distributed.Client`` (tests, notebooks).
        partition: The stage function run on each partition (``extract_partition``,
            ``store_partition`` or ``block_partition``, as in the local engine).

    Yields:
        One rows dict per article, in input order (identical to ``local.map_extract``).

    Raises:
        EngineError: The cluster cannot be reached or is not usable (see ``connect``).
    """
    with connect(scheduler, client) as c:
        threads = check_workers(c) if client is not None else sum(c.nthreads().values())

        def submit(part: list[Article]) -> _FutureResult:
            [data] = c.scatter([part], hash=False)
            return _FutureResult(c.submit(partition, data, pure=False))

        yield from ordered_bounded(chunks(articles, partition_size), submit, max(2, 2 * threads), on_done)


def _partition_of(key: tuple[str, str, str] | None, n: int) -> int:
    """Stable partition of a block key (zlib.crc32, not hash(): the same on every process)."""
    return 0 if key is None else zlib.crc32("\x1f".join(key).encode("utf-8")) % n


def _cluster_partition(figs: pd.DataFrame, settings: Any) -> tuple[list[str], Any]:
    """``cluster_figures`` on one partition (runs on a worker), with its blocking counts."""
    from provenance.match.blocking import BlockingStats
    from provenance.match.cluster import cluster_figures

    stats = BlockingStats()
    return cluster_figures(figs, settings, stats), stats


def cluster_figures_by_block(figs: pd.DataFrame, settings: Any, client: Client, partitions: int = 0,
                             stats: Any = None) -> list[str]:
    """``cluster_figures`` over a cluster: shuffle figures by block key, cluster each partition.

    Blocks never interact in ``cluster_figures`` and cluster ids are content hashes of their
    members, so running it on every partition (rows kept in their original relative order)
    gives exactly the ids of one call over all figures. Figures without a block key are
    singletons wherever they run.

    Args:
        figs: Figures after ``provenance.match.claims.prepare_figures``.
        settings: ``provenance.match.cluster.FigureSettings``.
        client: A connected ``distributed.Client``.
        partitions: Number of partitions; 0 = two per worker thread.
        stats: A ``provenance.match.blocking.BlockingStats`` to add every partition's counts to.

    Returns:
        One cluster id per row of ``figs``, in row order.
    """
    import pandas as pd

    from provenance.match.blocking import figure_block_key

    if not len(figs):
        return []
    n = partitions or max(1, 2 * sum(client.nthreads().values()))
    unit = figs["unit"] if "unit" in figs.columns else pd.Series([None] * len(figs), index=figs.index)
    part = [_partition_of(figure_block_key(m, u, g, s), n)
            for m, u, g, s in zip(figs["metric"], unit, figs["group"], figs["side"])]
    frame = figs.reset_index(drop=True)
    groups = frame.groupby(pd.Series(part), sort=True).indices
    futures = {p: client.submit(_cluster_partition, c, settings, pure=False)
               for p, c in ((p, client.scatter(frame.iloc[idx], hash=False)) for p, idx in groups.items())}
    out: list[str] = [""] * len(frame)
    for p, fut in futures.items():
        ids, part_stats = fut.result()
        for i, cid in zip(groups[p], ids):
            out[i] = cid
        if stats is not None:
            stats.merge(part_stats)
    return out


__all__ = ["check_workers", "cluster_figures_by_block", "connect", "map_extract_dask"]
