"""news.case_variants.v1: training documents in lower, upper or title case, entities kept."""

from __future__ import annotations

import pytest
from spacy.training import Example
from spacy.util import registry

from pipeline.commands.augment import case_variant
from tests.conftest import make_doc


@pytest.fixture
def example(blank) -> Example:
    reference = make_doc(blank, "Burger King opened in Chicago.", [("Burger King", "ORG"), ("Chicago", "LOC")])
    return Example(blank.make_doc(reference.text), reference)


@pytest.mark.parametrize(("case", "text", "ents"), [
    ("lower", "burger king opened in chicago.", [("burger king", "ORG"), ("chicago", "LOC")]),
    ("upper", "BURGER KING OPENED IN CHICAGO.", [("BURGER KING", "ORG"), ("CHICAGO", "LOC")]),
    ("title", "Burger King Opened In Chicago.", [("Burger King", "ORG"), ("Chicago", "LOC")]),
])  # fmt: skip
def test_a_case_variant_keeps_the_entities(blank, example, case, text, ents):
    variant = case_variant(blank, example, case)
    assert variant.text == text
    assert [(e.text, e.label_) for e in variant.reference.ents] == ents
    assert variant.get_aligned_ner() == ["B-ORG", "L-ORG", "O", "O", "U-LOC", "O"]


def test_levels_decide_the_variant(blank, example):
    always_upper = registry.augmenters.get("news.case_variants.v1")(lower_level=0.0, upper_level=1.0, title_level=0.0)
    assert [eg.text for eg in always_upper(blank, example)] == ["BURGER KING OPENED IN CHICAGO."]
    never = registry.augmenters.get("news.case_variants.v1")(lower_level=0.0, upper_level=0.0, title_level=0.0)
    assert [eg.text for eg in never(blank, example)] == [example.text]
    with pytest.raises(ValueError, match="sum to at most 1"):
        registry.augmenters.get("news.case_variants.v1")(lower_level=0.6, upper_level=0.6, title_level=0.0)
