"""The ``provenance`` command: a thin typer app; each command group lives in its own module."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="provenance",
    help="Compare what news outlets reported, attributed to whom, and when.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Command modules register themselves on ``app`` when imported, in the order ``--help`` lists
# them (most used first), so these imports are deliberately not sorted.
from provenance.cli import run as _run  # noqa: I001, F401
from provenance.cli import check as _check  # noqa: F401
from provenance.cli import config as _config  # noqa: F401
from provenance.cli import claimreview as _claimreview  # noqa: F401
from provenance.cli import show as _show  # noqa: F401
from provenance.cli import registry as _registry  # noqa: F401
from provenance.cli import store as _store  # noqa: F401


def main() -> None:
    """Entry point for the console script."""
    app()
