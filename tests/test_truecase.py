"""``news_truecase``: the recogniser sees ALL-CAPS lines in title case."""

from __future__ import annotations

from conftest import ent_tuples

from pipeline.components.truecase import make_truecase


def test_all_caps_headline_is_recognised(nlp):
    truecase = make_truecase(nlp, "truecase", ner_component="ner", min_letters=8, upper_share=0.9)
    text = "SYRIAN MINISTER ASAAD AL-SHAIBANI VISITS BAGHDAD\nShaibani met Fuad Hussein in Baghdad."
    doc = nlp.make_doc(text)
    for name in ("senter", "ner"):
        doc = nlp.get_pipe(name)(doc)
    doc = truecase(doc)
    headline = [(e.text, e.label_) for e in doc.ents if e.end_char <= text.index("\n")]
    assert ("BAGHDAD", "LOC") in headline  # the shipped recogniser labels places LOC itself
    assert all(e._.component == "truecase" for e in doc.ents if e.end_char <= text.index("\n"))
    # the body line is left to the model
    assert [t for t in ent_tuples(doc) if t[0] == "Fuad Hussein"] == [("Fuad Hussein", "PERSON")]


def test_mixed_case_lines_are_left_alone(nlp):
    truecase = make_truecase(nlp, "truecase", ner_component="ner", min_letters=8, upper_share=0.9)
    doc = nlp("Shaibani met Fuad Hussein in Baghdad.")
    before = ent_tuples(doc)
    assert ent_tuples(truecase(doc)) == before


def test_title_case_headline_does_not_run_into_the_name(nlp):
    truecase = make_truecase(nlp, "truecase", ner_component="ner", min_letters=8, upper_share=0.9, title_case=True)
    text = "Lindsay Lohan Checks Into Rehab Again. The actress checks into rehab at Betty Ford."
    doc = nlp.make_doc(text)
    for name in ("senter", "ner"):
        doc = nlp.get_pipe(name)(doc)
    persons = [e.text for e in truecase(doc).ents if e.label_ == "PERSON"]
    assert persons[0] == "Lindsay Lohan"  # "checks", "rehab" are lower case elsewhere in the text


# -- the headline (configs/default.cfg: [components.headline]) ------------------------------------

from conftest import make_doc  # noqa: E402
from spacy.tokens import Span  # noqa: E402

from pipeline.components.truecase import headline_case, stems  # noqa: E402

SEED_HEADLINE = "Strengthening Security Cooperation: Syria's FM Discusses with Iraq\n"
SEED_BODY = "Syria's foreign minister visited Iraq to discuss security cooperation and to strengthen ties with Baghdad."


def test_headline_case_and_stems():
    case = {"min_letters": 8, "upper_share": 0.9, "min_words": 4}
    assert headline_case("Syria 's FM Discusses Security With Iraq".split(), {"with", "'s"}, title_case=True, **case)
    assert headline_case("WLADIMIR KLITSCHKO RETAINS BELTS".split(), (), title_case=False, **case)
    assert not headline_case("Shaibani met Fuad Hussein in Baghdad".split(), {"in"}, title_case=True, **case)
    assert stems("discusses", ["s", "es"]) == {"discusses", "discusse", "discuss"}
    assert stems("is", ["s"]) == {"is"}  # a stem keeps three letters


def test_spurious_title_case_span_in_the_headline_goes(nlp):
    text = SEED_HEADLINE + SEED_BODY
    doc = make_doc(nlp, text, [("Syria", "LOC"), ("FM Discusses", "ORG"), ("Iraq", "LOC"), ("Syria", "LOC", 1), ("Iraq", "LOC", 1), ("Baghdad", "LOC")])
    doc = nlp.get_pipe("headline")(doc)
    headline = [(e.text, e.label_) for e in doc.ents if e.end_char <= len(SEED_HEADLINE)]
    assert ("FM Discusses", "ORG") not in headline  # "discuss" is lower case in the body: the copy says "FM discusses"
    assert ("Iraq", "LOC") in headline and ("Syria", "LOC") in headline
    assert [(e.text, e.label_) for e in doc.ents if e.start_char >= len(SEED_HEADLINE)] == [("Syria", "LOC"), ("Iraq", "LOC"), ("Baghdad", "LOC")]


def test_headline_running_into_the_body_is_reread(nlp):
    # no line break after the headline (as gold corpora are read): its capitalised opening is judged
    text = "Powerful Quake in Iran Kills 10, Damages Villages A powerful quake hit southern Iran on Sunday, killed ten people and damaged villages."
    doc = make_doc(nlp, text, [("Powerful Quake", "ORG"), ("Iran Kills 10", "LOC"), ("Iran", "LOC", 1)])
    doc = nlp.get_pipe("headline")(doc)
    assert not any("Kills" in e.text or "Quake" in e.text for e in doc.ents)
    assert ("Iran", "LOC") in ent_tuples(doc)


def test_curated_match_and_sentence_case_headline_stay(nlp):
    text = "Islamic State Fighters Attack Baghdad Checkpoints\nFighters of the Islamic State attacked checkpoints near Baghdad."
    doc = make_doc(nlp, text, [("Islamic State Fighters", "ORG"), ("Baghdad", "LOC"), ("Islamic State", "ORG", 1), ("Baghdad", "LOC", 1)])
    doc.ents = [Span(doc, e.start, e.end, label=e.label_, span_id="islamic-state" if e.start == 0 else "") for e in doc.ents]
    doc.ents[0]._.component = "entity_rules"
    doc = nlp.get_pipe("headline")(doc)
    assert doc.ents[0].text == "Islamic State Fighters" and doc.ents[0].id_ == "islamic-state"  # curated: never re-decided
    assert doc.ents[0]._.component == "entity_rules"  # not the re-read's, even where it found the same span
    plain = "Australian children suffering from iodine deficiency\nAlmost half of Australian children are iodine deficient."
    doc = make_doc(nlp, plain, [("Australian children", "ORG")])
    assert ent_tuples(nlp.get_pipe("headline")(doc)) == [("Australian children", "ORG")]


def test_an_all_caps_headline_finds_the_names_the_body_writes(nlp):
    """The body is asked for a name as the truecased copy writes it: ``JAPAN`` as ``Japan``; a word the
    copy lowers (``SURPRISE``: the body's *surprise*) supports no name."""
    headline = "SOCCER - JAPAN GET LUCKY WIN , CHINA IN SURPRISE DEFEAT .\n"
    text = headline + "Japan began the defence of their title with a lucky 2-1 win on Friday. China suffered a surprise defeat."
    doc = nlp.make_doc(text)
    for name in nlp.pipe_names[: nlp.pipe_names.index("headline")]:
        doc = nlp.get_pipe(name)(doc)
    doc = nlp.get_pipe("headline")(doc)
    found = [(e.text, e.label_) for e in doc.ents if e.end_char <= len(headline)]
    assert ("JAPAN", "LOC") in found and ("CHINA", "LOC") in found
    assert not any(e.text == "SURPRISE" for e in doc.ents)


def test_default_pipeline_keeps_a_capitals_headline_name_the_body_names(nlp):
    """The classifier doubts CLINTON (the recogniser's features of capitals); the body's Bill Clinton keeps it (keep_echoed)."""
    doc = nlp("CLINTON SIGNS WELFARE BILL\n\nPresident Bill Clinton signed the welfare reform bill on Thursday.")
    assert ("CLINTON", "PERSON") in [(e.text, e.label_) for e in doc.ents]


def _up_to_headline(nlp, text):
    doc = nlp.make_doc(text)
    for name in nlp.pipe_names[: nlp.pipe_names.index("headline") + 1]:
        doc = nlp.get_pipe(name)(doc)
    return doc


def test_a_capitals_headline_the_model_took_for_one_name_is_reread_with_the_curated_names(nlp):
    # The recogniser reads the whole line as one ORG: no word of it lies outside an entity, and
    # the words lowered inside it count. The copy goes through entity_rules: TRUMP is the table's.
    doc = _up_to_headline(nlp, "TRUMP VISITS SCOTLAND\nDonald Trump arrived at Turnberry in Scotland for a private visit.")
    ents = [(e.text, e.label_, e.id_) for e in doc.ents if e.end <= 3]
    assert ents == [("TRUMP", "PERSON", "donald-trump"), ("SCOTLAND", "LOC", "")]


def test_a_curated_match_the_truecasing_cut_from_a_longer_name_is_not_taken(nlp):
    # The body writes "new", so the copy reads "new York": the gazetteer's York (the English city)
    # inside the line's own New York match is no name of the headline.
    text = "Wikinews Interviews New York Bar Owner on Santorum Cocktail\nWikinews interviewed the owner of a New York City bar about a new cocktail."
    doc = _up_to_headline(nlp, text)
    assert "York" not in {e.text for e in doc.ents if e.end <= 10}


def test_a_rule_component_the_pipeline_lacks_is_skipped(nlp):
    # benchmarks/quality.py --ablation removes entity_rules: the headline then reads without it.
    truecase = make_truecase(nlp, "truecase", ner_component="ner", min_letters=8, upper_share=0.9, rule_components=["no_such_stage"])
    doc = nlp.make_doc("SYRIA'S FM VISITS IRAQ\nThe minister met officials in Baghdad.")
    for name in ("senter", "ner"):
        doc = nlp.get_pipe(name)(doc)
    assert "IRAQ" in {e.text for e in truecase(doc).ents}


# -- segments: a spaced dash in the headline (SOCCER - JAPAN ...) -------------------------------------

from spacy.language import Language  # noqa: E402

DASHES = ["-", "--", "–", "—"]


class CopyReader:
    """A stand-in recogniser for the copies: it keeps each copy's sentence starts and labels the
    words ``ents`` names (text -> label), so that a test sees what the truecaser asks and takes."""

    def __init__(self, ents: dict[str, str]) -> None:
        self.ents = ents
        self.starts: list[list[str]] = []

    def __call__(self, doc):
        self.starts.append([t.text for t in doc if t.is_sent_start])
        spans = []
        for text, label in self.ents.items():
            start = doc.text.find(text)
            span = doc.char_span(start, start + len(text), label=label) if start >= 0 else None
            if span is not None:
                spans.append(span)
        doc.ents = spans
        return doc

    def pipe(self, docs, batch_size=128):
        for doc in docs:
            yield self(doc)


@Language.factory("test_copy_reader", default_config={"ents": {}})
def make_copy_reader(nlp, name, ents: dict[str, str]):
    return CopyReader(ents)


def _headline_stage(blank, ents: dict[str, str], **settings):
    reader = blank.add_pipe("test_copy_reader", config={"ents": ents})
    common = {"min_letters": 8, "upper_share": 0.9, "title_case": True, "headline_only": True, "keep_supported": True, "supported_only": True}
    return reader, make_truecase(blank, "headline", ner_component="test_copy_reader", **{**common, **settings})


def test_the_copy_opens_a_segment_after_a_spaced_dash_and_not_inside_a_hyphenated_name(blank):
    reader, truecase = _headline_stage(blank, {}, segment_dashes=DASHES)
    truecase(blank.make_doc("SOCCER - GUINEA-BISSAU GET LUCKY WIN — CHINA IN SURPRISE DEFEAT\nGuinea-Bissau won. China lost."))
    assert reader.starts == [["Soccer", "Guinea", "China"]]  # the copy's words; no start after Guinea's hyphen


def test_without_segment_dashes_the_copy_is_one_segment(blank):
    reader, truecase = _headline_stage(blank, {})  # the factory's default: no dashes
    truecase(blank.make_doc("SOCCER - JAPAN GET LUCKY WIN\nJapan won."))
    assert reader.starts == [["Soccer"]]


def test_a_name_the_copy_ends_at_a_segment_dash_is_a_section_label_not_taken(blank):
    # The model read the line as one name; the copy's "Golf -" lies inside it (so it would be taken), its "Norman" too.
    _, truecase = _headline_stage(blank, {"Golf -": "ORG", "Norman": "PERSON"}, segment_dashes=DASHES)
    doc = make_doc(blank, "GOLF - NORMAN LEADS IN GERMANY\nGreg Norman leads in Germany.", [("GOLF - NORMAN LEADS", "ORG")])
    assert [(e.text, e.label_) for e in truecase(doc).ents] == [("NORMAN", "PERSON")]
