"""Errors raised by provenance; each carries a message fit to show a user."""

from __future__ import annotations


class ProvenanceError(Exception):
    """Base class: the message says what went wrong and how to fix it."""


class InputError(ProvenanceError):
    """An input path, glob or option does not name anything usable."""


class RejectedInput(ProvenanceError):
    """One input file or row cannot become an article; the message is the reason."""


class ConfigError(ProvenanceError):
    """A settings file or option value is invalid."""


class OutputError(ProvenanceError):
    """An output folder or file cannot be written."""


class StoreError(ProvenanceError):
    """The SQLite store is unreadable, locked too long or from another schema."""


class ReferenceSeriesError(ProvenanceError):
    """A reference series file cannot be read or has no usable columns."""


class EngineError(ProvenanceError):
    """The execution engine cannot start, or its Dask cluster cannot be reached or used."""
