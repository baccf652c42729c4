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


def _batches(texts_per_batch: list[list[str]]) -> list:
    from pipeline.engines.batch import Batch
    from pipeline.readers import Article

    return [
        Batch(f"{number:08d}", [Article(doc_id=f"{number}-{i}", path="x", location=f"x:{number}-{i}", text=text) for i, text in enumerate(texts)])
        for number, texts in enumerate(texts_per_batch)
    ]


BATCH_TEXTS = [["Barack Obama visited Baghdad."], ["Angela Merkel met Emmanuel Macron in Paris.", "Nothing here."], ["Reuters reported it."]]


def test_in_process_batches_with_the_helper_thread_equal_one_at_a_time(nlp):
    import threading

    from pipeline.engines.batch import process_batch
    from pipeline.engines.local import InProcessEngine

    readers = []
    batches = _batches(BATCH_TEXTS)
    for batch in batches:  # record which thread reads each batch's input
        read = batch.read
        batch.read = lambda read=read: (readers.append(threading.current_thread().name), read())[1]
    results = list(InProcessEngine(nlp).map(batches))
    one_at_a_time = [process_batch(nlp, batch) for batch in _batches(BATCH_TEXTS)]
    assert [r.key for r in results] == ["00000000", "00000001", "00000002"]  # input order
    for got, expected in zip(results, one_at_a_time):
        assert (got.n_docs, got.n_words, got.errors, got.warnings) == (expected.n_docs, expected.n_words, expected.errors, expected.warnings)
        assert all(got.tables[name].equals(expected.tables[name]) for name in expected.tables)
        assert got.resolver.mentions == expected.resolver.mentions
    assert len(readers) == 3 and all(name.startswith("news-batch-io") for name in readers)  # read ahead, in the helper


def test_an_unreadable_batch_fails_the_run_after_the_batches_before_it(nlp):
    from pipeline.engines.local import InProcessEngine
    from pipeline.readers.ranges import InputChangedError

    batches = _batches(BATCH_TEXTS)

    def unreadable():
        raise InputChangedError("corpus.jsonl changed while the run read it (3 records from 0, 9 planned)")

    batches[2].read = unreadable
    results = InProcessEngine(nlp).map(batches)
    assert [next(results).key, next(results).key] == ["00000000", "00000001"]  # written before the error is raised
    with pytest.raises(InputChangedError, match="corpus.jsonl changed"):
        next(results)


def test_an_error_making_a_batch_s_tables_in_the_helper_is_raised_in_the_run(nlp, monkeypatch):
    import pipeline.engines.local as local

    original = local.batch_result

    def failing(key, rows, warnings):
        if key == "00000001":
            raise ValueError(f"batch {key}: a table could not be made")
        return original(key, rows, warnings)

    monkeypatch.setattr(local, "batch_result", failing)
    results = local.InProcessEngine(nlp).map(_batches(BATCH_TEXTS))
    assert next(results).key == "00000000"
    with pytest.raises(ValueError, match="batch 00000001: a table could not be made"):
        next(results)
