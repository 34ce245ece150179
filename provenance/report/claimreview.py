"""schema.org ClaimReview JSON-LD for a claim cluster, so a fact-check carries the markup that
search engines and fact-check aggregators read.

The claim, its author as the outlets attributed it, every appearance (the articles in the
cluster, with outlet and URL) and the first appearance come from a run folder's tables; the
rating, the review's URL and its publisher come from the fact-checker.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from provenance.errors import InputError

# Tables that assign article spans to clusters, in the order they are searched.
CLUSTER_TABLES = ("claims", "figure_cells", "attribution_cells")
_SPEAKER = ("speaker_canonical", "source_canonical", "speaker", "speaker_text", "source_text")
_CLAIM_TEXT = ("representative_text", "representative", "claim", "text", "sentence", "label")
PERSON_TYPES = ("person",)


def read_table(run: str | Path, name: str) -> pd.DataFrame | None:
    """A run folder's table (CSV or Parquet) as strings, or None when absent."""
    for ext in (".csv", ".parquet"):
        p = Path(run) / f"{name}{ext}"
        if p.exists():
            df = pd.read_csv(p, dtype=str, keep_default_na=False) if ext == ".csv" else pd.read_parquet(p)
            return df.astype(object).where(df.notna(), "")
    return None


def _first(rec: dict[str, Any], keys: tuple[str, ...]) -> str:
    for k in keys:
        v = rec.get(k)
        if v is not None and str(v).strip() and str(v).lower() != "nan":
            return str(v).strip()
    return ""


def _work(rec: dict[str, Any]) -> dict[str, Any]:
    """A schema.org CreativeWork for one article (an appearance of the claim)."""
    w: dict[str, Any] = {"@type": "CreativeWork"}
    if rec.get("url"):
        w["url"] = rec["url"]
    if rec.get("title"):
        w["headline"] = rec["title"]
    if rec.get("published"):
        w["datePublished"] = rec["published"]
    if rec.get("outlet"):
        w["publisher"] = {"@type": "Organization", "name": rec["outlet"]}
    return w


def claim_review(
    run: str | Path,
    cluster_id: str,
    *,
    rating: str,
    review_url: str,
    reviewer: str,
    date_published: str,
    rating_value: int | None = None,
    best_rating: int | None = None,
    worst_rating: int | None = None,
    claim_text: str | None = None,
) -> dict[str, Any]:
    """Build the ClaimReview for one claim cluster of a run.

    Args:
        run: A run folder (``provenance run --out``).
        cluster_id: A cluster_id from its claims (or figure_cells) table.
        rating: The verdict in words ("False", "Misleading", "Accurate") -> ``alternateName``.
        review_url: Where the fact-check is published.
        reviewer: The organisation publishing the fact-check (``author`` of the review).
        date_published: ISO date of the fact-check.
        rating_value: Optional numeric rating on the scale given by best/worst.
        best_rating: Best value of that scale.
        worst_rating: Worst value of that scale.
        claim_text: The claim as the fact-check states it; the cluster's representative claim when None.

    Returns:
        A JSON-LD object (``@context`` https://schema.org, ``@type`` ClaimReview).

    Raises:
        InputError: The run folder has no cluster tables, or no such cluster.
    """
    run_dir = Path(run)
    if not run_dir.is_dir():
        raise InputError(f"run folder {run_dir} not found. Give the folder `provenance run --out` wrote.")
    rows: list[dict[str, Any]] = []
    seen_table = False
    for name in CLUSTER_TABLES:
        df = read_table(run_dir, name)
        if df is None or "cluster_id" not in df.columns:
            continue
        seen_table = True
        rows = df[df["cluster_id"].astype(str) == cluster_id].to_dict("records")
        if rows:
            break
    if not seen_table:
        raise InputError(f"no claims table in {run_dir}: this run did not match claims across outlets. "
                         "Rerun `provenance run` with matching available.")
    if not rows:
        raise InputError(f"no cluster {cluster_id} in {run_dir}. Copy a cluster_id from its claims table.")
    arts = read_table(run_dir, "articles")
    art_by_id = {r["article_id"]: r for r in arts.to_dict("records")} if arts is not None else {}
    clusters = read_table(run_dir, "clusters")
    cluster_rec: dict[str, Any] = {}
    if clusters is not None and "cluster_id" in clusters.columns:
        hit = clusters[clusters["cluster_id"].astype(str) == cluster_id]
        cluster_rec = hit.iloc[0].to_dict() if len(hit) else {}

    appearances: dict[str, dict[str, Any]] = {}
    for r in rows:
        a = {**r, **{k: v for k, v in art_by_id.get(str(r.get("article_id")), {}).items() if v}}
        appearances.setdefault(str(a.get("article_id")), a)
    ordered = sorted(appearances.values(), key=lambda a: (str(a.get("published") or "9999"), str(a.get("outlet")),
                                                         str(a.get("article_id"))))
    first = ordered[0]
    speakers = Counter(s for s in (_first(r, _SPEAKER) for r in rows) if s)
    text = claim_text or _first(cluster_rec, _CLAIM_TEXT) or _first(first, ("sentence", "text"))
    text = re.sub(r"^#+\s*", "", text)  # a Markdown headline marker is layout, not the claim

    claim: dict[str, Any] = {"@type": "Claim"}
    if speakers:
        name, _ = min(speakers.items(), key=lambda kv: (-kv[1], kv[0]))
        kind = _first(next((r for r in rows if _first(r, _SPEAKER) == name), {}), ("speaker_type", "source_type"))
        claim["author"] = {"@type": "Person" if kind in PERSON_TYPES else "Organization", "name": name}
    if first.get("published"):
        claim["datePublished"] = first["published"]
    claim["appearance"] = [_work(a) for a in ordered]
    claim["firstAppearance"] = _work(first)

    rating_obj: dict[str, Any] = {"@type": "Rating", "alternateName": rating}
    for key, val in (("ratingValue", rating_value), ("bestRating", best_rating), ("worstRating", worst_rating)):
        if val is not None:
            rating_obj[key] = val
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": review_url,
        "datePublished": date_published,
        "author": {"@type": "Organization", "name": reviewer},
        "claimReviewed": text,
        "itemReviewed": claim,
        "reviewRating": rating_obj,
    }


__all__ = ["claim_review", "read_table"]
