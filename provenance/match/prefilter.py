"""A cheap test that a regular expression cannot match a text, derived from the expression.

Most sentences carrying a figure name no side, place or attacker at all (99.6% of the ABP
figures' sentences match none of the scope patterns), yet each pattern scanned every one of
them. ``required_literals`` reads a compiled pattern's parse tree for literal words one of
which every match must contain ("gaza", "west", "israel", ...); ``may_match`` checks them
with ``in`` on the lower-cased text before the pattern is run. The test only ever says "may
match" for a text the pattern matches, so results are unchanged:

* with IGNORECASE a pattern's ASCII letters also match four non-ASCII ones ("İ" and "ı" for
  "i", "ſ" for "s", the Kelvin sign for "k"): a text holding one of them always goes to the
  pattern; in any other text only ASCII characters match a literal run, and they stay side
  by side in the lower-cased text;
* a literal run is broken at anything that is not a plain ASCII character (classes, ``\\s``,
  ``\\b``, look-arounds), so only characters every match holds side by side are joined;
* an alternation needs a literal from every branch, else nothing is required of it.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python >= 3.11
    from re import _constants as _sre_constants  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_LITERAL = _sre_constants.LITERAL
_BRANCH = _sre_constants.BRANCH
_SUBPATTERN = _sre_constants.SUBPATTERN
_REPEATS = tuple(getattr(_sre_constants, n) for n in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
                 if hasattr(_sre_constants, n))
_ATOMIC = getattr(_sre_constants, "ATOMIC_GROUP", None)

_Need = frozenset[str] | None  # one of these literals is in every match; None: nothing known


def _better(a: _Need, b: _Need) -> _Need:
    """The more selective of two requirements (longest shortest literal, then fewest)."""
    if a is None:
        return b
    if b is None:
        return a
    return a if (min(map(len, a)), -len(a)) >= (min(map(len, b)), -len(b)) else b


def _seq(items: Any) -> _Need:
    """What every match of a sequence of parsed items must contain."""
    best: _Need = None
    run: list[str] = []

    def flush() -> None:
        nonlocal best
        if run:
            best = _better(best, frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is _LITERAL and av < 128:
            run.append(chr(av).lower())
            continue
        flush()
        if op is _SUBPATTERN:
            best = _better(best, _seq(av[-1]))
        elif _ATOMIC is not None and op is _ATOMIC:
            best = _better(best, _seq(av))
        elif op is _BRANCH:
            needs = [_seq(branch) for branch in av[1]]
            if needs and all(n is not None for n in needs):
                best = _better(best, frozenset().union(*needs))  # type: ignore[arg-type]
        elif op in _REPEATS and av[0] >= 1:
            best = _better(best, _seq(av[2]))
    flush()
    return best


_CACHE: dict[re.Pattern[str], tuple[str, ...] | None] = {}


def _minimal(literals: set[str]) -> tuple[str, ...]:
    """The literals none of the others is part of: a text holding any of ``literals`` holds
    one of these (where "gaza strip" is, "gaza" is too)."""
    return tuple(sorted(w for w in literals if not any(v != w and v in w for v in literals)))


def required_literals(pat: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-case literals one of which every match of ``pat`` contains (None: none known).

    Examples:
        >>> sorted(required_literals(re.compile(r"\\b(gaza\\w*|jabalia|west\\s+bank)\\b", re.I)))
        ['gaza', 'jabalia', 'west']
        >>> required_literals(re.compile(r"\\b(\\w+|gaza)\\b")) is None
        True
    """
    if pat not in _CACHE:
        need = _seq(_sre_parse.parse(pat.pattern, pat.flags))
        _CACHE[pat] = _minimal(set(need)) if need and "" not in need else None
    return _CACHE[pat]


#: Non-ASCII characters that IGNORECASE matches to ASCII letters.
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def ascii_lower(text: str) -> str | None:
    """The lower-cased text, or None when it holds a character that IGNORECASE matches to an
    ASCII letter (texts ``may_match`` cannot rule on)."""
    if text.isascii() or _FOLDS_TO_ASCII.search(text) is None:
        return text.lower()
    return None


def may_match(pat: re.Pattern[str], lower: str | None) -> bool:
    """False only when ``pat`` cannot match the text whose ``ascii_lower`` is ``lower``."""
    if lower is None:
        return True
    need = required_literals(pat)
    return need is None or any(w in lower for w in need)


class PatternSet:
    """Named patterns tried in order, each run only on a text holding a literal it needs, and
    none run on a text holding no literal that any of them needs (one test instead of one a
    pattern: 99.6% of ABP's figure sentences name no side or place).

    Args:
        patterns: (name, compiled pattern) pairs, in the order they are tried.
    """

    def __init__(self, patterns: tuple[tuple[str, re.Pattern[str]], ...]) -> None:
        self.patterns = patterns
        self._needs = [(name, pat, required_literals(pat)) for name, pat in patterns]
        needs = [n for _, _, n in self._needs]
        self._any: tuple[str, ...] | None = None
        if needs and all(n is not None for n in needs):
            self._any = _minimal({w for n in needs if n is not None for w in n})

    def may_match(self, lower: str | None) -> bool:
        """False only when no pattern can match the text whose ``ascii_lower`` is ``lower``."""
        return lower is None or self._any is None or any(w in lower for w in self._any)

    def first(self, text: str, lower: str | None) -> str | None:
        """Name of the first pattern that matches ``text`` (``lower``: its ``ascii_lower``)."""
        if not self.may_match(lower):
            return None
        for name, pat, need in self._needs:
            if (lower is None or need is None or any(w in lower for w in need)) and pat.search(text):
                return name
        return None

    def matching(self, text: str, lower: str | None) -> frozenset[str]:
        """Names of every pattern that matches ``text``."""
        if not self.may_match(lower):
            return frozenset()
        return frozenset(name for name, pat, need in self._needs
                         if (lower is None or need is None or any(w in lower for w in need)) and pat.search(text))


__all__ = ["PatternSet", "ascii_lower", "may_match", "required_literals"]
