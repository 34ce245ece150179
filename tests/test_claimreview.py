"""ClaimReview JSON-LD: every property is a schema.org property of its type, with the expected
types, and Google's required fields (claimReviewed, reviewRating.alternateName, url) are there.

Property lists from https://schema.org/ClaimReview, /Claim, /Rating, /CreativeWork, /Organization,
/Person (the properties this exporter may write; a new one must be added here deliberately).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from report_frames import matched_frames
from typer.testing import CliRunner

from provenance.cli import app
from provenance.config import load_config
from provenance.errors import InputError
from provenance.report import write_report
from provenance.report.claimreview import claim_review

runner = CliRunner()

# type -> {property: allowed value kinds}; "Text", "URL", "Date", "Number" are literals.
SCHEMA: dict[str, dict[str, tuple[str, ...]]] = {
    "ClaimReview": {"claimReviewed": ("Text",), "itemReviewed": ("Claim",), "reviewRating": ("Rating",),
                    "url": ("URL",), "author": ("Organization", "Person"), "datePublished": ("Date",),
                    "name": ("Text",), "reviewBody": ("Text",)},
    "Claim": {"appearance": ("CreativeWork",), "firstAppearance": ("CreativeWork",),
              "author": ("Organization", "Person"), "datePublished": ("Date",), "text": ("Text",),
              "name": ("Text",)},
    "Rating": {"alternateName": ("Text",), "ratingValue": ("Number", "Text"), "bestRating": ("Number", "Text"),
               "worstRating": ("Number", "Text"), "ratingExplanation": ("Text",), "name": ("Text",)},
    "CreativeWork": {"url": ("URL",), "headline": ("Text",), "datePublished": ("Date",),
                     "publisher": ("Organization", "Person"), "author": ("Organization", "Person"),
                     "name": ("Text",)},
    "Organization": {"name": ("Text",), "url": ("URL",)},
    "Person": {"name": ("Text",), "url": ("URL",)},
}


def _check(node: Any, allowed: tuple[str, ...], where: str) -> None:
    """Recursively check a JSON-LD value against SCHEMA."""
    if isinstance(node, list):
        for i, x in enumerate(node):
            _check(x, allowed, f"{where}[{i}]")
        return
    if isinstance(node, dict):
        t = node.get("@type")
        assert t in allowed, f"{where}: @type {t!r} is not one of {allowed}"
        props = SCHEMA[t]
        for k, v in node.items():
            if k in ("@type", "@context"):
                continue
            assert k in props, f"{where}: {k!r} is not a schema.org {t} property here"
            _check(v, props[k], f"{where}.{k}")
        return
    if isinstance(node, bool):
        pytest.fail(f"{where}: booleans are not expected")
    if isinstance(node, (int, float)):
        assert "Number" in allowed, f"{where}: number where {allowed} expected"
        return
    assert isinstance(node, str) and node.strip(), f"{where}: empty value"
    if "URL" in allowed:
        assert node.startswith(("http://", "https://")), f"{where}: not a URL: {node}"
    elif "Date" in allowed:
        dt.date.fromisoformat(node[:10])
    else:
        assert {"Text", "Number"} & set(allowed), f"{where}: text where {allowed} expected"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    frames = matched_frames()
    out = tmp_path_factory.mktemp("run")
    write_report(frames, out, load_config())
    return out


def _review(run_dir: Path, **kw: Any) -> dict[str, Any]:
    args: dict[str, Any] = {"rating": "Misleading", "review_url": "https://factcheck.example/dam-toll",
                            "reviewer": "Example Fact Check", "date_published": "2024-03-08"}
    args.update(kw)
    return claim_review(run_dir, "cc-toll", **args)


def test_valid_claimreview(run_dir: Path) -> None:
    doc = _review(run_dir, rating_value=2, best_rating=5, worst_rating=1)
    assert doc["@context"] == "https://schema.org"
    _check(doc, ("ClaimReview",), "ClaimReview")
    # Google's required ClaimReview fields
    assert doc["claimReviewed"] and doc["url"] and doc["reviewRating"]["alternateName"] == "Misleading"


def test_appearances_are_every_article_of_the_cluster_first_one_first(run_dir: Path) -> None:
    doc = _review(run_dir)
    claims = pd.read_csv(run_dir / "claims.csv")
    mine = claims[claims["cluster_id"] == "cc-toll"]
    apps = doc["itemReviewed"]["appearance"]
    assert len(apps) == mine["article_id"].nunique()
    assert {a["publisher"]["name"] for a in apps} == set(mine["outlet"])
    dates = [a["datePublished"] for a in apps]
    assert dates == sorted(dates)
    assert doc["itemReviewed"]["firstAppearance"] == apps[0]
    assert doc["itemReviewed"]["datePublished"] == dates[0]
    assert doc["itemReviewed"]["author"]["name"]  # the source as attributed


def test_claim_text_override(run_dir: Path) -> None:
    assert _review(run_dir, claim_text="212 people were killed")["claimReviewed"] == "212 people were killed"


def test_unknown_cluster(run_dir: Path) -> None:
    with pytest.raises(InputError, match="no cluster nope in"):
        claim_review(run_dir, "nope", rating="x", review_url="https://x.example", reviewer="x",
                     date_published="2024-01-01")


def test_cli_writes_json(run_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "review.json"
    res = runner.invoke(app, ["claimreview", "cc-toll", "--rating", "Misleading", "--url",
                              "https://factcheck.example/x", "--by", "Example Fact Check", "--run", str(run_dir),
                              "--date", "2024-03-08", "--out", str(out)])
    assert res.exit_code == 0, res.output
    _check(json.loads(out.read_text("utf-8")), ("ClaimReview",), "ClaimReview")


def test_cluster_from_figure_cells(run_dir: Path) -> None:
    doc = claim_review(run_dir, "fc-killed", rating="x", review_url="https://x.example", reviewer="x",
                       date_published="2024-01-01")
    _check(doc, ("ClaimReview",), "ClaimReview")
    assert len(doc["itemReviewed"]["appearance"]) == 5


@pytest.mark.parametrize("extra, message", [
    (["--url", "factcheck.example/x"],
     "Error: --url factcheck.example/x is not a web address. Give the fact-check's URL, starting with https://."),
    (["--date", "8 March"], "Error: --date 8 March is not a date. Use YYYY-MM-DD."),
])
def test_cli_user_mistakes(run_dir: Path, extra: list[str], message: str) -> None:
    args = ["claimreview", "cc-toll", "--rating", "Misleading", "--url", "https://factcheck.example/x",
            "--by", "Example Fact Check", "--run", str(run_dir)]
    res = runner.invoke(app, args + extra)
    assert res.exit_code == 2
    assert res.stderr.strip() == message


def test_cli_run_without_claims(tmp_path: Path) -> None:
    (tmp_path / "articles.csv").write_text("article_id\n", encoding="utf-8")
    res = runner.invoke(app, ["claimreview", "c1", "--rating", "x", "--url", "https://x.example", "--by", "x",
                              "--run", str(tmp_path)])
    assert res.exit_code == 2
    assert res.stderr.strip() == (f"Error: no claims table in {tmp_path}: this run did not match claims across "
                                  "outlets. Rerun `provenance run` with matching available.")
