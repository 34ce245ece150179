"""The outlet and actor registries as tables, and adding an entry to a user's registry file.

The packaged registries are data files (``ingest/outlets.csv``, ``extract/lexicon/actors.csv``);
a user extends them with a file of the same shape, never by editing the package. These helpers
list what is in force and append to the user's file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import get_args

import pandas as pd

from provenance.config import read_user_file
from provenance.errors import ConfigError
from provenance.ingest.outlets import load_registry
from provenance.models import ActorType

OUTLET_COLUMNS = ["name", "domains", "aliases", "agency_codes"]
ACTOR_COLUMNS = ["canonical", "type", "aliases", "affiliation"]
ACTOR_TYPES = tuple(get_args(ActorType))


def filter_rows(df: pd.DataFrame, query: str | None) -> pd.DataFrame:
    """Rows where any cell contains ``query`` (case-insensitive); all rows when it is empty."""
    if not query:
        return df
    q = query.lower()
    mask = df.astype(str).apply(lambda col: col.str.lower().str.contains(q, regex=False)).any(axis=1)
    return df[mask].reset_index(drop=True)


def outlets_frame(extra: str | Path | None = None, query: str | None = None) -> pd.DataFrame:
    """The outlet registry in force: packaged entries extended by ``extra``.

    Args:
        extra: A user outlets CSV (name, domains, aliases, agency_codes; lists ``;``-separated).
        query: Keep rows mentioning this text in any column.

    Returns:
        One row per outlet, sorted by name; list cells joined with ``;``.

    Raises:
        ConfigError: ``extra`` cannot be read or has no name column.
    """
    reg = load_registry(extra)
    rows = [[o.name, ";".join(o.domains), ";".join(o.aliases), ";".join(o.agency_codes)]
            for o in reg.outlets.values()]
    df = pd.DataFrame(rows, columns=OUTLET_COLUMNS).sort_values("name", key=lambda s: s.str.lower(), kind="stable")
    return filter_rows(df.reset_index(drop=True), query)


def actors_frame(extra: str | Path | None = None, query: str | None = None) -> pd.DataFrame:
    """The actor alias registry in force: packaged entries extended by ``extra``.

    Args:
        extra: A user actors CSV (canonical, type, aliases ``|``-separated, affiliation).
        query: Keep rows mentioning this text in any column.

    Returns:
        One row per actor, sorted by canonical name; aliases joined with ``|``.

    Raises:
        ConfigError: ``extra`` cannot be read.
    """
    from provenance.extract import actors

    if extra is not None:
        actors.load_alias_text(read_user_file(extra, "actor"))
    rows = [[e.canonical, e.type, "|".join(a for a in e.aliases if a != e.canonical), e.affiliation or ""]
            for e in actors.registry().entries.values()]
    df = pd.DataFrame(rows, columns=ACTOR_COLUMNS).sort_values("canonical", key=lambda s: s.str.lower(),
                                                               kind="stable")
    return filter_rows(df.reset_index(drop=True), query)


def _append(path: str | Path, columns: Sequence[str], row: Sequence[str], what: str) -> Path:
    """Append one CSV row to a user registry file, writing the header when the file is new."""
    p = Path(path)
    new = not p.exists() or p.stat().st_size == 0
    if not new:
        head = read_user_file(p, what).lstrip("\ufeff")
        first = next((ln for ln in head.splitlines() if ln.strip() and not ln.startswith("#")), "")
        if first.split(",")[0].strip() != columns[0]:
            raise ConfigError(f"{what} file {p} does not start with a '{','.join(columns)}' header. "
                              "Add to a registry file of that shape, or a new file.")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if new:
        w.writerow(columns)
    w.writerow(row)
    try:
        if not new and not p.read_text("utf-8").endswith("\n"):
            buf = io.StringIO("\n" + buf.getvalue())
        with open(p, "a", encoding="utf-8", newline="") as fh:
            fh.write(buf.getvalue())
    except OSError as exc:
        raise ConfigError(f"cannot write {what} file {p}: {exc.strerror}. Choose a writable file.") from exc
    return p


def add_outlet(path: str | Path, name: str, domains: Sequence[str] = (), aliases: Sequence[str] = (),
               agency_codes: Sequence[str] = ()) -> Path:
    """Append an outlet to a user registry CSV (created with its header if missing).

    Raises:
        ConfigError: The file cannot be written or is not an outlet registry.
    """
    if not name.strip():
        raise ConfigError("an outlet needs a name. Give --add NAME.")
    return _append(path, OUTLET_COLUMNS, [name.strip(), ";".join(domains), ";".join(aliases), ";".join(agency_codes)],
                   "outlet")


def add_actor(path: str | Path, canonical: str, type_: str = "other", aliases: Sequence[str] = (),
              affiliation: str | None = None) -> Path:
    """Append an actor to a user alias registry CSV (created with its header if missing).

    Raises:
        ConfigError: Unknown type, or the file cannot be written or is not an actor registry.
    """
    if not canonical.strip():
        raise ConfigError("an actor needs a canonical name. Give --add NAME.")
    if type_ not in ACTOR_TYPES:
        raise ConfigError(f"unknown actor type '{type_}'. Use one of: {', '.join(ACTOR_TYPES)}.")
    return _append(path, ACTOR_COLUMNS, [canonical.strip(), type_, "|".join(aliases), affiliation or ""], "actor")


__all__ = ["ACTOR_COLUMNS", "ACTOR_TYPES", "OUTLET_COLUMNS", "actors_frame", "add_actor", "add_outlet",
           "filter_rows", "outlets_frame"]
