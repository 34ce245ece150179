"""``provenance check``: which outlets reported a claim, when, attributed to whom."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from provenance import pipeline
from provenance.cli import app
from provenance.cli._common import EXIT_REJECTED, err_console, out_console, user_errors
from provenance.cli.options import (
    AuthorCol,
    ConfigOpt,
    DateCol,
    Inputs,
    OutletCol,
    OutletsOpt,
    QuietOpt,
    TextCol,
    TitleCol,
    UrlCol,
    WorkersOpt,
    YearOpt,
    column_map,
    config_overrides,
)
from provenance.config import load_config
from provenance.match import cluster_claims
from provenance.match.check import check_claim


@app.command()
@user_errors
def check(
    claim: Annotated[str, typer.Argument(help="The claim to look for, as pasted (quote it).", show_default=False)],
    inputs: Inputs,
    fmt: Annotated[str, typer.Option("--format", help="Output: table, csv or json.")] = "table",
    limit: Annotated[int, typer.Option("--limit", "-n", help="Most matches shown.", min=1)] = 20,
    config: ConfigOpt = None,
    year: YearOpt = None,
    outlets: OutletsOpt = None,
    workers: WorkersOpt = None,
    text_col: TextCol = None, outlet_col: OutletCol = None, date_col: DateCol = None, url_col: UrlCol = None,
    title_col: TitleCol = None, author_col: AuthorCol = None,
    quiet: QuietOpt = False,
) -> None:
    """List the claims in INPUT... that match CLAIM, best first, with outlet, date, source and evidence.

    A claim with a figure matches only claims counting the same thing with a compatible
    number ("more than 8,300" matches 8,306, not 3,800); text similarity ranks them.
    Exit code 0, or 1 when some input was rejected.

    Examples:
        provenance check "Israel has killed more than 8,300 Palestinians" ../shared/data/gaza-news/gaza-news.txt --format csv
    """
    if fmt not in ("table", "csv", "json"):
        raise typer.BadParameter("use table, csv or json", param_hint="--format")
    cfg = load_config(config, config_overrides(year, workers))
    cols = column_map(text_col, outlet_col, date_col, url_col, title_col, author_col)
    frames = pipeline.collect(inputs, config=cfg, columns=cols, outlets_file=str(outlets) if outlets else None)
    claims, _ = cluster_claims(frames, cfg)
    res = check_claim(claim, claims, cfg, limit=limit)
    if fmt == "csv":
        typer.echo(res.to_csv(index=False, lineterminator="\n"), nl=False)
    elif fmt == "json":
        typer.echo(json.dumps(json.loads(res.to_json(orient="records")), ensure_ascii=False, indent=1))
    else:
        table = Table(show_lines=False)
        for c in ("rank", "score", "outlet", "published", "attributed_to", "text", "article_id"):
            table.add_column(c, overflow="fold")
        for r in res.itertuples(index=False):
            table.add_row(str(r.rank), f"{r.score:.0f}", str(r.outlet), str(r.published or ""), str(r.attributed_to),
                          str(r.text)[:160], f"{r.article_id} [{r.start}:{r.end}]")
        out_console.print(table)
    rejected = frames["rejected"]
    n_rej = int((~rejected["skipped"].astype(bool)).sum()) if len(rejected) else 0
    if not quiet:
        err_console.print(f"{len(res)} matching claim(s) among {len(claims):,}.")
        if n_rej:
            err_console.print(f"{n_rej} input(s) rejected.")
    if n_rej:
        raise typer.Exit(EXIT_REJECTED)
