"""Evaluate attribution extraction on PolNeAR (BRAT standoff Source / Cue / Content).

Measures, for source, cue and content, exact and overlap precision / recall / F1 with
one-to-one matching (a maximum bipartite matching, so one predicted span never counts for two
gold spans), plus relation F1: a predicted attribution matches a gold one when its cue, its
source and its content all overlap the gold attribution's (two missing sources agree).
"Overlap" means the two spans share at least one non-space character; "exact" means the same
characters once surrounding whitespace is trimmed. Spans made of several fragments (BRAT
discontinuous spans, or several content spans of one attribution) are compared as the union
of their fragments.

Usage::

    python benchmarks/eval_attributions.py                 # dev split
    python benchmarks/eval_attributions.py --split train --limit 200
    python benchmarks/eval_attributions.py --speed         # also time dates + figures

As a library: ``evaluate(split_dir) -> dict`` (see :func:`evaluate`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from provenance.extract import actors as _actors
from provenance.extract import attributions as _attributions
from provenance.extract.sentences import split_sentences
from provenance.models import Attribution

DEFAULT_POLNEAR = REPO.parent / "shared" / "data" / "polnear" / "data"

Ranges = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class GoldAttribution:
    """One gold attribution: each part as character ranges (empty source = no source)."""

    source: Ranges
    cue: Ranges
    content: Ranges


@dataclass
class Document:
    """A PolNeAR article with its gold attributions."""

    name: str
    text: str
    gold: list[GoldAttribution] = field(default_factory=list)


def _parse_ranges(spec: str) -> Ranges:
    """``"10 20;30 40"`` -> ((10, 20), (30, 40))."""
    out = []
    for part in spec.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return tuple(out)


def read_brat(ann_path: Path, text: str) -> list[GoldAttribution]:
    """Read the attribution events of one ``.ann`` file.

    Args:
        ann_path: The BRAT standoff file.
        text: The article text the offsets index (used to trim whitespace).

    Returns:
        Gold attributions in file order; ``Discard`` / ``Discuss`` annotations are skipped.
    """
    spans: dict[str, tuple[str, Ranges]] = {}
    events: list[dict[str, str]] = []
    for line in ann_path.read_text("utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) < 2:
            continue
        if cols[0].startswith("T"):
            label, _, rng = cols[1].partition(" ")
            try:
                spans[cols[0]] = (label, _parse_ranges(rng))
            except ValueError:
                continue
        elif cols[0].startswith("E"):
            roles: dict[str, str] = {}
            for arg in cols[1].split():
                role, _, tid = arg.partition(":")
                role = role.rstrip("0123456789")
                roles.setdefault(role, "")
                roles[role] += (" " if roles[role] else "") + tid
            events.append(roles)
    gold = []
    for ev in events:
        parts: dict[str, list[tuple[int, int]]] = {"Source": [], "Cue": [], "Content": []}
        for role, found in parts.items():
            for tid in ev.get(role, "").split():
                if tid in spans:
                    found.extend(spans[tid][1])
        if not parts["Cue"]:
            continue
        gold.append(GoldAttribution(*(_trim(text, parts[r]) for r in ("Source", "Cue", "Content"))))
    return gold


def _trim(text: str, ranges: Iterable[tuple[int, int]]) -> Ranges:
    """Sort ranges and trim surrounding whitespace from each; drop empty ones."""
    out = []
    for a, b in sorted(ranges):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return tuple(out)


def load_split(split_dir: Path | str, limit: int | None = None) -> list[Document]:
    """Load a PolNeAR split (``.../data/dev``); one annotation per article (the first by name).

    Args:
        split_dir: A folder with ``text/`` and ``attributions/``.
        limit: Keep only the first ``limit`` articles (sorted by name).

    Returns:
        Documents with gold attributions.
    """
    split_dir = Path(split_dir)
    docs: list[Document] = []
    seen: set[str] = set()
    for ann in sorted((split_dir / "attributions").glob("*.ann")):
        base = ann.stem.rsplit("_", 1)[0]
        if base in seen:
            continue
        txt = split_dir / "text" / f"{base}.txt"
        if not txt.exists():
            continue
        seen.add(base)
        text = txt.read_text("utf-8")
        docs.append(Document(base, text, read_brat(ann, text)))
        if limit and len(docs) >= limit:
            break
    return docs


# ---------------------------------------------------------------------------- matching


def _nonspace(text: str, ranges: Ranges) -> frozenset[int]:
    """Offsets of non-space characters in ``ranges``."""
    return frozenset(i for a, b in ranges for i in range(a, b) if not text[i].isspace())


def _max_matching(n_pred: int, n_gold: int, ok: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    """Maximum bipartite matching (Kuhn's augmenting paths); returns (pred, gold) pairs."""
    adj = [[g for g in range(n_gold) if ok(p, g)] for p in range(n_pred)]
    match_g: list[int] = [-1] * n_gold

    def augment(p: int, seen: list[bool]) -> bool:
        for g in adj[p]:
            if not seen[g]:
                seen[g] = True
                if match_g[g] < 0 or augment(match_g[g], seen):
                    match_g[g] = p
                    return True
        return False

    for p in range(n_pred):
        if adj[p]:
            augment(p, [False] * n_gold)
    return [(p, g) for g, p in enumerate(match_g) if p >= 0]


@dataclass
class Counts:
    """True positives, predicted and gold counts for one measure."""

    tp: int = 0
    pred: int = 0
    gold: int = 0

    def prf(self) -> dict[str, float]:
        """Precision, recall and F1 (0 when undefined)."""
        p = self.tp / self.pred if self.pred else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "tp": self.tp,
                "pred": self.pred, "gold": self.gold}


def _exact_ok(ps: list[Ranges], gs: list[Ranges]) -> Callable[[int, int], bool]:
    """Pair test: the same trimmed ranges."""
    return lambda a, b: ps[a] == gs[b]


def _overlap_ok(ps: list[frozenset[int]], gs: list[frozenset[int]]) -> Callable[[int, int], bool]:
    """Pair test: a shared non-space character."""
    return lambda a, b: not ps[a].isdisjoint(gs[b])


def _pred_ranges(text: str, x: Attribution) -> tuple[Ranges, Ranges, Ranges]:
    """Source, cue and content of a predicted attribution as trimmed ranges."""
    src = _trim(text, [(x.source.start, x.source.end)]) if x.source else ()
    return src, _trim(text, [(x.cue.start, x.cue.end)]), _trim(text, [(c.start, c.end) for c in x.content])


def score_document(
    text: str, gold: Sequence[GoldAttribution], pred: Sequence[Attribution], counts: dict[str, Counts]
) -> None:
    """Add one document's matches to ``counts`` (keys ``<part>_<exact|overlap>``, ``relation``)."""
    P = [_pred_ranges(text, x) for x in pred]
    G = [(g.source, g.cue, g.content) for g in gold]
    for i, part in enumerate(("source", "cue", "content")):
        ps = [p[i] for p in P if p[i]]
        gs = [g[i] for g in G if g[i]]
        pset = [_nonspace(text, r) for r in ps]
        gset = [_nonspace(text, r) for r in gs]
        for mode in ("exact", "overlap"):
            c = counts.setdefault(f"{part}_{mode}", Counts())
            c.pred += len(ps)
            c.gold += len(gs)
            ok = _exact_ok(ps, gs) if mode == "exact" else _overlap_ok(pset, gset)
            c.tp += len(_max_matching(len(ps), len(gs), ok))
    pn = [tuple(_nonspace(text, r) for r in p) for p in P]
    gn = [tuple(_nonspace(text, r) for r in g) for g in G]

    def rel_ok(a: int, b: int) -> bool:
        (ps_, pc, pt), (gs_, gc, gt) = pn[a], gn[b]
        if pc.isdisjoint(gc) or pt.isdisjoint(gt):
            return False
        if not ps_ and not gs_:
            return True
        return not ps_.isdisjoint(gs_)

    c = counts.setdefault("relation", Counts())
    c.pred += len(P)
    c.gold += len(G)
    c.tp += len(_max_matching(len(P), len(G), rel_ok))


def predict(text: str) -> list[Attribution]:
    """Run the shipped extractor (sentences, actors, attributions) on one text."""
    sentences = split_sentences(text)
    actors = _actors.extract_actors(text, sentences)
    return _attributions.extract_attributions(text, sentences, actors)


def evaluate(
    split_dir: Path | str = DEFAULT_POLNEAR / "dev",
    *,
    limit: int | None = None,
    extractor: Callable[[str], list[Attribution]] = predict,
) -> dict[str, object]:
    """Score ``extractor`` on a PolNeAR split.

    Args:
        split_dir: A PolNeAR split folder (``text/`` and ``attributions/``).
        limit: Only the first ``limit`` articles.
        extractor: text -> attributions (defaults to the shipped pipeline).

    Returns:
        ``{"articles", "seconds", "articles_per_s", "<part>_<exact|overlap>": {p, r, f1, ...},
        "relation": {...}}`` for part in source, cue, content.
    """
    docs = load_split(split_dir, limit)
    counts: dict[str, Counts] = {}
    t0 = time.perf_counter()
    preds = [extractor(d.text) for d in docs]
    secs = time.perf_counter() - t0
    for d, p in zip(docs, preds):
        score_document(d.text, d.gold, p, counts)
    out: dict[str, object] = {
        "articles": len(docs),
        "seconds": round(secs, 3),
        "articles_per_s": round(len(docs) / secs, 1) if secs else None,
        "ms_per_article": round(1000 * secs / len(docs), 2) if docs else None,
    }
    out.update({k: v.prf() for k, v in sorted(counts.items())})
    return out


def speed_comparison(
    split_dir: Path | str = DEFAULT_POLNEAR / "dev", *, repeat: int = 3, texts: Sequence[str] | None = None
) -> dict[str, float]:
    """Per-article cost (ms) of actors + attributions versus dates + figures on the same texts.

    Each stage gets the same inputs it gets in ``extract_article`` (sentences computed once,
    outside the timings); CPU time, best of ``repeat`` passes, so load from other processes
    on a shared machine disturbs the comparison as little as possible.

    Args:
        split_dir: Folder whose PolNeAR articles are timed (when ``texts`` is None).
        repeat: Passes per stage.
        texts: Texts to time instead of a PolNeAR split.

    Returns:
        ``{"articles", "attributions_ms", "dates_ms", "figures_ms", "dates_plus_figures_ms",
        "ratio", "model_load_s", "jit_warm_up_s", "compiled_kernels"}``; ratio = attributions
        / (dates + figures). ``model_load_s`` (CPU) and ``jit_warm_up_s`` (wall: numba
        compiles in this process) are one-time costs outside the per-article figures.
    """
    from provenance.extract import attribution_decoder as _decoder
    from provenance.extract import attribution_jit as _jit
    from provenance.extract import attribution_tagger as _tagger
    from provenance.extract import dates as _dates
    from provenance.extract import figures as _figures

    if texts is None:
        texts = [d.text for d in load_split(split_dir)]
    sents = [split_sentences(t) for t in texts]
    # One-time costs, reported and kept out of the per-article figures (the untimed pass
    # below also runs every stage once): loading the model, compiling or loading the numba
    # kernels (``attribution_jit``, cached in __pycache__ after the first compile).
    jit_s = _jit.warm_up() if _decoder.USE_JIT else 0.0
    t0 = time.process_time()
    _tagger.default_tagger()
    _tagger.tag_article(texts[0], sents[0]) if texts else None
    setup_s = time.process_time() - t0
    published = "2016-10-15"
    dates = [_dates.extract_dates(t, published, "day", s) for t, s in zip(texts, sents)]
    atts = [_attributions.extract_attributions(t, s, _actors.extract_actors(t, s)) for t, s in zip(texts, sents)]

    def best(fn: Callable[[int], object]) -> float:
        # CPU time of this process: other jobs on a shared machine inflate wall time.
        times = []
        for _ in range(repeat):
            _tagger._LAST.clear()
            t0 = time.process_time()
            for i in range(len(texts)):
                fn(i)
            times.append(time.process_time() - t0)
        return 1000 * min(times) / max(1, len(texts))

    def attributions(i: int) -> object:
        _tagger._LAST.clear()  # no memo carried over between passes
        return _attributions.extract_attributions(texts[i], sents[i], _actors.extract_actors(texts[i], sents[i]))

    attr_ms = best(attributions)
    date_ms = best(lambda i: _dates.extract_dates(texts[i], published, "day", sents[i]))
    fig_ms = best(lambda i: _figures.extract_figures(texts[i], sents[i], dates[i], atts[i], published))
    both = date_ms + fig_ms
    return {
        "articles": len(texts),
        "attributions_ms": round(attr_ms, 3),
        "dates_ms": round(date_ms, 3),
        "figures_ms": round(fig_ms, 3),
        "dates_plus_figures_ms": round(both, 3),
        "ratio": round(attr_ms / both, 3) if both else float("inf"),
        "model_load_s": round(setup_s, 3),
        "jit_warm_up_s": round(jit_s, 3),
        "compiled_kernels": bool(_decoder.USE_JIT),
    }


def abp_texts(n: int, path: Path = REPO.parent / "shared" / "data" / "abp" / "abp_articles.jsonl.gz") -> list[str]:
    """The first ``n`` non-empty article texts of the ABP corpus (general news, 491 outlets)."""
    import gzip

    out: list[str] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line).get("content_original") or ""
            if text.strip():
                out.append(text)
            if len(out) >= n:
                break
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print the metrics as JSON."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_POLNEAR)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--speed", action="store_true", help="also compare cost with dates + figures")
    ap.add_argument("--abp", type=int, default=0, metavar="N",
                    help="also time the stages on the first N ABP articles (../shared/data/abp)")
    args = ap.parse_args(argv)
    res = evaluate(args.data / args.split, limit=args.limit)
    if args.speed:
        res["speed"] = speed_comparison(args.data / args.split)
    if args.abp:
        res["speed_abp"] = speed_comparison(texts=abp_texts(args.abp))
    sys.stdout.write(json.dumps(res, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
