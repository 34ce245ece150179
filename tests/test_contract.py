"""The extract contract: keys always present, offsets index the text, JSON round-trips."""

from __future__ import annotations

import json

from conftest import REPO, shared_path
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.extract import extract_article
from provenance.ingest import ingest
from provenance.models import Article, extraction_from_dict

TOP = {"article_id", "outlet", "published", "url", "title", "source", "text", "dates", "figures",
       "attributions", "actors"}
SPAN_KEYS = {"dates": {"start", "end", "text", "value", "granularity"},
             "figures": {"start", "end", "text", "value", "low", "high", "qualifier", "metric", "counted", "source"},
             "actors": {"start", "end", "text", "canonical", "type"}}


def _check(d: dict) -> None:
    assert TOP <= set(d)
    text = d["text"]
    for key, needed in SPAN_KEYS.items():
        for item in d[key]:
            assert needed <= set(item)
            assert text[item["start"]:item["end"]] == item["text"]
    for f in d["figures"]:
        if f["source"] is not None:
            assert {"start", "end", "text", "canonical"} <= set(f["source"])
            assert text[f["source"]["start"]:f["source"]["end"]] == f["source"]["text"]
    for a in d["attributions"]:
        assert a["kind"] in ("direct", "indirect", "mixed", "according_to")
        assert text[a["cue"]["start"]:a["cue"]["end"]] == a["cue"]["text"]
        for c in a["content"]:
            assert 0 <= c["start"] < c["end"] <= len(text)


def test_sample_corpus_contract_and_round_trip() -> None:
    arts, _ = ingest([str(REPO / "corpora" / "sample")])
    assert arts
    for a in arts:
        x = extract_article(a)
        d = json.loads(json.dumps(x.to_dict()))
        _check(d)
        assert extraction_from_dict(d).to_dict() == d


def test_seed_contract() -> None:
    arts, _ = ingest([str(shared_path("seed"))], year=2023)
    d = extract_article(arts[0]).to_dict()
    _check(d)
    assert d["text"] == next(shared_path("seed").iterdir()).read_text(encoding="utf-8")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_a_valid_contract(text: str) -> None:
    d = extract_article(Article(article_id="x", text=text, source="-", published="2023-10-31",
                                published_precision="day")).to_dict()
    _check(d)
    assert extraction_from_dict(json.loads(json.dumps(d))).to_dict() == d
