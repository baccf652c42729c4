"""Property: whatever the text, every mention's offsets point at its text, and nothing crashes.

Random text (any Unicode, control characters and lone surrogates included) goes through the
reader (JSONL and .txt files), a blank English pipeline with the project's stages after a
component that places entity spans at random token boundaries, the long-document chunker,
and the row builder. Fast: no trained model.
"""

import json
import random
import tempfile
from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.base.chunking import Chunker
from pipeline.readers import Article, ArticleReader
from pipeline.writing.rows import Rows

LABELS = ["PERSON", "ORG", "GPE", "LOC", "DATE"]


class RandomEntities:
    """Entity spans at random token boundaries (the stand-in for a recogniser)."""

    def __init__(self) -> None:
        self.rng = random.Random(0)

    def __call__(self, doc: Doc) -> Doc:
        spans, token = [], 0
        while token < len(doc):
            token += self.rng.randint(0, 3)
            length = self.rng.randint(1, 4)
            if token + length <= len(doc):
                spans.append(Span(doc, token, token + length, label=self.rng.choice(LABELS)))
            token += length
        doc.ents = spans
        return doc


@Language.factory("test_random_entities")
def make_random_entities(nlp: Language, name: str) -> RandomEntities:
    return RandomEntities()


@pytest.fixture(scope="module")
def random_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("test_random_entities")
    nlp.add_pipe("news_span_cleanup", config={"model_component": "test_random_entities"})
    nlp.add_pipe("news_label_mapper")
    nlp.add_pipe("news_alias_linker")
    nlp.initialize()
    return nlp


#: Any code point, surrogates included; words and whitespace often, so that entities form.
CHARACTERS = st.one_of(
    st.characters(codec=None, categories=None),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    st.sampled_from(list(" \n\r\t\x00\x0c\u00a0\u2028©—’.")),
    st.sampled_from(["Baghdad", "Asaad al-Shaibani", "Shaibani", "IS", "Islamic State (IS)", "U.S.", "the"]),
)
TEXTS = st.lists(CHARACTERS, max_size=80).map("".join)


def check_rows(rows: Rows, text: str) -> None:
    tables = rows.to_tables()  # every value fits the schema (UTF-8 strings included)
    (doc_text,) = tables["documents"].column("text").to_pylist()
    assert doc_text == text
    for name in ("mentions", "sentences"):
        for row in tables[name].to_pylist():
            assert 0 <= row["start_char"] <= row["end_char"] <= len(text)
            assert text[row["start_char"] : row["end_char"]] == row["text"], (name, row)
    mentions = tables["mentions"].to_pylist()
    assert all(m["start_char"] < m["end_char"] and any(c.isalpha() for c in m["text"]) for m in mentions)
    entities = {e["entity_id"]: e for e in tables["entities"].to_pylist()}
    assert {m["entity_id"] for m in mentions} == set(entities)
    for entity in entities.values():
        assert text[entity["first_char"] :].startswith(next(m["text"] for m in mentions if m["entity_id"] == entity["entity_id"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, seed=st.integers(0, 2**32), max_chars=st.integers(1, 40))
def test_offsets_are_always_valid(random_nlp, text, seed, max_chars):
    reader = ArticleReader()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.jsonl"
        path.write_text(json.dumps({"id": "x", "text": text}) + "\n", encoding="utf8")
        (Path(folder) / "in.txt").write_bytes(text.encode("utf8", "surrogatepass"))
        articles = list(reader.read([Path(folder)]))
    assert [a.doc_id for a in articles] == ["x", "in"]  # one record each, never dropped
    for article in articles:
        if not article.ok:
            assert article.error and article.doc_id  # reported, not dropped
            continue
        article.text.encode("utf8")  # no lone surrogates left
        for make in (random_nlp, lambda t: Chunker(max_chars=max_chars)(random_nlp, t)):
            random_nlp.get_pipe("test_random_entities").rng.seed(seed)
            doc = make(article.text)
            assert doc.text == article.text
            rows = Rows()
            rows.add_doc(doc, article)
            check_rows(rows, article.text)


def test_the_property_exercises_mentions(random_nlp):
    """The random stand-in recogniser does produce mentions that reach the rows (so the property
    above checks something), chunked and whole."""
    text = "Asaad al-Shaibani visited Baghdad.\r\nShaibani met IS officials in the U.S. embassy. " * 3
    for make in (random_nlp, lambda t: Chunker(max_chars=30)(random_nlp, t)):
        random_nlp.get_pipe("test_random_entities").rng.seed(1)
        rows = Rows()
        rows.add_doc(make(text), Article(doc_id="d", path="p", location="p", text=text))
        check_rows(rows, text)
        assert len(rows.mentions["doc_id"]) > 5
