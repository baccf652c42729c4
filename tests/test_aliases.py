import pytest
from conftest import ent_tuples, make_doc

from pipeline.components.aliases import make_alias_linker


@pytest.fixture
def linker(blank):
    return make_alias_linker(
        blank, "alias_linker", person_labels=["PERSON"], define_acronyms=True, link_initials=True,
        recover_recurring=True, recover_surnames=True, min_surname_chars=3,
    )  # fmt: skip


def entity_of(doc, text, occurrence=0):
    return [e for e in doc.ents if e.text == text][occurrence]._.entity_id


def test_surname_links_to_full_name_with_particle(blank, linker):
    doc = make_doc(blank, "Asaad al-Shaibani visited Baghdad. Shaibani said more.",
                   [("Asaad al-Shaibani", "PERSON"), ("Baghdad", "LOC"), ("Shaibani", "PERSON", 1)])  # fmt: skip
    doc = linker(doc)
    assert entity_of(doc, "Asaad al-Shaibani") == entity_of(doc, "Shaibani") == "E1"
    assert entity_of(doc, "Baghdad") == "E2"


def test_unrecognised_recurring_surname_is_found(blank, linker):
    doc = make_doc(blank, "Asaad al-Shaibani visited Iraq. Shaibani, who arrived late, spoke.",
                   [("Asaad al-Shaibani", "PERSON"), ("Iraq", "LOC")])  # fmt: skip
    doc = linker(doc)
    assert ("Shaibani", "PERSON") in ent_tuples(doc)
    found = [e for e in doc.ents if e.text == "Shaibani"][0]
    assert found._.component == "alias_linker"
    assert found._.entity_id == entity_of(doc, "Asaad al-Shaibani")


def test_generational_suffix_is_no_surname(blank, linker):
    doc = make_doc(blank, "Arcade Joseph Comeaux Jr. escaped. Comeaux was armed. Jr. is not a name.",
                   [("Arcade Joseph Comeaux Jr.", "PERSON")])  # fmt: skip
    doc = linker(doc)
    assert ("Comeaux", "PERSON") in ent_tuples(doc)  # recovered as the surname
    assert ("Jr.", "PERSON") not in ent_tuples(doc)  # the suffix is not
    assert entity_of(doc, "Comeaux") == entity_of(doc, "Arcade Joseph Comeaux Jr.")


def test_lone_given_name_joins_the_one_full_name_it_opens(blank, linker):
    doc = make_doc(blank, "Daniel Montalvo left the group. Daniel said he was followed.",
                   [("Daniel Montalvo", "PERSON"), ("Daniel", "PERSON", 1)])  # fmt: skip
    doc = linker(doc)
    assert entity_of(doc, "Daniel") == entity_of(doc, "Daniel Montalvo")


def test_lone_given_name_stays_apart_when_ambiguous_or_a_surname(blank, linker):
    # Two Franks: no evidence for either.
    doc = linker(make_doc(blank, "Frank Messina met Frank Rack. Frank spoke.",
                          [("Frank Messina", "PERSON"), ("Frank Rack", "PERSON"), ("Frank", "PERSON", 2)]))  # fmt: skip
    assert len({entity_of(doc, "Frank Messina"), entity_of(doc, "Frank Rack"), entity_of(doc, "Frank")}) == 3
    # Mohamed opens one name and ends two: a surname, and ambiguous.
    doc = linker(make_doc(blank, "Ahmed Mohamed and Mohamed Elhassan Mohamed came. Mohamed spoke.",
                          [("Ahmed Mohamed", "PERSON"), ("Mohamed Elhassan Mohamed", "PERSON"), ("Mohamed", "PERSON", 3)]))  # fmt: skip
    assert len({entity_of(doc, "Ahmed Mohamed"), entity_of(doc, "Mohamed Elhassan Mohamed"), entity_of(doc, "Mohamed")}) == 3


def test_a_title_is_no_given_name(blank, linker):
    doc = linker(make_doc(blank, "Senator Rick Santorum spoke. The Senator left.",
                          [("Senator Rick Santorum", "PERSON"), ("Senator", "PERSON", 1)]))  # fmt: skip
    assert entity_of(doc, "Senator") != entity_of(doc, "Senator Rick Santorum")


def test_recurring_full_name_and_place_are_found(blank, linker):
    doc = make_doc(blank, "Talks in Baghdad went well. Baghdad said so.", [("Baghdad", "LOC")])
    doc = linker(doc)
    assert ent_tuples(doc) == [("Baghdad", "LOC"), ("Baghdad", "LOC")]
    assert doc.ents[0]._.entity_id == doc.ents[1]._.entity_id


def test_acronym_defined_in_text(blank, linker):
    text = "Remnants of the Islamic State (IS) group. IS fighters fled."
    doc = make_doc(blank, text, [("Islamic State", "ORG")])
    doc = linker(doc)
    assert ent_tuples(doc) == [("Islamic State", "ORG"), ("IS", "ORG"), ("IS", "ORG")]
    assert len({e._.entity_id for e in doc.ents}) == 1
    assert doc._.acronyms == {"IS": "Islamic State"}


def test_acronym_needs_matching_initial(blank, linker):
    doc = make_doc(blank, "Police in Baghdad (AP) said.", [("Baghdad", "LOC")])
    doc = linker(doc)
    assert ent_tuples(doc) == [("Baghdad", "LOC")]


@pytest.fixture
def acronym_linker(blank):
    return make_alias_linker(
        blank, "alias_linker", person_labels=["PERSON"], define_acronyms=True, link_initials=True,
        recover_recurring=True, recover_surnames=True, min_surname_chars=3, titled_acronyms=True, relabel_acronyms=True,
    )  # fmt: skip


def test_an_acronym_written_as_a_word_is_defined_and_relabelled(blank, linker, acronym_linker):
    text = "The National Institute for Health and Care Excellence (Nice) approved it. Nasa said Nice had."
    ents = [("National Institute for Health and Care Excellence", "ORG"), ("Nice", "LOC"), ("Nasa", "ORG"), ("Nice", "LOC", 1)]
    assert ent_tuples(linker(make_doc(blank, text, ents)))[1] == ("Nice", "LOC")
    doc = acronym_linker(make_doc(blank, text, ents))
    assert ent_tuples(doc) == [("National Institute for Health and Care Excellence", "ORG"), ("Nice", "ORG"), ("Nasa", "ORG"), ("Nice", "LOC")]
    assert doc._.acronyms == {"NICE": "National Institute for Health and Care Excellence"}
    text = "The National Aeronautics and Space Administration (Nasa) and the Scottish National Party (Snp) met."
    doc = acronym_linker(make_doc(blank, text, [("National Aeronautics and Space Administration", "ORG"), ("Scottish National Party", "ORG")]))
    assert ent_tuples(doc) == [("National Aeronautics and Space Administration", "ORG"), ("Nasa", "ORG"), ("Scottish National Party", "ORG"), ("Snp", "ORG")]


def test_a_word_in_brackets_that_spells_no_initials_is_no_acronym(blank, acronym_linker):
    text = "Gordon Brown (Labour) met Glasgow City Council (Gcc) in Edinburgh (Scotland)."
    ents = [("Gordon Brown", "PERSON"), ("Labour", "ORG"), ("Glasgow City Council", "ORG"), ("Edinburgh", "LOC"), ("Scotland", "LOC")]
    doc = acronym_linker(make_doc(blank, text, ents))
    assert ent_tuples(doc) == [
        ("Gordon Brown", "PERSON"),
        ("Labour", "ORG"),
        ("Glasgow City Council", "ORG"),
        ("Gcc", "ORG"),
        ("Edinburgh", "LOC"),
        ("Scotland", "LOC"),
    ]


def test_a_curated_acronym_keeps_its_label(blank, acronym_linker):
    doc = make_doc(blank, "The Islamic State (IS) group.", [("Islamic State", "ORG")])
    ents = [*doc.ents, doc.char_span(19, 21, label="LOC", kb_id="iceland")]
    doc.ents = ents
    assert ent_tuples(acronym_linker(doc)) == [("Islamic State", "ORG"), ("IS", "LOC")]


def test_initials_link_abbreviation(blank, linker):
    doc = make_doc(blank, "The United States and the U.S. coalition.", [("United States", "LOC"), ("U.S.", "LOC")])
    doc = linker(doc)
    assert entity_of(doc, "United States") == entity_of(doc, "U.S.")


def test_ambiguous_surname_is_not_merged(blank, linker):
    text = "Fuad Hussein met Saddam Hussein's son. Hussein left."
    doc = make_doc(blank, text, [("Fuad Hussein", "PERSON"), ("Saddam Hussein", "PERSON"), ("Hussein", "PERSON", 2)])
    doc = linker(doc)
    ids = {e.text: e._.entity_id for e in doc.ents}
    assert len(set(ids.values())) == 3


def test_ambiguous_surname_is_not_recovered(blank, linker):
    doc = make_doc(blank, "Fuad Hussein met Saddam Hussein. Hussein left.", [("Fuad Hussein", "PERSON"), ("Saddam Hussein", "PERSON")])
    assert len(linker(doc).ents) == 2


def test_same_name_different_label_stays_apart(blank, linker):
    doc = make_doc(blank, "Jordan visited Jordan.", [("Jordan", "PERSON"), ("Jordan", "LOC", 1)])
    doc = linker(doc)
    assert doc.ents[0]._.entity_id != doc.ents[1]._.entity_id


def test_lowercase_word_is_not_an_acronym_recurrence(blank, linker):
    doc = make_doc(blank, "IS fighters left. It is over.", [("IS", "ORG")])
    assert ent_tuples(linker(doc)) == [("IS", "ORG")]


def test_link_across_labels_joins_one_name_with_two_labels(blank):
    linker = make_alias_linker(
        blank, "alias_linker", person_labels=["PERSON"], define_acronyms=True, link_initials=True,
        recover_recurring=True, recover_surnames=True, min_surname_chars=3, link_across_labels=True,
    )  # fmt: skip
    doc = make_doc(blank, "The Church of Scientology said Scientology left.", [("Church of Scientology", "ORG"), ("Scientology", "LOC", 1)])
    doc = linker(doc)
    assert doc.ents[0]._.entity_id != doc.ents[1]._.entity_id  # different names
    doc = make_doc(blank, "Scientology grew. Scientology left.", [("Scientology", "ORG"), ("Scientology", "LOC", 1)])
    doc = linker(doc)
    assert doc.ents[0]._.entity_id == doc.ents[1]._.entity_id
