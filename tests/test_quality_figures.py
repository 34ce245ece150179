"""Quality gate for figure extraction: the measured floors in benchmarks/baselines/figures.json.

The gold set (tests/gold/figures/gold.jsonl) references real sentences in ../shared/data by
file, row and sha1; ``benchmarks/eval_figures.py`` resolves them and scores the extractor.
A change that lowers a measure below its floor fails here, unless the baseline is lowered
deliberately in the same commit with the reason. Skips without ../shared/data, fails under CI=true.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import pytest
from conftest import shared_path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from eval_figures import GOLD, GoldError, evaluate, load_gold

BASELINE = json.loads((REPO / "benchmarks" / "baselines" / "figures.json").read_text("utf-8"))
# The bars issue 3 sets on the test split.
BARS = {"detection_f1": 0.95, "strict_kih_f1": 0.90, "source_accuracy": 0.90}


@functools.cache
def _measures(split: str, mode: str) -> dict[str, float]:
    """The gated measures for one split and source mode (scored once per test session)."""
    m = evaluate(split, shared_path(), use_attributions=(mode == "pipeline"))
    return {
        "detection_f1": m["detection"]["f1"],
        "strict_f1": m["strict"]["f1"],
        "strict_kih_f1": m["strict_kih"]["f1"],
        "source_accuracy": m["source_accuracy"],
        "source_accuracy_kih": m["source_accuracy_kih"],
    }


@pytest.mark.parametrize("mode", ["pipeline", "fallback"])
@pytest.mark.parametrize("split", ["dev", "test"])
def test_floors(split: str, mode: str) -> None:
    got = _measures(split, mode)
    floors = BASELINE[mode][split]
    below = {k: (got[k], floor) for k, floor in floors.items() if got[k] < floor}
    assert not below, f"{mode}/{split} below its floor (measured, floor): {below}"


def test_issue_bars_on_test_split() -> None:
    got = _measures("test", "pipeline")
    assert all(got[k] >= bar for k, bar in BARS.items()), got


def test_gold_set_resolves_and_is_large_enough() -> None:
    items = load_gold(shared_path(), split="all")
    assert len(items) >= 300
    assert {i.split for i in items} == {"dev", "test"}
    outlets = {Path(i.file).stem for i in items}
    assert any("nyt" in o for o in outlets) and any("wp" in o for o in outlets) and any("wsj" in o for o in outlets)
    assert any("claims" in o for o in outlets)
    for it in items:
        for f in it.figures:
            assert 0 <= f["start"] < f["end"] <= len(it.text)


def test_checksum_mismatch_fails_loudly(tmp_path: Path) -> None:
    data = shared_path()
    line = json.loads(GOLD.read_text("utf-8").splitlines()[0])
    line["sha1"] = "0" * 40
    bad = tmp_path / "gold.jsonl"
    bad.write_text(json.dumps(line) + "\n", "utf-8")
    with pytest.raises(GoldError, match="checksum mismatch"):
        load_gold(data, gold=bad)


def test_gold_holds_no_sentence_text() -> None:
    for line in GOLD.read_text("utf-8").splitlines():
        ref = json.loads(line)
        assert set(ref) == {"file", "row", "sha1", "stratum", "split", "figures"}
        for f in ref["figures"]:
            assert "text" not in f
