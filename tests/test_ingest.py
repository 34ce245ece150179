"""Ingest: every input kind, every rejection reason, metadata precedence, real corpora."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import shared_path

from provenance.errors import InputError
from provenance.ingest import ColumnMap, ingest, iter_ingest
from provenance.ingest.outlets import load_registry
from provenance.ingest.published import date_from_url, parse_date_value
from provenance.models import Article, Rejection

# Example text written for these tests, modelled on wire copy seen in ../shared/data.
BODY = (
    "KHAN YOUNIS, Gaza Strip, Nov. 2 (AP) -- Rescuers searched the rubble on Thursday after a strike "
    "killed 13 people, the Health Ministry said."
)


def _write(p: Path, data: str | bytes) -> Path:
    if isinstance(data, bytes):
        p.write_bytes(data)
    else:
        p.write_text(data, encoding="utf-8")
    return p


def _only(items: list[Article | Rejection]) -> Article | Rejection:
    assert len(items) == 1, items
    return items[0]


def test_text_article_keeps_file_content_unchanged_and_reads_layout(tmp_path: Path) -> None:
    text = f"# *A headline*\n\n{BODY}\n\n<https://apnews.com/article/abc>\n\n**The Associated Press**\n"
    p = _write(tmp_path / "a.txt", text)
    a = _only(list(iter_ingest([str(p)])))
    assert isinstance(a, Article)
    assert a.text == text
    assert a.title == "A headline"
    assert a.url == "https://apnews.com/article/abc"
    # The URL's domain comes before the footer in the documented precedence.
    assert (a.outlet, a.outlet_from) == ("The Associated Press", "url")


def test_dateline_year_is_inferred_and_marked(tmp_path: Path) -> None:
    p = _write(tmp_path / "a.md", BODY)
    a = _only(list(iter_ingest([str(p)], year=2023)))
    assert isinstance(a, Article)
    assert (a.published, a.published_from, a.published_inferred) == ("2023-11-02", "dateline", True)
    assert (a.outlet, a.outlet_from) == ("The Associated Press", "agency_code")


def test_dateline_without_year_and_no_year_option_leaves_date_unknown(tmp_path: Path) -> None:
    a = _only(list(iter_ingest([str(_write(tmp_path / "a.txt", BODY))])))
    assert isinstance(a, Article)
    assert (a.published, a.published_precision, a.published_from) == (None, "unknown", "none")


def test_html_page_via_trafilatura(tmp_path: Path) -> None:
    html = (
        "<html><head><title>Strike | Example Daily</title>"
        '<meta property="og:site_name" content="Example Daily">'
        '<meta property="article:published_time" content="2023-11-02T10:00:00Z"></head>'
        f"<body><nav>Home | World</nav><article><h1>Strike</h1><p>{BODY}</p>"
        "<p>Officials said the search would continue through the night in the southern city.</p></article>"
        "<footer>Subscribe now</footer></body></html>"
    )
    a = _only(list(iter_ingest([str(_write(tmp_path / "page.html", html))])))
    assert isinstance(a, Article)
    assert "Rescuers searched the rubble" in a.text and "Subscribe" not in a.text
    assert a.outlet == "Example Daily" and a.published == "2023-11-02" and a.input_kind == "html"


@pytest.mark.parametrize("name", ["t.csv", "t.tsv"])
def test_delimited_table_with_header(tmp_path: Path, name: str) -> None:
    sep = "," if name.endswith(".csv") else "\t"
    rows = [sep.join(["publisher", "date", "headline", "link"]),
            sep.join(["Reuters", "2023-10-17", "Blast at hospital kills hundreds", "https://www.reuters.com/x"]),
            sep.join(["Al Jazeera", "10/18/2023", "Death toll rises", "https://www.aljazeera.com/y"])]
    arts = list(iter_ingest([str(_write(tmp_path / name, "\n".join(rows) + "\n"))]))
    assert [a.outlet for a in arts] == ["Reuters", "Al Jazeera English"]  # type: ignore[union-attr]
    assert [a.published for a in arts] == ["2023-10-17", "2023-10-18"]  # type: ignore[union-attr]
    assert [a.source.rsplit("#", 1)[1] for a in arts] == ["1", "2"]  # type: ignore[union-attr]


def test_headerless_tsv_named_txt_is_recognised_by_content(tmp_path: Path) -> None:
    lines = [f"2023-10-1{i}\tReuters\tGaza toll rises to {3000 + i} - Reuters\thttps://www.reuters.com/a{i}"
             for i in range(5)]
    arts = list(iter_ingest([str(_write(tmp_path / "headlines.txt", "\n".join(lines)))]))
    assert len(arts) == 5 and all(isinstance(a, Article) for a in arts)
    a = arts[0]
    assert isinstance(a, Article)
    assert (a.text, a.outlet, a.published, a.url) == (
        "Gaza toll rises to 3000 - Reuters", "Reuters", "2023-10-10", "https://www.reuters.com/a0")


def test_json_jsonl_and_gz(tmp_path: Path) -> None:
    recs = [{"content_original": BODY, "content": "tokenised", "source": "CNN (Web News)", "date": "2023-11-02",
             "url": "https://www.cnn.com/x", "title": "T", "authors": ["A", "B"]}]
    j = _write(tmp_path / "a.json", json.dumps({"articles": recs}))
    jl = _write(tmp_path / "b.jsonl", "\n".join(json.dumps(r) for r in recs))
    gz = tmp_path / "c.jsonl.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(recs[0]) + "\n")
    for p in (j, jl, gz):
        a = _only(list(iter_ingest([str(p)])))
        assert isinstance(a, Article)
        assert (a.text, a.outlet, a.author) == (BODY, "CNN", "A, B")


def test_user_named_columns(tmp_path: Path) -> None:
    p = _write(tmp_path / "t.csv", "who,when,words\nReuters,2023-10-17,Twelve people were killed.\n")
    a = _only(list(iter_ingest([str(p)], columns=ColumnMap(text="words", outlet="who", published="when"))))
    assert isinstance(a, Article) and (a.outlet, a.published) == ("Reuters", "2023-10-17")


def test_unknown_named_column_is_a_usage_error(tmp_path: Path) -> None:
    p = _write(tmp_path / "t.csv", "who,words\nReuters,Twelve people were killed.\n")
    with pytest.raises(InputError, match="column 'body' .* is not in"):
        list(iter_ingest([str(p)], columns=ColumnMap(text="body")))


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file (whitespace only)"),
        ("bin.txt", b"GIF89a\x00\x01\x02", "binary file (contains NUL bytes)"),
        ("latin.txt", "Caf\u00e9 reopened".encode("latin-1"), "not UTF-8"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type .docx"),
        ("nocol.csv", b"Date,Gaza Casualties\n10/22/2023,4651\n", "no text column"),
        ("bad.json", b"{not json", "invalid JSON"),
        ("empty.csv", b"", "empty file"),
        ("fake.jsonl.gz", b"plain text, not gzip", "not a gzip file"),
    ],
)
def test_file_rejections_carry_a_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    r = _only(list(iter_ingest([str(_write(tmp_path / name, data))])))
    assert isinstance(r, Rejection) and r.row is None and reason in r.reason and not r.skipped


def test_row_rejections_and_the_rest_of_the_table_survives(tmp_path: Path) -> None:
    data = ('text,outlet\n"A strike killed 13 people.",Reuters\n,Reuters\n"x","y","z"\n'
            '"Line one\nline two of one cell.",AP\n')
    got = list(iter_ingest([str(_write(tmp_path / "t.csv", data))]))
    arts = [g for g in got if isinstance(g, Article)]
    rej = [g for g in got if isinstance(g, Rejection)]
    assert len(arts) == 2 and arts[1].text == "Line one\nline two of one cell."
    assert [(r.row, r.reason.split(":")[0]) for r in rej] == [(2, "empty text cell"), (3, "malformed row")]


def test_truncated_gzip_keeps_rows_read_and_reports_the_rest(tmp_path: Path) -> None:
    raw = gzip.compress(("\n".join(json.dumps({"text": f"Row {i} says 3 people died."}) for i in range(2000))).encode())
    p = _write(tmp_path / "t.jsonl.gz", raw[: len(raw) // 2])
    got = list(iter_ingest([str(p)]))
    rej = [g for g in got if isinstance(g, Rejection)]
    assert len(rej) == 1 and "truncated" in rej[0].reason
    assert 0 < len(got) - 1 < 2000


def test_missing_input_and_empty_glob_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="input not found"):
        list(iter_ingest([str(tmp_path / "nope.txt")]))
    with pytest.raises(InputError, match="no files match"):
        list(iter_ingest([str(tmp_path / "*.nothing")]))


def test_folders_globs_and_documentation_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub" / "a.txt", BODY)
    _write(tmp_path / "README.md", "About this corpus.")
    got = list(iter_ingest([str(tmp_path)]))
    assert sum(isinstance(g, Article) for g in got) == 1
    skipped = [g for g in got if isinstance(g, Rejection)]
    assert len(skipped) == 1 and skipped[0].skipped
    assert len(list(iter_ingest([str(tmp_path / "sub" / "*.txt")]))) == 1


def test_exact_duplicates_from_one_outlet_collapse_and_are_counted(tmp_path: Path) -> None:
    p = _write(tmp_path / "t.csv", "text,outlet\nSame words.,Reuters\nSame words.,Reuters\nSame words.,AP\n")
    arts, rej = ingest([str(p)])
    assert not rej
    assert sorted((a.outlet, a.duplicates) for a in arts) == [("Reuters", 1), ("The Associated Press", 0)]


def test_article_ids_are_stable_across_runs(tmp_path: Path) -> None:
    p = _write(tmp_path / "a.txt", BODY)
    assert [a.article_id for a in ingest([str(p)])[0]] == [a.article_id for a in ingest([str(p)])[0]]


@pytest.mark.parametrize(
    "value, expected",
    [("2023-10-31", ("2023-10-31", "day")), ("10/13/2023", ("2023-10-13", "day")),
     ("2023-10-31T14:05:00Z", ("2023-10-31T14:05", "time")), ("October 2023", ("2023-10", "month")),
     ("2023", ("2023", "year")), ("0001-01-01", None), ("538400", None), ("", None), ("not a date", None)],
)
def test_parse_date_value(value: str, expected: tuple[str, str] | None) -> None:
    assert parse_date_value(value) == expected


@pytest.mark.parametrize(
    "url, expected",
    [("https://www.reuters.com/world/x-2023-10-04/", None),
     ("https://www.thenationalnews.com/business/energy/2023/10/05/adnoc/", "2023-10-05"),
     ("https://www.middleeastmonitor.com/20231005-im-a-palestinian/", "2023-10-05"),
     ("https://example.com/2023/13/45/x", None)],
)
def test_date_from_url(url: str, expected: str | None) -> None:
    assert date_from_url(url) == expected


def test_registry_lookups() -> None:
    reg = load_registry()
    assert reg.by_name("New York Times - News") == "The New York Times"
    assert reg.by_url("https://www.radiohc.cu/en/noticias/x") == "Radio Habana Cuba"
    assert reg.by_code("RHC") == "Radio Habana Cuba"
    assert reg.by_filename("tagged_data_wsj_oct7_to_oct22.csv") == "The Wall Street Journal"


# --- real data -------------------------------------------------------------------------------


def test_seed_article() -> None:
    seed = shared_path("seed")
    a = _only(list(iter_ingest([str(seed)], year=2023)))
    assert isinstance(a, Article)
    assert a.outlet == "Radio Habana Cuba"
    assert a.url and a.url.startswith("https://www.radiohc.cu/")
    assert a.title and a.title.startswith("Hamas says Israeli tanks forced to retreat")
    assert (a.published, a.published_inferred, a.published_from) == ("2023-10-31", True, "dateline")
    assert a.text == next(seed.iterdir()).read_text(encoding="utf-8")


def test_shared_corpora_every_row_accounted_for() -> None:
    cm = shared_path("casualty-mentions", "data")
    gn = shared_path("gaza-news", "gaza-news.txt")
    seed = shared_path("seed")
    got = list(iter_ingest([str(seed), str(cm), str(gn)], year=2023))
    arts = [g for g in got if isinstance(g, Article)]
    by_file: dict[str, int] = {}
    for a in arts:
        f = a.source.split("#")[0]
        by_file[f] = by_file.get(f, 0) + 1
    assert by_file[str(gn)] == 11_505
    assert sum(v for k, v in by_file.items() if "tagged_data" in k) == 4_350
    assert all(a.outlet and a.published for a in arts)
    rejected_files = {Path(g.input).name for g in got if isinstance(g, Rejection) and g.row is None}
    assert rejected_files == {"ocha_data_comparison.csv", "ocha_data_oct7_to_oct22.csv"}


@pytest.mark.slow
def test_abp_every_row_accounted_for() -> None:
    abp = shared_path("abp", "abp_articles.jsonl.gz")
    n_art = n_rej = 0
    rows: set[int] = set()
    for g in iter_ingest([str(abp)]):
        if isinstance(g, Article):
            n_art += 1
            rows.add(int(g.source.rsplit("#", 1)[1]))
            assert g.outlet
        else:
            n_rej += 1
            if g.row:
                rows.add(g.row)
    assert n_art + n_rej >= 37_554 and rows == set(range(1, 37_555))
