"""Train the attribution tagger on PolNeAR's train split.

Writes two files that are committed with the package:

* ``provenance/extract/lexicon/cues.tsv``: the cue lexicon (words that head attribution cues
  in train often enough, plus the hand-listed cues of ``lexicon/cues_manual.tsv``);
* ``provenance/extract/models/attributions.crfsuite.xz``: a linear-chain CRF (xz-compressed) over paragraph
  tokens (features in ``provenance/extract/attribution_tagger.py``).

The features read ``lexicon/word_clusters.tsv`` (distributional word clusters, built by
``scripts/build_word_clusters.py`` from ABP news and PolNeAR train text); run that first when
the file is missing or the clusters change.

Data: ../shared/data/polnear/data/train (PolNeAR v1.0.0, 7 US outlets, Nov 2015 - Sep 2016,
BRAT Source/Cue/Content). Dev is never read here. Single process; a few minutes on 2 cores.

Usage::

    python scripts/train_attributions.py [--data DIR] [--c1 1.0] [--c2 0.01] [--iterations 150]
"""

from __future__ import annotations

import argparse
import logging
import lzma
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from eval_attributions import DEFAULT_POLNEAR, Document, load_split

from provenance.extract import attribution_tagger as at
from provenance.extract.sentences import split_sentences

LEXICON = REPO / "provenance" / "extract" / "lexicon"
MODELS = REPO / "provenance" / "extract" / "models"
log = logging.getLogger("train_attributions")

# Words too common to be cue evidence on their own even when they sit inside cue spans.
_STOP = frozenset([
    "the", "a", "an", "to", "of", "in", "on", "at", "for", "by", "with", "and", "or", "but",
    "that", "this", "is", "was", "be", "been", "has", "have", "had", "not", "it", "he", "she",
    "they", "we", "i", "you", "his", "her", "their", "its", "as", "from", "also", ":", ",",
    ".", "-", "—", "–", "“", "”", '"', "'", "’", "would", "will", "can", "could", "should",
    "may", "might", "do", "does", "did", "about", "into", "over", "after", "up", "out",
    "than", "so", "if", "no", "his", "what", "who", "which", "when", "there", "them", "him",
    "us", "our", "my", "your"
])


def build_cue_lexicon(docs: list[Document], *, min_count: int = 3, min_ratio: float = 0.04) -> list[tuple[str, int, int, int]]:
    """Words inside gold cue spans: (word, times in a cue, occurrences, hedged), most frequent first."""
    in_cue: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for d in docs:
        cue_chars = set()
        for g in d.gold:
            for a, b in g.cue:
                cue_chars.update(range(a, b))
        for a, b in at.tokenize(d.text):
            w = d.text[a:b].lower().replace("’", "'")
            total[w] += 1
            if a in cue_chars:
                in_cue[w] += 1
    manual = {}
    for line in (LEXICON / "cues_manual.tsv").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#") and not line.startswith("word\t"):
            w, hedged = (line.split("\t") + ["0"])[:2]
            manual[w] = int(hedged)
    rows = []
    for w, c in in_cue.most_common():
        if w in _STOP or not any(ch.isalpha() for ch in w):
            continue
        if c >= min_count and c / total[w] >= min_ratio:
            rows.append((w, c, total[w], manual.get(w, 0)))
    have = {r[0] for r in rows}
    for w, h in manual.items():
        if w not in have:
            rows.append((w, in_cue.get(w, 0), total.get(w, 0), h))
    return rows


def labels_for(doc: Document, toks: list[tuple[int, int]]) -> list[str]:
    """BIO labels of tokens from the gold spans (a token takes the role of the span it starts in)."""
    role_at: dict[int, tuple[str, int]] = {}
    for k, g in enumerate(doc.gold):
        for typ, ranges in (("SRC", g.source), ("CUE", g.cue), ("CON", g.content)):
            for j, (a, b) in enumerate(ranges):
                for i in range(a, b):
                    role_at[i] = (typ, k * 1000 + j)
    out = []
    prev: tuple[str, int] | None = None
    for a, b in toks:
        r = None
        for i in range(a, b):
            if i in role_at:
                r = role_at[i]
                break
        if r is None:
            out.append("O")
        else:
            out.append(("I-" if prev == r else "B-") + r[0])
        prev = r
    return out


def main(argv: list[str] | None = None) -> int:
    """Build the cue lexicon, then train and write the CRF."""
    import pycrfsuite

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_POLNEAR)
    ap.add_argument("--c1", type=float, default=1.0)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--iterations", type=int, default=150)
    ap.add_argument("--minfreq", type=float, default=3)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--out", type=Path, default=MODELS / at.MODEL_NAME)
    ap.add_argument("--no-clusters", action="store_true", help="train without the word-cluster features")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    at.USE_CLUSTERS = not args.no_clusters
    docs = load_split(args.data / "train", args.limit)
    log.info("train: %d articles, %d attributions", len(docs), sum(len(d.gold) for d in docs))
    rows = build_cue_lexicon(docs)
    with open(LEXICON / "cues.tsv", "w", encoding="utf-8") as fh:
        fh.write("# Cue lexicon: words heading attribution cues. Generated by scripts/train_attributions.py\n")
        fh.write("# from PolNeAR train (count = times inside a gold cue) plus lexicon/cues_manual.tsv.\n")
        fh.write("word\tcount\ttotal\thedged\n")
        fh.writelines(f"{w}\t{c}\t{t}\t{h}\n" for w, c, t, h in rows)
    at.cue_lexicon.cache_clear()
    at.cue_table.cache_clear()
    at._static.cache_clear()
    log.info("cue lexicon: %d words", len(rows))

    trainer = pycrfsuite.Trainer(verbose=False)
    n_tok = 0
    for d in docs:
        for toks, feats, _ in at.paragraph_sequences(d.text, split_sentences(d.text)):
            if toks:
                trainer.append(feats, labels_for(d, toks))
                n_tok += len(toks)
    log.info("tokens: %d", n_tok)
    trainer.set_params({
        "c1": args.c1, "c2": args.c2, "max_iterations": args.iterations,
        "feature.possible_transitions": True, "feature.minfreq": args.minfreq,
    })
    t0 = time.time()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    raw = args.out.with_suffix("") if args.out.suffix == ".xz" else args.out
    trainer.train(str(raw))
    if args.out.suffix == ".xz":
        args.out.write_bytes(lzma.compress(raw.read_bytes(), preset=9))
        raw.unlink()
    log.info("trained in %.0f s -> %s (%.1f MB)", time.time() - t0, args.out, args.out.stat().st_size / 1e6)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
