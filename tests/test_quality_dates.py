"""Quality gate for the date extractor: TBAQ metrics must not fall below their pinned floors.

The floors live in ``benchmarks/baselines/dates.json`` (measured, rounded down a little). A
change that lowers a metric fails here unless the baseline is lowered in the same commit,
with the reason in the commit message. The evaluation itself is ``benchmarks/eval_dates.py``.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import REPO, shared_path

BASELINE = REPO / "benchmarks" / "baselines" / "dates.json"


def _eval_module() -> ModuleType:
    """Import benchmarks/eval_dates.py (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("eval_dates", REPO / "benchmarks" / "eval_dates.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["eval_dates"] = mod  # dataclasses look their module up while it executes
    spec.loader.exec_module(mod)
    return mod


def _floors() -> list[tuple[str, str, float]]:
    data = json.loads(BASELINE.read_text(encoding="utf-8"))
    return [(split, k, v) for split, metrics in data["floors"].items() for k, v in metrics.items()]


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, float]]:
    tml: Path = shared_path("tempeval3", "TempEval3-train_TML")
    ev = _eval_module()
    return {split: ev.evaluate(split, tml) for split in ("dev", "test")}


@pytest.mark.shared_data
@pytest.mark.parametrize("split, metric, floor", _floors())
def test_metric_at_or_above_floor(
    results: dict[str, dict[str, float]], split: str, metric: str, floor: float
) -> None:
    got = results[split][metric]
    assert got >= floor, f"{split} {metric} = {got:.4f} fell below its floor {floor} ({BASELINE.name})"


@pytest.mark.shared_data
def test_split_is_stable(results: dict[str, dict[str, float]]) -> None:
    # The split depends on file names only: 134 dev and 122 test documents.
    assert (results["dev"]["n_docs"], results["test"]["n_docs"]) == (134, 122)
