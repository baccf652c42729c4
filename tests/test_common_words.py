"""``news_common_words``: one-word entities the document shows are common words."""

from __future__ import annotations

from conftest import ent_tuples, make_doc

from pipeline.components.common_words import make_common_words


def test_drops_words_used_in_lower_case_and_stop_words(blank):
    text = "Email me the file. I will send an email to Baghdad. Please call Shaibani."
    doc = make_doc(blank, text, [("Email", "PERSON"), ("Baghdad", "LOC"), ("Please", "PERSON"), ("Shaibani", "PERSON")])
    doc = make_common_words(blank, "common_words", min_lowercase_uses=1)(doc)
    assert ent_tuples(doc) == [("Baghdad", "LOC"), ("Shaibani", "PERSON")]  # "Please" is a stop word


def test_keeps_acronyms_curated_and_multiword(blank):
    text = "US troops and IS fighters met Hope Hicks; there is hope for us."
    doc = make_doc(blank, text, [("US", "LOC"), ("IS", "ORG"), ("Hope Hicks", "PERSON")])
    ents = list(doc.ents)
    ents[1] = doc.char_span(14, 16, label="ORG", span_id="islamic-state")
    doc.ents = ents
    doc = make_common_words(blank, "common_words", min_lowercase_uses=1)(doc)
    assert ent_tuples(doc) == [("US", "LOC"), ("IS", "ORG"), ("Hope Hicks", "PERSON")]
