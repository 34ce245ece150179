"""``provenance run`` and ``provenance extract``: exit codes 0/1/2 and one-line errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO
from typer.testing import CliRunner

from provenance.cli import app

runner = CliRunner()
SAMPLE = str(REPO / "corpora" / "sample")


def test_run_sample_exit_0_and_tables(tmp_path: Path) -> None:
    out = tmp_path / "r"
    res = runner.invoke(app, ["run", SAMPLE, "--out", str(out), "--quiet", "--workers", "1"])
    assert res.exit_code == 0, res.output
    arts = pd.read_csv(out / "articles.csv")
    assert len(arts) == 5 and arts["outlet"].notna().all() and arts["published"].notna().all()
    rej = pd.read_csv(out / "rejected.csv")
    assert rej["skipped"].all()  # only the corpus README
    assert (out / "settings.toml").exists()


def test_run_with_a_rejected_input_exits_1_and_lists_it(tmp_path: Path) -> None:
    bad = tmp_path / "broken.csv"
    bad.write_text("date,toll\n2023-10-22,4651\n", encoding="utf-8")
    out = tmp_path / "r"
    res = runner.invoke(app, ["run", SAMPLE, str(bad), "--out", str(out), "--quiet", "--workers", "1"])
    assert res.exit_code == 1
    rej = pd.read_csv(out / "rejected.csv")
    row = rej[rej["input"] == str(bad)].iloc[0]
    assert row["reason"].startswith("no text column")


def test_missing_input_is_usage_error_with_one_line(tmp_path: Path) -> None:
    res = runner.invoke(app, ["run", str(tmp_path / "nope"), "--out", str(tmp_path / "r")])
    assert res.exit_code == 2
    assert res.stderr.strip() == f"Error: input not found: {tmp_path / 'nope'}. Check the path."


def test_unknown_column_is_usage_error(tmp_path: Path) -> None:
    t = tmp_path / "t.csv"
    t.write_text("who,words\nReuters,Three people died.\n", encoding="utf-8")
    res = runner.invoke(app, ["run", str(t), "--text-col", "body", "--out", str(tmp_path / "r"), "--quiet"])
    assert res.exit_code == 2
    assert res.stderr.strip() == (f"Error: column 'body' (--text-col) is not in {t}. Its columns are: who, words.")


def test_unwritable_output_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # CI runs as root, which permission bits do not stop, so the access check itself is faked.
    ro = tmp_path / "ro"
    ro.mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == ro and mode & os.W_OK else real(p, mode))
    res = runner.invoke(app, ["run", SAMPLE, "--out", str(ro), "--quiet"])
    assert res.exit_code == 2
    assert res.stderr.strip() == f"Error: output folder {ro} is not writable. Choose a writable --out."


def test_output_path_that_is_a_file(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x", encoding="utf-8")
    res = runner.invoke(app, ["run", SAMPLE, "--out", str(f / "r"), "--quiet"])
    assert res.exit_code == 2
    assert res.stderr.startswith(f"Error: cannot create output folder {f / 'r'}:")
    assert res.stderr.strip().endswith("Choose a writable --out.")


def test_bad_format_is_usage_error(tmp_path: Path) -> None:
    res = runner.invoke(app, ["run", SAMPLE, "--out", str(tmp_path / "r"), "--format", "xlsx"])
    assert res.exit_code == 2 and "use csv or parquet" in res.output + res.stderr


def test_bad_settings_file_is_usage_error(tmp_path: Path) -> None:
    s = tmp_path / "s.toml"
    s.write_text("[ingest]\nyeer = 1\n", encoding="utf-8")
    res = runner.invoke(app, ["run", SAMPLE, "--out", str(tmp_path / "r"), "--config", str(s)])
    assert res.exit_code == 2
    assert res.stderr.strip() == "Error: unknown setting 'ingest.yeer'. Check the spelling against `provenance config`." \
        or res.stderr.startswith("Error: unknown setting 'ingest.yeer'")


def test_extract_to_stdout_one_object_per_article(tmp_path: Path) -> None:
    res = runner.invoke(app, ["extract", SAMPLE, "--out", "-"])
    assert res.exit_code == 0, res.stderr
    objs = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(objs) == 5 and all(o["text"] for o in objs)


def test_extract_reports_rejections_on_stderr_and_exits_1(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    out = tmp_path / "x.jsonl"
    res = runner.invoke(app, ["extract", str(empty), "--out", str(out)])
    assert res.exit_code == 1
    assert res.stderr.strip() == f"rejected: {empty}: empty file"
    assert out.read_text(encoding="utf-8") == ""


def test_parquet_and_bom(tmp_path: Path) -> None:
    out = tmp_path / "p"
    assert runner.invoke(app, ["run", SAMPLE, "--out", str(out), "--format", "parquet", "-q", "-w", "1"]).exit_code == 0
    assert len(pd.read_parquet(out / "articles.parquet")) == 5
    out2 = tmp_path / "b"
    assert runner.invoke(app, ["run", SAMPLE, "--out", str(out2), "--bom", "-q", "-w", "1"]).exit_code == 0
    assert (out2 / "articles.csv").read_bytes().startswith(b"\xef\xbb\xbf")
