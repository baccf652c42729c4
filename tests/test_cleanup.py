from conftest import ent_tuples, make_doc

from pipeline.components.cleanup import make_span_cleanup


def cleanup(nlp, **overrides):
    config = dict(
        leading_articles=["the"], titles=["prime", "minister", "president"], person_labels=["PERSON"],
        merge_labels=["PERSON"], rule_spans_key="rules", rule_component="entity_rules", model_component="ner",
    )  # fmt: skip
    config.update(overrides)
    return make_span_cleanup(nlp, "span_cleanup", **config)


def test_strips_article_and_possessive(blank):
    doc = make_doc(blank, "Fighters of the Islamic State met Bashar al-Assad’s men.", [("the Islamic State", "ORG"), ("Bashar al-Assad’s", "PERSON")])
    doc = cleanup(blank)(doc)
    assert ent_tuples(doc) == [("Islamic State", "ORG"), ("Bashar al-Assad", "PERSON")]
    assert [e._.model_label for e in doc.ents] == ["ORG", "PERSON"]


def test_strips_titles_from_people_only(blank):
    doc = make_doc(blank, "Prime Minister Sudani met the Prime Minister Office.", [("Prime Minister Sudani", "PERSON"), ("Prime Minister Office", "ORG")])
    assert ent_tuples(cleanup(blank)(doc)) == [("Sudani", "PERSON"), ("Prime Minister Office", "ORG")]


def test_merges_a_name_split_in_two(blank):
    text = "He named Abdullah Makki Muslih al-Rufayi as leader."
    doc = make_doc(blank, text, [("Abdullah Makki", "PERSON"), ("Muslih al-Rufayi", "PERSON")])
    doc = cleanup(blank)(doc)
    assert ent_tuples(doc) == [("Abdullah Makki Muslih al-Rufayi", "PERSON")]
    assert doc.ents[0]._.component == "span_cleanup"


def test_does_not_merge_across_other_words(blank):
    doc = make_doc(blank, "Sudani and Hussein met.", [("Sudani", "PERSON"), ("Hussein", "PERSON")])
    assert len(cleanup(blank)(doc).ents) == 2


def test_records_provenance_from_rule_spans(blank):
    doc = make_doc(blank, "IS fighters left Baghdad.", [("IS", "ORG"), ("Baghdad", "GPE")])
    doc.spans["rules"] = [doc.ents[0]]
    doc = cleanup(blank)(doc)
    assert [e._.component for e in doc.ents] == ["entity_rules", "ner"]


def test_drops_spans_without_letters(blank):
    doc = make_doc(blank, "Copyright © 2024 Reuters", [("©", "ORG"), ("Reuters", "ORG")])
    assert ent_tuples(cleanup(blank)(doc)) == [("Reuters", "ORG")]


def test_does_not_merge_a_repeated_name_or_across_lines(blank):
    doc = make_doc(blank, "Thanks Phillip Phillip", [("Phillip", "PERSON", 0), ("Phillip", "PERSON", 1)])
    assert len(cleanup(blank)(doc).ents) == 2
    doc = make_doc(blank, "Debra Perlingiere\nJeffrey Hodge", [("Debra Perlingiere", "PERSON"), ("Jeffrey Hodge", "PERSON")])
    assert len(cleanup(blank)(doc).ents) == 2


def test_does_not_merge_a_list_of_names(blank):
    text = "Larry Lewis Tom Martin Scott Neal Phillip Allen"
    doc = make_doc(blank, text, [("Larry Lewis", "PERSON"), ("Tom Martin", "PERSON"), ("Scott Neal", "PERSON"), ("Phillip Allen", "PERSON")])
    assert all(len(e) <= 6 for e in cleanup(blank)(doc).ents)


def test_web_debris_is_trimmed_or_dropped(blank):
    doc = make_doc(
        blank,
        "Contact @user ©2025 now. ©2025 Reuters -- said Apollo 11 and #Breaking Baghdad or see https://t.co/xyz Ali",
        [("@user ©2025", "PERSON"), ("©2025 Reuters --", "ORG"), ("Apollo 11", "ORG"), ("#Breaking Baghdad", "GPE"), ("https://t.co/xyz Ali", "PERSON")],
    )
    # ("#" is a token of its own here: the hashtag word stays, as the tokenizer gives no sign)
    assert ent_tuples(cleanup(blank)(doc)) == [("Reuters", "ORG"), ("Apollo 11", "ORG"), ("Breaking Baghdad", "GPE")]


def test_a_capitalised_name_loses_the_lower_case_words_it_ends_in(blank):
    text = "Xinhua news agency said the tampa bay fans met Abu Bakr al in Qeshm island."
    ents = [("Xinhua news agency", "ORG"), ("tampa bay", "LOC"), ("Abu Bakr al", "PERSON"), ("Qeshm island", "LOC")]
    assert ent_tuples(cleanup(blank, trim_lower_tail=True)(make_doc(blank, text, ents))) == [
        ("Xinhua", "ORG"),
        ("tampa bay", "LOC"),  # written all in lower case (web text): left alone
        ("Abu Bakr al", "PERSON"),  # a particle
        ("Qeshm", "LOC"),
    ]
    assert ent_tuples(cleanup(blank)(make_doc(blank, text, ents))) == ents  # off by default


def test_a_name_trimmed_to_a_curated_match_is_that_match(blank):
    doc = make_doc(blank, "Xinhua news agency said so.", [("Xinhua news agency", "ORG")])
    doc.spans["rules"] = [doc.char_span(0, 6, label="ORG", span_id="xinhua")]
    (ent,) = cleanup(blank, trim_lower_tail=True)(doc).ents
    assert (ent.text, ent.label_, ent.id_, ent._.component) == ("Xinhua", "ORG", "xinhua", "entity_rules")


def test_an_article_that_is_part_of_a_known_name_stays(blank):
    text = "Karadzic defied the tribunal in The Hague and the Islamic State."
    doc = make_doc(blank, text, [("Hague", "LOC"), ("the Islamic State", "ORG")])
    doc.spans["places"] = [doc.char_span(32, 41, label="GPE")]  # the gazetteer's "The Hague"
    assert ent_tuples(cleanup(blank, article_names_key="places")(doc)) == [("The Hague", "LOC"), ("Islamic State", "ORG")]
    doc = make_doc(blank, text, [("The Hague", "LOC")])
    doc.spans["places"] = [doc.char_span(32, 41, label="GPE")]
    assert ent_tuples(cleanup(blank, article_names_key="places")(doc)) == [("The Hague", "LOC")]
    assert ent_tuples(cleanup(blank)(doc)) == [("Hague", "LOC")]  # without the key, as before


def test_a_curated_name_keeps_its_final_possessive(blank):
    text = "Sainsbury's and Tesco's sales rose."
    doc = make_doc(blank, text, [("Sainsbury's", "ORG"), ("Tesco's", "ORG")])
    doc.spans["rules"] = [doc.char_span(0, 11, label="ORG", span_id="sainsburys")]
    assert ent_tuples(cleanup(blank)(doc)) == [("Sainsbury's", "ORG"), ("Tesco", "ORG")]


AND_JOINS = dict(and_heads=["council", "police"], and_labels=["GPE", "LOC", "ORG"], org_label="ORG")


def test_an_organisation_named_after_two_places_is_one_name(blank):
    text = "A spokesman for Avon and Somerset Police met officers of Devon and Cornwall Police at The Dumfries and Galloway Council."
    ents = [("Somerset Police", "LOC"), ("Devon", "GPE"), ("Cornwall Police", "ORG"), ("Dumfries", "ORG"), ("Galloway Council", "ORG")]
    doc = cleanup(blank, **AND_JOINS)(make_doc(blank, text, ents))
    assert ent_tuples(doc) == [("Avon and Somerset Police", "ORG"), ("Devon and Cornwall Police", "ORG"), ("Dumfries and Galloway Council", "ORG")]
    assert {e._.component for e in doc.ents} == {"span_cleanup"}
    assert ent_tuples(cleanup(blank)(make_doc(blank, text, ents)))[:2] == [("Somerset Police", "LOC"), ("Devon", "GPE")]


OF_HEADS = dict(
    of_heads=["society", "observatory", "commission", "council"], of_words=["of", "for", "on"], long_of_words=["for", "on"], and_labels=["GPE", "LOC", "ORG"]
)


def test_an_organisation_runs_on_over_of_and_the_capitalised_words_after_it(blank):
    text = "The Law Society of Kenya and the Syrian Observatory for Human Rights met the Academy Council of Music and Drama here."
    ents = [("Law Society", "ORG"), ("Kenya", "GPE"), ("Syrian Observatory", "LOC"), ("Academy Council", "ORG")]
    doc = cleanup(blank, **OF_HEADS)(make_doc(blank, text, ents))
    assert ent_tuples(doc) == [("Law Society of Kenya", "ORG"), ("Syrian Observatory for Human Rights", "ORG"), ("Academy Council of Music and Drama", "ORG")]
    assert {e._.component for e in doc.ents} == {"span_cleanup"}
    assert ent_tuples(cleanup(blank)(make_doc(blank, text, ents)))[:2] == [("Law Society", "ORG"), ("Kenya", "GPE")]


def test_no_run_on_over_one_word_after_on_a_weekday_a_line_or_a_longer_entity(blank):
    text = "The Security Council on Syria met. The Commission on Monday spoke. The Commission of\nEurope. The Council of New York City Hall Trust Fund said."
    ents = [
        ("Security Council", "ORG"),
        ("Syria", "GPE"),
        ("Commission", "ORG"),
        ("Commission", "ORG", 1),
        ("Europe", "LOC"),
        ("Council", "ORG", 1),
        ("New York City Hall Trust Fund", "ORG"),
    ]
    doc = cleanup(blank, **OF_HEADS)(make_doc(blank, text, ents))
    assert ent_tuples(doc) == [(t, label) for t, label, *_ in ents]


def test_no_join_over_an_organisation_a_sentence_start_or_a_longer_run(blank):
    text = "Residents and Fife Council agreed with Police Scotland and Angus Council and the Lord Provost Glasgow and Fife Police."
    ents = [("Fife Council", "ORG"), ("Police Scotland", "ORG"), ("Angus Council", "ORG"), ("Fife Police", "ORG")]
    doc = cleanup(blank, **AND_JOINS)(make_doc(blank, text, ents))
    assert ent_tuples(doc) == [("Fife Council", "ORG"), ("Police Scotland", "ORG"), ("Angus Council", "ORG"), ("Fife Police", "ORG")]
