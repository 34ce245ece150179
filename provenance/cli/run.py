"""``provenance run`` and ``provenance extract``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from provenance import pipeline
from provenance.cli import app
from provenance.cli._common import EXIT_REJECTED, err_console, user_errors
from provenance.cli.options import (
    ActorsOpt,
    AuthorCol,
    ConfigOpt,
    DateCol,
    Inputs,
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
from provenance.engine import ENGINES
from provenance.errors import OutputError
from provenance.match.reference import load_reference
from provenance.models import Rejection


def _progress(quiet: bool) -> tuple[Progress | None, pipeline.Progress]:
    if quiet:
        return None, pipeline.Progress()
    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,}"),
                   TimeElapsedColumn(), console=err_console, transient=True)
    read = bar.add_task("reading inputs", total=None)
    ext = bar.add_task("extracting", total=None)
    return bar, pipeline.Progress(
        ingested=lambda n: bar.advance(read, n),
        extracted=lambda n: bar.advance(ext, n),
        stage=lambda s: bar.update(ext, description=s),
    )


@app.command()
@user_errors
def run(
    inputs: Inputs,
    out: ReportDirOpt,
    config: ConfigOpt = None,
    year: YearOpt = None,
    outlets: OutletsOpt = None,
    actors: ActorsOpt = None,
    workers: WorkersOpt = None,
    engine: Annotated[str | None, typer.Option(
        "--engine", help="Where extraction runs: local (processes) or dask (a cluster; needs --scheduler).",
        show_default=False)] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Dask scheduler address for --engine dask, e.g. tcp://10.0.0.5:8786.",
        show_default=False)] = None,
    fmt: TableFormatOpt = "csv",
    bom: Annotated[bool, typer.Option("--bom", help="Write CSV with a UTF-8 byte-order mark (for Excel).")] = False,
    text_col: TextCol = None, outlet_col: OutletCol = None, date_col: DateCol = None, url_col: UrlCol = None,
    title_col: TitleCol = None, author_col: AuthorCol = None,
    quiet: QuietOpt = False,
    reference: Annotated[Path | None, typer.Option(
        "--reference", help="Daily reference series (t4p casualties JSON, or CSV of date, metric, place, value) "
        "to set beside every figure.", show_default=False)] = None,
    db: Annotated[Path | None, typer.Option("--db", help="SQLite store to reuse and update "
                                            "[default: store.sqlite in the --out folder].", show_default=False)] = None,
) -> None:
    """Ingest articles, extract claims, match them across outlets and write the report folder.

    Exit code 0 when every input became an article, 1 when some were rejected (see
    rejected.csv in the report folder), 2 on bad usage.

    Examples:
        provenance run corpora/sample --out reports/sample
        provenance run corpora/sample --actors my-actors.csv --out reports/sample-mine
    """
    if fmt not in ("csv", "parquet"):
        raise typer.BadParameter("use csv or parquet", param_hint="--format")
    overrides: dict = config_overrides(year, workers)
    if bom:
        overrides.setdefault("report", {})["csv_bom"] = True
    if engine is not None and engine not in ENGINES:
        raise typer.BadParameter(f"use {' or '.join(ENGINES)}", param_hint="--engine")
    if scheduler is not None and engine == "local":
        raise typer.BadParameter("--scheduler is for --engine dask", param_hint="--scheduler")
    if engine is not None or scheduler is not None:
        overrides.setdefault("engine", {})["engine"] = engine or "dask"
    if scheduler is not None:
        overrides.setdefault("engine", {})["scheduler"] = scheduler
    if reference is not None:
        load_reference(reference)  # an unreadable file fails now, not after extraction
        overrides.setdefault("match", {}).setdefault("reference", {})["path"] = str(reference)
    cfg = load_config(config, overrides)
    cols = column_map(text_col, outlet_col, date_col, url_col, title_col, author_col)
    bar, prog = _progress(quiet)
    prog.waiting = lambda msg: err_console.print(msg, markup=False)
    if bar:
        bar.start()
    try:
        result = pipeline.run(inputs, out, config=cfg, columns=cols, outlets_file=str(outlets) if outlets else None,
                              fmt=fmt, progress=prog, db=db, actors_files=actors or (),
                              keep_frames=False)  # only the summary is read after
    finally:
        if bar:
            bar.stop()
    if not quiet:
        table = Table(title=f"provenance run -> {out}", show_header=False, title_justify="left")
        for k, v in result.summary().items():
            table.add_row(k, f"{v:,}")
        err_console.print(table)
        n_rejected = result.summary()["rejected"]
        if n_rejected:
            err_console.print(f"{n_rejected:,} input(s) rejected: see {Path(out) / 'rejected.csv'}")
    raise typer.Exit(result.exit_code)


@app.command()
@user_errors
def extract(
    inputs: Inputs,
    out: Annotated[str, typer.Option("--out", "-o", help="JSON Lines file to write, or - for stdout.")] = "-",
    config: ConfigOpt = None,
    year: YearOpt = None,
    outlets: OutletsOpt = None,
    actors: ActorsOpt = None,
    workers: WorkersOpt = None,
    text_col: TextCol = None, outlet_col: OutletCol = None, date_col: DateCol = None, url_col: UrlCol = None,
    title_col: TitleCol = None, author_col: AuthorCol = None,
) -> None:
    """Write one JSON object per article: text, dates, figures, attributions and actors with offsets.

    The schema is documented in docs/extract-contract.md. Rejected inputs are reported on
    stderr (exit code 1).

    Examples:
        provenance extract ../shared/data/seed --year 2023 --out seed.jsonl
    """
    cfg = load_config(config, config_overrides(year, workers))
    cols = column_map(text_col, outlet_col, date_col, url_col, title_col, author_col)
    rejected: list[Rejection] = []
    try:
        fh = sys.stdout if out == "-" else open(out, "w", encoding="utf-8")  # noqa: SIM115 (stdout or a file, closed in finally)
    except OSError as exc:
        raise OutputError(f"cannot write {out}: {exc.strerror}. Choose a writable --out.") from exc
    try:
        for x in pipeline.extractions(inputs, rejected, config=cfg, columns=cols,
                                      outlets_file=str(outlets) if outlets else None, actors_files=actors or ()):
            fh.write(json.dumps(x.to_dict(), ensure_ascii=False) + "\n")
    finally:
        if fh is not sys.stdout:
            fh.close()
    for r in rejected:
        where = f"{r.input}#{r.row}" if r.row is not None else r.input
        err_console.print(f"rejected: {where}: {r.reason}", markup=False)
    if any(not r.skipped for r in rejected):
        raise typer.Exit(EXIT_REJECTED)


