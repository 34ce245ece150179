"""Resolve pronoun and nominal sources to the named actor they refer to.

Deliberately simple, salience-based rules (no model): a source is resolved, in order, by

1. a named actor inside the source span ("Salama Maarouf, the head of the Hamas office");
2. a role noun with a body ("the spokesman for al-Quds Brigades", "a spokesman for the
   military wing of ..."): the person introduced anywhere in the article with that role and
   affiliation, else the latest source with that role;
3. a pronoun (``lexicon/pronouns.tsv``): the latest resolved source of a compatible kind
   (person for he/she, a body for it, either for they), else the nearest compatible actor
   mentioned before it;
4. a bare role or head noun ("the spokesman", "the ministry", "the group"): the latest
   source, else the nearest earlier actor, with that role or of that type;
5. the name itself through :func:`actors.canonicalize`; a bare surname joins the earlier full
   name it ends ("Maarouf" -> "Salama Maarouf").

The text as written is always kept in ``SourceRef.text``; only ``canonical`` is resolved.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence

from provenance.extract import actor_registry as _registry
from provenance.extract import actors as _actors
from provenance.models import Actor, Sentence, SourceRef, Span

_GROUP_TYPES = frozenset({"organisation", "government", "armed_group", "ministry", "agency", "media"})
_DET = re.compile(r"^(?:the|a|an|this|that|its|his|her|their)\s+", re.IGNORECASE)
_HEAD_ROLE = re.compile(
    r"^(?:(?:the|a|an)\s+)?(?:[\w\-]+\s+){0,2}?" + r"(?:spokes\w+|head|chief|leader|director\S*|minister|president|"
    r"official|commander|secretary\S*|ambassador|envoy|chairman|founder|advis[eo]r|member|"
    r"negotiator|representative|officer|deputy)\b"
)
_FOR_BODY = re.compile(r"\b(?:for|of|at)\s+(.+)$")
_WORD = re.compile(r"[\w\-]+")
# Sources that name nobody in particular: no antecedent search for these.
_VAGUE = frozenset({"i", "we", "you", "me", "us", "one", "someone", "somebody", "people", "many",
                    "some", "others", "critics", "experts", "observers", "analysts", "supporters"})


def _compatible(actor_type: str, target: str) -> bool:
    """Whether an actor of ``actor_type`` can be what a pronoun of ``target`` kind points at."""
    if target == "person":
        return actor_type == "person"
    if target == "group":
        return actor_type in _GROUP_TYPES
    return actor_type != "other"


class SourceResolver:
    """Resolves the source spans of one article, in text order, against its actor mentions.

    Args:
        text: Article text.
        sentences: Its sentence spans.
        actors: Actor mentions from ``actors.extract_actors`` (any order).
    """

    def __init__(self, text: str, sentences: Sequence[Sentence], actors: Sequence[Actor]) -> None:
        self.text = text
        self.sentences = sentences
        self.actors = sorted(actors, key=lambda a: a.start)
        self._starts = [a.start for a in self.actors]
        # Resolved sources so far: (offset, canonical, type, role, descriptor).
        self.history: list[tuple[int, str, str, str | None, str | None]] = []
        # _actor_info per canonical name: it depends only on the (fixed) actors and registry.
        self._info: dict[str, tuple[str, str | None]] = {}

    # ------------------------------------------------------------------ helpers

    def _inside(self, span: Span) -> list[Actor]:
        """Actors whose mention lies inside ``span``."""
        i = bisect.bisect_left(self._starts, span.start)
        out = []
        while i < len(self.actors) and self.actors[i].start < span.end:
            if self.actors[i].end <= span.end:
                out.append(self.actors[i])
            i += 1
        return out

    def _before(self, offset: int) -> Iterator[Actor]:
        """Actors mentioned before ``offset``, nearest first (lazily: the callers stop at the
        first fit, and copying the list was most of a resolution's cost in long articles)."""
        actors = self.actors
        for i in range(bisect.bisect_left(self._starts, offset) - 1, -1, -1):
            yield actors[i]

    def _actor_info(self, canonical: str) -> tuple[str, str | None]:
        """(type, role) of a canonical actor from this article's mentions or the registry."""
        hit = self._info.get(canonical)
        if hit is not None:
            return hit
        role = None
        typ = None
        for a in self.actors:
            if a.canonical == canonical:
                typ = typ or a.type
                role = role or a.role
        if typ is None:
            typ = _actors.actor_type(canonical, canonical)
        self._info[canonical] = (typ, role)
        return typ, role

    def _remember(self, offset: int, canonical: str | None, descriptor: str | None) -> None:
        """Record a resolved source (the salience list for later pronouns)."""
        if canonical:
            typ, role = self._actor_info(canonical)
            self.history.append((offset, canonical, typ, role, descriptor))

    def _ref(self, span: Span, canonical: str | None, descriptor: str | None) -> SourceRef:
        """Build the SourceRef and remember it."""
        self._remember(span.start, canonical, descriptor)
        return SourceRef(span.start, span.end, span.text, canonical, descriptor)

    # ------------------------------------------------------------------ resolution

    def resolve(self, span: Span) -> SourceRef:
        """Resolve one source span (call in text order).

        Args:
            span: The source as written.

        Returns:
            A SourceRef with the text as written and the canonical actor (None when unresolved).
        """
        written = span.text.strip()
        low = written.lower()
        pronouns = _registry._pronouns()

        # 3. Pronouns.
        low_words = low.split()
        first = low_words[0] if low_words else ""
        if low in pronouns or (first in pronouns and len(low_words) == 1):
            if low in _VAGUE or pronouns.get(low) == "none":
                return SourceRef(span.start, span.end, span.text, None, None)
            target = pronouns.get(low, "any")
            for off, canon, typ, _role, desc in reversed(self.history):
                if off < span.start and _compatible(typ, target):
                    return self._ref(span, canon, desc)
            for a in self._before(span.start):
                if _compatible(a.type, target):
                    return self._ref(span, a.canonical, a.descriptor)
            return SourceRef(span.start, span.end, span.text, None, None)

        _, descriptor = _actors.split_descriptor(written)
        inside = self._inside(span)
        role = _actors.role_of(written)
        nominal = bool(_DET.match(written)) or written[:1].islower()
        head_role = role is not None and nominal and _HEAD_ROLE.match(low) is not None

        # 1. A named actor heads the span.
        named = [a for a in inside if a.type == "person" or not head_role]
        if named and not head_role:
            a = named[0]
            return self._ref(span, a.canonical, descriptor or a.descriptor)

        # 2. A role noun with its body: the person with that role and affiliation.
        if head_role:
            body = None
            m = _FOR_BODY.search(written)
            if m:
                body = _actors.canonicalize(m.group(1))[0]
            if body is None and inside:
                body = inside[0].canonical
            best: Actor | None = None
            for a in self.actors:
                if a.type != "person" or a.role != role:
                    continue
                if body is not None and a.affiliation not in (body, None) and not self._related(a.affiliation, body):
                    continue
                if best is None or abs(a.start - span.start) < abs(best.start - span.start):
                    best = a
            if best is not None:
                return self._ref(span, best.canonical, descriptor or best.descriptor)
            for off, canon, typ, r, desc in reversed(self.history):
                if off < span.start and typ == "person" and r == role:
                    return self._ref(span, canon, desc)
            return SourceRef(span.start, span.end, span.text, None, descriptor)

        # 4. A bare head noun ("the ministry", "the group").
        if nominal and not inside:
            words = _WORD.findall(low)
            head = words[-1] if words else ""
            types, _ = _registry._types()
            htype = types.get(head)
            if htype is not None:
                for off, canon, typ, _r, desc in reversed(self.history):
                    if off < span.start and (typ == htype or head in canon.lower()):
                        return self._ref(span, canon, descriptor or desc)
                for a in self._before(span.start):
                    if a.type == htype or head in a.canonical.lower():
                        return self._ref(span, a.canonical, descriptor or a.descriptor)
            canon_n, desc_n = _actors.canonicalize(written)
            return self._ref(span, canon_n, desc_n)

        # 5. The name itself.
        name, name_desc = _actors.canonicalize(written)
        if name and len(name.split()) == 1:
            for a in self._before(span.start):
                parts = a.canonical.split()
                if len(parts) > 1 and parts[-1].lower() == name.lower():
                    name = a.canonical
                    break
        if name is None and inside:
            name = inside[0].canonical
        return self._ref(span, name, name_desc)

    @staticmethod
    def _related(aff: str | None, body: str) -> bool:
        """True when two bodies are the same or one is registered as part of the other."""
        if aff is None:
            return True
        if aff == body:
            return True
        e1 = _actors.registry_entry(aff)
        e2 = _actors.registry_entry(body)
        return bool((e1 and e1.affiliation == body) or (e2 and e2.affiliation == aff))
