"""The staging folder: crash-safe batches, resume bookkeeping, compaction and commit."""

import pyarrow.parquet as pq
import pytest

from pipeline.readers import Article
from pipeline.writing.rows import Rows
from pipeline.writing.schema import CORPUS_ENTITIES, TABLES
from pipeline.writing.writer import PARTS, InterruptedRunError, OutputExistsError, Staging, table_path


def batch_tables(*doc_ids):
    rows = Rows()
    for doc_id in doc_ids:
        rows.add_error(Article(doc_id=doc_id, path="x", location="x", error="x: unreadable"))
    return rows.to_tables()


def test_batches_compact_and_commit(tmp_path):
    staging = Staging(tmp_path / "out")
    staging.write("00000000", batch_tables("a", "b"))
    staging.write("00000001", batch_tables("c"))
    staging.compact(staging.batch_tables())
    staging.write_table("corpus_entities", CORPUS_ENTITIES.empty_table())
    out = staging.commit()
    assert pq.read_table(table_path(out, "documents")).column("doc_id").to_pylist() == ["a", "b", "c"]
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.parquet" for t in TABLES)
    assert not staging.path.exists()


def test_incomplete_batch_is_discarded_on_resume(tmp_path):
    staging = Staging(tmp_path / "out")
    staging.write("00000000", batch_tables("a"))
    # A crash between the parts and the marker: parts without a batches/ marker.
    pq.write_table(batch_tables("b")["documents"], staging.path / PARTS / "documents" / "00000001.parquet")
    with pytest.raises(InterruptedRunError, match="--resume"):
        Staging(tmp_path / "out")
    resumed = Staging(tmp_path / "out", resume=True)
    assert resumed.done_doc_ids() == {"a"}
    assert resumed.next_batch_number() == 1
    assert not (staging.path / PARTS / "documents" / "00000001.parquet").exists()


def test_existing_output_needs_overwrite(tmp_path):
    (tmp_path / "out").mkdir()
    with pytest.raises(OutputExistsError, match="--overwrite"):
        Staging(tmp_path / "out")
    Staging(tmp_path / "out", overwrite=True)


def test_nothing_to_resume(tmp_path):
    with pytest.raises(InterruptedRunError, match="Nothing to resume"):
        Staging(tmp_path / "out", resume=True)


def test_compact_writes_the_tables_it_is_given(tmp_path):
    """The writer computes nothing: what the run hands to ``compact`` is what is written."""
    staging = Staging(tmp_path / "out")
    staging.write("00000000", batch_tables("a", "b"))
    staging.write("00000001", batch_tables("c"))
    staging.compact({**t, "documents": t["documents"].slice(0, 1)} for t in staging.batch_tables())
    documents = pq.read_table(table_path(staging.path, "documents"))
    assert documents.column("doc_id").to_pylist() == ["a", "c"] and documents.schema == TABLES["documents"]


def test_commit_over_an_output_swaps_it_in_one_step(tmp_path, monkeypatch):
    """The output is never missing during a commit: the folders are swapped, not renamed twice."""
    from pathlib import Path

    import pipeline.writing.writer as writer

    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old", encoding="utf8")
    staging = writer.Staging(out, overwrite=True)
    (staging.path / "new.txt").write_text("new", encoding="utf8")
    swapped = []
    original = writer._exchange
    monkeypatch.setattr(writer, "_exchange", lambda a, b: swapped.append(b) or original(a, b))
    monkeypatch.setattr(Path, "rename", _no_rename_of(out, Path.rename))
    staging.commit()
    assert swapped == [out] and [p.name for p in out.iterdir()] == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def _no_rename_of(output, rename):
    def checked(self, target):
        assert self != output, "the output was renamed away (a moment without it)"
        return rename(self, target)

    return checked
