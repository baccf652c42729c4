"""news_sports_teams: places in result lines are teams; the page's sport."""

from __future__ import annotations

import pytest

from pipeline.components.sports import SportsTeams
from tests.conftest import ent_tuples, make_doc, make_sports_teams

SPORTS = {"soccer": ["soccer", "striker", "halftime"], "cricket": ["cricket", "wickets", "innings"]}


@pytest.fixture
def teams() -> SportsTeams:
    return make_sports_teams(SPORTS, min_sport_words=2, victory_words=["victory", "win"], place_plurals=["hills"])


@pytest.fixture
def gazetteer_teams() -> SportsTeams:
    """The stage reading the gazetteer's place matches (``places_key``), as the default pipeline's does."""
    return SportsTeams(
        "sports_teams", team_label="ORG", place_labels=["LOC"], result_words=["beat"], place_words=["in"],
        max_score_digits=3, sports=SPORTS, min_sport_words=2, place_plurals=["hills", "islands"], places_key="places",
    )  # fmt: skip


def test_a_result_line_names_teams_and_drops_the_place_id(blank, teams):
    text = "Australia 2 Japan 1\nJapan played well in the soccer match."
    doc = make_doc(blank, text, [("Australia", "LOC"), ("Japan", "LOC"), ("Japan", "LOC", 1)])
    doc.ents = [doc.ents[0], doc.ents[1].char_span(0, 5, label="LOC", span_id="japan"), doc.ents[2]]  # a curated id
    doc = teams(doc)
    assert ent_tuples(doc) == [("Australia", "ORG"), ("Japan", "ORG"), ("Japan", "ORG")]  # every mention of the team
    assert all(not e.id_ for e in doc.ents)
    assert doc._.sport == "soccer"  # a result and one of a sport's words (fewer than min_sport_words)


def test_beat_with_a_final_score(blank, teams):
    doc = teams(make_doc(blank, "Australia beat Sri Lanka 3-1 on Sunday.", [("Australia", "LOC"), ("Sri Lanka", "LOC")]))
    assert ent_tuples(doc) == [("Australia", "ORG"), ("Sri Lanka", "ORG")]


def test_places_outside_results_stay_places(blank, teams):
    doc = teams(make_doc(blank, "The government of Australia met Japan in 1996 and 2 others.", [("Australia", "LOC"), ("Japan", "LOC")]))
    assert ent_tuples(doc) == [("Australia", "LOC"), ("Japan", "LOC")]
    assert doc._.sport is None


def test_on_a_sports_page_a_place_never_written_as_a_place_is_a_team(blank, teams):
    text = "LONDON 1996-08-30\nEngland took eight wickets in the second innings at Lord's in London."
    doc = teams(make_doc(blank, text, [("LONDON", "LOC"), ("England", "LOC"), ("Lord's", "LOC"), ("London", "LOC")]))
    assert doc._.sport == "cricket"
    assert ent_tuples(doc) == [("LONDON", "LOC"), ("England", "ORG"), ("Lord's", "LOC"), ("London", "LOC")]


def test_a_place_after_a_place_word_and_the_stays_a_place(blank, teams):
    text = "England took eight wickets against India at the Oval, as they had in the Netherlands, in the second innings."
    ents = [("England", "LOC"), ("India", "LOC"), ("Oval", "LOC"), ("Netherlands", "LOC")]
    doc = teams(make_doc(blank, text, ents))
    assert ent_tuples(doc) == [("England", "ORG"), ("India", "ORG"), ("Oval", "LOC"), ("Netherlands", "LOC")]


def test_a_dateline_place_stays_a_place(blank, teams):
    text = "MELBOURNE (Reuters) - Australia took eight wickets in the second innings."
    doc = teams(make_doc(blank, text, [("MELBOURNE", "LOC"), ("Australia", "LOC")]))
    assert ent_tuples(doc) == [("MELBOURNE", "LOC"), ("Australia", "ORG")]


def test_the_classifiers_place_probability_moves_to_the_team(blank, teams):
    doc = make_doc(blank, "Australia beat Japan 2-1 on Sunday.", [("Australia", "LOC"), ("Japan", "LOC")])
    for ent in doc.ents:
        ent._.label_probs = {"PERSON": 0.05, "ORG": 0.15, "LOC": 0.7, "NONE": 0.1}
    doc = teams(doc)
    assert [e._.label_probs for e in doc.ents] == [{"PERSON": 0.05, "ORG": 0.85, "LOC": 0.0, "NONE": 0.1}] * 2


def test_a_place_before_a_final_score_is_a_team(blank, teams):
    doc = teams(
        make_doc(blank, "Hansbrough and the Heels put away Evansville 91-73 on Thursday in Chapel Hill.", [("Evansville", "LOC"), ("Chapel Hill", "LOC")])
    )
    assert ent_tuples(doc) == [("Evansville", "ORG"), ("Chapel Hill", "LOC")]


def test_a_place_after_a_scored_victory_is_a_team(blank, teams):
    doc = teams(make_doc(blank, "The Colts secured a 31-24 victory over Jacksonville on Thursday.", [("Jacksonville", "LOC")]))
    assert ent_tuples(doc) == [("Jacksonville", "ORG")]


def test_a_place_and_a_capitalised_plural_are_a_team_and_the_plural_names_it(blank, teams):
    text = "The New Orleans Saints placed Bush on injured reserve. The Saints lost, and SAINTS fans left."
    doc = teams(make_doc(blank, text, [("New Orleans", "LOC"), ("Bush", "PERSON")]))
    assert ent_tuples(doc) == [("New Orleans Saints", "ORG"), ("Bush", "PERSON"), ("Saints", "ORG"), ("SAINTS", "ORG")]
    doc = teams(make_doc(blank, "Philadelphia 76ers fired their coach.", [("Philadelphia", "LOC")]))
    assert ent_tuples(doc) == [("Philadelphia 76ers", "ORG")]


def test_place_plurals_and_headline_words_are_not_teams(blank, teams):
    doc = teams(make_doc(blank, "She moved to Beverly Hills in May.", [("Beverly", "LOC")]))
    assert ent_tuples(doc) == [("Beverly", "LOC")]
    doc = teams(make_doc(blank, "Texas Lifer Escapes Prison Van Near Houston", [("Texas", "LOC"), ("Houston", "LOC")]))
    assert ent_tuples(doc) == [("Texas", "LOC"), ("Houston", "LOC")]
    doc = teams(
        make_doc(blank, "The cable was cut in Egypt Reports on Tuesday said so. Love Hop City This place is great.", [("Egypt", "LOC"), ("Hop City", "LOC")])
    )
    assert ent_tuples(doc) == [("Egypt", "LOC"), ("Hop City", "LOC")]


def test_a_short_page_with_a_result_is_a_sports_page(blank, teams):
    doc = teams(make_doc(blank, "The Colts secured a 31-24 victory over Jacksonville.", [("Jacksonville", "LOC")]))
    assert doc._.sport == "unknown"
    doc = teams(make_doc(blank, "Japan beat Syria 2-1 with a late striker goal.", [("Japan", "LOC"), ("Syria", "LOC")]))
    assert doc._.sport == "soccer"
    doc = teams(make_doc(blank, "The New Orleans Saints placed Bush on injured reserve.", [("New Orleans", "LOC")]))
    assert doc._.sport is None  # a team's name alone is not a result


def test_a_place_the_gazetteer_matched_but_no_entity_holds_still_names_the_team(blank, gazetteer_teams):
    """The span classifier drops ``New Orleans`` before ``Saints`` (no place there): the gazetteer's match remains."""
    text = "The New Orleans Saints placed Bush on injured reserve, and the Saints lost in Beverly Hills on Sunday."
    doc = make_doc(blank, text, [("Bush", "PERSON")])
    doc.spans["places"] = [doc.char_span(4, 15, label="GPE"), doc.char_span(text.index("Beverly"), text.index(" Hills"), label="GPE")]
    doc = gazetteer_teams(doc)
    assert ent_tuples(doc) == [("New Orleans Saints", "ORG"), ("Bush", "PERSON"), ("Saints", "ORG")]  # no place added
    assert [e._.component for e in doc.ents] == ["sports_teams", None, "sports_teams"]
    without = make_doc(blank, text, [("Bush", "PERSON")])
    without.spans["places"] = [without.char_span(4, 15, label="GPE")]
    gazetteer_teams.places_key = None
    assert ent_tuples(gazetteer_teams(without)) == [("Bush", "PERSON")]
    gazetteer_teams.places_key = "places"
    sixers = make_doc(blank, "The Philadelphia 76ers fired their coach on Saturday morning.", [])
    sixers.spans["places"] = [sixers.char_span(4, 16, label="GPE")]
    assert ent_tuples(gazetteer_teams(sixers)) == [("Philadelphia 76ers", "ORG")]


def test_a_plural_opening_a_sentence_is_not_taken_for_the_team(blank, teams):
    """A capital at a sentence start says nothing: ``Saints are revered`` is no mention of the team."""
    text = "The New Orleans Saints placed Bush on injured reserve. Saints are revered here, and the Saints lost."
    doc = make_doc(blank, text, [("New Orleans", "LOC")])
    for token in doc:
        token.is_sent_start = token.i == 0 or doc[token.i - 1].text == "."
    assert ent_tuples(teams(doc)) == [("New Orleans Saints", "ORG"), ("Saints", "ORG")]
    assert doc.ents[1].start_char == text.rindex("Saints")


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        # the recogniser found one team: the other side of the result is the other team
        (
            "Edouard scored as Celtic beat Rangers 2-1 on Sunday.",
            [("Edouard", "PERSON"), ("Rangers", "ORG")],
            [("Edouard", "PERSON"), ("Celtic", "ORG"), ("Rangers", "ORG")],
        ),
        ("Celtic 2-1 Rangers: Edouard double settles derby", [("Rangers", "ORG")], [("Celtic", "ORG"), ("Rangers", "ORG")]),
        ("Real Madrid 2 Barcelona 1\nsoccer", [("Barcelona", "LOC")], [("Real Madrid", "ORG"), ("Barcelona", "ORG")]),
        ("The top-seeded Bluejays beat Drake 65-53 on Friday.", [("Bluejays", "ORG")], [("Bluejays", "ORG"), ("Drake", "ORG")]),
    ],
)
def test_a_team_of_a_result_the_recogniser_left_out_is_a_team(blank, teams, text, ents, expected):
    doc = teams(make_doc(blank, text, ents))
    assert ent_tuples(doc) == expected
    assert doc._.sport is not None  # a page with a result


@pytest.mark.parametrize(
    "text, ents",
    [
        ("Federer beat Nadal 6-4 in the final.", [("Nadal", "PERSON")]),  # a person's result: not a team
        ("Federer beat Nadal 6-4 in the final.", []),  # neither side known: nothing to go on
        ("They beat Rangers 2-1 on Sunday.", [("Rangers", "ORG")]),  # no name on the other side
        ("Celtic won.\nBeat Rangers 2-1 next time.", [("Rangers", "ORG")]),  # not on the result's line
        ("In the report, Smith said 2 Rangers fans were hurt.", [("Rangers", "ORG")]),  # one score: no result
        ("Denver beat the Cleveland Browns 34 - 12 Sunday.", [("Denver", "LOC"), ("Cleveland Browns", "ORG")]),  # a weekday after the score
    ],
)
def test_no_result_no_team_added(blank, teams, text, ents):
    doc = teams(make_doc(blank, text, ents))
    assert ent_tuples(doc) == ents and [e._.component for e in doc.ents] == [None] * len(ents)


def test_the_team_found_in_a_result_is_named_elsewhere_in_the_page(blank, teams):
    text = "Edouard scored as Celtic beat Rangers 2-1 on Sunday. Rangers host Aberdeen, while Celtic travel north."
    doc = make_doc(blank, text, [("Rangers", "ORG"), ("Rangers", "ORG", 1)])
    for token in doc:
        token.is_sent_start = token.i == 0 or doc[token.i - 1].text == "."
    doc = teams(doc)
    assert [(e.text, e.label_, e.start_char) for e in doc.ents if e.text == "Celtic"] == [("Celtic", "ORG", 18), ("Celtic", "ORG", text.rindex("Celtic"))]


def test_a_one_word_person_a_result_names_is_a_team_wherever_the_page_writes_it(blank, teams):
    text = "Hearts 2-2 Hibernian\nA strike was not enough for Hearts in the soccer match. Hibernian fought back."
    doc = make_doc(blank, text, [("Hibernian", "ORG"), ("Hearts", "PERSON", 1), ("Hibernian", "ORG", 1)])
    for token in doc:
        token.is_sent_start = token.i == 0 or doc[token.i - 1].text in {".", "\n"}
    doc = teams(doc)
    assert [(e.text, e.label_) for e in doc.ents if e.text == "Hearts"] == [("Hearts", "ORG"), ("Hearts", "ORG")]
    # Off a page with a result a one-word person stays a person.
    doc = make_doc(blank, "A strike was not enough for Hearts in the soccer match.", [("Hearts", "PERSON")])
    assert [(e.text, e.label_) for e in teams(doc).ents] == [("Hearts", "PERSON")]


def test_a_place_before_a_team_role_and_a_person_is_the_persons_team(blank):
    teams = make_sports_teams(SPORTS, min_sport_words=2, team_roles=["manager", "captain", "striker"])
    text = "Liverpool manager Jurgen Klopp met England captain, Harry Kane, and Celtic's striker Chris Sutton in Liverpool."
    ents = [
        ("Liverpool", "LOC"),
        ("Jurgen Klopp", "PERSON"),
        ("England", "LOC"),
        ("Harry Kane", "PERSON"),
        ("Celtic", "LOC"),
        ("Chris Sutton", "PERSON"),
        ("Liverpool", "LOC", 1),
    ]
    doc = teams(make_doc(blank, text, ents))
    # As for a result's teams, every mention of the name on the page (one label for one name); the page is a sports page now.
    assert ent_tuples(doc) == [
        ("Liverpool", "ORG"),
        ("Jurgen Klopp", "PERSON"),
        ("England", "ORG"),
        ("Harry Kane", "PERSON"),
        ("Celtic", "ORG"),
        ("Chris Sutton", "PERSON"),
        ("Liverpool", "ORG"),
    ]
    assert doc._.sport is not None


def test_a_role_without_a_person_after_it_names_no_team(blank):
    teams = make_sports_teams(SPORTS, min_sport_words=2, team_roles=["manager"])
    doc = teams(
        make_doc(
            blank,
            "The Liverpool manager said Tesco manager Ann Lee was in Leeds.",
            [("Liverpool", "LOC"), ("Tesco", "ORG"), ("Ann Lee", "PERSON"), ("Leeds", "LOC")],
        )
    )
    assert ent_tuples(doc) == [("Liverpool", "LOC"), ("Tesco", "ORG"), ("Ann Lee", "PERSON"), ("Leeds", "LOC")]
    assert doc._.sport is None


PROSE = {
    "prose_result_words": ["beat", "drew", "draw", "lost", "held", "win"],
    "result_prepositions": ["with", "to", "by", "over"],
    "pair_prepositions": ["between"],
    "pair_joiners": ["and"],
}


def test_results_in_prose_name_teams_the_recogniser_placed_or_left_out(blank):
    teams = make_sports_teams(SPORTS, min_sport_words=2, **PROSE)
    text = "Celtic beat Rangers 2-1 at Parkhead while Aberdeen drew 1-1 with Hibernian . Motherwell lost to Hearts . Hearts are fourth ."
    ents = [("Rangers", "ORG"), ("Parkhead", "ORG"), ("Aberdeen", "LOC"), ("Motherwell", "LOC")]
    doc = make_doc(blank, text, ents)
    for token in doc:
        token.is_sent_start = token.i == 0 or doc[token.i - 1].text == "."
    doc = teams(doc)
    assert ent_tuples(doc) == [
        ("Celtic", "ORG"),
        ("Rangers", "ORG"),
        ("Parkhead", "ORG"),  # the stadium: the recogniser's, untouched
        ("Aberdeen", "ORG"),  # a place to the recogniser: a side of a result
        ("Hibernian", "ORG"),
        ("Motherwell", "ORG"),
        ("Hearts", "ORG"),  # no score: the page has results with scores
    ]
    assert doc._.sport == "unknown"


def test_a_result_in_prose_without_a_score_off_a_sports_page_names_no_team(blank):
    teams = make_sports_teams(SPORTS, min_sport_words=2, **PROSE)
    doc = teams(make_doc(blank, "Labour lost to Scotland in the vote .", [("Labour", "ORG"), ("Scotland", "LOC")]))
    assert ent_tuples(doc) == [("Labour", "ORG"), ("Scotland", "LOC")] and doc._.sport is None


def test_a_table_of_figures_on_a_page_of_no_sport_is_no_result(blank, teams):
    text = "New car registrations in thousands :\nVolkswagen 102 Fiat 98\nGermany 310 France 180\n"
    ents = [("Volkswagen", "ORG"), ("Fiat", "ORG"), ("Germany", "LOC"), ("France", "LOC")]
    doc = teams(make_doc(blank, text, ents))
    assert ent_tuples(doc) == ents and doc._.sport is None


def test_on_a_page_of_a_sport_of_persons_a_country_is_no_team(blank):
    text = "Westwood of Britain had three birdies and a bogey to lead the golf by two shots ."
    ents = [("Westwood", "PERSON"), ("Britain", "LOC")]
    sports = {**SPORTS, "golf": ["golf", "birdies", "bogey"]}
    assert ent_tuples(make_sports_teams(sports, min_sport_words=2)(make_doc(blank, text, ents)))[1] == ("Britain", "ORG")  # as a team sport
    doc = make_sports_teams(sports, min_sport_words=2, individual_sports=["golf"], **PROSE)(make_doc(blank, text, ents))
    assert doc._.sport == "golf" and ent_tuples(doc) == ents


def test_the_default_pipeline_keeps_prose_results_teams_and_reads_an_athletics_page(nlp):
    doc = nlp("Celtic beat Rangers 2-1 at Parkhead while Aberdeen drew 1-1 with Hibernian . Motherwell lost to Hearts .")
    labels = {e.text: e.label_ for e in doc.ents}
    # The document vote (label_consistency) runs first: its place evidence does not undo a result.
    assert {name: labels.get(name) for name in ("Aberdeen", "Hibernian", "Motherwell", "Hearts")} == dict.fromkeys(
        ("Aberdeen", "Hibernian", "Motherwell", "Hearts"), "ORG"
    )
    page = "ATHLETICS - BRUSSELS RESULTS .\n\nMen 's 200 metres\n1. Michael Johnson ( U.S. ) 19.92\n2. Ato Boldon ( Trinidad ) 20.14\n"
    doc = nlp(page)
    assert [(e.text, e.label_) for e in doc.ents if e.text in ("Ato Boldon", "Trinidad")] == [("Ato Boldon", "PERSON"), ("Trinidad", "LOC")]


def test_a_name_ends_before_a_final_score_and_a_headlines_capitals_add_no_team(blank):
    teams = make_sports_teams(SPORTS, min_sport_words=2, **PROSE)
    text = "JUVENTUS HELD BY LOWLY PIACENZA\nSampdoria beat Reggiana 4-0 in Genoa and Lazio beat Napoli 3 - 1 ."
    doc = make_doc(blank, text, [("PIACENZA", "LOC"), ("Sampdoria", "ORG"), ("Reggiana 4-0", "LOC"), ("Napoli 3 - 1", "LOC")])
    # LOWLY, the side after "BY" in capitals, is no name: no team added, and PIACENZA is in no result.
    assert ent_tuples(teams(doc)) == [("PIACENZA", "LOC"), ("Sampdoria", "ORG"), ("Reggiana", "ORG"), ("Lazio", "ORG"), ("Napoli", "ORG")]


def test_a_name_after_a_result_word_and_the_ends_before_a_final_score(blank):
    teams = make_sports_teams(SPORTS, min_sport_words=2, **PROSE)
    text = "The Kansas City Chiefs beat the Buffalo Bills 27-21 on Sunday."
    doc = make_doc(blank, text, [("Kansas City Chiefs", "ORG"), ("Buffalo Bills 27-21", "ORG")])
    assert ent_tuples(teams(doc)) == [("Kansas City Chiefs", "ORG"), ("Buffalo Bills", "ORG")]


def test_the_default_pipeline_reads_an_american_football_page_and_a_scored_loss(nlp):
    # The sport's words of a wire report (a rusher, a cornerback, punts) make it a sports page, where
    # a place that is never written as one is a team; "a 27-24 loss to Chicago" is a result.
    page = (
        "Bush was hurt last Thursday in a 27-24 loss to Chicago .\n"
        "He was the team 's second-leading rusher and returned three punts for touchdowns .\n"
        "The Saints signed cornerback Michael Lehan and will miss the final games against Detroit and Carolina ."
    )
    doc = nlp(page)
    assert doc._.sport == "american_football"
    labels = {e.text: e.label_ for e in doc.ents}
    assert {name: labels.get(name) for name in ("Chicago", "Detroit", "Carolina")} == dict.fromkeys(("Chicago", "Detroit", "Carolina"), "ORG")


def test_one_place_entity_over_a_place_and_a_plural_is_the_team(blank, gazetteer_teams):
    """The vote made the recogniser's *Chicago Bears* a place (the classifier: ORG 0.318, LOC 0.321)."""
    text = "The striker was hurt at halftime of the loss to the Chicago Bears . The Bears won ."
    doc = make_doc(blank, text, [("Chicago Bears", "LOC")])
    chicago = text.index("Chicago")
    doc.spans["places"] = [doc.char_span(chicago, chicago + 7, label="GPE")]
    # The team's name keeps its producer, and its plural names it elsewhere (the recogniser left it out).
    assert ent_tuples(gazetteer_teams(doc)) == [("Chicago Bears", "ORG"), ("Bears", "ORG")]
    # Off a sports page only a word's plural (the vectors know its singular: spaCy's blank has none),
    # and never a plural that is a place.
    text = "Communists stormed the Athens Acropolis and flew to the Cayman Islands ."
    other = make_doc(blank, text, [("Athens Acropolis", "LOC"), ("Cayman Islands", "LOC")])
    other.spans["places"] = [
        other.char_span(text.index("Athens"), text.index(" Acropolis"), label="GPE"),
        other.char_span(text.index("Cayman"), text.index(" Islands"), label="GPE"),
    ]
    assert ent_tuples(gazetteer_teams(other)) == [("Athens Acropolis", "LOC"), ("Cayman Islands", "LOC")]
