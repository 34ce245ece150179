"""The outlet registry: canonical outlet names with their domains, aliases and agency codes.

The registry is a data file (``outlets.csv``: name, domains, aliases, agency_codes; lists
separated by ``;``), built by ``scripts/build_outlet_registry.py`` from the outlets named in the
shared datasets and curated by hand. A user file of the same shape extends it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from provenance.config import read_user_file
from provenance.errors import ConfigError


@dataclass(frozen=True)
class Outlet:
    """One registry entry."""

    name: str
    domains: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    agency_codes: tuple[str, ...] = ()


@dataclass
class OutletRegistry:
    """Look-ups from names, domains, agency codes and file names to canonical outlets."""

    outlets: dict[str, Outlet] = field(default_factory=dict)
    _by_name: dict[str, str] = field(default_factory=dict)
    _by_domain: dict[str, str] = field(default_factory=dict)
    _by_code: dict[str, str] = field(default_factory=dict)

    def add(self, outlet: Outlet) -> None:
        """Add or extend an entry; later entries win on conflicting keys."""
        old = self.outlets.get(outlet.name)
        if old:
            outlet = Outlet(
                outlet.name,
                tuple(dict.fromkeys(old.domains + outlet.domains)),
                tuple(dict.fromkeys(old.aliases + outlet.aliases)),
                tuple(dict.fromkeys(old.agency_codes + outlet.agency_codes)),
            )
        self.outlets[outlet.name] = outlet
        for n in (outlet.name, *outlet.aliases):
            self._by_name[_norm(n)] = outlet.name
        for d in outlet.domains:
            self._by_domain[d.lower()] = outlet.name
        for c in outlet.agency_codes:
            self._by_code[c.upper()] = outlet.name

    def by_name(self, name: str) -> str | None:
        """Canonical name for a name or alias (case and spacing insensitive)."""
        return self._by_name.get(_norm(name))

    def by_url(self, url: str) -> str | None:
        """Canonical name for a URL's host, trying parent domains (news.bbc.co.uk -> bbc.co.uk)."""
        try:
            host = (urlsplit(url.strip()).hostname or "").lower()
        except ValueError:
            return None
        parts = host.split(".")
        for i in range(len(parts) - 1):
            hit = self._by_domain.get(".".join(parts[i:]))
            if hit:
                return hit
        return None

    def by_code(self, code: str) -> str | None:
        """Canonical name for an agency code as used in datelines ("RHC", "AP")."""
        return self._by_code.get(code.strip().upper())

    def by_filename(self, path: str) -> str | None:
        """Canonical outlet when exactly one registry alias is a token of the file name."""
        tokens = [t for t in re.split(r"[^A-Za-z0-9]+", Path(path).stem) if len(t) >= 2]
        hits = {self._by_name[_norm(t)] for t in tokens if _norm(t) in self._by_name}
        return hits.pop() if len(hits) == 1 else None


def _norm(name: str) -> str:
    """Key for name look-ups: lower case, single spaces."""
    return " ".join(name.lower().split())


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in (cell or "").split(";") if x.strip())


def _read(text: str, where: str, reg: OutletRegistry) -> None:
    reader = csv.DictReader(io.StringIO(text))
    missing = {"name"} - set(reader.fieldnames or [])
    if missing:
        raise ConfigError(f"outlet file {where} has no 'name' column. Use columns name,domains,aliases,agency_codes.")
    for row in reader:
        if not (row.get("name") or "").strip():
            continue
        reg.add(Outlet(row["name"].strip(), _split(row.get("domains")), _split(row.get("aliases")),
                       _split(row.get("agency_codes"))))


def load_registry(extra: str | Path | None = None) -> OutletRegistry:
    """Load the packaged registry, extended by a user CSV of the same columns.

    Args:
        extra: Path to a user outlets CSV, or None.

    Returns:
        The registry.

    Raises:
        ConfigError: The user file cannot be read or lacks a ``name`` column.
    """
    reg = OutletRegistry()
    _read(resources.files("provenance.ingest").joinpath("outlets.csv").read_text("utf-8"), "outlets.csv", reg)
    if extra is not None:
        _read(read_user_file(extra, "outlet"), str(extra), reg)
    return reg
