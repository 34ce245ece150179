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

from provenance.extract.figure_attributions import CoveringAttributions
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
from provenance.extract.numbers import Quantity, last_word, lexicon, scan_quantities
from provenance.extract.regex_guard import guarded
from provenance.models import Attribution, DateMention, Figure, Sentence, SourceRef

VERSION = "7"

__all__ = ["VERSION", "canonical_source", "extract_figures"]

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
        "population": lasts(met["population"]["cues"]),
    }


@lru_cache(maxsize=1)
def _before_preps() -> frozenset[str]:
    """Prepositions that may introduce a figure's place before the figure."""
    return frozenset(lexicon("figures")["places"]["before_prepositions"])


@dataclass(frozen=True, slots=True)
class _Rules:
    """Compiled rule patterns (built once from the lexicons)."""

    keyword: re.Pattern[str]
    object_verb: re.Pattern[str]
    toll: re.Pattern[str]
    near: re.Pattern[str]
    # The four above in lower case, case-sensitive, for the lower-cased text (several times
    # faster than a case-insensitive alternation; see literal_scan.CASE_FOLD_SPECIALS).
    keyword_low: re.Pattern[str]
    object_verb_low: re.Pattern[str]
    toll_low: re.Pattern[str]
    near_low: re.Pattern[str]
    joint_before: re.Pattern[str]
    any_object_verb: re.Pattern[str]
    joint: re.Pattern[str]
    subcount: re.Pattern[str]
    running: re.Pattern[str]
    running_before: re.Pattern[str]
    event: re.Pattern[str]
    hedge: re.Pattern[str]
    place: re.Pattern[str]
    clause_left: re.Pattern[str]
    clause_right: re.Pattern[str]
    as_of: re.Pattern[str]
    counted_word: re.Pattern[str]
    transitive_ing: re.Pattern[str]
    and_verb: re.Pattern[str]
    coord: re.Pattern[str]
    aux: re.Pattern[str]
    population: re.Pattern[str]


def _lowered(fragment: str) -> str:
    """A case-insensitive regex fragment in lower case, for lower-cased text."""
    if re.search(r"\\[A-Z]", fragment):
        raise ValueError(f"cannot lower-case a fragment with an upper-case escape: {fragment!r}")
    return fragment.lower()


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    """Compile the figure rules from ``metrics.toml`` and ``figures.toml``."""
    met = lexicon("metrics")
    fig = lexicon("figures")
    i = re.IGNORECASE

    def groups(table: dict[str, list[str]], low: bool = False) -> str:
        return "|".join(
            f"(?P<{m}>\\b(?:{_alt([_lowered(k) for k in table[m]] if low else table[m])})\\b)"
            for m in _METRICS
            if m in table
        )

    near_tail = r"[\s,:]*(?:(?:were|was|are|is|stood at|reached|of)\s+)?$"

    kw_any = _alt([k for m in _METRICS for k in met["keywords"].get(m, [])])
    # Every group opens with \b; one \b before them all fails a position inside a word once,
    # not once per group (same matches; "keyword" scans 1.8x faster).
    return _Rules(
        keyword=guarded(rf"\b(?:{groups(met['keywords'])})", i),
        object_verb=guarded(rf"\b(?:{groups(met['object_verbs'])})\s+(?:a\s+total\s+of\s+)?$", i),
        toll=guarded(rf"\b(?:{groups(met['toll_nouns'])})", i),
        near=guarded(rf"\b(?:{groups(met['near_nouns'])}){near_tail}", i),
        keyword_low=guarded(rf"\b(?:{groups(met['keywords'], True)})"),
        object_verb_low=guarded(rf"\b(?:{groups(met['object_verbs'], True)})\s+(?:a\s+total\s+of\s+)?$"),
        toll_low=guarded(rf"\b(?:{groups(met['toll_nouns'], True)})"),
        near_low=guarded(rf"\b(?:{groups(met['near_nouns'], True)}){near_tail}"),
        any_object_verb=guarded(rf"\b(?:{groups(met['object_verbs'])})", i),
        joint_before=guarded(rf"\b(?:{kw_any})\s+(?:{_alt(met['joint']['joiners'], True)})\s+$", i),
        # "killed or wounded", "killed, missing or wounded": several metrics counted together.
        joint=guarded(
            rf"(?:\s*,\s*(?:{kw_any}))*\s*,?\s*(?:{_alt(met['joint']['joiners'], True)})\s+(?:{kw_any})\b", i
        ),
        subcount=guarded(rf"(?:^|\W)(?:{_alt(fig['subcounts']['cues'], True)})\s*(?:[:—–-]\s*)?$", i),
        # Matched on lower-cased sentences: a case-sensitive alternation is several times faster.
        running=guarded(rf"\b(?:{_alt([p.lower() for p in fig['cumulative']['running']], True)})\b"),
        running_before=guarded(rf"\b(?:{_alt(fig['cumulative']['running_before'])})\s*$", i),
        event=guarded(rf"\b(?:{_alt([p.lower() for p in fig['cumulative']['event']], True)})\b"),
        hedge=guarded(rf"\b(?:{_alt([p.lower() for p in fig['hedges']['phrases']], True)})\b"),
        place=guarded(
            rf"\b(?P<prep>{_alt(fig['places']['prepositions'], True)})\s+"
            rf"(?P<place>{_alt(fig['places']['names'], True)})(?![\w-])"
        ),
        clause_left=guarded(r"(?:;|\s?[—–]\s?|\s--\s|:\s|(?<=[a-z]{2})[.!?][”\"’]?(?=[A-Z“]))"),
        clause_right=guarded(
            r"(?:;|\s?[—–]\s?|\s--\s|,\s+(?:and|but|while|whereas|where|when)\s|(?<=[a-z]{2})[.!?][”\"’]?(?=[A-Z“]))"
        ),
        as_of=guarded(r"\b(?:as\s+of|by|through|until|as\s+at)\s+$", i),
        counted_word=guarded(r"[A-Za-z][\w’'.-]*|\d[\w,.-]*|[^\w\s]"),
        transitive_ing=guarded(
            r"^(?:killing|wounding|injuring|abducting|kidnapping|displacing|arresting|detaining|releasing"
            r"|freeing|holding|taking|seizing|capturing)$",
            i,
        ),
        and_verb=guarded(r"\b(?:and|or)\s+$", i),
        coord=guarded(r"^[^;:—–]{0,60}?(?:\b(?:and|or|among(?:\s+the)?|of)|,)\s*$", i),
        aux=guarded(r"\b(?:have|has|had|are|is|were|was|will|would)\b"),
        population=guarded(rf"\b(?:{_alt(met['population']['cues'], True)})\s+$", i),
    )


# --- metric, counted, place ---------------------------------------------------------------

def _metric_from(m: re.Match[str] | None) -> str | None:
    """The metric named by the group that matched."""
    if not m or not m.lastgroup:
        return None
    return m.lastgroup.removeprefix("k_")


def _after_keyword(text: str, q: Quantity, right: int, low: str | None = None) -> re.Match[str] | None:
    """The first metric keyword after a figure that speaks of it, within ``text[q.end:right]``.

    Skipped: a transitive participle (", killing ...": the figure does the killing) and a
    verb coordinated without an auxiliary ("hundreds of gunmen entered Israel and slaughtered").
    A hostage noun in the counted phrase gives way to a later predicate ("nine hostages had died").
    With ``low`` (the lower-cased text, see ``extract_figures``) the keywords are found there.
    """
    r = _rules()
    first: re.Match[str] | None = None
    found = r.keyword_low.finditer(low, q.end, right) if low is not None else r.keyword.finditer(text, q.end, right)
    for kw in found:
        word = text[kw.start():kw.end()]  # as written
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
            if kw.lastgroup != "hostage" or not _HOSTAGE.match(word):
                return kw
            continue
        if kw.lastgroup in ("killed", "injured", "released", "missing"):
            return kw
    return first


def _metric(
    text: str, q: Quantity, left: int, right: int, parent_metric: str | None, low: str | None = None
) -> tuple[str, str]:
    """``(metric, how)`` for a figure whose clause is ``text[left:right]``; ``low`` as in
    ``_after_keyword``."""
    r = _rules()
    if q.unit != "count":
        return "other", "unit"
    if low is not None:
        src, object_verb, near_p, toll = low, r.object_verb_low, r.near_low, r.toll_low
    else:
        src, object_verb, near_p, toll = text, r.object_verb, r.near, r.toll
    if last_word(text, q.start) in _gates()["population"] and r.population.search(text, max(left, q.start - 30), q.start):
        return "other", "population"
    ov = (
        object_verb.search(src, max(left, q.start - 40), q.start)
        if last_word(text, q.start) in _gates()["object_verb"]
        else None
    )
    if ov:
        metric = _metric_from(ov)
        if r.joint_before.search(text, max(left, ov.start() - 30), ov.start()):
            return "other", "joint"  # "has wounded or killed thousands"
        after = text[q.end:right]
        kw = r.keyword.search(after)
        if kw and r.joint.match(after[kw.end():]) and _metric_from(kw) != metric:
            return "other", "joint"
        if metric:
            return metric, "object_verb"
    kw = _after_keyword(text, q, right, low)
    near = near_p.search(src, max(left, q.start - 30), q.start)
    if kw and near and _HOSTAGE.match(kw.group(0)) and _metric_from(near):
        return _metric_from(near) or "other", "before"  # "the bodies of three hostages"
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
    for last in toll.finditer(src, left, q.start):
        pass
    if last:
        metric = _metric_from(last)
        if metric:
            return metric, "before"
    if near and _metric_from(near):
        return _metric_from(near) or "other", "before"
    if text[max(left, q.start - 5):q.start].rstrip().endswith("and"):
        # "an attack that killed the commander and two soldiers": the verb's second object.
        verb = None
        for verb in r.any_object_verb.finditer(text, max(left, q.start - 120), q.start):
            pass
        if verb and not _RELATIVE_PRONOUN.search(text, verb.end(), q.start):
            metric = _metric_from(verb)
            if metric:
                return metric, "object_verb"
    return "other", "none"


_RELATIVE_PRONOUN = re.compile(r"\b(?:that|which|who|whom)\b")
_HOSTAGE = re.compile(r"hostages?|captives?", re.IGNORECASE)
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_WEEKDAYS = frozenset(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
_COUNTED_STOP = frozenset(
    [
        "were", "was", "have", "has", "had", "are", "is", "be", "been", "being", "will", "would",
        "could", "may", "might", "killed", "wounded", "injured", "died", "dead", "and", "or", "who",
        "that", "which", "since", "according", "from", "by", "to", "at", "on", "with", "as",
        "during", "after", "before", "across", "including", "said", "says", "say", "reported", "in",
        "among", "while", "but", "than", "per", "when", "where", "amid", "over", "into", "so", "if",
        "of", "also", "not", "all", "more", "most", "mostly", "many", "including", "what", "whose",
        "there", "here", "this", "these", "those", "they", "it", "he", "she", "following", "under",
        "overnight", "listed", "believed", "reported", "confirmed", "back", "a", "an"
    ]
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
            not _ASCII_LETTER.match(w)
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

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _lower(s: str) -> str:
    """Lower case with offsets kept (``str.lower`` turns a few characters into two)."""
    low = s.lower()
    return low if len(low) == len(s) else s.translate(_ASCII_LOWER)


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
            found = hedges[(a, b)] = r.hedge.search(_lower(text[a:b]) if low is None else low) is not None
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
            low = _lower(text[lo:hi])
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
