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


def test_a_gazetteer_city_opening_a_sentence_is_a_word_the_document_writes(blank):
    text = "Man charged after fire\nA man was charged. He flew to Man in May. Nice weather in Nice; nice."
    doc = make_doc(blank, text, [])
    starts = [
        (0, "Man", "geonames:2288959"),
        (text.index("to Man") + 3, "Man", "geonames:2288959"),
        (text.index("Nice"), "Nice", "geonames:2990440"),
        (text.index("in Nice") + 3, "Nice", "geonames:2990440"),
    ]
    doc.char_span(starts[2][0], starts[2][0] + 4)[0].is_sent_start = True  # the senter's boundary
    doc.ents = [doc.char_span(start, start + len(word), label="LOC", span_id=place_id) for start, word, place_id in starts]
    stage = make_common_words(blank, "common_words", min_lowercase_uses=1, place_id_prefixes=["geonames:"])
    # "Man" opening the headline line and "Nice" opening a sentence go; the places after "to" and "in" stay.
    assert ent_tuples(stage(doc)) == [("Man", "LOC"), ("Nice", "LOC")]
    assert [ent.start_char for ent in doc.ents] == [starts[1][0], starts[3][0]]


def test_a_gazetteer_city_stays_without_place_id_prefixes(blank):
    doc = make_doc(blank, "Man charged after fire\nA man was charged.", [])
    doc.ents = [doc.char_span(0, 3, label="LOC", span_id="geonames:2288959")]
    assert ent_tuples(make_common_words(blank, "common_words", min_lowercase_uses=1, place_id_prefixes=[])(doc)) == [("Man", "LOC")]
