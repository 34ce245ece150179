"""Local engine: extraction mapped over worker processes (all cores by default).

The stage function is :func:`extract_rows` (one article -> its flat table rows); every engine
maps that same function, the Dask engine included (``provenance.engine.dask``).

Memory stays flat however large the corpus: at most ``2 x workers`` chunks are in flight, so
the reader never runs ahead of the workers (``multiprocessing.Pool.imap`` would read the whole
input into its task queue first: 1.4 GB of article texts on ABP before this bound).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from provenance.extract import extract_article
from provenance.frames import ColumnBlock, rows_from_extraction
from provenance.models import Article

Rows = dict[str, list[dict[str, Any]]]
T = TypeVar("T")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class Pending(Protocol[R_co]):
    """A result not yet available (``multiprocessing`` AsyncResult or a wrapped Dask future)."""

    def get(self) -> R_co:
        """Wait for and return the result (re-raising the task's exception)."""
        ...


def extract_rows(article: Article) -> Rows:
    """The stage function every engine maps: one article -> its flat table rows."""
    return rows_from_extraction(extract_article(article))


def use_aliases(aliases: Sequence[str]) -> None:
    """Load user alias files (their contents) into this process's actor registry, once each.

    The stage functions take the contents rather than paths: a worker process, or a Dask worker
    on another machine, starts with the packaged registry only. A worker process (a Dask
    worker serves run after run) is set to exactly these files: the packaged registry again
    when another run's files are loaded. The main process (an in-process run) keeps what it
    has loaded (``pipeline.user_aliases``, or ``actors.load_aliases`` in a notebook).
    """
    from provenance.extract import actors

    if mp.parent_process() is not None:
        wanted = tuple(actors.alias_text_digest(t) for t in aliases)
        if actors.user_alias_digests() != wanted:
            actors.reset_registry()
    for text in aliases:
        actors.load_alias_text(text)


def extract_partition(articles: list[Article], aliases: Sequence[str] = ()) -> list[Rows]:
    """Extract a partition of articles (the unit of work sent to a process or a Dask worker).

    Args:
        articles: The partition.
        aliases: Contents of user alias files to load first (``provenance run --actors``).
    """
    use_aliases(aliases)
    return [extract_rows(a) for a in articles]


def store_partition(articles: list[Article], aliases: Sequence[str] = ()) -> list[tuple[Rows, Any]]:
    """``extract_partition`` plus each article's store record (``store.db.encode_extraction``).

    Used when the run writes a store: the rows payload (JSON, zstd) is then built in the process
    that extracted them, and the process holding the store only inserts it (the query tables
    are derived from it later, in another process: ``store.derive``).
    """
    use_aliases(aliases)
    rows = [extract_rows(a) for a in articles]
    return list(zip(rows, store_records(articles, rows)))


def store_records(articles: list[Article], rows: list[Rows]) -> list[Any]:
    """Each article's store record (``store.db.encode_extraction``) under this process's extractor version."""
    from provenance.extract import extractor_version
    from provenance.store.db import encode_extraction

    version = extractor_version()
    return [encode_extraction(a, r, version) for a, r in zip(articles, rows)]


@dataclass
class Extracted:
    """A partition's extraction as one item: its table rows as columns and, when the run keeps a
    store, each article's store record (``store.db.Encoded``), in input order."""

    block: ColumnBlock
    records: list[Any] = field(default_factory=list)


def block_partition(articles: list[Article], aliases: Sequence[str] = (), store: bool = False) -> list[Extracted]:
    """Extract a partition into one ``Extracted`` item (what ``pipeline.collect`` maps).

    The rows travel back as a ``frames.ColumnBlock`` (lists of values, 13 KB per ABP article
    instead of 26 KB of row dicts; the main process extends its columns instead of walking every
    row), and with ``store`` each article's store record is built here too.

    Args:
        articles: The partition.
        aliases: Contents of user alias files to load first (``provenance run --actors``).
        store: Also build each article's store record (``store.db.encode_extraction``).
    """
    use_aliases(aliases)
    rows = [extract_rows(a) for a in articles]
    return [Extracted(ColumnBlock.of(rows), store_records(articles, rows) if store else [])]


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter), read lazily."""
    buf: list[T] = []
    for a in items:
        buf.append(a)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def ordered_bounded(
    parts: Iterable[list[T]], submit: Callable[[list[T]], Pending[list[R]]], max_in_flight: int,
    on_done: Callable[[int], None] | None = None,
) -> Iterator[R]:
    """Submit partitions with at most ``max_in_flight`` outstanding; yield results in input order.

    The bound is what keeps memory flat: the input iterator is advanced only when a result
    has been taken, so neither the task queue nor the result buffer grows with the corpus.
    ``on_done`` is called with the number of articles of each partition done (a partition's
    result may be one item per article or one for all of them: ``block_partition``).
    """
    pending: deque[tuple[int, Pending[list[R]]]] = deque()
    for part in parts:
        pending.append((len(part), submit(part)))
        if len(pending) >= max_in_flight:
            n, res = pending.popleft()
            yield from res.get()
            if on_done:
                on_done(n)
    while pending:
        n, res = pending.popleft()
        yield from res.get()
        if on_done:
            on_done(n)


def resolve_workers(workers: int) -> int:
    """0 means all cores (the CPUs this process may run on, not merely those installed)."""
    if workers > 0:
        return workers
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_extract(
    articles: Iterable[Article],
    workers: int = 0,
    chunk_size: int = 64,
    on_done: Callable[[int], None] | None = None,
    partition: Callable[[list[Article]], list[Any]] = extract_partition,
) -> Iterator[Any]:
    """Extract every article, yielding rows in input order.

    Args:
        articles: Articles to extract (consumed lazily, never read ahead by more than
            ``2 x workers x chunk_size`` articles).
        workers: Processes; 0 = all cores, 1 = in this process.
        chunk_size: Articles per task.
        on_done: Called with the number of articles finished after each chunk (for progress).
        partition: The stage function mapped over chunks: ``extract_partition`` (rows),
            ``store_partition`` ((rows, store record) pairs) or ``block_partition`` (one
            ``Extracted`` per chunk).

    Yields:
        The items of ``partition``'s results (a rows dict per article by default), in input order.

    Examples:
        >>> from provenance.models import Article
        >>> rows = list(map_extract([Article(article_id="a", text="Nothing here.", source="-")], workers=1))
        >>> rows[0]["articles"][0]["sentences"]
        1
    """
    n = resolve_workers(workers)
    if n == 1:
        for chunk in chunks(articles, chunk_size):
            yield from partition(chunk)
            if on_done:
                on_done(len(chunk))
        return
    ctx = mp.get_context("forkserver" if os.name != "nt" else "spawn")
    if os.name != "nt":
        # The fork server imports the extractors and builds their state once (when this process
        # first starts it: ``provenance.engine.warm``); the workers of every pool are forked from
        # it ready, instead of each importing pandas, dateparser and the extractors and loading
        # the attribution model again (seconds per worker, a minute on a busy machine).
        ctx.set_forkserver_preload(["__main__", "provenance.engine.warm"])
    with ctx.Pool(n) as pool:
        yield from ordered_bounded(chunks(articles, chunk_size),
                                   lambda part: pool.apply_async(partition, (part,)), 2 * n, on_done)
