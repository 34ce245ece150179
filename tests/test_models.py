"""The frozen dataclasses of ``provenance.models`` (their quicker ``__init__``)."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from provenance import models
from provenance.models import Article, Figure, SourceRef, Span

CLASSES = [getattr(models, n) for n in models.__all__ if inspect.isclass(getattr(models, n))]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_init_takes_the_dataclass_parameters(cls: type) -> None:
    # Same names, order and defaults as the dataclass's own __init__ would have.
    params = list(inspect.signature(cls).parameters.values())
    fs = dataclasses.fields(cls)
    assert [p.name for p in params] == [f.name for f in fs]
    assert [p.default for p in params] == [inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
                                           for f in fs]


def test_instances_behave_as_frozen_dataclasses() -> None:
    src = SourceRef(3, 12, "the agency", canonical="UN")
    f = Figure(0, 2, "12", 12.0, 12.0, 12.0, "exact", source=src)
    assert f.metric == "other" and f.source is src and f.confidence == 1.0
    assert f == Figure(0, 2, "12", 12.0, 12.0, 12.0, "exact", source=SourceRef(3, 12, "the agency", "UN"))
    assert hash(Span(1, 2, "x")) == hash(Span(1, 2, "x"))
    assert pickle.loads(pickle.dumps(f)) == f
    assert dataclasses.replace(f, value=13.0).value == 13.0
    assert dataclasses.asdict(Span(1, 2, "x")) == {"start": 1, "end": 2, "text": "x"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.value = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        Article("a", "t")  # type: ignore[call-arg]


def test_quick_init_refuses_what_it_does_not_support() -> None:
    @dataclasses.dataclass(frozen=True)
    class WithFactory:
        xs: list[int] = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError):
        models._quick_init(WithFactory)
