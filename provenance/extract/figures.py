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
from dataclasses import dataclass
from functools import lru_cache

from provenance.extract import actors as _actors
from provenance.extract.numbers import Quantity, lexicon, scan_quantities
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
        toll=re.compile(groups(met["toll_nouns"]) + "|" + groups(met["keywords"]).replace("?P<", "?P<k_"), i),
        joint=re.compile(rf"^\s*(?:{_alt(met['joint']['joiners'], True)})\s+(?:{kw_any})\b", i),
        subcount=re.compile(rf"(?:^|\W)(?:{_alt(fig['subcounts']['cues'], True)})\s*(?:[:—–-]\s*)?$", i),
        running=re.compile(rf"\b(?:{_alt(fig['cumulative']['running'], True)})\b", i),
        event=re.compile(rf"\b(?:{_alt(fig['cumulative']['event'], True)})\b", i),
        hedge=re.compile(rf"\b(?:{_alt(fig['hedges']['phrases'], True)})\b", i),
        place=re.compile(
            rf"\b(?:in|inside|across|throughout|from)\s+(?P<place>{_alt(fig['places']['names'], True)})(?![\w-])"
        ),
        clause_left=re.compile(r"(?:;|\s[—–]\s|:\s|[.!?][”\"’]?(?=[A-Z“]))"),
        clause_right=re.compile(r"(?:;|\s[—–]\s|,\s+(?:and|but|while|whereas)\s|[.!?][”\"’]?(?=[A-Z“]))"),
        glued=re.compile(r"(?<=[a-z0-9)][.!?])[”\"’]?(?=[A-Z“\"])"),
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
            r"on\s+\w+|in\s+a\s+[\w\s-]{0,30}?(?:statement|briefing|post|video|conference|interview)|"
            r"(?:morning|afternoon|evening|night)|[A-Z][a-z]{2,4}\.?\s+\d{1,2}\b))*\s*(?:[.,;:!?”\"]|$)"
        ),
        word=re.compile(r"[\w’'.&-]+|[^\w\s]"),
    )


# --- sources ------------------------------------------------------------------------------

_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
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
    toks = list(r.word.finditer(seg))
    # Skip adverbs between subject and cue ("the ministry also said").
    while toks and toks[-1].group(0).lower() in ("also", "later", "earlier", "previously", "has", "have", "had", "again"):
        toks.pop()
    if not toks:
        return None
    end = lo + toks[-1].end()
    start = None
    stop = ""
    for t in reversed(toks):
        w = t.group(0)
        lw = w.lower()
        if w[0].isupper() or lw in _NP_LOWER or re.fullmatch(r"[\w-]+-(?:run|controlled|led|backed)", lw):
            start = lo + t.start()
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
    return start, end, stop


def _np_after(text: str, pos: int, hi: int) -> tuple[int, int] | None:
    """The noun phrase starting at ``pos`` (after "according to", "citing", "said")."""
    r = _rules()
    seg = text[pos:hi]
    m = re.match(r"[^,.;:()“”\"\n]+", seg)
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
    np = np.rstrip()
    if not np or not re.search(r"[A-Za-z]", np):
        return None
    return pos + skip, pos + skip + len(np)


def _subsentences(text: str, s: Sentence) -> list[tuple[int, int]]:
    """Split a sentence at glued boundaries ("verified.President") the segmenter keeps."""
    cuts = [m.start() for m in _rules().glued.finditer(text, s.start, s.end)]
    bounds = [s.start, *cuts, s.end]
    return [(bounds[k], bounds[k + 1]) for k in range(len(bounds) - 1) if bounds[k + 1] > bounds[k]]


def _sentence_sources(text: str, a: int, b: int) -> list[_Src]:
    """Fallback sources in ``text[a:b]``: according to X, X said, ..., said X."""
    r = _rules()
    out: list[_Src] = []
    for m in r.according.finditer(text, a, b):
        np = _np_after(text, m.end(), b)
        if np:
            out.append(_Src(np[0], np[1], a, b, m.start(), "according_to"))
    prev_cue_end = a
    for m in r.cue.finditer(text, a, b):
        cue_s, cue_e = m.start(), m.end()
        before = text[a:cue_s]
        rest = text[cue_e:b]
        # ", said X" / "”, said X": inverted speaker after the cue.
        if re.search(r"[,”\"]\s*$", before) and re.match(r"\s+(?:the\s+|a\s+|an\s+)?[A-Z]", rest):
            np = _np_after(text, cue_e + len(rest) - len(rest.lstrip()), b)
            if np:
                out.append(_Src(np[0], np[1], prev_cue_end, cue_s, cue_s, "inverted"))
                prev_cue_end = cue_e
                continue
        np_b = _np_before(text, a, cue_s)
        if not np_b:
            continue
        s0, e0, stop = np_b
        if stop in _RELATIVE:
            continue  # "airstrikes that Israel says target ...": a relative clause, not a source
        at_start = not text[prev_cue_end:s0].strip(" \n“\"‘'(")
        if not at_start and r.tail_adverbial.match(rest):
            cover = (prev_cue_end, s0)  # "..., the Israeli military said Monday."
        else:
            cover = (cue_e, b)  # "Officials said 2,228 people ..."
        hedged = m.group(0).lower() in ("claimed", "claims", "claim", "alleged")
        out.append(_Src(s0, e0, cover[0], cover[1], cue_s, "said", hedged))
        prev_cue_end = cue_e
    return out


# --- metric, counted, place ---------------------------------------------------------------

def _metric_from(m: re.Match[str] | None) -> str | None:
    """The metric named by the group that matched."""
    if not m or not m.lastgroup:
        return None
    return m.lastgroup.removeprefix("k_")


def _metric(text: str, q: Quantity, left: int, right: int, parent_metric: str | None) -> tuple[str, str]:
    """``(metric, how)`` for a figure whose clause is ``text[left:right]``."""
    r = _rules()
    if q.unit != "count":
        return "other", "unit"
    ov = r.object_verb.search(text, max(left, q.start - 40), q.start)
    if ov:
        metric = _metric_from(ov)
        after = text[q.end:right]
        kw = r.keyword.search(after)
        if kw and r.joint.match(after[kw.end():]) and _metric_from(kw) != metric:
            return "other", "joint"
        if metric:
            return metric, "object_verb"
    after = text[q.end:right]
    kw = r.keyword.search(after)
    if kw:
        metric = _metric_from(kw)
        j = r.joint.match(after[kw.end():])
        if j and _metric_from(r.keyword.search(j.group(0))) != metric:
            return "other", "joint"
        if metric:
            return metric, "after"
    if parent_metric:
        return parent_metric, "part_of"
    before = text[left:q.start]
    last = None
    for last in r.toll.finditer(before):
        pass
    if last:
        metric = _metric_from(last)
        if metric:
            return metric, "before"
    return "other", "none"


_COUNTED_STOP = frozenset(
    """were was have has had are is be been being will would could may might killed wounded injured
    died dead and or who that which since according from by to at on with as during after before across
    including said says say reported in among while but than per when where amid over into so if of
    also not all more most mostly many including what whose there here this these those they it he she
    following under""".split()
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
        if not re.match(r"[A-Za-z]", w) or lw in _COUNTED_STOP:
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
    right = min(hi, q.end + 100)
    if nxt is not None:
        right = min(right, nxt)
    m = r.clause_right.search(text, q.end, right)
    if m:
        right = m.start()
    return left, right


def _pick(srcs: list[_Src], q: Quantity) -> _Src | None:
    """The fallback source covering a figure: the nearest speech cue, else according to."""
    covering = [s for s in srcs if s.cover_start <= q.start and q.end <= s.cover_end and s.kind != "according_to"]
    if covering:
        return min(covering, key=lambda s: abs(s.cue_start - q.start))
    acc = [s for s in srcs if s.kind == "according_to"]
    return acc[0] if acc else None


def _from_attributions(atts: Sequence[Attribution], q: Quantity, sent: Sentence) -> Attribution | None:
    """The innermost attribution covering the figure."""
    best: Attribution | None = None
    best_len = 1 << 60
    for att in atts:
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
            srcs = {k: _sentence_sources(text, a, b) for k, (a, b) in enumerate(subs)}
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
        if figures and figures[-1].start >= a and r.subcount.search(text, max(a, q.start - 30), q.start):
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
            if a <= d.start < b and d.value and r.as_of.search(text, max(a, d.start - 12), d.start):
                as_of = d.value
                break

        # Source: an attribution covering the figure, else the sentence's own cues.
        remember(lo)
        source: SourceRef | None = None
        src_how = "none"
        att = _from_attributions(attributions, q, sent)
        if att is not None and att.source is not None:
            s = att.source
            canon, desc = (s.canonical, s.descriptor) if s.canonical else canonical_source(s.text)
            source = SourceRef(s.start, s.end, s.text, canon, desc)
            hedged = hedged or att.hedged
            src_how = "attribution"
            cover_start = min((c.start for c in att.content), default=a)
        else:
            fs = _pick(srcs.get(sub_i, []), q)
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
            elif r.background.search(text, max(cover_start, a), q.start):
                source, src_how = None, "background"
        if source is not None and source.canonical is None and source.text.lower() in _PRONOUNS:
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
    return figures
