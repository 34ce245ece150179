"""Matching any story: side-less figures, running totals, source groups, series rows, datelines.

Example text is our own, modelled on constructions seen in ../shared/data: casualty-mentions
("Gaza's Health Ministry said 471 people were killed", "bringing the death toll to ...",
"Palestinian authorities blamed the strike on Israel and said it killed 471 people", double
spaces between words), gaza-news headlines ("..., ministry says"), and NeuS leads with an
agency dateline ("WASHINGTON — ..."). The dam story is the fictional one of corpora/sample.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from rapidfuzz import fuzz, utils
from test_match import _frames

from provenance.config import load_config
from provenance.extract.actors import group_aliases
from provenance.match import cluster_claims, match_frames
from provenance.match.blocking import figure_block_key
from provenance.match.claims import figure_scope, running_total_before
from provenance.match.comparisons import FigureInterval, strip_dateline
from provenance.match.relations import figure_relations
from provenance.match.series import SeriesSettings, figure_series
from provenance.match.sources import (
    SourceSettings,
    clean_source,
    generic_kind,
    resolve_in_article,
    source_groups,
)


@pytest.mark.parametrize("metric, unit, group, side, expected", [
    ("killed", "count", "people", "palestinian", ("killed", "people", "palestinian")),
    ("killed", "count", "people", "", ("killed", "people", "")),        # a dam collapse has no sides
    ("killed", None, "people", None, ("killed", "people", "")),
    ("injured", math.nan, None, math.nan, ("injured", "people", "")),
    ("other", "count", "people", "", None),                              # percentages, money: not matched
    ("killed", "percent", "people", "", None),
])
def test_figure_block_key_keeps_figures_without_a_side(metric, unit, group, side, expected):
    assert figure_block_key(metric, unit, group, side) == expected


DAM = [
    # Our own sentences, modelled on a wire story, its republished copy and a later report.
    {"outlet": "Wire A", "published": "2024-03-05", "sentence": "The toll from the dam failure has risen to 212, the ministry said.",
     "text": "212", "value": 212, "low": 212, "high": 212, "qualifier": "exact", "metric": "killed", "cumulative": True},
    {"outlet": "Paper B", "published": "2024-03-05",
     "sentence": "Crews recovered 14 more bodies, bringing the toll to 212 dead and 1,045 injured.",
     "text": "212", "value": 212, "low": 212, "high": 212, "qualifier": "exact", "metric": "killed", "cumulative": False},
    {"outlet": "Paper C", "published": "2024-03-06", "sentence": "At least 230 people were killed, according to the Health Ministry.",
     "text": "At least 230", "value": 230, "low": 230, "high": None, "qualifier": "at_least", "metric": "killed",
     "cumulative": None, "source_canonical": "Estranian Health Ministry", "source_text": "the Health Ministry"},
    {"outlet": "Radio D", "published": "2024-03-06", "sentence": "The opposition said 340 people had died in the collapse.",
     "text": "340", "value": 340, "low": 340, "high": 340, "qualifier": "exact", "metric": "killed", "cumulative": None,
     "source_canonical": "opposition Civic Front", "source_text": "The opposition Civic Front"},
]


for _r in DAM:
    _r.setdefault("counted", "people")


def test_figures_of_a_story_without_sides_are_matched():
    _, figs = cluster_claims(_frames(DAM[:2]), load_config())
    assert set(figs["side"]) == {""}
    # The same 212 on the same day, one read as a running total and one as an event (the
    # extractor's reading of "bringing the toll to"), is one figure.
    assert figs["cluster_id"].nunique() == 1


@pytest.mark.parametrize("sentence, figure, expected", [
    ("Crews recovered 14 more bodies, bringing the toll to 212 dead and 1,045 injured.", "212", True),
    ("Crews recovered 14 more bodies, bringing the toll to 212 dead and 1,045 injured.", "1,045", True),
    ("Crews recovered 14 more bodies, bringing the toll to 212 dead and 1,045 injured.", "14", False),
    ("The number of people killed has risen to 212, the ministry said.", "212", True),
    ("An Israeli strike on a school killed 30 people, medics said.", "30", False),
    ("The strike killed 30, a day after the toll reached 9,000.", "30", False),
])
def test_running_total_cue(sentence, figure, expected):
    assert running_total_before(sentence, sentence.index(figure)) is expected


@pytest.mark.parametrize("sentence, figure, side", [
    # Double spaces (as in casualty-mentions) and an attacker named after "blamed ... on".
    ("Palestinian  authorities  blamed  the  strike  on  Israel  and  said  it  killed  471  people.", "471", "palestinian"),
    ("Israel’s  bombing  campaign  has  killed  2,800  people,  according  to  Palestinian  officials.", "2,800", "palestinian"),
    ("Hamas  gunmen  killed  more  than  1,300  people  in  Israel.", "1,300", "israeli"),
])
def test_side_ignores_attackers_whatever_the_spacing(sentence, figure, side):
    at = sentence.index(figure)
    assert figure_scope("people", None, sentence, (at, at + len(figure)))[1] == side


@pytest.mark.parametrize("mention, expected", [
    ("The Health Ministry, which", "The Health Ministry"),
    ("opposition Civic Front", "Civic Front"),
    ("the ministry", "the ministry"),
    ("Gaza's Health Ministry", "Gaza's Health Ministry"),
    ("", None),
    (None, None),
])
def test_clean_source(mention, expected):
    assert clean_source(mention) == expected


@pytest.mark.parametrize("mention, kind", [
    ("the ministry", "ministry"),
    ("Health Ministry", "health ministry"),
    ("the Ministry of Health", "health ministry"),
    ("Estrania's Health Ministry", None),
    ("Gaza Health Ministry", None),
    ("Civic Front", None),
])
def test_generic_kind(mention, kind):
    assert generic_kind(mention) == kind


@pytest.mark.parametrize("mentions, named, expected", [
    # The nearest earlier named ministry of the article wins.
    ([(300, "the ministry")], [(40, "Estrania's Health Ministry"), (200, "Interior Ministry of Estrania")],
     ["Interior Ministry of Estrania"]),
    ([(300, "the Health Ministry")], [(40, "Estrania's Health Ministry"), (200, "Interior Ministry of Estrania")],
     ["Estrania's Health Ministry"]),
    # A headline's "..., ministry says": nothing earlier, the article's only ministry.
    ([(30, "ministry")], [(120, "Estrania's Health Ministry")], ["Estrania's Health Ministry"]),
    # Two candidates later and none earlier: left as written.
    ([(30, "ministry")], [(120, "Health Ministry of A"), (150, "Interior Ministry of B")], ["ministry"]),
    ([(30, "Civic Front")], [(120, "Estrania's Health Ministry")], ["Civic Front"]),
])
def test_resolve_in_article(mentions, named, expected):
    assert resolve_in_article(mentions, named) == expected


def _source_frame(rows):
    return pd.DataFrame([{"article_id": a, "start": s, "source_start": s, "source_canonical": c, "source_text": t}
                         for a, s, c, t in rows])


@pytest.mark.parametrize("rows, same", [
    # The sample corpus's spellings of one ministry, across four articles.
    ([("a1", 10, "Estrania's Health Ministry", "Estrania's Health Ministry"), ("a1", 90, None, "the ministry"),
      ("a2", 10, "Estranian Health Ministry", "the Estranian Health Ministry"),
      ("a3", 10, "Health Ministry, which", "The Health Ministry, which")], True),
    # Real-data spellings of Gaza's ministry resolve through the alias registry.
    ([("a1", 0, None, "Gaza's health ministry"), ("a2", 0, None, "the Hamas-run Health Ministry in Gaza"),
      ("a3", 0, None, "the Palestinian Ministry of Health in Gaza")], True),
    # Different bodies stay apart.
    ([("a1", 0, "Civic Front", "Civic Front"), ("a2", 0, "Estrania's Health Ministry", "Estrania's Health Ministry")], False),
])
def test_source_groups(rows, same):
    groups, _ = source_groups(_source_frame(rows), None, SourceSettings())
    assert (len(set(groups)) == 1) is same, groups


def test_source_settings_refuse_subset_scorers():
    with pytest.raises(ValueError, match="token_set_ratio"):
        SourceSettings(scorer="token_set_ratio")


def test_bare_health_ministry_stays_when_the_corpus_has_several():
    rows = [("a1", 0, "Gaza Health Ministry", "Gaza's Health Ministry"), ("a2", 0, "Israeli Health Ministry", "Israel's Health Ministry"),
            ("a3", 0, "Health Ministry", "the Health Ministry")]
    groups, _ = source_groups(_source_frame(rows), None, SourceSettings())
    assert groups[2] == "Health Ministry"


def _cells(rows):
    return pd.DataFrame([{"figure_id": f, "cluster_id": c, "value": v, "low": v, "high": v, "qualifier": "exact",
                          "metric": m, "group": "people", "side": "", "as_of": d, "published": d,
                          "source_group": s, "cumulative": cum, "running_cue": False}
                         for f, c, m, v, d, s, cum in rows])


@pytest.mark.parametrize("rows, same_series, n_conflicts", [
    # A ministry's count rising over two days is one row; the opposition's count is another, linked.
    ([("a", "c1", "killed", 212, "2024-03-05", "HM", True), ("b", "c2", "killed", 230, "2024-03-06", "HM", None),
      ("c", "c3", "killed", 340, "2024-03-06", "CF", None)], [("c1", "c2")], 1),
    # An unattributed stage joins the row it agrees with.
    ([("a", "c1", "injured", 1045, "2024-03-05", "HM", True), ("b", "c2", "injured", 1200, "2024-03-06", None, None)],
     [("c1", "c2")], 0),
    # A war's toll does not chain for weeks: 2,670 on 15 Oct and 8,300 on 31 Oct are two rows.
    ([("a", "c1", "killed", 2670, "2023-10-15", "HM", True), ("b", "c2", "killed", 8300, "2023-10-31", "HM", True)], [], 0),
    # One event's count (a strike's 30 dead) never joins a running total's row.
    ([("a", "c1", "killed", 28, "2023-10-15", "HM", True), ("b", "c2", "killed", 30, "2023-10-15", "HM", False)], [], 0),
    # Different metrics never share a row.
    ([("a", "c1", "killed", 212, "2024-03-05", "HM", True), ("b", "c2", "injured", 230, "2024-03-05", "HM", True)], [], 0),
])
def test_figure_series(rows, same_series, n_conflicts):
    cells = _cells(rows)
    rep = dict(zip(cells["cluster_id"], cells["figure_id"]))
    sid, conflicts = figure_series(cells, rep, FigureInterval(0.02, 0.02), SeriesSettings())
    together = {(a, b) for a in sid for b in sid if a < b and sid[a] == sid[b]}
    assert together == set(same_series)
    assert len(conflicts) == n_conflicts


def test_dam_story_reads_as_one_row_with_a_linked_conflict():
    out = match_frames(_frames(DAM), load_config())
    ft = out["figure_table"]
    killed = ft[ft["label"].str.startswith("people killed")]
    assert len(killed) == 2
    main = killed[killed["n_stages"] == 2].iloc[0]
    assert main["Wire A"] == "212 [unattributed]" and main["Paper C"].startswith("At least 230")
    assert "updated_figure" in main["relations"]
    other = killed[killed["n_stages"] == 1].iloc[0]
    assert other["Radio D"] == "340 [Civic Front]"
    assert main["series_id"] in other["conflicts_with"] and other["series_id"] in main["conflicts_with"]
    d = out["discrepancies"]
    linked = d[d["linked_series_id"].notna()]
    assert list(linked["relation"]) == ["conflicting_figure"]
    assert "different_source" in linked.iloc[0]["relations"]


@pytest.mark.parametrize("a, b, expected", [
    # An open bound the other number satisfies is a rounding, not a conflict.
    ({"value": 200, "low": 200, "high": None, "qualifier": "more_than", "as_of": "2024-03-06"},
     {"value": 212, "low": 212, "high": 212, "qualifier": "exact", "as_of": "2024-03-05"}, "qualifier_only"),
    ({"value": 500, "low": None, "high": 500, "qualifier": "nearly", "as_of": "2023-10-18"},
     {"value": 471, "low": 471, "high": 471, "qualifier": "exact", "as_of": "2023-10-18"}, "qualifier_only"),
    ({"value": 500, "low": 500, "high": None, "qualifier": "at_least", "as_of": "2023-10-18"},
     {"value": 471, "low": 471, "high": 471, "qualifier": "exact", "as_of": "2023-10-18"}, "conflicting_figure"),
    # "bringing the toll to 1,045 injured" read as one event, with the running-total cue: updated.
    ({"value": 1045, "low": 1045, "high": 1045, "qualifier": "exact", "as_of": "2024-03-05", "cumulative": False,
      "running_cue": True},
     {"value": 1200, "low": 1200, "high": 1200, "qualifier": "exact", "as_of": "2024-03-06"}, "updated_figure"),
])
def test_bound_and_running_cue_relations(a, b, expected):
    rel = figure_relations(a, b, FigureInterval(0.02, 0.02))
    assert rel[0] == expected
    assert figure_relations(b, a, FigureInterval(0.02, 0.02))[0] == expected


@pytest.mark.parametrize("text, expected", [
    ("MARROW BAY, Estrania, March 5, 2024 (MWS) -- The dam gave way.", "The dam gave way."),
    ("WASHINGTON — Travel restrictions will be partially lifted.", "Travel restrictions will be partially lifted."),
    ("Gaza death toll rises to 2,750 - Al Jazeera", "Gaza death toll rises to 2,750 - Al Jazeera"),
    ("The UN said on Monday -- in a statement -- that aid was blocked.", "The UN said on Monday -- in a statement -- that aid was blocked."),
])
def test_strip_dateline(text, expected):
    assert strip_dateline(text) == expected


@pytest.mark.parametrize("variants", [
    # every token spelled differently, but each keeps its first three letters: one block
    ["Mohammed Abu Salmiya", "Mohamed Abou Salmiyah"],
    # word order and a title-free repeat
    ["Ashraf al-Qudra", "al-Qudra Ashraf", "Ashraf al-Qudrah"],
])
def test_group_aliases_blocking_keeps_spelling_variants_together(variants: list[str]) -> None:
    # Frequent, unrelated names share the common prefixes and must not crowd the variants out.
    noise = [f"Abu Obeida {i}" for i in range(50)] + [f"Mohammed Deif {i}" for i in range(50)]
    groups = group_aliases(variants + noise, scorer=fuzz.token_sort_ratio, processor=utils.default_process,
                           score_cutoff=90.0, use_registry=False)
    assert len({groups[v] for v in variants}) == 1


def test_group_aliases_blocking_keeps_different_names_apart() -> None:
    groups = group_aliases(["Mohammed Deif", "Mohammed Dahlan", "Abu Obeida", "Abu Hamza"],
                           scorer=fuzz.token_sort_ratio, processor=utils.default_process, score_cutoff=90.0,
                           use_registry=False)
    assert len(set(groups.values())) == 4


@pytest.mark.parametrize("scorer", [fuzz.token_sort_ratio, fuzz.ratio, fuzz.QRatio])
@pytest.mark.parametrize("cutoff", [80.0, 90.0, 95.0])
def test_group_aliases_length_filter_changes_no_group(scorer, cutoff) -> None:
    """The length filter of the ratio scorers only skips comparisons that cannot reach the
    cutoff: the groups equal those of the same scorer scored against every blocked leader."""
    import random

    rng = random.Random(7)
    stems = ["Salmiya", "Qudra", "Maarouf", "Obeida", "Dahlan", "Hagari", "Kirby", "Deif", "Abu", "Mohammed",
             "Health Ministry", "Civil Defence", "Red Crescent", "UN", "Agency"]

    def variant(w: str) -> str:
        i = rng.randrange(len(w))
        return rng.choice([w, w + "h", w[:i] + w[i + 1:], w.lower(), w + " al"])

    names = [" ".join(variant(rng.choice(stems)) for _ in range(rng.randint(1, 4))) for _ in range(1500)]
    names += [f"{n} {rng.randint(1, 3)}" for n in names[:100]]  # digits must agree

    def unfiltered(a: str, b: str, **kw: object) -> float:  # not a known ratio scorer: no filter
        return scorer(a, b, **kw)

    kw = {"processor": utils.default_process, "score_cutoff": cutoff, "use_registry": False}
    fast = group_aliases(names, scorer=scorer, **kw)
    slow = group_aliases(names, scorer=unfiltered, **kw)
    assert fast == slow
    assert len(set(fast.values())) < len(set(names))  # some names were grouped


def test_clean_source_drops_a_day_written_after_the_name() -> None:
    from provenance.match.sources import clean_source

    assert clean_source("The Supreme Court Monday") == "The Supreme Court"
    assert clean_source("Trump on Tuesday") == "Trump"
    assert clean_source("The Sunday Times") == "The Sunday Times"
    assert clean_source("Friday") == "Friday"
