"""Matching cost on ABP: candidate pairs and wall time for 10k, 100k and all claims.

Extraction is not what is measured (and dominates otherwise): articles are extracted once,
single process, with the actor extractor skipped (attributions then get no canonical speaker
from actors; figures and attributions are found as usual), and the extraction tables are
cached (``--cache``). Matching (figure clustering, text-claim clustering, syndication) then
runs on article prefixes holding about 10k, 100k and all claims, and the script fits
``time ~ claims^k`` and ``pairs ~ claims^k`` (least squares on logs).

Usage:
    python benchmarks/bench_matching.py                        # all 37,554 ABP articles
    python benchmarks/bench_matching.py --articles 6000        # a quicker look
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import pickle
import platform
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PROVENANCE_SHARED_DATA", REPO.parent / "shared" / "data"))


def extract_tables(n_articles: int | None, cache: Path) -> dict[str, Any]:
    """Extraction tables of the first ``n_articles`` ABP articles (cached on disk)."""
    if cache.exists():
        with open(cache, "rb") as fh:
            return pickle.load(fh)
    from provenance.extract import attributions, dates, figures
    from provenance.extract.sentences import split_sentences
    from provenance.frames import FrameBuilder, rows_from_extraction
    from provenance.ingest import iter_ingest
    from provenance.models import Article, Extraction

    b = FrameBuilder()
    seen: set[str] = set()
    t0 = time.perf_counter()
    items = iter_ingest([str(SHARED / "abp" / "abp_articles.jsonl.gz")])
    n = 0
    for a in itertools.islice(items, n_articles):
        if not isinstance(a, Article) or a.article_id in seen:
            continue
        seen.add(a.article_id)
        s = split_sentences(a.text)
        d = dates.extract_dates(a.text, a.published, a.published_precision, s)
        at = attributions.extract_attributions(a.text, s, [])
        f = figures.extract_figures(a.text, s, d, at, a.published)
        b.add(rows_from_extraction(Extraction(a, tuple(s), tuple(d), tuple(f), tuple(at))))
        n += 1
    frames = b.frames()
    frames["_extract_seconds"] = time.perf_counter() - t0  # type: ignore[assignment]
    with open(cache, "wb") as fh:
        pickle.dump(frames, fh)
    return frames


def subset(frames: dict[str, Any], article_ids: set[str]) -> dict[str, Any]:
    """The tables restricted to some articles."""
    return {k: (v[v["article_id"].isin(article_ids)] if hasattr(v, "columns") and "article_id" in v.columns else v)
            for k, v in frames.items() if not k.startswith("_")}


def run_point(frames: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """Time matching (clusters and syndication) on one set of tables."""
    from provenance.match import MatchStats, cluster_claims
    from provenance.match.syndication import find_syndication

    st = MatchStats()
    c0 = time.process_time()
    t0 = time.perf_counter()
    claims, figs = cluster_claims(frames, config, stats=st)
    t1 = time.perf_counter()
    find_syndication(claims, config, st.syndication)
    t2 = time.perf_counter()
    cpu = time.process_time() - c0
    return {
        "claims": len(claims), "figures": len(figs), "clusters": int(claims["cluster_id"].nunique()),
        "candidate_pairs": st.candidate_pairs, "figure_comparisons": st.figures.comparisons,
        "text_pairs": st.text.candidate_pairs, "syndication_pairs": st.syndication.candidate_pairs,
        "largest_block": max(st.figures.largest_block, st.text.largest_block, st.syndication.largest_block),
        "seconds_cluster": round(t1 - t0, 2), "seconds_syndication": round(t2 - t1, 2),
        "seconds": round(t2 - t0, 2), "cpu_seconds": round(cpu, 2),
    }


def fit_exponent(xs: list[float], ys: list[float]) -> float:
    """Slope of log(y) on log(x)."""
    lx, ly = [math.log(x) for x in xs], [math.log(max(y, 1e-9)) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a JSON report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=None, help="first N ABP articles (default: all)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/provenance-bench-abp.pkl"))
    ap.add_argument("--points", default="10000,100000,all", help="claim counts to time")
    args = ap.parse_args(argv)
    from provenance.config import load_config
    from provenance.match.claims import build_claims, prepare_figures

    cfg = load_config()
    frames = extract_tables(args.articles, args.cache)
    all_claims = build_claims({**frames, "figures": prepare_figures(frames["figures"])})
    per_article = all_claims.groupby("article_id", sort=False).size()
    order = list(frames["articles"]["article_id"])
    cum = list(itertools.accumulate(int(per_article.get(a, 0)) for a in order))
    results = []
    for p in args.points.split(","):
        target = cum[-1] if p == "all" else int(p)
        k = next((i for i, c in enumerate(cum) if c >= target), len(cum) - 1)
        ids = set(order[: k + 1])
        r = run_point(subset(frames, ids), cfg)
        r["articles"] = len(ids)
        results.append(r)
        print(json.dumps(r), file=sys.stderr)
    xs = [r["claims"] for r in results]
    report = {
        "command": "python benchmarks/bench_matching.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}",
        "articles_extracted": len(order), "extract_seconds": round(float(frames.get("_extract_seconds", 0.0)), 1),
        "points": results,
        "exponent_time": round(fit_exponent(xs, [r["seconds"] for r in results]), 3),
        "exponent_cpu": round(fit_exponent(xs, [r["cpu_seconds"] for r in results]), 3),
        "exponent_pairs": round(fit_exponent(xs, [r["candidate_pairs"] for r in results]), 3),
    }
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
