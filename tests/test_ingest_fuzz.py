"""Property tests: no input crashes ingest or an extractor, and nothing is lost silently.

Inputs are arbitrary bytes, huge lines, deeply nested or broken HTML, CSVs with embedded
newlines and NULs, mixed encodings and mojibake, zero-width and bidi characters, and numbers
like "1,2,3,4" or "10,00 2". Every input file or row ends as an article or as a rejection with
a reason; every span an extractor returns indexes the text. Time is measured per example
(``TIMES``, summarised in docs/robustness.md), never asserted. Hypothesis's per-example
deadline of five minutes only catches a hang: a loaded CI host once took 28 s for an example
that takes well under a second here.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import time
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from provenance.extract import extract_article
from provenance.frames import FrameBuilder, rows_from_extraction
from provenance.ingest import iter_ingest
from provenance.models import Article, Rejection

FUZZ = settings(max_examples=60, deadline=timedelta(minutes=5), derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])
TIMES: dict[str, list[float]] = {}

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"]
ODD_NUMBERS = ["1,2,3,4", "10,00 2", "1.000.000", "1,000,000,000,000,000,000", "9" * 400, "٣٤٥", "１２３",
               "½", "3½", "1e10", "-0", "0x1F", "12,5%", "$1.2bn", "1 234 567", "1'000", "10 000 000",
               "between 10 and", "more than more than 5", "2023-10-07", "7/10/2023", "10:30", "-5,000"]
# Fragments modelled on constructions seen in ../shared/data (wire datelines, attributed tolls,
# said-cues, hedges); the entities are fictional.
FRAGMENTS = [
    "MARROW BAY, Estrania, March 5 (MWS) --", "at least 212 people were killed", "according to the Health Ministry",
    ", the ministry said on Monday.", '"We will not rest," Interior Minister Dana Okafor told reporters.',
    "The figure could not be independently verified.", "more than 8,300", "nearly 1,045 injured",
    "the Hamas-run Health Ministry in Gaza said", "Rear Adm. Jon Vell said on Oct. 7 that", "U.S. officials said",
    "between 30 and 40 were missing", "since Sunday", "yesterday", "last week", "\n\n", " ", ".", "?", "(", ")",
]


def _timed(kind: str, t0: float) -> None:
    TIMES.setdefault(kind, []).append(time.perf_counter() - t0)


def mojibake(s: str) -> str:
    """UTF-8 read as Latin-1 or cp1252 ("Ã©"), as a badly converted page shows it."""
    enc = "cp1252" if len(s) % 2 else "latin-1"
    return s.encode("utf-8").decode(enc, errors="replace")


news_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from(ODD_NUMBERS), st.sampled_from(ZERO_WIDTH + BIDI),
              st.text(max_size=30), st.text(alphabet="0123456789,. ", max_size=20),
              st.sampled_from(FRAGMENTS).map(mojibake)),
    max_size=60,
).map("".join)
any_text = st.one_of(news_text, st.text(max_size=400), news_text.map(lambda s: s * 20))


def check_spans(x, text: str) -> None:
    """The extract contract: every span indexes the article text."""
    spans = [*x.dates, *x.figures, *x.actors, *(a.cue for a in x.attributions),
             *(s for a in x.attributions if a.source for s in [a.source]),
             *(s for f in x.figures if f.source for s in [f.source])]
    for s in spans:
        assert 0 <= s.start <= s.end <= len(text), (type(s).__name__, s)
        assert text[s.start:s.end] == s.text, (type(s).__name__, s)
    for a in x.attributions:
        for c in a.content:
            assert 0 <= c.start <= c.end <= len(text)


def extract_checked(article: Article) -> None:
    t0 = time.perf_counter()
    x = extract_article(article)
    _timed("extract", t0)
    check_spans(x, article.text)
    b = FrameBuilder()
    b.add(rows_from_extraction(x))
    for df in b.frames().values():  # the report writes these: they must encode as UTF-8
        df.to_csv(io.StringIO(), index=False)


def ingest_all(path: Path) -> list[Article | Rejection]:
    t0 = time.perf_counter()
    items = list(iter_ingest([str(path)]))
    _timed("ingest", t0)
    assert items, f"{path.name}: nothing came out, not even a rejection"
    for it in items:
        assert isinstance(it, Article | Rejection)
        if isinstance(it, Rejection):
            assert it.reason and it.reason.strip(), it
            assert it.input == str(path)
        else:
            assert it.text.strip()
            it.text.encode("utf-8")  # no lone surrogates: the report and the store must be able to write it
    return items


@FUZZ
@given(text=any_text, published=st.sampled_from([None, "2024-03-05", "2024-03", "2024", "2024-03-05T10:00:00"]))
@example(text="1,2,3,4 people were killed and 10,00 2 injured", published="2024-03-05")
@example(text="\u202eat least 212\u202c killed\u200b, according to the\u00adHealth Ministry.", published=None)
def test_extractors_never_crash_and_spans_index_the_text(text: str, published: str | None) -> None:
    precision = {None: "unknown", 10: "day", 7: "month", 4: "year"}.get(len(published) if published else None, "time")
    extract_checked(Article(article_id="fuzz", text=text, source="fuzz", published=published,
                            published_precision=precision))


@FUZZ
@given(data=st.binary(max_size=3000), ext=st.sampled_from([".txt", ".md", ".html", ".csv", ".tsv", ".json",
                                                            ".jsonl", ".jsonl.gz", ".bin", ""]))
@example(data=b"\xff\xfe\x00t\x00e\x00x\x00t", ext=".txt")
@example(data=b"\x1f\x8b\x08\x00truncated", ext=".jsonl.gz")
def test_arbitrary_bytes_become_articles_or_rejections(data: bytes, ext: str, tmp_path_factory) -> None:
    p = tmp_path_factory.mktemp("bytes") / f"input{ext}"
    p.write_bytes(data)
    for it in ingest_all(p):
        if isinstance(it, Article):
            extract_checked(it)


@FUZZ
@given(text=any_text, enc=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16", "mixed"]),
       huge=st.booleans())
def test_text_files_in_any_encoding(text: str, enc: str, huge: bool, tmp_path_factory) -> None:
    body = "# Dam toll rises\n\n" + text + ("x" * 200_000 if huge else "") + "\n\nMeridian Wire Service\n"
    if enc == "mixed":
        data = body.encode("utf-8") + "Café, Zürich".encode("latin-1") + body.encode("utf-8")
    else:
        data = body.encode(enc, errors="replace")
    p = tmp_path_factory.mktemp("txt") / "story.txt"
    p.write_bytes(data)
    for it in ingest_all(p):
        if isinstance(it, Article):
            extract_checked(it)


html_fragment = st.one_of(
    st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<b>", "<script>", "</script>", "<!--", "-->", "<![CDATA[",
                     "<table><tr><td>", "</td>", "<meta charset=latin-1>", "<title>", "</title>", "&amp;", "&#0;",
                     "&#x110000;", "&nbsp;", "<", ">", "\"", "<p class='a' class='b'>", "<svg><foreignObject>",
                     "<meta property='og:site_name' content='Northgate Daily'>",
                     "<meta name='date' content='2024-03-06'>", "<article>"]),
    news_text,
)


@FUZZ
@given(parts=st.lists(html_fragment, max_size=80), depth=st.sampled_from([0, 50, 3000]))
def test_broken_and_deeply_nested_html(parts: list[str], depth: int, tmp_path_factory) -> None:
    page = "<html><head><title>Dam</title></head><body>" + "<div>" * depth + "".join(parts) + "</body></html>"
    p = tmp_path_factory.mktemp("html") / "page.html"
    p.write_text(page, encoding="utf-8")
    for it in ingest_all(p):
        if isinstance(it, Article):
            extract_checked(it)


cell = st.one_of(news_text, st.text(max_size=40), st.sampled_from(["", "\n", "\r\n", "a\x00b", '"', '""', ",", "\t",
                                                                     "\x1a", "2024-03-05", "https://e.org/x"]))


@FUZZ
@given(rows=st.lists(st.tuples(cell, cell, cell), min_size=1, max_size=12), sep=st.sampled_from([",", "\t"]),
       header=st.booleans(), gz=st.booleans())
def test_tables_account_for_every_row(rows: list[tuple[str, str, str]], sep: str, header: bool, gz: bool,
                                      tmp_path_factory) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    if header:
        w.writerow(["outlet", "published", "text"])
    w.writerows(rows)
    ext = (".csv" if sep == "," else ".tsv") + (".gz" if gz else "")
    p = tmp_path_factory.mktemp("csv") / f"table{ext}"
    data = buf.getvalue().encode("utf-8")
    p.write_bytes(gzip.compress(data) if gz else data)
    items = ingest_all(p)
    file_level = [it for it in items if isinstance(it, Rejection) and it.row is None]
    if header and not file_level:
        seen = sorted(int(it.source.rsplit("#", 1)[1]) if isinstance(it, Article) else it.row for it in items)
        # every data row is an article or a rejection; a row with an embedded newline is still one row
        assert seen == list(range(1, len(rows) + 1)), (seen, len(rows))
    for it in items:
        if isinstance(it, Article):
            extract_checked(it)


json_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30) | news_text,
                          lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
                          max_leaves=10)


@FUZZ
@given(objs=st.lists(st.one_of(st.fixed_dictionaries({"text": json_value, "source": json_value,
                                                       "date": json_value}), json_value), max_size=8),
       lines=st.booleans())
@example(objs=[{"text": "killed \ud800 212", "source": "Radio Lumen", "date": "2024-03-05"}], lines=True)
def test_json_and_jsonl_rows(objs: list, lines: bool, tmp_path_factory) -> None:
    p = tmp_path_factory.mktemp("json") / ("rows.jsonl" if lines else "rows.json")
    if lines:
        p.write_text("".join(json.dumps(o) + "\n" for o in objs) or "\n", encoding="utf-8")
    else:
        p.write_text(json.dumps(objs), encoding="utf-8")
    for it in ingest_all(p):
        if isinstance(it, Article):
            extract_checked(it)


def test_time_per_article_is_recorded() -> None:
    """Not a timing assertion: prints the measured bounds for docs/robustness.md (run with -s)."""
    for kind, ts in sorted(TIMES.items()):
        if ts:
            print(f"{kind}: {len(ts)} calls, max {max(ts) * 1000:.0f} ms, mean {sum(ts) / len(ts) * 1000:.1f} ms")
