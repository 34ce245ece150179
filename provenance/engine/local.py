"""Local engine: extraction mapped over worker processes (all cores by default)."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from provenance.extract import extract_article
from provenance.frames import rows_from_extraction
from provenance.models import Article

Rows = dict[str, list[dict[str, Any]]]


def extract_rows(article: Article) -> Rows:
    """The stage function every engine maps: one article -> its flat table rows."""
    return rows_from_extraction(extract_article(article))


def _batch(items: list[Article]) -> list[Rows]:
    return [extract_rows(a) for a in items]


def _chunks(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    buf: list[Article] = []
    for a in items:
        buf.append(a)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def resolve_workers(workers: int) -> int:
    """0 means all cores."""
    return workers if workers > 0 else (os.cpu_count() or 1)


def map_extract(
    articles: Iterable[Article],
    workers: int = 0,
    chunk_size: int = 64,
    on_done: Callable[[int], None] | None = None,
) -> Iterator[Rows]:
    """Extract every article, yielding rows in input order.

    Args:
        articles: Articles to extract (consumed lazily).
        workers: Processes; 0 = all cores, 1 = in this process.
        chunk_size: Articles per task.
        on_done: Called with the number of articles finished after each chunk (for progress).

    Yields:
        One rows dict per article, in input order.
    """
    n = resolve_workers(workers)
    if n == 1:
        for chunk in _chunks(articles, chunk_size):
            yield from _batch(chunk)
            if on_done:
                on_done(len(chunk))
        return
    ctx = mp.get_context("forkserver" if os.name != "nt" else "spawn")
    with ctx.Pool(n) as pool:
        for res in pool.imap(_batch, _chunks(articles, chunk_size)):
            yield from res
            if on_done:
                on_done(len(res))
