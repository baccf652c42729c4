"""``news_ages``: a name written with a person's age is a person, on hand-built Docs."""

from __future__ import annotations

import pytest
from conftest import ROOT, ent_tuples, make_doc

from pipeline.components.ages import Ages, make_ages
from pipeline.config.build import load_pipeline_config


@pytest.fixture
def ages() -> Ages:
    return Ages("ages", person_label="PERSON", labels=["PERSON", "ORG", "LOC"], age_units=["year", "years"], age_word="old", max_age=120)


@pytest.mark.parametrize(
    "text",
    [
        "Police killed a 16-year-old Kimani Gray in Brooklyn.",
        "Police killed a 16 - year - old Kimani Gray in Brooklyn.",
        "Witnesses say 59 - year old Kimani Gray was leaving her car.",
        "They mourned Kimani Gray, 16, on Sunday.",
        "They mourned Kimani Gray, 16.",
    ],
)
def test_a_name_written_with_an_age_is_a_person(blank, ages, text):
    doc = make_doc(blank, text, [("Kimani Gray", "LOC")])
    doc.ents[0]._.model_label = "LOC"
    doc = ages(doc)
    assert ent_tuples(doc) == [("Kimani Gray", "PERSON")]
    assert doc.ents[0]._.model_label == "LOC" and doc.ents[0]._.component == "ages"


@pytest.mark.parametrize(
    "text, name",
    [
        ("A 61-year-old Vancouver man was charged.", "Vancouver"),  # the name describes the man
        ("He was a 15-year-old U.S. schoolboy.", "U.S."),
        ("They visited Kimani Gray, 2012, on Sunday.", "Kimani Gray"),  # no age: a year
        ("A 300-year-old Kimani Gray was found.", "Kimani Gray"),  # above max_age
        ("The Vancouver, 16, 17 and 18 were built.", "Vancouver"),  # the age must close in commas (or . ; ))
        ("He has been old Kimani Gray for years.", "Kimani Gray"),
    ],
)
def test_no_age_no_person(blank, ages, text, name):
    doc = ages(make_doc(blank, text, [(name, "LOC")]))
    assert ent_tuples(doc) == [(name, "LOC")]


def test_name_evidence_against_a_person_and_curated_matches_keep_their_label(blank, ages):
    text = "They crossed the 100-year-old Brooklyn Bridge in May."
    doc = make_doc(blank, text, [("Brooklyn Bridge", "LOC")])
    doc.ents[0]._.name_evidence = {"PERSON": -0.49, "LOC": 0.95}  # a place word
    assert ent_tuples(ages(doc)) == [("Brooklyn Bridge", "LOC")]
    doc = make_doc(blank, "A 16-year-old Kimani Gray was shot.", [])
    doc.ents = [doc.char_span(14, 25, label="LOC", span_id="curated-id")]
    assert ent_tuples(ages(doc)) == [("Kimani Gray", "LOC")]


def test_the_classifiers_old_label_moves_to_the_person(blank, ages):
    doc = make_doc(blank, "A 16-year-old Kimani Gray was shot.", [("Kimani Gray", "LOC")])
    doc.ents[0]._.label_probs = {"PERSON": 0.06, "ORG": 0.08, "LOC": 0.77, "NONE": 0.09}
    doc.ents[0]._.name_evidence = {"PERSON": 0.86, "ORG": -0.54, "LOC": -0.33}
    gray = ages(doc).ents[0]
    assert gray.label_ == "PERSON" and gray._.label_probs == {"PERSON": 0.83, "ORG": 0.08, "LOC": 0.0, "NONE": 0.09}


def test_config_route(blank):
    config = load_pipeline_config(
        ROOT / "configs" / "default.cfg", {"paths.patterns": str(ROOT / "configs" / "patterns"), "paths.aliases": str(ROOT / "configs" / "aliases")}
    )
    names = config["nlp"]["pipeline"]
    assert names.index("ages") == names.index("label_consistency") - 1 > names.index("name_evidence")  # before the vote, with the evidence
    settings = {k: v for k, v in config["components"]["ages"].items() if k != "factory"}
    component = make_ages(blank, "ages", **settings)
    assert component.max_age == 120 and component.age_units == {"year", "years"}


@pytest.fixture
def who() -> Ages:
    return Ages(
        "ages",
        person_label="PERSON",
        labels=["PERSON", "ORG", "LOC"],
        age_units=["year"],
        age_word="old",
        max_age=120,
        relative_words=["who"],
        place_labels=["LOC"],
        place_contexts=["of", "in", ","],
    )


def test_a_place_who_refers_to_is_a_person(blank, who):
    doc = make_doc(blank, "Yeltsin, who had surgery, met Lebed.", [("Yeltsin", "LOC"), ("Lebed", "PERSON")])
    assert ent_tuples(who(doc)) == [("Yeltsin", "PERSON"), ("Lebed", "PERSON")]


@pytest.mark.parametrize(
    ("text", "ents"),
    [
        ("He was a citizen of San Francisco, California, who proclaimed himself emperor.", [("San Francisco", "LOC"), ("California", "LOC")]),
        ("Celtic, who lost, met Texas, which won.", [("Celtic", "ORG"), ("Texas", "LOC")]),  # a team; a place with "which"
        ("Paris, where she lives, is cold.", [("Paris", "LOC")]),
    ],
)
def test_who_after_a_place_in_its_context_or_after_a_team_changes_nothing(blank, who, text, ents):
    assert ent_tuples(who(make_doc(blank, text, ents))) == ents


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        ("Sharon Whitfield, 52, of Bolton, admitted fraud.", [("Sharon Whitfield", "PERSON"), ("Bolton", "PERSON")], "LOC"),
        ("Jim Brown, 34, from Paisley was hurt.", [("Jim Brown", "PERSON"), ("Paisley", "ORG")], "LOC"),
        ("The club, 52, of Bolton said.", [("Bolton", "PERSON")], "PERSON"),  # no person before the age
        ("Sharon Whitfield, 52, of Bolton, admitted fraud.", [("Bolton", "PERSON")], "PERSON"),  # the person no entity
        ("Sharon Whitfield, 2019, of Bolton, admitted fraud.", [("Sharon Whitfield", "PERSON"), ("Bolton", "PERSON")], "PERSON"),  # a year
    ],
)
def test_the_name_after_a_persons_age_and_of_is_the_persons_home(blank, text, ents, expected):
    stage = make_ages(blank, "ages", "PERSON", ["PERSON", "ORG", "LOC"], ["year", "years"], "old", 120, home_words=["of", "from"], home_label="LOC")
    doc = make_doc(blank, text, ents)
    doc.ents[-1]._.label_probs = {ents[-1][1]: 0.7, "LOC": 0.2, "NONE": 0.1}
    home = stage(doc).ents[-1]
    assert home.label_ == expected
    if expected == "LOC":
        assert home._.component == "ages" and home._.label_probs["LOC"] == pytest.approx(0.9)


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        ("McAllister, from Johnstone, had admitted assault.", [("McAllister", "PERSON"), ("Johnstone", "PERSON")], "LOC"),
        ("McAllister, from Johnstone had admitted assault.", [("McAllister", "PERSON"), ("Johnstone", "PERSON")], "PERSON"),  # no comma after
        ("Lorna Brady, from Renfrewshire CID, said so.", [("Lorna Brady", "PERSON"), ("Renfrewshire CID", "ORG")], "ORG"),  # not read as a person
        ("The club, from Johnstone, said so.", [("Johnstone", "PERSON")], "PERSON"),  # no person before
        ("McAllister, of Johnstone, had admitted assault.", [("McAllister", "PERSON"), ("Johnstone", "PERSON")], "PERSON"),  # of: no bare home word
    ],
)
def test_a_person_after_a_person_and_from_in_commas_is_the_persons_home(blank, text, ents, expected):
    stage = make_ages(blank, "ages", "PERSON", ["PERSON", "ORG", "LOC"], ["year", "years"], "old", 120, home_words=["of", "from"], bare_home_words=["from"])
    doc = make_doc(blank, text, ents)
    assert stage(doc).ents[-1].label_ == expected
    without = make_ages(blank, "ages", "PERSON", ["PERSON", "ORG", "LOC"], ["year", "years"], "old", 120, home_words=["of", "from"])
    assert without(make_doc(blank, text, ents)).ents[-1].label_ == ents[-1][1]
