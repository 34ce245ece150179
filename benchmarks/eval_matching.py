"""Pairwise precision, recall and F1 of claim matching on the hand-labelled gold set.

The gold set (tests/gold/matching/gold.csv) holds references only: dataset, file (under
../shared/data), row (the ingest row ``path#row``; for NeuS ``line:stance``), the sha1 of
the text, and a cluster label given by hand (guidelines in tests/gold/matching/README.md).
Every corpus is matched whole (all 11,505 headlines, all 4,350 sentences, all 506 stories'
leads), so gold claims compete with everything else, and pairs are scored among gold
claims of the same corpus.

Usage:
    python benchmarks/eval_matching.py            # print P/R/F1 per corpus and overall
    python benchmarks/eval_matching.py --errors   # also list false and missed pairs

Set ``PROVENANCE_EVAL_CACHE=DIR`` to keep each corpus's extraction tables in DIR (pickles
keyed by the corpus's article ids; delete them after an extractor change).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import os
import pickle
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "tests" / "gold" / "matching" / "gold.csv"
SHARED = Path(os.environ.get("PROVENANCE_SHARED_DATA", REPO.parent / "shared" / "data"))
BASELINE = REPO / "benchmarks" / "baselines" / "matching.json"


def sha1(text: str) -> str:
    """Checksum of a gold item's text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class GoldItem:
    """One gold claim reference."""

    dataset: str
    file: str
    row: str
    sha1: str
    cluster: str


def load_gold(path: Path = GOLD) -> list[GoldItem]:
    """The gold references."""
    with open(path, newline="", encoding="utf-8") as fh:
        return [GoldItem(r["dataset"], r["file"], r["row"], r["sha1"], r["cluster"]) for r in csv.DictReader(fh)]


def _neus_articles(path: Path) -> Iterable[Any]:
    """One article per outlet lead paragraph of every NeuS story (row = line:stance)."""
    from provenance.ids import article_id
    from provenance.models import Article

    with open(path, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            d = json.loads(line)
            for stance, n in (d.get("news") or {}).items():
                body = (n or {}).get("newBody") or []
                if not body or not body[0].strip():
                    continue
                text, outlet = body[0], n.get("newsSource") or stance
                yield Article(article_id=article_id(outlet, text), text=text, source=f"{path}#{line_no}:{stance}",
                              outlet=outlet, published=str(d.get("date") or "")[:10] or None,
                              published_precision="day", input_kind="table")


def corpus_articles(dataset: str, files: list[str]) -> list[Any]:
    """Every article of a gold corpus, exact duplicates collapsed as ``provenance run`` does."""
    from provenance.ingest import iter_ingest
    from provenance.models import Article

    out: dict[str, Any] = {}
    for f in files:
        p = SHARED / f
        items = _neus_articles(p) if dataset == "neus" else iter_ingest([str(p)], year=2023)
        for a in items:
            if isinstance(a, Article) and a.article_id not in out:
                out[a.article_id] = a
    return list(out.values())


_FRAMES: dict[tuple[str, ...], dict[str, Any]] = {}


def match_corpus(articles: list[Any], config: dict[str, Any]) -> dict[str, str]:
    """article_id -> cluster_id, each article's whole text being one claim.

    Extraction results are cached per corpus within the process, so several settings can be
    compared quickly (``evaluate`` called in a loop).
    """
    from provenance.extract import extract_article
    from provenance.frames import FrameBuilder, rows_from_extraction
    from provenance.match import cluster_claims

    key = tuple(sorted(a.article_id for a in articles))
    cache = os.environ.get("PROVENANCE_EVAL_CACHE")
    path = Path(cache) / f"frames-{hashlib.sha1(repr(key).encode()).hexdigest()[:16]}.pkl" if cache else None
    if key not in _FRAMES and path is not None and path.exists():
        _FRAMES[key] = pickle.loads(path.read_bytes())
    if key not in _FRAMES:
        b = FrameBuilder()
        for a in articles:
            b.add(rows_from_extraction(extract_article(a)))
        _FRAMES[key] = b.frames()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(pickle.dumps(_FRAMES[key]))
    frames = _FRAMES[key]
    claims, _ = cluster_claims(frames, config, texts={a.article_id: a.text for a in articles})
    return dict(zip(claims["article_id"], claims["cluster_id"]))


def pair_scores(gold: dict[str, str], pred: dict[str, str]) -> tuple[int, int, int]:
    """(true positive, false positive, false negative) pairs over the keys of ``gold``."""
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(gold), 2):
        g = gold[a] == gold[b]
        p = pred.get(a) is not None and pred.get(a) == pred.get(b)
        tp += g and p
        fp += p and not g
        fn += g and not p
    return tp, fp, fn


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall, F1 (1.0 when undefined)."""
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def evaluate(config: dict[str, Any] | None = None, errors: list[str] | None = None,
             split_filter: str = "all") -> dict[str, Any]:
    """Pairwise P/R/F1 per corpus and overall.

    Args:
        config: Settings (packaged defaults when None).
        errors: When a list, false and missed pairs are appended to it as lines.
        split_filter: ``dev``/``test``: list only errors touching a cluster of that split.

    Returns:
        {"overall": {...}, "<dataset>": {...}, "dev": {...}, "test": {...},
        "dev:<dataset>": {...}, "test:<dataset>": {...}}: precision, recall, f1, tp, fp, fn, claims.

    Raises:
        ValueError: A gold reference is missing from the data or its checksum differs.
    """
    from provenance.config import load_config

    cfg = config or load_config()
    gold = load_gold()
    result: dict[str, Any] = {}
    totals = [0, 0, 0]
    split_totals = {p: [0, 0, 0] for p in SPLITS}
    split_claims = dict.fromkeys(SPLITS, 0)
    outlets: set[str] = set()
    for dataset in sorted({g.dataset for g in gold}):
        items = [g for g in gold if g.dataset == dataset]
        arts = corpus_articles(dataset, sorted({g.file for g in items}))
        by_source = {a.source.replace(str(SHARED) + "/", ""): a for a in arts}
        by_sha = {(a.source.split("#")[0].replace(str(SHARED) + "/", ""), sha1(a.text)): a for a in arts}
        pred_by_article = match_corpus(arts, cfg)
        g_lab: dict[str, str] = {}
        p_lab: dict[str, str] = {}
        text_of: dict[str, str] = {}
        for g in items:
            a = by_source.get(f"{g.file}#{g.row}") or by_sha.get((g.file, g.sha1))
            if a is None:
                raise ValueError(f"gold item {g.file}#{g.row} not found in the data")
            if g.sha1 and sha1(a.text) != g.sha1:
                raise ValueError(f"gold item {g.file}#{g.row}: checksum differs (the data changed)")
            if a.article_id in g_lab:
                continue  # an exact duplicate row: the same claim
            g_lab[a.article_id] = g.cluster
            p_lab[a.article_id] = pred_by_article.get(a.article_id, "")
            text_of[a.article_id] = f"{g.row} {a.outlet}: {' '.join(a.text.split())[:110]}"
            outlets.add(str(a.outlet))
        tp, fp, fn = pair_scores(g_lab, p_lab)
        result[dataset] = {**prf(tp, fp, fn), "claims": len(g_lab), "gold_clusters": len(set(g_lab.values()))}
        for i, v in enumerate((tp, fp, fn)):
            totals[i] += v
        for part in SPLITS:
            keys = [k for k in g_lab if split_of(dataset, g_lab[k]) == part]
            ptp, pfp, pfn = pair_scores({k: g_lab[k] for k in keys}, p_lab)
            split_claims[part] += len(keys)
            for i, v in enumerate((ptp, pfp, pfn)):
                split_totals[part][i] += v
            result[f"{part}:{dataset}"] = {**prf(ptp, pfp, pfn), "claims": len(keys)}
        if errors is not None:
            for a, b in itertools.combinations(sorted(g_lab, key=lambda k: text_of[k]), 2):
                g_same, p_same = g_lab[a] == g_lab[b], p_lab[a] == p_lab[b]
                if g_same != p_same and split_filter in ("all", split_of(dataset, g_lab[a]), split_of(dataset, g_lab[b])):
                    errors.append(f"{'FP' if p_same else 'FN'} [{g_lab[a]} / {g_lab[b]}]\n    {text_of[a]}\n    {text_of[b]}")
    result["overall"] = {**prf(*totals), "claims": sum(result[d]["claims"] for d in result if ":" not in d),
                         "outlets": len(outlets)}
    for part in SPLITS:
        result[part] = {**prf(*split_totals[part]), "claims": split_claims[part]}
    return result


SPLITS = ("dev", "test")


def split_of(dataset: str, cluster: str) -> str:
    """``dev`` or ``test`` for a gold cluster: a hash of its label, so a cluster never straddles.

    Settings are tuned on ``dev`` only; ``test`` is the held-out estimate. Pairs are scored
    among the claims of one split (a cross-split link is neither counted as a hit nor a miss).
    """
    return SPLITS[int(sha1(f"{dataset}/{cluster}")[:8], 16) % 2]


def main(argv: list[str] | None = None) -> int:
    """Print the scores (and the errors with --errors)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list false and missed pairs")
    ap.add_argument("--split", choices=("dev", "test", "all"), default="all",
                    help="with --errors: list errors of this split only (tune on dev)")
    ap.add_argument("--write-checksums", action="store_true", help="fill empty sha1 cells of the gold file")
    args = ap.parse_args(argv)
    if args.write_checksums:
        write_checksums()
        return 0
    errs: list[str] | None = [] if args.errors else None
    res = evaluate(errors=errs, split_filter=args.split)
    for name, r in res.items():
        print(f"{name:18} P={r['precision']:.3f} R={r['recall']:.3f} F1={r['f1']:.3f} "
              f"(tp={r['tp']} fp={r['fp']} fn={r['fn']}, claims={r['claims']})")
    if errs:
        print("\n".join(errs))
    return 0


def write_checksums() -> None:
    """Fill the sha1 column of the gold file from the data (run once, after labelling)."""
    gold = load_gold()
    rows = []
    for dataset in sorted({g.dataset for g in gold}):
        items = [g for g in gold if g.dataset == dataset]
        arts = corpus_articles(dataset, sorted({g.file for g in items}))
        by_source = {a.source.replace(str(SHARED) + "/", ""): a for a in arts}
        for g in items:
            a = by_source.get(f"{g.file}#{g.row}")
            if a is None:
                raise ValueError(f"gold item {g.file}#{g.row} not found (a duplicate row? use the first copy)")
            rows.append(GoldItem(g.dataset, g.file, g.row, g.sha1 or sha1(a.text), g.cluster))
    order = {(g.dataset, g.file, g.row): i for i, g in enumerate(gold)}
    rows.sort(key=lambda g: order[(g.dataset, g.file, g.row)])
    with open(GOLD, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["dataset", "file", "row", "sha1", "cluster"])
        for g in rows:
            w.writerow([g.dataset, g.file, g.row, g.sha1, g.cluster])


if __name__ == "__main__":
    sys.exit(main())
