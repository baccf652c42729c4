"""``news_span_ruler``: the rule stages say which entities they produced (``Span._.component``)."""

from __future__ import annotations

import pytest
from conftest import ROOT, make_doc

from pipeline.components.cleanup import make_span_cleanup

PLACES = [
    {"label": "GPE", "pattern": "Iraq", "id": "geonames-region:99237"},
    {"label": "GPE", "pattern": "Georgia", "id": "geonames-region:614540"},
    {"label": "GPE", "pattern": "Baghdad", "id": "geonames:98182"},
]
COMPANIES = [{"label": "ORG", "pattern": "Electronic Arts"}, {"label": "ORG", "pattern": "Deutsche Bank"}]


def ruler(nlp, name, ents_filter, patterns):
    pipe = nlp.add_pipe("news_span_ruler", name=name, config={"spans_key": name, "annotate_ents": True, "overwrite": False, "ents_filter": ents_filter})
    pipe.add_patterns(patterns)
    return pipe


def recogniser_credit(nlp):
    """``news_span_cleanup`` as the shipped configs set it: what no stage marked is the recogniser's."""
    return make_span_cleanup(
        nlp, "span_cleanup", leading_articles=[], titles=[], person_labels=["PERSON"], merge_labels=[],
        rule_spans_key=None, rule_component="entity_rules", model_component="ner",
    )  # fmt: skip


def components(doc):
    return {e.text: e._.component for e in doc.ents}


def test_places_names_the_places_it_adds_and_takes_over(blank):
    places = ruler(blank, "places", {"@misc": "news.fill_gaps_filter.v1"}, PLACES)
    doc = make_doc(blank, "Georgia met the Baghdad Police in Iraq on Monday.", [("Georgia", "ORG"), ("Baghdad Police", "ORG"), ("Monday", "DATE")])
    doc = recogniser_credit(blank)(places(doc))
    # Iraq added, Georgia (the model's ORG, a country's whole name) taken over; Baghdad inside the model's ORG is no mention
    assert components(doc) == {"Georgia": "places", "Baghdad Police": "ner", "Iraq": "places", "Monday": "ner"}
    assert [s.text for s in doc.spans["places"]] == ["Georgia", "Baghdad", "Iraq"]  # every match, as spaCy's ruler keeps them


def test_companies_names_the_companies_it_adds_not_those_the_model_found(blank):
    companies = ruler(blank, "companies", {"@misc": "news.fill_gaps_filter.v1", "relabel": []}, COMPANIES)
    doc = make_doc(blank, "Shares of Electronic Arts and Deutsche Bank rose.", [("Deutsche Bank", "ORG")])
    doc = recogniser_credit(blank)(companies(doc))
    assert components(doc) == {"Electronic Arts": "companies", "Deutsche Bank": "ner"}


def test_entity_rules_names_the_curated_matches_that_win(blank):
    rules = ruler(blank, "entity_rules", {"@misc": "news.prefer_rules_filter.v1"}, [{"label": "ORG", "pattern": "IS", "id": "islamic-state"}])
    doc = make_doc(blank, "IS fighters left the US State Department and IS.", [("IS", "PERSON"), ("US State Department", "ORG")])
    doc = recogniser_credit(blank)(rules(doc))
    assert [(e.text, e.label_, e._.component) for e in doc.ents] == [
        ("IS", "ORG", "entity_rules"),
        ("US State Department", "ORG", "ner"),
        ("IS", "ORG", "entity_rules"),
    ]


def test_the_name_is_the_one_the_config_gives(blank):
    gazetteer = ruler(blank, "my_places", {"@misc": "news.fill_gaps_filter.v1"}, PLACES)
    assert components(gazetteer(blank.make_doc("Troops left Iraq."))) == {"Iraq": "my_places"}


def test_without_annotate_ents_nothing_is_marked(blank):
    pipe = blank.add_pipe("news_span_ruler", config={"spans_key": "found"})
    pipe.add_patterns(PLACES)
    doc = pipe(blank.make_doc("Troops left Iraq."))
    assert not doc.ents and [(s.text, s._.component) for s in doc.spans["found"]] == [("Iraq", None)]


#: A wire story through the default pipeline: each mention and the stage that produced it.
WIRE = (
    "SOCCER - JAPAN GET LUCKY WIN , CHINA IN SURPRISE DEFEAT .\n\n"
    "AL-AIN , United Arab Emirates 1996-12-06\n\n"
    "Japan began the defence of their Asian Cup title with a lucky 2-1 win against Syria in a Group C championship match on Friday .\n\n"
    "China controlled most of the match until Uzbek striker Igor Shkvyrin lobbed the ball over the keeper .\n\n"
    "Corrado Passera met EU farm ministers . Arbroath beat Rangers 2-1 .\n\n"
    "Shares of Electronic Arts rose 3 percent on Tuesday after the results ."
)


@pytest.fixture(scope="module")
def wire_components(nlp):
    return components(nlp(WIRE))


@pytest.mark.parametrize(
    "text, component",
    [
        ("JAPAN", "headline"),
        ("AL-AIN", "datelines"),
        ("United Arab Emirates", "places"),  # the model's ORG, a country's name: the gazetteer's place
        ("Igor Shkvyrin", "titled_names"),
        ("EU", "entity_rules"),
        ("Corrado Passera", "ner"),
        ("Arbroath", "sports_teams"),  # a side of a result the recogniser left out
        ("Electronic Arts", "companies"),
    ],
)
def test_default_pipeline_names_the_stage_that_produced_each_mention(wire_components, text, component):
    assert wire_components.get(text, "no mention") == component


def test_every_mention_of_the_default_pipeline_names_a_stage_of_it(nlp):
    doc = nlp(WIRE + "\n\n" + (ROOT / "data" / "raw" / "seed-article.txt").read_text(encoding="utf8"))
    assert {e._.component for e in doc.ents} <= set(nlp.pipe_names)
