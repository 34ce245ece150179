"""Columnar transport: ``frames.ColumnBlock`` built where articles are extracted gives the tables
``FrameBuilder.add`` builds from one rows dict per article (same rows, columns, dtypes, values)."""

from __future__ import annotations

import gzip
import itertools
import pickle

import pandas as pd
import pytest
from conftest import shared_path
from pandas.testing import assert_frame_equal

from provenance.engine.local import block_partition, extract_rows, map_extract, ordered_bounded
from provenance.frames import ColumnBlock, FrameBuilder
from provenance.ingest import iter_ingest
from provenance.models import Article


def assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert sorted(a) == sorted(b)
    for name, frame in a.items():
        assert_frame_equal(frame, b[name], check_exact=True, obj=name)
        assert list(frame.dtypes) == list(b[name].dtypes), name


def both_ways(rows: list[dict], chunk: int, part_rows: int) -> tuple[dict, dict]:
    """Tables from rows dicts one at a time, and from pickled blocks of ``chunk`` extractions."""
    one = FrameBuilder(part_rows)
    for r in rows:
        one.add(r)
    blocks = FrameBuilder(part_rows)
    for i in range(0, len(rows), chunk):
        blocks.add_block(pickle.loads(pickle.dumps(ColumnBlock.of(rows[i:i + chunk]))))
    return one.frames(), blocks.frames()


@pytest.fixture(scope="module")
def abp_rows(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """Rows of the first 200 ABP articles."""
    src = shared_path("abp", "abp_articles.jsonl.gz")
    dst = tmp_path_factory.mktemp("abp") / "abp_200.jsonl.gz"
    with gzip.open(src, "rt", encoding="utf-8") as fin, gzip.open(dst, "wt", encoding="utf-8") as fout:
        fout.writelines(itertools.islice(fin, 200))
    arts = [a for a in iter_ingest([str(dst)]) if isinstance(a, Article)]
    return [extract_rows(a) for a in arts]


@pytest.mark.shared_data
@pytest.mark.parametrize("chunk, part_rows", [(64, 50_000), (7, 300), (1, 1_000)])
def test_blocks_give_the_same_tables_on_abp(abp_rows: list[dict], chunk: int, part_rows: int) -> None:
    one, blocks = both_ways(abp_rows, chunk, part_rows)
    assert len(one["figures"]) > 100 and len(one["attributions"]) > 100
    assert_same(one, blocks)


def test_keys_that_appear_late_or_go_missing_are_filled_as_rows_would_be() -> None:
    # A column first met in a later block, one a block lacks, and values whose dtype a part
    # alone would infer differently (ints then a float; all None then strings; bools then None).
    rows = [
        {"articles": [{"article_id": "a", "n": 1}], "figures": [{"article_id": "a", "index": 0, "value": 3}]},
        {"articles": [{"article_id": "b", "n": 2}], "figures": []},
        {"articles": [{"article_id": "c", "n": 3, "extra": "x"}],
         "figures": [{"article_id": "c", "index": 0, "value": 2.5, "flag": True, "note": None}]},
        {"articles": [{"article_id": "d", "n": 4}],
         "figures": [{"article_id": "d", "index": 0, "value": 1, "flag": None, "note": "late"}]},
        {"articles": [{"article_id": "e"}], "dates": [{"article_id": "e", "index": 0, "text": "Monday"}]},
    ]
    for chunk in (1, 2, 3, 5):
        for part_rows in (1, 2, 100):
            one, blocks = both_ways(rows, chunk, part_rows)
            assert_same(one, blocks)


def test_block_partition_reports_progress_per_article() -> None:
    arts = [Article(article_id=f"a{i}", text=f"About {100 + i} people were killed on Monday, police said.",
                    source="-") for i in range(5)]
    done: list[int] = []
    parts = list(map_extract(arts, workers=1, chunk_size=2, on_done=done.append, partition=block_partition))
    assert [p.block.counts["articles"] for p in parts] == [2, 2, 1] and sum(done) == 5
    assert all(p.records == [] for p in parts)
    with_store = block_partition(arts[:2], store=True)[0]
    assert [r.article_id for r in with_store.records] == ["a0", "a1"]


def test_bounded_map_counts_the_articles_of_each_partition_whatever_it_returns() -> None:
    class Done:
        def __init__(self, value: list) -> None:
            self.value = value

        def get(self) -> list:
            return self.value

    done: list[int] = []
    parts = [[1, 2, 3], [4, 5], [6]]
    out = list(ordered_bounded(parts, lambda part: Done([sum(part)]), 2, done.append))
    assert out == [6, 9, 6] and done == [3, 2, 1]
