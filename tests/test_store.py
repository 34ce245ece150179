"""The SQLite store: schema, reuse by content hash, add/report, stale versions, exact round trip."""

from __future__ import annotations

import csv
import json
import sqlite3
import zlib
from pathlib import Path

import pytest
import zstandard
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from provenance import pipeline
from provenance.cli import app
from provenance.errors import StoreError
from provenance.models import Article
from provenance.store import Store, add, report_from_store
from provenance.store.payload import ZSTD_MAGIC, decode, encode, strip, unstrip

runner = CliRunner()

OUTLETS = ["Meridian Wire Service", "The Harbour Courier", "Northgate Daily", "Radio Lumen", "The Evening Ledger"]
SOURCES = ["the Health Ministry", "the opposition Civic Front", "the Interior Ministry", "the relief agency Lumen Aid"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def article_text(i: int) -> str:
    """A short wire story, modelled on the constructions of the seed and ABP articles
    (dateline with agency code, a toll "according to" a ministry, a quote with a said-cue)."""
    day = 4 + i % 4
    src, other = SOURCES[i % 4], SOURCES[(i + 1) % 4]
    return (
        f"MARROW BAY, Estrania, March {day}, 2024 (MWS) -- The number of people killed when the dam above "
        f"Marrow Bay gave way has risen to {200 + 7 * i}, {src} said on {DAYS[i % 5]}, with dozens more "
        f"still missing.\n\n"
        f"Rescue teams pulled {10 + i} more bodies from the lower town overnight, bringing the toll to "
        f"{200 + 7 * i} dead and {1000 + 13 * i:,} injured since the dam failed on Sunday, according to {other}.\n\n"
        f'"We will not rest until every family has been reached," Interior Minister Dana Okafor told '
        f"reporters. She said about {9000 + 100 * i:,} people had been moved to schools on higher ground.\n"
    )


def make_corpus(root: Path, n: int = 12, start: int = 0, bad: bool = True) -> Path:
    """A corpus folder: a CSV of ``n`` rows, two text files, one duplicate row, one rejected file."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "wire.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["outlet", "published", "url", "title", "text"])
        for i in range(start, start + n):
            w.writerow([OUTLETS[i % 5], f"2024-03-{4 + i % 4:02d}", f"https://example.org/{i}", f"Dam toll {i}",
                        article_text(i)])
        w.writerow([OUTLETS[start % 5], f"2024-03-{4 + start % 4:02d}", f"https://example.org/{start}",
                    f"Dam toll {start}", article_text(start)])  # an exact duplicate: collapsed and counted
    for j in (start + n, start + n + 1):
        (root / f"story-{j}.txt").write_text(
            f"# Dam toll rises\n\n{article_text(j)}\n<https://example.org/story-{j}>\n\nMeridian Wire Service\n",
            encoding="utf-8")
    if bad:
        (root / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    return root


def cli(*args: str) -> object:
    return runner.invoke(app, list(args), catch_exceptions=False)


def tables(folder: Path) -> dict[str, bytes]:
    """Every report file of a run folder (the store and settings aside), by name."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith("store.sqlite") and p.name != "settings.toml"}


def quick_html(frames: dict, out_dir: object, config: object = None) -> Path:
    """Stand-in for report.html.write_html (matplotlib timelines take seconds): a digest of every
    table, written through the same atomic path, so report comparisons still cover all frames."""
    import hashlib

    from provenance.report import atomic_write

    target = Path(str(out_dir)) / "report.html"
    lines = [f"{n} {hashlib.sha1(df.to_csv(index=False).encode()).hexdigest()}" for n, df in sorted(frames.items())]
    atomic_write(target, lambda tmp: Path(tmp).write_text("\n".join(lines) + "\n", encoding="utf-8"))
    return target


@pytest.fixture(autouse=True)
def _quick_html(monkeypatch: pytest.MonkeyPatch) -> None:
    from provenance.report import html

    monkeypatch.setattr(html, "write_html", quick_html)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "corpus")


def test_schema_has_tables_foreign_keys_indexes_and_wal(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    Store(db).close()
    c = sqlite3.connect(db)
    names = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "sentences", "dates", "figures", "attributions", "actors", "claims", "clusters", "runs",
            "rejections", "extractions", "store_meta"} <= names
    for child in ("sentences", "dates", "figures", "attributions", "actors", "extractions"):
        fks = c.execute(f"PRAGMA foreign_key_list({child})").fetchall()
        assert [(f[2], f[3], f[4]) for f in fks] == [("articles", "article_id", "article_id")], child
    assert {r[0] for r in c.execute("PRAGMA foreign_key_list(claims)")} == {0}
    idx = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"articles_outlet", "articles_published", "figures_metric", "actors_canonical"} <= idx
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert c.execute("SELECT value FROM store_meta WHERE key='schema_version'").fetchone()[0] == "2"


def test_a_schema_1_store_is_read_and_marked_2(tmp_path: Path) -> None:
    # Schema 1 stores hold zlib payloads: they are read as they are, and the store is marked 2
    # (it then gets zstd payloads, which a provenance reading schema 1 only would refuse).
    db = tmp_path / "s.sqlite"
    art = Article(article_id="a1", text="Ten people died.", source="x.txt")
    rows = {"articles": [{"article_id": "a1"}], "figures": [{"value": 10, "text": "Ten"}]}
    with Store(db) as s1:
        s1.put_extractions([(art, rows)], "v", derive_rows=False)
        old = zlib.compress(json.dumps(rows, separators=(",", ":")).encode("utf-8"), 1)
        s1.conn.execute("UPDATE extractions SET rows = ?", (old,))
        s1.conn.execute("UPDATE store_meta SET value = '1' WHERE key = 'schema_version'")
    with Store(db) as s2:
        assert s2.conn.execute("SELECT value FROM store_meta WHERE key='schema_version'").fetchone()[0] == "2"
        assert s2.load_rows("a1")["figures"] == rows["figures"]


def test_run_writes_store_and_rerun_reuses_every_article(corpus: Path, tmp_path: Path) -> None:
    r1 = cli("run", str(corpus), "--out", str(tmp_path / "a"), "--workers", "1", "-q")
    assert r1.exit_code == 1  # broken.txt is rejected
    db = tmp_path / "a" / "store.sqlite"
    r2 = cli("run", str(corpus), "--out", str(tmp_path / "b"), "--db", str(db), "--workers", "1", "-q")
    assert r2.exit_code == 1
    c = sqlite3.connect(db)
    runs = c.execute("SELECT command, articles, extracted, reused, rejected FROM runs ORDER BY run_id").fetchall()
    assert runs == [("run", 14, 14, 0, 1), ("run", 14, 0, 14, 1)]
    assert tables(tmp_path / "a") == tables(tmp_path / "b")
    n = c.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert n == 14
    assert c.execute("SELECT duplicates FROM articles WHERE source LIKE '%wire.csv#1'").fetchone()[0] == 1
    assert c.execute("SELECT count(*) FROM articles WHERE extractor_version = ''").fetchone()[0] == 0
    assert c.execute("SELECT input, reason FROM rejections WHERE run_id = 2").fetchall()[0][0].endswith("broken.txt")
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_child_rows_mirror_the_csv_tables(corpus: Path, tmp_path: Path) -> None:
    cli("run", str(corpus), "--out", str(tmp_path / "a"), "--workers", "1", "-q")
    c = sqlite3.connect(tmp_path / "a" / "store.sqlite")
    for table in ("dates", "figures", "attributions", "actors"):
        with open(tmp_path / "a" / f"{table}.csv", encoding="utf-8") as fh:
            n_csv = sum(1 for _ in csv.DictReader(fh))
        assert c.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == n_csv, table
    # every sentence a mention sits in is stored, with its text at its offsets
    for aid, i, s, e, text in c.execute('SELECT article_id, "index", start, "end", text FROM sentences'):
        full = c.execute("SELECT text FROM articles WHERE article_id = ?", (aid,)).fetchone()[0]
        assert full[s:e] == text
    assert c.execute("SELECT count(*) FROM figures f LEFT JOIN articles a USING (article_id) "
                     "WHERE a.article_id IS NULL").fetchone()[0] == 0


def test_add_extracts_only_what_is_new_and_report_equals_run(tmp_path: Path) -> None:
    part1 = make_corpus(tmp_path / "day1", n=6, start=0, bad=False)
    part2 = make_corpus(tmp_path / "day2", n=6, start=3, bad=False)  # overlaps day1 on articles 3..5
    db = tmp_path / "story.sqlite"
    r = cli("add", str(part1), "--db", str(db), "--workers", "1")
    assert r.exit_code == 0, r.output
    r = cli("add", str(part2), "--db", str(db), "--workers", "1")
    assert r.exit_code == 0, r.output
    runs = sqlite3.connect(db).execute("SELECT command, extracted, reused FROM runs ORDER BY run_id").fetchall()
    assert runs == [("add", 8, 0), ("add", 5, 3)]  # rows 3..5 of day2 are already in from day1
    again = cli("add", str(part2), "--db", str(db), "--workers", "1")
    assert again.exit_code == 0
    assert sqlite3.connect(db).execute("SELECT extracted, reused FROM runs ORDER BY run_id DESC").fetchone() == (0, 8)
    rep = cli("report", "--db", str(db), "--out", str(tmp_path / "rep"), "-q")
    assert rep.exit_code == 0, rep.output
    # the same articles through one `run` give the same tables, byte for byte
    both = tmp_path / "both"
    both.mkdir()
    for p in (part1, part2):
        for f in p.iterdir():
            (both / f"{p.name}-{f.name}").write_bytes(f.read_bytes())
    res = pipeline.run([str(both)], None, workers=1)
    arts = res.frames["articles"]
    with open(tmp_path / "rep" / "articles.csv", encoding="utf-8") as fh:
        rep_ids = [row["article_id"] for row in csv.DictReader(fh)]
    assert rep_ids == list(arts["article_id"])


def test_add_then_report_is_byte_identical_to_run(corpus: Path, tmp_path: Path) -> None:
    cli("run", str(corpus), "--out", str(tmp_path / "run"), "-q")  # default workers: same settings as report
    db = tmp_path / "s.sqlite"
    assert cli("add", str(corpus / "story-12.txt"), "--db", str(db), "--workers", "1", "-q").exit_code == 0
    assert cli("add", str(corpus), "--db", str(db), "--workers", "1", "-q").exit_code == 1
    assert cli("report", "--db", str(db), "--out", str(tmp_path / "rep"), "-q").exit_code == 0
    assert tables(tmp_path / "run") == tables(tmp_path / "rep")


def test_moved_corpus_reuses_rows_under_the_new_path(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    pipeline.run([str(corpus)], tmp_path / "a", workers=1, db=db)
    moved = tmp_path / "moved"
    corpus.rename(moved)
    res = pipeline.run([str(moved)], tmp_path / "b", workers=1, db=db)
    assert sqlite3.connect(db).execute("SELECT extracted, reused FROM runs ORDER BY run_id DESC").fetchone() == (0, 14)
    assert all(s.startswith(str(moved)) for s in res.frames["articles"]["source"])
    fresh = pipeline.run([str(moved)], None, workers=1)
    for t in ("articles", "dates", "figures", "attributions", "actors"):
        assert res.frames[t].to_csv(index=False) == fresh.frames[t].to_csv(index=False), t


def test_new_extractor_version_makes_rows_stale_explicitly(corpus: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "s.sqlite"
    assert cli("add", str(corpus), "--db", str(db), "--workers", "1", "-q").exit_code == 1
    from provenance.extract import dates

    monkeypatch.setattr(dates, "VERSION", dates.VERSION + "-next")
    r = cli("report", "--db", str(db), "--out", str(tmp_path / "rep"))
    assert r.exit_code == 2
    assert "14 article(s) in" in r.output and "were extracted by another extractor version or code" in r.output
    assert f"provenance add --refresh --db {db}" in r.output
    assert not (tmp_path / "rep").exists()
    assert cli("report", "--db", str(db), "--out", str(tmp_path / "stale"), "--allow-stale", "-q").exit_code == 0
    r = cli("add", "--refresh", "--db", str(db), "--workers", "1")
    assert r.exit_code == 0, r.output
    assert "re-extracted 14 stale article(s)" in r.output
    c = sqlite3.connect(db)
    assert {v for (v,) in c.execute("SELECT DISTINCT extractor_version FROM articles")} == {
        v for (v,) in c.execute("SELECT DISTINCT extractor_version FROM figures")}
    assert all(v.endswith("-next") or "-next" in v for (v,) in c.execute("SELECT extractor_version FROM articles"))
    assert cli("report", "--db", str(db), "--out", str(tmp_path / "rep"), "-q").exit_code == 0
    # a run with the new version re-extracts, it does not reuse the old rows
    assert cli("add", str(corpus), "--db", str(db), "--workers", "1", "-q").exit_code == 1
    assert c.execute("SELECT extracted, reused FROM runs ORDER BY run_id DESC").fetchone() == (0, 14)


def test_store_errors_are_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database at all" * 100)
    r = cli("add", "x", "--db", str(junk))
    assert r.exit_code == 2
    assert r.output.startswith(f"Error: {junk} is not a usable provenance store (file is not a database). "
                               "Choose another --db.")
    r = cli("report", "--db", str(tmp_path / "none.sqlite"), "--out", str(tmp_path / "o"))
    assert r.exit_code == 2
    assert f"Error: store not found: {tmp_path / 'none.sqlite'}. Create it with" in r.output
    r = cli("add", "--db", str(tmp_path / "s.sqlite"))
    assert r.exit_code == 2
    assert "Error: give at least one input to add (or --refresh)." in r.output
    newer = tmp_path / "newer.sqlite"
    Store(newer).close()
    c = sqlite3.connect(newer)
    c.execute("UPDATE store_meta SET value = '99' WHERE key = 'schema_version'")
    c.commit()
    c.close()
    with pytest.raises(StoreError, match=r"written by a newer provenance \(store schema 99"):
        Store(newer)


def test_locked_store_waits_then_gives_up_with_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    said: list[str] = []
    st = Store(db, wait=0.6, warn_after=0.1, on_wait=said.append)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(StoreError) as ei, st.transaction():
        pass
    assert str(ei.value) == (f"store {db} is locked by another process (waited 0.6 s). "
                             "Run again when it has finished, or use another --db.")
    assert said == [f"waiting for another provenance process writing {db} ..."]
    holder.execute("ROLLBACK")
    with st.transaction() as c:  # free again
        c.execute("INSERT INTO store_meta VALUES ('k', 'v')")
    st.close()


def test_library_add_and_report(corpus: Path, tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as st:
        res = add([str(corpus)], st, workers=1)
        assert (res.added, res.already, res.rejected, res.exit_code) == (14, 0, 1, 1)
        out = report_from_store(st, tmp_path / "rep")
        assert out.articles == 14
        assert st.counts()["runs"] == 2


scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**53, 2**53), st.text(max_size=20),
                    st.floats(allow_nan=False))


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60), rows=st.lists(st.dictionaries(
    st.sampled_from(["article_id", "index", "value", "text", "sentence", "sentence_start", "sentence_end", "x"]),
    st.one_of(scalars, st.tuples(scalars, scalars)), max_size=8), max_size=4))
def test_stored_rows_round_trip_exactly(text: str, rows: list[dict]) -> None:
    for r in rows:  # the sentence offsets frames.py writes are always ints within the text
        if "sentence_start" in r or "sentence_end" in r:
            r["sentence_start"], r["sentence_end"] = 0, len(text) // 2
            r["sentence"] = text[: len(text) // 2] if r.get("x") is None else r.get("sentence")
    back = unstrip(json.loads(json.dumps(strip({"figures": rows}, text))), text)["figures"]
    assert back == rows
    assert [list(r) for r in back] == [list(r) for r in rows]  # column order too


json_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)  # UTF-8 has no lone surrogates
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), json_text),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(json_text, inner, max_size=3), max_leaves=6)


@settings(max_examples=300, deadline=None)
@given(rows=st.dictionaries(st.sampled_from(["dates", "figures"]),
                            st.lists(st.dictionaries(json_text, json_values, max_size=6), max_size=4), max_size=2))
@example(rows={"figures": [{"value": 2**64}, {"value": -2**63 - 1, "low": 1.5}]})
@example(rows={"figures": [{"value": float("nan"), "high": float("inf")}], "dates": [{"x": [float("-inf")]}]})
@example(rows={"figures": [{"value": 1e300, "low": 1e300, "text": "1234567890123456789 digits"}]})
def test_payloads_decode_to_what_json_reads_whichever_library_wrote_them(rows: dict) -> None:
    expected = repr(json.loads(json.dumps(rows)))  # repr: NaN equals itself, 1 differs from 1.0
    payload = encode(rows)
    assert repr(decode(payload)) == expected
    assert payload[:4] == ZSTD_MAGIC
    assert repr(json.loads(zstandard.ZstdDecompressor().decompress(payload))) == expected  # as docs/store.md reads one
    # A payload written by json.dumps, as every store before orjson holds.
    before = zlib.compress(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 1)
    assert repr(decode(before)) == expected


def test_sqlite_utils_reads_the_store_as_it_is(corpus: Path, tmp_path: Path) -> None:
    sqlite_utils = pytest.importorskip("sqlite_utils")
    db = tmp_path / "s.sqlite"
    assert cli("add", str(corpus), "--db", str(db), "--workers", "1", "-q").exit_code == 1
    d = sqlite_utils.Database(db)
    assert {"articles", "figures", "attributions", "dates", "actors", "sentences", "runs"} <= set(d.table_names())
    assert d["articles"].count == 14
    assert [(fk.column, fk.other_table) for fk in d["figures"].foreign_keys] == [("article_id", "articles")]
    rows = list(d.query("SELECT a.outlet, f.value FROM figures f JOIN articles a USING (article_id)"))
    assert rows and any(r["outlet"] == "Radio Lumen" for r in rows)


def test_matching_tables_go_in_slices_with_the_schema_of_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # nulls first in some columns, one column all null, a nullable boolean: declared types and
    # column order must not depend on where the slices fall
    import pandas as pd

    from provenance.store import db

    df = pd.DataFrame({"a": [None, 1, 2], "b": [None, None, "x"], "c": [1.5, None, 2.0], "d": [None, None, None],
                       "e": pd.array([None, True, False], dtype="boolean")})

    def dump(rows: int) -> list[str]:
        monkeypatch.setattr(db, "TABLE_SLICE_ROWS", rows)
        path = tmp_path / f"s{rows}.sqlite"
        with db.Store(path) as st:
            st.record_run(command="run", started="t", inputs=[], version="v", counts={}, tables={"wide": df})
        return [line for line in sqlite3.connect(path).iterdump() if '"wide"' in line]

    one_pass, sliced = dump(10_000), dump(1)
    assert sliced == one_pass
    assert '"c" REAL, "a" REAL, "e" INTEGER, "b" TEXT, "d"' in one_pass[0]  # order of first non-null values
    assert len([line for line in sliced if line.startswith("INSERT")]) == 3


def test_pivot_tables_stay_out_of_the_store_and_values_go_in_as_sql_values(tmp_path: Path) -> None:
    import pandas as pd

    from provenance.store import db

    path = tmp_path / "s.sqlite"
    long = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "f": [0.5, float("nan")], "ok": [True, False],
                         "l": [["a", "b"], None], "s": ["x", None]})
    pivot = pd.DataFrame({"cluster_id": ["c1"], "Outlet A": ["212 [Health Ministry]"]})
    with db.Store(path) as st:
        st.conn.execute('CREATE TABLE attribution_table (run_id INTEGER, "row" INTEGER)')  # an older store's
        st.record_run(command="run", started="t", inputs=[], version="v", counts={},
                      tables={"discrepancies": long, "figure_table": pivot, "attribution_table": pivot})
    con = sqlite3.connect(path)
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "discrepancies" in names and not names & db.PIVOT_TABLES
    rows = con.execute('SELECT "row", n, f, ok, l, s FROM discrepancies ORDER BY "row"').fetchall()
    assert rows == [(0, 1, 0.5, 1, '["a", "b"]', "x"), (1, None, None, 0, None, None)]
