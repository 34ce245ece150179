"""Repeated strings kept once (``frames.share_strings``): the values, CSV bytes, Parquet values
and claims are those of the plain string columns, on real ABP articles."""

from __future__ import annotations

import gzip
import json
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import shared_path

from provenance import frames as frames_module
from provenance.frames import SHARED_COLUMNS, FrameBuilder, rows_from_extraction
from provenance.match.claims import build_claims, prepare_figures
from provenance.report import write_table
from provenance.report.csvfile import fast_path


@pytest.fixture(scope="module")
def abp_rows() -> list[dict[str, list[dict[str, Any]]]]:
    """Table rows of the first 40 ABP articles."""
    from provenance.extract import extract_article
    from provenance.ingest import iter_ingest

    path = shared_path("abp", "abp_articles.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = list(islice(fh, 40))
    small = Path(__file__).parent / ".abp40.jsonl"
    try:
        small.write_text("".join(lines), encoding="utf-8")
        arts = [a for a in iter_ingest([str(small)]) if not hasattr(a, "reason")]
        assert len(arts) > 30 and all(json.loads(x) for x in lines)
        return [rows_from_extraction(extract_article(a)) for a in arts]  # type: ignore[arg-type]
    finally:
        small.unlink(missing_ok=True)


def _frames(rows: list[dict[str, list[dict[str, Any]]]], shared: bool,
            monkeypatch: pytest.MonkeyPatch) -> dict[str, pd.DataFrame]:
    with monkeypatch.context() as m:
        if not shared:
            m.setattr(frames_module, "SHARED_COLUMNS", {})
        b = FrameBuilder(part_rows=97)  # several parts per table
        for r in rows:
            b.add(r)
        return b.frames()


def _same_values(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    for c in a.columns:
        assert a[c].isna().tolist() == b[c].isna().tolist(), c
        assert [x for x in a[c].tolist() if not pd.isna(x)] == [x for x in b[c].tolist() if not pd.isna(x)], c


def test_shared_columns_hold_the_same_values(abp_rows: list[dict[str, list[dict[str, Any]]]],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    plain, shared = _frames(abp_rows, False, monkeypatch), _frames(abp_rows, True, monkeypatch)
    for column, tables in SHARED_COLUMNS.items():
        dtypes = {id(shared[t][column].dtype) for t in tables}
        assert len(dtypes) == 1, column  # one set of categories for every table
        for t in tables:
            assert isinstance(shared[t][column].dtype, pd.CategoricalDtype)
            assert isinstance(plain[t][column].dtype, pd.StringDtype)
    for t in plain:
        _same_values(plain[t], shared[t])


def test_shared_columns_write_the_same_csv_and_parquet(abp_rows: list[dict[str, list[dict[str, Any]]]],
                                                       monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    plain, shared = _frames(abp_rows, False, monkeypatch), _frames(abp_rows, True, monkeypatch)
    for t in ("dates", "figures", "attributions", "actors"):
        assert fast_path(shared[t])
        a, b = tmp_path / "plain", tmp_path / "shared"
        a.mkdir(exist_ok=True)
        b.mkdir(exist_ok=True)
        assert write_table(plain[t], a / t).read_bytes() == write_table(shared[t], b / t).read_bytes()
        pa_plain = pq.read_table(write_table(plain[t], a / t, "parquet"))
        pa_shared = pq.read_table(write_table(shared[t], b / t, "parquet"))
        assert pa_plain.schema == pa_shared.schema and pa_plain.to_pylist() == pa_shared.to_pylist()


def test_claims_from_shared_columns_are_the_same(abp_rows: list[dict[str, list[dict[str, Any]]]],
                                                 monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    plain, shared = _frames(abp_rows, False, monkeypatch), _frames(abp_rows, True, monkeypatch)
    a = build_claims({**plain, "figures": prepare_figures(plain["figures"])})
    b = build_claims({**shared, "figures": prepare_figures(shared["figures"])})
    assert len(a) > 100
    for c in ("text", "source"):  # codes into the very categories of the extraction tables
        assert b[c].dtype.categories is shared["attributions"]["sentence" if c == "text" else c].dtype.categories
    _same_values(a, b)
    assert write_table(a, tmp_path / "a").read_bytes() == write_table(b, tmp_path / "b").read_bytes()
    assert (pq.read_table(write_table(a, tmp_path / "a", "parquet")).to_pylist()
            == pq.read_table(write_table(b, tmp_path / "b", "parquet")).to_pylist())


def test_concatenating_shared_columns_builds_no_hash_engine(abp_rows: list[dict[str, list[dict[str, Any]]]],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    shared = _frames(abp_rows, True, monkeypatch)
    col = shared["attributions"]["sentence"]
    both = pd.concat([col.iloc[:50], col.iloc[50:]], ignore_index=True)  # as claims parts are joined
    assert both.dtype.categories is col.dtype.categories and both.tolist() == col.tolist()
    assert "_engine" not in col.dtype.categories._cache  # no Python string per category kept
