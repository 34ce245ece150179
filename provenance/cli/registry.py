"""``provenance outlets`` and ``provenance actors``: list the registries in force, or add to a user file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from provenance.cli import app
from provenance.cli._common import err_console, fail, out_console, user_errors
from provenance.report.registries import actors_frame, add_actor, add_outlet, outlets_frame

Query = Annotated[str | None, typer.Argument(help="Show only entries mentioning this text.", show_default=False)]
FormatOpt = Annotated[str, typer.Option("--format", help="table, csv or json (one object per line).")]


def _emit(df: pd.DataFrame, fmt: str, title: str) -> None:
    """Print a registry to stdout in the chosen format."""
    if fmt == "csv":
        df.to_csv(sys.stdout, index=False, lineterminator="\n")
    elif fmt == "json":
        for rec in df.to_dict("records"):
            typer.echo(pd.Series(rec).to_json(force_ascii=False))
    else:
        t = Table(title=f"{title} ({len(df):,})", title_justify="left")
        for c in df.columns:
            t.add_column(c, overflow="fold")
        for rec in df.itertuples(index=False):
            t.add_row(*(str(v) for v in rec))
        out_console.print(t)


def _check_format(fmt: str) -> None:
    if fmt not in ("table", "csv", "json"):
        raise typer.BadParameter("use table, csv or json", param_hint="--format")


@app.command()
@user_errors
def outlets(
    query: Query = None,
    outlets_file: Annotated[Path | None, typer.Option("--outlets", help="Your outlet registry CSV "
                            "(name,domains,aliases,agency_codes): listed with the packaged one, and the file "
                            "--add writes to.", show_default=False)] = None,
    add: Annotated[str | None, typer.Option("--add", help="Add an outlet with this name to the --outlets file.",
                                               show_default=False)] = None,
    domain: Annotated[list[str] | None, typer.Option("--domain", help="With --add: a web domain (repeatable).",
                                                        show_default=False)] = None,
    alias: Annotated[list[str] | None, typer.Option("--alias", help="With --add: another name (repeatable).",
                                                       show_default=False)] = None,
    code: Annotated[list[str] | None, typer.Option("--code", help="With --add: an agency code used in "
                                                      "datelines, e.g. AFP (repeatable).", show_default=False)] = None,
    fmt: FormatOpt = "table",
) -> None:
    """List the outlet registry (packaged, extended by --outlets FILE), or add an outlet to FILE.

    The registry turns metadata names, URL domains, footers and dateline agency codes into one
    canonical outlet name. Pass the same file to `provenance run --outlets FILE`.

    Examples:
        provenance outlets reuters
        provenance outlets --outlets my-outlets.csv --add "Radio Lumen" --domain radiolumen.example --code RL
    """
    _check_format(fmt)
    if add is not None:
        if outlets_file is None:
            raise fail("--add needs --outlets FILE, the registry file to add to. Name a CSV file (created if missing).")
        add_outlet(outlets_file, add, domain or (), alias or (), code or ())
        err_console.print(f"added {add} to {outlets_file}", markup=False)
        query = query or add
    elif domain or alias or code:
        raise fail("--domain, --alias and --code describe an outlet to add. Give --add NAME too.")
    _emit(outlets_frame(outlets_file, query), fmt, "outlets")


@app.command()
@user_errors
def actors(
    query: Query = None,
    actors_file: Annotated[Path | None, typer.Option("--actors", help="Your actor registry CSV "
                           "(canonical,type,aliases,affiliation; aliases |-separated): listed with the packaged "
                           "one, and the file --add writes to.", show_default=False)] = None,
    add: Annotated[str | None, typer.Option("--add", help="Add an actor with this canonical name to the "
                                               "--actors file.", show_default=False)] = None,
    type_: Annotated[str, typer.Option("--type", help="With --add: person, organisation, government, "
                                       "armed_group, ministry, agency, media or other.")] = "other",
    alias: Annotated[list[str] | None, typer.Option("--alias", help="With --add: another way the actor is "
                                                       "written (repeatable).", show_default=False)] = None,
    affiliation: Annotated[str | None, typer.Option("--affiliation", help="With --add: canonical name of the "
                                                       "body the actor belongs to.", show_default=False)] = None,
    fmt: FormatOpt = "table",
) -> None:
    """List the actor alias registry (packaged, extended by --actors FILE), or add an actor to FILE.

    Sources as written ("the Hamas-run Health Ministry in Gaza") are resolved to these canonical
    names, with descriptors ("Hamas-run") kept apart.

    Examples:
        provenance actors ministry
        provenance actors --actors my-actors.csv --add "Civic Front" --type organisation --alias "the opposition Civic Front"
    """
    _check_format(fmt)
    if add is not None:
        if actors_file is None:
            raise fail("--add needs --actors FILE, the registry file to add to. Name a CSV file (created if missing).")
        add_actor(actors_file, add, type_, alias or (), affiliation)
        err_console.print(f"added {add} to {actors_file}", markup=False)
        query = query or add
    elif alias or affiliation:
        raise fail("--alias and --affiliation describe an actor to add. Give --add NAME too.")
    _emit(actors_frame(actors_file, query), fmt, "actors")
