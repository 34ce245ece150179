"""``provenance show``: one article with its dates, figures, attributions and actors highlighted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from provenance.cli import app
from provenance.cli._common import out_console, user_errors
from provenance.cli.options import (
    AuthorCol,
    DateCol,
    OutletCol,
    OutletsOpt,
    TextCol,
    TitleCol,
    UrlCol,
    YearOpt,
    column_map,
)
from provenance.report.article import find_extractions, render_article


@app.command()
@user_errors
def show(
    article: Annotated[str, typer.Argument(metavar="ARTICLE_ID|FILE", show_default=False,
                                           help="A file (txt, html or table; path#row for one row), or an "
                                                "article_id from a run's articles.csv (with --run).")],
    run: Annotated[Path | None, typer.Option("--run", help="Run folder to look the article_id up in.",
                                                show_default=False)] = None,
    row: Annotated[int | None, typer.Option("--row", help="For a table file: the data row to show (1-based).",
                                               show_default=False, min=1)] = None,
    fmt: Annotated[str, typer.Option("--format", help="text (highlighted) or json (the extract contract).")] = "text",
    year: YearOpt = None,
    outlets: OutletsOpt = None,
    text_col: TextCol = None, outlet_col: OutletCol = None, date_col: DateCol = None, url_col: UrlCol = None,
    title_col: TitleCol = None, author_col: AuthorCol = None,
) -> None:
    """Print one article with its dates, figures, attributions and actors highlighted inline.

    On a terminal the spans are coloured; in a pipe they are tagged as \\[\\[text|kind]]. Below
    the text, a table per kind lists each span with its character offsets.

    Examples:
        provenance show corpora/sample/meridian-2024-03-05.txt
        provenance show 162210954c195579 --run reports/sample
        provenance show corpora/sample/broadcasts.csv#2
    """
    if fmt not in ("text", "json"):
        raise typer.BadParameter("use text or json", param_hint="--format")
    found = find_extractions(article, run=run, row=row, year=year, outlets_file=str(outlets) if outlets else None,
                             columns=column_map(text_col, outlet_col, date_col, url_col, title_col, author_col))
    if fmt == "json":
        for x in found:
            typer.echo(json.dumps(x.to_dict(), ensure_ascii=False))
        return
    color = out_console.is_terminal and not out_console.no_color
    for i, x in enumerate(found):
        if i:
            out_console.rule()
        out_console.print(render_article(x, color=color))
