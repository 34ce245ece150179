"""Speed: our figure extraction vs quantulum3's parser, article by article (issue 3).

Both run on the same articles in one process, interleaved (ours, then quantulum3's, article
by article) so that load from other processes falls on both alike. Times are CPU time of this
process (``time.process_time``), which a busy shared machine disturbs far less than wall time;
wall time is reported too. "Ours" is the whole figure stage as the pipeline runs it:
sentence splitting plus ``extract_figures``.

Usage::

    python benchmarks/bench_figures.py                       # first 2,000 ABP articles
    python benchmarks/bench_figures.py --limit 200 --out /tmp/bench.jsonl

Needs ``pip install quantulum3`` (in the ``dev`` extra). Prints a Markdown table for
docs/figures.md; ``--out`` also streams one JSON line per article, so a long run can be
inspected while it goes.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from provenance.extract.figures import extract_figures
from provenance.extract.sentences import split_sentences

ABP = REPO.parent / "shared" / "data" / "abp" / "abp_articles.jsonl.gz"


def articles(path: Path, limit: int) -> Iterator[str]:
    """The ``content_original`` of the first ``limit`` ABP articles."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in itertools.islice(fh, limit):
            yield json.loads(line).get("content_original") or ""


def ours(text: str) -> int:
    """The pipeline's figure stage on one article; returns the number of figures."""
    return len(extract_figures(text, split_sentences(text), [], [], None))


def main(argv: list[str] | None = None) -> int:
    """Run the side-by-side benchmark and print a Markdown summary."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ABP)
    ap.add_argument("--limit", type=int, default=2000)
    ap.add_argument("--out", type=Path, default=None, help="stream per-article results (JSONL)")
    a = ap.parse_args(argv)
    warnings.filterwarnings("ignore")  # quantulum3 warns that its optional classifier is absent
    from quantulum3 import parser as q3

    texts = list(articles(a.data, a.limit))
    ours(texts[0])
    q3.parse(texts[0][:200])  # warm both up (lexicon loading, regex compilation)
    rows = []
    out = a.out.open("w", encoding="utf-8") if a.out else None
    wall0 = time.perf_counter()
    for i, text in enumerate(texts):
        c0, w0 = time.process_time(), time.perf_counter()
        n_ours = ours(text)
        c1, w1 = time.process_time(), time.perf_counter()
        n_q3 = len(q3.parse(text))
        c2, w2 = time.process_time(), time.perf_counter()
        row = {"i": i, "chars": len(text), "ours_cpu": c1 - c0, "q3_cpu": c2 - c1,
               "ours_wall": w1 - w0, "q3_wall": w2 - w1, "ours_n": n_ours, "q3_n": n_q3}
        rows.append(row)
        if out:
            out.write(json.dumps(row) + "\n")
            out.flush()
    if out:
        out.close()
    total = time.perf_counter() - wall0
    oc = sum(r["ours_cpu"] for r in rows)
    qc = sum(r["q3_cpu"] for r in rows)
    ow = sum(r["ours_wall"] for r in rows)
    qw = sum(r["q3_wall"] for r in rows)
    ratios = [r["q3_wall"] / r["ours_wall"] for r in rows if r["ours_wall"] > 0 and r["chars"]]
    n = len(rows)
    lines = [
        f"Command: `python benchmarks/bench_figures.py --limit {a.limit}`  ",
        (
            f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {platform.machine()}, "
            f"{platform.processor() or platform.system()}, Python {platform.python_version()}, "
            f"{_cpus()} CPUs shared with other jobs; run took {total:.0f} s wall."
        ),
        "",
        "| | ours (split + extract_figures) | quantulum3 `parser.parse` | ratio |",
        "|---|---|---|---|",
        f"| articles | {n} | {n} | |",
        f"| CPU time, total | {oc:.2f} s | {qc:.2f} s | {qc / oc:.0f}x |",
        f"| CPU time per article, mean | {oc / n * 1000:.2f} ms | {qc / n * 1000:.1f} ms | {qc / oc:.0f}x |",
        f"| wall time per article, mean | {ow / n * 1000:.2f} ms | {qw / n * 1000:.1f} ms | {qw / ow:.0f}x |",
        (
            f"| wall time per article, median | {statistics.median(r['ours_wall'] for r in rows) * 1000:.2f} ms "
            f"| {statistics.median(r['q3_wall'] for r in rows) * 1000:.1f} ms "
            f"| per-article ratio median {statistics.median(ratios):.0f}x |"
        ),
        (
            f"| numbers found | {sum(r['ours_n'] for r in rows)} figures | "
            f"{sum(r['q3_n'] for r in rows)} quantities | |"
        ),
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _cpus() -> int:
    """CPU count (for the machine line)."""
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    raise SystemExit(main())
