"""report.csvfile.write_csv writes the bytes DataFrame.to_csv writes, on every kind of column it renders."""

from __future__ import annotations

import gzip
import json
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import shared_path
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.extract.sentences import split_sentences
from provenance.report import csvfile
from provenance.report.csvfile import fast_path, write_csv


def _both(df: pd.DataFrame, tmp: Path, bom: bool = False) -> tuple[bytes, bytes]:
    write_csv(df, str(tmp / "fast.csv"), bom)
    df.to_csv(tmp / "pandas.csv", index=False, encoding="utf-8-sig" if bom else "utf-8", lineterminator="\n")
    return (tmp / "fast.csv").read_bytes(), (tmp / "pandas.csv").read_bytes()


@pytest.fixture
def abp_sentences() -> list[str]:
    """Sentences of the first 60 ABP articles (quotes, commas, line breaks and all)."""
    path = shared_path("abp", "abp_articles.jsonl.gz")
    out: list[str] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in islice(fh, 60):
            text = json.loads(line).get("content_original") or ""
            out.extend(text[s.start:s.end] for s in split_sentences(text))
    return out


@pytest.mark.parametrize("bom", [False, True])
def test_real_sentences_same_bytes(abp_sentences: list[str], tmp_path: Path, bom: bool,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csvfile, "SLICE_ROWS", 97)  # several slices, the last one short
    n = len(abp_sentences)
    assert n > 500 and any('"' in s for s in abp_sentences) and any("," in s for s in abp_sentences)
    rng = np.random.default_rng(9)
    df = pd.DataFrame({
        "sentence": pd.array([s if i % 11 else None for i, s in enumerate(abp_sentences)], dtype="str"),
        "start": np.arange(n, dtype=np.int64) * 37,
        "value": np.where(rng.random(n) < 0.2, np.nan, rng.standard_normal(n) * 10.0 ** rng.integers(-8, 18, n)),
        "hedged": rng.random(n) < 0.5,
        "parts": [(i, s[:3]) if i % 3 == 0 else (None if i % 3 == 1 else s[:20]) for i, s in enumerate(abp_sentences)],
    })
    assert fast_path(df)
    fast, ref = _both(df, tmp_path, bom)
    assert fast == ref


def test_real_sentences_in_arrow_chunks_same_bytes(abp_sentences: list[str], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Columns concatenated from parts (several Arrow chunks, a slice across two), a string column last."""
    import pyarrow as pa

    monkeypatch.setattr(csvfile, "SLICE_ROWS", 97)
    n = len(abp_sentences)
    df = pd.DataFrame({
        "article_id": pd.array([f"{i * 7919 % 100_003:016x}" for i in range(n)], dtype="str"),  # nothing to quote
        "start": np.arange(n, dtype=np.int64),
        "sentence": pd.array([s if i % 13 else None for i, s in enumerate(abp_sentences)], dtype="str"),
    })
    for c in ("article_id", "sentence"):
        whole = df[c].array._pa_array.combine_chunks()
        parts = pa.chunked_array([whole.slice(i, 40) for i in range(0, n, 40)], type=whole.type)
        df[c] = pd.Series(type(df[c].array)(parts, dtype=df[c].dtype))
        assert df[c].array._pa_array.num_chunks > 2
    assert fast_path(df)
    fast, ref = _both(df, tmp_path)
    assert fast == ref


def test_whole_floats_same_bytes(tmp_path: Path) -> None:
    """Whole numbers (counts, offsets) written from their integer digits: the edges of that path."""
    rng = np.random.default_rng(4)
    edges = [0.0, -0.0, 1.0, -1.0, 2.0**53 - 1, 2.0**53, 2.0**53 + 2, -(2.0**53), 1e15, 1e16, 1e17, 1e22, 0.5,
             -2.5, 1e-5, np.inf, -np.inf, np.nan, 8306.0, 123456789.0]
    counts = rng.integers(-10**6, 10**6, 300).astype(np.float64)
    x = np.concatenate([edges, counts, counts / 4, rng.standard_normal(50) * 1e12])
    df = pd.DataFrame({"x": x, "y": np.where(np.arange(len(x)) % 5 == 0, np.nan, np.trunc(x))})
    assert fast_path(df)
    fast, ref = _both(df, tmp_path)
    assert fast == ref


_text = st.one_of(st.none(), st.text(alphabet=st.sampled_from(list('ab ,"\n\r\t;é’\u2028') + ["\x00"]), max_size=12))
_float = st.floats(allow_nan=True, allow_infinity=True)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(_text, st.integers(-2**63, 2**63 - 1), _float, st.booleans(),
                               st.one_of(st.none(), st.integers(), _float, st.text(max_size=5))), max_size=30))
def test_any_table_same_bytes(rows: list[tuple[object, ...]], tmp_path_factory: pytest.TempPathFactory) -> None:
    cols = ["text", "n", "x", "flag", "mixed"]
    df = pd.DataFrame(rows, columns=cols).astype({"text": "str", "n": "int64", "x": "float64", "flag": "bool"})
    df["mixed"] = df["mixed"].astype(object)
    assert fast_path(df)
    fast, ref = _both(df, tmp_path_factory.mktemp("csv"))
    assert fast == ref


@pytest.mark.parametrize("df", [
    pd.DataFrame({"only": ["a", "", None]}),  # one column: '""' rows
    pd.DataFrame({"a": ["x", "y"], "lag": pd.array([1, None], dtype="Int64")}),
    pd.DataFrame({"a": ["x", "y"], "ok": pd.array([True, None], dtype="boolean")}),
    pd.DataFrame({"a": ["x", "y"], "when": pd.to_datetime(["2023-10-07", None])}),
])
def test_other_kinds_go_through_pandas(df: pd.DataFrame, tmp_path: Path) -> None:
    assert not fast_path(df)
    fast, ref = _both(df, tmp_path)
    assert fast == ref
