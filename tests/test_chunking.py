"""Long documents: chunks cut at paragraph or sentence ends, rejoined with offsets intact."""

import pyarrow.parquet as pq
import pytest
from conftest import ROOT
from spacy.util import load_config_from_str
from test_config import CONFIG

from pipeline.base.chunking import Chunker, ChunkingError, chunk_bounds
from pipeline.commands.run import process
from pipeline.config.build import build_nlp, load_pipeline_config
from pipeline.config.settings import resolve_settings
from pipeline.corpus.resolve import CorpusResolver
from pipeline.engines.batch import batches
from pipeline.engines.local import InProcessEngine
from pipeline.readers import Article
from pipeline.writing.writer import Staging, table_path

PARAGRAPH = "Syria's Foreign Minister Asaad al-Shaibani met officials of the Islamic State (IS) in Baghdad. Talks went on."
LATER = "Later, Shaibani said IS had left Baghdad. The U.S. did not comment."


def test_chunks_cover_the_text_and_prefer_paragraphs():
    text = "\n\n".join([PARAGRAPH] * 3 + [LATER])
    bounds = chunk_bounds(text, 250)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
    assert all(0 < end - start <= 250 for start, end in bounds)
    # every cut is right after a blank line
    assert all(text[end - 2 : end] == "\n\n" for _, end in bounds[:-1])


def test_chunks_fall_back_to_sentences_then_spaces_then_characters():
    sentences = "One sentence here. Another one there! " * 10
    assert all(sentences[end - 2] in ".!" for _, end in chunk_bounds(sentences, 60)[:-1])
    words = "word " * 40
    assert all(words[end - 1] == " " for _, end in chunk_bounds(words, 23)[:-1])
    blob = "x" * 95
    assert chunk_bounds(blob, 30) == [(0, 30), (30, 60), (60, 90), (90, 95)]
    assert chunk_bounds("", 10) == [(0, 0)]
    with pytest.raises(ValueError):
        chunk_bounds("abc", 0)


@pytest.fixture(scope="module")
def rules_nlp():
    """The project's stages on a blank English pipeline, with patterns for the names used here."""
    return build_nlp(load_config_from_str(CONFIG))


def test_chunked_doc_equals_the_whole_doc(rules_nlp):
    text = "\n\n".join([PARAGRAPH, "Filler text without names. " * 8, LATER])
    whole = rules_nlp(text)
    chunked = Chunker(max_chars=120)(rules_nlp, text)
    assert chunked.text == text
    assert [(e.start_char, e.end_char, e.label_, e._.entity_id) for e in chunked.ents] == [
        (e.start_char, e.end_char, e.label_, e._.entity_id) for e in whole.ents
    ]
    assert all(text[e.start_char : e.end_char] == e.text for e in chunked.ents)
    # IS in the last chunk is linked to the acronym defined in the first one
    ids = {e.text: e._.entity_id for e in chunked.ents}
    assert ids["IS"] == ids["Islamic State"]
    assert [e._.component for e in chunked.ents] == [e._.component for e in whole.ents]


def test_a_failing_stage_names_itself(rules_nlp, monkeypatch):
    monkeypatch.setattr(type(rules_nlp.get_pipe("alias_linker")), "__call__", lambda self, doc: 1 / 0)
    with pytest.raises(ChunkingError, match="stage 'alias_linker' failed on the rejoined document: division by zero"):
        Chunker(max_chars=50)(rules_nlp, PARAGRAPH + "\n\n" + LATER)
    with pytest.raises(ChunkingError, match="stage 'alias_linker' failed on a chunk"):
        Chunker(max_chars=50, whole_document_from=None)(rules_nlp, PARAGRAPH + "\n\n" + LATER)


def test_config_section_builds_the_chunker():
    config = load_pipeline_config(ROOT / "configs" / "default.cfg", {"chunking.max_chars": 5000})
    assert resolve_settings(config).chunking == Chunker(max_chars=5000, whole_document_from="alias_linker")


def test_document_longer_than_max_length_is_processed_not_truncated(nlp, tmp_path):
    """With the default model: a document over nlp.max_length comes out whole, in one row."""
    text = "\n\n".join([PARAGRAPH] * 6 + [LATER])
    articles = [Article(doc_id="long", path="x", location="x:1", text=text), Article(doc_id="short", path="x", location="x:2", text=LATER)]
    staging = Staging(tmp_path / "out")
    previous = nlp.max_length
    nlp.max_length = 300  # spaCy would refuse the long text in one piece
    try:
        with pytest.raises(ValueError, match="E088"):
            nlp(text)
        n_docs, _ = process(InProcessEngine(nlp), batches(articles, 10), staging, CorpusResolver())
    finally:
        nlp.max_length = previous
    staging.compact(staging.batch_tables())
    out = staging.commit()
    docs = pq.read_table(table_path(out, "documents")).to_pandas().set_index("doc_id")
    mentions = pq.read_table(table_path(out, "mentions")).to_pandas()
    assert n_docs == 2 and list(docs.status) == ["ok", "ok"]
    assert docs.loc["long", "text"] == text and docs.loc["long", "n_chars"] == len(text)
    long = mentions[mentions.doc_id == "long"]
    assert all(text[s:e] == t for s, e, t in zip(long.start_char, long.end_char, long.text))
    assert long.start_char.max() > len(text) - len(LATER)  # mentions from the last chunk too
    assert (long.text == "Asaad al-Shaibani").sum() == 6
    # one entity for the six full names and the later surname
    assert long[long.text.isin(["Asaad al-Shaibani", "Shaibani"])].entity_id.nunique() == 1
