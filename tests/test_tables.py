"""``pipeline.load``: a run's tables as DataFrames with usable dtypes, from files or folders of parts."""

import shutil

import pandas as pd
import pyarrow.parquet as pq
import pytest

import pipeline
from pipeline.writing.schema import TABLES
from pipeline.writing.tables import RunNotFoundError, load_table, table_files


@pytest.fixture(scope="module")
def demo(demo_run):
    return pipeline.load(demo_run)


def test_every_table_with_its_schema_columns(demo, demo_run):
    assert list(demo) == list(TABLES)
    for name, schema in TABLES.items():
        assert list(demo[name].columns) == schema.names, name
        assert len(demo[name]) == pq.read_metadata(demo_run / f"{name}.parquet").num_rows
    assert demo.mentions is demo["mentions"]
    assert demo.metadata["counts"]["documents"] == {"ok": 1}
    assert len(demo.mentions) > 10


def test_dtypes_are_nullable_and_lists_are_lists(demo):
    docs, mentions, entities, corpus = demo.documents, demo.mentions, demo.entities, demo.corpus_entities
    assert docs.line.dtype == "Int64" and docs.line.isna().all()  # a .txt file has no line
    assert docs.n_tokens.dtype == "Int64" and docs.text.dtype == "string" and docs.error.isna().all()
    assert mentions.sentence_id.dtype == "Int64" and mentions.start_char.dtype == "Int64"
    assert mentions.score.dtype == "Float64" and mentions.label.dtype == "string"
    assert mentions.kb_id.isna().any() and mentions.kb_id[mentions.kb_id.isna()].iloc[0] is pd.NA
    for frame in (entities, corpus):
        assert frame.aliases.dtype == object
        # Plain lists of str (not numpy arrays): `==` with a list and json.dumps work on them.
        assert {type(a) for a in frame.aliases} == {list} and {type(s) for a in frame.aliases for s in a} == {str}
    islamic_state = corpus.set_index("name").loc["Islamic State"]
    assert islamic_state.aliases == ["IS", "Islamic State"]
    # Joins work without casting: sentence ids have one type in both tables.
    joined = mentions.merge(demo.sentences, on=["doc_id", "sentence_id"], suffixes=("", "_sentence"))
    assert len(joined) == len(mentions)
    assert all(s <= m < e for m, s, e in zip(joined.start_char, joined.start_char_sentence, joined.end_char_sentence))


def test_folder_of_parts_reads_like_one_file(demo_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(demo_run, run)
    mentions = pq.read_table(run / "mentions.parquet")
    (run / "mentions.parquet").unlink()
    parts = run / "mentions"
    parts.mkdir()
    # part.10 sorts after part.2 by number, not by string; Dask's _metadata is not a part.
    bounds = [(0, 5, "part.0"), (5, 10, "part.2"), (10, mentions.num_rows, "part.10")]
    for start, stop, stem in bounds:
        pq.write_table(mentions.slice(start, stop - start), parts / f"{stem}.parquet")
    pq.write_table(mentions.slice(0, 1), parts / "_metadata.parquet")
    assert [p.stem for p in table_files(run, "mentions")] == ["part.0", "part.2", "part.10"]
    pd.testing.assert_frame_equal(pipeline.load(run).mentions, pipeline.load(demo_run).mentions)
    assert list(load_table(run, "mentions", columns=["text", "label"]).columns) == ["text", "label"]


def test_dask_style_folder_named_like_the_file(demo_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(demo_run, run)
    entities = pq.read_table(run / "entities.parquet")
    (run / "entities.parquet").unlink()
    (run / "entities.parquet").mkdir()
    pq.write_table(entities, run / "entities.parquet" / "part.0.parquet")
    pd.testing.assert_frame_equal(pipeline.load(run).entities, pipeline.load(demo_run).entities)


def test_file_and_folder_for_one_table_is_an_error(demo_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(demo_run, run)
    (run / "sentences").mkdir()
    with pytest.raises(ValueError, match="stored twice.*remove the stale one"):
        pipeline.load(run)


def test_missing_table_loads_empty_and_no_tables_is_an_error(demo_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(demo_run, run)
    (run / "sentences.parquet").unlink()
    loaded = pipeline.load(run)
    assert loaded.sentences.empty and list(loaded.sentences.columns) == TABLES["sentences"].names
    assert loaded.sentences.sentence_id.dtype == "Int64"
    with pytest.raises(RunNotFoundError, match="none of the tables"):
        pipeline.load(tmp_path)
    with pytest.raises(RunNotFoundError, match="not found"):
        pipeline.load(tmp_path / "nowhere")
