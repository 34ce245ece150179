"""``provenance config``: print the settings in force."""

from __future__ import annotations

import typer

from provenance.cli import app
from provenance.cli._common import user_errors
from provenance.cli.options import ConfigOpt
from provenance.config import dump_config, load_config


@app.command("config")
@user_errors
def config_cmd(config: ConfigOpt = None) -> None:
    """Print the settings in force (packaged defaults overlaid with --config) as TOML on stdout.

    Every run writes the same text to settings.toml in its report folder, so a run can be
    reproduced with ``--config settings.toml``.

    Examples:
        provenance config > my-settings.toml
    """
    typer.echo(dump_config(load_config(config)), nl=False)
