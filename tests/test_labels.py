from conftest import ent_tuples, make_doc

from pipeline.components.labels import DEFAULT_MAPPING, make_label_mapper


def test_maps_to_output_labels_and_keeps_model_label(blank):
    doc = make_doc(blank, "Iraqi forces in Baghdad near the Green Zone met Sudani of the UN.",
                   [("Iraqi", "NORP"), ("Baghdad", "GPE"), ("Green Zone", "FAC"), ("Sudani", "PERSON"), ("UN", "ORG")])  # fmt: skip
    doc = make_label_mapper(blank, "label_mapper", DEFAULT_MAPPING, False)(doc)
    assert ent_tuples(doc) == [("Baghdad", "LOC"), ("Green Zone", "LOC"), ("Sudani", "PERSON"), ("UN", "ORG")]
    assert [e._.model_label for e in doc.ents] == ["GPE", "FAC", "PERSON", "ORG"]


def test_keep_unmapped(blank):
    doc = make_doc(blank, "Iraqi forces", [("Iraqi", "NORP")])
    doc = make_label_mapper(blank, "label_mapper", {"GPE": "LOC"}, True)(doc)
    assert ent_tuples(doc) == [("Iraqi", "NORP")]
