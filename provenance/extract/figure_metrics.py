"""What a figure counts: the metric and the counted noun phrase after or around a number.

``_metric`` reads the verb or keyword that says what a number counts ("killed", "injured",
"hostages", from ``lexicon/metrics.toml``); ``_counted`` the noun phrase it counts. Both are
read by ``figures.extract_figures``. Moved out of ``figures`` unchanged (the module had passed
the house style's ~600 lines).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from provenance.extract.numbers import Quantity, last_word, lexicon
from provenance.extract.regex_guard import guarded

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
