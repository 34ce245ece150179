"""Actors mentioned as sources or subjects, and their canonical names.

* ``canonicalize("the Hamas-run Health Ministry in Gaza") -> ("Gaza Health Ministry",
  "Hamas-run")``: descriptors (``lexicon/descriptors.tsv``) are split off, the rest is matched
  against the alias registry (``lexicon/actors.csv``, extensible with :func:`load_aliases`)
  as a bag of normalised words, so word order, "Ministry of Health" / "Health Ministry",
  possessives and "Palestinian" / "Strip" do not matter; a close spelling variant is caught
  by a rapidfuzz comparison with an explicit scorer and cutoff.
* ``extract_actors(text, sentences)`` finds registry aliases, names introduced with a role
  ("Abu Hamza, who speaks for the al-Quds Brigades"; "Salama Maarouf, the head of the Hamas
  office in Gaza"; "Prime Minister Benjamin Netanyahu") and attribution sources that are
  names, with type, role, affiliation and descriptor.
* ``group_aliases(mentions)`` groups spelling variants across a corpus for the matcher.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from provenance.models import Actor, Sentence

VERSION = "2"

#: Default fuzzy settings (named so a report can record them).
FUZZY_SCORER: Callable[..., float] = fuzz.token_sort_ratio
FUZZY_CUTOFF = 92.0

_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
# Words that never distinguish two actors' names once the rest agrees.
_OPTIONAL = frozenset({"the", "of", "in", "for", "strip", "s", "based", "and", "on"})
_WORD = re.compile(r"[\w]+(?:[-'’.][\w]+)*\.?")
_APOS = re.compile(r"[’']s\b")


@dataclass(frozen=True)
class ActorEntry:
    """One row of the alias registry."""

    canonical: str
    type: str
    aliases: tuple[str, ...]
    affiliation: str | None


def _key(s: str) -> frozenset[str]:
    """Bag-of-words key of a name: lower case, no possessive, synonyms folded, fillers dropped."""
    s = _APOS.sub("", s.replace("’", "'"))
    s = s.replace("U.N.", "UN").replace("U.S.", "US")
    words = []
    for w in re.findall(r"[\w]+", s.lower()):
        w = {"gazan": "gaza", "israel": "israeli", "defence": "defense", "organisation": "organization",
             "programme": "program", "health's": "health"}.get(w, w)
        if w in _OPTIONAL:
            continue
        words.append(w)
    return frozenset(words)


def _read_registry(text: str) -> list[ActorEntry]:
    """Parse an actors.csv text (comment lines start with ``#``)."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    rows = csv.DictReader(io.StringIO("\n".join(lines)))
    out = []
    for r in rows:
        canonical = (r.get("canonical") or "").strip()
        if not canonical:
            continue
        aliases = tuple(a.strip() for a in (r.get("aliases") or "").split("|") if a.strip())
        out.append(ActorEntry(canonical, (r.get("type") or "other").strip() or "other",
                              tuple(dict.fromkeys((canonical,) + aliases)),
                              (r.get("affiliation") or "").strip() or None))
    return out


class Registry:
    """The alias registry: canonical actors and the bag-of-words keys of their aliases.

    Args:
        entries: Registry rows; later rows override earlier ones for the same alias.
    """

    def __init__(self, entries: Iterable[ActorEntry]) -> None:
        self.entries: dict[str, ActorEntry] = {}
        self.by_key: dict[frozenset[str], str] = {}
        self.case_sensitive: dict[str, str] = {}
        for e in entries:
            self.add(e)

    def add(self, e: ActorEntry) -> None:
        """Add or replace an actor and its aliases."""
        self.entries[e.canonical] = e
        for a in e.aliases:
            if a.isupper() and len(a) <= 6:
                self.case_sensitive[a.replace(".", "")] = e.canonical
            else:
                k = _key(a)
                if k:
                    self.by_key[k] = e.canonical
        _alias_regex.cache_clear()
        _alias_first_words.cache_clear()
        _alias_start_regex.cache_clear()
        _fuzzy_choices.cache_clear()

    def lookup(self, name: str) -> str | None:
        """Canonical name for ``name`` by exact alias key, or None."""
        stripped = name.strip(" .,'\"“”")
        if stripped.isupper() and len(stripped) <= 6:  # an acronym: case-sensitive, dots ignored
            return self.case_sensitive.get(stripped.replace(".", ""))
        return self.by_key.get(_key(name))


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The packaged alias registry (``lexicon/actors.csv``) plus files added by load_aliases."""
    raw = resources.files("provenance.extract.lexicon").joinpath("actors.csv").read_text("utf-8")
    return Registry(_read_registry(raw))


def reset_registry() -> None:
    """Forget aliases added by load_aliases: back to the packaged registry (tests use it)."""
    registry.cache_clear()
    _alias_regex.cache_clear()
    _alias_first_words.cache_clear()
    _alias_start_regex.cache_clear()
    _fuzzy_choices.cache_clear()
    canonicalize.cache_clear()


def load_aliases(path: str | Path) -> int:
    """Extend the registry with a user file in the format of ``lexicon/actors.csv``.

    Args:
        path: A CSV with columns canonical, type, aliases (``|``-separated), affiliation.

    Returns:
        The number of actors read.

    Raises:
        FileNotFoundError: When ``path`` does not exist.
    """
    entries = _read_registry(Path(path).read_text("utf-8"))
    reg = registry()
    for e in entries:
        old = reg.entries.get(e.canonical)
        if old:
            e = ActorEntry(e.canonical, e.type, tuple(dict.fromkeys(old.aliases + e.aliases)),
                           e.affiliation or old.affiliation)
        reg.add(e)
    canonicalize.cache_clear()
    return len(entries)


@lru_cache(maxsize=8)
def _lexicon_rows(name: str) -> list[list[str]]:
    """Rows of a TSV lexicon file, header and comments skipped."""
    raw = resources.files("provenance.extract.lexicon").joinpath(name).read_text("utf-8")
    rows = [ln.split("\t") for ln in raw.splitlines() if ln.strip() and not ln.startswith("#")]
    return rows[1:]


@lru_cache(maxsize=1)
def _descriptor_regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(hyphenated suffix descriptor, characterising words) patterns from descriptors.tsv."""
    rows = _lexicon_rows("descriptors.tsv")
    suffixes = [r[1] for r in rows if r[0] == "suffix"]
    words = sorted((r[1] for r in rows if r[0] == "word"), key=len, reverse=True)
    suf = re.compile(r"\b((?:[A-Z][\w.]*[- ])*[A-Z][\w.]*)[-‑–](" + "|".join(suffixes) + r")\b")
    wrd = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", re.IGNORECASE)
    return suf, wrd


@lru_cache(maxsize=1)
def _types() -> tuple[dict[str, str], dict[str, str]]:
    """(head word -> actor type, role phrase -> role) from actors_types.tsv."""
    types: dict[str, str] = {}
    roles: dict[str, str] = {}
    for kind, word, value in (r[:3] for r in _lexicon_rows("actors_types.tsv")):
        if kind == "type":
            types[word] = value
        elif kind == "role":
            roles[word] = value
    return types, roles


def split_descriptor(mention: str) -> tuple[str, str | None]:
    """Split a mention into (name without descriptors, descriptor as written or None).

    Examples:
        >>> split_descriptor("the Hamas-run Health Ministry in Gaza")
        ('the Health Ministry in Gaza', 'Hamas-run')
    """
    suf, wrd = _descriptor_regexes()
    found: list[tuple[int, int, str]] = []
    for m in suf.finditer(mention):
        start = m.start()
        lead = re.match(r"(?:the|a|an)\s+", m.group(0), re.IGNORECASE)  # "The Hamas-run": not the owner
        if lead:
            start += lead.end()
        found.append((start, m.end(), mention[start:m.end()]))
    name = mention
    for m in wrd.finditer(mention):
        if any(a <= m.start() < b for a, b, _ in found):
            continue
        rest = (mention[:m.start()] + mention[m.end():]).strip()
        if not _key(rest):  # the descriptor word is the whole name ("the militants")
            continue
        found.append((m.start(), m.end(), m.group(0)))
    if not found:
        return mention, None
    found.sort()
    for a, b, _ in reversed(found):
        name = name[:a] + name[b:]
    name = re.sub(r"\s{2,}", " ", name).strip(" ,")
    return name, ", ".join(t for _, _, t in found)


@lru_cache(maxsize=1)
def _fuzzy_choices() -> dict[str, str]:
    """Sorted alias strings -> canonical, the choices of the fuzzy fallback."""
    reg = registry()
    return {" ".join(sorted(k)): c for k, c in reg.by_key.items() if len(" ".join(k)) >= 6}


def _clean(mention: str) -> str:
    """Strip quotes, determiners, a trailing possessive and punctuation from a mention."""
    m = mention.strip().strip("\"“”‘’'.,;:()").strip()
    m = _APOS.sub("", m) if m.endswith(("'s", "’s")) else m
    words = m.split()
    while words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    return " ".join(words)


@lru_cache(maxsize=1)
def _titles() -> frozenset[str]:
    """Titles and honorifics (actors_types.tsv, kind ``title``) stripped before a name."""
    return frozenset(r[1] for r in _lexicon_rows("actors_types.tsv") if r[0] == "title")


def _strip_titles(name: str) -> str:
    """"Mr. Trump" -> "Trump", "Rear Adm. Daniel Hagari" -> "Daniel Hagari" (a name must remain)."""
    words = name.split()
    i = 0
    while i < len(words) - 1 and words[i].rstrip(".").lower() in _titles() and words[i][:1].isupper():
        i += 1
    return " ".join(words[i:])


@lru_cache(maxsize=50_000)
def canonicalize(mention: str) -> tuple[str | None, str | None]:
    """Canonical actor name and descriptor for a source mention as written.

    The descriptor is split off first ("Hamas-run", "militant group"); the remaining name is
    looked up in the alias registry by its bag of normalised words, then with the
    descriptor's name ("Hamas-run health ministry" -> "Hamas health ministry"), then by a
    fuzzy comparison (``FUZZY_SCORER`` >= ``FUZZY_CUTOFF``) against the registry's aliases.
    A mention that is a capitalised name unknown to the registry is its own canonical name;
    pronouns and common nouns ("he", "officials") have none (see ``coref``).

    Args:
        mention: A source as written, e.g. "the Hamas-run Health Ministry in Gaza".

    Returns:
        ``(canonical, descriptor)``, e.g. ``("Gaza Health Ministry", "Hamas-run")``; either is
        None when unknown.

    Examples:
        >>> canonicalize("Gaza's health ministry")
        ('Gaza Health Ministry', None)
        >>> canonicalize("the Palestinian Ministry of Health in Gaza")
        ('Gaza Health Ministry', None)
        >>> canonicalize("Islamic Jihad")
        ('Palestinian Islamic Jihad', None)
    """
    if not mention or not mention.strip():
        return None, None
    reg = registry()
    name, descriptor = split_descriptor(mention)
    name = _clean(name)
    if not name:
        return None, descriptor
    hit = reg.lookup(name)
    if hit is None and descriptor:
        owner = re.split(r"[-‑–]", descriptor.split(",")[0])[0]
        hit = reg.lookup(owner + " " + name) if owner and owner[0].isupper() else None
    if hit is None:
        k = " ".join(sorted(_key(name)))
        if len(k) >= 6:
            m = process.extractOne(k, _fuzzy_choices(), scorer=FUZZY_SCORER, processor=None,
                                   score_cutoff=FUZZY_CUTOFF)
            if m is not None:
                hit = m[0] if isinstance(m[0], str) and m[0] in reg.entries else _fuzzy_choices()[m[2]]
    if hit is not None:
        return hit, descriptor
    if _is_name(name):
        bare = _strip_titles(name)
        if len(bare.split()) == 1 and bare.rstrip(".").lower() in _titles():
            return None, descriptor  # "President" alone names nobody in particular
        return (reg.lookup(bare) or bare), descriptor
    return None, descriptor


_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.\-]*|al-\w+|el-\w+|(?:al|el|bin|ibn|abu|de|van|von|la|du|der|of|the|for|and))$")


def _is_name(name: str) -> bool:
    """True for a capitalised proper name ("Salama Maarouf", "Fox News"), not "He" or "Officials"."""
    words = name.split()
    if not words or not words[0][0].isupper() or len(name) > 80:
        return False
    if len(words) == 1 and words[0].lower() in _pronouns():  # pronouns and generic nouns
        return False
    return all(_NAME_WORD.match(w) for w in words) and any(w[0].isupper() for w in words)


@lru_cache(maxsize=1)
def _pronouns() -> dict[str, str]:
    """Pronoun -> target kind from pronouns.tsv."""
    return {r[0]: r[1] for r in _lexicon_rows("pronouns.tsv")}


def actor_type(canonical: str | None, mention: str) -> str:
    """The actor type: from the registry, else from a head word, else person for a name."""
    reg = registry()
    if canonical and canonical in reg.entries:
        return reg.entries[canonical].type
    types, _ = _types()
    words = [w.lower() for w in re.findall(r"[\w]+", mention)]
    for w in reversed(words):
        if w in types:
            return types[w]
    if canonical and _is_name(canonical) and 2 <= len(canonical.split()) <= 4:
        return "person"
    return "other"


@lru_cache(maxsize=1)
def _role_regex() -> re.Pattern[str]:
    """One pattern over every role phrase of actors_types.tsv, longest first."""
    _, roles = _types()
    words = sorted(roles, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


def role_of(phrase: str) -> str | None:
    """The first role a phrase names ("a spokesman for ..." -> "spokesman"), or None."""
    m = _role_regex().search(phrase)
    return _types()[1][m.group(1).lower()] if m else None


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
_ROLE_BEFORE = re.compile(
    r"\b(?P<role>spokesman|spokeswoman|spokesperson|Prime\s+Minister|President|Minister|Secretary|"
    r"Secretary-General|Director-General|leader|official|chief|commander|Rear\s+Adm\.|Lt\.\s+Col\.|Gen\.)"
    r"\s+(?=[A-Z])"
)
_ORG_WORDS_BEFORE = re.compile(r"(?:(?:[A-Z][\w'’\-.]*|of|the)\s+){1,5}$")
_WORD_START = re.compile(r"(?<![\w-])[A-Za-z]")


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
def _alias_regex() -> re.Pattern[str]:
    """Every registry alias in one trie-shaped pattern, with an optional descriptor prefix."""
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
    suffixes = "|".join(r[1] for r in _lexicon_rows("descriptors.tsv") if r[0] == "suffix")
    desc = r"(?:[A-Z][\w]*[-‑](?:" + suffixes + r")\s+)?"
    pat = (r"(?<![\w-])(?:(?:the|The)\s+)?" + desc + r"(?:(?i:" + _trie_pattern(ci, fold=True) + r")|"
           + _trie_pattern(cs, fold=False) + r")(?![\w-])")
    return re.compile(pat)


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
    """On lower-cased text: word starts (as ``_WORD_START``) followed by the first three
    letters of an alias (a two-level alternation: first letter, then the other two)."""
    by_first: dict[str, list[str]] = {}
    for p in _alias_first_words():
        if len(p) == 3 and "a" <= p[0] <= "z":
            by_first.setdefault(p[0], []).append(re.escape(p[1:]))
    alts = "|".join(re.escape(c) + "(?:" + "|".join(sorted(r)) + ")" for c, r in sorted(by_first.items()))
    return re.compile(r"(?<![\w-])(?=(?:" + alts + "))")


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
    for m in _ROLE_BEFORE.finditer(text):
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
    # letters (found by one regex scan, not a Python loop over every word).
    rx = _alias_regex()
    lowered = text.lower()
    if len(lowered) == len(text):
        starts = [w.start() for w in _alias_start_regex().finditer(lowered)]
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


# ------------------------------------------------------------------------- corpus grouping


def group_aliases(
    mentions: Iterable[str],
    *,
    scorer: Callable[..., float] = fuzz.token_sort_ratio,
    processor: Callable[[str], str] | None = None,
    score_cutoff: float = 90.0,
    use_registry: bool = True,
    surname_match: bool = True,
) -> dict[str, str]:
    """Group actor mentions across a corpus: mention -> canonical group name.

    Registry names are resolved first (structured before fuzzy). The remaining names are
    grouped by leader clustering, most frequent first: a name joins the first leader scoring
    at least ``score_cutoff`` under ``scorer`` (applied to ``processor(name)``) whose digits
    agree; with ``surname_match`` a one-word name joins the single multi-word leader it is the
    last word of ("Maarouf" -> "Salama Maarouf").

    Args:
        mentions: Mentions as written (repeats count towards frequency).
        scorer: A rapidfuzz scorer, e.g. ``fuzz.token_sort_ratio`` or ``fuzz.ratio``.
        processor: Preprocessing applied to both sides before scoring; None compares the
            names after :func:`canonicalize`'s cleaning only.
        score_cutoff: Minimum score (0-100) to join a group.
        use_registry: Resolve registry aliases before fuzzy grouping.
        surname_match: Let a bare surname join the one full name that ends with it.

    Returns:
        A dict from every distinct mention to its group's canonical name (the registry's
        canonical name, else the group's most frequent spelling).

    Examples:
        >>> g = group_aliases(["Mohammed Abu Salmiya", "Mohammed Abu Salmiyah", "Gaza's health ministry"])
        >>> g["Mohammed Abu Salmiyah"], g["Gaza's health ministry"]
        ('Mohammed Abu Salmiya', 'Gaza Health Ministry')
    """
    counts = Counter(m for m in mentions if m and m.strip())
    out: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for m in counts:
        if use_registry:
            canon, _ = canonicalize(m)
            if canon and canon in registry().entries:
                out[m] = canon
                continue
        name, _ = split_descriptor(m)
        cleaned[m] = _clean(name)
    by_name: Counter[str] = Counter()
    for m, c in cleaned.items():
        by_name[c] += counts[m]
    leaders: list[str] = []
    proc: list[str] = []
    assign: dict[str, str] = {}
    digits = re.compile(r"\d+")
    for name, _ in sorted(by_name.items(), key=lambda kv: (-kv[1], kv[0])):
        p = processor(name) if processor else name
        target = None
        if leaders and p:
            for choice, score, idx in process.extract(p, proc, scorer=scorer, processor=None,
                                                      score_cutoff=score_cutoff, limit=5):
                del choice, score
                if digits.findall(name) == digits.findall(leaders[idx]):
                    target = leaders[idx]
                    break
        if target is None:
            leaders.append(name)
            proc.append(p)
            target = name
        assign[name] = target
    if surname_match:
        # A one-word leader joins the single multi-word leader it is the last word of.
        multi: dict[str, list[str]] = {}
        for ld in leaders:
            if len(ld.split()) > 1:
                multi.setdefault(ld.split()[-1].lower(), []).append(ld)
        for ld in leaders:
            cands = multi.get(ld.lower(), []) if len(ld.split()) == 1 else []
            if len(cands) == 1:
                for name, tgt in assign.items():
                    if tgt == ld:
                        assign[name] = cands[0]
    for m, c in cleaned.items():
        out[m] = assign.get(c, c)
    return out


def registry_entry(canonical: str) -> ActorEntry | None:
    """The registry row of a canonical actor, or None."""
    return registry().entries.get(canonical)

