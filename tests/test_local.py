"""The local engine: several worker processes write exactly what one process writes."""

import json

import pytest

from conftest import ENGINE_OVERRIDES, assert_same_tables, read_tables
from pipeline.run import run_pipeline


@pytest.mark.slow
def test_two_processes_equal_one(engine_corpus, single_process_tables, tmp_path):
    result = run_pipeline([engine_corpus], tmp_path / "out", overrides=ENGINE_OVERRIDES, n_process=2)
    assert result.documents == {"ok": 14, "error": 1}
    assert json.loads((tmp_path / "out" / "run.json").read_text())["n_process"] == 2
    assert_same_tables(single_process_tables, read_tables(tmp_path / "out"))


def test_pool_needs_the_config(nlp, tmp_path):
    from pipeline.engines.local import process_articles
    from pipeline.readers import Article
    from pipeline.resolve import CorpusResolver
    from pipeline.writer import Staging

    arts = [Article(doc_id=str(i), path="x", location="x", text="Baghdad.") for i in range(2)]
    with pytest.raises(ValueError, match="pipeline_config"):
        process_articles(nlp, arts, Staging(tmp_path / "out"), CorpusResolver(), batch_size=1, n_process=2)
