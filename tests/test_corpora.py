"""The gold-corpus readers, on small fixture files written for the tests (tests/fixtures/gold)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.corpora import GOLD_SPANS_KEY, GoldReport, find_gold_files, read_gold
from pipeline.corpora.gold import iob_mentions
from pipeline.corpora.gum import _parse_entity_field

FIXTURES = Path(__file__).parent / "fixtures" / "gold"


def ents(doc) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in doc.ents]


def test_uner_documents_spacing_and_labels():
    report = GoldReport()
    docs = list(read_gold(FIXTURES / "tiny.iob2", "uner", report=report))
    assert [d._.doc_id for d in docs] == ["doc-a", "doc-b"]
    assert docs[0].text == "Asaad al-Shaibani visited Baghdad, Iraq. He met the U.N. and Star Wars fans."
    # OTH is read as O; gold sentence starts are kept
    assert ents(docs[0]) == [("Asaad al-Shaibani", "PERSON"), ("Baghdad", "LOC"), ("Iraq", "LOC"), ("U.N.", "ORG")]
    assert [s.text for s in docs[0].sents][1] == "He met the U.N. and Star Wars fans."


def test_uner_reports_broken_tags_and_text_without_crashing():
    report = GoldReport()
    doc = list(read_gold(FIXTURES / "tiny.iob2", "uner", report=report))[1]
    assert ents(doc) == [("Google", "ORG"), ("Jane Doe", "PERSON")]
    kinds = report.counts()
    assert kinds == {"iob_repaired": 1}
    assert "'Google'" in str(report.problems[0]) and "doc-b" in str(report.problems[0])
    assert doc.text == "Google hired Jane Doe"  # gold tokens keep one space between them


def test_plain_iob_conll2003():
    report = GoldReport()
    docs = list(read_gold(FIXTURES / "tiny.conll", "iob", report=report))
    assert [d._.doc_id for d in docs] == ["tiny", "tiny:2"]
    assert docs[0].text == "EU rejects German call. Peter Blackburn"
    assert ents(docs[0]) == [("EU", "ORG"), ("Peter Blackburn", "PERSON")]  # MISC dropped
    assert ents(docs[1]) == [("BRUSSELS", "LOC")]
    assert report.counts() == {"bad_line": 1}
    assert "tiny.conll:16" in str(report.problems[0])


def test_label_map_is_configurable():
    docs = list(read_gold(FIXTURES / "tiny.conll", "iob", label_map={"MISC": "MISC", "PER": "PER"}))
    assert ents(docs[0]) == [("German", "MISC"), ("Peter Blackburn", "PER")]


def test_gum_named_mentions_identities_and_name_spans():
    report = GoldReport()
    (doc,) = read_gold(FIXTURES / "tiny.conllu", "gum", report=report)
    assert doc._.doc_id == "GUM_news_tiny"
    assert doc.text == "Shaibani visits Baghdad\nForeign Minister Asaad al-Shaibani's aides met the committee in Iraq's capital."
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == [
        ("Shaibani", "PERSON", "Asaad_al-Shaibani"),
        ("Baghdad", "LOC", "Baghdad"),
        ("Asaad al-Shaibani", "PERSON", "Asaad_al-Shaibani"),  # title and possessive trimmed
        ("Iraq", "LOC", "Iraq"),
    ]  # "aides", "the committee", "in Iraq's capital" are not named (head is not a PROPN)
    assert report.counts() == {"unopened": 1}  # the stray "7)" on the full stop


def test_gum_whole_mentions_and_unnamed():
    (doc,) = read_gold(FIXTURES / "tiny.conllu", "gum", named_only=False, name_spans=False)
    gold = [(s.text, s.label_) for s in doc.spans[GOLD_SPANS_KEY]]
    assert ("Foreign Minister Asaad al-Shaibani's", "PERSON") in gold
    assert ("the committee", "ORG") in gold
    assert ("in Iraq's capital", "LOC") in gold and ("Iraq", "LOC") in gold
    # nested: the longest stays in doc.ents
    assert ("Iraq", "LOC") not in ents(doc)


def test_gum_entity_field_parsing():
    openers, closers = _parse_entity_field("(17-person-new-snnsn-cf7-1-coref)3)", {"3"})
    assert openers == [("17", "person", None, True)] and closers == ["3"]
    openers, closers = _parse_entity_field("14)13)", {"13", "14"})
    assert openers == [] and closers == ["14", "13"]
    openers, _ = _parse_entity_field("(5-place-new-s-cf1-1-coref-District_9)", set())
    assert openers == [("5", "place", "District_9", True)]


def test_ecbplus_annotated_sentences_chains_and_named():
    report = GoldReport()
    (doc,) = read_gold(FIXTURES, "ecbplus", report=report)
    assert doc._.doc_id == "1_1ecbplus" and doc.user_data["gold_group"] == "1_ecbplus"
    assert "Unannotated" not in doc.text  # only the listed sentences
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == [
        ("Tara Reid", "PERSON", "HUM1"),
        ("Promises", "LOC", "1_1ecbplus#21"),
        ("Reid", "PERSON", "HUM1"),  # trimmed to the name
        ("People", "ORG", ""),  # in no chain: no gold identity
        ("Malibu", "LOC", ""),
    ]  # "police" is not named; "The ... Reid" is discontinuous
    assert report.counts() == {"discontinuous": 1}
    assert "'The Reid'" in str(report.problems[0])


def test_iob_mentions_schemes():
    assert [(m.start, m.end, m.label) for m in iob_mentions(["B-PER", "I-PER", "O", "U-LOC", "B-ORG", "L-ORG"])[0]] == [
        (0, 2, "PER"), (3, 4, "LOC"), (4, 6, "ORG"),
    ]  # fmt: skip
    mentions, repaired = iob_mentions(["I-ORG", "I-ORG", "I-PER"])
    assert [(m.start, m.end, m.label) for m in mentions] == [(0, 2, "ORG"), (2, 3, "PER")] and repaired == [0, 2]


def test_unknown_format_and_missing_path():
    with pytest.raises(ValueError, match="Unknown gold format"):
        list(read_gold(FIXTURES, "xml"))
    with pytest.raises(ValueError, match="does not exist"):
        list(read_gold(FIXTURES / "nope.iob2", "uner"))
    assert find_gold_files([FIXTURES], "gum") == [FIXTURES / "tiny.conllu"]


def test_ecbplus_descriptions_with_a_name_are_not_names():
    from pipeline.corpora.ecbplus import _is_name, _trim_to_name

    def named(text: str) -> bool:
        words = text.split()
        return _is_name(words, 0, len(words), *_trim_to_name(words, 0, len(words)))

    assert named("in the Gulf of Aden") and named("actress Tara Reid") and named("Obama 's")
    assert not named("Mafia boss") and not named("the Obama administration")
    assert not named("Pagliarelli prison cell in Palermo")


def test_ecbplus_names_lose_a_leading_article_however_written():
    from pipeline.corpora.ecbplus import _trim_to_name

    for text, name in [("The Hollywood Reporter", "Hollywood Reporter"), ("the Saints", "Saints"), ("The", "The"), ("A. Smith", "A. Smith")]:
        words = text.split()
        start, end = _trim_to_name(words, 0, len(words))
        assert " ".join(words[start:end]) == name


ECBPLUS_HEADLINE = """<Document doc_name="2_1ecbplus.xml">
<token t_id="1" sentence="0" number="0">Colts</token><token t_id="2" sentence="0" number="1">beat</token>
<token t_id="3" sentence="0" number="2">Chiefs</token>
<token t_id="4" sentence="1" number="0">The</token><token t_id="5" sentence="1" number="1">Colts</token>
<token t_id="6" sentence="1" number="2">beat</token><token t_id="7" sentence="1" number="3">Kansas</token>
<token t_id="8" sentence="1" number="4">City</token><token t_id="9" sentence="1" number="5">.</token>
<token t_id="10" sentence="2" number="0">Andrew</token><token t_id="11" sentence="2" number="1">Luck</token>
<token t_id="12" sentence="2" number="2">won</token><token t_id="13" sentence="2" number="3">.</token>
<Markables>
<HUMAN_PART_ORG m_id="1"><token_anchor t_id="3"/></HUMAN_PART_ORG>
<HUMAN_PART_ORG m_id="2"><token_anchor t_id="4"/><token_anchor t_id="5"/></HUMAN_PART_ORG>
<HUMAN_PART_PER m_id="3"><token_anchor t_id="10"/><token_anchor t_id="11"/></HUMAN_PART_PER>
</Markables>
</Document>
"""


def test_ecbplus_headline_is_a_line_of_its_own(tmp_path):
    path = tmp_path / "2_1ecbplus.xml"
    path.write_text(ECBPLUS_HEADLINE, encoding="utf8")
    (doc,) = read_gold([path], "ecbplus", annotated_only=False)
    # the headline ends with no full stop: a line break, not a space; prose sentences join with a space
    assert doc.text == "Colts beat Chiefs\nThe Colts beat Kansas City. Andrew Luck won."
    assert [(e.text, e.label_) for e in doc.ents] == [("Chiefs", "ORG"), ("Colts", "ORG"), ("Andrew Luck", "PERSON")]
    assert [s.text for s in doc.sents] == ["Colts beat Chiefs\n", "The Colts beat Kansas City.", "Andrew Luck won."]
    (joined,) = read_gold([path], "ecbplus", annotated_only=False, line_breaks=False)
    assert joined.text == "Colts beat Chiefs The Colts beat Kansas City. Andrew Luck won."
    assert [(e.text, e.label_) for e in joined.ents] == [("Chiefs", "ORG"), ("Colts", "ORG"), ("Andrew Luck", "PERSON")]


def test_ecbplus_sentence_ends_as_prose():
    from pipeline.corpora.ecbplus import ends_sentence

    assert ends_sentence(["He", "left", "."]) and ends_sentence(["she", "said", ".", "''"]) and ends_sentence(["Why", "?", ")"])
    assert ends_sentence(["Sammy", "Davis", "Jr."])
    assert not ends_sentence(["Colts", "beat", "Chiefs"]) and not ends_sentence(["Mumbai", ",", "Nov", "11", "-"])
    assert not ends_sentence(["About", "the", "prison:"]) and not ends_sentence(["''"])
