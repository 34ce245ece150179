"""Extraction scaling on this machine: 1 vs 2 workers, local engine and Dask engine.

The same ``--articles`` unique ABP articles are extracted (``pipeline.collect``, no store)
four ways: local engine with 1 and 2 processes, and a ``dask.distributed.LocalCluster`` on
127.0.0.1 with 1 and 2 single-threaded worker processes. Worker start-up (forkserver, model
load; cluster start) is outside the timed part for Dask and inside it for the local engine, as
a user would see it. Each figure carries the load average: the machine is shared, so a
speed-up below 2 on 2 cores is partly other users' work.

Usage:
    python benchmarks/bench_scaling.py --articles 1000
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ABP, command, load, machine, now, table, write_section


def timed_collect(path: Path, engine: dict[str, Any]) -> tuple[float, int]:
    """(wall s, articles) of ``pipeline.collect`` with these ``[engine]`` settings."""
    from provenance import pipeline
    from provenance.config import load_config

    cfg = load_config(overrides={"engine": engine})
    t0 = time.perf_counter()
    frames = pipeline.collect([str(path)], config=cfg)
    return time.perf_counter() - t0, len(frames["articles"])


def main(argv: list[str] | None = None) -> int:
    """Measure and write the RESULTS.md section."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", type=Path, default=ABP)
    ap.add_argument("--articles", type=int, default=1000, help="first N rows of the input")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--no-results", action="store_true")
    args = ap.parse_args(argv)
    from distributed import LocalCluster

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "slice.jsonl.gz"
        with gzip.open(args.input, "rt", encoding="utf-8") as fin, gzip.open(path, "wt", encoding="utf-8") as fout:
            fout.writelines(itertools.islice(fin, args.articles))
        timed_collect(path, {"workers": 1, "chunk_size": 64})  # warm the page cache and imports
        for n in (1, 2):
            ld = load()
            wall, arts = timed_collect(path, {"workers": n})
            rows.append({"engine": "local", "workers": n, "articles": arts, "wall_s": wall, "load": ld})
            print(json.dumps(rows[-1]), file=sys.stderr)
        for n in (1, 2):
            with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                              dashboard_address="127.0.0.1:0") as lc:
                eng = {"engine": "dask", "scheduler": lc.scheduler_address, "partition_size": 64}
                ld = load()
                wall, arts = timed_collect(path, eng)
            rows.append({"engine": "dask", "workers": n, "articles": arts, "wall_s": wall, "load": ld})
            print(json.dumps(rows[-1]), file=sys.stderr)
    base = {r["engine"]: r["wall_s"] for r in rows if r["workers"] == 1}
    for r in rows:
        r["articles/s"] = f"{r['articles'] / r['wall_s']:,.1f}"
        r["speed-up"] = f"{base[r['engine']] / r['wall_s']:.2f}"
        r["wall s"] = f"{r['wall_s']:.1f}"
    body = "\n".join([
        "## Scaling, 1 vs 2 workers (`bench_scaling.py`)", "",
        f"- command: `{command()}`", f"- machine: {machine()}", f"- date: {now()}",
        (f"- the first {args.articles:,} ABP rows; extraction only (`pipeline.collect`, no store); "
        "Dask: LocalCluster on 127.0.0.1, single-threaded worker processes, 64 articles per partition"),
        "",
        table(rows, ["engine", "workers", "articles", "wall s", "articles/s", "speed-up", "load"]),
    ])
    print(body)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), "utf-8")
    if not args.no_results:
        write_section("bench_scaling", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
