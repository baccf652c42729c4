"""``news_label_consistency``: one label per name in a document."""

from __future__ import annotations

from conftest import ent_tuples, make_doc

from pipeline.components.consistency import make_label_consistency


def consistency(nlp, **overrides):
    config = dict(curated_weight=3, surnames=True, person_label="PERSON")
    config.update(overrides)
    return make_label_consistency(nlp, "label_consistency", **config)


def test_majority_label_wins(blank):
    text = "Shaibani spoke. Shaibani left. Then Shaibani returned."
    doc = make_doc(blank, text, [("Shaibani", "PERSON", 0), ("Shaibani", "ORG", 1), ("Shaibani", "PERSON", 2)])
    assert ent_tuples(consistency(blank)(doc)) == [("Shaibani", "PERSON")] * 3


def test_tie_keeps_labels_and_curated_ids_stay(blank):
    doc = make_doc(blank, "Jordan won. Jordan lost.", [("Jordan", "PERSON", 0), ("Jordan", "LOC", 1)])
    assert ent_tuples(consistency(blank)(doc)) == [("Jordan", "PERSON"), ("Jordan", "LOC")]
    doc = make_doc(blank, "IS fled. IS fought. IS hid.", [("IS", "ORG", 0), ("IS", "LOC", 1), ("IS", "LOC", 2)])
    ents = list(doc.ents)
    ents[0] = doc.char_span(0, 2, label="ORG", span_id="islamic-state")
    doc.ents = ents
    assert ent_tuples(consistency(blank)(doc)) == [("IS", "ORG")] * 3  # 3 curated votes beat 2


def test_surname_of_one_person_becomes_person(blank):
    text = "Valeska Paris left the ship. Paris said she was held."
    doc = make_doc(blank, text, [("Valeska Paris", "PERSON"), ("Paris", "LOC", 1)])
    assert ent_tuples(consistency(blank)(doc)) == [("Valeska Paris", "PERSON"), ("Paris", "PERSON")]
    doc = make_doc(blank, text, [("Valeska Paris", "PERSON"), ("Paris", "LOC", 1)])
    assert ent_tuples(consistency(blank, surnames=False)(doc))[1] == ("Paris", "LOC")


def test_surname_of_two_people_is_left_alone(blank):
    text = "Fuad Hussein met Saddam Hussein's son. Hussein is a city."
    doc = make_doc(blank, text, [("Fuad Hussein", "PERSON"), ("Saddam Hussein", "PERSON"), ("Hussein", "LOC", 2)])
    assert ent_tuples(consistency(blank)(doc))[2] == ("Hussein", "LOC")
