"""Layout attribution rules: what a line's place and shape imply, whatever its grammar.

``attributions.extract_attributions`` adds these to the tagger's and the sentence rules'
attributions (``attribution_rules``):

* ``line_attributions``: a quotation signed at the end of its line ("“...” ― Name"), and
  ``signed_over``, which drops a cue the tagger found inside such a quotation;
* ``transcript_attributions``: the speaker labels of a transcript ("PENCE: ...");
* ``headline_attribution``: a headline "Name: statement" (the colon is the cue) or
  "..., ministry says".
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from provenance.extract.attribution_rules import _SUBJECT_PRONOUNS, _strip_span
from provenance.models import Span

Triple = tuple[Span | None, Span, list[Span]]


# A quotation signed at the end of its line, "“... .” ― Sonya Herridge" (quote lists,
# epigraphs), or before the next quotation of a list run together on one line.
_SIGNED_QUOTE = re.compile(
    r"(?P<con>(?:[“\"]|(?<![^\n])”)[^”\"\n]{10,}[”\"])[ \t\xa0]*(?P<cue>[―—])[ \t\xa0]*"
    r"(?P<src>[A-Z][\w.'’\-]+(?:[ \t]+[A-Z][\w.'’\-]*){0,3})[ \t\xa0.,]*(?=\n|$|[“\"])"
)


def _quote_before_dash(text: str) -> bool:
    """True when a signature dash (―, —) follows a closing quotation mark with only spaces,
    tabs or no-break spaces between, as in every ``_SIGNED_QUOTE`` match (found with
    ``str.find``, a fraction of the pattern's scan)."""
    for dash in ("―", "—"):
        i = text.find(dash)
        while i != -1:
            j = i
            while j > 0 and text[j - 1] in " \t\xa0":
                j -= 1
            if j > 0 and text[j - 1] in "”\"":
                return True
            i = text.find(dash, i + 1)
    return False


def line_attributions(
    text: str, triples: Sequence[Triple]
) -> list[Triple]:
    """Attributions a line's layout gives: a quotation signed at the end of its line.

    "“...” ― Sonya Herridge": the quotation is the content, the dash the cue and the name
    the source, as PolNeAR annotates them. A line whose span already holds a cue of
    ``triples`` outside the quotation is left alone; a cue inside it ("“During the debate
    Trump said ...” ― Name") is the quoted person's words, and the caller drops that triple
    for the signed one (``signed_over``).

    Returns:
        New (source, cue, contents) triples.
    """
    out: list[Triple] = []
    if not _quote_before_dash(text):  # what every _SIGNED_QUOTE match holds: its scan costs more
        return out
    taken = sorted(t[1].start for t in triples)
    for m in _SIGNED_QUOTE.finditer(text):
        i = bisect.bisect_left(taken, m.start())
        j = bisect.bisect_left(taken, m.end())
        if any(not (m.start("con") < c < m.end("con") - 1) for c in taken[i:j]):
            continue
        con = _strip_span(text, m.start("con"), m.end("con"))
        if con is None:
            continue
        src = m.group("src").strip(" .,")
        a = m.start("src")
        out.append((Span(a, a + len(src), src), Span(m.start("cue"), m.end("cue"), m.group("cue")), [con]))
    return out


def signed_over(
    triples: Sequence[Triple], lines: Sequence[Triple]
) -> list[Triple]:
    """``triples`` without those whose cue lies inside a signed quotation of ``lines``."""
    inside = [(c.start, c.end) for _s, cue, cs in lines if cue.text in "―—" for c in cs]
    if not inside:
        return list(triples)
    return [t for t in triples if not any(a < t[1].start < b for a, b in inside)]


# A transcript's speaker label at the start of a paragraph (a quoted transcript opens each
# paragraph with a quotation mark): "PENCE: Well, the question ...".
_SPEAKER_LINE = re.compile(r"(?m)^[ \t]*[\"“]?(?P<src>[A-Z][A-Z.'’\- ]{1,30}[A-Z.])(?P<cue>:)[ \t]+(?P<con>\S[^\n]*)")


def transcript_attributions(text: str, triples: Sequence[Triple]) -> list[Triple]:
    """The turns of a transcript: "PENCE: ..." -> source PENCE, cue ":", content the rest of
    the paragraph, as PolNeAR annotates them.

    Only in a dialogue: at least two different all-capital labels, each of the kept ones used
    at least twice. (One-off labels are mostly "BYLINE:", "EMAIL:" or a headline kicker.) A
    paragraph that already holds a cue of ``triples`` is left alone.

    Returns:
        New (source, cue, contents) triples.
    """
    if ":" not in text:
        return []
    found = list(_SPEAKER_LINE.finditer(text))
    labels = Counter(m.group("src") for m in found)
    if len(labels) < 2:
        return []
    taken = sorted(t[1].start for t in triples)
    out: list[Triple] = []
    for m in found:
        if labels[m.group("src")] < 2:
            continue
        i = bisect.bisect_left(taken, m.start())
        if i < len(taken) and taken[i] < m.end():
            continue
        con = _strip_span(text, m.start("con"), m.end("con"))
        if con is not None:
            out.append((Span(m.start("src"), m.end("src"), m.group("src")), Span(m.start("cue"), m.end("cue"), ":"), [con]))
    return out


# A headline in the form "Name: what they said" ("Lynch: No outside influence on FBI probe",
# "NY Daily News: Paris Terror Attacks Highlight ..."): PolNeAR annotates the colon as the cue.
_HEADLINE = re.compile(
    r"\A[ \t]*(?P<src>(?:[A-Z][\w.'’\-]*[ \t]+){0,3}[A-Z][\w.'’\-]*)[ \t]*(?P<cue>:)[ \t]+(?P<con>\S[^\n]*)"
)
_HEADLINE_DETS = frozenset(["the", "a", "an"])
# A wire headline "Death toll rises to 212, ministry says": no final stop, the speaker after the
# last comma (headline style drops the determiner, which the sentence rules and the tagger need).
_WIRE_HEADLINE = re.compile(
    r"\A[ \t#]*(?P<con>[^\n,]\S[^\n]{8,}?),[ \t]+(?P<src>(?:[\w.'’\-]+[ \t]+){0,4}[\w.'’\-]+)"
    r"[ \t]+(?P<cue>says|say|said)[ \t]*(?=\n|\Z)"
)


@lru_cache(maxsize=1)
def _headline_kickers() -> frozenset[str]:
    """Headline labels that are not sources ("Breaking:", "Revealed:"): lexicon/cues_headline_kickers.tsv."""
    raw = resources.files("provenance.extract.lexicon").joinpath("cues_headline_kickers.tsv").read_text("utf-8")
    return frozenset(ln.strip().lower() for ln in raw.splitlines() if ln.strip() and not ln.startswith("#"))


def headline_attribution(
    text: str, triples: Sequence[Triple]
) -> list[Triple]:
    """The attribution of a headline "Name: statement" on the text's first line.

    The name (one to four capitalised words, not a determiner-led phrase, not an all-caps
    label such as "BREAKING", not a kicker of ``lexicon/cues_headline_kickers.tsv``) is the
    source, the colon the cue and the rest of the line the content, as PolNeAR annotates
    headlines. Nothing when a cue of ``triples`` is already on that line.

    Returns:
        Zero or one (source, cue, contents) triple.
    """
    m = _HEADLINE.match(text)
    if m is None:
        return _wire_headline(text, triples)
    src = m.group("src")
    words = src.split()
    if words[0].lower() in _HEADLINE_DETS or src.isupper() or src.lower() in _headline_kickers():
        return []
    return _headline_triple(text, m, triples)


def _wire_headline(
    text: str, triples: Sequence[Triple]
) -> list[Triple]:
    """"Death toll rises to 212, ministry says" on the text's first line: the words after the
    last comma are the source, the verb the cue, the rest the content (pronouns excluded)."""
    m = _WIRE_HEADLINE.match(text)
    if m is None or m.group("src").split()[0].lower() in _SUBJECT_PRONOUNS:
        return []
    return _headline_triple(text, m, triples)


def _headline_triple(
    text: str, m: re.Match[str], triples: Sequence[Triple]
) -> list[Triple]:
    """The (source, cue, [content]) of a headline match with groups src, cue and con; nothing
    when a cue of ``triples`` is already on that line or the content is empty."""
    if any(t[1].start < m.end() for t in triples):
        return []
    con = _strip_span(text, m.start("con"), m.end("con"))
    if con is None:
        return []
    return [(Span(m.start("src"), m.end("src"), m.group("src")), Span(m.start("cue"), m.end("cue"), m.group("cue")),
             [con])]
