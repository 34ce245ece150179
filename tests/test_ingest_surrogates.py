"""ingest's surrogate check (a UTF-8 encode) finds exactly the strings the regex it replaced found."""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from provenance.ingest import _has_surrogate, iter_ingest
from provenance.models import Article, Rejection

_REGEX = re.compile("[\ud800-\udfff]")
_CHARS = st.sampled_from(["a", " ", "é", "“", "\u0663", "𝒳", "\ud800", "\udbff", "\udc00", "\udfff", "\ud7ff", "\ue000"])


@given(st.lists(_CHARS, max_size=30).map("".join))
def test_same_strings_as_the_regex(s: str) -> None:
    assert _has_surrogate(s) == bool(_REGEX.search(s))


def test_rows_with_a_surrogate_are_rejected(tmp_path) -> None:
    rows = [{"text": "Fine text.", "title": "ok"}, {"text": "Bad \ud800 text.", "title": "x"},
            {"text": "Good “text”.", "title": "reversed pair \ude00\ud83d"}]
    path = tmp_path / "t.jsonl"
    # json.dumps escapes the surrogates (\ud800), as a JSON file holding them does.
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    items = list(iter_ingest([str(path)]))
    arts = [i for i in items if isinstance(i, Article)]
    rej = [i for i in items if isinstance(i, Rejection)]
    assert [a.title for a in arts] == ["ok"]
    assert [r.reason.split(" ")[0] for r in rej] == ["text", "title"]
