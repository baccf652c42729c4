"""``news_truecase``: the recogniser sees ALL-CAPS lines in title case."""

from __future__ import annotations

from conftest import ent_tuples

from pipeline.components.truecase import make_truecase


def test_all_caps_headline_is_recognised(nlp):
    truecase = make_truecase(nlp, "truecase", ner_component="ner", min_letters=8, upper_share=0.9)
    text = "SYRIAN MINISTER ASAAD AL-SHAIBANI VISITS BAGHDAD\nShaibani met Fuad Hussein in Baghdad."
    doc = nlp.make_doc(text)
    for name in ("senter", "ner"):
        doc = nlp.get_pipe(name)(doc)
    doc = truecase(doc)
    headline = [(e.text, e.label_) for e in doc.ents if e.end_char <= text.index("\n")]
    assert ("BAGHDAD", "LOC") in headline  # the shipped recogniser labels places LOC itself
    assert all(e._.component == "truecase" for e in doc.ents if e.end_char <= text.index("\n"))
    # the body line is left to the model
    assert [t for t in ent_tuples(doc) if t[0] == "Fuad Hussein"] == [("Fuad Hussein", "PERSON")]


def test_mixed_case_lines_are_left_alone(nlp):
    truecase = make_truecase(nlp, "truecase", ner_component="ner", min_letters=8, upper_share=0.9)
    doc = nlp("Shaibani met Fuad Hussein in Baghdad.")
    before = ent_tuples(doc)
    assert ent_tuples(truecase(doc)) == before


def test_title_case_headline_does_not_run_into_the_name(nlp):
    truecase = make_truecase(nlp, "truecase", ner_component="ner", min_letters=8, upper_share=0.9, title_case=True)
    text = "Lindsay Lohan Checks Into Rehab Again. The actress checks into rehab at Betty Ford."
    doc = nlp.make_doc(text)
    for name in ("senter", "ner"):
        doc = nlp.get_pipe(name)(doc)
    persons = [e.text for e in truecase(doc).ents if e.label_ == "PERSON"]
    assert persons[0] == "Lindsay Lohan"  # "checks", "rehab" are lower case elsewhere in the text
