"""``news_mention_scores``: a score in [0, 1] for every mention, and the ``min_score`` cut."""

from __future__ import annotations

import pytest
import spacy
from conftest import ent_tuples, make_doc

from pipeline.components.scores import make_mention_scores, mean_probs

TEXT = "Trump met Merkel in Berlin. Trump left."


def scores(nlp, **overrides):
    config = {"rule_score": 0.95, "unscored_score": 0.82, "min_score": 0.0, **overrides}
    return make_mention_scores(nlp, "mention_scores", **config)


def scored_doc(nlp):
    doc = make_doc(nlp, TEXT, [("Trump", "PERSON", 0), ("Merkel", "PERSON"), ("Berlin", "LOC"), ("Trump", "PERSON", 1)])
    ents = list(doc.ents)
    ents[0]._.label_probs = {"PERSON": 0.9, "ORG": 0.05, "LOC": 0.0, "NONE": 0.05}
    ents[1]._.label_probs = {"PERSON": 0.4, "ORG": 0.3, "LOC": 0.1, "NONE": 0.2}
    for ent, entity in zip(ents, ["E0", "E1", "E2", "E0"]):
        ent._.entity_id = entity
    return doc


def test_score_is_the_probability_of_the_label(blank):
    doc = scores(blank)(scored_doc(blank))
    trump, merkel, berlin, trump_again = doc.ents
    assert trump._.score == pytest.approx(0.9) and merkel._.score == pytest.approx(0.4)
    # Added after the classifier (no probabilities): its entity's mean; nothing to go by: unscored_score.
    assert trump_again._.label_probs == trump._.label_probs and trump_again._.score == pytest.approx(0.9)
    assert berlin._.score == 0.82
    assert all(0.0 <= ent._.score <= 1.0 for ent in doc.ents)


def test_curated_matches_get_rule_score(blank):
    doc = scored_doc(blank)
    doc.ents = [doc.char_span(0, 5, label="PERSON", span_id="trump")]
    doc.ents[0]._.label_probs = {"PERSON": 0.3, "ORG": 0.6, "LOC": 0.0, "NONE": 0.1}
    assert scores(blank, rule_score=0.9)(doc).ents[0]._.score == 0.9


def test_min_score_drops_mentions_below_it(blank):
    doc = scores(blank, min_score=0.5)(scored_doc(blank))
    assert ent_tuples(doc) == [("Trump", "PERSON"), ("Berlin", "LOC"), ("Trump", "PERSON")]  # Merkel: 0.4
    assert len(scores(blank, min_score=1.0)(scored_doc(blank)).ents) == 0


def test_scores_outside_0_1_are_refused(blank):
    with pytest.raises(ValueError, match="min_score must be between 0 and 1"):
        scores(blank, min_score=1.5)


def test_mean_probs():
    assert mean_probs([{"PERSON": 1.0, "NONE": 0.0}, {"PERSON": 0.5, "ORG": 0.5}]) == {"NONE": 0.0, "ORG": 0.25, "PERSON": 0.75}


def test_config_route_and_min_score_override():
    config = """
[nlp]
lang = "en"
pipeline = ["mention_scores"]

[components]

[components.mention_scores]
factory = "news_mention_scores"
min_score = 0.5
"""
    from thinc.api import Config

    nlp = spacy.util.load_model_from_config(Config().from_str(config), auto_fill=True)
    assert nlp.get_pipe("mention_scores").rule_score == 0.95 and nlp.get_pipe("mention_scores").unscored_score == 0.82  # the defaults
    doc = make_doc(nlp, "Trump left.", [("Trump", "PERSON")])
    doc.ents[0]._.label_probs = {"PERSON": 0.4, "NONE": 0.6}
    assert nlp.get_pipe("mention_scores")(doc).ents == ()
