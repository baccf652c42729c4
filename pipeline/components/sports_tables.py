"""The lines of a sports page that are tables, read by their shape (for ``news_sports_teams``).

Wire services print a sports page's body as lines, not sentences, and the recogniser reads them
badly: it takes ``Aberdeen 1 Hibernian 1`` for one name, finds neither side of ``Celtic 4
Dunfermline 2``, nothing in a standings row, and few of a scorecard's fielders and bowlers. Each
line of at most ``MAX_LINE_TOKENS`` tokens that holds a number (found in the token array: most
pages have none) is written as a string of one character per token (:meth:`TableReader.token_class`:
``N`` a capitalised word that is no stop word, ``c`` a connector inside a name, ``d`` a score (a
whole number of at most ``max_score_digits`` digits), ``f`` another number, ``p`` a score in one
token (``2-1``), ``r`` a result word, ``w`` a dismissal word, ``(``, ``)``, ``-``, ``.``, ``,``,
``;``, ``x`` anything else), and the shapes are regular expressions over it. They are read only on
a page of a sport (one of its words at least): a company's or an election's table has them too
(``Renault ( France ) 75 78``, ``Labour 418 Conservatives 165``).

* a **result line**, the whole line ``NAME d NAME d`` (``Kilmarnock 1 Dundee United 3``; a place
  in brackets after a name, a bracket after a score, and a full stop then anything, allowed:
  ``Dynamo Kiev ( Ukraine ) 1 Rangers ( Scotland ) 0 ( Rebrov 12 ) . Attendance 34,000``): both
  names are teams, unless the recogniser found either side as a person (a person's result names no team);
* a **standings row**, ``NAME`` then at least ``min_standings_numbers`` scores to the line's end
  (``Rangers 16 12 3 1 38 12 39``, a rank first allowed), in a run of such rows under a line (one
  of the four non-empty lines before it) with a ``standings_words`` word (``Standings``, ``table``): a team;
* a **player's entry**, ``NAME ( PLACE )`` followed by a result word, two numbers, or a decimal
  (``Pete Sampras ( U.S. ) beat``, ``Tiger Woods ( U.S. ) 68 70``, ``Donovan Bailey ( Canada )
  10.03``) where ``PLACE`` is a place entity or a match of the gazetteer (``places_key``): the name
  is a person and the place his country (it stays a place: no team);
* **scorers**: brackets that hold only names with numbers (``( Bebeto 34 , Ronaldo 12 , 55 )``,
  ``( A. Flower 112 , G. Flower 60 ; D. Gough 3-46 )``): persons, unless places;
* a **scorecard's line**, on a page whose sport is ``scorecard_sport``: a batsman, dismissal words
  and the fielders and bowlers, then his runs (``N. Knight c Campbell b Streak 56``, ``N. Hussain
  not out 113``), or a bowler's figures (``Streak 28-7-72-2``): every name is a person.

A name is one to ``max_name_words`` capitalised words (initials, ``O'Neill``, ``NEW JERSEY``),
with connectors (``name_connectors``: ``Queen of the South``) only inside, and not only weekdays or
months (``( June 19 )``; ``Sheffield Wednesday`` is one). Every word list is config.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy
from spacy.attrs import IS_SPACE, PREFIX
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token

from ..knowledge.names import CALENDAR_WORDS

#: A final score written as one token: ``2-1``, ``3–0``.
SCORE_PAIR = re.compile(r"^\d{1,3}[-–:]\d{1,3}$")
#: The dashes of a final score written as three tokens (``2 - 1``).
SCORE_DASHES = frozenset({"-", "–", ":"})
#: A number that is no score: a decimal (``10.03``, ``.781``), thousands (``34,000``) or a longer integer.
NUMBER = re.compile(r"^\d*[.,]?\d+$")
#: A word of a name: letters, apostrophes or full stops, the first a capital (``N.``, ``O'Neill``, ``U.S.``, ``Öster``).
NAME_WORD = re.compile(r"^[^\W\d_](?:[^\W\d_]|['.])*$")
#: Lines longer than this (tokens) are prose, not a table's line: never classified.
MAX_LINE_TOKENS = 60
#: A line holds at least this many tokens opening with a digit to be read as a table's line.
MIN_LINE_NUMBERS = 1
#: How many non-empty lines above a run of standings rows may hold its standings word (``NHL
#: STANDINGS``, then a conference's, a division's and the columns' lines).
STANDINGS_HEADER_LINES = 4
DASHES = frozenset({"-", "–"})


@dataclass
class TableMentions:
    """What the tables of a Doc name: token ranges (start, end) of teams, of persons, and of the
    places in a player's brackets; ``lines`` are the token ranges of the result lines and standings
    rows (their other entities, a span over a score, are no names)."""

    teams: list[tuple[int, int]] = field(default_factory=list)
    persons: list[tuple[int, int]] = field(default_factory=list)
    places: list[tuple[int, int]] = field(default_factory=list)
    lines: list[tuple[int, int]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.teams or self.persons or self.places)


class TableReader:
    """Reads a Doc's result lines, standings rows and players' entries (the module's docstring)."""

    def __init__(
        self,
        *,
        result_words: Iterable[str],
        name_connectors: Iterable[str],
        standings_words: Iterable[str],
        min_standings_numbers: int,
        max_score_digits: int,
        max_name_words: int,
        place_labels: Iterable[str],
        person_label: str,
        places_key: str | None = None,
        dismissal_words: Iterable[str] = (),
        scorecard_sport: str | None = None,
    ) -> None:
        self.dismissal_words = frozenset(w.lower() for w in dismissal_words)
        self.scorecard_sport = scorecard_sport
        self.result_words = frozenset(w.lower() for w in result_words)
        self.connectors = frozenset(w.lower() for w in name_connectors)
        self.standings_words = frozenset(w.lower() for w in standings_words)
        self.max_score_digits = max_score_digits
        self.place_labels = frozenset(place_labels)
        self.person_label = person_label
        self.places_key = places_key
        self.digit_ids = numpy.array([get_string_id(str(d)) for d in range(10)], dtype="uint64")
        name = rf"N(?:c*N){{0,{max_name_words - 1}}}"
        bracket = r"(?:\(N+\))?"
        # After the result, a full stop may open more of the report (``. Halftime 1-1 . Attendance 34,000 .``).
        self.result_line = re.compile(rf"^({name}){bracket}d(?:\([^()]*\))?({name}){bracket}d(?:\([^()]*\))?(?:\..*)?$")
        self.standings_row = re.compile(rf"^(?:d\.?)?({name})d{{{min_standings_numbers},}}$")
        self.player = re.compile(rf"(?<![Nc])({name})\((N+)\)(?=r|[dfp][dfp-]|f|,?$)")
        # Brackets that hold only names with a number: ``( A. Flower 112 , G. Flower 60 ; D. Gough 3-46 )``, ``( Bebeto 34 )``
        item = rf"{name}(?:d|d-d)(?:,d)*"  # ``Ronaldo 12 , 55``: a scorer's goals
        self.scorers = re.compile(rf"\({item}(?:[,;]{item})*\)")
        # ``N. Knight c Campbell b Streak 56``, ``N. Hussain not out 113``; ``Streak 28-7-72-2``
        self.batting = re.compile(rf"^(?:d\.?)?{name}(?:[wc]+(?:{name})?)+d\.?$")
        self.bowling = re.compile(rf"^({name})[df](?:-d){{3}}(?:\([^()]*\))?$")
        self.name = re.compile(name)

    def lines(self, doc: Doc) -> list[tuple[int, int]]:
        """The token ranges of the lines (newline tokens excluded) with at least ``MIN_LINE_NUMBERS``
        tokens that open with a digit and at most ``MAX_LINE_TOKENS`` tokens, found in the token array."""
        array = doc.to_array([PREFIX, IS_SPACE])
        numbers = numpy.flatnonzero(numpy.isin(array[:, 0], self.digit_ids))
        if len(numbers) < MIN_LINE_NUMBERS:
            return []
        breaks = [int(i) for i in numpy.flatnonzero(array[:, 1]) if "\n" in doc[int(i)].text]
        starts = numpy.array([0, *(i + 1 for i in breaks)])
        ends = numpy.array([*breaks, len(doc)])
        counts = numpy.bincount(numpy.searchsorted(starts, numbers, side="right") - 1, minlength=len(starts))
        return [(int(s), int(e)) for s, e, n in zip(starts, ends, counts) if n >= MIN_LINE_NUMBERS and e - s <= MAX_LINE_TOKENS]

    def token_class(self, token: Token) -> str:
        """The one-character class of a token (the module's docstring)."""
        text = token.text
        if text.isdigit():
            return "d" if len(text) <= self.max_score_digits else "f"
        if NUMBER.match(text):
            return "f"
        if SCORE_PAIR.match(text):
            return "p"
        lower = token.lower_
        if lower in self.result_words:
            return "r"
        if lower in self.dismissal_words:
            return "w"
        if lower in self.connectors:
            return "c"
        if text[:1].isupper() and NAME_WORD.match(text) and not token.is_stop:
            return "N"
        if text in ("(", ")", ",", ".", ";"):
            return text
        return "-" if text in DASHES else "x"

    def read(self, doc: Doc, lines: list[tuple[int, int]] | None = None, *, sports_page: bool, sport: str | None = None) -> TableMentions:
        """The teams, persons and players' places the Doc's table lines (``lines``, by default
        :meth:`lines`) name; result lines, standings rows and scorers only where ``sports_page`` (the
        page uses a sport's words), a scorecard's lines where ``sport`` (the page's) is ``scorecard_sport``."""
        found = TableMentions()
        if not sports_page:
            return found
        group = doc.spans[self.places_key] if self.places_key and self.places_key in doc.spans else ()
        places = {(match.start, match.end) for match in group}  # the gazetteer's matches
        scorecard = sport is not None and sport == self.scorecard_sport
        runs: list[list[tuple[int, int, tuple[int, int]]]] = []  # consecutive standings rows: (line start, line end, name)
        for start, end in self.lines(doc) if lines is None else lines:
            positions = [i for i in range(start, end) if not doc[i].is_space]
            classes = "".join(self.token_class(doc[i]) for i in positions)
            for bracket in self.scorers.finditer(classes):
                scorers = (self._tokens(positions, m, 0) for m in self.name.finditer(classes, bracket.start(), bracket.end()))
                found.persons += [name for name in scorers if self._named(doc, name) and not self._is_place(doc, name, places)]
            if scorecard and (self.batting.match(classes) or self.bowling.match(classes)):
                names = [self._tokens(positions, m, 0) for m in self.name.finditer(classes)]
                found.persons += [name for name in names if self._named(doc, name) and not self._is_place(doc, name, places)]
                found.lines.append((start, end))
                continue
            if match := self.result_line.match(classes):
                sides = [self._tokens(positions, match, 1), self._tokens(positions, match, 2)]
                if all(self._named(doc, side) for side in sides) and self.person_label not in (self._label(doc, side) for side in sides):
                    found.teams += sides
                    found.lines.append((start, end))
                    continue
            if (match := self.standings_row.match(classes)) and self._named(doc, self._tokens(positions, match, 1)):
                row = (start, end, self._tokens(positions, match, 1))
                if runs and runs[-1][-1][1] + 1 == start:  # the line right after the last row
                    runs[-1].append(row)
                else:
                    runs.append([row])
                continue
            for match in self.player.finditer(classes):
                name, place = self._tokens(positions, match, 1), self._tokens(positions, match, 2)
                if self._named(doc, name) and self._is_place(doc, place, places):
                    found.persons.append(name)
                    found.places.append(place)
        for run in runs:
            if self._under_standings(doc, run[0][0]):
                found.teams += [name for _, _, name in run]
                found.lines += [(start, end) for start, end, _ in run]
        return found

    @staticmethod
    def _tokens(positions: list[int], match: re.Match[str], group: int) -> tuple[int, int]:
        """The token range of a regular expression's group over a line's classes."""
        return positions[match.start(group)], positions[match.end(group) - 1] + 1

    @staticmethod
    def _named(doc: Doc, span: tuple[int, int]) -> bool:
        """Whether the capitalised words are a name: not only weekdays and months (``( June 19 )``;
        ``Sheffield Wednesday`` is a name)."""
        return not all(doc[i].lower_ in CALENDAR_WORDS for i in range(*span))

    @staticmethod
    def _label(doc: Doc, span: tuple[int, int]) -> str:
        """The label of the entity over exactly these tokens, else ``""``."""
        first = doc[span[0]]
        exact = first.ent_iob_ == "B" and (span[1] == len(doc) or doc[span[1]].ent_iob_ != "I")
        return first.ent_type_ if exact and all(doc[i].ent_iob_ == "I" for i in range(span[0] + 1, span[1])) else ""

    def _is_place(self, doc: Doc, span: tuple[int, int], places: set[tuple[int, int]]) -> bool:
        """Whether the tokens are a place entity, or a match of the gazetteer (``places``: ``places_key``'s spans)."""
        return span in places or self._label(doc, span) in self.place_labels

    def _under_standings(self, doc: Doc, row_start: int) -> bool:
        """Whether a standings word is on one of the ``STANDINGS_HEADER_LINES`` non-empty lines above
        the standings row at ``row_start`` (the first of its run)."""
        lines = 0
        i = row_start - 1
        while i >= 0 and lines < STANDINGS_HEADER_LINES:
            while i >= 0 and doc[i].is_space:  # the line break(s) above
                i -= 1
            lines += 1
            while i >= 0 and "\n" not in doc[i].text:  # the line, word by word, up to its start
                if doc[i].lower_ in self.standings_words:
                    return True
                i -= 1
        return False
