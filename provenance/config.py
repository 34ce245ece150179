"""Settings: packaged defaults (``defaults.toml``) overlaid with a user file.

A user file overrides only the keys it sets; unknown sections and keys are errors, so a typo
never silently falls back to a default.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from provenance.errors import ConfigError


def defaults() -> dict[str, Any]:
    """The packaged default settings as a fresh nested dict."""
    raw = resources.files("provenance").joinpath("defaults.toml").read_text("utf-8")
    return tomllib.loads(raw)


def _merge(base: dict[str, Any], override: Mapping[str, Any], where: str) -> None:
    """Overlay ``override`` on ``base`` in place, refusing keys the defaults do not have."""
    for key, value in override.items():
        if key not in base:
            raise ConfigError(
                f"unknown setting '{where}{key}'. Check the spelling against `provenance config`."
            )
        if isinstance(base[key], dict):
            if not isinstance(value, Mapping):
                raise ConfigError(f"setting '{where}{key}' must be a table.")
            _merge(base[key], value, f"{where}{key}.")
        else:
            base[key] = value


def read_user_file(path: str | Path, what: str) -> str:
    """The text of a file the user names (``what``: settings, outlet, actor), as UTF-8.

    Raises:
        ConfigError: The file cannot be read or is not UTF-8 text.
    """
    try:
        return Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or "not UTF-8 text"
        raise ConfigError(f"cannot read {what} file {path}: {why}. Check the path.") from exc


def load_config(path: str | Path | None = None, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Load settings.

    Args:
        path: A TOML file whose keys override the defaults, or None.
        overrides: Nested mapping applied last (command-line options).

    Returns:
        The merged settings.

    Raises:
        ConfigError: The file is unreadable, not TOML, or sets an unknown key.
    """
    cfg = defaults()
    if path is not None:
        p = Path(path)
        text = read_user_file(p, "settings")
        try:
            user = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"settings file {p} is not valid TOML: {exc}. Fix the file.") from exc
        _merge(cfg, user, "")
    if overrides:
        _merge(cfg, overrides, "")
    _check(cfg)
    return cfg


def _check(cfg: Mapping[str, Any]) -> None:
    """Refuse values of the wrong kind where a setting takes a word or a number."""
    check_table_settings(cfg.get("match", {}))


def check_table_settings(m: Mapping[str, Any]) -> None:
    """``[match] table_min_outlets`` ("auto" or an integer >= 1) and ``table_auto_max_rows``
    (an integer >= 0), as ``load_config`` and ``report.tables.table_min_outlets`` require.

    Raises:
        ConfigError: Either has a value of the wrong kind.
    """
    v = m.get("table_min_outlets")
    if not (v == "auto" or (type(v) is int and v >= 1)):
        raise ConfigError(f"setting 'match.table_min_outlets' must be \"auto\" or an integer >= 1, not {v!r}.")
    n = m.get("table_auto_max_rows")
    if not (type(n) is int and n >= 0):
        raise ConfigError(f"setting 'match.table_auto_max_rows' must be an integer >= 0, not {n!r}.")


def dump_config(cfg: Mapping[str, Any]) -> str:
    """Render settings as TOML (flat tables of scalars and lists; enough for our settings)."""
    lines: list[str] = []

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(value(x) for x in v) + "]"
        raise ConfigError(f"cannot write setting value {v!r}")

    def table(prefix: str, d: Mapping[str, Any]) -> None:
        scalars = {k: v for k, v in d.items() if not isinstance(v, Mapping)}
        if prefix:
            lines.append(f"[{prefix}]")
        for k, v in scalars.items():
            lines.append(f"{k} = {value(v)}")
        if prefix:
            lines.append("")
        for k, v in d.items():
            if isinstance(v, Mapping):
                table(f"{prefix}.{k}" if prefix else k, v)

    table("", copy.deepcopy(dict(cfg)))
    return "\n".join(lines).rstrip() + "\n"
