"""Input ranges: batches that carry record ranges, not text, read where they run, give exactly the
articles, ids, warnings and error rows of one sequential read."""

import json
import pickle
from dataclasses import asdict

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.engines.batch import batches
from pipeline.readers import ArticleReader
from pipeline.readers.ranges import InputChangedError, plan_ranges

TEXTS = ["Syria's Foreign Minister Asaad al-Shaibani visited Baghdad.", "Fuad Hussein met him in Baghdad.", "Orléans and Zürich."]


@pytest.fixture
def corpus(tmp_path):
    """Every format, with what a reader must get right wherever a range starts: blank and
    malformed JSON lines, a non-UTF-8 line (a warning), CSV records over several lines, a lone
    CR, a quote never closed, Parquet row groups, duplicate ids across files."""
    folder = tmp_path / "in"
    folder.mkdir()
    lines = [json.dumps({"id": f"j{i % 4}", "text": TEXTS[i % 3]}) for i in range(9)]
    lines[3:3] = ["", "{broken"]
    raw = ("\n".join(lines) + "\n").encode() + '{"id": "latin", "text": "Genève ou Orléans"}\n'.encode("cp1252") + b'{"text": "no id"}\n'
    (folder / "a.jsonl").write_bytes(raw)
    (folder / "b.csv").write_bytes(
        b'id,text\nc1,"A record\nover two lines."\nj1,Baghdad.\r c3,after a lone CR\nc4,"never closed\nc5,Fuad Hussein.\nc6,Zagreb.\n'
    )
    table = pa.table({"id": [f"p{i % 3}" for i in range(7)], "text": [TEXTS[i % 3] for i in range(7)]})
    pq.write_table(table, folder / "c.parquet", row_group_size=3)
    (folder / "d.txt").write_text("Headline\nBaghdad talks.", encoding="utf8")
    (folder / "j0.txt").write_text("Headline\nA file whose id repeats a record's.", encoding="utf8")
    return folder


def sequential(corpus):
    reader = ArticleReader()
    return reader, [asdict(article) for article in reader.read([corpus])]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 100])
def test_ranges_read_elsewhere_equal_one_sequential_read(corpus, size):
    expected_reader, expected = sequential(corpus)
    reader = ArticleReader()
    planned = list(plan_ranges(reader, [corpus], size))
    # Every batch crosses a process boundary as a pickle, read on the other side.
    read = [pickle.loads(pickle.dumps(ranges)).read() for ranges in planned]
    assert [asdict(article) for articles, _ in read for article in articles] == expected
    # Batches of ``size``, but where a batch would end just before the record after the lone CR
    # (it cannot start a range): that record joins the batch.
    sizes = [len(ranges) for ranges in planned]
    assert sum(sizes) == len(expected) and all(n >= size for n in sizes[:-1]) and 0 < sizes[-1] <= size + 1
    assert sum(n > size for n in sizes) <= 1
    if size == 1:
        assert sizes.count(2) == 1
    warnings = list(dict.fromkeys(w for _, batch_warnings in read for w in batch_warnings))
    assert warnings == expected_reader.warnings and warnings  # the cp1252 line's guess
    assert reader.renamed_ids == expected_reader.renamed_ids and ("j0", "j0~2") in reader.renamed_ids
    assert reader.skipped == expected_reader.skipped
    assert any(article["error"] for article in expected)  # error rows are in the comparison


def test_ranges_leave_out_what_a_resumed_run_did(corpus):
    _, expected = sequential(corpus)
    done = {article["doc_id"] for article in expected[2:9]} | {expected[-2]["doc_id"]}
    reader = ArticleReader()
    got = [[a.doc_id for a in ranges.read()[0]] for ranges in plan_ranges(reader, [corpus], 4, skip=done)]
    articles = ArticleReader().read([corpus])
    assert got == [[a.doc_id for a in batch.articles] for batch in batches(articles, 4, skip=done)]


def test_batches_carry_ranges_and_the_planner_reads_no_text(corpus, monkeypatch):
    def no_text(*args, **kwargs):
        raise AssertionError("planning read article text")

    for name in ("_read_txt", "_read_html"):
        monkeypatch.setattr(ArticleReader, name, no_text)
    monkeypatch.setattr("pipeline.readers.fix_mojibake", no_text)
    monkeypatch.setattr("pipeline.readers.clean_text", no_text)
    planned = list(plan_ranges(ArticleReader(), [corpus], 3))
    sent = b"".join(pickle.dumps(ranges) for ranges in planned)
    assert not any(text.encode() in sent for text in TEXTS)


def test_a_file_that_shrank_since_planning_is_an_error(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "text": "x"}) + "\n" for i in range(4)), encoding="utf8")
    planned = list(plan_ranges(ArticleReader(), [path], 2))
    path.write_text(json.dumps({"id": "0", "text": "x"}) + "\n", encoding="utf8")
    with pytest.raises(InputChangedError, match="changed while the run read it"):
        planned[1].read()
