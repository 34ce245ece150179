"""Evaluate the figure extractor on the hand-annotated gold set (issue 3).

The gold set (``tests/gold/figures/gold.jsonl``) holds references and labels only: the data
file under ../shared/data, the 0-based data row, a sha1 of the sentence cell, the split and,
per figure, offsets into the cell and the labels (value, low, high, qualifier, metric, counted,
unit, source). Sentences are read from ../shared/data at run time; a checksum mismatch is an
error, never a silent skip.

Measures (greedy one-to-one matching of predicted to gold figures by character overlap):

* detection P/R/F1: a predicted figure overlapping a gold figure;
* strict P/R/F1: exact span, value, low, high, qualifier and metric all right;
* strict F1 on killed/injured/hostage figures (gold or predicted metric in that set);
* source accuracy over detected figures: both null, or both present and the same actor
  (overlapping source spans in the sentence, or equal canonical names).

Usage::

    python benchmarks/eval_figures.py --split test          # the reported numbers
    python benchmarks/eval_figures.py --split dev --errors  # what to work on
    python benchmarks/eval_figures.py --no-attributions     # the figures.py fallback alone
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from provenance.extract import actors as _actors
from provenance.extract import attributions as _attributions
from provenance.extract import dates as _dates
from provenance.extract.figures import extract_figures
from provenance.extract.sentences import split_sentences
from provenance.models import Figure

GOLD = REPO / "tests" / "gold" / "figures" / "gold.jsonl"
DEFAULT_DATA = REPO.parent / "shared" / "data"
KIH = frozenset({"killed", "injured", "hostage"})
TEXT_COLUMNS = ("sentence", "claim", "text")
DATE_COLUMNS = ("article_date",)


class GoldError(RuntimeError):
    """A gold reference does not resolve to the sentence it was annotated on."""


@dataclass(frozen=True)
class GoldItem:
    """One annotated sentence: where it lives, its text, and its gold figures."""

    file: str
    row: int
    split: str
    stratum: str
    text: str
    published: str | None
    figures: list[dict[str, Any]]


@lru_cache(maxsize=16)
def _table(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV file (read once)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _iso(date: str | None) -> str | None:
    """ISO date from the casualty-mentions ``article_date`` (M/D/YYYY), else None."""
    if not date:
        return None
    try:
        return datetime.strptime(date.strip(), "%m/%d/%Y").date().isoformat()
    except ValueError:
        return None


def load_gold(data_dir: Path | None = None, gold: Path = GOLD, split: str = "all") -> list[GoldItem]:
    """Resolve the gold references against the shared data folder.

    Args:
        data_dir: The ../shared/data folder.
        gold: The gold JSONL file.
        split: ``dev``, ``test`` or ``all``.

    Returns:
        Gold items with their sentence text.

    Raises:
        GoldError: A file, row or column is missing, or a sentence's sha1 does not match.
    """
    data_dir = data_dir or DEFAULT_DATA
    out: list[GoldItem] = []
    with gold.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            ref = json.loads(line)
            if split != "all" and ref["split"] != split:
                continue
            path = data_dir / ref["file"]
            if not path.exists():
                raise GoldError(f"gold line {n}: {path} not found. Is ../shared/data complete?")
            header, rows = _table(path)
            col = next((header.index(c) for c in TEXT_COLUMNS if c in header), None)
            if col is None or ref["row"] >= len(rows):
                raise GoldError(f"gold line {n}: no text cell at row {ref['row']} of {path}")
            text = rows[ref["row"]][col]
            digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
            if digest != ref["sha1"]:
                raise GoldError(
                    f"gold line {n}: checksum mismatch for {ref['file']} row {ref['row']} "
                    f"(expected {ref['sha1']}, found {digest}). The data changed; re-annotate this row."
                )
            dcol = next((header.index(c) for c in DATE_COLUMNS if c in header), None)
            published = _iso(rows[ref["row"]][dcol]) if dcol is not None else None
            out.append(GoldItem(ref["file"], ref["row"], ref["split"], ref["stratum"], text, published, ref["figures"]))
    return out


def predict(text: str, published: str | None, use_attributions: bool = True) -> list[Figure]:
    """Run the extract pipeline up to figures on one sentence cell."""
    sentences = split_sentences(text)
    dates = _dates.extract_dates(text, published, "day", sentences)
    attributions = []
    if use_attributions:
        actors = _actors.extract_actors(text, sentences)
        attributions = _attributions.extract_attributions(text, sentences, actors)
    return extract_figures(text, sentences, dates, attributions, published)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters two spans share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match(gold: list[dict[str, Any]], pred: list[Figure]) -> list[tuple[int, int]]:
    """Greedy one-to-one matching by overlap, largest overlap first."""
    pairs = sorted(
        ((_overlap((g["start"], g["end"]), (p.start, p.end)), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)),
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for ov, i, j in pairs:
        if ov <= 0:
            break
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        out.append((i, j))
    return out


def _same(a: float | None, b: float | None) -> bool:
    """Equal numbers (or both None)."""
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6


def strict_ok(g: dict[str, Any], p: Figure) -> bool:
    """Span, interval, qualifier and metric all right."""
    return (
        g["start"] == p.start
        and g["end"] == p.end
        and _same(g["value"], p.value)
        and _same(g["low"], p.low)
        and _same(g["high"], p.high)
        and g["qualifier"] == p.qualifier
        and g["metric"] == p.metric
    )


def source_ok(g: dict[str, Any], p: Figure) -> bool:
    """Same source: both null, or the same actor (overlapping spans or equal canonical names)."""
    gs, ps = g.get("source"), p.source
    if gs is None or ps is None:
        return gs is None and ps is None
    if _overlap((gs["start"], gs["end"]), (ps.start, ps.end)) > 0:
        return True
    gc, pc = (gs.get("canonical") or "").casefold(), (ps.canonical or "").casefold()
    return bool(gc) and gc == pc


def _prf(tp: int, npred: int, ngold: int) -> dict[str, float]:
    """Precision, recall and F1."""
    p = tp / npred if npred else 1.0
    r = tp / ngold if ngold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def evaluate(
    split: str = "test",
    data_dir: Path | None = None,
    use_attributions: bool = True,
    errors: list[dict[str, Any]] | None = None,
    gold: Path = GOLD,
    stratum: str | None = None,
) -> dict[str, Any]:
    """Score the extractor on a split of the gold set.

    Args:
        split: ``dev``, ``test`` or ``all``.
        data_dir: The ../shared/data folder.
        use_attributions: Feed the attribution extractor's output to figures (the pipeline);
            False measures the figures.py fallback alone.
        errors: When given, every mismatch is appended to it (for ``--errors``).
        gold: The gold file.
        stratum: Only sentences of this stratum (casualty, negative, quantemp, blind).

    Returns:
        ``{"sentences", "gold", "pred", "detection", "strict", "strict_kih", "source_accuracy",
        "source_accuracy_kih", "by_file"}``; each P/R/F1 block has precision, recall, f1.
    """
    items = [it for it in load_gold(data_dir, gold, split) if stratum is None or it.stratum == stratum]
    c: Counter[str] = Counter()
    by_file: dict[str, Counter[str]] = {}
    for it in items:
        pred = predict(it.text, it.published, use_attributions)
        gold = it.figures
        pairs = match(gold, pred)
        fc = by_file.setdefault(Path(it.file).stem, Counter())
        c["gold"] += len(gold)
        c["pred"] += len(pred)
        c["det_tp"] += len(pairs)
        fc["gold"] += len(gold)
        fc["pred"] += len(pred)
        fc["det_tp"] += len(pairs)
        c["gold_kih"] += sum(g["metric"] in KIH for g in gold)
        c["pred_kih"] += sum(p.metric in KIH for p in pred)
        matched_g = {i for i, _ in pairs}
        matched_p = {j for _, j in pairs}
        for i, j in pairs:
            g, p = gold[i], pred[j]
            s_ok = strict_ok(g, p)
            c["strict_tp"] += s_ok
            fc["strict_tp"] += s_ok
            if s_ok and g["metric"] in KIH:
                c["strict_kih_tp"] += 1
            src = source_ok(g, p)
            c["src_n"] += 1
            c["src_ok"] += src
            fc["src_n"] += 1
            fc["src_ok"] += src
            if g["metric"] in KIH:
                c["src_kih_n"] += 1
                c["src_kih_ok"] += src
            if errors is not None and not (s_ok and src):
                errors.append({"item": it, "gold": g, "pred": p, "strict": s_ok, "source": src})
        if errors is not None:
            errors.extend({"item": it, "gold": gold[i], "pred": None} for i in range(len(gold)) if i not in matched_g)
            errors.extend({"item": it, "gold": None, "pred": pred[j]} for j in range(len(pred)) if j not in matched_p)
    return {
        "split": split,
        "stratum": stratum,
        "attributions": use_attributions,
        "sentences": len(items),
        "gold": c["gold"],
        "pred": c["pred"],
        "detection": _prf(c["det_tp"], c["pred"], c["gold"]),
        "strict": _prf(c["strict_tp"], c["pred"], c["gold"]),
        "strict_kih": _prf(c["strict_kih_tp"], c["pred_kih"], c["gold_kih"]),
        "source_accuracy": round(c["src_ok"] / c["src_n"], 4) if c["src_n"] else 1.0,
        "source_accuracy_kih": round(c["src_kih_ok"] / c["src_kih_n"], 4) if c["src_kih_n"] else 1.0,
        "by_file": {
            k: {
                "gold": v["gold"],
                "detection_f1": _prf(v["det_tp"], v["pred"], v["gold"])["f1"],
                "strict_f1": _prf(v["strict_tp"], v["pred"], v["gold"])["f1"],
                "source_accuracy": round(v["src_ok"] / v["src_n"], 4) if v["src_n"] else 1.0,
            }
            for k, v in sorted(by_file.items())
        },
    }


def _fmt_fig(text: str, f: dict[str, Any] | Figure | None) -> str:
    """One figure on one line, for the error listing."""
    if f is None:
        return "-"
    if isinstance(f, Figure):
        src = f"{text[f.source.start:f.source.end]!r}" if f.source else "null"
        return f"[{text[f.start:f.end]!r}] {f.qualifier} v={f.value} lo={f.low} hi={f.high} {f.metric} src={src}"
    s = f.get("source")
    src = f"{text[s['start']:s['end']]!r}" if s else "null"
    return (
        f"[{text[f['start']:f['end']]!r}] {f['qualifier']} v={f['value']} lo={f['low']} hi={f['high']} "
        f"{f['metric']} src={src}"
    )


def _report(m: dict[str, Any]) -> Iterator[str]:
    """Lines of the printed report."""
    yield f"split={m['split']} stratum={m['stratum'] or 'all'} sentences={m['sentences']} gold={m['gold']} pred={m['pred']} attributions={m['attributions']}"
    for key in ("detection", "strict", "strict_kih"):
        v = m[key]
        yield f"  {key:<11} P={v['precision']:.3f} R={v['recall']:.3f} F1={v['f1']:.3f}"
    yield f"  source accuracy {m['source_accuracy']:.3f} (killed/injured/hostage {m['source_accuracy_kih']:.3f})"
    for k, v in m["by_file"].items():
        yield f"    {k:<40} gold={v['gold']:<4} det F1={v['detection_f1']:.3f} strict F1={v['strict_f1']:.3f} src={v['source_accuracy']:.3f}"


def main(argv: Iterable[str] | None = None) -> int:
    """Command line: print the measures (and optionally the errors) for a split."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="test", choices=("dev", "test", "all"))
    ap.add_argument("--data", type=Path, default=None, help="the ../shared/data folder")
    ap.add_argument("--no-attributions", action="store_true", help="figures.py fallback sources only")
    ap.add_argument("--errors", action="store_true", help="list every mismatch (prints data text to the terminal)")
    ap.add_argument("--json", action="store_true", help="print the metrics as JSON")
    ap.add_argument("--gold", type=Path, default=GOLD, help="gold file (default: tests/gold/figures/gold.jsonl)")
    ap.add_argument("--stratum", default=None, help="only this stratum: casualty, negative, quantemp, blind")
    a = ap.parse_args(list(argv) if argv is not None else None)
    errs: list[dict[str, Any]] | None = [] if a.errors else None
    m = evaluate(a.split, a.data, not a.no_attributions, errs, a.gold, a.stratum)
    if a.json:
        sys.stdout.write(json.dumps(m, indent=2) + "\n")
    else:
        sys.stdout.write("\n".join(_report(m)) + "\n")
    for e in errs or []:
        it: GoldItem = e["item"]
        kind = "MISS" if e["pred"] is None else "FALSE" if e["gold"] is None else ("SRC" if e["strict"] else "STRICT")
        sys.stdout.write(
            f"\n{kind} {Path(it.file).stem}#{it.row}: {' '.join(it.text.split())[:400]}\n"
            f"   gold {_fmt_fig(it.text, e['gold'])}\n   pred {_fmt_fig(it.text, e['pred'])}\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
