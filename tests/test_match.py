"""Matching: comparisons (properties), scopes, relations, clustering on hand-built figures.

Example figures are modelled on real constructions in ../shared/data (the seed's "more than
8,300 Palestinians", gaza-news headlines "Gaza death toll passes 10,000", casualty-mentions
"at least 2,670 people in Gaza, according to the ministry").
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.config import load_config
from provenance.match import cluster_claims, match_frames
from provenance.match.blocking import BlockingStats, candidate_pairs_from_keys, sorted_neighbourhood
from provenance.match.claims import figure_scope
from provenance.match.cluster import TextSettings, UnionFind, cluster_text_claims, compare_text_claims
from provenance.match.comparisons import (
    FigureInterval,
    IntervalsCompatible,
    SameSource,
    TextSimilarity,
    WeightedOverlap,
    content_tokens,
    interval_gap,
    strip_outlet_suffix,
)
from provenance.match.relations import figure_relations, primary_relation, quote_diff

QUALS = ["exact", "more_than", "at_least", "about", "nearly", "up_to", "less_than", "range"]
iv = FigureInterval()


@st.composite
def figures(draw):
    q = draw(st.sampled_from(QUALS))
    v = float(draw(st.integers(1, 100_000)))
    if q == "range":
        hi = v + draw(st.integers(0, 1000))
        return (None, v, hi, q)
    if q in ("more_than", "at_least"):
        return (v, v, None, q)
    if q in ("nearly", "up_to", "less_than"):
        return (v, None, v, q)
    if q == "about":
        return (v, None, None, q)
    return (v, v, v, q)


@given(figures(), figures(), st.floats(0, 0.2))
def test_interval_compatibility_is_symmetric(a, b, tol):
    c = IntervalsCompatible(tol)
    assert c(iv(*a), iv(*b)) == c(iv(*b), iv(*a))
    assert c.score(iv(*a), iv(*b)) == pytest.approx(c.score(iv(*b), iv(*a)))
    assert interval_gap(iv(*a), iv(*b)) == pytest.approx(interval_gap(iv(*b), iv(*a)))


@given(figures(), st.floats(0, 0.2))
def test_a_figure_is_compatible_with_itself_with_the_best_score(a, tol):
    c = IntervalsCompatible(tol)
    assert c(iv(*a), iv(*a))
    assert c.score(iv(*a), iv(*a)) == 1.0


@given(st.text(max_size=80), st.text(max_size=80))
def test_text_similarity_symmetric_and_maximal_on_itself(a, b):
    sim = TextSimilarity("token_sort_ratio", "default_process", 0.0)
    assert sim(a, b) == pytest.approx(sim(b, a))
    assert sim(a, a) >= sim(a, b) or not a.strip()


@given(st.lists(st.sampled_from(["gaza", "toll", "ministry", "jabalia", "hospital", "killed"]), max_size=6),
       st.lists(st.sampled_from(["gaza", "toll", "ministry", "jabalia", "hospital", "killed"]), max_size=6))
def test_weighted_overlap_symmetric_and_maximal(a, b):
    ov = WeightedOverlap({"jabalia": 5.0, "gaza": 0.5})
    assert ov(a, b) == pytest.approx(ov(b, a))
    if a:
        assert ov(a, a) == pytest.approx(1.0)


@pytest.mark.parametrize("a, b, ok", [
    ((8300, 8300, None, "more_than"), (8306, 8306, 8306, "exact"), True),   # the seed vs the ministry
    ((8300, 8300, None, "more_than"), (8000, 8000, None, "more_than"), True),
    ((8300, 8300, 8300, "exact"), (3800, 3800, 3800, "exact"), False),       # similar strings, not figures
    ((20000, None, 20000, "nearly"), (19400, 19400, 19400, "exact"), True),
    ((2670, 2670, None, "at_least"), (3000, None, None, "about"), False),
])
def test_intervals_compatible_table(a, b, ok):
    assert IntervalsCompatible(0.0)(iv(*a), iv(*b)) is ok


@pytest.mark.parametrize("counted, place, sentence, expected", [
    ("Palestinians civilians", None, "Israel has killed more than 8,300 Palestinians civilians", ("people", "palestinian")),
    (None, None, "Gaza's death toll from Israeli assault soars to 9,061", ("people", "palestinian")),
    ("Palestinian children", None, "More than 3,600 Palestinian children killed in war", ("children", "palestinian")),
    ("people", None, "Hamas was able to kill more than 1,300 people in Israel before", ("people", "israeli")),
    ("hostages", None, "Hamas frees 24 hostages from Gaza on first day of truce", ("hostages", "held")),
    (None, None, "Gaza death toll surpasses 25,000 as Israel escalates assault", ("people", "palestinian")),
    (None, None, "Palestinian death toll tops 20,000 in Israel-Hamas war, Gaza officials say", ("people", "palestinian")),
])
def test_figure_scope(counted, place, sentence, expected):
    fig = next((i for i in range(len(sentence)) if sentence[i].isdigit()), 0)
    assert figure_scope(counted, place, sentence, (fig, fig + 5))[:2] == expected


@pytest.mark.parametrize("text, expected", [
    ("Gaza death toll passes 5,000 with no ceasefire in sight - UN News", "Gaza death toll passes 5,000 with no ceasefire in sight"),
    ("Gaza's death toll soars to 6,546 - Anadolu Agency | English", "Gaza's death toll soars to 6,546"),
    ("No suffix here", "No suffix here"),
])
def test_strip_outlet_suffix(text, expected):
    assert strip_outlet_suffix(text) == expected


def _fig(value, qualifier, as_of, source=None, place=None, low=None, high=None, cumulative=True):
    low = value if low is None and qualifier in ("exact", "more_than", "at_least") else low
    high = value if high is None and qualifier in ("exact", "nearly", "up_to", "less_than") else high
    return {"value": value, "low": low, "high": high, "qualifier": qualifier, "as_of": as_of,
            "source_canonical": source, "place_scope": place, "cumulative": cumulative}


@pytest.mark.parametrize("a, b, expected", [
    (_fig(8300, "more_than", "2023-10-31"), _fig(8306, "exact", "2023-10-31", "Gaza Health Ministry"),
     ["qualifier_only", "attributed_vs_unattributed"]),
    (_fig(2670, "exact", "2023-10-15"), _fig(2808, "exact", "2023-10-16"), ["updated_figure"]),
    (_fig(471, "exact", "2023-10-18"), _fig(500, "at_least", "2023-10-18"), ["conflicting_figure"]),
    (_fig(900, "exact", "2023-10-10", "Gaza Health Ministry"), _fig(900, "exact", "2023-10-10", "Palestinian authorities"),
     ["same_figure", "different_source"]),
    (_fig(200, "exact", "2023-10-10", place="Gaza"), _fig(200, "exact", "2023-10-10", place="West Bank"),
     ["same_figure", "different_scope"]),
])
def test_figure_relations(a, b, expected):
    assert figure_relations(a, b, FigureInterval(0.02, 0.02)) == expected
    assert set(figure_relations(b, a, FigureInterval(0.02, 0.02))) == set(expected)


def test_primary_relation_and_quote_diff():
    assert primary_relation(["same_figure", "different_source"]) == "different_source"
    assert quote_diff("we are at war", "we are at war now") == "we are at war {+now+}"
    assert quote_diff("the enemy is lying", "the enemy is depicting") == "the enemy is [-lying-] {+depicting+}"


def test_sorted_neighbourhood_is_bounded_and_windowed():
    days = [0] * 100 + [10] * 5
    pairs = list(sorted_neighbourhood(days, window=1, max_neighbours=3))
    assert len(pairs) <= 105 * 3
    assert all(days[j] - days[i] <= 1 for i, j in pairs)


def test_candidate_pairs_grow_linearly_in_one_huge_block():
    stats = BlockingStats()
    n = 2000
    pairs = candidate_pairs_from_keys([["tok:gaza"]] * n, [0] * n, window=3, max_neighbours=10, stats=stats)
    assert len(pairs) <= n * 10
    assert stats.largest_block == n


def test_union_find_groups():
    uf = UnionFind(5)
    uf.union(3, 1)
    uf.union(4, 3)
    assert uf.groups() == [[0], [1, 3, 4], [2]]


def test_same_source():
    s = SameSource()
    assert s(None, None) == "both_unattributed"
    assert s("Gaza Health Ministry", None) == "one_unattributed"
    assert s("Gaza Health Ministry", "gaza health ministry") == "same"
    assert s("Hamas", "Israel Defense Forces") == "different"


def test_paraphrase_needs_rare_words_and_similar_text():
    # Modelled on NeuS leads of one story (left and centre outlets).
    a = {"text": "In two unsigned opinions Monday, the Supreme Court ruled in favor of police officers "
                 "seeking qualified immunity.", "speaker": None, "quote": None}
    b = {"text": "The Supreme Court in two cases Monday ruled police officers were entitled to qualified "
                 "immunity from being sued.", "speaker": None, "quote": None}
    c = {"text": "The Supreme Court agreed Monday to hear a case on abortion limits in Mississippi.",
         "speaker": None, "quote": None}
    idf = {"qualified": 5.0, "immunity": 5.0, "unsigned": 6.0, "supreme": 2.0, "court": 1.5, "police": 3.0,
           "officers": 3.0, "abortion": 5.0, "mississippi": 6.0}
    ov = WeightedOverlap(idf)
    ts = TextSettings()
    ta, tb, tc = (content_tokens(x["text"]) for x in (a, b, c))
    assert compare_text_claims(a, b, ta, tb, ts, ov, 40.0).linked
    assert not compare_text_claims(a, c, ta, tc, ts, ov, 40.0).linked


def _frames(rows):
    """Extraction-like frames from figure rows (columns as provenance.frames writes them)."""
    base = {"index": 0, "unit": "count", "currency": None, "hedged": False, "part_of": None, "rule": "test",
            "confidence": 0.9, "source_text": None, "source_start": None, "source_end": None, "descriptor": None,
            "sentence_index": 0, "sentence_start": 0, "place": None, "cumulative": True, "source_canonical": None}
    figs = []
    arts = []
    for i, r in enumerate(rows):
        aid = f"a{i:03d}"
        sent = r["sentence"]
        start = sent.index(r["text"])
        figs.append({**base, "article_id": aid, "source": f"t.csv#{i + 1}", "outlet": r["outlet"],
                     "published": r["published"], "start": start, "end": start + len(r["text"]),
                     "sentence_end": len(sent), "as_of": r["published"], **{k: v for k, v in r.items()}})
        arts.append({"article_id": aid, "source": f"t.csv#{i + 1}", "outlet": r["outlet"],
                     "published": r["published"], "published_precision": "day", "chars": len(sent)})
    return {"articles": pd.DataFrame(arts), "figures": pd.DataFrame(figs), "attributions": pd.DataFrame(),
            "dates": pd.DataFrame(), "rejected": pd.DataFrame()}


HEADLINES = [
    # (outlet, published, sentence, figure text, value, low, high, qualifier, counted, source)
    ("Reuters", "2023-11-05", "Gaza death toll tops 10000; UN calls it a children's graveyard", "tops 10000", 10000, 10000, None, "more_than", None, None),
    ("NPR", "2023-11-05", "The Gaza death toll surpasses 10,000", "surpasses 10,000", 10000, 10000, None, "more_than", None, None),
    ("NBC News", "2023-11-06", "Gaza death toll passes 10,000, Health Ministry says", "passes 10,000", 10000, 10000, None, "more_than", None, "Gaza Health Ministry"),
    ("Anadolu Agency", "2023-10-17", "Palestinian death toll in Gaza rises to 3,478", "3,478", 3478, 3478, 3478, "exact", None, None),
    ("Radio Habana Cuba", "2023-10-31", "Israel has killed more than 8,300 Palestinians civilians", "more than 8,300", 8300, 8300, None, "more_than", "Palestinians civilians", None),
    ("Anadolu Agency", "2023-10-31", "Gaza's death toll soars to 3,800", "3,800", 3800, 3800, 3800, "exact", None, None),
]


def _headline_frames():
    rows = [{"outlet": o, "published": p, "sentence": s, "text": t, "value": v, "low": lo, "high": hi, "qualifier": q,
             "metric": "killed", "counted": c, "source_canonical": src}
            for o, p, s, t, v, lo, hi, q, c, src in HEADLINES]
    return _frames(rows)


def test_cluster_claims_groups_one_milestone_and_keeps_other_numbers_apart():
    claims, figs = cluster_claims(_headline_frames(), load_config())
    by_outlet = {(o, p): c for o, p, c in zip(figs["outlet"], figs["published"], figs["cluster_id"])}
    assert by_outlet[("Reuters", "2023-11-05")] == by_outlet[("NPR", "2023-11-05")] == by_outlet[("NBC News", "2023-11-06")]
    assert by_outlet[("Radio Habana Cuba", "2023-10-31")] != by_outlet[("Anadolu Agency", "2023-10-31")]
    assert len(set(figs["cluster_id"])) == 4
    assert claims["cluster_id"].notna().all()


def test_match_frames_is_deterministic_and_order_free():
    f1 = _headline_frames()
    f2 = {k: (v.iloc[::-1].reset_index(drop=True) if isinstance(v, pd.DataFrame) else v) for k, v in f1.items()}
    a, b = match_frames(f1, load_config()), match_frames(f2, load_config())
    assert sorted(a["clusters"]["cluster_id"]) == sorted(b["clusters"]["cluster_id"])
    assert set(a) >= {"claims", "figures", "attributions", "clusters", "figure_table", "figure_cells",
                      "attribution_table", "first_reports", "discrepancies", "syndication"}


def test_every_figure_cell_is_traceable():
    out = match_frames(_headline_frames(), load_config())
    cells = out["figure_cells"]
    assert len(cells) == len(HEADLINES)
    for c in ("article_id", "source", "start", "end", "sentence_start", "sentence_end", "rule", "confidence", "cluster_id"):
        assert cells[c].notna().all(), c


def test_match_frames_on_empty_tables():
    from provenance.frames import FrameBuilder

    out = match_frames(FrameBuilder().frames(), load_config())
    assert all(len(v) == 0 for v in out.values())
    assert "cluster_id" in out["claims"].columns


def test_primary_figure_prefers_the_whole_population_count():
    from provenance.match.claims import primary_figure

    # "More than 400 people have been killed, ... including 78 children" (casualty-mentions).
    figs = [{"metric": "killed", "group": "children", "part_of": None, "start": 80},
            {"metric": "killed", "group": "people", "part_of": None, "start": 10},
            {"metric": "injured", "group": "people", "part_of": None, "start": 0}]
    assert primary_figure(figs)["start"] == 10


@pytest.mark.parametrize("text", [
    # headline constructions in gaza-news: a vague count first, the stated number after it
    "Strike kills hundreds at a hospital, killing at least 500 people, officials say",
    "Hundreds may have been killed, adding to a toll of about 3,000",
])
def test_primary_figure_prefers_a_stated_number_to_a_vague_one(text: str) -> None:
    from provenance.match.claims import primary_figure
    from provenance.models import Article
    from provenance.pipeline import extract_article

    figs = [{"metric": f.metric, "qualifier": f.qualifier, "start": f.start, "value": f.value}
            for f in extract_article(Article(article_id="x", text=text, source="-")).figures]
    assert figs[0]["qualifier"] == "vague", "the vague count comes first in the sentence"
    chosen = primary_figure(figs)
    assert chosen is not None and chosen["qualifier"] != "vague" and chosen["value"] is not None


def _quote_claims(published: list[str | None]) -> pd.DataFrame:
    """The same quote of one speaker in several articles (one per publication date)."""
    text = '"We will rebuild every bridge in the valley before winter," Minister Ilse Varga said.'
    return pd.DataFrame({
        "claim_id": [f"k{i}" for i in range(len(published))],
        "text": [text] * len(published),
        "speaker": ["Ilse Varga"] * len(published),
        "quote": ["We will rebuild every bridge in the valley before winter"] * len(published),
        "published": published,
    })


def test_text_clusters_do_not_chain_beyond_their_span() -> None:
    # Each day links to the next (window 2 days), but a cluster may span at most 3 days: the
    # fifth day's copy starts a cluster of its own instead of stretching the first one.
    claims = _quote_claims(["2024-03-01", "2024-03-03", "2024-03-05"])
    ids, _ = cluster_text_claims(claims, TextSettings(window_days=2, span_days=3), 80.0)
    assert ids[0] == ids[1] != ids[2]
    ids, _ = cluster_text_claims(claims, TextSettings(window_days=2, span_days=4), 80.0)
    assert ids[0] == ids[1] == ids[2]


def test_undated_text_claims_are_not_linked() -> None:
    # No window can be checked without a date: identical undated quotes stay apart, dated ones link.
    ids, linked = cluster_text_claims(_quote_claims([None, None, "2024-03-01", "2024-03-01"]), TextSettings(), 80.0)
    assert len({ids[0], ids[1], ids[2]}) == 3 and ids[2] == ids[3]
    assert [(i, j) for i, j, _ in linked] == [(2, 3)]


def test_text_clusters_merge_only_when_their_anchors_link() -> None:
    # A~B and B~C are close enough to link (quote ratio >= 85), A and C are not (about 80): a
    # cluster grows only through links its first claim also makes, so C stays apart.
    quotes = ["We will rebuild every bridge in the valley before the winter comes to Marrow Bay",
              "We will rebuild every bridge in the valley before the first snow comes to Marrow Bay",
              "We shall rebuild each bridge in the valley before the first snow reaches Marrow Bay"]
    claims = pd.DataFrame({
        "claim_id": ["k0", "k1", "k2"], "text": [f'"{q}," Minister Ilse Varga said.' for q in quotes],
        "speaker": ["Ilse Varga"] * 3, "quote": quotes, "published": ["2024-03-01"] * 3,
    })
    ids, linked = cluster_text_claims(claims, TextSettings(), 80.0)
    assert ids[0] == ids[1] != ids[2]
    assert [(i, j) for i, j, _ in linked] == [(0, 1)]


def test_match_frames_leaves_the_input_attributions_as_they_were():
    """The returned attributions (with cluster_id) share columns with the input: the input is unchanged."""
    from pathlib import Path

    from provenance.pipeline import collect

    frames = collect([str(Path(__file__).resolve().parents[1] / "corpora" / "sample")], workers=1)
    before = frames["attributions"].copy(deep=True)
    assert len(before) and "cluster_id" not in before.columns
    out = match_frames(frames, load_config())
    pd.testing.assert_frame_equal(frames["attributions"], before)
    assert list(out["attributions"].columns) == [*before.columns, "cluster_id"]
    pd.testing.assert_frame_equal(out["attributions"].drop(columns="cluster_id"), before)
    assert out["attributions"]["cluster_id"].notna().any()
