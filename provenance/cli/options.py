"""Options shared by several commands (typer ``Annotated`` aliases)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from provenance.ingest.table import ColumnMap

Inputs = Annotated[list[str], typer.Argument(help="Files, folders (searched recursively) and globs, mixed freely.",
                                             show_default=False)]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Settings file (TOML) overriding the defaults.",
                                                   show_default=False)]
YearOpt = Annotated[int | None, typer.Option("--year", help="Year for datelines without one (marked inferred).",
                                                show_default=False)]
OutletsOpt = Annotated[Path | None, typer.Option("--outlets", help="Extra outlet registry CSV "
                                                    "(name,domains,aliases,agency_codes).", show_default=False)]
ActorsOpt = Annotated[list[Path] | None, typer.Option(
    "--actors", help="Your actor alias CSV (canonical,type,aliases,affiliation; aliases |-separated), extending "
    "the packaged registry; repeat for several. Build one with `provenance actors --actors FILE --add ...`.",
    show_default=False)]
WorkersOpt = Annotated[int | None, typer.Option("--workers", "-w", help="Extraction processes (0 = all cores).",
                                                   show_default=False)]
TextCol = Annotated[str | None, typer.Option("--text-col", help="Column holding the article text.",
                                                show_default=False)]
OutletCol = Annotated[str | None, typer.Option("--outlet-col", help="Column holding the outlet name.",
                                                  show_default=False)]
DateCol = Annotated[str | None, typer.Option("--date-col", help="Column holding the publication date.",
                                                show_default=False)]
UrlCol = Annotated[str | None, typer.Option("--url-col", help="Column holding the URL.", show_default=False)]
TitleCol = Annotated[str | None, typer.Option("--title-col", help="Column holding the headline.",
                                                 show_default=False)]
AuthorCol = Annotated[str | None, typer.Option("--author-col", help="Column holding the author.",
                                                  show_default=False)]
ReportDirOpt = Annotated[Path, typer.Option("--out", "-o", help="Report folder to write (created if needed).")]
TableFormatOpt = Annotated[str, typer.Option("--format", help="Table format: csv or parquet.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")]


def column_map(text: str | None, outlet: str | None, date: str | None, url: str | None, title: str | None,
               author: str | None) -> ColumnMap:
    """ColumnMap from the column options."""
    return ColumnMap(text=text, outlet=outlet, published=date, url=url, title=title, author=author)


def config_overrides(year: int | None, workers: int | None) -> dict[str, dict[str, int]]:
    """Settings set by options (applied over the settings file)."""
    o: dict[str, dict[str, int]] = {}
    if year is not None:
        o.setdefault("ingest", {})["year"] = year
    if workers is not None:
        o.setdefault("engine", {})["workers"] = workers
    return o
