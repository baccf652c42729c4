"""process_batch: one batch of articles to tables, inside a memory zone, every article accounted for."""

import copy

from spacy.language import Language

from pipeline.engines.batch import Batch, batches, process_batch
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
    given = copy.deepcopy(arts)
    result = process_batch(nlp, Batch("00000000", arts))
    assert arts == given  # results are returned, never written into the reader's articles
    assert result.key == "00000000" and result.errors == {}
    docs = result.tables["documents"].to_pydict()
    assert docs["doc_id"] == ["1", "2", "3"]
    assert docs["status"] == ["ok", "error", "ok"]
    assert result.n_docs == 3 and result.n_words == sum(docs["n_tokens"][i] for i in (0, 2))
    names = {key[1] for key in result.resolver.mentions}
    assert {"Asaad al-Shaibani", "Baghdad"} <= names
    assert result.tables["mentions"].num_rows >= 4


def test_strings_do_not_accumulate_across_batches(nlp):
    process_batch(nlp, Batch("0", [article("warm", "Warm up in Baghdad.")]))
    before = len(nlp.vocab.strings)
    for i in range(3):
        words = " ".join(f"Zqx{i}w{j}" for j in range(50))
        process_batch(nlp, Batch(str(i), [article(str(i), f"Minister Yzz{i} Qorbani met {words} in Baghdad.")]))
    assert len(nlp.vocab.strings) == before


def test_a_pipelines_first_batch_keeps_its_words_later_batches_free_theirs():
    import spacy

    nlp = spacy.blank("en")
    process_batch(nlp, Batch("0", [article("0", "Qwfirstword met Qwsecondword.")]))
    assert "Qwfirstword" in nlp.vocab.strings  # made once, kept for the batches to come
    kept = len(nlp.vocab.strings)
    for i in range(2):
        process_batch(nlp, Batch(str(i + 1), [article(str(i + 1), f"Qwfirstword met Zxlater{i}.")]))
        assert f"Zxlater{i}" not in nlp.vocab.strings and len(nlp.vocab.strings) == kept


def test_batches_skip_and_split():
    arts = [article(str(i), "x") for i in range(7)]
    got = [(b.key, [a.doc_id for a in b.articles]) for b in batches(arts, 3, skip={"1"}, first=7)]
    assert got == [("00000007", ["0", "2", "3"]), ("00000008", ["4", "5", "6"])]


class Brittle:
    """Like spaCy's compiled components: ``pipe`` raises out of ``nlp.pipe`` (no error handler)."""

    def __call__(self, doc):
        if "BOOM" in doc.text:
            raise RuntimeError("cannot tag this")
        return doc

    def pipe(self, docs, batch_size=128):
        for doc in docs:
            yield self(doc)


@Language.factory("test_brittle")
def make_brittle(nlp, name):
    return Brittle()


def test_a_stage_raising_out_of_pipe_loses_one_document_not_the_batch(blank):
    blank.add_pipe("test_brittle")
    arts = [article("1", "Baghdad is calm."), article("2", "A BOOM in Baghdad."), article("3", "Ankara too.")]
    result = process_batch(blank, Batch("0", arts))
    docs = result.tables["documents"].to_pydict()
    assert docs["doc_id"] == ["1", "2", "3"] and docs["status"] == ["ok", "error", "ok"]
    assert docs["error"][1] == "x.jsonl:2: stage 'test_brittle' failed on document '2': cannot tag this"
    assert result.errors == {"2": docs["error"][1]}
    assert result.n_words == 4 + 3 and all(a.error is None for a in arts)
