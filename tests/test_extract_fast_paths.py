"""Fast paths of the figure and date extractors find what the plain rules they replace find.

Each shortcut (numbers, figures, figure_sources, date_scan, literal_scan) is compared with
the straightforward form it stands for, on real ABP articles and on strings built to hit
the edge cases (case-insensitive special letters, non-ASCII digits, spans at the text's ends).
"""

from __future__ import annotations

import bisect
import gzip
import json
import random
import re
from itertools import islice

import pytest
from conftest import shared_path

from provenance.extract import date_scan, figure_sources, figures, numbers
from provenance.extract.figure_attributions import CoveringAttributions
from provenance.extract.literal_scan import CASE_FOLD_SPECIALS, digit_runs, lower_keep_offsets
from provenance.extract.sentences import split_sentences
from provenance.models import Attribution, Sentence, SourceRef, Span


@pytest.fixture(scope="module")
def abp_texts() -> list[str]:
    """The text of the first 150 ABP articles (real news prose)."""
    path = shared_path("abp", "abp_articles.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line)["content_original"] for line in islice(f, 150)]


def _last_word_plain(text: str, end: int) -> str:
    seg = text[max(0, end - 24):end].rstrip()
    i = max(seg.rfind(" "), seg.rfind("\n"), seg.rfind("\t"), seg.rfind("\u00a0"))
    return seg[i + 1:].lower().strip(numbers._STRIP)


def test_last_word(abp_texts: list[str]) -> None:
    tricky = "a b\tc\u00a0d\ne  (f) x\u00a0\ty\n\u00a0z,  "
    for text in [tricky, *abp_texts[:40]]:
        for end in range(len(text) + 1):
            assert numbers.last_word(text, end) == _last_word_plain(text, end)


def test_digit_runs(abp_texts: list[str]) -> None:
    plain = re.compile(r"\d+")
    odd = ["", "7", "a1b22c333", "12\u0663\u0664 x9", "\u00b2 5 \U0001d7ce", "x\ud800 12", "٣"]
    for text in odd + abp_texts:
        assert digit_runs(text) == [m.start() for m in plain.finditer(text)]


def test_case_fold_specials_are_complete() -> None:
    """Every non-ASCII character a case-insensitive ASCII letter matches is in the list."""
    letters = re.compile("|".join("abcdefghijklmnopqrstuvwxyz"), re.IGNORECASE)
    chars = "".join(chr(c) for c in range(128, 0x110000) if not 0xD800 <= c < 0xE000)
    found = {m.group() for m in letters.finditer(chars)}
    assert found == set(CASE_FOLD_SPECIALS.pattern.strip("[]"))


def test_qualifier_before(abp_texts: list[str]) -> None:
    full = numbers._patterns()["qual_before"]
    phrases = list(numbers.lexicon("qualifiers")["before"])
    rng = random.Random(7)
    junk = ["", " ", "x", "X", "(", "“", "-", "al", "\n", "\t", "ſ", "K", "ı", "İ", "\u00a0", ".", "Mo"]
    segs = [t[max(0, i - 30):i] for t in abp_texts[:30] for i in range(0, len(t), 3)]
    for _ in range(20000):
        parts = [rng.choice(junk + phrases + [p.upper() for p in phrases]) for _ in range(rng.randint(1, 4))]
        segs.append("".join(rng.choice(["", " ", "\n", *junk]) + p for p in parts) + rng.choice(["", " ", "\n", " \n"]))
    for seg in segs:
        a, b = full.search(seg), numbers._qual_before(seg)
        assert (a and (a.span(), a.span("q"))) == (b and (b.span(), b.span("q"))), seg


def test_count_rejections_in_order(abp_texts: list[str]) -> None:
    p = numbers._patterns()
    for text in abp_texts[:60]:
        for i in range(0, len(text), 2):
            after = text[i:i + 40]
            want = next((reason for reason, key in numbers._COUNT_AFTER if p[key].match(after)), None)
            got = p["count_after"].match(after)
            assert (got.lastgroup if got else None) == want


def test_scan_with_given_lower_case(abp_texts: list[str]) -> None:
    for text in abp_texts[:50] + ["İstanbul: 12 killed, about two dozen hurt"]:
        low = lower_keep_offsets(text)
        assert numbers.scan_quantities(text, True, low) == numbers.scan_quantities(text, True)


def test_subsentences(abp_texts: list[str]) -> None:
    glued = re.compile(r"(?<=[a-z]{2}[.!?])[”\"’]?(?=[A-Z“\"])")
    texts = ['ab.C', 'xy."Ab', 'xy.”A', 'ab."“', 'ab!Abc.Def', '.A'] + abp_texts[:40]
    for text in texts:
        spans = [(s.start, s.end) for s in split_sentences(text)] if len(text) > 8 else [
            (x, y) for x in range(len(text) + 1) for y in range(x, len(text) + 1)
        ]
        for x, y in spans:
            bounds = [x, *(m.start() for m in glued.finditer(text, x, y)), y]
            want = [(bounds[k], bounds[k + 1]) for k in range(len(bounds) - 1) if bounds[k + 1] > bounds[k]]
            assert figures._subsentences(text, Sentence(x, y)) == want


def test_lower_case_rules_and_according(abp_texts: list[str]) -> None:
    r = figures._rules()
    pairs = [(r.keyword, r.keyword_low), (r.toll, r.toll_low), (r.near, r.near_low), (r.object_verb, r.object_verb_low)]
    for text in abp_texts[:60]:
        low = lower_keep_offsets(text)
        for ci, lc in pairs:
            for a in range(0, len(text), 97):
                b = min(len(text), a + 140)
                assert [(m.span(), m.lastgroup) for m in ci.finditer(text, a, b)] == [
                    (m.span(), m.lastgroup) for m in lc.finditer(low, a, b)
                ]
        for s in split_sentences(text):
            assert figure_sources.sentence_sources(text, s.start, s.end, (), low) == figure_sources.sentence_sources(
                text, s.start, s.end
            )


def test_covering_attributions_matches_the_plain_search() -> None:
    text = "x" * 400
    rng = random.Random(3)
    for _ in range(200):
        atts = []
        for _ in range(rng.randint(0, 8)):
            a = rng.randint(0, 380)
            content = tuple(Span(s, s + rng.randint(0, 120), "") for s in sorted(rng.sample(range(380), rng.randint(0, 3))))
            cue = Span(a, a + 5, rng.choice(["said", "according to", "told"]))
            src = SourceRef(max(0, a - 12), a, "The ministry", None, None) if rng.random() < 0.8 else None
            atts.append(Attribution(cue=cue, source=src, content=content,
                                    kind=rng.choice(["according_to", "said"]), hedged=False))
        cov = CoveringAttributions(atts, text)
        starts = sorted(rng.sample(range(390), 12))
        sents = [Sentence(0, 100), Sentence(100, 250), Sentence(250, 400)]
        for st in starts:
            q = numbers.Quantity(st, st + rng.randint(1, 9), st, 1.0, 1.0, 1.0, "exact")
            sent = sents[bisect.bisect_right([s.start for s in sents], st) - 1]
            assert cov.find(q, sent) is figure_sources.from_attributions(atts, q, sent, text)


def test_date_name_triggers_found_as_literals(abp_texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    lx = date_scan.lexicon()
    assert date_scan._literal_names(lx.name_words)  # the names fit a LiteralSet
    texts = abp_texts + ["MAYDAY May Mayor JanJanuary", "SEPTEMBER Sept. Sep", "New Year's", "Today", "Nineteen"]
    fast = [date_scan._trigger_positions(t) for t in texts]
    # The names' own pattern instead (what _trigger_positions does without the literals).
    words = date_scan._trigger_words
    monkeypatch.setattr(date_scan, "_literal_names", lambda names: frozenset())
    monkeypatch.setattr(date_scan, "_trigger_words", lambda triggers, names=(): words(triggers))
    assert [date_scan._trigger_positions(t) for t in texts] == fast
