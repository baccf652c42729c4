"""process_batch: one batch of articles to tables, inside a memory zone, every article accounted for."""

from pipeline.engines.batch import batches, process_batch
from pipeline.readers import Article
from pipeline.readers.article import failed


def article(doc_id: str, text: str) -> Article:
    return Article(doc_id=doc_id, path="x.jsonl", location=f"x.jsonl:{doc_id}", text=text)


def test_rows_and_summaries_for_a_batch(nlp):
    arts = [
        article("1", "Syria's Foreign Minister Asaad al-Shaibani visited Baghdad."),
        failed("2", "x.jsonl", "x.jsonl:2", "malformed JSON"),
        article("3", "Shaibani met Fuad Hussein in Baghdad."),
    ]
    result = process_batch(nlp, arts)
    docs = result.tables["documents"].to_pydict()
    assert docs["doc_id"] == ["1", "2", "3"]
    assert docs["status"] == ["ok", "error", "ok"]
    assert result.n_docs == 3 and result.n_words == sum(docs["n_tokens"][i] for i in (0, 2))
    names = {key[1] for key in result.resolver.mentions}
    assert {"Asaad al-Shaibani", "Baghdad"} <= names
    assert result.tables["mentions"].num_rows >= 4


def test_strings_do_not_accumulate_across_batches(nlp):
    process_batch(nlp, [article("warm", "Warm up in Baghdad.")])
    before = len(nlp.vocab.strings)
    for i in range(3):
        words = " ".join(f"Zqx{i}w{j}" for j in range(50))
        process_batch(nlp, [article(str(i), f"Minister Yzz{i} Qorbani met {words} in Baghdad.")])
    assert len(nlp.vocab.strings) == before


def test_batches_skip_and_split():
    arts = [article(str(i), "x") for i in range(7)]
    got = [[a.doc_id for a in b] for b in batches(arts, 3, skip={"1"})]
    assert got == [["0", "2", "3"], ["4", "5", "6"]]
