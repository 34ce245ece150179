"""``provenance add`` and ``provenance report``: grow a store, and rebuild reports from it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from provenance import pipeline
from provenance.cli import app
from provenance.cli._common import err_console, user_errors
from provenance.cli.options import (
    ActorsOpt,
    AuthorCol,
    ConfigOpt,
    DateCol,
    OutletCol,
    OutletsOpt,
    QuietOpt,
    ReportDirOpt,
    TableFormatOpt,
    TextCol,
    TitleCol,
    UrlCol,
    WorkersOpt,
    YearOpt,
    column_map,
    config_overrides,
)
from provenance.config import load_config
from provenance.errors import InputError
from provenance.store import Store, report_from_store
from provenance.store import add as add_to_store
from provenance.store import refresh as refresh_store

DbOpt = Annotated[Path, typer.Option("--db", help="The SQLite store (created if absent).")]
WaitOpt = Annotated[float, typer.Option("--wait", help="Seconds to wait for another process writing the store.")]


def _say(quiet: bool, msg: str) -> None:
    if not quiet:
        err_console.print(msg, markup=False, soft_wrap=True)


@app.command()
@user_errors
def add(
    inputs: Annotated[list[str] | None, typer.Argument(help="Files, folders and globs to add.", show_default=False)]
    = None,
    db: DbOpt = Path("store.sqlite"),
    refresh: Annotated[bool, typer.Option("--refresh", help="Re-extract, from their stored text, the articles an "
                                          "older extractor version produced.")] = False,
    config: ConfigOpt = None,
    year: YearOpt = None,
    outlets: OutletsOpt = None,
    workers: WorkersOpt = None,
    text_col: TextCol = None, outlet_col: OutletCol = None, date_col: DateCol = None, url_col: UrlCol = None,
    title_col: TitleCol = None, author_col: AuthorCol = None,
    wait: WaitOpt = 600.0,
    actors: ActorsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Add articles to a store, extracting only those it does not hold yet (by content hash).

    Run it as articles come in; `provenance report --db` then rebuilds the tables without
    extracting again. Exit code 0 when every input became an article, 1 when some were
    rejected (listed on stderr), 2 on bad usage.

    Examples:
        provenance add corpora/sample --db story.sqlite
        provenance add todays-articles/ --db story.sqlite
        provenance add --refresh --db story.sqlite
        provenance add corpora/sample --db story.sqlite --actors my-actors.csv

    With --actors, pass the same files to `provenance report --db`: they are part of the
    extractor version, so articles stored under other aliases count as stale.
    """
    if not inputs and not refresh:
        raise InputError("give at least one input to add (or --refresh). See `provenance add --help`.")
    cfg = load_config(config, config_overrides(year, workers))
    cols = column_map(text_col, outlet_col, date_col, url_col, title_col, author_col)
    with Store(db, wait=wait, on_wait=lambda m: err_console.print(m, markup=False)) as store:
        if refresh:
            n = refresh_store(store, config=cfg, actors_files=actors or ())
            _say(quiet, f"re-extracted {n:,} stale article(s) in {db}")
        if not inputs:
            raise typer.Exit(0)
        result = add_to_store(inputs, store, config=cfg, columns=cols,
                              outlets_file=str(outlets) if outlets else None, progress=pipeline.Progress(),
                              actors_files=actors or ())
    if not quiet:
        table = Table(title=f"provenance add -> {db}", show_header=False, title_justify="left")
        table.add_row("added (extracted)", f"{result.added:,}")
        table.add_row("already in the store", f"{result.already:,}")
        table.add_row("rejected", f"{result.rejected:,}")
        err_console.print(table)
    for r in result.rejections:
        if not r.skipped:
            where = f"{r.input}#{r.row}" if r.row is not None else r.input
            err_console.print(f"rejected: {where}: {r.reason}", markup=False, soft_wrap=True)
    raise typer.Exit(result.exit_code)


@app.command()
@user_errors
def report(
    db: DbOpt,
    out: ReportDirOpt,
    config: ConfigOpt = None,
    fmt: TableFormatOpt = "csv",
    allow_stale: Annotated[bool, typer.Option("--allow-stale", help="Report rows of an older extractor version "
                                              "instead of refusing.")] = False,
    wait: WaitOpt = 600.0,
    actors: ActorsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Rebuild every table and the report folder from a store, without extracting again.

    Matching runs over every article in the store. Exit code 0, or 2 when the store or the
    folder cannot be used (the store is then left unchanged).

    Examples:
        provenance report --db story.sqlite --out reports/story
        provenance report --db story.sqlite --out reports/story --actors my-actors.csv
    """
    if fmt not in ("csv", "parquet"):
        raise typer.BadParameter("use csv or parquet", param_hint="--format")
    if not db.exists():
        raise InputError(f"store not found: {db}. Create it with `provenance add INPUT... --db {db}`.")
    cfg = load_config(config)
    with Store(db, wait=wait, on_wait=lambda m: err_console.print(m, markup=False)) as store:
        result = report_from_store(store, out, config=cfg, fmt=fmt, allow_stale=allow_stale,
                                   actors_files=actors or ())
    if not quiet:
        table = Table(title=f"provenance report {db} -> {out}", show_header=False, title_justify="left")
        for k, v in result.summary().items():
            table.add_row(k, f"{v:,}")
        err_console.print(table)
