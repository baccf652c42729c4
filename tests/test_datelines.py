"""``news_datelines``: the place a wire dateline opens with is a place, on hand-built Docs."""

from __future__ import annotations

import pytest
from conftest import ROOT, ent_tuples, make_doc

from pipeline.components.datelines import Datelines, known_spellings, make_datelines
from pipeline.config.build import load_pipeline_config

BODY = " - The central bank raised interest rates on Thursday."


@pytest.fixture
def datelines() -> Datelines:
    return Datelines("datelines", label="LOC", min_population=15000, confidence=0.9)


@pytest.mark.parametrize(
    "text, place",
    [
        ("WASHINGTON (Reuters)" + BODY, "WASHINGTON"),
        ("PARIS, Nov 3 (AFP)" + BODY, "PARIS"),
        ("GLASGOW" + BODY, "GLASGOW"),
        ("GLASGOW — Celtic said the club would appeal.", "GLASGOW"),
        ("NEW YORK, March 4 -- Stocks fell.", "NEW YORK"),
        ("EU rejects call .\nPeter Blackburn\nBRUSSELS 1996-08-22\nThe Commission said on Thursday .", "BRUSSELS"),
        ("ST. LOUIS, Mo. (AP)" + BODY, "ST. LOUIS"),
        ("  LONDON (Reuters)" + BODY, "LONDON"),  # spaces before it
        ("Headline here\n\n  LONDON (Reuters)" + BODY, "LONDON"),
    ],
)
def test_a_known_place_opening_a_dateline_is_a_place(blank, datelines, text, place):
    doc = datelines(make_doc(blank, text, []))
    assert ent_tuples(doc) == [(place, "LOC")]
    assert doc.ents[0]._.component == "datelines" and doc.ents[0]._.label_probs == {"LOC": 0.9, "NONE": 0.1}


def test_the_recognisers_organisation_becomes_the_place_and_keeps_its_model_label(blank, datelines):
    doc = make_doc(blank, "WASHINGTON (Reuters)" + BODY, [("WASHINGTON", "ORG"), ("Reuters", "ORG")])
    doc.ents[0]._.model_label = "ORG"
    doc.ents[0]._.label_probs = {"PERSON": 0.06, "ORG": 0.44, "LOC": 0.08, "NONE": 0.42}  # the classifier's, blind to the line
    doc = datelines(doc)
    assert ent_tuples(doc) == [("WASHINGTON", "LOC"), ("Reuters", "ORG")]
    assert doc.ents[0]._.model_label == "ORG" and doc.ents[0]._.label_probs == {"LOC": 0.9, "NONE": 0.1}


def test_a_span_run_into_the_story_gives_way_to_the_place(blank, datelines):
    doc = datelines(make_doc(blank, "GLASGOW" + BODY, [("GLASGOW - The central bank", "ORG")]))
    assert ent_tuples(doc) == [("GLASGOW", "LOC")]
    assert doc.ents[0]._.model_label is None  # nothing of the recogniser's at that span


def test_a_name_run_into_the_dateline_stays_after_it(blank, datelines):
    text = "BEIJING - China's commerce ministry said so.\nPARIS (AFP) - The Louvre reopened."
    doc = datelines(make_doc(blank, text, [("BEIJING - China", "LOC"), ("PARIS (AFP) - The Louvre", "ORG")]))
    assert ent_tuples(doc) == [("BEIJING", "LOC"), ("China", "LOC"), ("PARIS", "LOC")]


def test_a_conll_dateline(blank, datelines):
    text = "SOCCER - JAPAN WIN .\nAL-AIN , United Arab Emirates 1996-12-06\nJapan began the defence of their title ."
    assert ent_tuples(datelines(make_doc(blank, text, [("AL-AIN", "ORG")]))) == [("AL-AIN", "LOC")]


def test_an_unknown_place_needs_a_sure_dateline(blank, datelines):
    for text in ("QARYAT ZOGRA, Iraq (AP) - Marines moved in.", "QARYAT ZOGRA, Nov 3 - Marines moved in.", "QARYAT ZOGRA 1996-08-22\nMarines moved in."):
        assert ent_tuples(datelines(make_doc(blank, text, []))) == [("QARYAT ZOGRA", "LOC")]
    for text in ("QARYAT ZOGRA - Marines moved in.", "QARYAT ZOGRA (AP) - Marines moved in."):
        assert ent_tuples(datelines(make_doc(blank, text, []))) == []  # no date, no known place


@pytest.mark.parametrize(
    "text",
    [
        "MONDAY, MAY 23, 2005\nThe storm hit the coast.",  # a date line
        "BREAKING NEWS - 3 DEAD due to fire",  # a headline in capitals
        "FALLOUT CONTINUES AFTER BRAZEN ESCAPE\nThe prison said nothing.",
        "UPDATED: The storm hit the coast.",
        "NATO (Reuters) - The alliance met.",  # an acronym, no place
        "The talks in WASHINGTON (Reuters) - ended.",  # not at the start of a line
        "Washington (Reuters) - The bank met.",  # not in capitals: the recogniser's to decide
    ],
)
def test_no_dateline_no_place(blank, datelines, text):
    assert ent_tuples(datelines(make_doc(blank, text, []))) == []


def test_curated_matches_stay_as_they_are(blank, datelines):
    doc = make_doc(blank, "WASHINGTON (Reuters)" + BODY, [])
    doc.ents = [doc.char_span(0, 10, label="ORG", span_id="alias-id")]
    assert ent_tuples(datelines(doc)) == [("WASHINGTON", "ORG")]


def test_places_are_known_as_spelt():
    known = known_spellings(15000)
    assert {("iraq",), ("st", "louis"), ("al", "ain", "city"), ("zurich",)} <= known  # Zürich
    assert ("ain",) not in known  # Tunisia's El Ain is no AL-AIN
    assert ("qaryat", "zogra") not in known


def test_config_route(blank):
    config = load_pipeline_config(
        ROOT / "configs" / "default.cfg", {"paths.patterns": str(ROOT / "configs" / "patterns"), "paths.aliases": str(ROOT / "configs" / "aliases")}
    )
    names = config["nlp"]["pipeline"]
    assert names.index("datelines") == names.index("span_classifier") + 1  # the classifier does not see the line
    settings = {k: v for k, v in config["components"]["datelines"].items() if k != "factory"}
    component = make_datelines(blank, "datelines", **settings)
    assert component.label == "LOC" and component.min_population == 15000 and component.confidence == 0.9
    with pytest.raises(ValueError, match="confidence must be between 0 and 1"):
        make_datelines(blank, "datelines", **{**settings, "confidence": 1.5})
