"""Attributions: who is said to have said what (source, cue and content spans).

Three layers, each doing what it is best at:

1. A CRF tagger (``attribution_tagger``, trained on PolNeAR train) marks source, cue and
   content tokens paragraph by paragraph.
2. Assembly rules turn the tagged runs into attributions: every cue anchors one attribution;
   the nearest source in the cue's sentence and the content runs of that sentence join it;
   content in a sentence without a cue continues the previous attribution (a quote running
   over several sentences) or, failing that, belongs to the next one ("... ." "... ," he said).
   Structural rules (``attribution_rules``) complete what the tagger left: content and
   sources a sentence's structure implies, reliable speech cues in untagged sentences,
   quotations signed at the end of a line, participle cues.
3. Resolution: a pronoun or nominal source ("he", "the spokesman", "the ministry") is resolved
   to the named actor it refers to (``coref.resolve_source``), keeping the text as written.

``kind`` is ``according_to`` for "according to" cues, ``direct`` when the content is one
quotation, ``mixed`` when it quotes in part, else ``indirect``. Statements in the outlet's own
voice yield no attribution at all: that absence is information.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from functools import lru_cache
from operator import attrgetter

from provenance.extract import coref
from provenance.extract.attribution_layout import (
    headline_attribution,
    line_attributions,
    signed_over,
    transcript_attributions,
)
from provenance.extract.attribution_rules import (
    _sentence_finder,
    _strip_span,
    _trim,
    clause_subject,
    clean_source,
    complete_content,
    fallback_cue_literals,
    following_source,
    infer_source,
    rule_attributions,
    split_participles,
)
from provenance.extract.attribution_tagger import cue_lexicon, tag_article
from provenance.models import Actor, Attribution, Sentence, SourceRef, Span

VERSION = "6"
_RELATIVE_AFTER_SOURCE = re.compile(r"(?:which|who|whose)\b", re.IGNORECASE)

__all__ = [
    "VERSION",
    "assemble",
    "clause_subject",
    "clean_source",
    "complete_content",
    "extract_attributions",
    "following_source",
    "headline_attribution",
    "infer_source",
    "line_attributions",
    "rule_attributions",
    "signed_over",
    "split_participles",
    "transcript_attributions",
]

_QUOTES = "\"“”‘’«»"
_OPEN = "\"“«"


def _kind(text: str, cue: Span, content: Sequence[Span]) -> str:
    """direct | indirect | mixed | according_to, from the cue and the quotation marks."""
    if cue.text.lower().startswith("according"):
        return "according_to"
    body = " ".join([c.text for c in content]).strip()  # a span's text is text[start:end]
    if not body:
        return "indirect"
    # Substring searches: a set's ``isdisjoint(body)`` hashed every character of the body.
    if not ('"' in body or "“" in body or "”" in body or "«" in body or "»" in body):
        return "indirect"
    first = body[0]
    last = body.rstrip(".,;:!? ")[-1:] if body.rstrip(".,;:!? ") else ""
    if first in _OPEN and (last in "\"”»" or body[-1] in "\"”»"):
        return "direct"
    return "mixed"


def _participle(cue: Span) -> bool:
    """True for a participle cue that continues an earlier one ("adding", "saying")."""
    w = cue.text.split()[0].lower().strip(".,:;") if cue.text.split() else ""
    return w.endswith("ing") and w not in ("according",)


_COORD = re.compile(r"\b(?:and|but|or)\s+(?:(?:also|then|later|has|have|had|was|is)\s+)*$")


def _coordinated(text: str, prev_cue_end: int, cue: Span) -> bool:
    """True when a cue is coordinated with an earlier one ("X cited ... and says")."""
    return prev_cue_end < cue.start and _COORD.search(text, max(prev_cue_end, cue.start - 30), cue.start) is not None


def _hedged(cue: Span) -> bool:
    """True when a word of the cue hedges (lexicon column ``hedged``)."""
    return _hedged_text(cue.text)


@lru_cache(maxsize=4096)
def _hedged_text(cue_text: str) -> bool:
    """``_hedged`` by the cue's text (cues repeat: "said", "told", "according to")."""
    lex = cue_lexicon()
    return any(lex.get(w.strip(".,:;").lower(), (0, 0))[1] for w in cue_text.split())


def assemble(
    text: str,
    spans: Sequence[tuple[str, int, int, int]],
    sentences: Sequence[Sentence] = (),
    *,
    keep_cue_only: bool = False,
    extend_content: bool = True,
) -> list[tuple[Span | None, Span, list[Span]]]:
    """Group tagged runs into (source, cue, contents) triples.

    Args:
        text: Article text.
        spans: ``(label, start, end, sentence_no)`` runs from the tagger, in text order.
        sentences: The sentences the sentence numbers index; when given, a cue the tagger
            left without content gets the content the sentence's structure implies
            (``complete_content``).
        keep_cue_only: Keep cues that found no content (off: they are mostly noise).
        extend_content: Run a content that follows its cue on to the end of the sentence
            when nothing else is tagged after it (the tagger sometimes stops early).

    Returns:
        One triple per cue, in cue order.
    """
    cues = [(s, e, sid) for lab, s, e, sid in spans if lab == "CUE"]
    if not cues:
        return []
    cue_sents = [c[2] for c in cues]  # non-decreasing: spans come in text order
    by_sent: dict[int, list[int]] = {}
    for k, (_, _, sid) in enumerate(cues):
        by_sent.setdefault(sid, []).append(k)
    sources: list[Span | None] = [None] * len(cues)
    src_gap = [1 << 30] * len(cues)
    contents: list[list[Span]] = [[] for _ in cues]
    last_attr_sent: int | None = None
    pending: list[tuple[int, Span]] = []  # content in a cue-less sentence, waiting for a cue
    for lab, s, e, sid in spans:
        if lab == "CUE":
            continue
        span = Span(s, e, text[s:e])
        ks = by_sent.get(sid)
        if ks:
            # The nearest cue of the sentence (the first of equally near ones).
            k = -1
            g = 0
            for k2 in ks:
                cs, ce, _ = cues[k2]
                g2 = max(0, max(s, cs) - min(e, ce))  # characters between them, 0 when they touch
                if k < 0 or g2 < g:
                    k, g = k2, g2
            if lab == "SRC":
                if g < src_gap[k]:
                    sources[k], src_gap[k] = span, g
            else:
                contents[k].append(span)
            continue
        if lab != "CON":
            continue
        # Content with no cue in its sentence: continue the attribution of the previous
        # sentence(s) when there is one nearby, else wait for the next cue.
        kp = bisect.bisect_left(cue_sents, sid) - 1  # the last cue of an earlier sentence
        if kp >= 0 and contents[kp] and sid - cues[kp][2] <= 3 and _continues(text, contents[kp][-1], span):
            contents[kp].append(span)
        else:
            pending.append((sid, span))
    for sid, span in pending:
        kn = bisect.bisect_right(cue_sents, sid)  # the first cue of a later sentence
        if kn < len(cues) and cues[kn][2] - sid <= 2:
            contents[kn].append(span)
    del last_attr_sent
    if sentences and extend_content:
        last_start: dict[int, int] = {}  # sentence -> the latest start of a run in it
        for _, s0, _, sid in spans:
            if s0 > last_start.get(sid, -1):
                last_start[sid] = s0
        for k, (s, e, sid) in enumerate(cues):
            if sid >= len(sentences):
                continue
            sent = sentences[sid]
            lo, hi = sent.start, sent.end
            mine = [c for c in contents[k] if lo <= c.start < hi]
            if not mine or mine[-1].start < e:
                continue
            last = mine[-1]
            if last_start.get(sid, -1) >= last.end:  # another run starts after it
                continue
            ext = _strip_span(text, last.start, hi)
            if ext is not None and ext.end > last.end:
                contents[k][contents[k].index(last)] = ext
    out = []
    for k, (s, e, sid) in enumerate(cues):
        if not contents[k] and sentences and sid < len(sentences):
            c = complete_content(text, sentences[sid], Span(s, e, text[s:e]), sources[k])
            if c is not None:
                contents[k].append(c)
        if not contents[k] and not keep_cue_only:
            continue
        mine = contents[k]
        out.append((sources[k], Span(s, e, text[s:e]), sorted(mine, key=_start) if len(mine) > 1 else mine))
    return out


_start = attrgetter("start")


def _continues(text: str, prev: Span, nxt: Span) -> bool:
    """True when ``nxt`` continues the content ``prev``: only whitespace or punctuation
    between them, and no paragraph break unless a quotation is still open."""
    between = text[prev.end:nxt.start]
    if len(between) >= 400 or not all(ch.isspace() or ch in _QUOTES + ".,;:!?)—–-" for ch in between):
        return False
    if "\n" in between:
        body = prev.text
        opened = body.count("“") - body.count("”") + (body.count('"') % 2)
        return opened > 0
    return True


def _claim_sentence(
    triples: list[tuple[Span | None, Span, list[Span]]],
    sent: Sentence,
    found: list[tuple[Span | None, Span, list[Span]]],
    keep_cue_only: bool = False,
) -> list[tuple[Span | None, Span, list[Span]]]:
    """The rule triples of a sentence whose tagged content has no cue of its own, once that
    content is taken from the attributions of other sentences it joined (in place).

    Nothing changes when a rule cue lies inside a tagged content span (the quotation's words).
    """
    lo, hi = sent.start, sent.end
    inside = [c for _s, _c, cs in triples for c in cs if c.start < hi and c.end > lo]
    if any(c.start <= cue.start < c.end for _s, cue, _cs in found for c in inside):
        return []
    emptied: list[int] = []
    for k, (src, cue, cs) in enumerate(triples):
        kept = [c for c in cs if not (lo <= c.start and c.end <= hi)]
        if len(kept) != len(cs):
            triples[k] = (src, cue, kept)
            if not kept:
                emptied.append(k)
    if not keep_cue_only:  # as ``assemble`` drops a cue without content
        for k in reversed(emptied):
            del triples[k]
    return found


def extract_attributions(
    text: str,
    sentences: Sequence[Sentence],
    actors: Sequence[Actor],
    *,
    keep_cue_only: bool = False,
    inherit_sources: bool = True,
    infer_sources: bool = True,
    rules: bool = True,
) -> list[Attribution]:
    """Find attributed statements in ``text``.

    Args:
        text: Article text.
        sentences: Sentence spans of ``text`` (from ``sentences.split_sentences``).
        actors: Actor mentions (from ``actors.extract_actors``), used to resolve pronoun and
            nominal sources to a canonical actor.
        keep_cue_only: Also return cues for which no content was found.
        inherit_sources: Give a participle cue with no source of its own ("adding that",
            "saying") the source of the previous attribution in its sentence (rule
            ``...+inherited``; the span is that earlier mention).
        rules: In sentences no assembled attribution covers, apply
            ``rule_attributions`` (reliable speech cues in standard constructions).
        infer_sources: Take the subject right before a cue as its source when the tagger
            found none ("Mr. Smith said"; rule ``...+subject``).

    Returns:
        Attributions ordered by cue offset. ``source`` is None when the text names no source;
        ``source.text`` is the source as written and ``source.canonical`` the actor it
        resolves to.

    Examples:
        >>> from provenance.extract.sentences import split_sentences
        >>> t = 'Gaza is quiet, the spokesman said.'
        >>> [a.cue.text for a in extract_attributions(t, split_sentences(t), [])]
        ['said']
    """
    if not text:
        return []
    sentences = list(sentences)
    spans = tag_article(text, sentences)
    triples = split_participles(text, assemble(text, spans, sentences, keep_cue_only=keep_cue_only), sentences)
    sentence_of = _sentence_finder(sentences)
    if rules and sentences:
        # Sentences the assembled attributions already cover (a cue or content in them).
        tagged: set[int] = set()
        cued: set[int] = set()  # sentences holding a cue of ``triples``
        s_starts = [s.start for s in sentences]
        for _src, cue, content in triples:
            for sp in (cue, *content):
                # sentence_of, inlined: a call per span end was a tenth of this function's time.
                i = max(0, bisect.bisect_right(s_starts, sp.start) - 1)
                if sp is cue:
                    cued.add(i)
                j = max(0, bisect.bisect_right(s_starts, sp.end - 1) - 1)
                if i == j:
                    tagged.add(i)
                else:
                    tagged.update(range(i, j + 1))
        lowered = text.lower()
        cue_starts: list[int] | None = None
        extra: list[tuple[tuple[Span | None, Span, list[Span]], int]] = []
        for sid, sent in enumerate(sentences):
            if sid not in cued:
                if cue_starts is None and len(lowered) == len(text) and (lits := fallback_cue_literals()) is not None:
                    cue_starts = lits.positions(lowered)  # once per text, for every cue-less sentence
                found = rule_attributions(text, sent, lowered=lowered, cue_starts=cue_starts)
                if found and sid in tagged:
                    # Content the tagger found here without its cue ("..., top lawmakers said
                    # Friday", the cue missed): the sentence's own cue claims it, unless that
                    # cue sits inside a tagged content (a quotation's "said").
                    found = _claim_sentence(triples, sent, found, keep_cue_only)
                extra.extend((t, sid) for t in found)
        if extra:
            triples = sorted(triples + [t for t, _ in extra], key=lambda t: t[1].start)
        lines = line_attributions(text, triples) + headline_attribution(text, triples) + transcript_attributions(text, triples)
        if lines:
            triples = sorted(signed_over(triples, lines) + lines, key=lambda t: t[1].start)
    resolver = coref.SourceResolver(text, sentences, actors)
    out: list[Attribution] = []
    prev_ref: SourceRef | None = None
    prev_sent = -1
    prev_cue_end = 0
    for src, cue, content in triples:
        ref: SourceRef | None = None
        rule = "crf+assemble"
        sent_no = sentence_of(cue.start) if sentences else -1
        if src is not None:
            src = clean_source(text, src)
        if src is None and infer_sources and sentences:
            src = following_source(text, sentences[sent_no], cue)
            if src is not None:
                rule = "crf+assemble+following"
            else:
                src = infer_source(text, sentences[sent_no], cue)
                if src is not None:
                    rule = "crf+assemble+subject"
        if src is not None:
            ref = resolver.resolve(src)
        if ref is None and inherit_sources and prev_ref is not None and sent_no == prev_sent and (
            _participle(cue) or _coordinated(text, prev_cue_end, cue)
        ):
            # "..., he said, adding that ...": the participle's speaker is the previous cue's.
            ref, rule = prev_ref, "crf+assemble+inherited"
        if ref is None and infer_sources and sentences and (
            _participle(cue) or _COORD.search(text, max(sentences[sent_no].start, cue.start - 30), cue.start)
        ):
            # "Both parents stiffened their denunciation, saying ...", "X donated ... and has
            # spoken out": the clause's subject.
            src = clause_subject(text, sentences[sent_no], cue, after_comma=_participle(cue))
            if src is not None:
                ref, rule = resolver.resolve(src), "crf+assemble+clause"
        content = [c2 for c2 in (_trim(text, c, lead="#*_>• ", trail=" ") for c in content) if c2 is not None]
        if ref is not None:
            # A source read from the subject ("The Civic Front, the main opposition party,")
            # can hold what the tagger called content: the source's words are not what it said.
            content = [c for c in content if not (ref.start <= c.start and c.end <= ref.end)]
            # Nor is a relative clause on the source ("according to the ministry, which raised
            # its count on Tuesday"): it is the outlet describing the source.
            content = [c for c in content if not (0 <= c.start - ref.end <= 3 and _RELATIVE_AFTER_SOURCE.match(c.text))]
        if not content and not keep_cue_only:
            continue
        prev_ref, prev_sent = (ref, sent_no) if ref is not None else (prev_ref, prev_sent)
        prev_cue_end = cue.end
        out.append(
            Attribution(
                source=ref,
                cue=cue,
                content=tuple(content),
                kind=_kind(text, cue, content),
                hedged=_hedged(cue),
                rule=rule,
                confidence=0.8,
            )
        )
    return out
