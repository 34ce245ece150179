"""Engines: the local and the Dask engine run the same stage functions and give identical tables.

The Dask tests start a real ``dask.distributed.LocalCluster`` (2 worker processes) on
127.0.0.1; nothing leaves the loopback interface (the autouse no-network guard would fail).
"""

from __future__ import annotations

import gzip
import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, shared_path
from typer.testing import CliRunner

from provenance import pipeline
from provenance.cli import app
from provenance.config import load_config
from provenance.engine import map_articles
from provenance.engine.local import map_extract
from provenance.errors import EngineError
from provenance.extract import actors
from provenance.models import Article

distributed = pytest.importorskip("distributed")

SAMPLE = REPO / "corpora" / "sample"
ABP = ("abp", "abp_articles.jsonl.gz")
# 600 real articles: enough for several engine chunks, duplicates and figure blocks; 5,000 made this
# one test most of the suite's time on a slow CI host (two full extractions of the slice). The
# issue's 5,000 is run by hand: PROVENANCE_ABP_SLICE=5000 python -m pytest tests/test_engine.py -k abp
ABP_SLICE = int(os.environ.get("PROVENANCE_ABP_SLICE", "600"))
runner = CliRunner()


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """Scheduler address of a 2-worker LocalCluster on loopback (shared by this module)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0", worker_dashboard_address="127.0.0.1:0") as lc:
        yield lc.scheduler_address


def corpus(tmp_path: Path) -> list[str]:
    """The bundled sample corpus, or (in a checkout without it) a few articles written here."""
    if SAMPLE.is_dir():
        return [str(SAMPLE)]
    d = tmp_path / "corpus"
    d.mkdir()
    # Constructions modelled on the seed articles: dateline, "according to", a repeated quote.
    (d / "a.txt").write_text(
        "# Toll rises to 212\n\nMarrow Bay, March 4 (MWS)-- At least 212 people were killed, the Health "
        "Ministry said on Monday. \"We will rebuild,\" the minister said.\n", encoding="utf-8")
    (d / "b.csv").write_text(
        "outlet,published,text\nRadio Lumen,2024-03-06,\"More than 200 people died, according to the ministry.\"\n"
        "The Evening Ledger,2024-03-07,\"230 killed, a figure that could not be independently verified.\"\n",
        encoding="utf-8")
    return [str(d)]


def settings(**engine: object) -> dict:
    """Packaged settings with ``[engine]`` keys overridden."""
    return load_config(overrides={"engine": engine})


def assert_same_frames(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    """Every table identical: same keys, rows, columns, dtypes and values."""
    assert sorted(a) == sorted(b)
    for name, frame in a.items():
        pd.testing.assert_frame_equal(frame, b[name], check_exact=True, obj=name)


def test_local_engine_reads_ahead_by_a_bounded_amount() -> None:
    consumed = 0

    def articles() -> Iterator[Article]:
        nonlocal consumed
        for i in range(200):
            consumed += 1
            yield Article(article_id=f"a{i}", text="Nothing here.", source="-")

    it = map_extract(articles(), workers=2, chunk_size=3)
    next(it)
    # 2 x workers chunks in flight, not the whole input (Pool.imap would queue all 200).
    assert consumed <= 2 * 2 * 3 + 3
    assert len(list(it)) == 199


def test_local_processes_equal_in_process(tmp_path: Path) -> None:
    inputs = corpus(tmp_path)
    one = pipeline.collect(inputs, config=settings(workers=1))
    two = pipeline.collect(inputs, config=settings(workers=2, chunk_size=1))
    assert_same_frames(one, two)


def test_unknown_engine_and_missing_scheduler_are_errors() -> None:
    arts = [Article(article_id="a", text="Nothing here.", source="-")]
    with pytest.raises(EngineError, match="unknown engine 'spark'"):
        list(map_articles(arts, engine="spark"))
    with pytest.raises(EngineError, match=r"--engine dask needs --scheduler ADDRESS"):
        list(map_articles(arts, engine="dask"))


def test_cli_engine_options_are_checked(tmp_path: Path) -> None:
    out = str(tmp_path / "r")
    res = runner.invoke(app, ["run", *corpus(tmp_path), "--out", out, "--engine", "spark", "--quiet"])
    assert res.exit_code == 2 and "use local or dask" in res.output
    res = runner.invoke(app, ["run", *corpus(tmp_path), "--out", out, "--engine", "dask", "--quiet"])
    assert res.exit_code == 2
    assert res.stderr.strip() == ("Error: --engine dask needs --scheduler ADDRESS (e.g. tcp://127.0.0.1:8786). "
                                  "Start one with `dask scheduler` and `dask worker ADDRESS`.")


def test_dask_equals_local_on_sample(cluster: str, tmp_path: Path) -> None:
    inputs = corpus(tmp_path)
    local = pipeline.collect(inputs, config=settings(workers=2, chunk_size=1))
    dask = pipeline.collect(inputs, config=settings(engine="dask", scheduler=cluster, partition_size=2))
    assert_same_frames(local, dask)


def test_dask_workers_get_the_user_aliases(cluster: str, tmp_path: Path) -> None:
    """``--actors`` files travel with the tasks: a Dask worker starts with the packaged registry."""
    d = tmp_path / "c"
    d.mkdir()
    (d / "a.txt").write_text("# Flood\n\nThe dam office said on Tuesday that 12 people were missing.\n", encoding="utf-8")
    f = tmp_path / "mine.csv"
    f.write_text("canonical,type,aliases,affiliation\nMarrow Water Authority,agency,the dam office,\n", encoding="utf-8")
    cfg = settings(engine="dask", scheduler=cluster, partition_size=1)
    frames = pipeline.collect([str(d)], config=cfg, actors_files=[f])
    assert list(frames["attributions"]["source_canonical"]) == ["Marrow Water Authority"]
    local = pipeline.collect([str(d)], config=settings(workers=1), actors_files=[f])
    assert_same_frames(local, frames)
    # The workers serve the next run too: without --actors it must not see these aliases.
    actors.reset_registry()
    plain = pipeline.collect([str(d)], config=cfg)
    assert "Marrow Water Authority" not in set(plain["attributions"]["source_canonical"])
    assert_same_frames(pipeline.collect([str(d)], config=settings(workers=1)), plain)


def test_cli_run_dask_writes_the_same_report(cluster: str, tmp_path: Path) -> None:
    inputs = corpus(tmp_path)
    a, b = tmp_path / "local", tmp_path / "dask"
    res = runner.invoke(app, ["run", *inputs, "--out", str(a), "--quiet", "--workers", "2"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["run", *inputs, "--out", str(b), "--quiet", "--engine", "dask", "--scheduler", cluster])
    assert res.exit_code == 0, res.output
    tables = sorted(p.name for p in a.glob("*.csv"))
    assert tables and tables == sorted(p.name for p in b.glob("*.csv"))
    for name in tables:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.fixture(scope="module")
def abp_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first ``ABP_SLICE`` rows of the ABP corpus as their own .jsonl.gz."""
    src = shared_path(*ABP)
    dst = tmp_path_factory.mktemp("abp") / f"abp_{ABP_SLICE}.jsonl.gz"
    with gzip.open(src, "rt", encoding="utf-8") as fin, gzip.open(dst, "wt", encoding="utf-8") as fout:
        fout.writelines(itertools.islice(fin, ABP_SLICE))
    return dst


@pytest.mark.slow
@pytest.mark.shared_data
def test_dask_equals_local_on_abp_slice(cluster: str, abp_slice: Path) -> None:
    from provenance.engine.dask import cluster_figures_by_block
    from provenance.match.claims import prepare_figures
    from provenance.match.cluster import FigureSettings, cluster_figures

    local = pipeline.collect([str(abp_slice)], config=settings(workers=2))
    dask = pipeline.collect([str(abp_slice)], config=settings(engine="dask", scheduler=cluster))
    arts = local["articles"]
    assert len(arts) + int(arts["duplicates"].sum()) + len(local["rejected"]) == ABP_SLICE
    assert_same_frames(local, dask)

    # Figure clustering shuffled by block key over the cluster = one call over all figures.
    figs = prepare_figures(local["figures"])
    fs = FigureSettings.from_config(load_config()["match"])
    with distributed.Client(cluster, set_as_default=False) as client:
        assert cluster_figures_by_block(figs, fs, client) == cluster_figures(figs, fs)
