"""Our extraction against naive use of the libraries, side by side on the same ABP articles.

Naive: per article, ``dateparser.search.search_dates(text)`` for dates and
``quantulum3.parser.parse(text)`` for figures (what a first attempt would do). A second naive
variant gives dateparser the language (``languages=["en"]``), a favour to the naive side:
without it dateparser detects the language of every text first, ten times slower.

Ours: the whole ``extract_rows`` (sentences, dates, CRF tagger, actors, attributions, figures
and the table rows), which does more than the naive pair.

Both sides are timed in CPU seconds of this one process (the machine is shared, so wall time
depends on other users; CPU time does not). The naive side is slow, so it is timed on every
``--stride``-th of the first ``--articles`` unique articles (documented in the results); ours
is timed on all of them and on that same subsample, and the ratio is taken on the subsample.

Usage:
    python benchmarks/bench_naive.py                    # 2,000 articles, naive on every 10th
    python benchmarks/bench_naive.py --stride 1         # naive on all 2,000 (slow)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ABP, command, load, machine, now, write_section


def first_articles(path: Path, n: int) -> list[Any]:
    """The first ``n`` unique articles of ``path``."""
    from provenance.ingest import iter_ingest
    from provenance.models import Article

    seen: set[str] = set()
    out = []
    for item in iter_ingest([str(path)]):
        if isinstance(item, Article) and item.article_id not in seen:
            seen.add(item.article_id)
            out.append(item)
            if len(out) >= n:
                break
    return out


def cpu_time(fn: Any, items: list[Any]) -> tuple[float, float, int]:
    """(CPU s, wall s, results found) of ``fn`` over ``items``."""
    found = 0
    c0, w0 = time.process_time(), time.perf_counter()
    for x in items:
        found += fn(x)
    return time.process_time() - c0, time.perf_counter() - w0, found


def main(argv: list[str] | None = None) -> int:
    """Time both sides and write the RESULTS.md section."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", type=Path, default=ABP)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--stride", type=int, default=10, help="naive side on every Nth article (1 = all)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--no-results", action="store_true")
    args = ap.parse_args(argv)

    from dateparser.search import search_dates
    from quantulum3 import parser as qparser

    from provenance.engine.local import extract_rows

    arts = first_articles(args.input, args.articles)
    sub = arts[:: args.stride]

    def ours(a: Any) -> int:
        rows = extract_rows(a)
        return len(rows["dates"]) + len(rows["figures"])

    def naive_dates(a: Any) -> int:
        return len(search_dates(a.text) or [])

    def naive_dates_en(a: Any) -> int:
        return len(search_dates(a.text, languages=["en"]) or [])

    def naive_quantities(a: Any) -> int:
        return len(qparser.parse(a.text))

    warnings.filterwarnings("ignore")
    ours(arts[0]), naive_dates(arts[0]), naive_quantities(arts[0])  # load models and lexicons first
    load0 = load()
    ours_all = cpu_time(ours, arts)
    ours_sub = cpu_time(ours, sub)
    nd = cpu_time(naive_dates, sub)
    nde = cpu_time(naive_dates_en, sub)
    nq = cpu_time(naive_quantities, sub)
    load1 = load()
    naive_cpu = nd[0] + nq[0]
    naive_en_cpu = nde[0] + nq[0]
    ratio = naive_cpu / ours_sub[0] if ours_sub[0] else float("inf")
    ratio_en = naive_en_cpu / ours_sub[0] if ours_sub[0] else float("inf")
    chars = sum(len(a.text) for a in sub) / len(sub)
    res = {
        "articles": len(arts), "subsample": len(sub), "stride": args.stride, "mean_chars_subsample": chars,
        "ours_all_cpu_s": ours_all[0], "ours_all_wall_s": ours_all[1], "ours_sub_cpu_s": ours_sub[0],
        "ours_sub_found": ours_sub[2], "naive_dates_cpu_s": nd[0], "naive_dates_found": nd[2],
        "naive_dates_en_cpu_s": nde[0], "naive_dates_en_found": nde[2],
        "naive_quantities_cpu_s": nq[0], "naive_quantities_found": nq[2], "ratio": ratio, "ratio_en": ratio_en,
        "load_start": load0, "load_end": load1,
    }
    print(json.dumps(res), file=sys.stderr)
    ms = lambda s, n: f"{1000 * s / n:,.1f}"
    body = "\n".join([
        "## Ours against naive library use (`bench_naive.py`)",
        "",
        f"- command: `{command()}`",
        f"- machine: {machine()}",
        f"- date: {now()}; load average at start {load0}, at end {load1}",
        (f"- articles: the first {len(arts):,} unique ABP articles; the naive side on every {args.stride}th of them "
        f"({len(sub):,} articles, mean {chars:,.0f} characters), ours on all and on the same {len(sub):,}"),
        "- CPU seconds of one process (independent of other users' load)",
        "",
        "| side | articles | CPU s | ms/article | found |",
        "|---|---|---|---|---|",
        (f"| ours: whole extraction (dates, figures, attributions, actors, rows) | {len(arts):,} | {ours_all[0]:.1f} | "
        f"{ms(ours_all[0], len(arts))} | - |"),
        (f"| ours: same subsample | {len(sub):,} | {ours_sub[0]:.1f} | {ms(ours_sub[0], len(sub))} | "
        f"{ours_sub[2]:,} dates + figures |"),
        (f"| naive: dateparser.search.search_dates(text) | {len(sub):,} | {nd[0]:.1f} | "
        f"{ms(nd[0], len(sub))} | {nd[2]:,} date strings |"),
        (f"| naive, favoured: search_dates(text, languages=['en']) | {len(sub):,} | {nde[0]:.1f} | "
        f"{ms(nde[0], len(sub))} | {nde[2]:,} date strings |"),
        (f"| naive: quantulum3.parser.parse(text) | {len(sub):,} | {nq[0]:.1f} | {ms(nq[0], len(sub))} | "
        f"{nq[2]:,} quantities |"),
        f"| naive: search_dates + quantulum3 | {len(sub):,} | {naive_cpu:.1f} | {ms(naive_cpu, len(sub))} | |",
        (f"| naive, favoured: search_dates(en) + quantulum3 | {len(sub):,} | {naive_en_cpu:.1f} | "
        f"{ms(naive_en_cpu, len(sub))} | |"),
        "",
        (f"**Ratio (naive CPU / ours CPU on the same {len(sub):,} articles): {ratio:,.0f}x** (target >= 100x); "
        f"with the language given to dateparser: {ratio_en:,.0f}x."),
        "Ours does more per article (attributions, actors, sources of figures, sentence context) than the naive pair.",
    ])
    print(body)
    if args.json:
        args.json.write_text(json.dumps(res, indent=1), "utf-8")
    if not args.no_results:
        write_section("bench_naive", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
