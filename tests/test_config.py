"""Settings: defaults, user overrides of only what they set, unknown keys refused."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from provenance.config import defaults, dump_config, load_config
from provenance.errors import ConfigError


def test_user_file_overrides_only_what_it_sets(tmp_path: Path) -> None:
    p = tmp_path / "s.toml"
    p.write_text("[ingest]\nyear = 2023\n", encoding="utf-8")
    cfg = load_config(p)
    base = defaults()
    assert cfg["ingest"]["year"] == 2023
    base["ingest"]["year"] = 2023
    assert cfg == base


@pytest.mark.parametrize(
    "content, message",
    [("[ingest]\nyeer = 2023\n", "unknown setting 'ingest.yeer'"), ("[nope]\nx=1\n", "unknown setting 'nope'"),
     ("[ingest\n", "is not valid TOML")],
)
def test_bad_settings_files(tmp_path: Path, content: str, message: str) -> None:
    p = tmp_path / "s.toml"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(p)


def test_missing_settings_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read settings file"):
        load_config(tmp_path / "missing.toml")


def test_dump_round_trips() -> None:
    cfg = load_config()
    assert tomllib.loads(dump_config(cfg)) == cfg
