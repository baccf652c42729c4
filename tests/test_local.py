"""The local engine: several worker processes write exactly what one process writes."""

import json

import pytest
from conftest import ENGINE_OVERRIDES, assert_same_tables, read_tables

from pipeline.commands.run import run_pipeline


@pytest.mark.slow
def test_two_processes_equal_one(engine_corpus, single_process_tables, tmp_path):
    result = run_pipeline([engine_corpus], tmp_path / "out", overrides=ENGINE_OVERRIDES, n_process=2)
    assert result.documents == {"ok": 14, "error": 1}
    assert json.loads((tmp_path / "out" / "run.json").read_text())["n_process"] == 2
    assert_same_tables(single_process_tables, read_tables(tmp_path / "out"))


def test_a_pool_with_one_batch_stays_in_this_process(nlp):
    from pipeline.engines.batch import Batch
    from pipeline.engines.local import PoolEngine
    from pipeline.readers import Article

    batch = Batch("00000000", [Article(doc_id="1", path="x", location="x", text="Baghdad.")])
    # No config to build workers from: a pool would fail, so this passes only in this process.
    results = list(PoolEngine(nlp, "not a config", n_process=2).map([batch]))
    assert [(r.key, r.n_docs) for r in results] == [("00000000", 1)]
