"""Salience of document entities."""

from __future__ import annotations

from pipeline.base.salience import headline_end, salience
from tests.conftest import make_doc


def test_headline_entity_mentioned_often_ranks_first(blank):
    text = "Shaibani visits Baghdad\nShaibani met Hussein. Later Shaibani left. Baghdad was calm."
    doc = make_doc(
        blank,
        text,
        [("Shaibani", "PERSON", 0), ("Baghdad", "LOC", 0), ("Shaibani", "PERSON", 1), ("Hussein", "PERSON"), ("Shaibani", "PERSON", 2), ("Baghdad", "LOC", 1)],
    )
    ents = list(doc.ents)
    head = headline_end(text)
    assert head == len("Shaibani visits Baghdad")
    shaibani = salience([ents[0], ents[2], ents[4]], 3, len(text), head)
    baghdad = salience([ents[1], ents[5]], 3, len(text), head)
    hussein = salience([ents[3]], 3, len(text), head)
    assert 1.0 >= shaibani > baghdad > hussein > 0
    assert salience([ents[3]], 3, len(text), 0) == hussein  # Hussein is not in the headline anyway


def test_no_headline_for_single_line_or_long_first_line():
    assert headline_end("One line only.") == 0
    assert headline_end("x" * 400 + "\nmore") == 0
