"""After matching: the comparison tables, the run folder and the store's run record, measured.

Reproduces the end of ``provenance run`` without extraction or clustering, from pickles of
its inputs (issue 9): ``--frames`` (the extraction tables, a dict of DataFrames) and
``--matched`` (``match_frames``' output on them). The comparison tables are rebuilt with the
current code (``report.tables.build_tables`` on the matched claims, figures and syndication),
then written as ``pipeline.run`` writes them (``write_report``) and recorded in a fresh store
(``Store.record_run``). Prints CPU seconds and RSS per step as Markdown table rows: before the
step, its own peak (sampled every 50 ms) and after it.

    python benchmarks/bench_reports.py --frames /tmp/perf9/abp_frames.pkl \\
        --matched /tmp/r9/matched.pkl --out /tmp/bench_reports
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import shutil
import threading
import time
from pathlib import Path

from provenance.config import load_config
from provenance.report import write_report
from provenance.report.tables import build_tables
from provenance.store.db import Store


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9  # KiB -> GB, as _rss_gb


_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss_gb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * _PAGE / 1e9


class _Sampler:
    """The highest RSS seen since ``reset``, sampled every 50 ms by a thread (a step's own peak,
    which ``ru_maxrss`` hides once an earlier step went higher)."""

    def __init__(self) -> None:
        self.high = 0.0
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            self.high = max(self.high, _rss_gb())
            time.sleep(0.05)

    def reset(self) -> None:
        self.high = _rss_gb()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--frames", required=True)
    ap.add_argument("--matched", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    cfg = load_config()
    rows: list[str] = []

    sampler = _Sampler()

    def step(name: str, fn):  # type: ignore[no-untyped-def]
        before = _rss_gb()
        sampler.reset()
        t = time.process_time()
        out = fn()
        cpu = time.process_time() - t
        high = max(sampler.high, _rss_gb())
        rows.append(f"| {name} | {cpu:.1f} | {before:.2f} | {high:.2f} (+{high - before:.2f}) | {_rss_gb():.2f} | "
                    f"{_peak_gb():.2f} |")
        print(rows[-1], flush=True)
        return out

    with open(args.frames, "rb") as fh:
        frames = pickle.load(fh)
    with open(args.matched, "rb") as fh:
        matched = pickle.load(fh)
    for name in ("clusters", "figure_cells", "figure_table", "attribution_table", "first_reports", "discrepancies"):
        matched.pop(name, None)  # rebuilt below with the current code
    print(f"inputs loaded: rss {_rss_gb():.2f} GB, peak {_peak_gb():.2f} GB", flush=True)
    print("| step | CPU s | RSS before GB | step's peak GB | RSS after GB | process peak so far GB |\n"
          "|---|---|---|---|---|---|", flush=True)
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
