"""pipeline/writing/rows.py: the entities' context, what corpus resolution weighs beside the name."""

from __future__ import annotations

from pipeline.readers import Article
from pipeline.writing.rows import Rows
from tests.conftest import make_doc


def test_entity_context_names_the_other_entities_most_mentioned_first_and_the_sport(blank):
    text = "Boris Johnson met Biden in London. Johnson left London."
    doc = make_doc(blank, text, [("Boris Johnson", "PERSON"), ("Biden", "PERSON"), ("London", "LOC"), ("Johnson", "PERSON", 1), ("London", "LOC", 1)])
    for ent, entity_id in zip(doc.ents, ["E1", "E2", "E3", "E1", "E3"]):
        ent._.entity_id = entity_id
    doc._.sport = "cricket"
    rows = Rows()
    rows.add_doc(doc, Article(doc_id="d", path="", location="d", text=text))
    contexts = dict(zip(rows.entities["name"], rows.entities["context"]))
    assert contexts == {
        "Boris Johnson": ["london", "biden", "sport:cricket"],
        "Biden": ["boris johnson", "london", "sport:cricket"],
        "London": ["boris johnson", "biden", "sport:cricket"],
    }
