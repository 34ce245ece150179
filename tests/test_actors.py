"""Actors: canonical names, descriptors, the alias registry, mentions with roles, grouping.

Example sentences are our own, modelled on constructions seen in the seed article and the
casualty-mentions sentences (appositive roles, "who speaks for", "Hamas-run" descriptors).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import shared_path
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from provenance.extract import actors
from provenance.extract.actors import canonicalize, extract_actors, group_aliases, split_descriptor
from provenance.extract.sentences import split_sentences


@pytest.mark.parametrize(
    "mention, canonical, descriptor",
    [
        ("the Hamas-run Health Ministry in Gaza", "Gaza Health Ministry", "Hamas-run"),
        ("Gaza's health ministry", "Gaza Health Ministry", None),
        ("the Palestinian Ministry of Health in Gaza", "Gaza Health Ministry", None),
        ("the health ministry in the Gaza Strip", "Gaza Health Ministry", None),
        ("the Hamas-controlled health ministry", "Gaza Health Ministry", "Hamas-controlled"),
        ("Gaza’s Health Ministry", "Gaza Health Ministry", None),
        ("the Ministry of Health in Hamas-run Gaza", "Gaza Health Ministry", "Hamas-run"),
        ("Islamic Jihad", "Palestinian Islamic Jihad", None),
        ("Palestinian Islamic Jihad", "Palestinian Islamic Jihad", None),
        ("the al-Quds Brigades", "al-Quds Brigades", None),
        ("Al-Quds Brigades", "al-Quds Brigades", None),
        ("the military wing of the Palestinian Islamic Jihad", "al-Quds Brigades", None),
        ("the militant group Hamas", "Hamas", "militant group"),
        ("the Palestinian resistance movement Hamas", "Hamas", "Palestinian resistance movement"),
        ("the Israeli military", "Israel Defense Forces", None),
        ("IDF", "Israel Defense Forces", None),
        ("the U.N.", "United Nations", None),
        ("Salama Maarouf", "Salama Maarouf", None),
        ("Rear Adm. Daniel Hagari", "Daniel Hagari", None),
        ("Jane Q. Reporter", "Jane Q. Reporter", None),  # unknown name: its own canonical
        ("Mr. Halevi", "Halevi", None),  # honorifics are not part of the name
        ("Gen. Herzi Halevi", "Herzi Halevi", None),
        ("Halevi’s", "Halevi", None),  # nor is a possessive
        ("President Biden", "Joe Biden", None),
        ("President", None, None),  # a bare title names nobody
        ("The Hamas-run Health Ministry's", "Gaza Health Ministry", "Hamas-run"),
        ("Others", None, None),  # generic nouns and weekdays are not names
        ("Wednesday", None, None),
        ("he", None, None),
        ("the spokesman", None, None),
        ("officials", None, None),
        ("", None, None),
    ],
)
def test_canonicalize(mention: str, canonical: str | None, descriptor: str | None) -> None:
    assert canonicalize(mention) == (canonical, descriptor)


def test_jihad_and_its_armed_wing_are_related_but_distinct() -> None:
    wing = actors.registry_entry("al-Quds Brigades")
    assert wing is not None and wing.affiliation == "Palestinian Islamic Jihad"
    assert canonicalize("Islamic Jihad")[0] != canonicalize("al-Quds Brigades")[0]


@pytest.mark.parametrize(
    "mention, name, descriptor",
    [
        ("the Hamas-run Health Ministry in Gaza", "the Health Ministry in Gaza", "Hamas-run"),
        ("the Iran-backed Houthis", "the Houthis", "Iran-backed"),
        ("the Health Ministry", "the Health Ministry", None),
        ("the militants", "the militants", None),  # the descriptor word is the whole name
    ],
)
def test_split_descriptor(mention: str, name: str, descriptor: str | None) -> None:
    assert split_descriptor(mention) == (name, descriptor)


@pytest.mark.parametrize(
    "text, name, role, affiliation",
    [
        ("Abu Yusuf, who speaks for the al-Quds Brigades, said the fighting went on.",
         "Abu Yusuf", "spokesman", "al-Quds Brigades"),
        ("Said Khalil, the head of the Hamas office in Beirut, told reporters it was over.",
         "Said Khalil", "head", "Hamas office in Beirut"),
        ("Ashraf al-Qudra, a spokesman for the Gaza Health Ministry, gave the new toll.",
         "Ashraf al-Qudra", "spokesman", "Gaza Health Ministry"),
        ("Hamas spokesman Abu Obeida said the captives were alive.",
         "Abu Obeida", "spokesman", "Hamas"),
        ("Prime Minister Benjamin Netanyahu said the war would be long.",
         "Benjamin Netanyahu", "prime minister", "Israeli Government"),
    ],
)
def test_extract_actors_roles(text: str, name: str, role: str, affiliation: str) -> None:
    found = extract_actors(text, split_sentences(text), with_sources=False)
    people = [a for a in found if a.type == "person"]
    assert people, found
    a = people[0]
    assert (a.text, a.role, a.affiliation) == (name, role, affiliation)


def test_extract_actors_registry_mentions_keep_descriptor() -> None:
    text = "The toll rose, the Hamas-run Health Ministry in Gaza said, as Israeli troops advanced."
    found = extract_actors(text, split_sentences(text), with_sources=False)
    by_canon = {a.canonical: a for a in found}
    assert by_canon["Gaza Health Ministry"].descriptor == "Hamas-run"
    assert by_canon["Gaza Health Ministry"].type == "ministry"
    assert by_canon["Israel Defense Forces"].type == "armed_group"
    for a in found:
        assert text[a.start:a.end] == a.text


def test_load_aliases_extends_registry(tmp_path: Path) -> None:
    f = tmp_path / "extra.csv"
    f.write_text(
        "canonical,type,aliases,affiliation\n"
        "Khan Younis Municipality,government,Khan Younis Municipality|Khan Yunis municipality,\n",
        "utf-8",
    )
    assert actors.load_aliases(f) == 1
    assert canonicalize("the Khan Yunis municipality") == ("Khan Younis Municipality", None)


def test_load_aliases_reaches_extract_actors(tmp_path: Path) -> None:
    # The recogniser's alias pattern (actors.py) is rebuilt when the registry
    # (actor_registry.py) changes.
    text = "Officials at the Khan Yunis municipality said the water wells were hit."
    assert not [a for a in extract_actors(text, split_sentences(text)) if a.canonical == "Khan Younis Municipality"]
    f = tmp_path / "extra.csv"
    f.write_text("canonical,type,aliases,affiliation\n"
                 "Khan Younis Municipality,government,Khan Younis Municipality|Khan Yunis municipality,\n", "utf-8")
    actors.load_aliases(f)
    found = [a for a in extract_actors(text, split_sentences(text)) if a.canonical == "Khan Younis Municipality"]
    assert found and found[0].type == "government"


def test_registry_names_are_reexported() -> None:
    from provenance.extract import actor_registry

    for name in ("canonicalize", "group_aliases", "load_aliases", "registry", "reset_registry", "split_descriptor"):
        assert getattr(actors, name) is getattr(actor_registry, name)


def test_load_aliases_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        actors.load_aliases(tmp_path / "nope.csv")


def test_group_aliases_registry_then_fuzzy() -> None:
    groups = group_aliases(
        ["Gaza's health ministry", "the Hamas-run Health Ministry in Gaza", "Mohammed Abu Salmiya",
         "Mohammed Abu Salmiyah", "Mohammed Abu Salmiya", "Abu Salmiya"],
        scorer=fuzz.token_sort_ratio, processor=None, score_cutoff=90,
    )
    assert groups["Gaza's health ministry"] == groups["the Hamas-run Health Ministry in Gaza"] == "Gaza Health Ministry"
    assert groups["Mohammed Abu Salmiyah"] == "Mohammed Abu Salmiya"


@pytest.mark.parametrize(
    "a, b, cutoff, same",
    [
        ("Brigade 8300", "Brigade 3800", 50, False),  # digits must agree, however similar
        ("John Carter", "Jon Carter", 90, True),
        ("John Carter", "Jon Carter", 99, False),  # the cutoff is a real parameter
    ],
)
def test_group_aliases_thresholds(a: str, b: str, cutoff: float, same: bool) -> None:
    g = group_aliases([a, a, b], scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, use_registry=False)
    assert (g[a] == g[b]) is same


def test_group_aliases_surname() -> None:
    g = group_aliases(["Salama Maarouf", "Maarouf"], use_registry=False)
    assert g["Maarouf"] == "Salama Maarouf"
    g = group_aliases(["Salama Maarouf", "Maarouf"], use_registry=False, surname_match=False)
    assert g["Maarouf"] == "Maarouf"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_canonicalize_never_crashes(s: str) -> None:
    canon, desc = canonicalize(s)
    assert canon is None or isinstance(canon, str)
    assert desc is None or isinstance(desc, str)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcHIJ ,.'’-“”\"\nGazaHamsMinitryof")), max_size=300))
def test_extract_actors_offsets(text: str) -> None:
    for a in extract_actors(text, split_sentences(text)):
        assert 0 <= a.start < a.end <= len(text)
        assert text[a.start:a.end] == a.text


_ALIAS_TEXT = st.lists(
    st.sampled_from([*"abcdehilmnorstu -_.'’\n1é", "\u0663", "\ud800", "ham", "the ", "isr", "u.s", "pal"]), max_size=40
).map("".join)


@given(_ALIAS_TEXT)
@settings(max_examples=300, deadline=None)
def test_compiled_alias_scan_finds_the_regex_positions(s: str) -> None:
    # The numba scan (attribution_jit.alias_starts) must give the regex's word starts.
    from provenance.extract import attribution_decoder as dec

    if not dec.USE_JIT:
        pytest.skip("numba is not installed")
    assert actors._alias_starts(s) == [m.start() for m in actors._alias_start_regex().finditer(" " + s)]


def test_role_literals_start_every_role_alternative() -> None:
    # _role_matches tries _ROLE_BEFORE only where one of _ROLE_LITERALS occurs.
    import re

    alts = re.search(r"\(\?P<role>(.*?)\)\\s\+", actors._ROLE_BEFORE.pattern).group(1).split("|")
    for alt in alts:
        plain = alt.replace("\\s+", " ").replace("\\.", ".")
        assert any(plain.startswith(lit) for lit in actors._ROLE_LITERALS), alt


@given(st.lists(st.sampled_from(["Prime", "Minister", "President", "spokesman", "Lt.", "Col.", "Gen.", "x", "-",
                                 " ", "  ", "\n", "Ali", "of", "leader", "chief", "Secretary-General", "Rear Adm."]),
                max_size=30).map("".join))
@settings(max_examples=300, deadline=None)
def test_role_matches_are_finditers(s: str) -> None:
    assert [m.span() for m in actors._role_matches(s)] == [m.span() for m in actors._ROLE_BEFORE.finditer(s)]


_KEYED_TEXT = st.lists(
    st.sampled_from([*"abdehimnrstu -'’\n.ſıK", "the ", "The ", "the\n", "Hamas", "UN", "un", "AP", "Israeli",
                     "Iran-backed ", "Hamas-run ", "al ", "Al-", "WHO", "who", "U.N.", "Abu "]), max_size=30
).map("".join)


@given(_KEYED_TEXT)
@settings(max_examples=400, deadline=None)
def test_alias_keys_skip_only_candidates_that_cannot_match(s: str) -> None:
    # The key filter in extract_actors must find what trying the pattern at every scan
    # candidate finds: the same actors with the filter off (``_alias_index`` None is what an
    # unkeyable registry gives). Comparing with raw pattern matches instead failed on
    # "the the UN", where the pattern at 0 spans "the the UN" and extraction, with or
    # without the filter, keeps "the UN".
    sents = split_sentences(s)
    found = extract_actors(s, sents, with_sources=False)
    real = actors._alias_index
    try:
        actors._alias_index = lambda: None  # type: ignore[assignment]
        every = extract_actors(s, sents, with_sources=False)
    finally:
        actors._alias_index = real  # type: ignore[assignment]
    assert found == every


@given(_KEYED_TEXT)
@settings(max_examples=400, deadline=None)
def test_compiled_key_filter_keeps_what_the_python_loop_keeps(s: str) -> None:
    # actor_jit.alias_filter is _key_filter compiled: the same candidates, including at the
    # text's end, after "the" and a non-space, before non-ASCII and descriptor characters.
    from provenance.extract import attribution_decoder as dec

    lowered = s.lower()
    if not dec.USE_JIT or len(lowered) != len(s):
        pytest.skip("numba is not installed, or the lower case changes the length")
    index = actors._alias_index()
    assert index is not None
    assert actors._filtered_alias_starts(s, lowered) == actors._key_filter(s, lowered, actors._alias_starts(lowered),
                                                                           *index)


def test_compiled_key_filter_on_real_articles() -> None:
    from provenance.extract import attribution_decoder as dec

    if not dec.USE_JIT:
        pytest.skip("numba is not installed")
    index = actors._alias_index()
    assert index is not None
    paths = sorted(shared_path("polnear", "data", "dev", "text").glob("*.txt"))[:40]
    kept = 0
    for p in paths:
        text = p.read_text("utf-8")
        lowered = text.lower()
        if len(lowered) != len(text):
            continue
        want = actors._key_filter(text, lowered, actors._alias_starts(lowered), *index)
        assert actors._filtered_alias_starts(text, lowered) == want
        kept += len(want)
    assert kept > 0
