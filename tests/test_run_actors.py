"""``provenance run --actors FILE``: user alias files reach every extraction worker, and the store
re-extracts under them (conftest resets the registry after each test: aliases load process-wide)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from provenance import pipeline
from provenance.cli import app
from provenance.extract import extractor_version

ALIASES = "canonical,type,aliases,affiliation\nMarrow Water Authority,agency,the dam agency|the dam office,\n"


def _corpus(tmp_path: Path) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    for i, outlet in enumerate(("Daily Lumen", "Marrow Courier", "Estrania Wire")):
        (d / f"a{i}.txt").write_text(
            f"# Dam toll rises\n\nPublished: 2024-03-0{i + 5}\nOutlet: {outlet}\n\n"
            f"The dam agency said on Tuesday that {12 + i} people were still missing after the flood. "
            "Rescue teams searched the valley through the night.\n",
            encoding="utf-8",
        )
    return d


def _sources(result: pipeline.RunResult) -> set[str]:
    atts = result.frames["attributions"]
    return {c for c in atts["source_canonical"] if isinstance(c, str)}


@pytest.mark.parametrize("workers", [1, 2])
def test_run_with_user_aliases_uses_them_in_every_worker(tmp_path: Path, workers: int) -> None:
    corpus = _corpus(tmp_path)
    plain = pipeline.run([str(corpus)], None, workers=workers)
    assert "Marrow Water Authority" not in _sources(plain)
    f = tmp_path / "my-actors.csv"
    f.write_text(ALIASES, encoding="utf-8")
    mine = pipeline.run([str(corpus)], None, workers=workers, actors_files=[f])
    assert _sources(mine) == {"Marrow Water Authority"}, _sources(mine)
    versions = set(mine.frames["articles"]["extractor_version"])
    assert len(versions) == 1 and versions != set(plain.frames["articles"]["extractor_version"])
    assert next(iter(versions)) == extractor_version() and "-u" in next(iter(versions))


def test_store_reextracts_when_the_aliases_change(tmp_path: Path) -> None:
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    pipeline.run([str(corpus)], out, workers=1)
    f = tmp_path / "my-actors.csv"
    f.write_text(ALIASES, encoding="utf-8")
    again = pipeline.run([str(corpus)], out, workers=1, actors_files=[f])
    assert _sources(again) == {"Marrow Water Authority"}  # not the stored rows of the first run


def test_cli_run_actors_option_and_its_errors(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    f = tmp_path / "my-actors.csv"
    f.write_text(ALIASES, encoding="utf-8")
    runner = CliRunner()
    ok = runner.invoke(app, ["run", str(corpus), "--out", str(tmp_path / "r"), "--actors", str(f), "--quiet"])
    assert ok.exit_code == 0, ok.output
    assert "Marrow Water Authority" in (tmp_path / "r" / "attributions.csv").read_text("utf-8")
    missing = runner.invoke(app, ["run", str(corpus), "--out", str(tmp_path / "m"), "--actors",
                                  str(tmp_path / "nope.csv"), "--quiet"])
    assert missing.exit_code == 2 and "cannot read actor file" in missing.output
    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind\nX,y\n", encoding="utf-8")
    wrong = runner.invoke(app, ["run", str(corpus), "--out", str(tmp_path / "w"), "--actors", str(bad), "--quiet"])
    assert wrong.exit_code == 2 and "holds no actor" in wrong.output


def test_add_refresh_and_report_take_the_actor_files(tmp_path: Path) -> None:
    """``add --actors`` extracts under the aliases, ``report --actors`` finds the store current and
    reports them, and ``add --refresh --actors`` re-extracts a store built without them."""
    from provenance.extract import actors

    corpus, db, f = _corpus(tmp_path), tmp_path / "story.sqlite", tmp_path / "my-actors.csv"
    f.write_text(ALIASES, encoding="utf-8")
    runner = CliRunner()
    added = runner.invoke(app, ["add", str(corpus), "--db", str(db), "--actors", str(f), "--quiet"])
    assert added.exit_code == 0, added.output
    rep = runner.invoke(app, ["report", "--db", str(db), "--out", str(tmp_path / "r"), "--actors", str(f), "--quiet"])
    assert rep.exit_code == 0, rep.output
    assert "Marrow Water Authority" in (tmp_path / "r" / "attributions.csv").read_text("utf-8")

    actors.reset_registry()  # a new process: the packaged registry only
    plain_db = tmp_path / "plain.sqlite"
    assert runner.invoke(app, ["add", str(corpus), "--db", str(plain_db), "--quiet"]).exit_code == 0
    stale = runner.invoke(app, ["report", "--db", str(plain_db), "--out", str(tmp_path / "s"), "--actors", str(f)])
    assert stale.exit_code == 2 and "add --refresh" in stale.output  # rows extracted without the aliases
    refreshed = runner.invoke(app, ["add", "--refresh", "--db", str(plain_db), "--actors", str(f)])
    assert refreshed.exit_code == 0 and "re-extracted 3 stale" in refreshed.output, refreshed.output
    again = runner.invoke(app, ["report", "--db", str(plain_db), "--out", str(tmp_path / "p"), "--actors", str(f),
                                "--quiet"])
    assert again.exit_code == 0, again.output
    assert "Marrow Water Authority" in (tmp_path / "p" / "attributions.csv").read_text("utf-8")
