"""The memory- and CPU-saving paths give the same results as the plain ones (issue 9).

- store records built in the worker (``encode_extraction``) write the same store as
  ``put_extractions`` given (article, rows) pairs;
- ``build_claims`` gives the same claims whatever its batch and part sizes and whether the
  tables arrive sorted;
- ``concat_parts`` with ``sort_by`` equals one frame sorted with ``sort_values``.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from test_store import article_text

import provenance.match.claims as claims_mod
from provenance.engine.local import extract_rows, store_partition
from provenance.extract import extractor_version
from provenance.frames import FrameBuilder, concat_parts
from provenance.match.claims import build_claims, prepare_figures
from provenance.models import Article
from provenance.store import Store

OUTLETS = ["Meridian Wire Service", "The Harbour Courier", "Northgate Daily", "Radio Lumen"]


def articles(n: int = 9) -> list[Article]:
    return [Article(article_id=f"a{i:03d}", text=article_text(i), source=f"wire.csv#{i + 1}",
                    outlet=OUTLETS[i % 4], published=f"2024-03-{4 + i % 4:02d}") for i in range(n)]


def dump(path: Path) -> list[str]:
    """The store as SQL, commit times masked (they differ between two writes)."""
    con = sqlite3.connect(path)
    try:
        return [re.sub(r"'\d{4}-\d\d-\d\dT[0-9:+]+'", "'T'", line) for line in con.iterdump()]
    finally:
        con.close()


def test_worker_built_store_records_write_the_same_store(tmp_path: Path) -> None:
    arts = articles()
    version = extractor_version()
    pairs = [(a, extract_rows(a)) for a in arts]
    encoded = [rec for _, rec in store_partition(arts)]
    with Store(tmp_path / "pairs.sqlite") as st:
        st.put_extractions(pairs[:4], version)
        st.put_extractions(pairs[4:], version)
    with Store(tmp_path / "encoded.sqlite") as st:
        st.put_extractions(encoded[:4], version)
        st.put_extractions(encoded[4:], version)
    a, b = dump(tmp_path / "pairs.sqlite"), dump(tmp_path / "encoded.sqlite")
    assert any(line.startswith('INSERT INTO "figures"') for line in a)
    assert a == b


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    b = FrameBuilder()
    for a in articles(12):
        b.add(extract_rows(a))
    frames = b.frames()
    frames["figures"] = prepare_figures(frames["figures"])
    return frames


def test_build_claims_is_the_same_in_any_batches(tables: dict[str, pd.DataFrame],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # Tables not sorted by article (the rows of one claim then come in table order, as before).
    shuffled = {**tables, "figures": tables["figures"].sample(frac=1, random_state=1),
                "attributions": tables["attributions"].sample(frac=1, random_state=2)}
    whole, whole_shuffled = build_claims(tables), build_claims(shuffled)
    assert len(whole) > 12 and whole["claim_id"].is_unique
    assert sorted(whole_shuffled["claim_id"]) == sorted(whole["claim_id"])
    monkeypatch.setattr(claims_mod, "ARTICLES_PER_BATCH", 1)
    monkeypatch.setattr(claims_mod, "CLAIMS_PER_PART", 5)
    pd.testing.assert_frame_equal(build_claims(tables), whole, check_exact=True)
    pd.testing.assert_frame_equal(build_claims(shuffled), whole_shuffled, check_exact=True)


def test_concat_parts_sorted_equals_one_sorted_frame() -> None:
    full = pd.DataFrame({
        "article_id": ["b", "a", "c", "a", "b", "a"],
        "index": [1, 2, 0, 0, 0, 1],
        "value": [1.5, None, 3.0, 4.0, 5.0, 6.0],
        "text": ["x", "y", None, "w", "v", "u"],
        "mixed": [1, 2, 3, "four", 5, 6],
    })
    parts = [full.iloc[:3].reset_index(drop=True).copy(), full.iloc[3:].reset_index(drop=True).copy()]
    parts[0]["mixed"] = parts[0]["mixed"].astype(int)  # parts inferred with different dtypes
    expected = full.sort_values(["article_id", "index"], kind="stable").reset_index(drop=True)
    got = concat_parts(parts, ["article_id", "index"])
    assert got["article_id"].tolist() == ["a", "a", "a", "b", "b", "c"]
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
