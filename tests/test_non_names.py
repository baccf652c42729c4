"""``news_non_names``: storm names, post-nominal letters, era markers, concepts and one-word "persons"
after *the* are no entities."""

from __future__ import annotations

import pytest
from conftest import ROOT, ent_tuples, make_doc

from pipeline.components.non_names import make_non_names
from pipeline.config.build import load_pipeline_config

SETTINGS = {
    "event_words": ["hurricane", "cyclone", "tropical storm"],
    "post_nominals": ["md", "qc", "phd"],
    "era_words": ["bc", "ad"],
    "person_labels": ["PERSON"],
    "concept_words": ["covid", "bitcoin"],
    "concept_patterns": ["[a-z]+exit"],
    "titled_event_words": ["storm"],
    "article_words": ["the"],
    "article_joiners": ["and", "or"],
    "place_nouns": ["tunnel", "crossing"],
    "event_heads": ["cup", "prix", "act"],
    "street_words": ["street", "road"],
    "place_of_nouns": ["town", "village"],
}


@pytest.fixture
def non_names(blank):
    return make_non_names(blank, "non_names", **SETTINGS)


def test_a_storm_and_its_later_mentions_are_dropped(blank, non_names):
    text = "Hurricane Rita hit Texas. Rita packed winds as Cyclone Phailin neared Odisha; Phailin's eye"
    doc = make_doc(
        blank, text, [("Rita", "PERSON"), ("Texas", "LOC"), ("Rita", "PERSON", 1), ("Cyclone Phailin", "PERSON"), ("Odisha", "LOC"), ("Phailin's", "PERSON")]
    )
    assert ent_tuples(non_names(doc)) == [("Texas", "LOC"), ("Odisha", "LOC")]


def test_a_multiword_event_word_and_a_title_case_headline(blank, non_names):
    text = "Tropical Storm Allison Floods Houston\nAllison left Houston under water."
    doc = make_doc(blank, text, [("Allison Floods Houston", "ORG"), ("Allison", "PERSON", 1), ("Houston", "LOC", 1)])
    assert ent_tuples(non_names(doc)) == [("Houston", "LOC")]


def test_an_event_word_inside_a_name_names_no_storm(blank, non_names):
    text = "The National Hurricane Center said Center Parcs and Rita Ora were closed."
    doc = make_doc(blank, text, [("National Hurricane Center", "ORG"), ("Center Parcs", "ORG"), ("Rita Ora", "PERSON")])
    assert ent_tuples(non_names(doc)) == [("National Hurricane Center", "ORG"), ("Center Parcs", "ORG"), ("Rita Ora", "PERSON")]


def test_a_titled_event_word_names_a_storm_only_with_its_capital(blank, non_names):
    text = "Storm Arwen hit Scotland. Arwen left 100,000 homes without power. After the storm Swinney visited Aberdeen."
    doc = make_doc(blank, text, [("Arwen", "PERSON"), ("Scotland", "LOC"), ("Arwen", "PERSON", 1), ("Swinney", "PERSON"), ("Aberdeen", "LOC")])
    assert ent_tuples(non_names(doc)) == [("Scotland", "LOC"), ("Swinney", "PERSON"), ("Aberdeen", "LOC")]
    doc = make_doc(blank, "Storm Eowyn brought gusts of 100mph.", [("Storm Eowyn", "ORG")])
    assert ent_tuples(non_names(doc)) == []


def test_a_one_word_person_after_the_before_no_noun_is_dropped(blank, non_names):
    text = "The Snowman, the film, and The Snowman was shown. Ships sail on the Clyde. It beat the Pistons in May."
    doc = make_doc(blank, text, [("Snowman", "PERSON"), ("Snowman", "PERSON", 1), ("Clyde", "PERSON"), ("Pistons", "PERSON")])
    assert ent_tuples(non_names(doc)) == []


def test_a_person_after_the_before_a_noun_or_a_joiner_stays(blank, non_names):
    text = "Under the Bush administration and the Clinton and Carter administrations, the Pistons won. Smith said."
    ents = [("Bush", "PERSON"), ("Clinton", "PERSON"), ("Carter", "PERSON"), ("Pistons", "ORG"), ("Smith", "PERSON")]
    doc = make_doc(blank, text, ents)
    assert ent_tuples(non_names(doc)) == ents
    settings = {**SETTINGS, "article_words": []}
    doc = make_doc(blank, "They sail on the Clyde.", [("Clyde", "PERSON")])
    assert ent_tuples(make_non_names(blank, "non_names", **settings)(doc)) == [("Clyde", "PERSON")]


def test_a_person_after_the_before_a_place_noun_is_the_place(blank, non_names):
    text = "The Clyde tunnel closed. They met at the Erez crossing. Smith tunnel work and the Bush administration."
    doc = make_doc(blank, text, [("Clyde", "PERSON"), ("Erez", "PERSON"), ("Smith", "PERSON"), ("Bush", "PERSON")])
    doc.ents[1]._.label_probs = {"PERSON": 0.7, "LOC": 0.2, "NONE": 0.1}
    out = non_names(doc)
    assert ent_tuples(out) == [("Clyde", "LOC"), ("Erez", "LOC"), ("Smith", "PERSON"), ("Bush", "PERSON")]
    assert out.ents[1]._.component == "non_names" and out.ents[1]._.label_probs["LOC"] == pytest.approx(0.9)


def test_a_person_between_a_street_and_a_punctuation_mark_is_the_district(blank, non_names):
    text = "Police went to Duke Street, Dennistoun, at 23:45 and to London Road, Mount Vernon. On Bath Street, Smith said no."
    ents = [("Duke Street", "LOC"), ("Dennistoun", "PERSON"), ("London Road", "LOC"), ("Mount Vernon", "PERSON"), ("Bath Street", "LOC"), ("Smith", "PERSON")]
    out = non_names(make_doc(blank, text, ents))
    # The last: a verb after the name, no address.
    assert ent_tuples(out) == [
        ("Duke Street", "LOC"),
        ("Dennistoun", "LOC"),
        ("London Road", "LOC"),
        ("Mount Vernon", "LOC"),
        ("Bath Street", "LOC"),
        ("Smith", "PERSON"),
    ]
    assert out.ents[1]._.component == "non_names"


def test_post_nominal_letters_ending_a_persons_entity_are_cut_off(blank, non_names):
    text = "Judge Nicholas Dean QC sentenced him. Harry Preuss MD and Smith KC and MARK DEAN QC spoke."
    ents = [("Nicholas Dean QC", "PERSON"), ("Harry Preuss MD", "ORG"), ("Smith KC", "PERSON"), ("MARK DEAN QC", "PERSON")]
    out = non_names(make_doc(blank, text, ents))
    # an organisation, a name of two words, a name in capitals: left as they are
    assert ent_tuples(out) == [("Nicholas Dean", "PERSON"), ("Harry Preuss MD", "ORG"), ("Smith KC", "PERSON"), ("MARK DEAN QC", "PERSON")]
    assert out.ents[0]._.component == "non_names"


def test_post_nominal_letters_after_a_person_are_dropped(blank, non_names):
    text = "Mark Tedeschi, QC, said so. Harry Preuss, MD. Baltimore, MD is far. John Brennan, MD director."
    doc = make_doc(
        blank,
        text,
        [
            ("Mark Tedeschi", "PERSON"),
            ("QC", "ORG"),
            ("Harry Preuss", "PERSON"),
            ("MD", "ORG"),
            ("Baltimore", "LOC"),
            ("MD", "LOC", 1),
            ("John Brennan", "PERSON"),
            ("MD", "ORG", 2),
        ],
    )
    assert ent_tuples(non_names(doc)) == [
        ("Mark Tedeschi", "PERSON"),
        ("Harry Preuss", "PERSON"),
        ("Baltimore", "LOC"),
        ("MD", "LOC"),  # after a place: Maryland
        ("John Brennan", "PERSON"),
        ("MD", "ORG"),  # a word follows: part of what he is, not letters after his name
    ]


def test_era_markers_next_to_a_year_are_dropped(blank, non_names):
    text = "Built in 3000 BC, by the 7th century BC it grew; AD 79 came. BC Hydro and AD Ltd stay."
    doc = make_doc(blank, text, [("BC", "ORG"), ("BC", "ORG", 1), ("AD", "ORG"), ("BC", "ORG", 2), ("AD", "ORG", 1)])
    assert ent_tuples(non_names(doc)) == [("BC", "ORG"), ("AD", "ORG")]


def test_an_entity_after_the_town_of_is_the_place(blank, non_names):
    text = "Clashes near the town of Manbij and the village of Kozache Laheri. A town of Smith's size and the town of Paris stay."
    ents = [("Manbij", "ORG"), ("Kozache Laheri", "PERSON"), ("Smith", "PERSON"), ("Paris", "LOC")]
    doc = make_doc(blank, text, ents)
    doc.ents[0]._.label_probs = {"ORG": 0.6, "LOC": 0.3, "NONE": 0.1}
    out = non_names(doc)
    assert ent_tuples(out) == [("Manbij", "LOC"), ("Kozache Laheri", "LOC"), ("Smith", "PERSON"), ("Paris", "LOC")]
    # Every other label's mass moves to the place (NONE too): the document vote must not undo it.
    assert out.ents[0]._.component == "non_names" and out.ents[0]._.label_probs["LOC"] == pytest.approx(1.0)
    settings = {**SETTINGS, "place_of_nouns": []}
    doc = make_doc(blank, "near the town of Manbij", [("Manbij", "ORG")])
    assert ent_tuples(make_non_names(blank, "non_names", **settings)(doc)) == [("Manbij", "ORG")]


def test_the_default_config_drops_the_budget_and_plural_role_letters():
    settings = load_pipeline_config(ROOT / "configs" / "default.cfg")["components"]["non_names"]
    assert {"budget", "mps", "msps", "gps"} <= set(settings["concept_words"])
    assert {"town", "village", "city"} <= set(settings["place_of_nouns"])


def test_concepts_are_dropped_alone_and_kept_inside_a_longer_name(blank, non_names):
    text = "Brexit's cost, a Grexit, COVID and Bitcoin hit the Brexit Party. Exit Realty and Smith stay."
    doc = make_doc(
        blank,
        text,
        [
            ("Brexit's", "PERSON"),
            ("Grexit", "PERSON"),
            ("COVID", "ORG"),
            ("Bitcoin", "LOC"),
            ("Brexit Party", "ORG"),
            ("Exit Realty", "ORG"),
            ("Smith", "PERSON"),
        ],
    )
    assert ent_tuples(non_names(doc)) == [("Brexit Party", "ORG"), ("Exit Realty", "ORG"), ("Smith", "PERSON")]


def test_without_concept_lists_nothing_is_a_concept(blank):
    settings = {**SETTINGS, "concept_words": [], "concept_patterns": []}
    doc = make_doc(blank, "Brexit split the party.", [("Brexit", "PERSON")])
    assert ent_tuples(make_non_names(blank, "non_names", **settings)(doc)) == [("Brexit", "PERSON")]


def test_the_default_pipeline_drops_brexit(nlp):
    doc = nlp("Brexit has split the Conservative Party. Nigel Farage founded the Brexit Party.")
    texts = [ent.text for ent in doc.ents]
    assert "Brexit" not in texts and "Conservative Party" in texts


def test_a_name_ending_in_an_event_or_law_head_is_dropped(blank, non_names):
    text = "Chelsea won the Club World Cup in New Jersey and the Mexico City Grand Prix went to Norris under the Clean Air Act."
    ents = [
        ("Chelsea", "ORG"),
        ("Club World Cup", "LOC"),
        ("New Jersey", "LOC"),
        ("Mexico City Grand Prix", "LOC"),
        ("Norris", "PERSON"),
        ("Clean Air Act", "ORG"),
    ]
    doc = make_doc(blank, text, ents)
    assert ent_tuples(non_names(doc)) == [("Chelsea", "ORG"), ("New Jersey", "LOC"), ("Norris", "PERSON")]


def test_an_event_head_alone_or_in_lower_case_names_an_entity(blank, non_names):
    text = "Cup holders Celtic met Fat Cup Ltd and Smith act in Paris."
    doc = make_doc(blank, text, [("Cup", "ORG"), ("Celtic", "ORG"), ("Fat Cup Ltd", "ORG"), ("Smith act", "PERSON"), ("Paris", "LOC")])
    assert ent_tuples(non_names(doc)) == [("Cup", "ORG"), ("Celtic", "ORG"), ("Fat Cup Ltd", "ORG"), ("Smith act", "PERSON"), ("Paris", "LOC")]


def test_curated_matches_stay(blank, non_names):
    doc = make_doc(blank, "Hurricane Sandy hit New York.", [("Sandy", "PERSON"), ("New York", "LOC")])
    ents = list(doc.ents)
    ents[0] = doc.char_span(10, 15, label="PERSON", span_id="sandy-hook")
    doc.ents = ents
    assert ent_tuples(non_names(doc)) == [("Sandy", "PERSON"), ("New York", "LOC")]


def test_the_default_config_runs_it_after_the_classifier():
    config = load_pipeline_config(ROOT / "configs" / "default.cfg", {})
    pipeline = config["nlp"]["pipeline"]
    assert pipeline.index("span_classifier") < pipeline.index("non_names") < pipeline.index("alias_linker")
    assert "hurricane" in config["components"]["non_names"]["event_words"]
    assert config["components"]["non_names"]["titled_event_words"] == ["storm"]
    assert config["components"]["non_names"]["article_words"] == ["the"]
    assert {"cup", "prix", "act"} <= set(config["components"]["non_names"]["event_heads"])
    assert {"easter", "christmas", "ramadan"} <= set(config["components"]["non_names"]["concept_words"])
