"""``news_line_sentences``: a line break ends a sentence."""

from __future__ import annotations

from pipeline.components.lines import make_line_sentences


def test_line_break_starts_a_sentence(blank):
    doc = blank.make_doc("BAGHDAD VISIT\nShaibani met Hussein in Baghdad on Monday.\n\nHe left.")
    for token in doc:
        token.is_sent_start = token.i == 0  # as if the sentence recogniser saw one sentence
    doc = make_line_sentences(blank, "line_sentences")(doc)
    assert [s.text.strip() for s in doc.sents] == ["BAGHDAD VISIT", "Shaibani met Hussein in Baghdad on Monday.", "", "He left."] or [
        s.text.strip() for s in doc.sents if s.text.strip()
    ] == ["BAGHDAD VISIT", "Shaibani met Hussein in Baghdad on Monday.", "He left."]
