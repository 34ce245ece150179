"""Structural attribution rules: what a sentence's structure or a line's layout implies.

The tagger's safety net and complement (``attributions.extract_attributions`` calls them):

* ``complete_content``: the content a cue left without one implies ("X said (that) ..." ->
  the rest of the sentence; "“...,” X said" -> the quotation before it);
* ``infer_source``: the subject right before a cue ("Mr. Smith said");
* ``clean_source``: datelines and markup trimmed off a source;
* ``rule_attributions``: reliable speech cues in standard constructions, with no tagger;
* ``split_participles``: "X mocked the plan, saying it would fail" as two attributions.

What a line's layout implies (signed quotations, transcripts, headlines) is in
``attribution_layout``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from importlib import resources

from provenance.extract.actors import _trie_pattern
from provenance.extract.attribution_tagger import cue_table
from provenance.extract.literal_scan import LiteralSet
from provenance.extract.regex_guard import guarded
from provenance.models import Sentence, Span

#: A cue word stands without the tagger (``rule_attributions``) when it heads a cue at least
#: this often in PolNeAR train ...
FALLBACK_RATIO = 0.8
#: ... and at least this many times.
FALLBACK_COUNT = 20


def _sentence_finder(sentences: Sequence[Sentence]) -> Callable[[int], int]:
    """offset -> index of the sentence containing it (or the last one starting before it)."""
    starts = [s.start for s in sentences]

    def find(offset: int) -> int:
        return max(0, bisect.bisect_right(starts, offset) - 1)

    return find


_ADDRESSEE = re.compile(r"\s*(?:[\w.’'\-]+\s+){1,4}?(that\b|“|\")")


def _strip_span(text: str, a: int, b: int, *, keep_quotes: bool = True) -> Span | None:
    """Trim whitespace and trailing sentence punctuation (outside quotes) from text[a:b]."""
    while a < b and text[a].isspace():
        a += 1
    seg = text[a:b]
    if not (keep_quotes and seg.rstrip().endswith(("”", '"'))):
        # The trailing run of whitespace and .,;:!? (what re.search(r"[\s.,;:!?]+$") finds),
        # read from the end: the regex tried every position of the span.
        k = len(seg)
        while k and (seg[k - 1].isspace() or seg[k - 1] in ".,;:!?"):
            k -= 1
        if k < len(seg):
            b = a + k
    while b > a and text[b - 1].isspace():
        b -= 1
    if b - a < 2:
        return None
    return Span(a, b, text[a:b])


def complete_content(text: str, sent: Sentence, cue: Span, source: Span | None) -> Span | None:
    """Content implied by sentence structure for a cue the tagger left without content.

    "X said (that) ..." / "X said: ..." -> the rest of the sentence after the cue;
    "..., X said." -> the sentence before the comma preceding source and cue.
    """
    after_start = cue.end
    if source is not None and source.start >= cue.end:
        after_start = source.end
    after = text[after_start:sent.end]
    if cue.text.lower().startswith(("told", "tell")):
        # "told reporters that ...": the addressee is not part of the content.
        m = _ADDRESSEE.match(after)
        if m:
            after_start += m.start(1)
            after = text[after_start:sent.end]
    if len(after.strip(" .,;:!?\"”")) >= 12 and not after.lstrip().startswith((",", ".")):
        return _strip_span(text, after_start, sent.end)
    left_end = min(cue.start, source.start if source is not None else cue.start)
    if source is None:
        # "..., the minister said": the subject sits between the last comma and the cue.
        seg = text[sent.start:cue.start]
        comma = max(seg.rfind(","), seg.rfind("”"), seg.rfind('"'))
        if comma > 0 and len(seg[comma + 1:].split()) <= 8:
            left_end = sent.start + comma + 1
    before = text[sent.start:left_end].rstrip()
    if before.endswith((",", ",”", ',"', "?”", "!”", '?"', '!"')) and len(before) >= 12:
        end = sent.start + len(before)
        if before.endswith(","):
            end -= 1
        else:  # a closing quote: PolNeAR keeps the quote and the punctuation inside it
            return Span(sent.start, end, text[sent.start:end])
        return _strip_span(text, sent.start, end)
    return None


_DATELINE = re.compile(r"^[^\n]{0,80}?(?:\([A-Z]{2,6}\)\s*|\d\s*)(?:--|—|–)\s*")


def _trim(text: str, span: Span, lead: str = "#*_>•-–— ", trail: str = ",;:—–- ") -> Span | None:
    """Trim markup and dangling punctuation from a span; None when nothing is left."""
    a, b = span.start, span.end
    while a < b and (text[a] in lead or text[a].isspace()):
        a += 1
    while b > a and (text[b - 1] in trail or text[b - 1].isspace()):
        b -= 1
    if b <= a:
        return None
    t = text[a:b]
    return span if a == span.start and b == span.end and span.text == t else Span(a, b, t)  # most need no trim


def clean_source(text: str, span: Span) -> Span | None:
    """A source span without markup, a dateline before it ("Gaza City, October 31 (RHC)--")
    or trailing commas."""
    m = _DATELINE.match(span.text)
    if m and m.end() < len(span.text):
        span = Span(span.start + m.end(), span.end, text[span.start + m.end():span.end])
    return _trim(text, span)


_SKIP_BEFORE_CUE = frozenset(
    ["also", "has", "have", "had", "previously", "later", "then", "repeatedly", "again", "recently", "once", "already", "still", "first", "initially", "subsequently", "ultimately", "quickly", "publicly", "privately", "flatly",
     "finally", "openly", "reportedly", "immediately", "frequently", "often", "never", "always", "now", "widely"]
)
_SUBJECT_PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "you", "who"])
_NP_TOKEN = re.compile(r"[\w.’'\-]+|[^\w\s]")
_DETS = frozenset(["the", "a", "an", "this", "that", "these", "those", "his", "her", "their", "its", "our", "some", "many", "most", "several"])
#: Days and months: "on Monday" before a cue is a time, not its subject.
_WHEN = frozenset(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
     "april", "may", "june", "july", "august", "september", "october", "november", "december"]
)
#: Words a subject noun phrase does not reach over leftwards ("the problem and on Monday").
_NP_BREAK = frozenset(
    ["and", "but", "or", "nor", "by", "was", "were", "is", "are", "be", "been", "when", "while", "where", "then",
     "because", "if", "than", "as", "after", "before", "since", "although", "though"]
)
#: Words that end or start no subject: a candidate source ending in one ("a unique
#: opportunity and", "the electoral process by", "a time when it was") or made of one
#: capitalised at the sentence start ("But", "After", "There") is no source.
_NOT_SUBJECT = frozenset(
    ["and", "but", "or", "nor", "by", "was", "were", "is", "are", "be", "been", "being", "when", "while", "where",
     "there", "here", "on", "in", "at", "to", "of", "for", "with", "from", "after", "before", "as", "than", "if",
     "so", "then", "because", "since", "although", "though", "not", "into", "about", "against", "without",
     "during", "until", "over", "under", "also", "just", "even", "only"]
)


def infer_source(text: str, sent: Sentence, cue: Span) -> Span | None:
    """The subject right before a cue the tagger left without a source ("Mr. Smith said").

    Scans left from the cue over a few adverbs and auxiliaries, then takes a subject
    pronoun, a run of capitalised words (a name, "Mr. Smith", "Rep. Jones"), or a
    determiner-led noun phrase of up to four words ("the ministry", "some officials"). A
    parenthetical between subject and cue ("Mr. King, 82, told") is kept in the span, as
    PolNeAR keeps identifying appositives in the source.
    """
    toks = [(m.start() + sent.start, m.end() + sent.start) for m in _NP_TOKEN.finditer(text[sent.start:cue.start])]
    i = len(toks) - 1
    while i >= 0:
        lw = text[toks[i][0]:toks[i][1]].lower()
        if lw in _SKIP_BEFORE_CUE:
            i -= 1
        elif lw in _WHEN and i >= 1 and text[toks[i - 1][0]:toks[i - 1][1]].lower() in ("on", "in", "last", "this"):
            i -= 2  # "X on Monday said": the time is not the subject
        else:
            break
    end_override = None
    if i >= 1 and text[toks[i][0]:toks[i][1]] == ",":
        j = i - 1
        while j >= 0 and text[toks[j][0]:toks[j][1]] not in (",", "“", '"', "”", ";", ":"):
            j -= 1
        if j >= 1 and text[toks[j][0]:toks[j][1]] == "," and i - j <= 16:
            end_override = toks[i][1]
            i = j - 1
        else:
            return None
    if i < 0:
        return None
    a, b = toks[i]
    w = text[a:b]
    if w.lower() in _SUBJECT_PRONOUNS:
        return Span(a, b, w) if w.lower() != "who" and end_override is None else None
    if w.lower() in _NOT_SUBJECT and (w.islower() or i == 0):
        return None
    if w[:1].isupper() and w.lower() not in _DETS:
        j = i
        while j - 1 >= 0:
            pw = text[toks[j - 1][0]:toks[j - 1][1]]
            if pw[:1].isupper() or pw.lower() in ("al", "el", "bin", "de", "van", "von"):
                j -= 1
            else:
                break
        # "the Hamas-run health ministry in Gaza said": extend left to a determiner, a
        # comma or the sentence start, within a few words.
        k = j - 1
        while k >= 0 and j - k <= 6:
            pw = text[toks[k][0]:toks[k][1]]
            if pw.lower() in _DETS:
                j = k
                break
            if pw.lower() in _NP_BREAK:
                break
            if not (pw[0].isalnum()) or pw.lower() in _SKIP_BEFORE_CUE or pw.lower() in _SUBJECT_PRONOUNS:
                if pw in (",", ";", ":", "“", '"', "”"):
                    j = k + 1
                break
            k -= 1
        else:
            if k < 0:
                j = 0
        start = toks[j][0]
        b = end_override or b
        return Span(start, b, text[start:b])
    if w.isalpha() and w.islower():
        for j in range(i - 1, max(-1, i - 5), -1):
            pw = text[toks[j][0]:toks[j][1]].lower()
            if pw in _NOT_SUBJECT:
                break
            if pw in _DETS:
                start = toks[j][0]
                b = end_override or b
                return Span(start, b, text[start:b])
            if pw.endswith(("’s", "'s")) and pw[:-2].replace("-", "").isalpha():
                # "Powell’s office said": a possessive opens the phrase, with the name before it.
                while j >= 1 and text[toks[j - 1][0]:toks[j - 1][1]][:1].isupper():
                    j -= 1
                start = toks[j][0]
                b = end_override or b
                return Span(start, b, text[start:b])
            if pw == "," and end_override is None and j >= 2:
                # "..., top black lawmakers said Friday": a bare plural subject after the
                # clause it reports.
                start = toks[j + 1][0]
                return Span(start, b, text[start:b]) if w.endswith("s") else None
            if not pw.isalpha():
                break
    return None


_LEAD = frozenset(["but", "and", "so", "yet", "still", "meanwhile", "instead", "then"])


def clause_subject(text: str, sent: Sentence, cue: Span, *, after_comma: bool = True) -> Span | None:
    """The subject at the start of a sentence, for a participle cue after a comma with no
    source of its own ("Both parents stiffened their denunciation of Mr. Trump, saying ...").

    A pronoun, or a run of capitalised words (a name), or a determiner and up to three words,
    at the sentence start (after "But", "And", ...), followed by a lower-case word; nothing
    when the sentence opens otherwise ("In response to ...", a quotation). With
    ``after_comma`` off, for a coordinated cue ("Cooper donated $750 ... and has spoken out").
    """
    if after_comma and not text[sent.start:cue.start].rstrip().endswith(","):
        return None
    toks = [(m.start() + sent.start, m.end() + sent.start) for m in _NP_TOKEN.finditer(text[sent.start:cue.start])]
    i = 0
    while i < len(toks) and text[toks[i][0]:toks[i][1]].lower() in _LEAD:
        i += 1
    if i >= len(toks) - 2:
        return None
    a, b = toks[i]
    w = text[a:b]
    if w.lower() in _SUBJECT_PRONOUNS and w.lower() != "who":
        return Span(a, b, w)
    if w.lower() in _NOT_SUBJECT or w.lower() in _WHEN or not w[:1].isalpha():
        return None
    j = i
    if w.lower() in _DETS or w.lower() in ("both", "all", "two", "three"):
        while j + 1 < len(toks) and j - i < 3 and text[toks[j + 1][0]:toks[j + 1][1]].isalpha() and \
                text[toks[j + 1][0]:toks[j + 1][1]].lower() not in _NOT_SUBJECT:
            j += 1
            if j + 1 < len(toks) and text[toks[j + 1][0]:toks[j + 1][1]][:1].islower():
                break
    elif w[:1].isupper():
        while j + 1 < len(toks) and text[toks[j + 1][0]:toks[j + 1][1]][:1].isupper():
            j += 1
    else:
        return None
    if j == i and w.lower() in _DETS or j + 1 >= len(toks):
        return None
    nxt = text[toks[j + 1][0]:toks[j + 1][1]]
    if not nxt[:1].islower() or nxt.lower() in _NOT_SUBJECT:
        return None
    return Span(a, toks[j][1], text[a:toks[j][1]])


@lru_cache(maxsize=1)
def _fallback_words() -> frozenset[str]:
    """The words of ``fallback_cue_regex`` (besides "according to")."""
    words = {w for w, (c, r, _h) in cue_table().items()
             if (r >= FALLBACK_RATIO and c >= FALLBACK_COUNT) or c == 0}
    words |= set(_manual_cues())
    words.discard("according")
    return frozenset(w for w in words if w.isalpha())


@lru_cache(maxsize=2)
def fallback_cue_regex(fold: bool = True) -> re.Pattern[str]:
    """Speech cues reliable enough to stand without the tagger (lexicon/cues.tsv: a cue at
    least ``FALLBACK_RATIO`` of the time in train and ``FALLBACK_COUNT`` times, plus the
    hand-listed cues); case-insensitive, or with ``fold=False`` for lower-cased text."""
    words = _fallback_words()
    # A trie-shaped alternation (longest word first, as a flat longest-first list would be):
    # one pass per position instead of trying every word, a third of the untagged cost.
    alt = _trie_pattern(words, fold=True)
    # The first-character guard (``regex_guard``) skips positions no cue starts at: same matches.
    return guarded(r"\b(?:according\s+to|(?:" + alt + r"))\b", re.IGNORECASE if fold else 0)


@lru_cache(maxsize=1)
def fallback_cue_literals() -> LiteralSet | None:
    """The words a ``fallback_cue_regex(fold=False)`` match begins with, for
    ``LiteralSet.positions`` on lower-cased text (None if one is not plain ASCII)."""
    words = {w.lower() for w in _fallback_words()} | {"according"}
    if not all(w.isascii() and len(w) >= 2 for w in words):
        return None
    return LiteralSet(words)


@lru_cache(maxsize=1)
def _manual_cues() -> tuple[str, ...]:
    """The hand-listed cue words of lexicon/cues_manual.tsv."""
    raw = resources.files("provenance.extract.lexicon").joinpath("cues_manual.tsv").read_text("utf-8")
    rows = [ln.split("\t")[0] for ln in raw.splitlines() if ln.strip() and not ln.startswith("#")]
    return tuple(r for r in rows[1:])


_INVERTED_SOURCE = re.compile(
    r"\s+((?:the|a|an)\s+[^,.;:“”\"]{2,60}?|[A-Z][\w.’'\-]*(?:\s+(?:[A-Z][\w.’'\-]*|al-\w+|bin|de))*)(?=\s*(?:[,.;:]|$|\s+(?:on|in|at|late|early|during|after|before|yesterday|today|this|last)\b))"
)


_ACCORDING_SOURCE = re.compile(r"\s+([^,.;:“”\"()]{2,80}?)(?=\s*(?:[,.;:()“”\"]|$))")
_BEFORE_INVERTED = (",”", ',"', "?”", "!”", '?"', '!"')


def following_source(text: str, sent: Sentence, cue: Span) -> Span | None:
    """A source after its cue, for a cue the tagger left without one: "according to X" and
    the inverted "“...,” said the Democratic nominee" (after a closing quotation mark only:
    after a bare comma the phrase after the cue is mostly the content, "X, a Republican, said
    the family deserved better")."""
    if cue.text.lower().startswith("according"):
        m = _ACCORDING_SOURCE.match(text, cue.end, sent.end)
        return Span(m.start(1), m.end(1), m.group(1)) if m else None
    if not text[sent.start:cue.start].rstrip().endswith(_BEFORE_INVERTED):
        return None
    m = _INVERTED_SOURCE.match(text, cue.end, sent.end)
    return Span(m.start(1), m.end(1), m.group(1)) if m else None


def _matches_at(rx: re.Pattern[str], s: str, starts: Sequence[int], lo: int, hi: int) -> list[re.Match[str]]:
    """``rx.finditer(s, lo, hi)`` when every match of ``rx`` begins at one of ``starts``
    (sorted): ``rx.match`` at each start in ``lo``-``hi``, past the previous match."""
    out: list[re.Match[str]] = []
    end = lo
    for p in starts[bisect.bisect_left(starts, lo):bisect.bisect_left(starts, hi)]:
        if p < end:
            continue
        m = rx.match(s, p, hi)
        if m is not None:
            out.append(m)
            end = m.end()
    return out


# "In the latest Reuters/Ipsos poll, Clinton leads by 4 points": PolNeAR annotates "In" as the
# cue and the poll as the source (sentence-initial only, and only in a sentence with no other
# cue: "In a recent study, three economists found ..." has its own).
_IN_POLL = re.compile(
    r"(?P<cue>In)\s+(?P<src>(?:[^,.;:“”\"\n]{0,100}?\s)?(?:poll|polls|survey|surveys|study|studies)\b"
    r"[^,;:“”\"\n]{0,80}?(?:,\s+(?:conducted|released|published|taken|carried)\b[^,;:“”\"\n]{0,80}?)?),\s+(?=\S)"
)


def rule_attributions(
    text: str, sent: Sentence, *, lowered: str | None = None, cue_starts: Sequence[int] | None = None
) -> list[tuple[Span | None, Span, list[Span]]]:
    """Attributions a sentence's structure gives around a reliable speech cue.

    The safety net under the tagger for the constructions a fact-checker needs most:
    "X said (that) ...", "“...,” X said", "..., said X", "..., according to X",
    "According to X, ..." and "In the latest X poll, ...". Returns (source, cue, contents)
    triples like ``assemble``.

    Args:
        text: Article text.
        sent: The sentence to read.
        lowered: ``text.lower()``, when the caller has it: the cue scan is then
            case-sensitive on it, twice as fast as a case-insensitive scan.
        cue_starts: With ``lowered``, the sorted offsets where a cue can begin
            (``fallback_cue_literals().positions(lowered)``, computed once per text): the
            cue pattern is then tried there only (the same matches as its scan).
    """
    out: list[tuple[Span | None, Span, list[Span]]] = []
    if text.startswith("In ", sent.start) and (pm := _IN_POLL.match(text, sent.start, sent.end)):
        pc = _strip_span(text, pm.end(), sent.end)
        if pc is not None:
            return [(Span(pm.start("src"), pm.end("src"), pm.group("src")), Span(pm.start(), pm.start() + 2, "In"), [pc])]
    scan: Iterable[re.Match[str]]
    if lowered is not None and len(lowered) == len(text) and cue_starts is not None:
        scan = _matches_at(fallback_cue_regex(fold=False), lowered, cue_starts, sent.start, sent.end)
    elif lowered is not None and len(lowered) == len(text):
        scan = fallback_cue_regex(fold=False).finditer(lowered, sent.start, sent.end)
    else:  # a character whose lower case is longer ("İ") would shift offsets
        scan = fallback_cue_regex().finditer(text, sent.start, sent.end)
    for m in scan:
        cue = Span(m.start(), m.end(), text[m.start():m.end()])
        if cue.text.lower().startswith("according"):
            sm = re.match(r"\s+([^,.;:“”\"]{2,80}?)(?=\s*(?:[,.;:]|$))", text[cue.end:sent.end])
            if not sm:
                continue
            asrc = Span(cue.end + sm.start(1), cue.end + sm.end(1), sm.group(1))
            head = text[sent.start:cue.start].rstrip()
            if len(head) >= 12:
                ac = _strip_span(text, sent.start, sent.start + len(head.rstrip(",")))
            else:
                ac = _strip_span(text, asrc.end, sent.end)
                if ac is not None and ac.text.startswith(","):
                    ac = _strip_span(text, ac.start + 1, ac.end)
            if ac is not None:
                out.append((asrc, cue, [ac]))
            break
        src: Span | None = infer_source(text, sent, cue)
        if src is None:
            im = _INVERTED_SOURCE.match(text, cue.end, sent.end)
            if im and text[sent.start:cue.start].rstrip().endswith((",", ",”", ',"', "?”", "!”")):
                src = Span(im.start(1), im.end(1), im.group(1))
        c = complete_content(text, sent, cue, src)
        if c is None or src is None:
            continue
        if c.start < cue.start < c.end or c.start < src.start < c.end:
            continue
        out.append((src, cue, [c]))
        break
    return out


@lru_cache(maxsize=1)
def _participle_regex() -> re.Pattern[str]:
    """", saying ...", ", adding that ...": a participle speech cue after a comma."""
    words = {w for w, (c, r, _h) in cue_table().items() if w.endswith("ing") and r >= 0.5 and c >= 10}
    words.discard("according")
    alt = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return re.compile(r",\s+(?:(?:also|later|then)\s+)?(" + alt + r")\b(?:\s+(?:also|later))?", re.IGNORECASE)


def split_participles(
    text: str, triples: list[tuple[Span | None, Span, list[Span]]], sentences: list[Sentence] | None = None
) -> list[tuple[Span | None, Span, list[Span]]]:
    """Split "X mocked the plan, saying it would fail" into two attributions.

    A participle speech cue after a comma inside an attribution's content ends that content
    and starts an attribution of its own (its source is inherited later), as PolNeAR
    annotates it. With ``sentences``, an untagged participle cue after an attribution's cue
    in the same sentence gets an attribution too, with the rest of the sentence as content.
    """
    rx = _participle_regex()
    out: list[tuple[Span | None, Span, list[Span]]] = []
    for src, cue, contents in triples:
        new_contents: list[Span] = []
        extra: list[tuple[Span | None, Span, list[Span]]] = []
        for c in contents:
            m = rx.search(text, c.start, c.end)
            if m is None or m.start() <= c.start + 2 or m.end() >= c.end - 2:
                new_contents.append(c)
                continue
            head = _strip_span(text, c.start, m.start(), keep_quotes=False)
            tail = _strip_span(text, m.end(), c.end)
            if head is None or tail is None:
                new_contents.append(c)
                continue
            new_contents.append(head)
            pc = Span(m.start(1), m.end(), text[m.start(1):m.end()])
            extra.append((None, pc, [tail]))
        out.append((src, cue, new_contents))
        out.extend(extra)
    if sentences:
        # A participle cue the tagger left untagged, after an attribution in its sentence.
        covered = sorted((sp.start, sp.end) for t in out for sp in (t[1], *t[2], *(t[:1] if t[0] else ())))
        sentence_of = _sentence_finder(sentences)
        # The earliest cue end of each sentence's attributions: "an attribution of the
        # sentence whose cue ends before m" is then one comparison (kept up to date as cues
        # are added below, each in the sentence it was found in).
        first_end: dict[int, int] = {}
        for t in out:
            k = sentence_of(t[1].start)
            first_end[k] = min(first_end.get(k, t[1].end), t[1].end)
        for sid in set(first_end):
            sent = sentences[sid]
            for m in rx.finditer(text, sent.start, sent.end):
                if any(a < m.end() and m.start() < b for a, b in covered):
                    continue
                if first_end[sid] > m.start():
                    continue
                tail = _strip_span(text, m.end(), sent.end)
                if tail is not None and len(tail.text) >= 8:
                    cue = Span(m.start(1), m.end(), text[m.start(1):m.end()])
                    out.append((None, cue, [tail]))
                    k = sentence_of(cue.start)
                    first_end[k] = min(first_end.get(k, cue.end), cue.end)
        out.sort(key=lambda t: t[1].start)
    return out
