"""sports_prose: results written in prose name their sides (for news_sports_teams)."""

from __future__ import annotations

import pytest

from pipeline.components.sports_prose import ProseReader
from tests.conftest import make_doc


@pytest.fixture
def reader() -> ProseReader:
    return ProseReader(
        result_words=["beat", "drew", "draw", "lost", "losing", "held", "win"],
        result_prepositions=["with", "to", "by", "over"],
        pair_prepositions=["between"],
        pair_joiners=["and"],
        place_words=["in", "at"],
        person_label="PERSON",
        max_score_digits=3,
    )


def sides(doc, found):  # noqa: ANN001, ANN202
    return sorted(doc[start:end].text for start, end in found)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Celtic beat Rangers 2-1 on Sunday.", ["Celtic", "Rangers"]),
        ("Aberdeen drew 1-1 with Hibernian at Pittodrie.", ["Aberdeen", "Hibernian"]),
        ("Motherwell lost to Hearts.", ["Hearts", "Motherwell"]),
        ("Rangers could only draw 2-2 with Dunfermline.", ["Dunfermline", "Rangers"]),
        ("Manchester United were held 0-0 by Leeds.", ["Leeds", "Manchester United"]),
        ("Chelsea 's 2-2 draw with Everton kept them sixth.", ["Chelsea", "Everton"]),
        ("They stay top after a 3-3 draw between Bolton and Norwich.", ["Bolton", "Norwich"]),
        ("Raith stay bottom after losing 3-1 to Dundee United.", ["Dundee United"]),  # the subject is further back
    ],
)
def test_a_result_in_prose_names_both_sides(blank, reader, text, expected):
    doc = make_doc(blank, text, [])
    found = reader.read(doc, sports_page=True)
    assert sides(doc, found.teams) == expected
    assert sides(doc, found.unrecognised) == expected  # the recogniser found none of them


def test_without_a_score_only_on_a_sports_page(blank, reader):
    doc = make_doc(blank, "Labour lost to the Tories. Motherwell lost to Hearts.", [])
    assert not reader.read(doc, sports_page=False).teams
    assert sides(doc, reader.read(doc, sports_page=True).teams) == ["Hearts", "Motherwell"]


def test_one_side_without_a_score_adds_no_name(blank, reader):
    doc = make_doc(blank, "Losing Thomas is bad enough . They lost to Leeds .", [("Leeds", "ORG")])
    found = reader.read(doc, sports_page=True)
    assert sides(doc, found.teams) == ["Leeds"] and not found.unrecognised


def test_off_a_sports_page_a_scored_result_adds_a_side_only_next_to_an_entity(blank, reader):
    doc = make_doc(blank, "Celtic beat Rangers 2-1. Smith beat Jones 6-4.", [("Rangers", "ORG")])
    found = reader.read(doc, sports_page=False)
    assert found.scored
    assert sides(doc, found.teams) == ["Celtic", "Rangers"] and sides(doc, found.unrecognised) == ["Celtic"]


@pytest.mark.parametrize(
    "text, ents",
    [
        ("Ottey of Jamaica beat Gwen Torrence 2-1.", [("Jamaica", "LOC"), ("Gwen Torrence", "PERSON")]),  # a person's result
        ("Celtic held talks in Glasgow.", []),  # no side after the verb
        ("Celtic won.\nThey beat\nRangers 2-1 next time.", []),  # not one line
        ("It was a win for Win Tin over the generals.", [("Win Tin", "PERSON")]),  # a result word inside a name
        ("Celtic lost at Parkhead 2-1.", []),  # a place word before the side
    ],
)
def test_no_result_no_side(blank, reader, text, ents):
    doc = make_doc(blank, text, ents)
    assert not reader.read(doc, sports_page=True).teams


def test_a_scored_result_against_a_team_reads_a_one_word_person_as_a_team_off_a_sports_page(blank, reader):
    # The recogniser's Cowdenbeath a person, Rangers a team: the score says it is a match.
    doc = make_doc(blank, "Cowdenbeath beat Rangers 2-1 .", [("Cowdenbeath", "PERSON"), ("Rangers", "ORG")])
    found = reader.read(doc, sports_page=False)
    assert sides(doc, found.teams) == ["Cowdenbeath", "Rangers"] and sides(doc, found.persons) == ["Cowdenbeath"]
    # Without a score, off a sports page, a person's result names no team (Ottey beat Torrence).
    doc = make_doc(blank, "Cowdenbeath beat Rangers .", [("Cowdenbeath", "PERSON"), ("Rangers", "ORG")])
    assert reader.read(doc, sports_page=False).teams == []
