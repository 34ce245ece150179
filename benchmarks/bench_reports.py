"""After matching: the comparison tables, the run folder and the store's run record, measured.

Reproduces the end of ``provenance run`` without extraction or clustering, from pickles of
its inputs (issue 9): ``--frames`` (the extraction tables, a dict of DataFrames) and
``--matched`` (``match_frames``' output on them). The comparison tables are rebuilt with the
current code (``report.tables.build_tables`` on the matched claims, figures and syndication),
then written as ``pipeline.run`` writes them (``write_report``) and recorded in a fresh store
(``Store.record_run``). Prints CPU seconds and peak RSS per step as Markdown table rows.

    python benchmarks/bench_reports.py --frames /tmp/perf9/abp_frames.pkl \\
        --matched /tmp/s3/matched.pkl --out /tmp/bench_reports
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import shutil
import time
from pathlib import Path

from provenance.config import load_config
from provenance.report import write_report
from provenance.report.tables import build_tables
from provenance.store.db import Store


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def _rss_gb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1e6
    return 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--frames", required=True)
    ap.add_argument("--matched", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    cfg = load_config()
    rows: list[str] = []

    def step(name: str, fn):  # type: ignore[no-untyped-def]
        before = _rss_gb()
        t = time.process_time()
        out = fn()
        rows.append(f"| {name} | {time.process_time() - t:.1f} | {before:.2f} | {_rss_gb():.2f} | {_peak_gb():.2f} |")
        print(rows[-1], flush=True)
        return out

    with open(args.frames, "rb") as fh:
        frames = pickle.load(fh)
    with open(args.matched, "rb") as fh:
        matched = pickle.load(fh)
    for name in ("clusters", "figure_cells", "figure_table", "attribution_table", "first_reports", "discrepancies"):
        matched.pop(name, None)  # rebuilt below with the current code
    print(f"inputs loaded: rss {_rss_gb():.2f} GB, peak {_peak_gb():.2f} GB", flush=True)
    print("| step | CPU s | RSS before GB | RSS after GB | peak so far GB |\n|---|---|---|---|---|", flush=True)
    claims = matched["claims"].drop(columns=["syndication_id", "syndicated_from"], errors="ignore")
    tables = step("report.tables.build_tables", lambda: build_tables(
        claims, matched["figures"], matched["syndication"], cfg, frames.get("articles")))
    matched.update(tables)
    frames.update(matched)
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    step("report.write_report (CSVs + report.html)", lambda: write_report(frames, out, cfg))
    size = (out / "report.html").stat().st_size / 1e6
    db = out / "store.sqlite"
    store = Store(db)
    step("store Store.record_run", lambda: store.record_run(
        command="run", started="bench", inputs=[args.frames], version="bench", counts={}, tables=matched))
    store.close()
    print(f"report.html {size:.1f} MB; CSVs {sum(p.stat().st_size for p in out.glob('*.csv')) / 1e6:.0f} MB; "
          f"store {os.path.getsize(db) / 1e6:.0f} MB; "
          f"outlet columns: attribution_table {tables['attribution_table'].shape}, "
          f"figure_table {tables['figure_table'].shape}", flush=True)


if __name__ == "__main__":
    main()
