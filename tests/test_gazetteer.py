"""Place and company gazetteer patterns and the fill-gaps filter."""

from __future__ import annotations

import pytest
from conftest import ROOT, make_doc
from spacy.tokens import Span

from pipeline.components.evidence import name_lexicon
from pipeline.components.gazetteer import company_patterns, make_fill_gaps_filter, place_patterns


@pytest.fixture(scope="module")
def patterns():
    return place_patterns(min_population=1_000_000)


def test_patterns_cover_countries_states_and_big_cities(patterns):
    by_name = {p["pattern"]: p for p in patterns}
    assert {"Iraq", "Syria", "Viet Nam", "Vietnam", "Texas", "Baghdad"} <= set(by_name)
    assert by_name["Baghdad"]["id"] == "geonames:98182" and by_name["Iraq"]["id"].startswith("geonames-region:")
    assert not any("," in p["pattern"] for p in patterns)


def test_subdivisions_of_the_chosen_countries_fill_gaps_without_persons_names():
    """pycountry's UK and Irish subdivisions, id iso3166-2:<code>; a one-word given name or surname left out."""
    from pipeline.components.evidence import NameLexicon

    lexicon = NameLexicon(given_names=frozenset({"angus", "clare"}), surnames=frozenset({"monaghan"}))
    by_name = {p["pattern"]: p for p in place_patterns(min_population=1_000_000, subdivisions_of=["GB", "IE"], lexicon=lexicon)}
    assert by_name["Fife"]["id"] == "iso3166-2:GB-FIF" and by_name["Inverclyde"]["id"] == "iso3166-2:GB-IVC"
    assert by_name["Perth and Kinross"]["id"] == "iso3166-2:GB-PKN" and "Tipperary" in by_name
    assert not {"Angus", "Clare", "Monaghan"} & set(by_name)  # a person's name as often
    assert not {"Glasgow City", "London, City of", "Cardiff [Caerdydd GB-CRD]"} & set(by_name)  # a city of its own; pycountry's forms
    assert "Fife" not in {p["pattern"] for p in place_patterns(min_population=1_000_000)}  # none without subdivisions_of


def test_default_pipeline_finds_a_council_area_the_model_misses(nlp):
    docs = nlp.pipe(["Residents of Inverclyde were told to stay indoors.", "Workers in Fife were angry."])
    assert [[(e.text, e.label_, e.id_) for e in doc.ents] for doc in docs] == [
        [("Inverclyde", "LOC", "iso3166-2:GB-IVC")],
        [("Fife", "LOC", "iso3166-2:GB-FIF")],
    ]


def test_pipeline_adds_places_only_in_gaps(blank, patterns):
    ruler = blank.add_pipe("span_ruler", config={"annotate_ents": True, "overwrite": False, "ents_filter": {"@misc": "news.fill_gaps_filter.v1"}})
    ruler.add_patterns([p for p in patterns if p["pattern"] in {"Baghdad", "Iraq", "Georgia", "Texas"}])
    doc = make_doc(blank, "Georgia met the Baghdad Police in Iraq and Texas.", [("Georgia", "PERSON"), ("Baghdad Police", "ORG"), ("Texas", "ORG")])
    doc = ruler(doc)
    got = [(e.text, e.label_) for e in doc.ents]
    # Georgia (a country, the whole span) and Texas (a state) relabelled; Baghdad inside an ORG untouched; Iraq added
    assert got == [("Georgia", "GPE"), ("Baghdad Police", "ORG"), ("Iraq", "GPE"), ("Texas", "GPE")]


def test_filter_keeps_model_entities_when_relabel_is_empty(blank):
    doc = make_doc(blank, "Georgia spoke.", [("Georgia", "PERSON")])
    place = Span(doc, 0, 1, label="GPE", span_id="geonames-region:614540")
    assert [(s.text, s.label_) for s in make_fill_gaps_filter(relabel=[])(list(doc.ents), [place])] == [("Georgia", "PERSON")]
    assert [(s.text, s.label_) for s in make_fill_gaps_filter()(list(doc.ents), [place])] == [("Georgia", "GPE")]


def test_company_patterns_are_listed_names_of_two_words_or_more():
    """pytickersymbols' names, as listed and without their legal form; one word is too often a word too."""
    words = str(ROOT / "configs" / "evidence")
    lexicon = name_lexicon(words, locales=["en_US", "en_GB"])
    names = {p["pattern"] for p in company_patterns(lexicon, words)}
    assert {"Electronic Arts", "Morgan Stanley", "Volkswagen Group", "Goldman Sachs"} <= names
    assert not {"News", "Southern", "Volkswagen"} & names  # News Corp, Southern Company: one word
    assert all(p["label"] == "ORG" for p in company_patterns(lexicon, words)[:5])
    assert "Volkswagen" in {p["pattern"] for p in company_patterns(lexicon, words, min_words=1)}


def test_default_pipeline_finds_a_listed_company_the_model_misses(nlp):
    doc = nlp("Shares of Electronic Arts rose 3 percent on Tuesday after the results.")
    assert [(e.text, e.label_) for e in doc.ents] == [("Electronic Arts", "ORG")]


def test_replace_inside_puts_a_listed_name_over_the_parts_the_model_found(blank):
    doc = make_doc(
        blank, "Marks & Spencer and Bank of America Merrill Lynch met.", [("Marks", "PERSON"), ("Spencer", "PERSON"), ("Bank of America Merrill Lynch", "ORG")]
    )
    listed = [Span(doc, 0, 3, label="ORG"), Span(doc, 4, 7, label="ORG")]  # Marks & Spencer; Bank of America
    assert [(s.text, s.label_) for s in make_fill_gaps_filter(relabel=[])(list(doc.ents), listed)] == [
        ("Marks", "PERSON"),
        ("Spencer", "PERSON"),
        ("Bank of America Merrill Lynch", "ORG"),
    ]
    # The listed name wins over what lies inside it, never over a longer entity.
    assert [(s.text, s.label_) for s in make_fill_gaps_filter(relabel=[], replace_inside=True)(list(doc.ents), listed)] == [
        ("Marks & Spencer", "ORG"),
        ("Bank of America Merrill Lynch", "ORG"),
    ]


def test_default_pipeline_reads_marks_and_spencer_as_one_company(nlp):
    assert [(e.text, e.label_) for e in nlp("Marks & Spencer said sales fell.").ents] == [("Marks & Spencer", "ORG")]
