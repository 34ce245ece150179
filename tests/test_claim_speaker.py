"""A claim keeps its attributed speaker when its figure has no source of its own."""

from __future__ import annotations

from pathlib import Path

from provenance import pipeline


def test_figure_without_source_keeps_the_claims_speaker(tmp_path: Path) -> None:
    # Two figures: one with a source (so the figures' source_group column holds strings and a
    # missing value is NaN, which is truthy), one inside a quote whose figure has no source.
    (tmp_path / "a.txt").write_text(
        "# Budget\n\nPublished: 2013-01-10\nOutlet: Daily Lumen\n\n"
        "At least 12 people were killed in the flood, the Health Ministry said. Senator Jane Roe stressed "
        'her role in presiding over "three budget surpluses in a row" at the budget office.\n', encoding="utf-8")
    frames = pipeline.run([str(tmp_path)], None, workers=1).frames
    figs = frames["figures"].set_index("text")
    assert not isinstance(figs.loc["three", "source_group"], str)  # the case under test
    claims = frames["claims"].set_index("figure_id")
    three = claims.loc[figs.loc["three", "figure_id"]]
    assert three["speaker_text"] == "Senator Jane Roe"
    assert three["speaker"] == "Jane Roe"
    assert claims.loc[figs.loc["At least 12", "figure_id"], "speaker"] == "Health Ministry"
