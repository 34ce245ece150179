"""Who a figure comes from: the attribution covering it, or the figure's own sentence.

The attribution extractor (``attributions.py``) reads speech across a whole article; this
module adds what matters for a figure and what that extractor does not do:

* validation: only an attribution with a reporting cue ("said", "according to", "estimated")
  can source a figure, and a passive report ("were reported dead") is no attribution;
* a compact fallback over the figure's own sentence for when no attribution covers it:
  "according to X", "X said ...", "..., X said", "..., said X", "strikes that X said killed",
  ", adding that ..." (the previous speaker continues);
* scope: "according to X" covers the clause it closes or opens, a trailing "X said" the text
  before it, a parenthetical one the whole sentence;
* the named origin of a relayed figure ("citing the Health Ministry") and background figures
  inside speech ("the attack that killed 1,400", "..., in which 1,000 died, ...").

Canonical names come from ``actors.canonicalize``, with a minimal fallback. Phrase lists are
in ``lexicon/figures.toml`` (section ``[sources]``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from provenance.extract import actors as _actors
from provenance.extract.numbers import Quantity, lexicon
from provenance.extract.regex_guard import guarded
from provenance.extract.sentences import strip_dateline
from provenance.models import Attribution, Sentence

__all__ = [
    "PRONOUNS",
    "Src",
    "background",
    "canonical_source",
    "from_attributions",
    "innermost",
    "is_junk_source",
    "is_org",
    "np_after",
    "pick",
    "relay_origin",
    "sentence_sources",
    "trim_mention",
    "usable_attribution",
]


def _alt(items: Sequence[str], escape: bool = False) -> str:
    """Alternation of regex fragments (or escaped phrases), longest first."""
    out = []
    for it in sorted(items, key=len, reverse=True):
        out.append(r"\s+".join(re.escape(w) for w in it.split()) if escape else it.replace(" ", r"\s+"))
    return "|".join(out)


@dataclass(frozen=True, slots=True)
class _Rules:
    """Compiled source rules (built once from ``lexicon/figures.toml``)."""

    according: re.Pattern[str]
    cue: re.Pattern[str]
    relay: re.Pattern[str]
    data_noun: re.Pattern[str]
    np_cut: re.Pattern[str]
    descriptor: re.Pattern[str]
    background: re.Pattern[str]
    tail_adverbial: re.Pattern[str]
    word: re.Pattern[str]
    continuation: re.Pattern[str]
    passive: re.Pattern[str]
    acc_left: re.Pattern[str]
    acc_right: re.Pattern[str]
    background_event: re.Pattern[str]
    np_after: re.Pattern[str]
    trailing: re.Pattern[str]
    clause_descriptor: re.Pattern[str]
    not_sources: frozenset[str]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    """Compile the source rules."""
    src = lexicon("figures")["sources"]
    i = re.IGNORECASE
    cue_verbs = [c for c in src["cue_verbs"] if c != "according to"]
    return _Rules(
        # Guarded (``regex_guard``): both open with \b, which the engine tries at every position.
        according=guarded(r"\baccording\s+to\s+", i),
        cue=guarded(rf"\b(?:{_alt(cue_verbs)})\b"),
        relay=guarded(rf"\b(?:{_alt(src['relay_cues'], True)})\s+", i),
        data_noun=re.compile(
            rf"^(?:(?:the|a|an)\s+)?(?:(?:{_alt(src['data_modifiers'], True)})\s+)*"
            rf"(?:{_alt(src['data_nouns'], True)})\s+(?:(?:released|issued|published|compiled|provided)\s+)?"
            rf"(?:from|by|of)\s+",
            i,
        ),
        np_cut=re.compile(
            r"\s+(?:on|as\s+of|which|who|that|released|issued|published|posted|cited|since|after|"
            r"before|when|while|but|and\s+(?:the|a)\s+\w+\s+(?:said|says)|in\s+(?:a|an|its|their|his|her"
            r"|the\s+latest)\b|at\s+a\b|late|early|earlier|this|last)\b.*$",
            i | re.DOTALL,
        ),
        descriptor=re.compile(rf"(?<![\w-])(?:{_alt(src['descriptors'], True)})(?![\w-])", i),
        background=re.compile(r",\s*(?:in|during|after|before)\s+which\s+[^,]*$", i),
        tail_adverbial=re.compile(
            r"^(?:\s*,?\s*(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|"
            r"yesterday|tonight|earlier|later|late|overnight|this\s+week|last\s+week|last\s+night|"
            r"on\s+\w+|(?:in|during|at)\s+an?\s+[\w\s-]{0,30}?(?:statement|briefing|post|video|conference|interview)|"
            r"in\s+[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*|"
            r"(?:morning|afternoon|evening|night)|[A-Z][a-z]{2,4}\.?\s+\d{1,2}\b))*\s*"
            # a headline's outlet suffix: "..., IDF says - NBC News"
            r"(?:[.,;:!?”\"]|$|\s[-|–]\s[^.!?]*$)"
        ),
        word=re.compile(r"(?:[A-Z]\.){2,}|[\w’'&-]+(?:\.(?=\w))?[\w’'&-]*|[^\w\s]"),
        continuation=re.compile(rf",\s+(?:{_alt(src['continuation_cues'], True)})\b", i),
        passive=re.compile(rf"\s+(?:{_alt(src['passive_after'], True)})\b", i),
        acc_left=re.compile(
            r"(?:,\s+(?:prompting|sparking|triggering|setting\s+off|which|while|whereas|but|and)\b|;|\s[—–-]{1,2}\s|—)",
            i,
        ),
        acc_right=re.compile(r"(?:;|\s[—–-]{1,2}\s|—)"),
        background_event=re.compile(
            r"\b(?:attacks?|assaults?|rampage|massacres?|incursions?|onslaught|raids?)\b[^;]{0,80}?\b(?:that|which"
            r"|who)\s+(?:has\s+|have\s+|had\s+)?(?:killed|left|claimed)\s+[^,;]{0,20}$",
            i,
        ),
        # A name runs to the first punctuation; "U.S." and "Sen. Chris Murphy" keep their dots.
        np_after=re.compile(
            rf"(?:\b(?:{_alt(src['titles'], True)})\.\s+|[^,.;:()“”\"\n—–]|(?<=\.[A-Z])\.|\.(?=[A-Za-z]))+"
        ),
        trailing=re.compile(rf",\s*(?:{_alt(src['trailing_clauses'], True)})\b.*$", i | re.DOTALL),
        clause_descriptor=re.compile(src["clause_descriptor"].replace(" ", r"\s+")),
        not_sources=frozenset(src["not_sources"]),
    )



PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
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
_FINITE = re.compile(r"\b(?:have|has|had|are|is|were|was|will|would)\b")
_OBJECT_CUES = frozenset({"told", "tells", "informed", "briefed"})
_PASSIVE_CUES = frozenset({"reported", "confirmed", "estimated", "counted", "recorded", "claimed", "alleged"})
_HEAD_DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their"})
_RELATIVE = frozenset({"that", "which", "who", "whom", "whose", "where"})
_NP_LOWER = frozenset(
    [
        "the", "a", "an", "of", "for", "in", "and", "its", "his", "her", "their", "health",
        "ministry", "ministry's", "officials", "official", "authorities", "military", "army",
        "police", "spokesman", "spokeswoman", "spokesperson", "spokesmen", "medics", "doctors",
        "paramedics", "witnesses", "residents", "rescuers", "agency", "government", "group",
        "organization", "organisation", "office", "services", "service", "emergency", "civil",
        "defense", "defence", "forces", "media", "sources", "source", "department", "workers",
        "staff", "hospital", "director", "head", "chief", "minister", "president", "leaders",
        "leader", "commander", "medical", "relief", "agencies", "ministries", "analysts", "experts",
        "researchers", "investigators", "people", "officers", "soldiers", "diplomats",
        "administration", "statement", "report", "authority", "council", "committee",
        "spokespeople", "representatives", "representative", "team", "unit", "news", "local",
        "state", "foreign", "senior", "top", "international", "aid", "humanitarian", "intelligence",
        "wing", "security", "rescue", "refugee", "refugees", "relief", "rights", "monitoring", "watchdog", "prime", "deputy", "interior", "general", "assistant"
    ]
) | PRONOUNS
_ORG_NOUNS = re.compile(
    r"\b(?:ministry|military|army|forces|office|agency|government|authorit|organi[sz]ation|group|"
    r"police|service|department|council|committee|administration|UN|U\.N\.|United Nations|Hamas|IDF)",
    re.IGNORECASE,
)


def is_org(*names: str | None) -> bool:
    """True when a source looks like an organisation (for resolving "it"/"they" vs "he"/"she")."""
    return any(n and _ORG_NOUNS.search(n) for n in names)


def relay_origin(text: str, a: int, b: int) -> tuple[int, int] | None:
    """The named origin of a relayed figure in ``text[a:b]`` ("citing the Health Ministry")."""
    m = _rules().relay.search(text, a, b)
    return np_after(text, m.end(), b) if m else None


@dataclass(frozen=True, slots=True)
class Src:
    """A source found in a sentence and the text it covers."""

    start: int
    end: int
    cover_start: int
    cover_end: int
    cue_start: int
    kind: str
    hedged: bool = False


def trim_mention(mention: str) -> str:
    """A source mention without a trailing descriptive clause.

    Examples:
        >>> trim_mention("Gaza's health ministry, which is run by Hamas")
        "Gaza's health ministry"
        >>> trim_mention("Health officials in Gaza, home to two million people")
        'Health officials in Gaza'
    """
    return _rules().trailing.sub("", mention).rstrip(" ,")


_JUNK_VERB = re.compile(r"\b(?:have|has|had|are|is|were|was|will|would|killed|said)\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_LEAD_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE_END = re.compile(r"[’']s$")
_RELATIVE_CLAUSE_END = re.compile(r",\s*(?:who|which)\b[^,]*,\s*$")
_RUN_BY = re.compile(r"[\w-]+-(?:run|controlled|led|backed)")
_LEAD_LINKS = re.compile(r"(?:(?:and|of|for|in)\s+)+", re.IGNORECASE)
_SPACED_DASH = re.compile(r"\s+-{1,2}\s")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_COMMA_OR_QUOTE_END = re.compile(r"[,”\"]\s*$")
_NEXT_CAPITAL = re.compile(r"\s+(?:the\s+|a\s+|an\s+)?[A-Z]")
_NEXT_WORD = re.compile(r"\s*([\w’'-]+)")
_NEXT_NAME = re.compile(r"\s+(?:the\s+)?(?:[A-Z][\w’'.-]*\s*)+")
_QUOTE_END = re.compile(r"[”\"],?\s*$")
_DASH = re.compile(r"\s[—–]\s|—|\s--\s")
_COMMA_VERB = re.compile(r",\s+[a-z]+(?:ed|s)\b")


def is_junk_source(mention: str) -> bool:
    """A mention that cannot be a source: a clause with a verb and a number, or a stray word.

    Examples:
        >>> is_junk_source("the Israeli bombardment had killed more than 1"), is_junk_source("Thursday")
        (True, True)
        >>> is_junk_source("Gaza's health ministry, which is run by Hamas")
        False
    """
    m = " ".join(trim_mention(mention).split())
    if not m or m in _rules().not_sources:
        return True
    return bool(_DIGIT.search(m) and _JUNK_VERB.search(m))


def _clean_mention(text: str) -> tuple[str, str | None]:
    """Name without determiners, possessive, trailing clause or descriptor, and the descriptor if any."""
    r = _rules()
    desc = None
    text = trim_mention(text)
    m = r.descriptor.search(text)
    if m:
        desc = m.group(0)
        text = text[: m.start()] + text[m.end():]
    name = " ".join(text.split())
    name = _LEAD_ARTICLE.sub("", name)
    name = _POSSESSIVE_END.sub("", name).strip(" ,")
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
        >>> canonical_source("Gaza's health ministry, which is run by Hamas")
        ('Gaza Health Ministry', 'run by Hamas')
    """
    # The name without a trailing clause ("the Health Ministry, which is run by Hamas"); the
    # clause's characterisation ("run by Hamas") is kept as the descriptor.
    trimmed = trim_mention(mention)
    clause_desc = None
    if trimmed != mention:
        m = _rules().clause_descriptor.search(mention, len(trimmed))
        clause_desc = " ".join(m.group(0).split()) if m else None
    canon, desc = _actors.canonicalize(trimmed)
    if canon is not None or desc is not None:
        return canon, desc or clause_desc
    name, desc = _clean_mention(mention)
    desc = desc or clause_desc
    if not name or name.lower() in PRONOUNS:
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
    rel = _RELATIVE_CLAUSE_END.search(seg)
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
        if w[0].isupper() or lw in _NP_LOWER or _RUN_BY.fullmatch(lw):
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
    m = _LEAD_LINKS.match(text[start:end])
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


def _leading_np(text: str, a: int, b: int) -> tuple[int, int] | None:
    """The noun phrase a sentence opens with ("Palestinian authorities had blamed ...")."""
    toks = list(_rules().word.finditer(text, a, b))
    end = None
    for t in toks:
        w = t.group(0)
        if w[:1].isupper() or w.lower() in _NP_LOWER:
            end = t.end()
            continue
        break
    if end is None or not text[a:end].strip() or not any(ch.isupper() for ch in text[a:end]):
        return None
    if text[a:end].split()[0] in ("The", "A", "An", "In", "On", "At") and len(text[a:end].split()) == 1:
        return None
    return a, end


def np_after(text: str, pos: int, hi: int) -> tuple[int, int] | None:
    """The noun phrase starting at ``pos`` (after "according to", "citing", "said")."""
    r = _rules()
    seg = text[pos:hi]
    m = r.np_after.match(seg)
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
    dash = _SPACED_DASH.search(np)
    if dash:
        np = np[: dash.start()]
    np = np.rstrip()
    if not np or not _ASCII_LETTER.search(np):
        return None
    return pos + skip, pos + skip + len(np)


def sentence_sources(
    text: str, a: int, b: int, figure_starts: Sequence[int] = (), low: str | None = None
) -> list[Src]:
    """Fallback sources in ``text[a:b]``: according to X, X said, ..., said X.

    Each source carries the span of text it covers: after a leading cue ("Officials said
    2,228 ..."), before a trailing one ("..., the military said."), the whole sentence around
    a parenthetical one ("..., officials said, and ..."), the relative clause of an embedded
    one ("strikes that Gaza officials said killed 80 people").

    ``low``: the text lower-cased (``literal_scan.lower_keep_offsets``), when it holds none of
    ``literal_scan.CASE_FOLD_SPECIALS``: "according to" is then found there, faster.
    """
    r = _rules()
    out: list[Src] = []
    found = _ACCORDING_LOW.finditer(low, a, b) if low is not None else r.according.finditer(text, a, b)
    for m in found:
        np = np_after(text, m.end(), b)
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
        out.append(Src(np[0], np[1], lo, rm.start() if rm else b, m.start(), "according_to"))
    prev_cue_end = a
    prev: Src | None = None
    for m in r.cue.finditer(text, a, b):
        cue_s, cue_e = m.start(), m.end()
        before = text[a:cue_s]
        rest = text[cue_e:b]
        if m.group(0).lower() in _PASSIVE_CUES and r.passive.match(rest):
            continue  # "more than 900 Israelis reported killed"
        # ", said X" / "”, said X": inverted speaker after the cue.
        if (
            _COMMA_OR_QUOTE_END.search(before)
            and _NEXT_CAPITAL.match(rest)
            and not _TIME_WORD.match(rest)
        ):
            np = np_after(text, cue_e + len(rest) - len(rest.lstrip()), b)
            if np:
                prev = Src(np[0], np[1], prev_cue_end, cue_s, cue_s, "inverted")
                out.append(prev)
                prev_cue_end = cue_e
                continue
        np_b = _np_before(text, a, cue_s)
        if not np_b:
            continue
        s0, e0, stop = np_b
        hedged = m.group(0).lower() in ("claimed", "claims", "claim", "alleged")
        if stop == "and":
            # "The UN said ... and added that ...": the coordinated verb keeps the subject,
            # which is the previous speaker or else the phrase the sentence opens with.
            subj = (prev.start, prev.end) if prev is not None else _leading_np(text, a, cue_s)
            if subj is not None:
                out.append(Src(subj[0], subj[1], cue_e, b, cue_s, "said", hedged))
                prev_cue_end = cue_e
            continue
        if stop in _RELATIVE:
            # "strikes that Gaza officials said killed 80": the relative clause is the content;
            # "airstrikes that Israel says target Hamas forces have killed ...": it ends at the
            # main clause's auxiliary.
            first = _NEXT_WORD.match(rest)
            end_m = _RELATIVE_END.search(text, cue_e + (first.end() if first else 0), b)
            out.append(Src(s0, e0, cue_e, end_m.start() if end_m else b, cue_s, "said", hedged))
            continue
        at_start = not text[prev_cue_end:s0].strip(" \n“\"‘'(")
        tail_rest = rest
        if m.group(0).lower() in _OBJECT_CUES:
            obj = _NEXT_NAME.match(rest)
            tail_rest = rest[obj.end() - 1:] if obj else rest
        tail = r.tail_adverbial.match(tail_rest)
        quote_before = _QUOTE_END.search(text[a:s0])
        if quote_before or (not at_start and tail):
            tail_end = tail_rest[tail.end() - 1:tail.end()] if tail else ""
            ends = tail is None or tail.end() >= len(tail_rest.rstrip())
            if quote_before or tail_end in (".", "!", "?", "”", '"', "") or ends:
                cover = (prev_cue_end, s0)  # "..., the Israeli military said Monday."
            elif _FINITE.search(text, cue_e + tail.end() if tail else cue_e, b):
                cover = (prev_cue_end, s0)  # "..., the ministry said, and half a million have fled": a new clause
            else:
                cover = (prev_cue_end, b)  # "..., officials said, and more than 1,400 injured."
        else:
            cover = (cue_e, b)  # "Officials said 2,228 people ..."
        prev = Src(s0, e0, cover[0], cover[1], cue_s, "said", hedged)
        out.append(prev)
        prev_cue_end = cue_e
    if prev is not None or out:
        # ", adding that two were captured": the last speaker continues.
        for m in r.continuation.finditer(text, a, b):
            spk = [x for x in out if x.cue_start < m.start() and x.kind != "according_to"]
            if spk:
                x = spk[-1]
                out.append(Src(x.start, x.end, m.end(), b, m.start(), "said", x.hedged))
    return out


# ``_Rules.according`` for lower-cased text: "\baccording" written with the word first, so
# the engine looks for the literal word (fast) and then tests the character before it.
_ACCORDING_LOW = re.compile(r"according(?<!\waccording)\s+to\s+")


def background(text: str, start: int, q: Quantity) -> bool:
    """True for a background figure inside someone's speech: "the attack, in which more than
    1,000 died, ...", "the assault that killed 1,400", or a dash parenthetical."""
    r = _rules()
    seg = strip_dateline(text[start:q.start])  # "CITY, date (AGENCY) -- " is no parenthetical
    if r.background.search(seg) or r.background_event.search(seg):
        return True
    return len(_DASH.findall(seg)) % 2 == 1


def pick(srcs: list[Src], q: Quantity) -> Src | None:
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
    words = {c.lower() for c in src["cue_verbs"] if " " not in c}
    return frozenset(words | {w.lower() for w in src["continuation_cues"]} | {"according"})


def usable_attribution(att: Attribution, text: str) -> bool:
    """An attribution that can source a figure: a reporting cue, a source without digits,
    and not a passive report ("were reported dead")."""
    if att.source is None or any(ch.isdigit() for ch in att.source.text):
        return False
    words = att.source.text.split()
    if len(words) > 12 or words[-1].strip(",").lower() in ("and", "or", "but") or (
        _COMMA_VERB.search(att.source.text)
    ):
        return False  # a clause, not a speaker: "the Council, played down the rupture,"
    first = words[0].lower()
    if first in ("i", "we", "me", "us") or any(q in att.source.text for q in "\"“”"):
        return False  # a first-person speaker is inside a quotation; quotes are content
    if words[0][:1].islower() and first not in _HEAD_DETERMINERS and first not in _NP_LOWER:
        return False  # "that in New Mexico, ...": not a noun phrase
    cue_words = {w.strip(".,;:").lower() for w in att.cue.text.split()}
    if not cue_words & _cue_words():
        return False
    cue = att.cue.text.split()[-1].lower()
    return not (cue in _PASSIVE_CUES and _rules().passive.match(text, att.cue.end))


def from_attributions(
    atts: Sequence[Attribution], q: Quantity, sent: Sentence, text: str
) -> Attribution | None:
    """The innermost usable attribution covering the figure."""
    return innermost(atts, q, sent, lambda att: usable_attribution(att, text))


def innermost(
    atts: Iterable[Attribution], q: Quantity, sent: Sentence, usable: Callable[[Attribution], bool]
) -> Attribution | None:
    """``from_attributions`` over ``atts`` (in order), ``usable(att)`` standing for
    ``usable_attribution(att, text)``."""
    best: Attribution | None = None
    best_len = 1 << 60
    for att in atts:
        # Where an attribution lies is cheap to test, whether it is usable is not: test it last.
        inner = [c for c in att.content if c.start <= q.start and q.end <= c.end and c.end - c.start < best_len]
        near = best is None and att.kind == "according_to" and sent.start <= att.cue.start < sent.end
        if not (inner or near) or not usable(att):
            continue
        for c in inner:
            if c.end - c.start < best_len:
                best, best_len = att, c.end - c.start
        if best is None and near:
            best = att
    return best
