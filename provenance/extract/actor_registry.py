"""Canonical actor names: the alias registry, descriptors, types and roles, corpus grouping.

* ``canonicalize("the Hamas-run Health Ministry in Gaza") -> ("Gaza Health Ministry",
  "Hamas-run")``: descriptors (``lexicon/descriptors.tsv``) are split off, the rest is matched
  against the alias registry (``lexicon/actors.csv``, extensible with :func:`load_aliases`)
  as a bag of normalised words, so word order, "Ministry of Health" / "Health Ministry",
  possessives and "Palestinian" / "Strip" do not matter; a close spelling variant is caught
  by a rapidfuzz comparison with an explicit scorer and cutoff.
* ``actor_type``, ``role_of``: type and role words of ``lexicon/actors_types.tsv``.
* ``group_aliases(mentions)`` groups spelling variants across a corpus for the matcher.

Finding actor mentions in a text is ``actors.extract_actors`` (which re-exports this
module's public names, so ``actors.canonicalize`` keeps working).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from rapidfuzz import fuzz, process

#: Default fuzzy settings (named so a report can record them).
FUZZY_SCORER: Callable[..., float] = fuzz.token_sort_ratio
FUZZY_CUTOFF = 92.0

_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
# Words that never distinguish two actors' names once the rest agrees.
_OPTIONAL = frozenset({"the", "of", "in", "for", "strip", "s", "based", "and", "on"})
_APOS = re.compile(r"[’']s\b")
_WORD = re.compile(r"[\w]+")
_LEAD_ARTICLE = re.compile(r"(?:the|a|an)\s+", re.IGNORECASE)
_MULTI_SPACE = re.compile(r"\s{2,}")


@dataclass(frozen=True)
class ActorEntry:
    """One row of the alias registry."""

    canonical: str
    type: str
    aliases: tuple[str, ...]
    affiliation: str | None


# Spellings folded into one word of a key.
_SYNONYMS = {"gazan": "gaza", "israel": "israeli", "defence": "defense", "organisation": "organization",
             "programme": "program", "health's": "health"}


def _key(s: str) -> frozenset[str]:
    """Bag-of-words key of a name: lower case, no possessive, synonyms folded, fillers dropped."""
    # Each step only where it can change something (most names have no apostrophe or "U.").
    if "’" in s:
        s = s.replace("’", "'")
    if "'" in s:
        s = _APOS.sub("", s)
    if "U." in s:
        s = s.replace("U.N.", "UN").replace("U.S.", "US")
    words = _WORD.findall(s.lower())
    syn = _SYNONYMS.get
    return frozenset([syn(w, w) for w in words]) - _OPTIONAL


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
        _fuzzy_choices.cache_clear()
        _fuzzy_choices_near.cache_clear()
        _notify()

    def lookup(self, name: str) -> str | None:
        """Canonical name for ``name`` by exact alias key, or None."""
        return self._lookup(name)[0]

    def _lookup(self, name: str) -> tuple[str | None, frozenset[str] | None]:
        """``lookup``, and the name's alias key (None for an acronym, looked up as written)."""
        stripped = name.strip(" .,'\"“”")
        if stripped.isupper() and len(stripped) <= 6:  # an acronym: case-sensitive, dots ignored
            return self.case_sensitive.get(stripped.replace(".", "")), None
        key = _key(name)
        return self.by_key.get(key), key


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The packaged alias registry (``lexicon/actors.csv``) plus files added by load_aliases."""
    raw = resources.files("provenance.extract.lexicon").joinpath("actors.csv").read_text("utf-8")
    return Registry(_read_registry(raw))


def reset_registry() -> None:
    """Forget aliases added by load_aliases: back to the packaged registry (tests use it)."""
    _USER_FILES.clear()
    registry.cache_clear()
    _fuzzy_choices.cache_clear()
    _fuzzy_choices_near.cache_clear()
    canonicalize.cache_clear()
    _notify()


_LISTENERS: list[Callable[[], None]] = []


def on_change(callback: Callable[[], None]) -> None:
    """Call ``callback`` whenever the registry changes (recognisers clear their caches)."""
    _LISTENERS.append(callback)


def _notify() -> None:
    """Tell the listeners that the registry changed."""
    for cb in _LISTENERS:
        cb()


def load_aliases(path: str | Path) -> int:
    """Extend the registry with a user file in the format of ``lexicon/actors.csv``.

    Args:
        path: A CSV with columns canonical, type, aliases (``|``-separated), affiliation.

    Returns:
        The number of actors read.

    Raises:
        FileNotFoundError: When ``path`` does not exist.
    """
    return load_alias_text(Path(path).read_text("utf-8"))


#: Digest -> number of actors of each user alias file loaded into this process's registry,
#: in loading order.
_USER_FILES: dict[str, int] = {}


def alias_text_digest(text: str) -> str:
    """A short digest of a user alias file's content (what ``user_aliases_digest`` combines)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def load_alias_text(text: str) -> int:
    """Extend the registry with the content of a user alias file (see :func:`load_aliases`).

    Loading the same content twice in one process does nothing the second time, so extraction
    workers can be handed the files' contents with every task (``provenance.engine``).

    Returns:
        The number of actors in the file.
    """
    digest = alias_text_digest(text)
    if digest in _USER_FILES:  # checked before parsing: workers are handed the files with every task
        return _USER_FILES[digest]
    entries = _read_registry(text)
    _USER_FILES[digest] = len(entries)
    reg = registry()
    for e in entries:
        old = reg.entries.get(e.canonical)
        if old:
            e = ActorEntry(e.canonical, e.type, tuple(dict.fromkeys(old.aliases + e.aliases)),
                           e.affiliation or old.affiliation)
        reg.add(e)
    canonicalize.cache_clear()
    return len(entries)


def user_alias_digests() -> tuple[str, ...]:
    """Digests of the user alias files loaded in this process, in loading order."""
    return tuple(_USER_FILES)


def user_aliases_digest() -> str:
    """One digest of every user alias file loaded in this process ("" when none is):
    part of ``extractor_version``, so a store never reuses rows extracted under other aliases."""
    if not _USER_FILES:
        return ""
    return hashlib.sha1("|".join(_USER_FILES).encode("ascii")).hexdigest()[:8]


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
def _descriptor_word_needs() -> tuple[str, ...] | None:
    """Lower-cased descriptor words one of which is in every ASCII text the word pattern
    matches (a word holding another is left out: where it is, the other is too); None when a
    word is not ASCII (the pattern is then always run)."""
    words = {r[1].lower() for r in _lexicon_rows("descriptors.tsv") if r[0] == "word"}
    if not words or not all(w.isascii() for w in words):
        return None
    return tuple(sorted(w for w in words if not any(v != w and v in w for v in words)))


def _may_have_suffix_descriptor(mention: str) -> bool:
    """False only when the suffix pattern cannot match: every match holds one of its dashes."""
    return "-" in mention or "‑" in mention or "–" in mention


def _may_have_descriptor_word(mention: str) -> bool:
    """False only when the descriptor word pattern cannot match ``mention``: an ASCII text
    (IGNORECASE folds a few non-ASCII letters to ASCII ones) holding none of the words."""
    needs = _descriptor_word_needs()
    if needs is None or not mention.isascii():
        return True
    low = mention.lower()
    return any(w in low for w in needs)


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


@lru_cache(maxsize=50_000)  # depends on the lexicon only; sources repeat within and across articles
def split_descriptor(mention: str) -> tuple[str, str | None]:
    """Split a mention into (name without descriptors, descriptor as written or None).

    Examples:
        >>> split_descriptor("the Hamas-run Health Ministry in Gaza")
        ('the Health Ministry in Gaza', 'Hamas-run')
    """
    suf, wrd = _descriptor_regexes()
    found: list[tuple[int, int, str]] = []
    # Each pattern is run only on a mention holding what its matches need (a dash; one of the
    # descriptor words): most of a corpus's 200k distinct sources have neither.
    for m in suf.finditer(mention) if _may_have_suffix_descriptor(mention) else ():
        start = m.start()
        lead = _LEAD_ARTICLE.match(m.group(0))  # "The Hamas-run": not the owner
        if lead:
            start += lead.end()
        found.append((start, m.end(), mention[start:m.end()]))
    name = mention
    for m in wrd.finditer(mention) if _may_have_descriptor_word(mention) else ():
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
    name = _MULTI_SPACE.sub(" ", name).strip(" ,")
    return name, ", ".join(t for _, _, t in found)


@lru_cache(maxsize=1)
def _fuzzy_choices() -> dict[str, str]:
    """Sorted alias strings -> canonical, the choices of the fuzzy fallback."""
    reg = registry()
    return {" ".join(sorted(k)): c for k, c in reg.by_key.items() if len(" ".join(k)) >= 6}


@lru_cache(maxsize=512)
def _fuzzy_choices_near(n: int) -> dict[str, str]:
    """The choices of ``_fuzzy_choices`` (in their order) whose length lets a query of ``n``
    characters reach ``FUZZY_CUTOFF`` under ``ratio`` (``_length_range``): the others can
    never be the best match above the cutoff, so ``extractOne`` returns the same match."""
    lo, hi = _length_range(n, FUZZY_CUTOFF)
    return {k: c for k, c in _fuzzy_choices().items() if lo <= len(k) <= hi}


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
    canonical, descriptor, _ = _canonical_parts(mention)
    return canonical, descriptor


def _canonical_parts(mention: str) -> tuple[str | None, str | None, str]:
    """``canonicalize`` (not cached), and the mention's cleaned name without descriptors
    (``_clean(split_descriptor(mention)[0])``, "" for a blank mention), which
    ``group_aliases`` groups."""
    if not mention or not mention.strip():
        return None, None, ""
    reg = registry()
    name, descriptor = split_descriptor(mention)
    name = _clean(name)
    if not name:
        return None, descriptor, name
    hit, key = reg._lookup(name)
    if hit is None and descriptor:
        owner = re.split(r"[-‑–]", descriptor.split(",")[0])[0]
        hit = reg.lookup(owner + " " + name) if owner and owner[0].isupper() else None
    if hit is None:
        k = " ".join(sorted(key if key is not None else _key(name)))
        if len(k) >= 6:
            # Query and choices are token-sorted already: token_sort_ratio on them is ratio.
            scorer = fuzz.ratio if FUZZY_SCORER is fuzz.token_sort_ratio else FUZZY_SCORER
            # Under ratio, only choices of a length that can reach the cutoff are scored.
            choices = _fuzzy_choices_near(len(k)) if scorer is fuzz.ratio else _fuzzy_choices()
            m = process.extractOne(k, choices, scorer=scorer, processor=None, score_cutoff=FUZZY_CUTOFF)
            if m is not None:
                hit = m[0] if isinstance(m[0], str) and m[0] in reg.entries else _fuzzy_choices()[m[2]]
    if hit is not None:
        return hit, descriptor, name
    if _is_name(name):
        bare = _strip_titles(name)
        if len(bare.split()) == 1 and bare.rstrip(".").lower() in _titles():
            return None, descriptor, name  # "President" alone names nobody in particular
        # ``name`` itself found nothing (hit is None): look the name up again only when
        # stripping titles changed it.
        return ((reg.lookup(bare) if bare != name else None) or bare), descriptor, name
    return None, descriptor, name


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


@lru_cache(maxsize=50_000)  # cleared when the registry changes (on_change below)
def actor_type(canonical: str | None, mention: str) -> str:
    """The actor type: from the registry, else from a head word, else person for a name."""
    reg = registry()
    if canonical and canonical in reg.entries:
        return reg.entries[canonical].type
    types, _ = _types()
    words = [w.lower() for w in _WORD.findall(mention)]
    for w in reversed(words):
        if w in types:
            return types[w]
    if canonical and _is_name(canonical) and 2 <= len(canonical.split()) <= 4:
        return "person"
    return "other"


on_change(actor_type.cache_clear)


@lru_cache(maxsize=1)
def _role_regex() -> re.Pattern[str]:
    """One pattern over every role phrase of actors_types.tsv, longest first."""
    _, roles = _types()
    words = sorted(roles, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=50_000)  # depends on the lexicon only
def role_of(phrase: str) -> str | None:
    """The first role a phrase names ("a spokesman for ..." -> "spokesman"), or None."""
    m = _role_regex().search(phrase)
    return _types()[1][m.group(1).lower()] if m else None


# ------------------------------------------------------------------------- corpus grouping


# Fuzzy alias grouping is blocked: a name is scored only against the leaders that share one of
# its BLOCK_KEYS_PER_NAME rarest token prefixes (BLOCK_PREFIX characters), which keeps it near
# linear on corpora with 200k distinct source names, where scoring every leader was quadratic.
BLOCK_PREFIX = 3
BLOCK_KEYS_PER_NAME = 2

def _sorted_tokens(s: str) -> str:
    """The string ``token_sort_ratio`` compares: "salmiya abu mohammed" -> "abu mohammed salmiya"."""
    return " ".join(sorted(s.split()))


def _identity(s: str) -> str:
    """The string itself (``ratio`` and ``QRatio`` compare names as they are)."""
    return s


# Scorers whose score is an Indel (``ratio``) similarity of two strings, with the function that
# turns a processed name into the string compared: ``token_sort_ratio(a, b)`` is
# ``ratio(sorted_tokens(a), sorted_tokens(b))``. For these, two strings of lengths l1 and l2
# score at most 100 * (1 - |l1 - l2| / (l1 + l2)), so leaders whose length rules out the cutoff
# are never scored (the same names are grouped; only hopeless comparisons are skipped).
_INDEL_SCORERS: dict[Callable[..., float], tuple[Callable[..., float], Callable[[str], str]]] = {
    fuzz.ratio: (fuzz.ratio, _identity),
    fuzz.QRatio: (fuzz.QRatio, _identity),
    fuzz.token_sort_ratio: (fuzz.ratio, _sorted_tokens),
}


def _length_range(n: int, score_cutoff: float) -> tuple[int, int]:
    """Lengths a string may have to score >= ``score_cutoff`` (Indel) against one of length ``n``."""
    r = max(0.0, 1.0 - score_cutoff / 100.0)
    if r >= 1.0:
        return 0, 1 << 30
    eps = 1e-9  # float slack: never skip a pair exactly at the cutoff
    return max(0, math.floor(n * (1 - r) / (1 + r) - eps)), math.ceil(n * (1 + r) / (1 - r) + eps)


def _block_keys(name: str) -> frozenset[str]:
    """Token prefixes a name is blocked on: "Mohammed Abu Salmiya" -> {"moh", "abu", "sal"}."""
    return frozenset(t[:BLOCK_PREFIX] for t in name.lower().split())


def _leader_at(parts: list[tuple[list[int], list[str]]], pos: int) -> int:
    """The leader index at position ``pos`` of the parts' string lists joined."""
    for ids, strs in parts:
        if pos < len(strs):
            return ids[pos]
        pos -= len(strs)
    raise IndexError(pos)


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
    last word of ("Maarouf" -> "Salama Maarouf"). A name is scored only against leaders that
    share one of its two rarest token prefixes (``BLOCK_KEYS_PER_NAME``), so grouping stays
    near linear in the number of distinct names; for the ratio scorers (``ratio``,
    ``QRatio``, ``token_sort_ratio``) leaders whose length alone keeps them under the cutoff
    are not scored, and token-sorted forms are computed once per name.

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
    entries = registry().entries
    for m in counts:
        if use_registry:
            canon, _, name = _canonical_parts(m)  # not the cache: every distinct mention once
            if canon and canon in entries:
                out[m] = canon
                continue
            cleaned[m] = name
        else:
            cleaned[m] = _clean(split_descriptor(m)[0])
    by_name: Counter[str] = Counter()
    for m, c in cleaned.items():
        by_name[c] += counts[m]
    ordered = [name for name, _ in sorted(by_name.items(), key=lambda kv: (-kv[1], kv[0]))]
    procs = [processor(name) if processor else name for name in ordered]
    keys = [_block_keys(p) for p in procs]
    key_df: Counter[str] = Counter(k for ks in keys for k in ks)
    # Rarest first, ties by the key's text: one rank per key, so a name's keys sort on it.
    key_rank = {k: r for r, (k, _) in enumerate(sorted(key_df.items(), key=lambda kv: (kv[1], kv[0])))}
    indel = _INDEL_SCORERS.get(scorer)
    score_fn, form = indel if indel is not None else (scorer, _identity)
    leaders: list[str] = []
    # block key -> compared length (0 when lengths do not bound the score) -> (leader indices,
    # their compared strings), both in leader order: a name's candidates are the string lists
    # joined, with no set, sort or lookup per candidate (the indices are read for hits only).
    by_key: dict[str, dict[int, tuple[list[int], list[str]]]] = {}
    ranges: dict[int, tuple[int, int]] = {}
    assign: dict[str, str] = {}
    digits = re.compile(r"\d+")
    for name, p, ks in zip(ordered, procs, keys):
        target = None
        f = form(p)
        length = len(f) if indel is not None else 0
        if leaders and p:
            # Blocking: only leaders sharing one of this name's rarest token prefixes are
            # scored (names 90% alike share most tokens, hence their rare prefixes).
            rare = sorted(ks, key=key_rank.__getitem__)[:BLOCK_KEYS_PER_NAME]
            if indel is not None and length:
                lo_hi = ranges.get(length)
                if lo_hi is None:
                    lo_hi = ranges[length] = _length_range(length, score_cutoff)
                lo, hi = lo_hi
            else:
                lo, hi = 0, 1 << 30
            parts: list[tuple[list[int], list[str]]] = []
            strs: list[str] = []
            for k in rare:
                by_len = by_key.get(k)
                if by_len:
                    if indel is not None and length and hi - lo < len(by_len):
                        for n in range(lo, hi + 1):
                            part = by_len.get(n)
                            if part is not None:
                                parts.append(part)
                                strs += part[1]
                    else:
                        for n, part in by_len.items():
                            if lo <= n <= hi:
                                parts.append(part)
                                strs += part[1]
            if strs:
                hits = process.extract(f, strs, scorer=score_fn, processor=None, score_cutoff=score_cutoff,
                                       limit=None)
                if hits:
                    # As scoring the distinct candidates in leader order and taking the 5 best
                    # (ties: the earlier leader): a leader sharing both keys is listed twice.
                    best = sorted({(-sc, _leader_at(parts, pos)) for _, sc, pos in hits})[:5]
                    for _, i in best:
                        if digits.findall(name) == digits.findall(leaders[i]):
                            target = leaders[i]
                            break
        if target is None:
            at = len(leaders)
            for k in ks:
                part = by_key.setdefault(k, {}).get(length)
                if part is None:
                    by_key[k][length] = ([at], [f])
                else:
                    part[0].append(at)
                    part[1].append(f)
            leaders.append(name)
            target = name
        assign[name] = target
    if surname_match:
        # A one-word leader joins the single multi-word leader it is the last word of.
        multi: dict[str, list[str]] = {}
        for ld in leaders:
            if len(ld.split()) > 1:
                multi.setdefault(ld.split()[-1].lower(), []).append(ld)
        members: dict[str, list[str]] = {}
        for name, tgt in assign.items():
            members.setdefault(tgt, []).append(name)
        for ld in leaders:
            cands_ = multi.get(ld.lower(), []) if len(ld.split()) == 1 else []
            if len(cands_) == 1:
                for name in members.get(ld, ()):
                    assign[name] = cands_[0]
    for m, c in cleaned.items():
        out[m] = assign.get(c, c)
    return out


def registry_entry(canonical: str) -> ActorEntry | None:
    """The registry row of a canonical actor, or None."""
    return registry().entries.get(canonical)

