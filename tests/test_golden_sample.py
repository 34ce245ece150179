"""reports/sample/ is the output of the README's first command, kept byte for byte.

The test reruns ``provenance run corpora/sample --out <tmp>`` from the repository root and compares
every file with reports/sample/. A change to the output must be deliberate:

    PROVENANCE_UPDATE_GOLDEN=1 python -m pytest tests/test_golden_sample.py

rewrites reports/sample/ from the current code (review the diff, commit it with the change).
The SQLite store (store.sqlite) is a cache of the run, not a report; it is not compared.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest
from conftest import REPO
from typer.testing import CliRunner

from provenance.cli import app

GOLDEN = REPO / "reports" / "sample"
UPDATE = os.environ.get("PROVENANCE_UPDATE_GOLDEN", "") == "1"
NOT_COMPARED = (".sqlite", ".sqlite-wal", ".sqlite-shm", ".tmp")
# The README's first command, with the folder it writes replaced by a temporary one.
README_ARGS = ["run", "corpora/sample", "--out"]


def _files(folder: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith(".") and not p.name.endswith(NOT_COMPARED)}


def _diff(golden: Path, new: Path) -> str:
    try:
        a = golden.read_text("utf-8").splitlines()
        b = new.read_text("utf-8").splitlines()
    except UnicodeDecodeError:
        return f"{golden.name}: binary files differ"
    lines = list(difflib.unified_diff(a, b, f"reports/sample/{golden.name}", f"new/{new.name}", lineterm="", n=1))
    return "\n".join(line[:300] for line in lines[:40])


def test_sample_report_matches_golden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # sources in the tables are written as given: corpora/sample/...
    out = tmp_path / "sample"
    res = CliRunner().invoke(app, [*README_ARGS, str(out)])
    assert res.exit_code == 0, res.output + (res.stderr or "")
    new = _files(out)
    assert "report.html" in new and "articles.csv" in new
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for name, old in _files(GOLDEN).items():
            if name not in new:
                old.unlink()
        for name, p in new.items():
            shutil.copyfile(p, GOLDEN / name)
        pytest.skip(f"PROVENANCE_UPDATE_GOLDEN=1: rewrote {GOLDEN}; review and commit the diff")
    if not GOLDEN.exists():
        pytest.fail(f"{GOLDEN} is missing. Create it with PROVENANCE_UPDATE_GOLDEN=1 python -m pytest {__file__}")
    golden = _files(GOLDEN)
    assert sorted(golden) == sorted(new), "the run writes a different set of files than reports/sample/ holds"
    changed = [name for name in golden if golden[name].read_bytes() != new[name].read_bytes()]
    assert not changed, (
        "reports/sample/ differs from a fresh run of the README's first command (if the change is intended: "
        "PROVENANCE_UPDATE_GOLDEN=1 python -m pytest tests/test_golden_sample.py):\n"
        + "\n".join(_diff(golden[n], new[n]) for n in changed))


def test_run_is_deterministic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two runs give identical files: no timestamps, random ids or unordered output anywhere."""
    monkeypatch.chdir(REPO)
    outs = []
    for i in range(2):
        out = tmp_path / f"r{i}"
        res = CliRunner().invoke(app, ["run", "corpora/sample", "--out", str(out), "--quiet", "--workers", "1"])
        assert res.exit_code == 0, res.output
        outs.append(_files(out))
    assert sorted(outs[0]) == sorted(outs[1])
    for name in outs[0]:
        assert outs[0][name].read_bytes() == outs[1][name].read_bytes(), name
