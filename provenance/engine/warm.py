"""Warm-up the local engine's fork server runs once, before it forks any worker.

The extractors build their state on first use: the attribution model's weight tables (read from
a dump of the crfsuite model), a few hundred compiled regular expressions, the actor registry,
numba's compiled scanners. That is seconds of work, and each worker process used to do it on
its first article, again for every pool a process started. The fork server imports this module
when it starts (``map_extract`` names it in ``set_forkserver_preload``): it extracts one short
article of its own, and every worker is forked with that state already built.

Extraction does not depend on what was extracted before (``tests/test_engine.py`` compares
worker output with in-process output), so the warm-up changes when the work happens, not what
comes out. Should it fail, the workers build the state themselves as before.
"""

from __future__ import annotations

import logging

from provenance.engine.local import extract_rows
from provenance.models import Article

log = logging.getLogger(__name__)

# Written for this purpose: a dateline, a figure with a qualifier, a said-attribution, a quote.
_TEXT = (
    "PORT ELLIS, March 4 (Wire) - More than 1,200 people were moved from the river towns on Monday, "
    "the regional water authority said.\n\n"
    '"We expect the water to fall by Friday," spokeswoman Ada Brenn told reporters, '
    "according to a statement from the authority."
)


def warm() -> None:
    """Extract one short article so that the extractors' lazily built state exists."""
    try:
        extract_rows(Article(article_id="warm-up", text=_TEXT, source="-", published="2024-03-05",
                             published_precision="day"))
    except Exception as exc:  # noqa: BLE001 - the workers then build the state themselves
        log.debug("fork server warm-up failed: %s", exc)


warm()
