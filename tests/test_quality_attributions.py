"""Quality gate: attribution extraction on PolNeAR dev must not fall below pinned floors.

The floors live in benchmarks/baselines/attributions.json (measured, rounded down slightly).
Lowering one is a deliberate act: change the file in the same commit and say why.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import shared_path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import eval_attributions

BASELINE = json.loads((REPO / "benchmarks" / "baselines" / "attributions.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def dev_metrics() -> dict[str, object]:
    split = shared_path("polnear", "data", "dev")
    return eval_attributions.evaluate(split)


@pytest.mark.parametrize("measure", sorted(BASELINE["floors"]))
def test_floor(dev_metrics: dict[str, object], measure: str) -> None:
    part, _, stat = measure.rpartition(".")
    got = dev_metrics[part][stat]  # type: ignore[index]
    floor = BASELINE["floors"][measure]
    assert got >= floor, f"{measure} = {got} fell below the pinned floor {floor}"


def test_every_dev_article_scored(dev_metrics: dict[str, object]) -> None:
    assert dev_metrics["articles"] == BASELINE["articles"]


@pytest.fixture(scope="module")
def dev_metrics_rules_only() -> dict[str, object]:
    from provenance.extract import attribution_tagger

    split = shared_path("polnear", "data", "dev")
    attribution_tagger.use_model(False)
    try:
        return eval_attributions.evaluate(split)
    finally:
        attribution_tagger.use_model(True)


@pytest.mark.parametrize("measure", sorted(BASELINE["rules_only_floors"]))
def test_rules_only_floor(dev_metrics_rules_only: dict[str, object], measure: str) -> None:
    part, _, stat = measure.rpartition(".")
    got = dev_metrics_rules_only[part][stat]  # type: ignore[index]
    floor = BASELINE["rules_only_floors"][measure]
    assert got >= floor, f"rules-only {measure} = {got} fell below the pinned floor {floor}"
