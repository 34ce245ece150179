"""``provenance check``: the claims in a corpus that match a claim a fact-checker pastes in.

The pasted text is extracted like an article. When it carries a figure (killed, injured,
hostage, ...), only claims whose primary figure has the same metric, group and side and a
compatible interval are candidates (structured before fuzzy); text similarity then ranks
them. Without a figure, claims are ranked by IDF-weighted overlap of rare words and
rapidfuzz text similarity (explicit scorer, processor and cutoff from ``[match.similarity]``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from provenance.extract import extract_article
from provenance.frames import FrameBuilder, present, rows_from_extraction
from provenance.ids import content_hash
from provenance.match.blocking import MATCHED_METRICS, claim_tokens, idf_weights, token_document_frequency
from provenance.match.claims import build_claims, prepare_figures
from provenance.match.comparisons import (
    FigureInterval,
    IntervalsCompatible,
    TextSimilarity,
    WeightedOverlap,
    strip_outlet_suffix,
)
from provenance.models import Article

CHECK_COLUMNS = [
    "rank", "score", "rule", "outlet", "published", "attributed_to", "descriptor", "figure", "text", "claim_id",
    "cluster_id", "article_id", "source", "start", "end",
]


def query_claim(text: str) -> dict[str, Any]:
    """The pasted claim as a claims-table row (its primary figure and speaker extracted)."""
    art = Article(article_id=content_hash("query", text), text=text, source="<claim>", outlet="(claim)")
    b = FrameBuilder()
    b.add(rows_from_extraction(extract_article(art)))
    frames = b.frames()
    frames["figures"] = prepare_figures(frames["figures"])
    claims = build_claims(frames, texts={art.article_id: text})
    return claims.iloc[0].to_dict()


def check_claim(text: str, claims: pd.DataFrame, config: dict[str, Any], limit: int = 50) -> pd.DataFrame:
    """Rank the claims that match ``text``.

    Args:
        text: The claim as pasted ("Israel has killed more than 8,300 Palestinians").
        claims: The corpus claims (``cluster_claims`` or ``build_claims`` output).
        config: Settings (``[match]``).
        limit: Most rows returned.

    Returns:
        Matching claims, best first, with outlet, date, source and evidence (article, offsets).

    Examples:
        >>> from provenance.config import load_config
        >>> check_claim("anything", pd.DataFrame(columns=["text"]), load_config()).empty
        True
    """
    m = config["match"]
    s = m["similarity"]
    if not len(claims):
        return pd.DataFrame(columns=CHECK_COLUMNS)
    q = query_claim(text)
    rows = claims.to_dict("records")
    toks = claim_tokens(strip_outlet_suffix(r["text"] or "") for r in rows)
    qt = claim_tokens([text])[0]
    df = token_document_frequency(toks)
    overlap = WeightedOverlap(idf_weights(df, len(rows)), default=1.0)
    sim = TextSimilarity(s["text_scorer"], s["text_processor"], 0.0)
    iv = FigureInterval(m["open_slack"], m["about_slack"])
    compat = IntervalsCompatible(m["value_tolerance"])
    q_iv = iv(q.get("value"), q.get("low"), q.get("high"), q.get("qualifier"))
    q_fig = q.get("metric") in MATCHED_METRICS and q_iv is not None
    q_key = (q.get("metric"), q.get("group"), q.get("side"))
    qset = set(qt)
    out = []
    for r, t in zip(rows, toks):
        if q_fig:
            if (r.get("metric"), r.get("group"), r.get("side")) != q_key and not (not q.get("side") and
                                                                               r.get("metric") == q_key[0]):
                continue
            if (r.get("qualifier") == "vague") != (q.get("qualifier") == "vague"):
                continue  # "thousands" is not a claim of 8,300
            r_iv = iv(r.get("value"), r.get("low"), r.get("high"), r.get("qualifier"))
            fs = compat.score(q_iv, r_iv)
            if fs <= 0:
                continue
            ov, ts = overlap(qt, t), sim(text, strip_outlet_suffix(r["text"] or ""))
            score, rule = 100 * (0.5 * fs + 0.25 * ov) + 0.25 * ts, "figure+text"
        else:
            if not qset.intersection(t):
                continue
            ov, ts = overlap(qt, t), sim(text, strip_outlet_suffix(r["text"] or ""))
            score, rule = 50 * ov + 0.5 * ts, "text"
        if score < s["check_cutoff"]:
            continue
        out.append({
            "score": round(score, 1), "rule": rule, "outlet": r.get("outlet"), "published": r.get("published"),
            "attributed_to": present(r.get("speaker")) or "unattributed", "descriptor": present(r.get("descriptor")),
            "figure": present(r.get("figures")), "text": " ".join(str(r.get("text") or "").split()), "claim_id": r["claim_id"],
            "cluster_id": r.get("cluster_id"), "article_id": r["article_id"], "source": r.get("source"),
            "start": r.get("start"), "end": r.get("end"),
        })
    res = pd.DataFrame(out, columns=[c for c in CHECK_COLUMNS if c != "rank"])
    res = res.sort_values(["score", "published", "claim_id"], ascending=[False, True, True], kind="stable").head(limit)
    res.insert(0, "rank", range(1, len(res) + 1))
    return res.reset_index(drop=True)


__all__ = ["CHECK_COLUMNS", "check_claim", "query_claim"]
