"""provenance: source provenance and claim comparison across news outlets.

Library use::

    import provenance
    articles, rejected = provenance.ingest(["corpora/sample"])
    extractions = [provenance.extract_article(a) for a in articles]
"""

from __future__ import annotations

import logging

from provenance.errors import ProvenanceError
from provenance.extract import extract_article

# Bound after the subpackage import so ``provenance.ingest`` is the function, not the module
# (``from provenance.ingest import ...`` still finds the module in sys.modules).
from provenance.ingest import ingest
from provenance.models import Actor, Article, Attribution, DateMention, Extraction, Figure, Rejection

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())


__all__ = [
    "Actor", "Article", "Attribution", "DateMention", "Extraction", "Figure", "ProvenanceError",
    "Rejection", "__version__", "extract_article", "ingest",
]
