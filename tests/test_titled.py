"""``news_titled_names``: a person's name after a title or role word, whole, on hand-built Docs."""

from __future__ import annotations

import pytest
from conftest import ent_tuples, make_doc
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.components.evidence import NameLexicon

LEXICON = NameLexicon(
    given_names=frozenset({"morgan", "hans", "igor", "jose", "asaad", "chelsea", "grant", "jordan", "june", "oscar", "louis", "king"}),
    surnames=frozenset({"meyer"}),
    titles=frozenset(
        {"president", "minister", "foreign", "banker", "striker", "manager", "coach", "defender", "st", "his", "her", "king", "det", "insp", "dci"}
    ),
    places=frozenset({"jordan", "berlin"}),
    companies=frozenset({"morgan stanley"}),
)
WEIGHTS = {"given_name": {"PERSON": 1.0}, "title": {"PERSON": 0.5}}


def titled_pipeline(**settings) -> Language:
    """A blank pipeline with the name evidence (its lexicon: LEXICON) and the stage, by config."""
    nlp = Language()
    nlp.add_pipe("news_name_evidence", name="name_evidence", config={"weights": WEIGHTS})
    nlp.get_pipe("name_evidence").initialize(lexicon=LEXICON)
    nlp.add_pipe("news_titled_names", name="titled_names", config={"not_titles": ["st"], "confidence": 0.8, **settings})
    return nlp


@pytest.fixture
def nlp_titled() -> Language:
    return titled_pipeline()


def run(nlp: Language, text: str, ents: list[tuple[str, str]], sentence_starts: tuple[str, ...] = ()) -> Doc:
    doc = make_doc(nlp, text, ents)
    for word in sentence_starts:  # the senter's boundaries, on the token starting at that word
        token = doc.char_span(text.index(word), text.index(word) + len(word))
        assert token is not None
        token[0].is_sent_start = True
    return nlp.get_pipe("titled_names")(doc)


# -- extend: a PERSON entity takes in the given name before it


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        ("Bundesbank president Hans Tietmeyer said.", [("Bundesbank", "ORG"), ("Tietmeyer", "PERSON")], [("Bundesbank", "ORG"), ("Hans Tietmeyer", "PERSON")]),
        ("Hans Tietmeyer said so on Friday.", [("Tietmeyer", "PERSON")], [("Hans Tietmeyer", "PERSON")]),  # sentence-initial
        ("Chelsea manager Jose Mourinho said.", [("Chelsea", "ORG"), ("Mourinho", "PERSON")], [("Chelsea", "ORG"), ("Jose Mourinho", "PERSON")]),
        ("Defender Igor Shkvyrin scored.", [("Defender Igor Shkvyrin", "PERSON")], [("Igor Shkvyrin", "PERSON")]),  # a title taken in goes
        ("Det Insp Hans Meyer said.", [("Det Insp Hans Meyer", "PERSON")], [("Hans Meyer", "PERSON")]),  # titles taken in go
    ],
)
def test_a_person_takes_in_the_given_name_before_it(nlp_titled, text, ents, expected):
    doc = run(nlp_titled, text, ents)
    assert ent_tuples(doc) == expected
    person = next(ent for ent in doc.ents if ent.label_ == "PERSON")
    assert person._.component == "titled_names"
    assert person._.name_evidence == {"PERSON": 1.0}  # the evidence of the whole name, for the votes


@pytest.mark.parametrize(
    "text, ents, starts",
    [
        ("Chelsea manager Mourinho said.", [("Mourinho", "PERSON")], ()),  # "manager" is no given name
        ("King Tietmeyer said.", [("Tietmeyer", "PERSON")], ()),  # a title, though a given name too
        ("Jordan Tietmeyer said.", [("Tietmeyer", "PERSON")], ()),  # a place
        ("June Tietmeyer said.", [("Tietmeyer", "PERSON")], ()),  # a month
        ("Chelsea Tietmeyer said.", [("Chelsea", "ORG"), ("Tietmeyer", "PERSON")], ()),  # inside another entity
        ("Grant Tietmeyer won a grant.", [("Tietmeyer", "PERSON")], ()),  # a word the document writes in lower case
        ("He met Hans. Tietmeyer said no.", [("Tietmeyer", "PERSON")], ("Tietmeyer",)),  # another sentence
        ("He met Hans\nTietmeyer said no.", [("Tietmeyer", "PERSON")], ()),  # another line
        ("hans Tietmeyer said.", [("Tietmeyer", "PERSON")], ()),  # not capitalised
        ("Bundesbank president Hans Tietmeyer said.", [("Tietmeyer", "ORG")], ()),  # no person
        ("The banker Morgan Stanley said.", [("Stanley", "PERSON")], ()),  # a listed company
    ],
)
def test_no_given_name_before_it_no_extension(nlp_titled, text, ents, starts):
    doc = run(nlp_titled, text, ents, starts)
    assert ent_tuples(doc) == [(sub, label) for sub, label in ents]


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        ("DCI Hans Meyer said.", [("DCI", "ORG"), ("Hans Meyer", "PERSON")], [("Hans Meyer", "PERSON")]),  # a title alone before a person
        ("The DCI said.", [("DCI", "ORG")], [("DCI", "ORG")]),  # no person after it
        ("The DCI, Hans Meyer said.", [("DCI", "ORG"), ("Hans Meyer", "PERSON")], [("DCI", "ORG"), ("Hans Meyer", "PERSON")]),  # not right before
        ("Det Tietmeyer said.", [("Det", "ORG"), ("Tietmeyer", "ORG")], [("Det", "ORG"), ("Tietmeyer", "ORG")]),  # no person
    ],
)
def test_a_title_alone_before_a_person_is_no_entity(nlp_titled, text, ents, expected):
    assert ent_tuples(run(nlp_titled, text, ents)) == expected


def test_a_curated_person_is_not_extended(nlp_titled):
    doc = make_doc(nlp_titled, "Hans Tietmeyer said.", [])
    doc.ents = [doc.char_span(5, 14, label="PERSON", span_id="tietmeyer")]
    assert ent_tuples(nlp_titled.get_pipe("titled_names")(doc)) == [("Tietmeyer", "PERSON")]


def test_an_extended_person_keeps_its_probabilities(nlp_titled):
    doc = make_doc(nlp_titled, "Bundesbank president Hans Tietmeyer said.", [("Tietmeyer", "PERSON")])
    doc.ents[0]._.label_probs = {"PERSON": 0.6, "NONE": 0.4}
    doc = nlp_titled.get_pipe("titled_names")(doc)
    assert ent_tuples(doc) == [("Hans Tietmeyer", "PERSON")] and doc.ents[0]._.label_probs == {"PERSON": 0.6, "NONE": 0.4}


# -- add: a title followed by a given name and capitalised words no entity covers


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        ("Uzbek striker Igor Shkvyrin took advantage.", [], "Igor Shkvyrin"),
        ("President Hans Tietmeyer said.", [], "Hans Tietmeyer"),  # sentence-initial title
        ("Foreign Minister Asaad al-Shaibani visited Baghdad.", [("Baghdad", "LOC")], "Asaad al-Shaibani"),
        ("The coach Hans Meyer, 61, left.", [], "Hans Meyer"),
        ("Coach Hans Meyer Says Team Will Win\nThe team says so.", [], "Hans Meyer"),  # Says: lower case below
        ("Chelsea manager Jose Mourinho said on Friday.", [("Chelsea", "ORG")], "Jose Mourinho"),
    ],
)
def test_a_name_after_a_title_is_a_person(nlp_titled, text, ents, expected):
    doc = run(nlp_titled, text, ents)
    added = [ent for ent in doc.ents if ent._.component == "titled_names"]
    assert ent_tuples(added) == [(expected, "PERSON")]
    person = added[0]
    assert person._.model_label == "PERSON"
    assert person._.label_probs == {"PERSON": 0.8, "NONE": 0.2}  # confidence: a documented value
    assert person._.name_evidence == {"PERSON": 1.0} and person._.context_evidence == {"PERSON": 0.5}
    assert [e for e in doc.ents if e._.component != "titled_names"] == [e for e in doc.ents if (e.text, e.label_) in ents]


@pytest.mark.parametrize(
    "text, ents, starts",
    [
        ("The Foreign Minister said on Friday.", [], ()),  # titles only
        ("The Chelsea manager said on Friday.", [], ()),  # the given name before the title
        ("The striker Jordan Valley said.", [], ()),  # a place after a title
        ("The coach Hans Berlin said.", [("Berlin", "LOC")], ()),  # the run goes into an entity
        ("The coach Tietmeyer said.", [], ()),  # no given name
        ("After her June 2012 accident and his Oscar role.", [], ()),  # a title that is a stop word
        ("They flew to St Louis on Friday.", [], ()),  # not_titles
        ("He is the coach. Hans Meyer said so.", [], ("Hans",)),  # the title in another sentence
        ("He is the coach\nHans Meyer said so.", [], ()),  # the title on another line
        ("The coach HANS MEYER said.", [], ()),  # capitals: a headline, not a name
        ("The coach Grant Meyer got a grant.", [], ()),  # a given name the document writes in lower case
        ("The banker Morgan Stanley said.", [], ()),  # a listed company
    ],
)
def test_no_name_after_a_title_no_person(nlp_titled, text, ents, starts):
    doc = run(nlp_titled, text, ents, starts)
    assert ent_tuples(doc) == [(sub, label) for sub, label in ents]


def test_a_wrong_sentence_start_after_a_word_does_not_cut_the_name(nlp_titled):
    """The senter put a sentence start on "Tietmeyer" in "President Hans Tietmeyer said"."""
    doc = run(nlp_titled, "President Hans Tietmeyer said.", [], ("Tietmeyer",))
    assert ent_tuples(doc) == [("Hans Tietmeyer", "PERSON")]


def test_words_settings():
    doc = run(titled_pipeline(min_words=2), "The coach Hans said so. The coach Hans Meyer did too.", [])
    assert ent_tuples(doc) == [("Hans Meyer", "PERSON")]
    doc = run(titled_pipeline(max_words=1), "The coach Hans Meyer said so.", [])
    assert ent_tuples(doc) == []  # "Meyer" would be next: the run is cut into an unclear name, no candidate
    doc = run(titled_pipeline(add=False), "The coach Hans Meyer said so.", [])
    assert ent_tuples(doc) == []
    doc = run(titled_pipeline(extend=False), "Hans Tietmeyer said.", [("Tietmeyer", "PERSON")])
    assert ent_tuples(doc) == [("Tietmeyer", "PERSON")]
    doc = run(titled_pipeline(confidence=None), "The coach Hans Meyer said so.", [])
    assert ent_tuples(doc) == [("Hans Meyer", "PERSON")] and doc.ents[0]._.label_probs is None  # a classifier after it scores


def test_settings_and_a_missing_lexicon_are_named():
    with pytest.raises(ValueError, match="confidence"):
        titled_pipeline(confidence=1.5)
    with pytest.raises(ValueError, match="min_words"):
        titled_pipeline(min_words=0)
    nlp = Language()
    nlp.add_pipe("news_titled_names", name="titled_names")
    with pytest.raises(ValueError, match="name_evidence"):
        nlp("The coach Hans Meyer said so.")


def test_default_pipeline_finds_titled_names(nlp):
    """The config route: after the span classifier, on the name lexicon of name_evidence."""
    names = nlp.pipe_names
    assert names.index("span_classifier") < names.index("titled_names") < names.index("mention_scores")
    doc = nlp("China controlled most of the match until the 78th minute when Uzbek striker Igor Shkvyrin took advantage of a header.")
    assert ("Igor Shkvyrin", "PERSON") in ent_tuples(doc)
    assert all(0.0 <= ent._.score <= 1.0 for ent in doc.ents)


def test_default_pipeline_takes_no_person_after_the_met(nlp):
    """nameparser lists *Met* as a title; in news it opens names of institutions (``not_titles``)."""
    doc = nlp("Naomi Campbell arrived at the Met Gala in New York.")
    assert not any(ent._.component == "titled_names" for ent in doc.ents)
    assert ("Gala", "PERSON") not in ent_tuples(doc)
