"""``news_line_sentences``: a line break ends a sentence."""

from __future__ import annotations

from pipeline.components.lines import make_line_sentences

TEXT = "BAGHDAD VISIT\nShaibani met Hussein in Baghdad on Monday.\n\nHe left."


def one_sentence(nlp, text):
    doc = nlp.make_doc(text)
    for token in doc:
        token.is_sent_start = token.i == 0  # as if the sentence recogniser saw one sentence
    return doc


def test_line_break_starts_a_sentence(blank):
    doc = make_line_sentences(blank, "line_sentences")(one_sentence(blank, TEXT))
    # The line-break token closes its line's sentence; the next token opens a sentence.
    assert [s.text for s in doc.sents] == ["BAGHDAD VISIT\n", "Shaibani met Hussein in Baghdad on Monday.\n\n", "He left."]
    assert [s.start for s in doc.sents] == [0, 3, 12]


def test_no_line_break_no_new_sentence(blank):
    doc = make_line_sentences(blank, "line_sentences")(one_sentence(blank, "Shaibani met Hussein. He left."))
    assert [s.text for s in doc.sents] == ["Shaibani met Hussein. He left."]


def split_at(nlp, text, words):
    """``text`` with a sentence starting at each of ``words`` (as the senter might put them)."""
    doc = nlp.make_doc(text)
    for token in doc:
        token.is_sent_start = token.i == 0 or token.text in words
    return doc


def test_join_names_keeps_a_name_in_one_sentence(blank):
    """The senter's start inside a name (Hans | Tietmeyer) goes; one before a stop word (A, I), after
    punctuation, or after a lower-case word stays; a line break still starts a sentence."""
    text = "President Hans Tietmeyer said so. Kliotech A company. It grew Rapidly\nNew York"
    doc = split_at(blank, text, {"Tietmeyer", "Kliotech", "A", "It", "Rapidly"})
    doc = make_line_sentences(blank, "line_sentences", join_names=True)(doc)
    assert [s.text.strip() for s in doc.sents] == ["President Hans Tietmeyer said so.", "Kliotech", "A company.", "It grew", "Rapidly", "New York"]
    kept = make_line_sentences(blank, "line_sentences", join_names=False)(split_at(blank, text, {"Tietmeyer"}))
    assert [s.text.strip() for s in kept.sents][0] == "President Hans"  # off: the senter's start stays
