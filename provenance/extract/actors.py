"""Actor mentions in a text: registry aliases, names introduced with a role, named sources.

``extract_actors(text, sentences)`` finds registry aliases, names introduced with a role
("Abu Hamza, who speaks for the al-Quds Brigades"; "Salama Maarouf, the head of the Hamas
office in Gaza"; "Prime Minister Benjamin Netanyahu") and attribution sources that are
names, with type, role, affiliation and descriptor.

Canonical names, the alias registry, descriptors and corpus grouping live in
``actor_registry``; its public names are re-exported here (``actors.canonicalize``,
``actors.load_aliases``, ``actors.group_aliases``, ...).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from provenance.extract import actor_registry as _registry
from provenance.extract.actor_registry import (
    FUZZY_CUTOFF,
    FUZZY_SCORER,
    ActorEntry,
    Registry,
    _clean,
    _lexicon_rows,
    _pronouns,
    actor_type,
    alias_text_digest,
    canonicalize,
    group_aliases,
    load_alias_text,
    load_aliases,
    registry,
    registry_entry,
    reset_registry,
    role_of,
    split_descriptor,
    user_alias_digests,
    user_aliases_digest,
)
from provenance.extract.literal_scan import LiteralSet
from provenance.models import Actor, Sentence

VERSION = "2"

__all__ = [
    "FUZZY_CUTOFF",
    "FUZZY_SCORER",
    "VERSION",
    "ActorEntry",
    "Registry",
    "actor_type",
    "alias_text_digest",
    "canonicalize",
    "extract_actors",
    "group_aliases",
    "load_alias_text",
    "load_aliases",
    "registry",
    "registry_entry",
    "reset_registry",
    "role_of",
    "split_descriptor",
    "user_alias_digests",
    "user_aliases_digest",
]

# ----------------------------------------------------------------------------- extraction

_NAME = r"(?:[A-Z][\w'’\-]+|(?:al|el)-[A-Z][\w\-]+)(?:[ \-](?:(?:al|el|bin|ibn|abu|de|van|von|du)[ \-])?(?:[A-Z][\w'’\-]+|(?:al|el)-[A-Z][\w\-]+))*"
_NAME_END = re.compile("(?:" + _NAME + r")$")
_NAME_START = re.compile(_NAME)
_ROLES_RX = (r"spokesman|spokeswoman|spokesperson|head|chief|leader|director|director-general|minister|"
             r"president|official|commander|secretary|secretary-general|ambassador|envoy|chairman|founder|"
             r"adviser|advisor|member|negotiator|representative|officer|deputy head|deputy")
# "Abu Hamza, who speaks for the al-Quds Brigades"; "Salama Maarouf, the head of the Hamas
# office in Gaza"; "Ashraf al-Qudra, a spokesman for the ministry". Matched from the comma
# (a literal, so the scan is fast); the name is then read backwards from the comma.
_APPOSITIVE = re.compile(
    r",\s+(?:who\s+(?P<verb>speaks|spoke)\s+for|(?:the|a|an)\s+(?P<role>(?:[\w\-]+\s+){0,2}?"
    r"(?:" + _ROLES_RX + r"))\s+(?:of|for|at|in|to)\s+)"
    r"(?P<org>(?:the\s+)?[^,.;:\"“”()\n]{2,80}?)(?=\s*(?:[,.;:\"“”()]|\s+(?:said|says|told|added|has|had|was|is)\b|$))"
)
# "Hamas spokesman Abu Obeida"; "Prime Minister Benjamin Netanyahu"; "IDF spokesman Daniel Hagari".
# No leading \b: a pattern that starts with the alternation scans twice as fast; the word
# start is checked on each match (``_word_start``).
_ROLE_BEFORE = re.compile(
    r"(?P<role>spokesman|spokeswoman|spokesperson|Prime\s+Minister|President|Minister|Secretary|"
    r"Secretary-General|Director-General|leader|official|chief|commander|Rear\s+Adm\.|Lt\.\s+Col\.|Gen\.)"
    r"\s+(?=[A-Z])"
)
# Every match of _ROLE_BEFORE starts with one of these (its alternatives' literal starts):
# ``LiteralSet`` locates them in one pass, faster than the pattern's scan, which tests a set
# of eleven first letters (four of them common lower-case ones) at every position.
_ROLE_LITERALS = ("spokes", "Prime", "President", "Minister", "Secretary", "Director-General", "leader",
                  "official", "chief", "commander", "Rear", "Lt.", "Gen.")
_ORG_WORDS_BEFORE = re.compile(r"(?:(?:[A-Z][\w'’\-.]*|of|the)\s+){1,5}$")
_WORD_START = re.compile(r"(?<![\w-])[A-Za-z]")


def _word_start(text: str, i: int) -> bool:
    """True when no word character (``\\w``: alphanumeric or underscore) precedes offset ``i``."""
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")


def _trie_pattern(words: Iterable[str], *, fold: bool) -> str:
    """A regex matching any of ``words``, built as a trie so matching is one pass per position.

    Spaces match any run of whitespace and apostrophes either form; with ``fold`` the trie is
    built on lower-cased words (the caller compiles the pattern case-insensitively).
    """
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in (w.lower() if fold else w):
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = []
        end = "" in node
        for ch, sub in sorted(node.items()):
            if ch == "":
                continue
            piece = r"\s+" if ch == " " else "['’]" if ch in "'’" else re.escape(ch)
            alts.append(piece + emit(sub))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if end else body

    return emit(trie)


@lru_cache(maxsize=1)
def _alias_cores() -> tuple[frozenset[str], frozenset[str]]:
    """The aliases the alias pattern matches: (case-insensitive, case-sensitive acronyms)."""
    reg = registry()
    ci: set[str] = set()
    cs: set[str] = set()
    for e in reg.entries.values():
        for a in e.aliases:
            if len(a) < 3 and not a.isupper():
                continue
            (cs if a.isupper() and len(a) <= 6 else ci).add(a)
            if not a.isupper() and " of " in a:  # "military wing of the Islamic Jihad"
                ci.add(a.replace(" of ", " of the "))
    return frozenset(ci), frozenset(cs)


@lru_cache(maxsize=1)
def _descriptor_suffixes() -> str:
    """The descriptor suffixes ("run", "backed", ...) as a regex alternation."""
    return "|".join(r[1] for r in _lexicon_rows("descriptors.tsv") if r[0] == "suffix")


@lru_cache(maxsize=1)
def _alias_regex() -> re.Pattern[str]:
    """Every registry alias in one trie-shaped pattern, with an optional descriptor prefix."""
    ci, cs = _alias_cores()
    desc = r"(?:[A-Z][\w]*[-‑](?:" + _descriptor_suffixes() + r")\s+)?"
    pat = (r"(?<![\w-])(?:(?:the|The)\s+)?" + desc + r"(?:(?i:" + _trie_pattern(ci, fold=True) + r")|"
           + _trie_pattern(cs, fold=False) + r")(?![\w-])")
    return re.compile(pat)


_ASCII_NON_WORD = frozenset(chr(c) for c in range(128) if not (chr(c).isalnum() or c in (45, 95)))  # not [\w-]


class _AliasKeys:
    """The lower-cased four characters an alias can begin with, in ASCII text (``k in keys``).

    An alias's characters up to its first space or apostrophe (the pattern is looser there:
    any whitespace run, either apostrophe), at most four; a shorter key stands for itself
    followed by a character that is not ``[\\w-]`` (the space, apostrophe or alias end), then
    any ASCII characters. Case-sensitive aliases are lower-cased too (a superset). Tested by
    membership rather than listing every completion of a short key (listing them cost ~6 s
    at each process's first article).

    Raises:
        ValueError: An alias begins with a space or an apostrophe.
    """

    def __init__(self, aliases: Iterable[str]) -> None:
        self.full: set[str] = set()
        self.short: tuple[set[str], ...] = (set(), set(), set(), set())  # by key length 1-3
        for a in aliases:
            low = a.lower()
            n = next((i for i, ch in enumerate(low[:4]) if ch.isspace() or ch in "'’"), min(4, len(low)))
            if n == 0:
                raise ValueError(a)  # cannot begin a word: ``_alias_index`` gives no keys then
            (self.full if n == 4 else self.short[n]).add(low[:n])

    def __contains__(self, k: object) -> bool:
        if not isinstance(k, str):
            return False
        if k in self.full:
            return True
        for n in (1, 2, 3):
            if len(k) >= n and k[:n] in self.short[n] and (
                    len(k) == n or (k[n] in _ASCII_NON_WORD and k[n + 1:].isascii())):
                return True
        return False


@lru_cache(maxsize=1)
def _alias_index() -> tuple[_AliasKeys, _AliasKeys] | None:
    """``_AliasKeys`` of the alias cores at a candidate itself and after a leading "the".

    An alias written with its article ("the UN") is keyed by what follows "the " and only
    after a "the": its own key would let every "the" through.
    """
    ci, cs = _alias_cores()
    own: list[str] = []
    rest: list[str] = []
    for a in (*ci, *cs):
        the = _THE_ALIAS.match(a)
        if the:
            rest.append(a[the.end():])
        else:
            own.append(a)
    try:
        return _AliasKeys(own), _AliasKeys([*own, *rest])
    except ValueError:  # an alias starting with a space or an apostrophe: try every candidate
        return None


_THE_ALIAS = re.compile(r"the\s+", re.IGNORECASE)


@lru_cache(maxsize=1)
def _descriptor_tail() -> re.Pattern[str]:
    """A descriptor's hyphen and suffix ("-run "); the pattern starts with a literal, which
    the regex engine scans for fast (a two-character set would be tested at every position)."""
    return re.compile(r"-(?:" + _descriptor_suffixes() + r")\s")


def _descriptor_starts(text: str) -> set[int]:
    """Offsets where the alias pattern's descriptor ``[A-Z]\\w*[-‑](suffix)\\s`` can start: the
    first character of the word run before each descriptor hyphen, when it is A-Z."""
    out: set[int] = set()
    hyphens = text.replace("‑", "-") if "‑" in text else text  # same length, same offsets
    for h in (m.start() for m in _descriptor_tail().finditer(hyphens)):
        i = h
        while i and (text[i - 1].isalnum() or text[i - 1] == "_"):
            i -= 1
        if i < h and "A" <= text[i] <= "Z":
            out.add(i)
    return out


@lru_cache(maxsize=1)
def _alias_first_words() -> frozenset[str]:
    """First three letters (lower case) of every alias, of "the" and of descriptor prefixes."""
    reg = registry()
    out = {"the"}
    for e in reg.entries.values():
        for a in e.aliases:
            out.add(a[:3].lower())
    return frozenset(out)


@lru_cache(maxsize=1)
def _alias_start_regex() -> re.Pattern[str]:
    """On lower-cased text with one character put in front: the character before a word start
    (as ``_WORD_START``) followed by the first three letters of an alias (a two-level
    alternation: first letter, then the other two); ``m.start()`` is then the word start in
    the text itself. Matching the character before the word instead of a lookbehind at every
    position is a fifth faster."""
    by_first: dict[str, list[str]] = {}
    for p in _alias_first_words():
        if len(p) == 3 and "a" <= p[0] <= "z":
            by_first.setdefault(p[0], []).append(re.escape(p[1:]))
    alts = "|".join(re.escape(c) + "(?:" + "|".join(sorted(r)) + ")" for c, r in sorted(by_first.items()))
    return re.compile(r"[^\w-](?=(?:" + alts + "))")


@lru_cache(maxsize=1)
def _alias_start_keys() -> Any:
    """The three-letter alias starts of ``_alias_start_regex`` packed for
    ``attribution_jit.alias_starts`` (sorted int64 array)."""
    import numpy as np

    keys = sorted((ord(p[0]) << 42) | (ord(p[1]) << 21) | ord(p[2]) for p in _alias_first_words()
                  if len(p) == 3 and "a" <= p[0] <= "z")
    return np.array(keys, dtype=np.int64)


def _alias_starts(lowered: str) -> list[int]:
    """Offsets where ``_alias_start_regex`` matches in ``lowered`` (the same positions):
    with numba, one compiled pass over the code points (a sixth of the regex scan's time)."""
    from provenance.extract import attribution_decoder as dec

    if dec.USE_JIT:
        jit = dec.jit
        codes = jit.code_points(lowered)
        return jit.alias_starts(codes, jit.ASCII_CLASS, *jit.char_classes(codes), _alias_start_keys()).tolist()
    return [w.start() for w in _alias_start_regex().finditer(" " + lowered)]


def _key_filter(text: str, lowered: str, starts: list[int], own: _AliasKeys, after_the: _AliasKeys) -> list[int]:
    """The candidate ``starts`` where an alias can begin: their first four characters can begin
    one (``own``), or after "the " the next word's can (``after_the``; most candidates are a
    "the"), or a descriptor ("Hamas-run") starts there. ``lowered`` has the length of ``text``.
    ``_filtered_alias_starts`` is the compiled version."""
    # ``k in own`` inlined for the common miss: a key is in ``own`` only if it is a full
    # key or begins with a short one (same answer without a Python call per candidate).
    own_full, (_, own1, own2, own3) = own.full, own.short
    descs: set[int] | None = None
    kept: list[int] = []
    for pos in starts:
        k = lowered[pos:pos + 4]
        if k in own_full or ((k[:1] in own1 or k[:2] in own2 or k[:3] in own3) and k in own):
            kept.append(pos)
            continue
        if k == "the ":  # most candidates: keep those followed by an alias's first letters
            q = pos + 4
            k = lowered[q:q + 4]
            if k in after_the or not k.isascii() or k[:1].isspace():
                kept.append(pos)
                continue
        elif not k.isascii() or k[:3] == "the" and k[3:].isspace():  # case-insensitive matches of "ſ", "ı", ...: tried as is
            kept.append(pos)
            continue
        else:
            q = pos
        if "A" <= text[q:q + 1] <= "Z":  # a descriptor ("Hamas-run") can start here
            if descs is None:
                descs = _descriptor_starts(text)
            if q in descs:
                kept.append(pos)
    return kept


def _use_jit() -> bool:
    """Whether the compiled scans run (numba installed and ``attribution_decoder.USE_JIT``)."""
    from provenance.extract import attribution_decoder as dec

    return bool(dec.USE_JIT)


@lru_cache(maxsize=1)
def _packed_alias_keys() -> tuple[Any, Any]:
    """``_alias_index``'s two key sets packed for ``actor_jit.alias_filter``."""
    from provenance.extract import actor_jit

    index = _alias_index()
    if index is None:
        raise ValueError("no alias index")
    own, after_the = index
    return actor_jit.packed_keys(own.full, own.short), actor_jit.packed_keys(after_the.full, after_the.short)


def _filtered_alias_starts(text: str, lowered: str) -> list[int]:
    """``_alias_starts`` kept by the key filter of ``extract_actors`` (the Python loop there,
    compiled: ``actor_jit.alias_filter``); ``lowered`` has the length of ``text``."""
    import numpy as np

    from provenance.extract import actor_jit
    from provenance.extract import attribution_jit as jit

    low = jit.code_points(lowered)
    cands = jit.alias_starts(low, jit.ASCII_CLASS, *jit.char_classes(low), _alias_start_keys())
    own, after_the = _packed_alias_keys()
    flags, qs = actor_jit.alias_filter(low, jit.code_points(text), cands, jit.ASCII_CLASS, own, after_the)
    pending = np.flatnonzero(flags == 2)
    if len(pending):
        descs = _descriptor_starts(text)
        for i, q in zip(pending.tolist(), qs[pending].tolist()):
            if q in descs:
                flags[i] = 1
    out: list[int] = cands[flags == 1].tolist()
    return out


@lru_cache(maxsize=1)
def _role_literal_set() -> LiteralSet:
    """``_ROLE_LITERALS``, found in one pass over the text (``literal_scan``)."""
    return LiteralSet(_ROLE_LITERALS)


def _role_matches(text: str) -> list[re.Match[str]]:
    """``_ROLE_BEFORE.finditer(text)``: the pattern tried where a role literal occurs, left to
    right, skipping occurrences inside the previous match (as ``finditer`` does)."""
    out: list[re.Match[str]] = []
    end = 0
    for p in _role_literal_set().positions(text):
        if p < end:
            continue
        m = _ROLE_BEFORE.match(text, p)
        if m is not None:
            out.append(m)
            end = m.end()
    return out


def _affiliation(org_phrase: str) -> str | None:
    """Canonical (or cleaned) name of the body in an appositive's ``of/for`` phrase."""
    canon, _ = canonicalize(org_phrase)
    if canon:
        return canon
    cleaned = _clean(org_phrase)
    return cleaned or None


def extract_actors(
    text: str, sentences: Sequence[Sentence], *, with_sources: bool = True
) -> list[Actor]:
    """Find actor mentions in ``text``.

    Args:
        text: Article text.
        sentences: Sentence spans of ``text``.
        with_sources: Also add the attribution sources the tagger finds that are names
            (``attribution_tagger.tag_article``; the tags are reused by extract_attributions).

    Returns:
        Actor mentions ordered by offset, without overlaps (role patterns win over bare
        aliases, longer over shorter).
    """
    found: list[Actor] = []
    reg = registry()
    sources: list[tuple[int, int]] = []
    if with_sources:
        from provenance.extract.attribution_tagger import tag_article

        sources = [(s, e) for lab, s, e, _ in tag_article(text, sentences) if lab == "SRC"]
    # Names introduced with a role.
    for m in _APPOSITIVE.finditer(text):
        nm = _NAME_END.search(text, max(0, m.start() - 60), m.start())
        if nm is None or nm.group(0).split()[0].lower() in _pronouns():
            continue
        name = nm.group(0)
        role = "spokesman" if m.group("verb") else role_of(m.group("role") or "")
        aff = _affiliation(m.group("org"))
        canon = reg.lookup(name) or name
        found.append(Actor(nm.start(), nm.end(), name, canon, "person", role, aff, None))
    for m in _role_matches(text):
        if not _word_start(text, m.start()):
            continue
        nm = _NAME_START.match(text, m.end())
        if nm is None or nm.group(0).split()[0].lower() in _pronouns():
            continue
        name = nm.group(0)
        before = _ORG_WORDS_BEFORE.search(text, max(0, m.start() - 80), m.start())
        org = before.group(0).strip() if before else ""
        role = role_of(m.group("role")) or m.group("role").lower().rstrip(".")
        aff = _affiliation(org) if org and org[0].isupper() else None
        canon = reg.lookup(name) or name
        if canon in reg.entries and not aff:
            aff = reg.entries[canon].affiliation
        found.append(Actor(nm.start(), nm.end(), name, canon, "person", role, aff, None))
    # Registry aliases: try the trie pattern only where a word starts with an alias's first
    # letters (found by one scan, not a Python loop over every word), and there only when its
    # first four characters can begin an alias (``_AliasKeys``) or, after "the ", the next
    # word's can (most candidates are a "the"), or a descriptor ("Hamas-run") starts there.
    rx = _alias_regex()
    lowered = text.lower()
    index = _alias_index()
    if len(lowered) == len(text) and index is not None:
        starts = (_filtered_alias_starts(text, lowered) if _use_jit()
                  else _key_filter(text, lowered, _alias_starts(lowered), *index))
    elif len(lowered) == len(text):
        starts = _alias_starts(lowered)
    else:  # a character whose lower case is longer ("İ"): offsets would shift
        firsts = _alias_first_words()
        starts = [w.start() for w in _WORD_START.finditer(text) if text[w.start():w.start() + 3].lower() in firsts]
    for pos in starts:
        am = rx.match(text, pos)
        if am is None:
            continue
        mention = am.group(0)
        known, desc = canonicalize(mention)
        if known is None:
            continue
        e = reg.entries.get(known)
        found.append(Actor(am.start(), am.end(), mention, known, e.type if e else "other", None,
                           e.affiliation if e else None, desc))
    # Attribution sources that are names.
    for s, e_ in sources:
        mention = text[s:e_]
        if not mention[:1].isupper() or "," in mention or len(mention) > 60:
            continue  # pronouns, nominals and appositive-laden spans are coref's business
        named, desc = canonicalize(mention)
        if named is None:
            continue
        found.append(Actor(s, e_, mention, named, actor_type(named, mention), role_of(mention),
                           reg.entries[named].affiliation if named in reg.entries else None, desc))
    return _dedupe(found)


def _dedupe(actors: list[Actor]) -> list[Actor]:
    """Drop mentions overlapping an earlier-kept one (order of rules = priority), then sort."""
    kept: list[Actor] = []
    starts: list[int] = []
    ends: list[int] = []
    for a in actors:
        i = bisect.bisect_left(starts, a.end)
        # Kept spans are disjoint, so only the one starting just before a.end can overlap.
        if i and ends[i - 1] > a.start:
            continue
        kept.append(a)
        starts.insert(i, a.start)
        ends.insert(i, a.end)
    kept.sort(key=lambda a: (a.start, a.end))
    return kept


# Recognition caches built from the registry are rebuilt when it changes (load_aliases).
for _cache in (_alias_cores, _alias_regex, _alias_index, _alias_first_words, _alias_start_regex,
               _alias_start_keys, _packed_alias_keys):
    _registry.on_change(_cache.cache_clear)
