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

from provenance.extract.figure_attributions import CoveringAttributions
from provenance.extract.figure_metrics import _before_preps, _counted, _gates, _metric, _rules
from provenance.extract.figure_sources import (
    PRONOUNS,
    Src,
    background,
    canonical_source,
    is_junk_source,
    is_org,
    pick,
    relay_origin,
    sentence_sources,
)
from provenance.extract.literal_scan import CASE_FOLD_SPECIALS, lower_keep_offsets
from provenance.extract.numbers import Quantity, last_word, scan_quantities
from provenance.models import Attribution, DateMention, Figure, Sentence, SourceRef

VERSION = "7"

__all__ = ["VERSION", "canonical_source", "extract_figures"]

def _subsentences(text: str, s: Sentence) -> list[tuple[int, int]]:
    """Split a sentence at glued boundaries ("verified.President") the segmenter keeps."""
    # ``glued`` as a pattern opening with the end mark: the engine skips to the next one in C
    # instead of testing the look-behind at every character. A cut (group 1, after the mark)
    # at ``s.start`` has its mark just before: the scan starts one character early.
    cuts = [c for m in _GLUED.finditer(text, max(0, s.start - 1), s.end) if (c := m.start(1)) >= s.start]
    bounds = [s.start, *cuts, s.end]
    return [(bounds[k], bounds[k + 1]) for k in range(len(bounds) - 1) if bounds[k + 1] > bounds[k]]


# Glued sentence boundaries: the matches of "(?<=[a-z]{2}[.!?])[”\"’]?(?=[A-Z“\"])" are
# where group 1 starts (tests/test_extract_fast_paths.py checks it).
_GLUED = re.compile(r"(?<=[a-z]{2})[.!?]([”\"’]?)(?=[A-Z“\"])")


@dataclass(frozen=True, slots=True)
class _SentenceInfo:
    """What extract_figures computes once per sentence."""

    subs: list[tuple[int, int]]
    fstarts: list[int]  # starts of the sentence's figures
    srcs: dict[int, list[Src]]  # filled on demand: a sentence's figures sit in few of its clauses
    hedged: bool
    places: list[tuple[int, int, str, bool]]
    events: list[tuple[int, int]]
    running: list[tuple[int, int]]


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
    cut = r.clause_right.search(text, q.end, right)
    if cut:
        right = cut.start()
    return left, right


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
    lowered = lower_keep_offsets(text)
    quants = scan_quantities(text, lowered=lowered)
    if not quants:
        return []
    # Case-insensitive rules run case-sensitively on the lower-cased text, unless the text
    # holds a character that matches an ASCII letter only case-insensitively ("ı").
    ci_text = None if CASE_FOLD_SPECIALS.search(text) else lowered
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
    sent_cache: dict[int, _SentenceInfo] = {}
    qstarts = [x.start for x in quants]
    # Named sources in the order they are met, read back only for a pronoun source: most
    # articles have none, and reading a name (``canonical_source``) is the costly part.
    noted: list[str] = []
    kinds: dict[str, tuple[bool, tuple[str, str | None]] | None] = {}
    named_upto = 0

    # Named sources by position, so each figure looks only at those since the previous one.
    by_start = sorted((att.source.start, k, att.source.text) for k, att in enumerate(attributions) if att.source)
    src_starts = [st for st, _, _ in by_start]
    date_order = sorted((d.start, k) for k, d in enumerate(dates))
    covering = CoveringAttributions(attributions, text)
    date_starts = [st for st, _ in date_order]

    hedges: dict[tuple[int, int], bool] = {}

    def hedge_in(a: int, b: int, low: str | None = None) -> bool:
        """A hedge in ``text[a:b]`` (``low``: that text lower-cased); each span searched once, as
        a sentence's next sentence is often the next sentence with figures."""
        found = hedges.get((a, b))
        if found is None:
            found = hedges[(a, b)] = r.hedge.search(lower_keep_offsets(text[a:b]) if low is None else low) is not None
        return found

    def remember(upto: int) -> None:
        """Track named sources before ``upto`` for pronoun resolution (in attribution order)."""
        nonlocal named_upto
        if upto > named_upto:
            new = by_start[bisect.bisect_left(src_starts, named_upto):bisect.bisect_left(src_starts, upto)]
            noted.extend(mention for _, _, mention in sorted(new, key=lambda t: t[1]))
        named_upto = max(named_upto, upto)

    def last_named(org: bool) -> tuple[str, str | None] | None:
        """The last noted source that is an organisation (``org``) or a person, if any."""
        for mention in reversed(noted):
            if mention not in kinds:
                canon, desc = canonical_source(mention)
                kinds[mention] = None if canon is None else (is_org(mention, canon), (canon, desc))
            kind = kinds[mention]
            if kind is not None and kind[0] == org:
                return kind[1]
        return None

    for qi, q in enumerate(quants):
        si = max(0, bisect.bisect_right(sent_starts, q.start) - 1)
        sent = sents[si]
        lo, hi = sent.start, max(sent.end, q.end)
        info = sent_cache.get(si)
        if info is None:
            # Everything that depends on the sentence only, computed once for all its figures.
            subs = _subsentences(text, sent)
            fstarts = qstarts[bisect.bisect_left(qstarts, lo):bisect.bisect_left(qstarts, hi)]
            nxt_s = sents[si + 1] if si + 1 < len(sents) else None
            low = lower_keep_offsets(text[lo:hi])
            info = sent_cache[si] = _SentenceInfo(
                subs=subs,
                fstarts=fstarts,
                srcs={},
                hedged=hedge_in(lo, hi, low) or (nxt_s is not None and hedge_in(nxt_s.start, nxt_s.end)),
                places=[(m.start(), m.end(), m.group("place"), m.group("prep").lower() in _before_preps())
                        for m in r.place.finditer(text, lo, hi)],
                events=[(lo + m.start(), lo + m.end()) for m in r.event.finditer(low)],
                running=[(lo + m.start(), lo + m.end()) for m in r.running.finditer(low)],
            )
        subs, srcs, hedged = info.subs, info.srcs, info.hedged
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
        metric, how = _metric(text, q, left, right, parent_metric, ci_text)
        counted = _counted(text, q, right)
        after_places = [p for p in info.places if q.end <= p[0] and p[1] <= right]
        before_places = [p for p in info.places if left <= p[0] and p[1] <= q.start and p[3]]
        pm = after_places[0] if after_places else before_places[-1] if before_places else None
        place = re.sub(r"^the\s+", "", " ".join(pm[2].split())) if pm else None
        cumulative: bool | None = None
        if info.running and r.running_before.search(text, max(left, q.start - 80), q.start):
            cumulative = True  # "..., bringing the toll to 212": whatever event the clause names
        elif any(left <= x and y <= right for x, y in info.events):
            cumulative = False
        elif any(left <= x and y <= right for x, y in info.running):
            cumulative = True

        as_of = as_of_default
        in_clause = sorted(k for _, k in date_order[bisect.bisect_left(date_starts, a):bisect.bisect_left(date_starts, b)])
        for d in (dates[k] for k in in_clause):
            if (
                d.value
                and last_word(text, d.start) in _gates()["as_of"]
                and r.as_of.search(text, max(a, d.start - 12), d.start)
            ):
                as_of = d.value
                break

        # Source: an attribution covering the figure, else the sentence's own cues.
        remember(lo)
        source: SourceRef | None = None
        src_how = "none"
        att = covering.find(q, sent)
        local = srcs.get(sub_i) if subs else []
        if local is None:
            local = srcs[sub_i] = sentence_sources(text, a, b, info.fstarts, ci_text)
        fs = pick(local, q)
        if att is not None and att.kind == "according_to" and any(
            x.kind == "according_to" and x.cue_start == att.cue.start and not x.cover_start <= q.start < x.cover_end
            for x in local
        ):
            att = None  # "according to X" does not reach past a dash or into another clause
        if (
            att is not None
            and att.source is not None
            and fs is not None
            and not (att.source.start < fs.end and fs.start < att.source.end)
        ):
            # Both cover the figure: the sentence's own cue nearest the figure is the innermost
            # statement; the attribution extractor's reading is kept when it names the same span
            # (its canonical name and cross-sentence resolution are better than ours).
            att = None
        if att is not None and att.source is not None:
            s = att.source
            canon, desc = (s.canonical, s.descriptor) if s.canonical else canonical_source(s.text)
            if canon and " " not in canon and len(s.text.split()) > 1:
                # A word inside the name as written ("Benjamin" for "Israeli Prime Minister
                # Benjamin Netanyahu"; a surname stays): the mention's own reading is the name.
                own, own_desc = canonical_source(s.text)
                if own and canon.lower() in own.lower().split()[:-1]:
                    canon, desc = own, desc or own_desc
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
            np = relay_origin(text, a, b)
            if np:
                mention = text[np[0]:np[1]]
                canon, desc = canonical_source(mention)
                source = SourceRef(np[0], np[1], mention, canon, desc)
                src_how = "relay"
            elif src_how in ("said", "inverted", "attribution") and background(text, max(cover_start, a), q):
                source, src_how = None, "background"
        if source is not None and source.start <= q.start < source.end:
            source, src_how = None, "inside_source"  # "according to two senior officials"
        elif source is not None and is_junk_source(source.text):
            source, src_how = None, "junk"  # "..., said the Israeli bombardment had killed more than 1,500"
        if source is not None and source.canonical is None and source.text.lower() in PRONOUNS:
            for k in range(si - 1, max(-1, si - 4), -1):
                for x in reversed(sentence_sources(text, sents[k].start, sents[k].end)):
                    mention = text[x.start:x.end]
                    if mention.lower() not in PRONOUNS:
                        noted.append(mention)
                        break
                else:
                    continue
                break
            ref = last_named(org=source.text.lower() not in ("he", "she", "i"))
            if ref:
                source = SourceRef(source.start, source.end, source.text, ref[0], ref[1])
        if source is not None and source.canonical is not None and source.text.lower() not in PRONOUNS:
            noted.append(source.text)

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
