"""What the report's charts count: entity keys, co-occurrence by sentence and document, places."""

from report_fixtures import small_tables

from pipeline.report.stats import cooccurrence, entity_keys, has_coordinates, places, top_entities


def rows(pairs) -> list[tuple[str, str, int]]:
    return list(zip(pairs["a"], pairs["b"], pairs["count"]))


def test_entity_keys_fall_back_to_entity_id():
    mentions = small_tables()["mentions"]
    assert list(entity_keys(mentions))[-2:] == ["PERSON:hussein", "b:E2"]
    assert list(entity_keys(mentions.drop(columns="canonical_id"))[:2]) == ["a:E1", "a:E2"]


def test_cooccurrence_by_sentence_and_document():
    mentions = small_tables()["mentions"]
    # Shaibani and Baghdad share sentences 0 and 1 of article a; most shared first, then by key.
    assert rows(cooccurrence(mentions)) == [
        ("LOC:baghdad", "PERSON:shaibani", 2),
        ("LOC:baghdad", "PERSON:hussein", 1),
        ("PERSON:hussein", "PERSON:shaibani", 1),
        ("PERSON:hussein", "b:E2", 1),
    ]
    assert rows(cooccurrence(mentions, "document")) == [
        ("LOC:baghdad", "PERSON:hussein", 1),
        ("LOC:baghdad", "PERSON:shaibani", 1),
        ("PERSON:hussein", "PERSON:shaibani", 1),
        ("PERSON:hussein", "b:E2", 1),
    ]
    only = cooccurrence(mentions, keys=["LOC:baghdad", "PERSON:shaibani"])
    assert rows(only) == [("LOC:baghdad", "PERSON:shaibani", 2)]


def test_top_entities():
    corpus = small_tables()["corpus_entities"]
    # All three have 2 mentions: ties go to more articles, then to the name.
    assert list(top_entities(corpus, 3).name) == ["Fuad Hussein", "Asaad al-Shaibani", "Baghdad"]
    assert list(top_entities(corpus, 2, by="doc_count").name) == ["Fuad Hussein", "Asaad al-Shaibani"]
    assert list(top_entities(corpus, 5, label="LOC").name) == ["Baghdad"]
    assert top_entities(corpus, 5, label="ORG").empty


def test_places_keep_rows_with_coordinates_in_range():
    corpus = small_tables()["corpus_entities"]
    located = places(corpus)
    assert list(located.columns) == list(corpus.columns)
    assert list(zip(located.name, located.latitude, located.longitude)) == [("Baghdad", 33.3153, 44.3661)]
    corpus.loc[0, ["latitude", "longitude"]] = [123.0, 10.0]  # latitude out of range: not a place
    corpus.loc[2, ["latitude", "longitude"]] = [10.0, -180.0]  # on the antimeridian: a place
    assert list(places(corpus).name) == ["Baghdad", "Fuad Hussein"]
    without = small_tables(with_coordinates=False)["corpus_entities"]
    assert not has_coordinates(without) and has_coordinates(corpus)
    assert places(without).empty and list(places(without).columns) == list(without.columns)
