"""Figures: every number a claim rests on, as an interval with what it counts and who says so.

``numbers.scan_quantities`` finds the numbers and their intervals; this module decides, for
each one, what it counts (``metric``, ``counted``, ``place``), whether it is a running total,
which figure it breaks down (``part_of``), what date it describes (``as_of``), whether it is
hedged, and who the outlet says it comes from (``source``).

Source rules (issue 3):

* The attribution whose content covers the figure (for ``according_to``, whose sentence holds
  it) is its source; the innermost wins.
* When no attribution covers it, a compact fallback reads the figure's own sentence:
  "according to X", "X said/reported ...", "..., X said", "..., said X".
* A relayed figure takes its named origin: "a UN agency said, citing the Health Ministry" ->
  the ministry.
* A background figure inside someone's speech ("the attack, in which more than 1,000 died,
  changed everything", she said) has no source.
* A pronoun source ("he said") resolves to the last named source earlier in the article.

Phrase lists live in ``lexicon/metrics.toml`` and ``lexicon/figures.toml``. See
docs/figures.md for the conventions and measured quality.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from provenance.extract import actors as _actors
from provenance.extract.numbers import Quantity, last_word, lexicon, scan_quantities
from provenance.models import Attribution, DateMention, Figure, Sentence, SourceRef

VERSION = "1"

__all__ = ["VERSION", "extract_figures", "canonical_source"]

_METRICS = ("killed", "injured", "hostage", "missing", "displaced", "arrested", "released")


def _alt(items: Sequence[str], escape: bool = False) -> str:
    """Alternation of regex fragments (or escaped phrases), longest first."""
    out = []
    for it in sorted(items, key=len, reverse=True):
        out.append(r"\s+".join(re.escape(w) for w in it.split()) if escape else it.replace(" ", r"\s+"))
    return "|".join(out)


@lru_cache(maxsize=1)
def _gates() -> dict[str, frozenset[str]]:
    """Last words that can end an end-anchored phrase: its regex runs only after one of them."""
    met = lexicon("metrics")
    fig = lexicon("figures")

    def lasts(phrases: Sequence[str]) -> frozenset[str]:
        return frozenset(re.sub(r"[?\\]", "", p.split()[-1]).lower() for p in phrases)

    return {
        "object_verb": lasts([v for vs in met["object_verbs"].values() for v in vs]) | {"of"},
        "subcount": lasts(fig["subcounts"]["cues"]) | {"", "—", "–", "-"},
        "as_of": frozenset({"of", "by", "through", "until", "at"}),
    }


@dataclass(frozen=True, slots=True)
class _Rules:
    """Compiled rule patterns (built once from the lexicons)."""

    keyword: re.Pattern[str]
    object_verb: re.Pattern[str]
    toll: re.Pattern[str]
    joint: re.Pattern[str]
    subcount: re.Pattern[str]
    running: re.Pattern[str]
    event: re.Pattern[str]
    hedge: re.Pattern[str]
    place: re.Pattern[str]
    clause_left: re.Pattern[str]
    clause_right: re.Pattern[str]
    glued: re.Pattern[str]
    according: re.Pattern[str]
    cue: re.Pattern[str]
    relay: re.Pattern[str]
    data_noun: re.Pattern[str]
    np_cut: re.Pattern[str]
    descriptor: re.Pattern[str]
    background: re.Pattern[str]
    as_of: re.Pattern[str]
    counted_word: re.Pattern[str]
    tail_adverbial: re.Pattern[str]
    word: re.Pattern[str]
    transitive_ing: re.Pattern[str]
    and_verb: re.Pattern[str]
    coord: re.Pattern[str]
    continuation: re.Pattern[str]
    passive: re.Pattern[str]
    aux: re.Pattern[str]
    acc_left: re.Pattern[str]
    acc_right: re.Pattern[str]
    background_event: re.Pattern[str]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    """Compile the figure rules from ``metrics.toml`` and ``figures.toml``."""
    met = lexicon("metrics")
    fig = lexicon("figures")
    src = fig["sources"]
    i = re.IGNORECASE

    def groups(table: dict[str, list[str]]) -> str:
        return "|".join(f"(?P<{m}>\\b(?:{_alt(table[m])})\\b)" for m in _METRICS if m in table)

    kw_any = _alt([k for m in _METRICS for k in met["keywords"].get(m, [])])
    cue_verbs = [c for c in src["cue_verbs"] if c != "according to"]
    return _Rules(
        keyword=re.compile(groups(met["keywords"]), i),
        object_verb=re.compile(rf"(?:{groups(met['object_verbs'])})\s+(?:a\s+total\s+of\s+)?$", i),
        toll=re.compile(groups(met["toll_nouns"]), i),
        joint=re.compile(rf"\s*(?:{_alt(met['joint']['joiners'], True)})\s+(?:{kw_any})\b", i),
        subcount=re.compile(rf"(?:^|\W)(?:{_alt(fig['subcounts']['cues'], True)})\s*(?:[:—–-]\s*)?$", i),
        running=re.compile(rf"\b(?:{_alt(fig['cumulative']['running'], True)})\b", i),
        event=re.compile(rf"\b(?:{_alt(fig['cumulative']['event'], True)})\b", i),
        hedge=re.compile(rf"\b(?:{_alt(fig['hedges']['phrases'], True)})\b", i),
        place=re.compile(
            rf"\b(?:in|inside|across|throughout|from)\s+(?P<place>{_alt(fig['places']['names'], True)})(?![\w-])"
        ),
        clause_left=re.compile(r"(?:;|\s?[—–]\s?|\s--\s|:\s|(?<=[a-z]{2})[.!?][”\"’]?(?=[A-Z“]))"),
        clause_right=re.compile(
            r"(?:;|\s?[—–]\s?|\s--\s|,\s+(?:and|but|while|whereas|where|when)\s|(?<=[a-z]{2})[.!?][”\"’]?(?=[A-Z“]))"
        ),
        glued=re.compile(r"(?<=[a-z]{2}[.!?])[”\"’]?(?=[A-Z“\"])"),
        according=re.compile(r"\baccording\s+to\s+", i),
        cue=re.compile(rf"\b(?:{_alt(cue_verbs)})\b"),
        relay=re.compile(rf"\b(?:{_alt(src['relay_cues'], True)})\s+", i),
        data_noun=re.compile(
            rf"^(?:(?:the|a|an)\s+)?(?:(?:latest|new|official|updated|daily|most\s+recent|preliminary)\s+)*"
            rf"(?:{_alt(src['data_nouns'], True)})\s+(?:(?:released|issued|published|compiled|provided)\s+)?"
            rf"(?:from|by|of)\s+",
            i,
        ),
        np_cut=re.compile(
            r"\s+(?:on|as\s+of|which|who|that|released|issued|published|posted|cited|since|after|"
            r"before|when|while|but|and\s+(?:the|a)\s+\w+\s+(?:said|says)|in\s+(?:a|an|its|their|his|her"
            r"|the\s+latest)\b|at\s+a\b|late|early|earlier|this|last)\b.*$",
            i | re.S,
        ),
        descriptor=re.compile(rf"(?<![\w-])(?:{_alt(src['descriptors'], True)})(?![\w-])", i),
        background=re.compile(r",\s*(?:in|during|after|before)\s+which\s+[^,]*$", i),
        as_of=re.compile(r"\b(?:as\s+of|by|through|until|as\s+at)\s+$", i),
        counted_word=re.compile(r"[A-Za-z][\w’'.-]*|\d[\w,.-]*|[^\w\s]"),
        tail_adverbial=re.compile(
            r"^(?:\s*,?\s*(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|"
            r"yesterday|tonight|earlier|later|late|overnight|this\s+week|last\s+week|last\s+night|"
            r"on\s+\w+|(?:in|during|at)\s+an?\s+[\w\s-]{0,30}?(?:statement|briefing|post|video|conference|interview)|"
            r"in\s+[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*|"
            r"(?:morning|afternoon|evening|night)|[A-Z][a-z]{2,4}\.?\s+\d{1,2}\b))*\s*(?:[.,;:!?”\"]|$)"
        ),
        word=re.compile(r"(?:[A-Z]\.){2,}|[\w’'&-]+(?:\.(?=\w))?[\w’'&-]*|[^\w\s]"),
        transitive_ing=re.compile(
            r"^(?:killing|wounding|injuring|abducting|kidnapping|displacing|arresting|detaining|releasing"
            r"|freeing|holding|taking|seizing|capturing)$",
            i,
        ),
        and_verb=re.compile(r"\b(?:and|or)\s+$", i),
        coord=re.compile(r"^[^;:—–]{0,60}?(?:\b(?:and|or|among(?:\s+the)?|of)|,)\s*$", i),
        continuation=re.compile(rf",\s+(?:{_alt(src['continuation_cues'], True)})\b", i),
        passive=re.compile(rf"\s+(?:{_alt(src['passive_after'], True)})\b", i),
        aux=re.compile(r"\b(?:have|has|had|are|is|were|was|will|would)\b"),
        acc_left=re.compile(
            r"(?:,\s+(?:prompting|sparking|triggering|setting\s+off|which|while|whereas|but)\b|;|\s[—–-]{1,2}\s|—)",
            i,
        ),
        acc_right=re.compile(r"(?:;|\s[—–-]{1,2}\s|—)"),
        background_event=re.compile(
            r"\b(?:attacks?|assaults?|rampage|massacres?|incursions?|onslaught|raids?)\b[^;]{0,80}?\b(?:that|which"
            r"|who)\s+(?:has\s+|have\s+|had\s+)?(?:killed|left|claimed)\s+[^,;]{0,20}$",
            i,
        ),
    )


# --- sources ------------------------------------------------------------------------------

_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
_APPOSITIVE = re.compile(
    r"(?:an?|the)\s+(?:[\w’'-]+\s+){0,3}?(?:spokes(?:man|woman|person)|official|minister|head|director|chief"
    r"|commander|leader|member|adviser|advisor|representative|president|secretary|ambassador|officer|envoy)\b",
    re.IGNORECASE,
)
# A relative clause holding a cue ends at punctuation or at the main clause's auxiliary.
_RELATIVE_END = re.compile(r"[,;”\"]|\b(?:have|has|had|are|is|were|was|will|would)\b")
_TIME_WORD = re.compile(
    r"\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Jan|Feb|March|April|May|June"
    r"|July|Aug|Sept?|Oct|Nov|Dec)"
)
_PASSIVE_CUES = frozenset({"reported", "confirmed", "estimated", "counted", "recorded", "claimed", "alleged"})
_HEAD_DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their"})
_RELATIVE = frozenset({"that", "which", "who", "whom", "whose", "where"})
_NP_LOWER = frozenset(
    """the a an of for in and its his her their health ministry ministry's officials official authorities
    military army police spokesman spokeswoman spokesperson spokesmen medics doctors paramedics witnesses
    residents rescuers agency government group organization organisation office services service
    emergency civil defense defence forces media sources source department workers staff hospital director
    head chief minister president leaders leader commander medical relief agencies ministries analysts
    experts researchers investigators people officers soldiers diplomats administration statement report
    authority council committee spokespeople representatives representative team unit""".split()
) | _PRONOUNS
_ORG_NOUNS = re.compile(
    r"\b(?:ministry|military|army|forces|office|agency|government|authorit|organi[sz]ation|group|"
    r"police|service|department|council|committee|administration|UN|U\.N\.|United Nations|Hamas|IDF)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Src:
    """A source found in a sentence and the text it covers."""

    start: int
    end: int
    cover_start: int
    cover_end: int
    cue_start: int
    kind: str
    hedged: bool = False


def _clean_mention(text: str) -> tuple[str, str | None]:
    """Name without determiners, possessive or descriptor, and the descriptor if any."""
    r = _rules()
    desc = None
    m = r.descriptor.search(text)
    if m:
        desc = m.group(0)
        text = text[: m.start()] + text[m.end():]
    name = " ".join(text.split())
    name = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.IGNORECASE)
    name = re.sub(r"[’']s$", "", name).strip(" ,")
    return name, desc


def canonical_source(mention: str) -> tuple[str | None, str | None]:
    """Canonical name and descriptor of a source mention.

    Uses ``actors.canonicalize`` first; when it knows nothing, falls back to a minimal
    normalisation (determiners and descriptors removed, a few aliases from
    ``lexicon/figures.toml``).

    Args:
        mention: The source as written ("the Hamas-run Health Ministry").

    Returns:
        ``(canonical, descriptor)``; canonical is None for a bare pronoun.

    Examples:
        >>> canonical_source("the Hamas-run Health Ministry")
        ('Gaza Health Ministry', 'Hamas-run')
    """
    canon, desc = _actors.canonicalize(mention)
    if canon is not None or desc is not None:
        return canon, desc
    name, desc = _clean_mention(mention)
    if not name or name.lower() in _PRONOUNS:
        return None, desc
    aliases = lexicon("figures")["sources"]["aliases"]
    return aliases.get(name.lower(), name), desc


def _np_before(text: str, lo: int, cue: int) -> tuple[int, int, str] | None:
    """The noun phrase ending right before ``cue`` (the speaker of "X said"), if any.

    Returns ``(start, end, stop_word)`` where stop_word is the word that ended the scan.
    """
    r = _rules()
    seg = text[lo:cue]
    # "A paramedic, who was not authorized to speak, said": the speaker is before the clause.
    rel = re.search(r",\s*(?:who|which)\b[^,]*,\s*$", seg)
    if rel:
        seg = seg[: rel.start()]
        cue = lo + len(seg)
    toks = list(r.word.finditer(seg))
    # "Britain's prime minister, Rishi Sunak, said": one appositive comma is part of the phrase.
    if toks and toks[-1].group(0) == ",":
        toks.pop()
    # Skip adverbs between subject and cue ("the ministry also said").
    while toks and toks[-1].group(0).lower() in ("also", "later", "earlier", "previously", "has", "have", "had", "again"):
        toks.pop()
    if not toks:
        return None
    end = lo + toks[-1].end()
    start = None
    stop = ""
    commas = 0
    for k in range(len(toks) - 1, -1, -1):
        t = toks[k]
        w = t.group(0)
        lw = w.lower()
        if w[0].isupper() or lw in _NP_LOWER or re.fullmatch(r"[\w-]+-(?:run|controlled|led|backed)", lw):
            start = lo + t.start()
            continue
        if start is None and w.isalpha():
            # The head noun of "the colonel", "a Red Crescent paramedic".
            j = k - 1
            while j >= 0 and toks[j].group(0)[:1].isupper() and toks[j].group(0).lower() not in _HEAD_DETERMINERS:
                j -= 1
            if j < 0 or toks[j].group(0).lower() in _HEAD_DETERMINERS:
                start = lo + t.start()
                continue
        if (
            w == ","
            and commas == 0
            and start is not None
            and k > 0
            and toks[k - 1].group(0)[:1].isupper()
            and _APPOSITIVE.match(text, start)
        ):
            commas += 1  # "Oleg Petrenko, a spokesman for the Foreign Ministry, said"
            continue
        stop = lw
        break
    if start is None:
        return None
    # Trim leading connectors ("and officials" -> "officials").
    m = re.match(r"(?:(?:and|of|for|in)\s+)+", text[start:end], re.IGNORECASE)
    if m:
        start += m.end()
    np = text[start:end]
    words = np.split()
    if not words:
        return None
    content = [w for w in words if w.lower() not in ("the", "a", "an", "of", "for", "in", "and")]
    if not content:
        return None
    if len(words) == 1 and start == lo and words[0] in ("The", "A", "An", "At", "In", "On"):
        return None
    if words[-1].lower() in ("and", "or", "but"):
        return start, end, "and"
    if words[-1].lower() in ("i", "we"):
        return None  # a first-person speaker is inside a quotation: its speaker is elsewhere
    return start, end, stop


def _np_after(text: str, pos: int, hi: int) -> tuple[int, int] | None:
    """The noun phrase starting at ``pos`` (after "according to", "citing", "said")."""
    r = _rules()
    seg = text[pos:hi]
    m = re.match(r"(?:[^,.;:()“”\"\n—–]|(?<=\.[A-Z])\.|\.(?=[A-Za-z]))+", seg)
    if not m:
        return None
    np = m.group(0)
    dn = r.data_noun.match(np)
    skip = 0
    if dn:
        skip = dn.end()
        np = np[skip:]
    cut = r.np_cut.search(np)
    if cut:
        np = np[: cut.start()]
    dash = re.search(r"\s+-{1,2}\s", np)
    if dash:
        np = np[: dash.start()]
    np = np.rstrip()
    if not np or not re.search(r"[A-Za-z]", np):
        return None
    return pos + skip, pos + skip + len(np)


def _subsentences(text: str, s: Sentence) -> list[tuple[int, int]]:
    """Split a sentence at glued boundaries ("verified.President") the segmenter keeps."""
    cuts = [m.start() for m in _rules().glued.finditer(text, s.start, s.end)]
    bounds = [s.start, *cuts, s.end]
    return [(bounds[k], bounds[k + 1]) for k in range(len(bounds) - 1) if bounds[k + 1] > bounds[k]]


def _sentence_sources(text: str, a: int, b: int, figure_starts: Sequence[int] = ()) -> list[_Src]:
    """Fallback sources in ``text[a:b]``: according to X, X said, ..., said X.

    Each source carries the span of text it covers: after a leading cue ("Officials said
    2,228 ..."), before a trailing one ("..., the military said."), the whole sentence around
    a parenthetical one ("..., officials said, and ..."), the relative clause of an embedded
    one ("strikes that Gaza officials said killed 80 people").
    """
    r = _rules()
    out: list[_Src] = []
    for m in r.according.finditer(text, a, b):
        np = _np_after(text, m.end(), b)
        if not np:
            continue
        # "according to X" covers the clause it closes or opens, not every clause of the
        # sentence: "an attack that left 1,400 dead, prompting strikes that have killed 2,800
        # people, according to officials there" attributes only the 2,800.
        before_figs = [f for f in figure_starts if a <= f < m.start()]
        lo = a
        if before_figs:
            for bm in r.acc_left.finditer(text, a, before_figs[-1]):
                lo = bm.end()
        rm = r.acc_right.search(text, np[1], b)
        out.append(_Src(np[0], np[1], lo, rm.start() if rm else b, m.start(), "according_to"))
    prev_cue_end = a
    prev: _Src | None = None
    for m in r.cue.finditer(text, a, b):
        cue_s, cue_e = m.start(), m.end()
        before = text[a:cue_s]
        rest = text[cue_e:b]
        if m.group(0).lower() in _PASSIVE_CUES and r.passive.match(rest):
            continue  # "more than 900 Israelis reported killed"
        # ", said X" / "”, said X": inverted speaker after the cue.
        if (
            re.search(r"[,”\"]\s*$", before)
            and re.match(r"\s+(?:the\s+|a\s+|an\s+)?[A-Z]", rest)
            and not _TIME_WORD.match(rest)
        ):
            np = _np_after(text, cue_e + len(rest) - len(rest.lstrip()), b)
            if np:
                prev = _Src(np[0], np[1], prev_cue_end, cue_s, cue_s, "inverted")
                out.append(prev)
                prev_cue_end = cue_e
                continue
        np_b = _np_before(text, a, cue_s)
        if not np_b:
            continue
        s0, e0, stop = np_b
        hedged = m.group(0).lower() in ("claimed", "claims", "claim", "alleged")
        if stop == "and":
            # "The UN said ... and added that ...": the coordinated verb keeps the subject.
            if prev is not None:
                out.append(_Src(prev.start, prev.end, cue_e, b, cue_s, "said", hedged))
                prev_cue_end = cue_e
            continue
        if stop in _RELATIVE:
            # "strikes that Gaza officials said killed 80": the relative clause is the content;
            # "airstrikes that Israel says target Hamas forces have killed ...": it ends at the
            # main clause's auxiliary.
            first = re.match(r"\s*([\w’'-]+)", rest)
            end_m = _RELATIVE_END.search(text, cue_e + (first.end() if first else 0), b)
            out.append(_Src(s0, e0, cue_e, end_m.start() if end_m else b, cue_s, "said", hedged))
            continue
        at_start = not text[prev_cue_end:s0].strip(" \n“\"‘'(")
        tail = r.tail_adverbial.match(rest)
        quote_before = re.search(r"[”\"],?\s*$", text[a:s0])
        if quote_before or (not at_start and tail):
            tail_end = rest[tail.end() - 1:tail.end()] if tail else ""
            if quote_before or tail_end in (".", "!", "?", "”", '"', "") or tail.end() >= len(rest.rstrip()):
                cover = (prev_cue_end, s0)  # "..., the Israeli military said Monday."
            else:
                cover = (prev_cue_end, b)  # "..., officials said, and more than 1,400 injured."
        else:
            cover = (cue_e, b)  # "Officials said 2,228 people ..."
        prev = _Src(s0, e0, cover[0], cover[1], cue_s, "said", hedged)
        out.append(prev)
        prev_cue_end = cue_e
    if prev is not None or out:
        # ", adding that two were captured": the last speaker continues.
        for m in r.continuation.finditer(text, a, b):
            spk = [x for x in out if x.cue_start < m.start() and x.kind != "according_to"]
            if spk:
                x = spk[-1]
                out.append(_Src(x.start, x.end, m.end(), b, m.start(), "said", x.hedged))
    return out


# --- metric, counted, place ---------------------------------------------------------------

def _metric_from(m: re.Match[str] | None) -> str | None:
    """The metric named by the group that matched."""
    if not m or not m.lastgroup:
        return None
    return m.lastgroup.removeprefix("k_")


def _after_keyword(text: str, q: Quantity, right: int) -> re.Match[str] | None:
    """The first metric keyword after a figure that speaks of it, within ``text[q.end:right]``.

    Skipped: a transitive participle (", killing ...": the figure does the killing) and a
    verb coordinated without an auxiliary ("hundreds of gunmen entered Israel and slaughtered").
    A hostage noun in the counted phrase gives way to a later predicate ("nine hostages had died").
    """
    r = _rules()
    first: re.Match[str] | None = None
    for kw in r.keyword.finditer(text, q.end, right):
        word = kw.group(0)
        between = text[q.end:kw.start()]
        if word[:1].isupper():
            continue  # "the U.N. Relief and Works Agency for Palestine Refugees": a name
        if first is not None and _RELATIVE_PRONOUN.search(text, first.end(), kw.start()):
            break  # "200 hostages taken during a raid that killed 1,400": another clause
        if r.transitive_ing.match(word):
            continue
        if r.and_verb.search(between) and not r.aux.search(between) and word.lower().endswith("ed"):
            continue
        if first is None:
            first = kw
            if kw.lastgroup != "hostage" or not re.match(r"hostages?|captives?", word, re.IGNORECASE):
                return kw
            continue
        if kw.lastgroup in ("killed", "injured", "released", "missing"):
            return kw
    return first


def _metric(text: str, q: Quantity, left: int, right: int, parent_metric: str | None) -> tuple[str, str]:
    """``(metric, how)`` for a figure whose clause is ``text[left:right]``."""
    r = _rules()
    if q.unit != "count":
        return "other", "unit"
    ov = (
        r.object_verb.search(text, max(left, q.start - 40), q.start)
        if last_word(text, q.start) in _gates()["object_verb"]
        else None
    )
    if ov:
        metric = _metric_from(ov)
        after = text[q.end:right]
        kw = r.keyword.search(after)
        if kw and r.joint.match(after[kw.end():]) and _metric_from(kw) != metric:
            return "other", "joint"
        if metric:
            return metric, "object_verb"
    kw = _after_keyword(text, q, right)
    if kw:
        metric = _metric_from(kw)
        j = r.joint.match(text, kw.end(), right)
        if j and _metric_from(r.keyword.search(j.group(0))) != metric:
            return "other", "joint"
        if metric:
            return metric, "after"
    if parent_metric:
        return parent_metric, "part_of"
    last = None
    for last in r.toll.finditer(text, left, q.start):
        pass
    if last:
        metric = _metric_from(last)
        if metric:
            return metric, "before"
    return "other", "none"


_RELATIVE_PRONOUN = re.compile(r"\b(?:that|which|who|whom)\b")
_WEEKDAYS = frozenset("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())
_COUNTED_STOP = frozenset(
    """were was have has had are is be been being will would could may might killed wounded injured
    died dead and or who that which since according from by to at on with as during after before across
    including said says say reported in among while but than per when where amid over into so if of
    also not all more most mostly many including what whose there here this these those they it he she
    following under overnight listed believed reported confirmed back a an""".split()
) | frozenset(
    k for ks in lexicon("metrics")["keywords"].values() for k in ks if re.fullmatch(r"[a-z]+", k)
)


def _counted(text: str, q: Quantity, right: int) -> str | None:
    """The noun phrase a figure counts ("Palestinians", "children", "people in Israel")."""
    r = _rules()
    seg = text[q.end:min(right, q.end + 80)]
    words: list[str] = []
    toks = r.counted_word.findall(seg)
    k = 0
    if toks[:1] == ["of"] or (toks[:2] and toks[0] in ("more", "other", "additional", "others") and toks[0] != "others"):
        k += 1
        if k < len(toks) and toks[k] in ("the", "his", "her", "their", "them", "those", "its"):
            k += 1
    while k < len(toks) and len(words) < 4:
        w = toks[k]
        if w.endswith(".") and w.count(".") == 1:
            w = w[:-1]
        lw = w.lower()
        if (
            not re.match(r"[A-Za-z]", w)
            or lw in _COUNTED_STOP
            or (lw.endswith("ing") and lw not in ("offspring",))
            or w in _WEEKDAYS
        ):
            if lw == "in" and words and k + 1 < len(toks) and toks[k + 1][:1].isupper():
                words += ["in", toks[k + 1].rstrip(".")]
            break
        words.append(w)
        k += 1
    return " ".join(words) or None


# --- assembly -----------------------------------------------------------------------------

def _clause(text: str, lo: int, hi: int, q: Quantity, nxt: int | None) -> tuple[int, int]:
    """Clause bounds around a figure inside the sentence ``lo``-``hi``."""
    r = _rules()
    left = lo
    for m in r.clause_left.finditer(text, max(lo, q.start - 200), q.start):
        left = m.end()
    right = min(hi, q.end + 140)
    if nxt is not None and not (
        last_word(text, nxt) in _gates()["subcount"] and _rules().subcount.search(text, max(q.end, nxt - 30), nxt)
    ):
        # The next figure ends this one's window, unless it only breaks this one down
        # ("More than 3,785 people, including 1,524 children, have been killed").
        right = min(right, nxt)
    m = r.clause_right.search(text, q.end, right)
    if m:
        right = m.start()
    return left, right


def _background(text: str, start: int, q: Quantity) -> bool:
    """True for a background figure inside someone's speech: "the attack, in which more than
    1,000 died, ...", "the assault that killed 1,400", or a dash parenthetical."""
    r = _rules()
    seg = text[start:q.start]
    if r.background.search(seg) or r.background_event.search(seg):
        return True
    return len(re.findall(r"\s[—–]\s|—|\s--\s", seg)) % 2 == 1


def _pick(srcs: list[_Src], q: Quantity) -> _Src | None:
    """The fallback source covering a figure: the nearest speech cue, else according to."""
    covering = [s for s in srcs if s.cover_start <= q.start and q.end <= s.cover_end and s.kind != "according_to"]
    if covering:
        return min(covering, key=lambda s: abs(s.cue_start - q.start))
    acc = [s for s in srcs if s.kind == "according_to" and s.cover_start <= q.start < s.cover_end]
    return acc[0] if acc else None


@lru_cache(maxsize=1)
def _cue_words() -> frozenset[str]:
    """Reporting cue words (lower case) an attribution's cue must contain to source a figure."""
    src = lexicon("figures")["sources"]
    words = {w.lower() for c in src["cue_verbs"] for w in c.split()}
    return frozenset(words | {w.lower() for w in src["continuation_cues"]} | {"according"})


def _usable(att: Attribution, text: str) -> bool:
    """An attribution that can source a figure: a reporting cue, a source without digits,
    and not a passive report ("were reported dead")."""
    if att.source is None or any(ch.isdigit() for ch in att.source.text):
        return False
    words = {w.strip(".,;:").lower() for w in att.cue.text.split()}
    if not words & _cue_words():
        return False
    cue = att.cue.text.split()[-1].lower()
    return not (cue in _PASSIVE_CUES and _rules().passive.match(text, att.cue.end))


def _from_attributions(
    atts: Sequence[Attribution], q: Quantity, sent: Sentence, text: str
) -> Attribution | None:
    """The innermost usable attribution covering the figure."""
    best: Attribution | None = None
    best_len = 1 << 60
    for att in atts:
        if not _usable(att, text):
            continue
        for c in att.content:
            if c.start <= q.start and q.end <= c.end and c.end - c.start < best_len:
                best, best_len = att, c.end - c.start
        if best is None and att.kind == "according_to" and sent.start <= att.cue.start < sent.end:
            best = att
    return best


def extract_figures(
    text: str,
    sentences: Sequence[Sentence],
    dates: Sequence[DateMention],
    attributions: Sequence[Attribution],
    published: str | None,
) -> list[Figure]:
    """Find and normalise figures in ``text``.

    Args:
        text: Article text.
        sentences: Sentence spans of ``text``.
        dates: Date mentions (their spans are not figures; they give ``as_of``).
        attributions: Attributions, to find the source covering each figure.
        published: ISO publication date, the default ``as_of``.

    Returns:
        Figures ordered by offset.

    Examples:
        >>> from provenance.extract.sentences import split_sentences
        >>> t = "At least 900 people have been killed, the Israeli military said."
        >>> [f] = extract_figures(t, split_sentences(t), [], [], "2023-10-09")
        >>> (f.text, f.low, f.high, f.qualifier, f.metric, f.counted, f.source.canonical)
        ('At least 900', 900.0, None, 'at_least', 'killed', 'people', 'Israel Defense Forces')
    """
    r = _rules()
    quants = scan_quantities(text)
    if not quants:
        return []
    date_spans = sorted((d.start, d.end) for d in dates)
    if date_spans:
        starts = [s for s, _ in date_spans]

        def in_date(q: Quantity) -> bool:
            k = bisect.bisect_right(starts, q.num_start) - 1
            return k >= 0 and date_spans[k][0] <= q.num_start < date_spans[k][1]

        quants = [q for q in quants if not in_date(q)]
    sents = list(sentences) or [Sentence(0, len(text))]
    sent_starts = [s.start for s in sents]
    as_of_default = published[:10] if published else None
    figures: list[Figure] = []
    sent_cache: dict[int, tuple[list[tuple[int, int]], dict[int, list[_Src]], bool]] = {}
    last_person: tuple[str, str | None] | None = None
    last_org: tuple[str, str | None] | None = None
    named_upto = 0

    def remember(upto: int) -> None:
        """Track named sources before ``upto`` for pronoun resolution."""
        nonlocal last_person, last_org, named_upto
        for att in attributions:
            if att.source and named_upto <= att.source.start < upto:
                _note(att.source.text)
        named_upto = max(named_upto, upto)

    def _note(mention: str) -> None:
        nonlocal last_person, last_org
        canon, desc = canonical_source(mention)
        if canon is None:
            return
        if _ORG_NOUNS.search(mention) or _ORG_NOUNS.search(canon):
            last_org = (canon, desc)
        else:
            last_person = (canon, desc)

    for qi, q in enumerate(quants):
        si = max(0, bisect.bisect_right(sent_starts, q.start) - 1)
        sent = sents[si]
        lo, hi = sent.start, max(sent.end, q.end)
        if si not in sent_cache:
            subs = _subsentences(text, sent)
            fstarts = [x.start for x in quants if lo <= x.start < hi]
            srcs = {k: _sentence_sources(text, a, b, fstarts) for k, (a, b) in enumerate(subs)}
            nxt_s = sents[si + 1] if si + 1 < len(sents) else None
            tail = text[lo:hi] + (text[nxt_s.start:nxt_s.end] if nxt_s else "")
            sent_cache[si] = (subs, srcs, bool(r.hedge.search(tail)))
        subs, srcs, hedged = sent_cache[si]
        sub_i = next((k for k, (a, b) in enumerate(subs) if a <= q.start < b), 0)
        a, b = subs[sub_i] if subs else (lo, hi)
        nxt = quants[qi + 1].start if qi + 1 < len(quants) and quants[qi + 1].start < b else None
        left, right = _clause(text, a, max(b, q.end), q, nxt)

        # part_of: "including 3,457 children" breaks down the previous figure in the sentence.
        part_of = None
        parent_metric = None
        if (
            figures
            and figures[-1].start >= a
            and last_word(text, q.start) in _gates()["subcount"]
            and r.subcount.search(text, max(a, q.start - 30), q.start)
        ):
            part_of = len(figures) - 1
            parent_metric = figures[-1].metric
        metric, how = _metric(text, q, left, right, parent_metric)
        counted = _counted(text, q, right)
        clause_text = text[left:right]
        pm = r.place.search(text, q.end, right) or r.place.search(text, left, q.start)
        place = re.sub(r"^the\s+", "", " ".join(pm.group("place").split())) if pm else None
        cumulative: bool | None = None
        if r.event.search(clause_text):
            cumulative = False
        elif r.running.search(clause_text):
            cumulative = True

        as_of = as_of_default
        for d in dates:
            if (
                a <= d.start < b
                and d.value
                and last_word(text, d.start) in _gates()["as_of"]
                and r.as_of.search(text, max(a, d.start - 12), d.start)
            ):
                as_of = d.value
                break

        # Source: an attribution covering the figure, else the sentence's own cues.
        remember(lo)
        source: SourceRef | None = None
        src_how = "none"
        att = _from_attributions(attributions, q, sent, text)
        fs = _pick(srcs.get(sub_i, []), q)
        if att is not None and att.source is not None and fs is not None:
            # Both cover the figure: the sentence's own cue nearest the figure is the innermost
            # statement; the attribution extractor's reading is kept when it names the same span
            # (its canonical name and cross-sentence resolution are better than ours).
            if not (att.source.start < fs.end and fs.start < att.source.end):
                att = None
        if att is not None and att.source is not None:
            s = att.source
            canon, desc = (s.canonical, s.descriptor) if s.canonical else canonical_source(s.text)
            source = SourceRef(s.start, s.end, s.text, canon, desc)
            hedged = hedged or att.hedged
            src_how = "attribution"
            cover_start = min((c.start for c in att.content), default=a)
        else:
            if fs is not None:
                mention = text[fs.start:fs.end]
                canon, desc = canonical_source(mention)
                source = SourceRef(fs.start, fs.end, mention, canon, desc)
                hedged = hedged or fs.hedged
                src_how = fs.kind
                cover_start = fs.cover_start
        if source is not None:
            relay = r.relay.search(text, a, b)
            if relay:
                np = _np_after(text, relay.end(), b)
                if np:
                    mention = text[np[0]:np[1]]
                    canon, desc = canonical_source(mention)
                    source = SourceRef(np[0], np[1], mention, canon, desc)
                    src_how = "relay"
            elif src_how in ("said", "inverted", "attribution") and _background(text, max(cover_start, a), q):
                source, src_how = None, "background"
        if source is not None and source.canonical is None and source.text.lower() in _PRONOUNS:
            for k in range(si - 1, max(-1, si - 4), -1):
                for x in reversed(_sentence_sources(text, sents[k].start, sents[k].end)):
                    mention = text[x.start:x.end]
                    if mention.lower() not in _PRONOUNS:
                        _note(mention)
                        break
                else:
                    continue
                break
            ref = last_person if source.text.lower() in ("he", "she", "i") else last_org
            if ref:
                source = SourceRef(source.start, source.end, source.text, ref[0], ref[1])
        if source is not None and source.canonical is not None and source.text.lower() not in _PRONOUNS:
            _note(source.text)

        confidence = {"digits": 0.95, "range": 0.9, "words": 0.85, "vague": 0.75}.get(q.kind, 0.8)
        if metric == "other" and q.unit == "count":
            confidence -= 0.1
        figures.append(
            Figure(
                start=q.start, end=q.end, text=text[q.start:q.end], value=q.value, low=q.low,
                high=q.high, qualifier=q.qualifier, metric=metric, counted=counted, source=source,
                unit=q.unit, currency=q.currency, place=place, cumulative=cumulative, hedged=hedged,
                as_of=as_of, part_of=part_of,
                rule=f"{q.kind}/{q.qualifier}; metric:{how}; source:{src_how}",
                confidence=round(confidence, 2),
            )
        )
    return _coordinate(text, figures)


def _coordinate(text: str, figures: list[Figure]) -> list[Figure]:
    """A figure with no metric of its own takes the next one's when they are coordinated
    ("More than 900 Israelis and at least 687 Palestinians have been killed")."""
    r = _rules()
    out = list(figures)
    for k in range(len(out) - 2, -1, -1):
        f, g = out[k], out[k + 1]
        if f.metric != "other" or "metric:none" not in f.rule:
            continue
        if g.metric == "other" or f.unit != "count" or g.unit != "count":
            continue
        if r.coord.match(text[f.end:g.start]):
            out[k] = replace(f, metric=g.metric, rule=f.rule.replace("metric:none", "metric:coordinated"))
    return out
