"""news_sports_teams on a sports page's tables (pipeline/components/sports_tables.py): result lines,
standings rows, players' entries; and lines of the same look that are no such table."""

from __future__ import annotations

import pytest

from pipeline.components.sports import SportsTeams
from tests.conftest import ent_tuples, make_doc, make_sports_teams

SPORTS = {"soccer": ["soccer", "striker", "halftime"], "tennis": ["tennis", "seeded"], "cricket": ["cricket", "wickets", "innings"], "golf": ["golf"]}


@pytest.fixture
def teams() -> SportsTeams:
    return make_sports_teams(
        SPORTS,
        min_sport_words=3,
        places_key="places",
        person_label="PERSON",
        name_connectors=["of", "the", "&"],
        standings_words=["standings", "table"],
        min_standings_numbers=4,
        max_name_words=4,
        table_confidence=0.9,
        dismissal_words=["c", "b", "lbw", "st", "run", "out", "not"],
        scorecard_sport="cricket",
    )


RESULTS = (
    "SOCCER - SCOTTISH RESULTS .\nAberdeen 1 Hibernian 1\nCeltic 4 Dunfermline 2\nKilmarnock 1 Dundee United 3\nQueen of the South 2 Sheffield Wednesday 0"
)


def test_a_result_line_is_two_teams_never_one_name_over_the_scores(blank, teams):
    doc = make_doc(blank, RESULTS, [("Aberdeen 1 Hibernian 1", "LOC"), ("Kilmarnock 1 Dundee United 3", "ORG")])
    doc.ents[0]._.label_probs = {"PERSON": 0.1, "ORG": 0.2, "LOC": 0.6, "NONE": 0.1}
    doc = teams(doc)
    assert ent_tuples(doc) == [
        ("Aberdeen", "ORG"), ("Hibernian", "ORG"), ("Celtic", "ORG"), ("Dunfermline", "ORG"),
        ("Kilmarnock", "ORG"), ("Dundee United", "ORG"), ("Queen of the South", "ORG"), ("Sheffield Wednesday", "ORG"),
    ]  # fmt: skip
    assert {e._.component for e in doc.ents} == {"sports_teams"}
    # The rule's own mentions carry its documented score (the classifier saw another span).
    assert {tuple(e._.label_probs.items()) for e in doc.ents} == {(("ORG", 0.9), ("NONE", 0.1))}
    assert doc._.sport == "soccer"  # a page with a result


def test_a_side_the_recogniser_found_keeps_its_span_and_takes_the_surer_probability(blank, teams):
    doc = make_doc(blank, "SOCCER\nCeltic 4 Dunfermline 2\nCeltic play in Glasgow.", [("Celtic", "LOC"), ("Celtic", "LOC", 1), ("Glasgow", "LOC")])
    doc.ents[0]._.label_probs = {"PERSON": 0.1, "ORG": 0.2, "LOC": 0.6, "NONE": 0.1}
    doc = teams(doc)
    assert ent_tuples(doc) == [("Celtic", "ORG"), ("Dunfermline", "ORG"), ("Celtic", "ORG"), ("Glasgow", "LOC")]  # every mention of the team
    assert doc.ents[0]._.label_probs == {"ORG": 0.9, "NONE": 0.1}  # the classifier, reading a table as prose, is less sure than the shape
    doc = make_doc(blank, "SOCCER\nCeltic 4 Dunfermline 2", [("Celtic", "LOC")])
    doc.ents[0]._.label_probs = {"PERSON": 0.01, "ORG": 0.3, "LOC": 0.65, "NONE": 0.04}
    assert teams(doc).ents[0]._.label_probs == {"PERSON": 0.01, "ORG": 0.95, "LOC": 0.0, "NONE": 0.04}  # more sure: its mass moved


def test_a_result_line_with_the_clubs_countries_and_scorers(blank, teams):
    text = "SOCCER\nDynamo Kiev ( Ukraine ) 1 Rangers ( Scotland ) 0 ( Rebrov 12 )"
    doc = teams(make_doc(blank, text, [("Dynamo Kiev", "LOC"), ("Ukraine", "LOC"), ("Scotland", "LOC"), ("Rebrov", "PERSON")]))
    assert ent_tuples(doc) == [("Dynamo Kiev", "ORG"), ("Ukraine", "LOC"), ("Rangers", "ORG"), ("Scotland", "LOC"), ("Rebrov", "PERSON")]


@pytest.mark.parametrize(
    "text, ents",
    [
        # no sport's word: a table of election results or prices in another story
        ("Election results ( seats ) :\nLabour 418 Conservatives 165\nLiberal Democrats 46 Others 30", []),
        ("Metal prices :\nGold 380 Silver 5\nCopper 2 Zinc 1", []),
        # a sports page, but no line that is only a result
        ("SOCCER\nApollo 13 lifted off in 1970 .\nChannel 4 showed the 2 goals live .", [("Apollo 13", "ORG"), ("Channel 4", "ORG")]),
        ("SOCCER\nThe Formula One 2 wins came after 3 laps .", [("Formula One", "ORG")]),
        ("SOCCER\nApollo 13 Channel 4 News at 10", [("Apollo 13", "ORG"), ("Channel 4 News", "ORG")]),
        # a person's result names no team
        ("SNOOKER halftime\nStephen Hendry 5 Ronnie O'Sullivan 3", [("Stephen Hendry", "PERSON"), ("Ronnie O'Sullivan", "PERSON")]),
    ],
)
def test_lines_that_are_no_result_name_no_team(blank, teams, text, ents):
    doc = teams(make_doc(blank, text, ents))
    assert ent_tuples(doc) == ents and [e._.component for e in doc.ents] == [None] * len(ents)


STANDINGS = "SOCCER\nStandings ( tabulate under played , won , drawn , lost , goals for , against , points ) :\n\nRangers 16 12 3 1 38 12 39\nCeltic 16 10 4 2 41 16 34\nAberdeen 16 7 5 4 26 21 26"


def test_a_result_line_may_go_on_after_a_full_stop_and_scorers_may_score_twice(blank, teams):
    text = "SOCCER\nDeportivo Coruna 1 ( Bebeto 34 ) Real Madrid 2 ( Ronaldo 12 , 55 ) . Halftime 1-1 . Attendance 34,000 ."
    doc = teams(make_doc(blank, text, [("Deportivo Coruna 1", "ORG")]))
    assert ent_tuples(doc) == [("Deportivo Coruna", "ORG"), ("Bebeto", "PERSON"), ("Real Madrid", "ORG"), ("Ronaldo", "PERSON")]
    doc = teams(make_doc(blank, "SOCCER\nDeportivo Coruna 1 Real Madrid 2 in Spain", []))
    assert ent_tuples(doc) == []  # words after the score, no full stop: prose


def test_standings_rows_under_a_standings_line_are_teams(blank, teams):
    doc = teams(make_doc(blank, STANDINGS, [("Aberdeen", "LOC")]))
    assert ent_tuples(doc) == [("Rangers", "ORG"), ("Celtic", "ORG"), ("Aberdeen", "ORG")]
    header = "SOCCER\nStandings ( tabulate under played , won , drawn , lost , goals for , against , points ) :\nP W D L F A Pts\n1. Rangers 16 12 3 1 38 12 39"
    assert ent_tuples(teams(make_doc(blank, header, []))) == [("Rangers", "ORG")]  # a column line between, a rank first
    nhl = "ICE HOCKEY\nNHL STANDINGS AFTER THURSDAY 'S GAMES\nEASTERN CONFERENCE\nNORTHEAST DIVISION\nW L T GF GA PTS\nHARTFORD 12 7 6 77 76 30\nBUFFALO 13 12 1 76 76 27"
    assert ent_tuples(teams(make_doc(blank, nhl, []))) == []  # no sport's word of the fixture's
    nhl = nhl.replace("ICE HOCKEY", "SOCCER")
    assert ent_tuples(teams(make_doc(blank, nhl, []))) == [
        ("HARTFORD", "ORG"),
        ("BUFFALO", "ORG"),
    ]  # a conference's, a division's and the columns' lines between


@pytest.mark.parametrize(
    "text",
    [
        STANDINGS.replace("Standings ( tabulate under", "Leading ( under"),  # no standings line above
        "SOCCER\nStandings :\nOne\nTwo\nThree\nFour\nRangers 16 12 3 1 38 12 39",  # too far above
        STANDINGS.replace("SOCCER", "ECONOMY"),  # no sport's word: a table of figures
        # a table of prices on a sports page: decimals, and a row too far below its line
        "SOCCER\nPrices table :\nBrent 23.45 23.10 22.90 23.00\nDubai 20.10 20.05 19.95 20.00\nSome words here to end.\nMore words.\nWTI 25 24 23 22",
    ],
)
def test_number_rows_that_are_no_standings_name_no_team(blank, teams, text):
    doc = teams(make_doc(blank, text, []))
    assert ent_tuples(doc) == []


def test_a_players_country_in_brackets_is_a_place_and_the_player_a_person(blank, teams):
    text = (
        "TENNIS - RESULTS AT GRAND SLAM CUP .\nResults at the Grand Slam Cup on Wednesday ( prefix number denotes seeding ) :\n"
        "1 - Pete Sampras ( U.S. ) beat Marc Rosset ( Switzerland ) 6-2 6-4\nGoran Ivanisevic ( Croatia ) beat Thomas Enqvist ( Sweden ) 6-3 7-6\n"
        "The seeded players were in tennis form."
    )
    ents = [("Pete Sampras", "PERSON"), ("U.S.", "LOC"), ("Marc Rosset", "PERSON"), ("Switzerland", "LOC"), ("Goran Ivanisevic", "PERSON")]
    ents += [("Croatia", "LOC"), ("Thomas Enqvist", "PERSON"), ("Sweden", "LOC")]
    doc = teams(make_doc(blank, text, ents))
    assert doc._.sport == "tennis"
    assert ent_tuples(doc) == ents  # a tennis page: before, every country never written after "in" was a team


def test_a_leaderboards_player_is_a_person(blank, teams):
    text = "GOLF - LEADING SCORES\n137 Tiger Woods ( U.S. ) 68 69\n139 Ernie Els ( South Africa ) 69 70 , Greg Norman ( Australia ) 71 68\n1. Donovan Bailey ( Canada ) 10.03"
    doc = make_doc(blank, text, [("U.S.", "LOC"), ("Ernie Els", "LOC"), ("South Africa", "LOC"), ("Greg Norman", "PERSON"), ("Bailey", "PERSON")])
    doc.spans["places"] = [
        doc.char_span(text.index("Australia"), text.index("Australia") + 9, label="GPE"),
        doc.char_span(text.index("Canada"), text.index("Canada") + 6, label="GPE"),
    ]
    doc = teams(doc)
    assert ent_tuples(doc) == [
        ("Tiger Woods", "PERSON"), ("U.S.", "LOC"), ("Ernie Els", "PERSON"), ("South Africa", "LOC"), ("Greg Norman", "PERSON"), ("Donovan Bailey", "PERSON"),
    ]  # fmt: skip
    assert doc._.sport is None  # a player's entry is no team's result


@pytest.mark.parametrize(
    "text, ents",
    [
        ("TENNIS\nPresident Clinton ( U.S. ) said 12 of 15 were wrong .", [("U.S.", "LOC")]),  # no number run after it
        ("TENNIS\nResults at the Grand Slam Cup on Wednesday ( prefix number denotes seeding ) 2 3", []),  # no place in the brackets
        ("TENNIS\nThe index ( Germany ) 68 70", [("Germany", "LOC")]),  # no name before it
        ("Car sales :\nRenault ( France ) 75 78\nFord ( U.S. ) 88.5", [("Renault", "LOC"), ("France", "LOC"), ("U.S.", "LOC")]),  # no sports page
    ],
)
def test_brackets_that_are_no_players_entry(blank, teams, text, ents):
    doc = teams(make_doc(blank, text, ents))
    assert ent_tuples(doc) == ents and [e._.component for e in doc.ents] == [None] * len(ents)


def test_a_persons_result_names_no_team_even_where_the_recogniser_called_a_player_a_place(blank, teams):
    doc = teams(make_doc(blank, "Federer beat Nadal 6-4 in the tennis final.", [("Federer", "PERSON"), ("Nadal", "LOC")]))
    assert ent_tuples(doc) == [("Federer", "PERSON"), ("Nadal", "LOC")]


def test_table_confidence_must_be_a_probability():
    with pytest.raises(ValueError, match="table_confidence"):
        SportsTeams(
            "sports_teams",
            team_label="ORG",
            place_labels=["LOC"],
            result_words=[],
            place_words=[],
            max_score_digits=3,
            sports={},
            min_sport_words=3,
            table_confidence=1.5,
        )


def test_a_teams_name_in_brackets_after_its_coach_is_still_a_team(blank, teams):
    """Only a player's entry (a result word or numbers after the brackets) makes the bracketed place a
    place: ``Eddie Jordan (Washington)`` on a page of a sport names the coach's team (ECB+ 5_2ecb)."""
    text = "The tennis coach fired was the seeded fifth , after Eddie Jordan ( Washington ) and Sam Mitchell ( Toronto ) , in tennis ."
    doc = teams(make_doc(blank, text, [("Eddie Jordan", "PERSON"), ("Washington", "LOC"), ("Sam Mitchell", "PERSON"), ("Toronto", "LOC")]))
    assert ent_tuples(doc) == [("Eddie Jordan", "PERSON"), ("Washington", "ORG"), ("Sam Mitchell", "PERSON"), ("Toronto", "ORG")]


SCORECARD = (
    "CRICKET - ENGLAND V ZIMBABWE SCOREBOARD .\nHARARE 1996-12-07\nScoreboard on the third day , with 8 wickets in the innings :\n"
    "Zimbabwe first innings 376 ( A. Flower 112 , G. Flower 60 ; D. Gough 3-46 )\nEngland first innings ( overnight 147-3 )\n"
    "N. Knight c Campbell b Streak 56\nN. Hussain not out 113\nG. Thorpe lbw b Strang 13\nExtras ( lb-7 nb-6 ) 13\nTotal ( for 3 wickets ) 322\n"
    "Bowling : Streak 28-7-72-2 , Strang 22-5-60-1\nStreak 28-7-72-2"
)


def test_a_scorecards_batsmen_fielders_and_bowlers_are_persons(blank, teams):
    ents = [
        ("HARARE", "LOC"),
        ("Zimbabwe", "LOC"),
        ("G. Flower", "ORG"),
        ("England", "LOC"),
        ("N. Knight", "PERSON"),
        ("N. Hussain", "PERSON"),
        ("G. Thorpe", "PERSON"),
    ]
    doc = teams(make_doc(blank, SCORECARD, ents))
    assert doc._.sport == "cricket"
    persons = [e.text for e in doc.ents if e.label_ == "PERSON"]
    assert persons == ["A. Flower", "G. Flower", "D. Gough", "N. Knight", "Campbell", "Streak", "N. Hussain", "G. Thorpe", "Strang", "Streak"]
    assert ("HARARE", "LOC") in ent_tuples(doc)  # a dateline's date is no bowler's figures
    assert doc.ents[[e.text for e in doc.ents].index("G. Flower")]._.component == "sports_teams"


def test_a_scorecards_lines_on_another_sports_page_name_no_person(blank, teams):
    doc = teams(make_doc(blank, SCORECARD.replace("wickets", "goals").replace("innings", "half").replace("CRICKET", "SOCCER"), []))
    assert doc._.sport != "cricket"
    assert [e.text for e in doc.ents if e.label_ == "PERSON"] == ["A. Flower", "G. Flower", "D. Gough"]  # scorers in brackets, on any sports page


def test_scorers_in_brackets_are_persons_but_places_are_not(blank, teams):
    text = "SOCCER\nDeportivo 1 ( Bebeto 34 ) Real Madrid 2 ( Suker 17 , Raul 75 )\nMedals : ( U.S. 44 , Russia 26 )"
    doc = teams(make_doc(blank, text, [("Real Madrid", "ORG"), ("U.S.", "LOC"), ("Russia", "LOC")]))
    assert ent_tuples(doc) == [
        ("Deportivo", "ORG"), ("Bebeto", "PERSON"), ("Real Madrid", "ORG"), ("Suker", "PERSON"), ("Raul", "PERSON"), ("U.S.", "LOC"), ("Russia", "LOC"),
    ]  # fmt: skip
    assert ent_tuples(teams(make_doc(blank, "Figures ( Smith 34 , Jones 75 ) said the report .", []))) == []  # no sports page
    dates = "SOCCER\nTuesday , June 19 , 2018 ( June 19 ) ( Smith 34 , said Jones 75 )"
    assert ent_tuples(teams(make_doc(blank, dates, []))) == []  # a date between commas; brackets of other words
