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
