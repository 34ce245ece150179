"""``provenance check``: ranked matches, formats, help, one-line errors (CliRunner)."""

from __future__ import annotations

import json

import pytest
from test_match import _headline_frames
from typer.testing import CliRunner

from provenance.cli import app
from provenance.config import load_config
from provenance.match import cluster_claims
from provenance.match.check import check_claim

runner = CliRunner()


@pytest.fixture
def corpus(tmp_path):
    # Headline rows modelled on gaza-news (date, publisher, title, url), written by us.
    p = tmp_path / "headlines.tsv"
    p.write_text(
        "2023-10-28\tNorth Ledger\tGaza death toll passes 8,000, health ministry says - North Ledger\thttps://north.example/a\n"
        "2023-10-28\tHarbour Post\tPalestinian death toll tops 8,000 in Gaza - Harbour Post\thttps://harbour.example/b\n"
        "2023-10-17\tHarbour Post\tGaza death toll rises to 3,478 - Harbour Post\thttps://harbour.example/c\n"
        "2023-10-20\tNorth Ledger\tBakery reopens in the old town - North Ledger\thttps://north.example/d\n",
        encoding="utf-8")
    return p


def test_check_library_ranks_structured_matches_first():
    claims, _ = cluster_claims(_headline_frames(), load_config())
    res = check_claim("Gaza death toll passes 10,000", claims, load_config())
    assert list(res["rank"]) == list(range(1, len(res) + 1))
    assert set(res["outlet"]) == {"Reuters", "NPR", "NBC News"}  # not 3,478 nor 8,300
    assert res["score"].is_monotonic_decreasing


def test_check_csv(corpus):
    r = runner.invoke(app, ["check", "Israel has killed more than 8,000 Palestinians in Gaza", str(corpus),
                            "--format", "csv", "-q", "-w", "1"])
    assert r.exit_code == 0, r.output
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("rank,score,rule,outlet,published,attributed_to")
    assert len(lines) == 3 and "3,478" not in r.stdout


def test_check_json(corpus):
    r = runner.invoke(app, ["check", "Gaza death toll passes 8,000", str(corpus), "--format", "json", "-q", "-w", "1"])
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert {x["outlet"] for x in rows} == {"North Ledger", "Harbour Post"}
    assert all({"article_id", "start", "end", "source"} <= set(x) for x in rows)


def test_check_bad_format(corpus):
    r = runner.invoke(app, ["check", "x", str(corpus), "--format", "xml"])
    assert r.exit_code == 2


def test_check_missing_input_is_one_line(tmp_path):
    r = runner.invoke(app, ["check", "x", str(tmp_path / "nothing.txt")])
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: ") and r.stderr.count("\n") == 1


def test_check_has_help():
    r = runner.invoke(app, ["check", "--help"])
    assert r.exit_code == 0 and "--format" in r.stdout


def test_run_reference_unreadable_is_one_line(tmp_path, corpus):
    bad = tmp_path / "ref.csv"
    bad.write_text("x\n", encoding="utf-8")
    r = runner.invoke(app, ["run", str(corpus), "--out", str(tmp_path / "out"), "--reference", str(bad), "-q"])
    assert r.exit_code == 2
    assert r.stderr == (f"Error: reference file {bad}: has no column date, metric, place, value. "
                        "Give a CSV with columns date, metric, place, value\n")
