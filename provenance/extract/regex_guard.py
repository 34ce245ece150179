"""A first-character guard for long alternations, so ``finditer`` skips most positions fast.

Python's regex engine can only skip ahead cheaply when a pattern starts with a literal or a
character set. A rule pattern like ``\\b(?:killed|wounded|...)`` starts with a word boundary,
so at every position of the text the engine tries every alternative in turn. Prefixing the
lookahead ``(?=[...])`` with the characters any match can start with (computed from the
pattern itself) makes a position that cannot start a match fail at its first test. The
lookahead consumes nothing and is implied by every match, so matches, groups and spans are
unchanged (``tests/test_regex_guard.py`` checks this on real articles).
"""

from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Any

_ZERO_WIDTH = {C.AT, C.ASSERT, C.ASSERT_NOT}
# What ``\s`` matches in a str pattern (``str.isspace``; all below U+3001), for the guard of
# a pattern opening with a space. Under re.ASCII it matches fewer: a guard may be wider.
_SPACES = frozenset(c for c in map(chr, range(0x3001)) if c.isspace())


class _Unknown(Exception):
    """The first characters of a pattern piece could not be worked out (no guard then)."""


def _first(items: Any) -> tuple[set[str], bool]:
    """(characters a match of the sequence ``items`` can start with, True when it can be empty).

    Raises:
        _Unknown: for pieces whose first character is not a plain literal or set.
    """
    chars: set[str] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the next piece gives the first character
        if op is C.LITERAL:
            chars.add(chr(av))
            return chars, False
        if op is C.IN:
            for iop, iav in av:
                if iop is C.LITERAL:
                    chars.add(chr(iav))
                elif iop is C.RANGE and iav[1] - iav[0] <= 256:
                    chars.update(chr(c) for c in range(iav[0], iav[1] + 1))
                elif iop is C.CATEGORY and iav is C.CATEGORY_SPACE:
                    chars |= _SPACES  # "\s?[—–]": a clause-break pattern opening with optional space
                else:
                    raise _Unknown(iop)  # negated sets, categories (\w, \d): give up
            return chars, False
        if op is C.SUBPATTERN:
            if av[1] & re.IGNORECASE:  # "(?i:...)" inside a case-sensitive pattern
                raise _Unknown(op)
            sub, empty = _first(av[-1])
            chars |= sub
            if not empty:
                return chars, False
            continue
        if op is C.BRANCH:
            empty_any = False
            for alt in av[1]:
                sub, empty = _first(alt)
                chars |= sub
                empty_any = empty_any or empty
            if not empty_any:
                return chars, False
            continue
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            lo, _hi, body = av
            sub, empty = _first(body)
            chars |= sub
            if lo > 0 and not empty:
                return chars, False
            continue
        if op is C.ATOMIC_GROUP:
            sub, empty = _first(av)
            chars |= sub
            if not empty:
                return chars, False
            continue
        raise _Unknown(op)
    return chars, True


def guarded(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)`` with a lookahead on the characters a match starts with.

    When the first characters cannot be worked out (a pattern that can match the empty
    string, or starting with ``\\w``, ``.`` or a negated set), the pattern is compiled as is.

    Args:
        pattern: A regular expression.
        flags: ``re`` flags; the lookahead is compiled with them (``re.IGNORECASE`` applies).

    Returns:
        A compiled pattern finding the same matches.

    Examples:
        >>> guarded(r"\\b(?:killed|dead)\\b", re.I).pattern
        '(?=[DEKdek])(?:\\\\b(?:killed|dead)\\\\b)'
    """
    try:
        parsed = P.parse(pattern, flags)
        if len(parsed) and parsed[0] in ((C.AT, C.AT_BEGINNING), (C.AT, C.AT_BEGINNING_STRING)):
            return re.compile(pattern, flags)  # anchored: the engine already tries one place
        chars, empty = _first(parsed)
    except _Unknown:
        return re.compile(pattern, flags)
    if empty or not chars:
        return re.compile(pattern, flags)
    if flags & re.IGNORECASE:
        chars |= {c.lower() for c in chars} | {c.upper() for c in chars if len(c.upper()) == 1}
    cls = "".join(re.escape(c) for c in sorted(chars))
    end = "\n)" if flags & re.VERBOSE else ")"  # a trailing comment must not swallow the ")"
    try:
        return re.compile(f"(?=[{cls}])(?:{pattern}{end}", flags)
    except re.error:  # e.g. inline global flags, which must open the pattern
        return re.compile(pattern, flags)


__all__ = ["guarded"]
