"""Incremental work over a store: reuse what is extracted, add what is new, rebuild reports.

A ``Session`` sits between ingest and the engine: articles whose extraction inputs and
extractor version match a stored row are not extracted again; every new extraction is
committed in small batches as it arrives, so a run killed at any point restarts where the
last commit left it, with the same outputs. A batch commit holds the articles rows and their
rows payloads only; the query tables (sentences, dates, figures, ...) are derived from the
payloads after extraction (``store.derive``: in another process while matching runs, when the
caller asks for it) and are complete before the run is recorded, which happens only when it
finishes.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from provenance.config import load_config
from provenance.errors import StoreError
from provenance.extract import extractor_version
from provenance.frames import FrameBuilder
from provenance.match import match_frames
from provenance.models import Article, Rejection
from provenance.report import prepare_out_dir, write_report
from provenance.store.db import Encoded, Rows, Store, extract_key, now_utc
from provenance.store.derive import Background
from provenance.store.payload import decode, unstrip
from provenance.store.schema import rows_format

if TYPE_CHECKING:
    from provenance.ingest.table import ColumnMap
    from provenance.pipeline import Progress, RunResult


class Session:
    """One command's use of the store: filter out reused articles, save new extractions, record the run.

    Args:
        store: The open store.
        command: ``run``, ``add`` or ``refresh`` (kept in the runs table).
        inputs: The inputs as given.
        load_reused: Load the stored rows of reused articles (``run`` needs them for its report;
            ``add`` does not).
    """

    #: New extractions are committed every this many articles, or this many seconds.
    commit_every = 64
    commit_seconds = 2.0

    def __init__(self, store: Store, command: str, inputs: Iterable[str], *, load_reused: bool = True) -> None:
        self.store = store
        self.command = command
        self.inputs = [str(i) for i in inputs]
        self.load_reused = load_reused
        self.version = extractor_version()
        rows_format()  # hashed once here, not in the engine's feeder thread
        self.started = now_utc()
        self._keys = store.extract_keys()
        self._pending: dict[str, Article] = {}
        self._buffer: list[tuple[Article, Rows] | Encoded] = []
        self._last_commit = time.monotonic()
        self.reused: list[Article] = []
        self.extracted = 0
        self._background: Background | None = None

    def new_only(self, articles: Iterable[Article]) -> Iterator[Article]:
        """Pass on the articles that need extracting; remember the others as reused.

        May run in the engine's feeder thread: it touches only in-memory state, never SQLite.
        """
        keys = self._keys
        for a in articles:
            # An id the store does not hold (every article of a first run) needs no key.
            if a.article_id in keys and keys[a.article_id] == extract_key(a, self.version):
                self.reused.append(a)
                continue
            self._pending[a.article_id] = a
            yield a

    def save(self, rows: Rows, encoded: Encoded | None = None) -> None:
        """Keep one article's new rows; commit a batch when it is due.

        Args:
            rows: The article's table rows.
            encoded: Its store record built by the worker (``engine.local.store_partition``);
                built here when None or made by another extractor version or row format.
        """
        aid = rows["articles"][0]["article_id"]
        if encoded is not None and encoded.version == self.version and encoded.rows_format == rows_format():
            self._keep(encoded, aid)
        else:
            self._keep((self._pending[aid], rows), aid)

    def save_record(self, encoded: Encoded) -> None:
        """Keep one article's store record built by the worker (``engine.local.block_partition``);
        commit a batch when it is due. A record from another extractor version or row format
        (a Dask worker running other code) is stored under this session's version, as ``save``
        does with the rows."""
        if encoded.version == self.version and encoded.rows_format == rows_format():
            self._keep(encoded, encoded.article_id)
        else:
            art = self._pending[encoded.article_id]
            self.save(unstrip(decode(encoded.payload), art.text))

    def _keep(self, item: tuple[Article, Rows] | Encoded, article_id: str) -> None:
        self._pending.pop(article_id)
        self._buffer.append(item)
        self.extracted += 1
        if len(self._buffer) >= self.commit_every or time.monotonic() - self._last_commit >= self.commit_seconds:
            self.flush()

    def flush(self) -> None:
        """Commit the buffered extractions."""
        if self._buffer:
            self.store.put_extractions(self._buffer, self.version, derive_rows=False)
            self._buffer = []
        self._last_commit = time.monotonic()

    def derive_in_background(self) -> None:
        """Commit what is buffered, then start writing the query tables' pending rows in another
        process (while this one matches); ``complete_rows`` waits for it."""
        self.flush()
        if self._background is None:
            self._background = self.store.derive_in_background()

    def complete_rows(self) -> None:
        """Make the query tables complete for every committed article: wait for the background
        process, if any, then write whatever is still pending here."""
        self.flush()
        if self._background is not None:
            self._background.join()
            self._background = None
        self.store.derive_pending()

    def stop(self) -> None:
        """End the background process if it still runs (the command failed: what it committed stays)."""
        if self._background is not None:
            self._background.stop()
            self._background = None

    def reused_rows(self) -> Iterator[Rows]:
        """Stored rows of the reused articles, with each one's current source."""
        if not self.load_reused:
            return
        for a in self.reused:
            yield self.store.load_rows(a.article_id, a.source)

    def finish(self, frames: dict[str, pd.DataFrame], tables: dict[str, pd.DataFrame] | None = None,
               ready: Callable[[], None] | None = None) -> int:
        """Commit what is left and record the run; returns its run id.

        ``ready`` is called just before the run's record is committed (see ``Store.record_run``);
        the query tables are completed before (``complete_rows``).
        """
        self.complete_rows()
        arts = frames["articles"]
        rej = frames["rejected"]
        rejections = [Rejection(r.input, None if pd.isna(r.row) else int(r.row), r.reason, bool(r.skipped))
                      for r in rej.itertuples(index=False)]
        seen = list(zip(arts["article_id"], arts["source"], arts["duplicates"])) if len(arts) else []
        counts = {"articles": len(arts) if self.load_reused else self.extracted + len(self.reused),
                  "extracted": self.extracted, "reused": len(self.reused),
                  "rejected": sum(not r.skipped for r in rejections)}
        return self.store.record_run(command=self.command, started=self.started, inputs=self.inputs,
                                     version=self.version, counts=counts, rejections=rejections, seen=seen,
                                     tables=tables, ready=ready)


@dataclass
class AddResult:
    """What ``add`` did."""

    added: int
    already: int
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        """Inputs or rows rejected (documentation files skipped aside)."""
        return sum(not r.skipped for r in self.rejections)

    @property
    def exit_code(self) -> int:
        """0 when every input became an article, 1 when some were rejected."""
        return 1 if self.rejected else 0


def add(
    inputs: Iterable[str],
    store: Store,
    *,
    config: dict[str, Any] | None = None,
    columns: ColumnMap | None = None,
    outlets_file: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    actors_files: Sequence[str | Path] = (),
) -> AddResult:
    """Ingest inputs and extract only the articles the store does not hold yet.

    Args:
        inputs: Files, folders and globs.
        store: The open store.
        config: Settings; packaged defaults when None.
        columns: Table column names where not recognised.
        outlets_file: Extra outlet registry CSV.
        workers: Extraction processes (0 = all cores).
        progress: Progress callbacks.
        actors_files: User actor alias CSVs (as ``provenance run --actors``); they are part of
            the extractor version, so articles stored under other aliases are extracted again.

    Returns:
        How many articles were added, how many were already there, and the rejections.

    Raises:
        InputError: An input names nothing.
        StoreError: The store cannot be written (locked too long, disk full).
    """
    from provenance import pipeline

    inputs = list(inputs)
    pipeline.user_aliases(actors_files)  # before the session: its extractor version includes them
    session = Session(store, "add", inputs)  # reused rows too: their source and duplicates are updated
    frames = pipeline.collect(inputs, config=config, columns=columns, outlets_file=outlets_file, workers=workers,
                              progress=progress, session=session, actors_files=actors_files)
    session.finish(frames)
    rej = [Rejection(r.input, None if pd.isna(r.row) else int(r.row), r.reason, bool(r.skipped))
           for r in frames["rejected"].itertuples(index=False)]
    return AddResult(added=session.extracted, already=len(session.reused), rejections=rej)


def refresh(
    store: Store, *, config: dict[str, Any] | None = None, workers: int | None = None,
    on_done: Callable[[int], None] | None = None, actors_files: Sequence[str | Path] = (),
) -> int:
    """Re-extract, from their stored text, the articles a newer extractor version makes stale.

    With ``actors_files`` (user alias CSVs), articles extracted under other aliases are stale too.

    Returns:
        How many articles were re-extracted.
    """
    from provenance import pipeline
    from provenance.engine.local import map_extract, store_partition

    cfg = config or load_config()
    aliases = pipeline.user_aliases(actors_files)  # before the session: its extractor version includes them
    session = Session(store, "refresh", ["(stored articles)"], load_reused=False)
    stale = list(store.stale_articles(session.version))
    eng = cfg["engine"]
    for rows, encoded in map_extract(session.new_only(stale), eng["workers"] if workers is None else workers,
                                     eng["chunk_size"], on_done, partial(store_partition, aliases=aliases)):
        session.save(rows, encoded)
    session.flush()
    if stale:
        empty = pd.DataFrame(columns=["article_id", "source", "duplicates"])
        session.finish({"articles": empty, "rejected": pd.DataFrame(columns=["input", "row", "reason", "skipped"])})
    return len(stale)


def stale_message(store: Store, stale: dict[str, int], version: str) -> str:
    """The error text for a store holding rows of another extractor version."""
    n = sum(stale.values())
    versions = ", ".join(sorted(stale))
    return (f"{n:,} article(s) in {store.path} were extracted by another extractor version or code "
            f"({versions}; this one is {version} / rows {rows_format()}). Run `provenance add --refresh --db {store.path}` to re-extract them "
            "from the stored text, or pass --allow-stale to report them as they are.")


def report_from_store(
    store: Store, out: str | Path, *, config: dict[str, Any] | None = None, fmt: str = "csv",
    allow_stale: bool = False, actors_files: Sequence[str | Path] = (),
) -> RunResult:
    """Rebuild every table from the store (no extraction), match, and write the report folder.

    Args:
        store: The open store.
        out: Report folder.
        config: Settings; packaged defaults when None.
        fmt: ``csv`` or ``parquet``.
        allow_stale: Report rows of other extractor versions instead of refusing.
        actors_files: The user actor alias CSVs the store was built with (``add --actors``):
            they are part of the extractor version checked here, and matching uses them.

    Returns:
        The tables and files written.

    Raises:
        StoreError: Some rows are stale and ``allow_stale`` is False.
        OutputError: The folder cannot be written (the store is then left unchanged).
    """
    from provenance.pipeline import user_aliases

    cfg = config or load_config()
    user_aliases(actors_files)
    version = extractor_version()
    stale = store.stale(version)
    if stale and not allow_stale:
        raise StoreError(stale_message(store, stale, version))
    out_dir = prepare_out_dir(out)
    clean_partial_writes(out_dir)
    started = now_utc()
    background = store.derive_in_background()  # rows a killed run left pending, while this one matches
    try:
        return _report(store, out_dir, cfg, fmt, version, started, background)
    finally:
        if background is not None:
            background.stop()


def _report(store: Store, out_dir: Path, cfg: dict[str, Any], fmt: str, version: str, started: str,
            background: Background | None) -> RunResult:
    """``report_from_store`` once the folder is ready."""
    from provenance.pipeline import RunResult

    builder = FrameBuilder()
    dups: dict[str, int] = {}
    for rows, dup in store.iter_rows():
        builder.add(rows)
        dups[rows["articles"][0]["article_id"]] = dup
    frames = builder.frames(store.rejections())
    arts = frames["articles"]
    if len(arts):
        arts["duplicates"] = arts["article_id"].map(dups).fillna(0).astype(int)
    tables = match_frames(frames, cfg)
    frames.update(tables)
    files = write_report(frames, out_dir, cfg, fmt)
    if background is not None:
        background.join()
    store.derive_pending()
    store.record_run(command="report", started=started, inputs=[str(store.path)], version=version,
                     counts={"articles": len(arts), "reused": len(arts)}, tables=tables)
    return RunResult(out_dir, frames, files)


# Names ``report.atomic_write`` gives its temporary files: ".<name>.<random>.tmp".
_PARTIAL = re.compile(r"^\.[^/]+\.[A-Za-z0-9_]{6,}\.tmp$")


def clean_partial_writes(out_dir: str | Path) -> list[Path]:
    """Delete temporary files a killed run left in a report folder; returns what was removed."""
    removed = []
    d = Path(out_dir)
    for p in d.glob(".*.tmp"):
        if _PARTIAL.match(p.name) and p.is_file():
            try:
                os.unlink(p)
                removed.append(p)
            except OSError:
                pass
    return removed


__all__ = ["AddResult", "Session", "add", "clean_partial_writes", "refresh", "report_from_store", "stale_message"]
