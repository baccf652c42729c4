"""What the report's charts count: entity keys, co-occurrence by sentence and document, places."""

import pandas as pd

from pipeline.report.stats import cooccurrence, entity_keys, places, top_entities
from report_fixtures import small_tables


def test_entity_keys_fall_back_to_entity_id():
    mentions = small_tables()["mentions"]
    assert list(entity_keys(mentions))[-2:] == ["PERSON:hussein", "b:E2"]


def test_cooccurrence_by_sentence_and_document():
    mentions = small_tables()["mentions"]
    by_sentence = {(a, b): n for a, b, n in cooccurrence(mentions).itertuples(index=False)}
    assert by_sentence[("LOC:baghdad", "PERSON:shaibani")] == 2  # two sentences, each counted once
    assert by_sentence[("PERSON:hussein", "PERSON:shaibani")] == 1
    assert all(a < b for a, b in by_sentence)
    by_document = cooccurrence(mentions, "document")
    assert by_document["count"].max() == 1
    only = cooccurrence(mentions, keys=["LOC:baghdad", "PERSON:shaibani"])
    assert list(zip(only.a, only.b, only["count"])) == [("LOC:baghdad", "PERSON:shaibani", 2)]


def test_top_entities_and_places():
    corpus = small_tables()["corpus_entities"]
    assert list(top_entities(corpus, 2, by="doc_count").name) == ["Fuad Hussein", "Asaad al-Shaibani"]
    assert list(top_entities(corpus, 5, label="LOC").name) == ["Baghdad"]
    assert list(places(corpus).name) == ["Baghdad"]
    corpus.loc[0, ["latitude", "longitude"]] = [123.0, 10.0]  # out of range: not a place
    assert list(places(corpus).name) == ["Baghdad"]
    assert places(small_tables(with_coordinates=False)["corpus_entities"]).empty
    assert isinstance(places(corpus), pd.DataFrame)
