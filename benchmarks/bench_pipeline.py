"""Throughput of every stage on ABP, and the whole ``provenance run`` with its peak memory.

Three measurements, each with the load average at its start (the machine is shared):

1. ingest: the whole corpus through ``iter_ingest`` (articles/s, MB/s of article text and of
   the compressed input);
2. extractors: the first ``--sample`` unique articles extracted in this one process, with each
   extractor timed exclusively (the CRF tagger apart from the actor extractor that first calls
   it; CPU seconds, so other users' load does not count against a stage);
3. the whole run (``pipeline.run``, what ``provenance run`` calls) on every article with the
   local engine on all cores: wall seconds for ingest+extraction, matching and reports, and the
   peak memory (PSS and RSS) summed over this process and its child processes.

Matching cost growth (10k, 100k, all claims and the fitted exponent) is
``benchmarks/bench_matching.py``; ours against naive library use is ``bench_naive.py``.

Usage:
    python benchmarks/bench_pipeline.py                 # all of ABP (the figures in RESULTS.md)
    python benchmarks/bench_pipeline.py --limit 3000    # a quick look on the first 3,000 rows
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ABP, Clock, PeakRSS, command, load, machine, now, table, write_section

MB = 1e6


def sliced_input(src: Path, limit: int | None, tmp: Path) -> Path:
    """``src`` itself, or its first ``limit`` lines as a new .jsonl.gz."""
    if not limit:
        return src
    dst = tmp / f"{src.name.split('.')[0]}_{limit}.jsonl.gz"
    with gzip.open(src, "rt", encoding="utf-8") as fin, gzip.open(dst, "wt", encoding="utf-8") as fout:
        fout.writelines(itertools.islice(fin, limit))
    return dst


def bench_ingest(path: Path) -> dict[str, Any]:
    """The whole input through ``iter_ingest``."""
    from provenance.ingest import iter_ingest
    from provenance.models import Article

    n = rej = chars = 0
    with Clock() as c:
        for item in iter_ingest([str(path)]):
            if isinstance(item, Article):
                n += 1
                chars += len(item.text.encode("utf-8"))
            else:
                rej += 1
    return {"stage": "ingest", "articles": n, "rejected": rej, "text_mb": chars / MB,
            "input_mb": path.stat().st_size / MB, "wall_s": c.wall, "cpu_s": c.cpu, "load": c.load}


class StageTimer:
    """Wraps functions so each reports its exclusive CPU and wall time (nested calls subtracted)."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.wall: dict[str, float] = defaultdict(float)
        self._stack: list[list[float]] = []

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn`` timed under ``name``."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            self._stack.append([0.0, 0.0])
            c0, w0 = time.process_time(), time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                c, w = time.process_time() - c0, time.perf_counter() - w0
                cc, cw = self._stack.pop()
                self.cpu[name] += c - cc
                self.wall[name] += w - cw
                if self._stack:
                    self._stack[-1][0] += c
                    self._stack[-1][1] += w

        return timed


def bench_extractors(path: Path, sample: int) -> list[dict[str, Any]]:
    """Each extractor's exclusive time over the first ``sample`` unique articles, one process."""
    import provenance.extract as ex
    from provenance.engine import local
    from provenance.extract import actors, attribution_tagger, attributions, dates, figures
    from provenance.ingest import iter_ingest
    from provenance.models import Article

    seen: set[str] = set()
    arts: list[Article] = []
    for item in iter_ingest([str(path)]):
        if isinstance(item, Article) and item.article_id not in seen:
            seen.add(item.article_id)
            arts.append(item)
            if len(arts) >= sample:
                break
    local.extract_rows(arts[0])  # load lexicons and the CRF model before timing
    timer = StageTimer()
    patches = [
        (ex, "split_sentences", "sentences"),
        (dates, "extract_dates", "dates"),
        (attribution_tagger, "tag_article", "CRF tagger (actors + attributions)"),
        (attributions, "tag_article", "CRF tagger (actors + attributions)"),
        (actors, "extract_actors", "actors (without the tagger)"),
        (attributions, "extract_attributions", "attributions (without the tagger)"),
        (figures, "extract_figures", "figures"),
        (local, "rows_from_extraction", "table rows (frames.rows_from_extraction)"),
    ]
    saved = [(mod, attr, getattr(mod, attr)) for mod, attr, _ in patches]
    for mod, attr, name in patches:
        setattr(mod, attr, timer.wrap(name, getattr(mod, attr)))
    try:
        with Clock() as c:
            for a in arts:
                local.extract_rows(a)
    finally:
        for mod, attr, fn in saved:
            setattr(mod, attr, fn)
    mb = sum(len(a.text.encode("utf-8")) for a in arts) / MB
    order = list(dict.fromkeys(name for _, _, name in patches))
    rows = [{"stage": name, "articles": len(arts), "text_mb": mb, "cpu_s": timer.cpu[name],
             "wall_s": timer.wall[name], "load": c.load} for name in order]
    rows.append({"stage": "all extraction (one process)", "articles": len(arts), "text_mb": mb, "cpu_s": c.cpu,
                 "wall_s": c.wall, "load": c.load})
    return rows


def bench_run(path: Path, workers: int, out: Path, log: Path | None = None) -> dict[str, Any]:
    """``pipeline.run`` on everything: wall per phase, peak RSS of the process tree.

    With ``log``, one JSON line is appended every 15 s and at every stage change (articles
    extracted, RSS and CPU seconds of the process tree, load), so a run stopped part-way still
    leaves its phases measured.
    """
    import resource
    import threading

    from provenance import pipeline
    from provenance.config import load_config

    marks: dict[str, float] = {}
    n_extracted = 0
    stage = ["extraction"]
    t0 = time.perf_counter()

    def extracted(k: int) -> None:
        nonlocal n_extracted
        n_extracted += k

    def log_line(peak: PeakRSS, event: str) -> None:
        if log is None:
            return
        cpu = dict(peak.cpu)
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({
                "t": round(time.perf_counter() - t0, 1), "event": event, "stage": stage[0], "articles": n_extracted,
                "peak_tree_mib": round(peak.peak / 2**20), "peak_tree_pss_mib": round(peak.peak_pss / 2**20), "main_cpu_s": round(cpu.get(os.getpid(), 0.0), 1),
                "tree_cpu_s": round(sum(cpu.values()), 1), "load": load()}) + "\n")

    def on_stage(s: str) -> None:
        marks.setdefault(s, time.perf_counter())
        log_line(peak, f"end {stage[0]}")
        stage[0] = s

    def ticker(stop: threading.Event) -> None:
        while not stop.wait(15):
            log_line(peak, "tick")

    prog = pipeline.Progress(extracted=extracted, stage=on_stage)
    cfg = load_config(overrides={"engine": {"workers": workers}})
    load0 = load()
    stop = threading.Event()
    with PeakRSS() as peak, Clock() as c:
        threading.Thread(target=ticker, args=(stop,), daemon=True).start()
        # keep_frames=False as the command line passes it: the tables the report page does not
        # read are dropped once written.
        result = pipeline.run([str(path)], out, config=cfg, progress=prog, keep_frames=False)
        log_line(peak, f"end {stage[0]}")
    stop.set()
    end = c.t0 + c.wall
    t_match, t_write = marks.get("matching", end), marks.get("writing", end)
    s = result.summary()
    return {
        "articles": s["articles"], "rejected": s["rejected"], "extracted": n_extracted,
        "claims": s.get("claims"), "clusters": s.get("clusters"),
        "extract_s": t_match - c.t0, "match_s": t_write - t_match, "report_s": end - t_write, "total_s": c.wall,
        "peak_tree_mib": peak.mib, "peak_tree_pss_mib": peak.pss_mib, "tree_cpu_s": peak.tree_cpu_s, "main_cpu_s": c.cpu,
        "peak_main_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load_start": load0, "load_end": load(), "workers": workers or os.cpu_count(),
        "text_mb": None,
    }


def render(args: argparse.Namespace, ingest: dict[str, Any] | None, ext: list[dict[str, Any]] | None,
           run: dict[str, Any] | None, input_path: Path) -> str:
    """The RESULTS.md section."""
    lines = [
        "## Pipeline throughput (`bench_pipeline.py`)",
        "",
        f"- command: `{command()}`",
        f"- input: `{input_path.name}`" + (f" (first {args.limit:,} rows)" if args.limit else " (all rows)"),
        f"- machine: {machine()}",
        f"- date: {now()}",
        ("- the machine is shared with other users: load averages (1/5/15 min) are given with each figure;"
        " extractor figures are CPU seconds of one process, so they do not depend on the load"),
        "",
    ]
    if ingest:
        lines += ["### Ingest (whole input, one process)", "", table([{
            "articles": f"{ingest['articles']:,}", "rejected": f"{ingest['rejected']:,}",
            "wall s": f"{ingest['wall_s']:.1f}", "articles/s": f"{ingest['articles'] / ingest['wall_s']:,.0f}",
            "text MB/s": f"{ingest['text_mb'] / ingest['wall_s']:.1f}",
            "input (gzip) MB/s": f"{ingest['input_mb'] / ingest['wall_s']:.1f}", "load": ingest["load"],
        }], ["articles", "rejected", "wall s", "articles/s", "text MB/s", "input (gzip) MB/s", "load"]), ""]
    if ext:
        total = ext[-1]["cpu_s"]
        lines += [(f"### Extractors (first {ext[0]['articles']:,} unique articles, {ext[0]['text_mb']:.1f} MB of "
                  "text, one process, exclusive CPU time)"), "",
                  table([{"stage": r["stage"], "CPU s": f"{r['cpu_s']:.1f}",
                          "ms/article": f"{1000 * r['cpu_s'] / r['articles']:.1f}",
                          "articles/s": f"{r['articles'] / r['cpu_s']:,.0f}" if r["cpu_s"] else "-",
                          "MB/s": f"{r['text_mb'] / r['cpu_s']:.2f}" if r["cpu_s"] else "-",
                          "share": f"{100 * r['cpu_s'] / total:.0f}%", "load": r["load"]} for r in ext],
                        ["stage", "CPU s", "ms/article", "articles/s", "MB/s", "share", "load"]), ""]
    if run:
        n = run["articles"]
        lines += [f"### Whole run (`pipeline.run`, local engine, {run['workers']} worker processes)", "",
                  table([
                      {"phase": "ingest + extraction + store", "wall s": f"{run['extract_s']:.1f}",
                       "articles/s": f"{n / run['extract_s']:,.1f}"},
                      {"phase": f"matching ({run['claims'] or 0:,} claims, {run['clusters'] or 0:,} clusters)",
                       "wall s": f"{run['match_s']:.1f}",
                       "articles/s": f"{n / run['match_s']:,.0f}" if run["match_s"] else "-"},
                      {"phase": "reports (CSV, HTML, store)", "wall s": f"{run['report_s']:.1f}",
                       "articles/s": f"{n / run['report_s']:,.0f}" if run["report_s"] else "-"},
                      {"phase": "**total**", "wall s": f"**{run['total_s']:.1f}**",
                       "articles/s": f"{n / run['total_s']:,.1f}"},
                  ], ["phase", "wall s", "articles/s"]), "",
                  f"- articles kept: {n:,} (rejected {run['rejected']:,})",
                  (f"- peak memory of this process + its child processes (extraction workers, matching's forked "
                  f"child, the store's writer; sampled every 0.25 s): PSS sum **{run['peak_tree_pss_mib']:,.0f} MiB**, "
                  f"RSS sum {run['peak_tree_mib']:,.0f} MiB (the RSS sum counts the pages a forked child shares "
                  f"with its parent twice); main process alone: peak RSS {run['peak_main_mib']:,.0f} MiB"),
                  (f"- CPU seconds: main process {run['main_cpu_s']:,.0f}, with its child processes {run['tree_cpu_s']:,.0f}; "
                  f"on an idle {run['workers']}-core machine the run would take about "
                  f"{max(run['main_cpu_s'], run['tree_cpu_s'] / run['workers']):,.0f} s "
                  "(CPU bound: the busiest of the main process and the workers' share)"),
                  f"- load average at start: {run['load_start']}; at end: {run['load_end']}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write its RESULTS.md section."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", type=Path, default=ABP, help="a .jsonl.gz corpus (default: ABP)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N rows (0 = all)")
    ap.add_argument("--sample", type=int, default=2000, help="articles for the per-extractor timing")
    ap.add_argument("--workers", type=int, default=0, help="processes for the whole run (0 = all cores)")
    ap.add_argument("--skip", action="append", default=[], choices=["ingest", "extractors", "run"])
    ap.add_argument("--json", type=Path, help="also write the raw figures here")
    ap.add_argument("--log", type=Path, help="whole run: append a JSON line every 15 s and at each stage here")
    ap.add_argument("--no-results", action="store_true", help="do not update benchmarks/RESULTS.md")
    args = ap.parse_args(argv)
    if not args.input.exists():
        print(f"Error: {args.input} not found. Point --input at a corpus.", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        path = sliced_input(args.input, args.limit, Path(tmp))
        ingest = ext = run = None
        if "ingest" not in args.skip:
            ingest = bench_ingest(path)
            print(json.dumps(ingest), file=sys.stderr)
        if "extractors" not in args.skip:
            ext = bench_extractors(path, args.sample)
            print(json.dumps(ext), file=sys.stderr)
        if "run" not in args.skip:
            run = bench_run(path, args.workers, Path(tmp) / "report", args.log)
            print(json.dumps(run), file=sys.stderr)
    body = render(args, ingest, ext, run, args.input)
    print(body)
    if args.json:
        args.json.write_text(json.dumps({"ingest": ingest, "extractors": ext, "run": run}, indent=1), "utf-8")
    if not args.no_results:
        write_section("bench_pipeline", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
