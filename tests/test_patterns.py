import pytest
from conftest import ROOT

from pipeline.knowledge.curated import PatternFileError, read_patterns


def test_reads_project_patterns():
    patterns = read_patterns(ROOT / "configs" / "patterns")
    assert {"label": "ORG", "pattern": "IS", "id": "islamic-state"} in patterns


def test_malformed_line_names_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"label": "ORG", "pattern": "IS"}\n{"label": "ORG"\n', encoding="utf8")
    with pytest.raises(PatternFileError, match=r"bad.jsonl:2"):
        read_patterns(path)


def test_missing_keys(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"pattern": "IS"}\n', encoding="utf8")
    with pytest.raises(PatternFileError, match="needs 'label' and 'pattern'"):
        read_patterns(path)


def test_prefer_rules_filter_keeps_longer_model_entities(blank):
    from conftest import make_doc
    from spacy.tokens import Span

    from pipeline.components.patterns import make_prefer_rules_filter

    doc = make_doc(blank, "The US State Department said fighters of IS left the US.", [("US State Department", "ORG"), ("of IS left", "PERSON")])
    rules = [Span(doc, 1, 2, label="GPE"), Span(doc, 7, 8, label="ORG"), Span(doc, 10, 11, label="GPE")]
    assert doc[7].text == "IS"
    got = [(s.text, s.label_) for s in make_prefer_rules_filter()(list(doc.ents), rules)]
    # inside a longer model entity: the model's; elsewhere: the rule's, replacing what it overlaps
    assert got == [("US State Department", "ORG"), ("of IS left", "PERSON"), ("US", "GPE")]
    doc = make_doc(blank, "Fighters of IS left.", [("IS left", "PERSON")])
    rule = Span(doc, 2, 3, label="ORG")
    assert [(s.text, s.label_) for s in make_prefer_rules_filter()(list(doc.ents), [rule])] == [("IS left", "PERSON")]
    doc = make_doc(blank, "Fighters of IS left.", [("of IS", "PERSON")])
    assert [(s.text, s.label_) for s in make_prefer_rules_filter()(list(doc.ents), [rule])] == [("of IS", "PERSON")]


def test_a_curated_surname_yields_to_another_person_of_that_name(blank):
    from conftest import make_doc
    from spacy.tokens import Span

    from pipeline.components.patterns import make_prefer_rules_filter_v2

    prefer = make_prefer_rules_filter_v2(["PERSON"])
    text = "Lois Scholz met Olaf Scholz . Scholz left ."
    doc = make_doc(blank, text, [("Lois Scholz", "PERSON"), ("Olaf Scholz", "PERSON"), ("Scholz left", "ORG")])
    full, lone = Span(doc, 3, 5, label="PERSON", span_id="olaf-scholz"), Span(doc, 6, 7, label="PERSON", span_id="olaf-scholz")
    # Two persons end in Scholz, one of them not the curated one's: the lone surname is no curated match.
    assert [(s.text, s.label_, s.id_) for s in prefer(list(doc.ents), [full, lone])] == [
        ("Lois Scholz", "PERSON", ""),
        ("Olaf Scholz", "PERSON", "olaf-scholz"),
        ("Scholz left", "ORG", ""),
    ]
    # The curated full name alone: the surname is its short form and the match wins (as v1).
    doc = make_doc(blank, "Olaf Scholz spoke . Scholz left .", [("Olaf Scholz", "PERSON")])
    full, lone = Span(doc, 0, 2, label="PERSON", span_id="olaf-scholz"), Span(doc, 4, 5, label="PERSON", span_id="olaf-scholz")
    assert [(s.text, s.id_) for s in prefer(list(doc.ents), [full, lone])] == [("Olaf Scholz", "olaf-scholz"), ("Scholz", "olaf-scholz")]
