"""The Dask engine on a two-worker LocalCluster writes the same tables as the local engine."""

import json

import pytest

from conftest import ENGINE_OVERRIDES, assert_same_tables, read_tables
from pipeline.run import run_pipeline


@pytest.mark.slow
def test_dask_local_cluster_equals_local_engine(engine_corpus, single_process_tables, tmp_path):
    result = run_pipeline([engine_corpus], tmp_path / "out", overrides=ENGINE_OVERRIDES, n_process=2, engine="dask")
    assert result.documents == {"ok": 14, "error": 1}
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["engine"] == "dask"
    assert not (tmp_path / "out.staging").exists()
    assert_same_tables(single_process_tables, read_tables(tmp_path / "out"))


def test_unknown_engine_is_refused(tmp_path):
    with pytest.raises(ValueError, match="Unknown engine 'spark'"):
        run_pipeline([tmp_path], tmp_path / "out", engine="spark")


def test_scheduler_needs_the_dask_engine(tmp_path):
    with pytest.raises(ValueError, match="--engine dask"):
        run_pipeline([tmp_path], tmp_path / "out", scheduler="tcp://127.0.0.1:8786")
