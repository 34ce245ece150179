"""Evaluate the date extractor on TBAQ-cleaned (TempEval-3 training data, TimeML).

For each ``.tml`` document: the plain text of its ``<TEXT>`` element (tags removed, so gold
offsets index it), the document creation time (the TIMEX3 with
``functionInDocument="CREATION_TIME"``) as the publication date, and every TIMEX3 inside
``<TEXT>`` as gold.

Metrics (one-to-one matching: a predicted span never counts for two gold spans):

* ``span_strict_*``: P/R/F1 of predicted spans against all TIMEX3 (DATE, TIME, DURATION, SET),
  same start and end.
* ``span_relaxed_*``: the same with overlap.
* ``value_*`` ("value F1"): on the *target* set, gold DATE timexes whose value is a day
  (``1998-02-13``), an ISO week (``1998-W07``), a month (``1998-02``) or a year (``1998``).
  A prediction is correct when it overlaps a target and its value equals the gold value
  (weeks compared by number, so ``W7`` equals ``W07``). Recall = correct / targets;
  precision = correct / scored predictions, where scored predictions are those overlapping a
  target plus those overlapping no gold timex at all (false alarms). Predictions overlapping
  only non-target gold (a quarter, ``PRESENT_REF``, a duration) have no comparable value and
  are left out of precision, as they are from recall.

The split is fixed and does not depend on the extractor: a document is ``dev`` when the SHA-1
of its file name is even, else ``test`` (134 dev / 122 test). Develop on dev; quote test.

Usage::

    python benchmarks/eval_dates.py                  # dev and test tables
    python benchmarks/eval_dates.py --errors dev     # value errors on dev, for development

As a library: ``evaluate(split) -> dict`` and ``score(docs, predict) -> dict``.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from provenance.extract.dates import extract_dates

DEFAULT_TML = REPO.parent / "shared" / "data" / "tempeval3" / "TempEval3-train_TML"

_TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_TARGET = re.compile(r"\d{4}(?:-\d\d(?:-\d\d)?|-W\d{1,2})?")


@dataclass(frozen=True)
class Timex:
    """A gold TIMEX3 in the plain text."""

    start: int
    end: int
    type: str
    value: str


@dataclass(frozen=True)
class Doc:
    """One TimeML document reduced to plain text, creation time and gold timexes."""

    name: str
    text: str
    dct: str
    timexes: tuple[Timex, ...]


# A prediction is (start, end, value or None).
Prediction = tuple[int, int, "str | None"]


def split_of(name: str) -> str:
    """``dev`` or ``test`` for a document file name (stable, independent of the extractor)."""
    return "dev" if int(hashlib.sha1(name.encode()).hexdigest(), 16) % 2 == 0 else "test"


def parse_tml(path: Path) -> Doc:
    """Read one ``.tml`` file: plain ``<TEXT>`` content with gold offsets into it."""
    raw = path.read_text(encoding="utf-8")
    dct_m = re.search(r'<TIMEX3[^>]*functionInDocument="CREATION_TIME"[^>]*>', raw)
    dct = dict(_ATTR.findall(dct_m.group(0)))["value"] if dct_m else ""
    body = raw[raw.index("<TEXT>") + len("<TEXT>"):raw.index("</TEXT>")]
    out: list[str] = []
    pos = 0
    n = 0
    open_timex: tuple[int, dict[str, str]] | None = None
    timexes: list[Timex] = []
    for m in _TAG.finditer(body):
        chunk = html.unescape(body[pos:m.start()])
        out.append(chunk)
        n += len(chunk)
        pos = m.end()
        closing, tag, attrs = m.group(1), m.group(2), m.group(3)
        if tag != "TIMEX3":
            continue
        if not closing:
            open_timex = (n, dict(_ATTR.findall(attrs)))
        elif open_timex is not None:
            s, a = open_timex
            timexes.append(Timex(s, n, a.get("type", ""), a.get("value", "")))
            open_timex = None
    out.append(html.unescape(body[pos:]))
    return Doc(path.name, "".join(out), dct, tuple(timexes))


def load_docs(split: str = "all", tml_dir: Path | None = None) -> list[Doc]:
    """All documents of a split (``dev``, ``test`` or ``all``), sorted by file name."""
    paths = sorted(Path(tml_dir or DEFAULT_TML).glob("*.tml"))
    return [parse_tml(p) for p in paths if split == "all" or split_of(p.name) == split]


def is_target(t: Timex) -> bool:
    """A DATE whose gold value is a day, week, month or year."""
    return t.type == "DATE" and _TARGET.fullmatch(t.value) is not None


def same_value(pred: str | None, gold: str) -> bool:
    """Values agree; ISO weeks compare by number (TimeML writes both ``W7`` and ``W07``)."""
    if pred is None:
        return False
    if "-W" in pred and "-W" in gold:
        (py, pw), (gy, gw) = pred.split("-W"), gold.split("-W")
        return py == gy and pw.isdigit() and gw.isdigit() and int(pw) == int(gw)
    return pred == gold


def _overlap(a0: int, a1: int, b0: int, b1: int) -> bool:
    """Spans share at least one character."""
    return a0 < b1 and b0 < a1


def _match(
    preds: list[Prediction], golds: list[Timex], ok: Callable[[Prediction, Timex], bool]
) -> list[tuple[int, int]]:
    """Greedy one-to-one matching in text order (mentions do not nest, so greedy is exact enough)."""
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            if j not in used and ok(p, g):
                used.add(j)
                pairs.append((i, j))
                break
    return pairs


def _prf(tp_p: int, n_p: int, tp_g: int, n_g: int) -> tuple[float, float, float]:
    """Precision, recall, F1."""
    p = tp_p / n_p if n_p else 0.0
    r = tp_g / n_g if n_g else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(
    docs: Iterable[Doc],
    predict: Callable[[Doc], list[Prediction]],
    errors: list[str] | None = None,
) -> dict[str, float]:
    """Score a predictor over documents (the same code scores ours and dateparser's).

    Args:
        docs: Parsed documents.
        predict: Returns (start, end, value) predictions for a document.
        errors: When given, value errors are appended as readable lines.

    Returns:
        Metric name -> value (P/R/F1 for strict and relaxed spans and for values, and counts).
    """
    c = dict.fromkeys(
        ["pred", "gold", "strict", "relaxed", "targets", "scored", "correct", "target_found", "docs"], 0
    )
    for doc in docs:
        preds = sorted(predict(doc))
        golds = list(doc.timexes)
        c["docs"] += 1
        c["pred"] += len(preds)
        c["gold"] += len(golds)
        c["strict"] += len(_match(preds, golds, lambda p, g: (p[0], p[1]) == (g.start, g.end)))
        c["relaxed"] += len(_match(preds, golds, lambda p, g: _overlap(p[0], p[1], g.start, g.end)))
        targets = [g for g in golds if is_target(g)]
        c["targets"] += len(targets)
        others = [g for g in golds if not is_target(g)]
        scored = [
            p for p in preds
            if any(_overlap(p[0], p[1], g.start, g.end) for g in targets)
            or not any(_overlap(p[0], p[1], g.start, g.end) for g in others)
        ]
        c["scored"] += len(scored)
        found = _match(scored, targets, lambda p, g: _overlap(p[0], p[1], g.start, g.end))
        c["target_found"] += len(found)
        good = _match(
            scored, targets, lambda p, g: _overlap(p[0], p[1], g.start, g.end) and same_value(p[2], g.value)
        )
        c["correct"] += len(good)
        if errors is not None:
            good_p = {i for i, _ in good}
            good_g = {j for _, j in good}
            for i, p in enumerate(scored):
                if i not in good_p:
                    gs = [g for g in targets if _overlap(p[0], p[1], g.start, g.end)]
                    gold = f"{gs[0].value} {doc.text[gs[0].start:gs[0].end]!r}" if gs else "-"
                    ctx = doc.text[max(0, p[0] - 60):p[1] + 30].replace("\n", " ")
                    errors.append(
                        f"{doc.name}\tFP\t{doc.text[p[0]:p[1]]!r}\t{p[2]}\tgold={gold}\t{ctx!r}\tdct={doc.dct}"
                    )
            for j, g in enumerate(targets):
                if j not in good_g and not any(_overlap(p[0], p[1], g.start, g.end) for p in scored):
                    ctx = doc.text[max(0, g.start - 60):g.end + 30].replace("\n", " ")
                    errors.append(f"{doc.name}\tFN\t{doc.text[g.start:g.end]!r}\t{g.value}\t{ctx!r}\tdct={doc.dct}")
    m: dict[str, float] = {}
    for name, tp in (("span_strict", c["strict"]), ("span_relaxed", c["relaxed"])):
        m[name + "_p"], m[name + "_r"], m[name + "_f1"] = _prf(tp, c["pred"], tp, c["gold"])
    m["value_p"], m["value_r"], m["value_f1"] = _prf(c["correct"], c["scored"], c["correct"], c["targets"])
    m["target_recall"] = c["target_found"] / c["targets"] if c["targets"] else 0.0
    m.update({f"n_{k}": float(v) for k, v in c.items()})
    return m


def predict_ours(doc: Doc) -> list[Prediction]:
    """Our extractor with the creation time as publication date (datelines included: TBAQ
    annotates most of them)."""
    precision = "time" if "T" in doc.dct else "day"
    return [(d.start, d.end, d.value) for d in extract_dates(doc.text, doc.dct or None, precision)]


def evaluate(split: str = "dev", tml_dir: Path | None = None) -> dict[str, float]:
    """Evaluate our extractor on a split.

    Args:
        split: ``dev``, ``test`` or ``all``.
        tml_dir: Folder of ``.tml`` files (defaults to ../shared/data/tempeval3/...).

    Returns:
        Metric name -> value, as :func:`score`.
    """
    return score(load_docs(split, tml_dir), predict_ours)


METRICS = [
    ("span strict P/R/F1", "span_strict"),
    ("span relaxed P/R/F1", "span_relaxed"),
    ("value P/R/F1 (DATE day/week/month/year)", "value"),
]


def table(results: dict[str, dict[str, float]]) -> str:
    """Markdown table of the metrics for several splits."""
    names = list(results)
    lines = ["| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for label, key in METRICS:
        cells = [
            "{:.3f} / {:.3f} / **{:.3f}**".format(r[key + "_p"], r[key + "_r"], r[key + "_f1"])
            for r in results.values()
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("| documents / gold timexes / value targets | " + " | ".join(
        f"{int(r['n_docs'])} / {int(r['n_gold'])} / {int(r['n_targets'])}" for r in results.values()) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: print the metrics table (and optionally value errors)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tml", type=Path, default=DEFAULT_TML)
    ap.add_argument("--errors", choices=["dev", "test", "all"], help="print value errors of a split")
    args = ap.parse_args(argv)
    if args.errors:
        errs: list[str] = []
        score(load_docs(args.errors, args.tml), predict_ours, errs)
        print("\n".join(errs))
        return 0
    results = {s: evaluate(s, args.tml) for s in ("dev", "test", "all")}
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
