"""``Tokenizer`` on Arrow's string kernels (match/arrow_tokens.py) against the definition it
replaces: ``content_tokens`` of each text, numbered in first-occurrence order, each text's ids
sorted and distinct. Also the single-key member sort of ``make_blocks`` and the cleaning of
many source mentions."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from provenance.match import arrow_tokens
from provenance.match.comparisons import content_tokens
from provenance.match.sources import _cleaned, clean_source
from provenance.match.tokens import StringColumn, Tokenizer, _by_block_day_item

# Letters and marks around the token characters: upper case, apostrophes and hyphens at either
# end and inside, digits, the two characters whose lower case holds a token letter ("İ", the
# Kelvin sign), other non-ASCII letters and punctuation (curly quotes, dashes, NBSP).
_PIECES = ["Gaza", "HEALTH", "ministry's", "O'Brien", "rock-'n'-roll", "-x-", "--ab--", "'tis", "a", "I", "x",
           "2023", "1,300", "9/11", "U.S.", "e-mail", "İstanbul", "İ", "\u212aelvin", "\u212a", "straße", "ǅemal",
           "ÀÉÎ", "“quoted”", "—", "\u00a0", "the", "of", "said", "ab'", "'", "-", "''", "12-3", "3-d", "İİk",
           "\u212a\u212a", "naïve", "ΣΊΣΥΦΟΣ", "日本", "tab\there", "new\nline", "x'-y"]


def _reference(texts: list[str | None]) -> tuple[list[str], list[int], list[int]]:
    vocab: dict[str, int] = {}
    indptr, ids = [0], []
    for t in texts:
        row = {vocab.setdefault(w, len(vocab)) for w in content_tokens(t or "")}
        ids += sorted(row)
        indptr.append(len(ids))
    return list(vocab), indptr, ids


def _random_texts(n: int, seed: int) -> list[str | None]:
    rng = random.Random(seed)
    out: list[str | None] = []
    for _ in range(n):
        if rng.random() < 0.05:
            out.append(None)
            continue
        words = [rng.choice(_PIECES) for _ in range(rng.randint(0, 12))]
        out.append("".join(w + rng.choice([" ", "", ", ", "-", "'", " — "]) for w in words))
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_table_equals_content_tokens_of_each_text(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(arrow_tokens, "SLICE", 97)  # several slices, the vocabulary carried across them
    texts = _random_texts(700, seed) + [p for p in _PIECES] + ["", None]
    words, indptr, ids = _reference(texts)
    for given in (texts, StringColumn(pd.Series(texts, dtype=object)), StringColumn(pd.Series(texts, dtype="str")),
                  StringColumn(pd.Series(texts, dtype="category"))):
        tok = Tokenizer()
        table = tok.table(given)
        assert table.words == words and list(tok.vocab) == words
        assert table.indptr.tolist() == indptr and table.ids.tolist() == ids
        assert (table.indptr.dtype, table.ids.dtype) == (np.int64, np.int32)


def test_a_slice_of_a_larger_arrow_array_reads_only_its_rows() -> None:
    texts = _random_texts(300, 5)
    whole = pa.array(texts, type=pa.large_string())
    expected = _reference(texts[100:200])
    vocab: dict[str, int] = {}
    words: list[str] = []
    indptr, ids = arrow_tokens.slice_tokens(whole.slice(100, 100), vocab, words)
    assert (words, indptr.tolist(), ids.tolist()) == expected


def test_members_sorted_by_one_key_equal_the_lexsort() -> None:
    rng = np.random.default_rng(0)
    for trial in range(100):
        n = int(rng.integers(1, 500))
        block, day, item = rng.integers(0, 40, n), rng.integers(0, 800_000, n), rng.integers(0, 900_000, n)
        if trial % 4 == 0:
            day[0] = 1 << 40  # too wide for one 63-bit key: the lexsort itself
        got = _by_block_day_item(block, day, item)
        assert got.tolist() == item[np.lexsort((item, day, block))].tolist() and got.dtype == item.dtype


def test_many_mentions_cleaned_as_one_at_a_time() -> None:
    mentions = ["The Health Ministry, which", None, float("nan"), "opposition Civic Front", "", "  ",
                "The Health Ministry, which", "The Supreme Court Monday", "UNRWA"] * 3
    assert _cleaned(mentions) == [clean_source(m) for m in mentions]
    assert _cleaned([]) == []
