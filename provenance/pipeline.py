"""The whole job: ingest -> extract -> tables -> match -> report. The CLI's ``run`` calls ``run``."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from provenance.config import load_config, read_user_file
from provenance.engine import block_partition, map_articles
from provenance.errors import ConfigError, ProvenanceError
from provenance.extract import extract_article
from provenance.frames import FrameBuilder, release_memory
from provenance.ingest import iter_ingest, unique_articles
from provenance.ingest.outlets import load_registry
from provenance.ingest.table import ColumnMap
from provenance.match import match_frames
from provenance.match.background import usable_processes
from provenance.models import Article, Extraction, Rejection
from provenance.report import UNREAD_BY_PAGE, prepare_out_dir, write_report
from provenance.store import Session, Store, clean_partial_writes
from provenance.store.recorder import ChildRecord, can_fork

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Progress:
    """Callbacks a front end may set to show progress; all optional."""

    ingested: Callable[[int], None] | None = None
    extracted: Callable[[int], None] | None = None
    stage: Callable[[str], None] | None = None
    waiting: Callable[[str], None] | None = None  # another process holds the store's write lock


@dataclass
class RunResult:
    """What a run produced.

    ``counts`` holds the rows of the tables not kept in ``frames`` (``run(keep_frames=False)``).
    """

    out_dir: Path | None
    frames: dict[str, pd.DataFrame]
    files: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def rows(self, table: str) -> int:
        """Rows of a table, kept or not (0 when the run made none)."""
        df = self.frames.get(table)
        return len(df) if df is not None else self.counts.get(table, 0)

    @property
    def articles(self) -> int:
        """Articles kept (after collapsing exact duplicates)."""
        return len(self.frames["articles"])

    @property
    def rejected(self) -> int:
        """Inputs or rows rejected."""
        return len(self.frames["rejected"])

    @property
    def exit_code(self) -> int:
        """0 when nothing was rejected, 1 when some input was (skipped documentation files aside)."""
        rej = self.frames["rejected"]
        return 1 if len(rej) and not rej["skipped"].all() else 0

    def summary(self) -> dict[str, int]:
        """Counts for the terminal summary and the report header."""
        f = self.frames
        arts = f["articles"]
        s = {
            "articles": len(arts),
            "duplicates collapsed": int(arts["duplicates"].sum()) if len(arts) else 0,
            "outlets": int(arts["outlet"].nunique()) if len(arts) else 0,
            "rejected": int((~f["rejected"]["skipped"].astype(bool)).sum()),
            "skipped (not articles)": int(f["rejected"]["skipped"].astype(bool).sum()),
            "dates": self.rows("dates"),
            "figures": self.rows("figures"),
            "attributions": self.rows("attributions"),
        }
        for extra in ("claims", "clusters", "discrepancies"):
            if extra in f or extra in self.counts:
                s[extra] = self.rows(extra)
        return s


def configured_ingest(
    inputs: Iterable[str], cfg: dict[str, Any], columns: ColumnMap | None = None, outlets_file: str | None = None
) -> Iterator[Article | Rejection]:
    """``iter_ingest`` with the ``[ingest]`` settings and the outlet registry (plus a user file)."""
    ing = cfg["ingest"]
    return iter_ingest(
        inputs, columns=columns, year=ing["year"] or None, registry=load_registry(outlets_file),
        max_text_bytes=ing["max_text_bytes"], max_cell_chars=ing["max_cell_chars"],
    )


def user_aliases(files: Sequence[str | Path]) -> tuple[str, ...]:
    """Read user actor alias files (``--actors``) and load them into this process's registry.

    Returns:
        The files' contents, for the extraction workers (``engine.use_aliases``).

    Raises:
        ConfigError: A file cannot be read, or holds no actor row under a ``canonical`` header.
    """
    from provenance.extract.actors import load_alias_text

    texts = []
    for f in files:
        text = read_user_file(f, "actor").lstrip("\ufeff")
        if not load_alias_text(text):
            raise ConfigError(f"actor file {f} holds no actor: it needs a 'canonical,type,aliases,affiliation' "
                              "header and one row per actor (see `provenance actors --help`).")
        texts.append(text)
    return tuple(texts)


def _counted(items: Iterable[T], tick: Callable[[int], None]) -> Iterator[T]:
    """Pass items through, calling ``tick(1)`` for each (progress)."""
    for item in items:
        tick(1)
        yield item


def extractions(
    inputs: Iterable[str],
    rejections: list[Rejection],
    *,
    config: dict[str, Any] | None = None,
    columns: ColumnMap | None = None,
    outlets_file: str | None = None,
    actors_files: Sequence[str | Path] = (),
) -> Iterator[Extraction]:
    """Stream the extraction of every distinct article, in input order (``provenance extract``).

    Args:
        inputs: Files, folders and globs.
        rejections: Receives the inputs that could not become articles.
        config: Settings; packaged defaults when None.
        columns: Table column names where not recognised.
        outlets_file: A user outlet registry CSV.
        actors_files: User actor alias CSVs extending the packaged registry.

    Raises:
        ConfigError: An actor file cannot be read.

    Yields:
        One Extraction per distinct article (exact copies from one outlet once).
    """
    cfg = config or load_config()
    user_aliases(actors_files)
    for article in unique_articles(configured_ingest(inputs, cfg, columns, outlets_file), rejections, {}):
        yield extract_article(article)


def collect(
    inputs: Iterable[str],
    *,
    config: dict[str, Any] | None = None,
    columns: ColumnMap | None = None,
    outlets_file: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    session: Session | None = None,
    actors_files: Sequence[str | Path] = (),
) -> dict[str, pd.DataFrame]:
    """Ingest and extract: the extraction tables (articles, rejected, dates, figures, ...).

    Exact duplicates (same outlet and text) are extracted once and counted in ``duplicates``.
    With a store ``session``, articles already extracted by this extractor version are taken
    from the store and new extractions are committed to it as they arrive; the store's query
    tables are then written in another process (``Session.derive_in_background``), which the
    session's ``finish`` waits for. ``actors_files``
    (user alias CSVs) are loaded here and in every extraction worker; they stay loaded in this
    process, and they are part of the extractor version (so the store re-extracts under them).
    """
    cfg = config or load_config()
    aliases = user_aliases(actors_files)
    progress = progress or Progress()
    rejections: list[Rejection] = []
    seen: dict[str, int] = {}
    stream = configured_ingest(inputs, cfg, columns, outlets_file)
    if progress.ingested:
        stream = _counted(stream, progress.ingested)
    unique = unique_articles(stream, rejections, seen)

    builder = FrameBuilder()
    eng = cfg["engine"]
    n_workers = eng["workers"] if workers is None else workers
    todo = unique if session is None else session.new_only(unique)
    # Each partition comes back as its rows in columns and, with a store, each article's store
    # record: both built where it is extracted, so this process only extends columns and inserts.
    for part in map_articles(todo, engine=eng["engine"], workers=n_workers, chunk_size=eng["chunk_size"],
                             scheduler=eng["scheduler"] or None, partition_size=eng["partition_size"],
                             on_done=progress.extracted,
                             partition=partial(block_partition, aliases=aliases, store=session is not None)):
        builder.add_block(part.block)
        if session is not None:
            for record in part.records:
                session.save_record(record)
    if session is not None:
        # Commit the last batch and start writing the store's query tables in another process,
        # on the core the extraction workers just left, while this one builds the tables.
        session.derive_in_background()
        for rows in session.reused_rows():
            builder.add(rows)
    frames = builder.frames(rejections)
    arts = frames["articles"]
    if len(arts):
        arts["duplicates"] = arts["article_id"].map(seen).fillna(0).astype(int)
    return frames


def run(
    inputs: Iterable[str],
    out: str | Path | None,
    *,
    config: dict[str, Any] | None = None,
    columns: ColumnMap | None = None,
    outlets_file: str | None = None,
    workers: int | None = None,
    fmt: str = "csv",
    progress: Progress | None = None,
    db: str | Path | None = None,
    actors_files: Sequence[str | Path] = (),
    keep_frames: bool = True,
) -> RunResult:
    """Run the whole job and write the report folder.

    Args:
        inputs: Files, folders and globs.
        out: Report folder (created if needed), or None to skip writing.
        config: Settings (``load_config`` result); packaged defaults when None.
        columns: Table column names where not recognised.
        outlets_file: A user outlet registry CSV extending the packaged one.
        workers: Extraction processes (0 = all cores); the config's value when None.
        fmt: ``csv`` or ``parquet`` for the tables.
        progress: Progress callbacks.
        db: The SQLite store to reuse and update (``store.sqlite`` in ``out`` when None; no
            store when both are None). A killed run restarts from its last commit.
        actors_files: User actor alias CSVs (``provenance actors --actors FILE --add ...``)
            extending the packaged registry, in extraction and in matching.
        keep_frames: Return every table. When False (the command line, which reads only the
            summary), the tables the report page does not read are dropped once written
            (``report.UNREAD_BY_PAGE``; their row counts stay in ``RunResult.counts``).

    Returns:
        The tables and the files written; ``exit_code`` is 1 when some input was rejected.

    Raises:
        InputError: An input names nothing (bad usage).
        OutputError: The report folder cannot be written.
        StoreError: The store cannot be opened or written.
        ConfigError: An actor file cannot be read.
    """
    cfg = config or load_config()
    progress = progress or Progress()
    user_aliases(actors_files)  # before the store session: its extractor version includes them
    if out is not None:
        prepare_out_dir(out)  # fail before the long part, not after
        clean_partial_writes(out)  # temporary files of a killed run
    inputs = list(inputs)
    db = db if db is not None else (Path(out) / "store.sqlite" if out is not None else None)
    store = Store(db, on_wait=progress.waiting) if db is not None else None
    session: Session | None = None
    counts: dict[str, int] = {}
    try:
        session = Session(store, "run", inputs) if store is not None else None
        frames = collect(inputs, config=cfg, columns=columns, outlets_file=outlets_file, workers=workers,
                         progress=progress, session=session, actors_files=actors_files)
        if progress.stage:
            progress.stage("matching")
        # The extraction figures are replaced by matching's (sorted, with cluster ids): not
        # kept beside them through matching.
        matched = match_frames(frames, cfg, release_figures=True)
        frames.update(matched)
        release_memory()  # matching's temporaries, not to be kept under the report
        files: list[Path] = []
        if out is not None:
            if progress.stage:
                progress.stage("writing")
            if not keep_frames:
                counts = {t: len(frames[t]) for t in UNREAD_BY_PAGE if t in frames}
            files = (write_report(frames, out, cfg, fmt, release=not keep_frames) if session is None
                     else write_while_recording(frames, matched, out, cfg, fmt, session, release=not keep_frames))
        elif session is not None:
            session.finish(frames, matched)
    finally:
        if session is not None:
            session.stop()
        if store is not None:
            store.close()
    return RunResult(Path(out) if out is not None else None, frames, files, counts)


class _ReportNotWritten(Exception):
    """Raised in the store's thread to roll its record back when the report was not written."""


def write_while_recording(
    frames: dict[str, pd.DataFrame], matched: dict[str, pd.DataFrame], out: str | Path, cfg: dict[str, Any],
    fmt: str, session: Session, release: bool = False,
) -> list[Path]:
    """``write_report`` in this process while the store records the run in another or in a thread.

    Both only read the tables. The record is committed only after the report is written: a
    failed write still leaves the store as it was, and a store error is raised here after the
    report, as when the two ran in turn. With ``RECORD_CHILD_MIN_ROWS`` matching rows or more
    and two processes to use (``match.background.usable_processes``), a forked child records
    (``store.recorder``: on ABP a thread's inserts and the report took turns for the GIL, 37.5 s
    for 49 CPU s; the child's 21 CPU s now run beside the report's 22-30); otherwise, or when
    the child cannot be started, a thread of this process does. ``release`` is
    ``write_report``'s, honoured when a child records (a thread reads ``frames`` meanwhile).

    Returns:
        The report's files.

    Raises:
        StoreError: The run could not be recorded (after the report is written).
    """
    session.flush()  # this session's pending extractions, committed from this thread
    child = _start_child_record(frames, matched, cfg, session)
    if child is not None:
        written = False
        try:
            files = write_report(frames, out, cfg, fmt, release=release)
            written = True
        finally:
            child.commit(written)
        return files
    return _write_while_thread_records(frames, matched, out, cfg, fmt, session)


#: Matching rows from which ``write_while_recording`` records the run in a forked child (an ABP
#: run has 1.7 million): below, the record is a matter of seconds and a thread does it.
RECORD_CHILD_MIN_ROWS = 50_000


def _start_child_record(frames: dict[str, pd.DataFrame], matched: dict[str, pd.DataFrame], cfg: dict[str, Any],
                        session: Session) -> ChildRecord | None:
    """The run's record started in a forked child, or None where it is to be done in a thread."""
    rows = sum(len(df) for df in matched.values())
    if rows < RECORD_CHILD_MIN_ROWS or not can_fork() or usable_processes(cfg) < 2:
        return None
    try:
        return ChildRecord(session, frames, matched)
    except (ProvenanceError, OSError) as exc:
        # A store error here is raised again by the thread's record, after the report.
        log.info("recording the run in a thread, not in a child process: %s", exc)
        return None


def _write_while_thread_records(
    frames: dict[str, pd.DataFrame], matched: dict[str, pd.DataFrame], out: str | Path, cfg: dict[str, Any],
    fmt: str, session: Session,
) -> list[Path]:
    """``write_report`` in this thread while the store records the run in another.

    SQLite and pyarrow's CSV writer release the GIL, so the record partly overlaps the report.
    """
    written = threading.Event()
    outcome: dict[str, Any] = {}

    def ready() -> None:
        written.wait()
        if not outcome.get("ok"):
            raise _ReportNotWritten

    def record() -> None:
        try:
            session.finish(frames, matched, ready=ready)
        except BaseException as exc:  # noqa: BLE001 (handed to the main thread)
            outcome["error"] = exc

    thread = threading.Thread(target=record, name="provenance-store-record", daemon=True)
    thread.start()
    try:
        files = write_report(frames, out, cfg, fmt)
        outcome["ok"] = True
    finally:
        written.set()
        thread.join()
    error = outcome.get("error")
    if error is not None:
        raise error
    return files


__all__ = ["Progress", "RunResult", "collect", "run", "write_while_recording"]
