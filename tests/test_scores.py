"""``news_mention_scores``: a score in [0, 1] for every mention, and the ``min_score`` cut."""

from __future__ import annotations

import json
import math

import pytest
import spacy
from conftest import ROOT, ent_tuples, make_doc
from spacy.language import Language

from pipeline.components.scores import (
    FEATURES,
    CuratedScores,
    ScoreModel,
    curated_kind,
    logit,
    make_mention_scores,
    mean_probs,
    read_curated_scores,
    read_score_model,
)
from pipeline.knowledge.curated import PatternFileError

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


def test_inherited_log_odds_shifts_only_the_mentions_that_take_their_entitys_mean(blank):
    doc = scores(blank, inherited_log_odds=math.log(1 / 9))(scored_doc(blank))
    trump, merkel, _berlin, trump_again = doc.ents
    assert trump._.score == pytest.approx(0.9) and merkel._.score == pytest.approx(0.4)  # scored by the classifier: as they were
    assert trump_again._.score == pytest.approx(0.5)  # 0.9 inherited: odds 9 times 1/9


def test_classified_log_odds_shifts_only_the_mentions_the_classifier_scored(blank):
    doc = scores(blank, classified_log_odds=math.log(9), inherited_log_odds=math.log(1 / 9))(scored_doc(blank))
    trump, merkel, berlin, trump_again = doc.ents
    assert merkel._.score == pytest.approx(6 / 7)  # 0.4: odds 2/3 times 9
    assert trump._.score == pytest.approx(81 / 82)  # 0.9: odds 9 times 9
    assert trump_again._.score == pytest.approx(0.5) and berlin._.score == 0.82  # inherited and unscored: their own rules


def test_curated_matches_get_rule_score(blank):
    doc = scored_doc(blank)
    doc.ents = [doc.char_span(0, 5, label="PERSON", span_id="trump")]
    doc.ents[0]._.label_probs = {"PERSON": 0.3, "ORG": 0.6, "LOC": 0.0, "NONE": 0.1}
    assert scores(blank, rule_score=0.9)(doc).ents[0]._.score == 0.9


TABLE = [
    {"kind": "alias", "score": 0.9, "mentions": 200, "right": 180},
    {"kind": "city", "score": 0.05, "mentions": 50, "right": 2},
    {"id": "syria", "kind": "alias", "name": "Syria", "score": 0.95, "mentions": 40, "right": 40},
    {"id": "geonames:2990440", "kind": "city", "name": "Nice", "score": 0.01, "mentions": 5, "right": 0},
]


@pytest.fixture
def table_path(tmp_path):
    path = tmp_path / "curated.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in TABLE), encoding="utf8")
    return path


def curated_doc(nlp):
    text = "Syria and Hamas met in Nice and Beijing."
    doc = nlp.make_doc(text)
    spans = [("Syria", "LOC", "syria"), ("Hamas", "ORG", "hamas"), ("Nice", "LOC", "geonames:2990440"), ("Beijing", "LOC", "geonames:1816670")]
    doc.ents = [doc.char_span(text.index(word), text.index(word) + len(word), label=label, span_id=kb_id) for word, label, kb_id in spans]
    doc.ents[3]._.label_probs = {"PERSON": 0.05, "ORG": 0.05, "LOC": 0.6, "NONE": 0.3}  # the classifier scored Beijing
    return doc


def test_curated_matches_get_their_entry_score(blank, table_path):
    """An entry's measured score; an entry the table does not list, its kind's; a gazetteer place
    the classifier scored, the classifier's probability; without a table, rule_score."""
    component = scores(blank, rule_score=0.69)
    component.initialize(scores=read_curated_scores(table_path))
    syria, hamas, nice, beijing = (ent._.score for ent in component(curated_doc(blank)).ents)
    assert (syria, hamas, nice, beijing) == pytest.approx((0.95, 0.9, 0.01, 0.6))
    assert [ent._.score for ent in scores(blank, rule_score=0.69)(curated_doc(blank)).ents][:3] == [0.69, 0.69, 0.69]
    assert [curated_kind(k) for k in ("syria", "geonames:1", "geonames-region:2")] == ["alias", "city", "region"]
    shifting = scores(blank, added_place_log_odds=math.log(4))
    shifting.initialize(scores=read_curated_scores(table_path))
    # Only the place the gazetteer added and the classifier scored: odds 1.5 times 4; Syria, Nice as they were.
    assert [ent._.score for ent in shifting(curated_doc(blank)).ents] == pytest.approx([0.95, 0.9, 0.01, 6 / 7])


def test_curated_scores_are_saved_with_the_pipeline(blank, table_path, tmp_path):
    component = scores(blank)
    component.initialize(scores=read_curated_scores(table_path).to_dict())  # as spaCy's settings check hands it over
    component.to_disk(tmp_path / "saved")
    loaded = scores(blank).from_disk(tmp_path / "saved")
    assert loaded.curated == CuratedScores(by_id={"syria": 0.95, "geonames:2990440": 0.01}, by_kind={"alias": 0.9, "city": 0.05})


def test_a_malformed_curated_score_names_its_line(tmp_path):
    path = tmp_path / "curated.jsonl"
    path.write_text('{"kind": "alias", "score": 0.9}\n{"id": "x", "kind": "alias", "score": 1.5}\n', encoding="utf8")
    with pytest.raises(PatternFileError, match=r"curated.jsonl:2: a curated score needs"):
        read_curated_scores(path)


def test_the_shipped_table_trusts_the_alias_table_and_doubts_ambiguous_places():
    """configs/scores/curated.jsonl, measured on the training texts: alias entries (Syria, Iraq,
    Islamic State) score far above the gazetteer's ambiguous cities (Nice, Orange, Man)."""
    table = read_curated_scores(ROOT / "configs" / "scores" / "curated.jsonl")
    assert min(table.score(kb_id) for kb_id in ("syria", "iraq", "islamic-state", "hamas")) > 0.85
    assert max(table.score(kb_id) for kb_id in ("geonames:2990440", "geonames:5379513", "geonames:2284647")) < 0.2
    assert table.score("an-entry-never-seen") == table.by_kind["alias"]


def test_min_score_drops_mentions_below_it(blank):
    doc = scores(blank, min_score=0.5)(scored_doc(blank))
    assert ent_tuples(doc) == [("Trump", "PERSON"), ("Berlin", "LOC"), ("Trump", "PERSON")]  # Merkel: 0.4
    assert len(scores(blank, min_score=1.0)(scored_doc(blank)).ents) == 0


def test_scores_outside_0_1_are_refused(blank):
    with pytest.raises(ValueError, match="min_score must be between 0 and 1"):
        scores(blank, min_score=1.5)


def test_mean_probs():
    assert mean_probs([{"PERSON": 1.0, "NONE": 0.0}, {"PERSON": 0.5, "ORG": 0.5}]) == {"NONE": 0.0, "ORG": 0.25, "PERSON": 0.75}


def scores_pipeline(settings: str, initialize: str = "") -> Language:
    """A pipeline of the mention_scores stage alone, built from a config with ``settings`` in its
    section (and ``initialize`` after it), as spaCy builds the shipped ones."""
    from thinc.api import Config

    config = f"""
[nlp]
lang = "en"
pipeline = ["mention_scores"]

[components]

[components.mention_scores]
factory = "news_mention_scores"
{settings}
{initialize}"""
    return spacy.util.load_model_from_config(Config().from_str(config), auto_fill=True)


def test_config_route_and_min_score_override():
    nlp = scores_pipeline("min_score = 0.5")
    assert nlp.get_pipe("mention_scores").rule_score == 0.95 and nlp.get_pipe("mention_scores").unscored_score == 0.82  # the defaults
    doc = make_doc(nlp, "Trump left.", [("Trump", "PERSON")])
    doc.ents[0]._.label_probs = {"PERSON": 0.4, "NONE": 0.6}
    assert nlp.get_pipe("mention_scores")(doc).ents == ()


def test_demo_article_curated_names_are_not_doubtful(demo_run):
    """data/raw's article: every mention of Syria, Iraq and Islamic State (IS) scores above 0.9,
    so the report draws them full and ``--min-score 0.7`` keeps them."""
    import pyarrow.parquet as pq

    mentions = pq.read_table(demo_run / "mentions.parquet", columns=["text", "kb_id", "score"]).to_pylist()
    curated = [m for m in mentions if m["kb_id"] in {"syria", "iraq", "islamic-state"}]
    assert {m["text"] for m in curated} >= {"Syria", "Iraq", "IS"}
    assert min(m["score"] for m in curated) > 0.9


# -- the score model ------------------------------------------------------------------------


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


#: A model that halves the log-odds, adds 1 per log(1 + mentions of the entity) and 2 for PERSON.
HALVING = {"logit": 0.5, "log_mentions": 1.0, "PERSON": 2.0, "bias": -1.0}


def modelled(nlp, weights=HALVING, **overrides):
    component = scores(nlp, use_model=True, **overrides)
    component.initialize(model=ScoreModel(dict(weights)))
    return component


def test_a_mentions_score_follows_the_model_and_its_label_prob_keeps_the_score_before(blank):
    doc = modelled(blank)(scored_doc(blank))
    trump, merkel, berlin, trump_again = doc.ents
    # Trump: P 0.9, entity E0 with 2 mentions, PERSON; Merkel: 0.4, 1 mention, PERSON; Berlin: unscored 0.82, LOC.
    assert trump._.score == pytest.approx(sigmoid(-1 + 0.5 * logit(0.9) + math.log(3) + 2))
    assert merkel._.score == pytest.approx(sigmoid(-1 + 0.5 * logit(0.4) + math.log(2) + 2))
    assert berlin._.score == pytest.approx(sigmoid(-1 + 0.5 * logit(0.82) + math.log(2)))
    assert trump_again._.score == pytest.approx(trump._.score)  # the same features: its entity's mean, the same entity
    assert [ent._.label_prob for ent in doc.ents] == pytest.approx([0.9, 0.4, 0.82, 0.9])  # what the corpus vote weighs


def test_the_model_changes_no_label_nor_span_and_keeps_scores_in_0_1(blank):
    before = ent_tuples(scored_doc(blank))
    for weights in (HALVING, {"bias": 50.0}, {"bias": -50.0, "logit": 30.0}):
        doc = modelled(blank, weights)(scored_doc(blank))
        assert ent_tuples(doc) == before
        assert all(0.0 <= ent._.score <= 1.0 for ent in doc.ents)


def test_use_model_off_gives_the_score_before_the_model(blank):
    component = scores(blank, use_model=False)
    component.initialize(model=ScoreModel(dict(HALVING)))
    assert [ent._.score for ent in component(scored_doc(blank)).ents] == pytest.approx([0.9, 0.4, 0.82, 0.9])


def test_curated_entries_keep_their_measured_score_under_the_model(blank, table_path):
    component = scores(blank, use_model=True)
    component.initialize(scores=read_curated_scores(table_path), model=ScoreModel(dict(HALVING)))
    syria, hamas, _nice, beijing = component(curated_doc(blank)).ents
    assert (syria._.score, hamas._.score) == pytest.approx((0.95, 0.9))  # alias entries: measured
    assert beijing._.score == pytest.approx(sigmoid(-1 + 0.5 * logit(0.6) + math.log(2)))  # a place the classifier scored: modelled


def test_use_model_without_a_model_is_refused_at_initialize(blank):
    with pytest.raises(ValueError, match=r"use_model is set but no score model was given"):
        scores(blank, use_model=True).initialize()


def model_file(tmp_path, weights):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"weights": weights, "about": {"made_by": "a test"}}), encoding="utf8")
    return path


def test_the_coefficients_load_from_config_at_initialize(tmp_path):
    initialize = f"""
[initialize]

[initialize.components]

[initialize.components.mention_scores]

[initialize.components.mention_scores.model]
@misc = "news.score_model.v1"
path = "{model_file(tmp_path, HALVING)}"
"""
    nlp = scores_pipeline("use_model = true", initialize)
    nlp.initialize()
    assert nlp.get_pipe("mention_scores").model.weights == HALVING
    doc = make_doc(nlp, "Trump left.", [("Trump", "PERSON")])
    doc.ents[0]._.label_probs = {"PERSON": 0.9, "NONE": 0.1}
    assert nlp.get_pipe("mention_scores")(doc).ents[0]._.score == pytest.approx(sigmoid(-1 + 0.5 * logit(0.9) + math.log(2) + 2))


def test_the_model_is_saved_with_the_pipeline(blank, tmp_path):
    modelled(blank).to_disk(tmp_path / "saved")
    assert scores(blank).from_disk(tmp_path / "saved").model == ScoreModel(dict(HALVING))


def test_a_malformed_score_model_names_its_file(tmp_path):
    with pytest.raises(PatternFileError, match=r"model.json: a score model needs 'weights'"):
        read_score_model(model_file(tmp_path, {"no_such_feature": 1.0}))
    with pytest.raises(PatternFileError, match=r"no such score model file"):
        read_score_model(tmp_path / "missing.json")


def test_the_shipped_model_ranks_by_the_classifier_and_by_recurrence():
    """configs/scores/model.json, fitted on the dev sets: a higher probability of the label and
    more mentions of the entity both raise the score; every weight is one of FEATURES."""
    model = read_score_model(ROOT / "configs" / "scores" / "model.json")
    assert set(model.weights) <= set(FEATURES)
    assert model.weights["logit"] > 0 and model.weights["log_mentions"] > 0
