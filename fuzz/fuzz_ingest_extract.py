"""Atheris harness: arbitrary bytes through ingest (as every input kind) and every extractor.

Run by hand (not in CI), e.g. for five minutes with a per-input time limit:

    python fuzz/fuzz_ingest_extract.py -max_total_time=300 -timeout=20 -rss_limit_mb=2048 fuzz/corpus

The first byte picks the file kind; the rest is the file. A crash is any exception other than
an Article or a Rejection coming out of ingest, a span that does not index the text, or a
report table that cannot be written as UTF-8. Inputs that take longer than the slowest seen so
far are printed with their time, so slow inputs are found as well as crashes. Results of runs
are recorded in docs/robustness.md.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time

import atheris

with atheris.instrument_imports(include=["provenance"]):
    from provenance.extract import extract_article
    from provenance.frames import FrameBuilder, rows_from_extraction
    from provenance.ingest import iter_ingest
    from provenance.models import Article, Rejection

KINDS = (".txt", ".html", ".csv", ".tsv", ".json", ".jsonl", ".jsonl.gz", ".md", ".bin")
WORKDIR = tempfile.mkdtemp(prefix="provenance-fuzz-")
STATS = {"inputs": 0, "articles": 0, "rejections": 0, "slowest": 0.0}


def check(text: str, x) -> None:
    spans = [*x.dates, *x.figures, *x.actors, *(a.cue for a in x.attributions),
             *(a.source for a in x.attributions if a.source), *(f.source for f in x.figures if f.source)]
    for s in spans:
        if not (0 <= s.start <= s.end <= len(text)) or text[s.start:s.end] != s.text:
            raise AssertionError(f"span does not index the text: {s!r}")
    b = FrameBuilder()
    b.add(rows_from_extraction(x))
    for df in b.frames().values():
        df.to_csv(io.BytesIO(), index=False, encoding="utf-8")  # what the report writes: must encode


def test_one_input(data: bytes) -> None:
    if not data:
        return
    kind = KINDS[data[0] % len(KINDS)]
    path = os.path.join(WORKDIR, "input" + kind)
    with open(path, "wb") as fh:
        fh.write(data[1:])
    t0 = time.perf_counter()
    n = 0
    for item in iter_ingest([path]):
        n += 1
        if isinstance(item, Rejection):
            if not item.reason:
                raise AssertionError("rejection without a reason")
            STATS["rejections"] += 1
            continue
        if not isinstance(item, Article):
            raise TypeError(f"ingest yielded {type(item).__name__}")
        item.text.encode("utf-8")
        STATS["articles"] += 1
        check(item.text, extract_article(item))
    if n == 0:
        raise AssertionError("an input produced neither an article nor a rejection")
    dt = time.perf_counter() - t0
    STATS["inputs"] += 1
    if dt > STATS["slowest"]:
        STATS["slowest"] = dt
        print(f"#slowest {dt * 1000:.0f} ms kind={kind} bytes={len(data) - 1} inputs={STATS['inputs']}",
              file=sys.stderr, flush=True)
    if STATS["inputs"] % 2000 == 0:
        print(f"#stats {STATS}", file=sys.stderr, flush=True)


def main() -> None:
    import atexit

    atexit.register(lambda: print(f"#final {STATS}", file=sys.stderr, flush=True))
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
