"""Helpers shared by commands: one-line errors, consoles."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console

from provenance.errors import ProvenanceError

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False)

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print ``Error: message`` on stderr and return the Exit to raise."""
    err_console.print(f"Error: {message}", markup=False, soft_wrap=True)
    return typer.Exit(code)


def user_errors(func: F) -> F:
    """Turn ProvenanceError into a one-line ``Error: ...`` and exit code 2, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ProvenanceError as exc:
            raise fail(str(exc)) from None

    return wrapper  # type: ignore[return-value]
