"""``news_sports_teams``: on a sports page, a place's name in a result names a team.

``Australia 2 Japan 1`` (a name, a score, a name, a score) or ``Japan beat Syria 2-1`` (a name,
a result word, a name, a score) is a result line: its names are teams. Every mention of such a
name in the document that carries a place label (``place_labels``) becomes ``team_label``
(ORG), and loses the place's curated id: the team is not the country; where the span classifier
scored it (``Span._.label_probs``), the place's probability moves to the team, so that its score
and the corpus vote follow the rule. On a page of a sport, so
does a place the page never writes as a place (never after ``place_words``: ``in Russia``, nor
in a dateline): ``England`` on a World Cup page is the team. The document's sport is
the one whose words (``sports``: sport -> words, from the config) it uses most, at least
``min_sport_words`` times; it is ``doc._.sport``, which the ``entities`` table's ``context``
carries to corpus resolution, so that the cricket team *Australia*, the rugby team *Australia*
and the country stay three entities. Every list (result words, sports and their words) is
config data; the rule itself is the shape of a result.

A result whose one side the recogniser left out (``Celtic beat Rangers 2-1``, ``Celtic 2-1
Rangers``, ``Real Madrid 2 Barcelona 1``, where it found only *Rangers* or *Barcelona*) gives that
side as a team too: one to three capitalised words on the result's line, no stop words, weekdays
or months (``the Browns 34 - 12 Sunday``), where the
other side is a team or a place, never a person (*Federer beat Nadal 6-4*); the page then names the
team wherever it writes it, as for a plural below. A report does not always print a result line: a place directly before a final score
(``the Heels putting away Evansville 91-73``) or after a score's victory (``a 31-24 victory over
Jacksonville``: ``victory_words``, then ``over`` or ``against``) is a team too. And a place
followed by a capitalised plural (``New Orleans Saints``, ``Philadelphia 76ers``: the recogniser
often stops at the place) is a team named after it, whatever the page: the place and its plural
become one ``team_label`` mention, and the plural alone (``the Saints``, ``COLTS``) names the same
team wherever the document writes it, as an entity of any label or as words the recogniser left
out. Plurals that are places themselves (``Beverly Hills``, ``Cayman Islands``: ``place_plurals``)
are not teams. The place may also be a match of the gazetteer (``places_key``: the ``places``
stage's span group) that is no longer an entity: the span classifier drops *New Orleans* before
*Saints* (rightly: no place there), and the team is then found from the gazetteer's match. A
page with a result (a result line, a place before a final score or after a scored victory) is a
sports page however short it is: its sport is the one whose words it uses most, or
``unknown_sport``, so that its teams vote and resolve apart from the places. So is a page that
writes a place before a player's or manager's role and his name (``Liverpool manager Jurgen Klopp``,
``England captain, Harry Kane``: ``team_roles``): the place is his team.

A round-up writes its results in prose more often than in lines (*Aberdeen drew 1-1 with
Hibernian*, *Motherwell lost to Hearts*, *Chelsea 's 2-2 draw with Everton*, *a draw between Bolton
and Norwich*): :mod:`.sports_prose` reads them by their words (``prose_result_words``,
``result_prepositions``, ``pair_prepositions``, ``pair_joiners``), and their sides are teams
wherever the page names them, whatever the place evidence (the document vote, which runs before,
may have made *Aberdeen* a place); the sides the recogniser left out are added, and a one-word
person it read there (*Hearts*) is the team. A result without a score counts only on a sports page;
on a page of a sport of persons (``individual_sports``: tennis, golf, athletics) no prose result
names a team, nor is a place the page never writes as a place a team (a country there is a
player's). A name, a score, a name, a score (``Germany 310 France 180``) is a result only on a page
that uses a sport's word: a company's figures have that shape.

A sports page's body is often a table, printed line by line, which the recogniser reads as prose.
First of all, the stage reads its lines by their shape (:mod:`.sports_tables`): a **result line**
(``Kilmarnock 1 Dundee United 3``: the whole line a name, a score, a name, a score) names two
teams, and a name never holds a result's score (the recogniser's ``Aberdeen 1 Hibernian 1`` goes);
a **standings row** under a standings line (``Rangers 16 12 3 1 38 12 39``) names a team; a
**player's entry** (``Pete Sampras ( U.S. ) beat``, ``Tiger Woods ( U.S. ) 68 70``) names a person
(``person_label``), and the place in its brackets is his country: it stays a place, never a team,
however rarely the page writes it after ``in``. Scorers in brackets (``( Bebeto 34 , Raul 75 )``)
and, on a page of ``scorecard_sport``, a scorecard's batting and bowling lines (``N. Knight c
Campbell b Streak 56``) name persons. A result between persons names no team (a line whose side
the recogniser found as a person; ``Federer beat Nadal 6-4`` in ``teams`` and ``scored``). The
tables' teams are teams wherever the page names them, as a result's are. What the shapes label
takes no curated id; where an entity of that extent was there, the classifier's mass moves to the
new label, or it gets ``table_confidence`` where the classifier was less sure (it reads a table as
prose); a mention no entity had gets ``table_confidence`` (a documented value, not measured: no
annotated wire tables here; ``benchmarks/quality.md``, session 11). The tables are read only on a
page that uses a sport's word at least once (a company's figures have the same shapes); every word
list is config.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable

import numpy
from spacy.attrs import LOWER, PREFIX
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from ..knowledge.names import CALENDAR_WORDS, name_key
from .classifier import NONE_LABEL
from .scores import check_probability
from .spans import copy_span, moved_probability, set_entities
from .sports_prose import ProseReader
from .sports_tables import SCORE_DASHES, SCORE_PAIR, TableMentions, TableReader

#: ``Span._.component`` of a gazetteer match that is no entity, while teams are looked for.
_DROPPED_PLACE = "places (not an entity)"
#: Capitalised plurals that name places, not teams (``Beverly Hills``): the default of ``place_plurals``.
PLACE_PLURALS = (
    "heights",
    "springs",
    "falls",
    "islands",
    "isles",
    "hills",
    "gardens",
    "mountains",
    "lakes",
    "keys",
    "plains",
    "highlands",
    "woods",
    "fields",
    "sands",
    "downs",
    "narrows",
    "straits",
    "rapids",
    "towers",
)
#: A dateline's date (``LONDON 1996-08-30``, ``AL-AIN , United Arab Emirates 1996-12-06``).
DATELINE_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
#: What follows the place that opens a dateline (``LONDON (Reuters) -``, ``WASHINGTON, Jan 5``).
DATELINE_OPENERS = frozenset({",", "("})
#: What may stand between a place word and the place (``at the Oval``).
ARTICLES = frozenset({"the"})
#: ``a 31-24 victory over``/``against`` a team.
VICTORY_PREPOSITIONS = frozenset({"over", "against"})
#: Between a team and a role: ``Celtic's striker``.
POSSESSIVES = frozenset({"'s", "’s"})
#: How many words before the victory word its score may be (``a 20 - 13 road victory over``).
MAX_SCORE_GAP = 4
#: A line is in Title Case when this share of its words longer than 3 letters (at least 3 words) is capitalised.
TITLE_CASE_SHARE, TITLE_CASE_MIN_CHARS, TITLE_CASE_MIN_WORDS = 0.75, 3, 3


def _title_case_line(doc: Doc, i: int) -> bool:
    """Whether token ``i`` is on a headline in Title Case (``U.S. Officials Say Talks Failed``), where
    every word is capitalised and a capitalised plural says nothing."""
    text = doc.text
    start = text.rfind("\n", 0, doc[i].idx) + 1
    end = text.find("\n", doc[i].idx)
    words = [w for w in text[start : end if end >= 0 else len(text)].split() if w.isalpha() and len(w) > TITLE_CASE_MIN_CHARS]
    return len(words) >= TITLE_CASE_MIN_WORDS and sum(w[0].isupper() for w in words) >= TITLE_CASE_SHARE * len(words)


def _capitalised(token: Token) -> bool:
    """A word of a name: ``Saints``, ``COLTS``, ``76ers`` (digits first, then letters)."""
    text = token.text
    return (text[:1].isupper() and text.isalpha()) or (text[:1].isdigit() and text[-1:].isalpha() and text.isalnum())


class SportsTeams:
    def __init__(
        self,
        name: str,
        *,
        team_label: str,
        place_labels: Iterable[str],
        result_words: Iterable[str],
        place_words: Iterable[str],
        max_score_digits: int,
        sports: dict[str, list[str]],
        min_sport_words: int,
        victory_words: Iterable[str] = (),
        place_plurals: Iterable[str] = (),
        unknown_sport: str = "unknown",
        places_key: str | None = None,
        person_label: str = "PERSON",
        name_connectors: Iterable[str] = (),
        standings_words: Iterable[str] = (),
        min_standings_numbers: int = 4,
        max_name_words: int = 4,
        table_confidence: float = 0.9,
        dismissal_words: Iterable[str] = (),
        scorecard_sport: str | None = None,
        prose_result_words: Iterable[str] = (),
        result_prepositions: Iterable[str] = (),
        pair_prepositions: Iterable[str] = (),
        pair_joiners: Iterable[str] = (),
        individual_sports: Iterable[str] = (),
        team_roles: Iterable[str] = (),
    ) -> None:
        check_probability(name, "table_confidence", table_confidence)
        self.name = name
        self.places_key = places_key
        self.team_label = team_label
        self.place_labels = frozenset(place_labels)
        self.result_words = frozenset(w.lower() for w in result_words)
        self.place_words = frozenset(w.lower() for w in place_words)
        self.max_score_digits = max_score_digits
        self.sport_words = {word.lower(): sport for sport, words in sports.items() for word in words}
        self.sport_by_id = {get_string_id(word): sport for word, sport in self.sport_words.items()}
        self.sport_ids = numpy.fromiter(self.sport_by_id, dtype="uint64")
        # What a result's middle opens with: a result word, or a digit (a score): looked for in the token array.
        self.result_ids = numpy.array([get_string_id(word) for word in self.result_words], dtype="uint64")
        self.digit_ids = numpy.array([get_string_id(str(d)) for d in range(10)], dtype="uint64")
        self.min_sport_words = min_sport_words
        self.victory_words = frozenset(w.lower() for w in victory_words)
        self.place_plurals = frozenset(w.lower() for w in place_plurals)
        self.unknown_sport = unknown_sport
        self.person_label = person_label
        self.table_confidence = table_confidence
        self.team_roles = frozenset(w.lower() for w in team_roles)
        self.tables = TableReader(
            result_words=result_words,
            name_connectors=name_connectors,
            standings_words=standings_words,
            min_standings_numbers=min_standings_numbers,
            max_score_digits=max_score_digits,
            max_name_words=max_name_words,
            place_labels=place_labels,
            person_label=person_label,
            places_key=places_key,
            dismissal_words=dismissal_words,
            scorecard_sport=scorecard_sport,
        )
        self.prose = ProseReader(
            result_words=prose_result_words,
            result_prepositions=result_prepositions,
            pair_prepositions=pair_prepositions,
            pair_joiners=pair_joiners,
            place_words=place_words,
            person_label=person_label,
            max_score_digits=max_score_digits,
        )
        self.individual_sports = frozenset(individual_sports)

    def __call__(self, doc: Doc) -> Doc:
        # A page that uses a sport's word at all (``page_sport``): its tables and its bare scores
        # (``Germany 310 France 180``) are read as a sport's; a company's figures have the same shapes.
        # The token array, read once: the sport's words, the numbers and the results' candidates.
        array = doc.to_array([LOWER, PREFIX])
        page_sport, uses = self._top_sport(doc, array[:, 0])
        doc._.sport = page_sport if uses >= self.min_sport_words else None
        # Tables, scores and results all need a number: most pages have none, and skip them.
        numbers = bool(numpy.isin(array[:, 1], self.digit_ids).any())
        lines = self.tables.lines(doc) if numbers else []  # the short lines with a number
        tables = self.tables.read(doc, lines, sports_page=page_sport is not None, sport=doc._.sport) if lines else None
        table_teams = self.set_tables(doc, tables) if tables else set()
        nicknames = self.nicknamed(doc)
        if numbers:
            self.drop_scores(doc)
        unnamed = self.unnamed(doc, bare_scores=page_sport is not None, array=array) if numbers else []
        if unnamed:
            set_entities(doc, [*doc.ents, *unnamed])
        scores = self.teams(doc, bare_scores=page_sport is not None) | self.scored(doc) if numbers else set()
        results = scores | self.staffed(doc) | {name_key(span.text) for span in unnamed} | table_teams
        added: set[tuple[str, ...]] = {name_key(span.text) for span in unnamed}
        persons: set[tuple[str, ...]] = set()  # teams the recogniser took for persons (a prose result's side)
        # A prose result without a score counts only on a sports page (sports_prose).
        if page_sport not in self.individual_sports and (numbers or page_sport is not None or results):  # a country on a golf page is a player's
            prose, prose_added, persons = self.prose_teams(doc, sports_page=page_sport is not None or bool(results))
            results, added = results | prose, added | prose_added
        # A player's country (``Pete Sampras ( U.S. ) beat``) is written as a place: no team.
        players_places = {name_key(doc[s:e].text) for s, e in tables.places} if tables else set()
        # On a page of a sport of persons (golf, athletics) a country is a player's, never a team.
        teams = results | (self.unplaced(doc) - players_places if doc._.sport and doc._.sport not in self.individual_sports else set())
        if results and doc._.sport is None:
            # A page that reports a result is a sports page, even in a few lines: its teams then
            # vote and resolve apart from the places they are named after (``sport:<name>``).
            doc._.sport = page_sport or self.unknown_sport
        if not teams and not nicknames:
            return doc
        # A one-word person the page's results name as a side is a team the recogniser misread
        # wherever the page writes it (*Hearts 2-2 Hibernian*, then *enough for Hearts*: PERSON).
        persons |= {key for key in results if len(key) == 1}
        spans, relabelled = [], []
        for ent in doc.ents:
            key = name_key(ent.text)
            if ent.label_ != self.team_label and (key in nicknames or key in persons or (ent.label_ in self.place_labels and key in teams)):
                place_label = ent.label_
                ent = copy_span(ent, label=self.team_label)  # every mention: one label for one name
                ent._.component = self.name
                if ent._.label_probs:  # the classifier's place is the rule's team: its mass moves over
                    ent._.label_probs = moved_probability(ent._.label_probs, place_label, self.team_label)
                relabelled.append(ent)
            spans.append(ent)
        spans += self._unrecognised(doc, nicknames | added)
        set_entities(doc, spans)
        for ent in relabelled:  # the country's curated id is not the team's (set_ents keeps token ids)
            for token in ent:
                token.ent_id = 0
        return doc

    def set_tables(self, doc: Doc, tables: TableMentions) -> set[tuple[str, ...]]:
        """Make the teams and persons that the page's tables name (``sports_tables``) its entities:
        an entity of that extent takes the label (no curated id; the classifier's mass moved, or
        ``table_confidence`` where that is more), else a new one scored ``table_confidence``; an entity overlapping one, or over a score of a result
        line or standings row (``Aberdeen 1 Hibernian 1``), goes. Returns the teams' name keys."""
        wanted = {(s, e): self.team_label for s, e in tables.teams} | {(s, e): self.person_label for s, e in tables.persons}
        taken = {i for s, e in wanted for i in range(s, e)}
        on_lines = {i for s, e in tables.lines for i in range(s, e)}
        kept, made = [], []
        for ent in doc.ents:
            label = wanted.pop((ent.start, ent.end), None)
            if label is None:
                over_score = ent.start in on_lines and any(t.text[:1].isdigit() for t in ent)
                if not over_score and not any(i in taken for i in range(ent.start, ent.end)):
                    kept.append(ent)
            elif label == ent.label_:
                kept.append(ent)
            else:
                span = copy_span(ent, label=label)
                span.kb_id_, span.id_ = "", ""  # the place's curated id is not the team's, nor the person's
                span._.component = self.name
                # The classifier's mass moves to the shape's label; where it is less sure than the
                # shape (it reads a table as prose), the rule's documented score.
                moved = moved_probability(ent._.label_probs, ent.label_, label) if ent._.label_probs else None
                span._.label_probs = moved if moved and moved[label] >= self.table_confidence else self._rule_probs(label)
                made.append(span)
        for (start, end), label in wanted.items():  # no entity of that extent: the rule's own, at its documented score
            span = Span(doc, start, end, label=label)
            span._.component = self.name
            span._.label_probs = self._rule_probs(label)
            made.append(span)
        set_entities(doc, [*kept, *made])
        for span in made:
            for token in span:
                token.ent_id = 0
        keys = {name_key(doc[s:e].text) for s, e in tables.teams}
        keys.discard(())
        return keys

    def drop_scores(self, doc: Doc) -> None:
        """Entities after a result word or a result preposition (and ``the``) that end in a final
        score (the recogniser's ``Reggiana 4-0`` of *thrashed Reggiana 4-0*, ``Buffalo Bills 27-21``
        of *beat the Buffalo Bills 27-21*) end before it: a name holds no score."""
        spans, changed = [], False
        before_results = self.result_words | self.prose.result_words | self.prose.result_prepositions
        for ent in doc.ents:
            before = ent.start - 1
            if before > 0 and doc[before].lower_ in ARTICLES:
                before -= 1
            for length in (1, 3) if before >= 0 and doc[before].lower_ in before_results else ():  # ``4-0`` or ``4 - 0``
                start = ent.end - length
                one_token = SCORE_PAIR.match(doc[start].text) is not None if start > ent.start else False
                if start > ent.start and self._is_final_score(doc, start) and one_token == (length == 1):
                    ent, changed = copy_span(ent, end=start), True
                    break
            spans.append(ent)
        if changed:
            set_entities(doc, spans)

    def prose_teams(self, doc: Doc, sports_page: bool) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]], set[tuple[str, ...]]]:
        """Name keys of the teams of the results written in prose (:mod:`.sports_prose`: ``Aberdeen
        drew 1-1 with Hibernian``), of those the recogniser left out, which become ``team_label``
        entities, and of those it took for persons (every mention of them becomes a team)."""
        prose = self.prose.read(doc, sports_page=sports_page)
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        added = []
        for start, end in prose.unrecognised:
            if not taken.intersection(range(start, end)):
                added.append(self._team(doc, start, end))
                taken.update(range(start, end))
        if added:
            set_entities(doc, [*doc.ents, *added])
        keys = {name_key(doc[start:end].text) for start, end in prose.teams}
        keys.discard(())
        return keys, {name_key(span.text) for span in added}, {name_key(doc[start:end].text) for start, end in prose.persons}

    def _team(self, doc: Doc, start: int, end: int) -> Span:
        """A ``team_label`` mention the rules found where the recogniser found none."""
        span = Span(doc, start, end, label=self.team_label)
        span._.component = self.name
        return span

    def _rule_probs(self, label: str) -> dict[str, float]:
        """``Span._.label_probs`` of a mention the tables' shapes label: ``table_confidence``, the rest NONE."""
        return {label: self.table_confidence, NONE_LABEL: round(1.0 - self.table_confidence, 4)}

    def teams(self, doc: Doc, bare_scores: bool = True) -> set[tuple[str, ...]]:
        """Name keys of the entities in a result (``Australia 2 Japan 1``, ``Japan beat Syria 2-1``);
        a name, a score, a name, a score only with ``bare_scores`` (a page of a sport)."""
        ents = list(doc.ents)
        found: set[tuple[str, ...]] = set()
        for first, second in zip(ents, ents[1:]):
            between = doc[first.end : second.start]
            # A result has one or two words between its names (and the text of a longer gap is not built).
            if not 0 < len(between) <= 2 or second.end >= len(doc) or "\n" in between.text:
                continue
            if self.person_label in (first.label_, second.label_):
                continue  # a person's result (``Federer beat Nadal 6-4``) names no team
            after = doc[second.end]
            scores = bare_scores and len(between) == 1 and self._is_score(between[0]) and self._is_score(after)
            result = 0 < len(between) <= 2 and all(t.lower_ in self.result_words for t in between) and self._is_final_score(doc, second.end)
            if scores or result:
                found |= {name_key(first.text), name_key(second.text)}
        found.discard(())
        return found

    def scored(self, doc: Doc) -> set[tuple[str, ...]]:
        """Name keys of places right before a final score (``Evansville 91-73``), not after a place
        word (``in Evansville``) nor a person's result (``Federer beat Nadal 6-4``), or after a scored
        victory (``a 31-24 victory over Jacksonville``)."""
        found: set[tuple[str, ...]] = set()
        for ent in doc.ents:
            if ent.label_ not in self.place_labels:
                continue
            before = doc[ent.start - 1].lower_ if ent.start else ""
            start = ent.start - 1 if before == "the" else ent.start
            victory = start >= 2 and doc[start - 1].lower_ in VICTORY_PREPOSITIONS and doc[start - 2].lower_ in self.victory_words
            if victory and any(self._is_final_score(doc, i) for i in range(max(0, start - 2 - MAX_SCORE_GAP), start - 2)):
                found.add(name_key(ent.text))
            elif ent.end < len(doc) and before not in self.place_words and self._is_final_score(doc, ent.end) and "\n" not in ent.text:
                if before in self.result_words and ent.start >= 2 and doc[ent.start - 2].ent_type_ == self.person_label:
                    continue  # a person's result (``Federer beat Nadal 6-4``): the loser is a person too
                found.add(name_key(ent.text))
        found.discard(())
        return found

    def staffed(self, doc: Doc) -> set[tuple[str, ...]]:
        """Name keys of places right before a team role and a person (``Liverpool manager Jurgen
        Klopp``, ``England captain, Harry Kane``, ``Celtic's striker Henrik Larsson``: ``team_roles``):
        the place is the person's team."""
        if not self.team_roles:
            return set()
        found: set[tuple[str, ...]] = set()
        for ent in doc.ents:
            if ent.label_ not in self.place_labels:
                continue
            i = ent.end
            if i < len(doc) and doc[i].text in POSSESSIVES:
                i += 1
            if i >= len(doc) or doc[i].lower_ not in self.team_roles:
                continue
            i += 1
            if i < len(doc) and doc[i].text == ",":
                i += 1
            if i < len(doc) and doc[i].ent_type_ == self.person_label and doc[i].ent_iob_ == "B":
                found.add(name_key(ent.text))
        found.discard(())
        return found

    def unnamed(self, doc: Doc, bare_scores: bool = True, array: numpy.ndarray | None = None) -> list[Span]:
        """``team_label`` spans for the teams of a result the recogniser left out: ``Celtic`` in
        *Celtic beat Rangers 2-1*, *Celtic 2-1 Rangers*, *Celtic 2 Rangers 1*, where the other side is
        an entity that is no person (a team or a place: not *Federer beat Nadal 6-4*) and the left-out
        side is one to three capitalised words that are no stop words, on the result's line. Without
        ``bare_scores`` (a page of no sport) not *X 2 Y 1*: a company's figures have its shape."""
        if not doc.ents:
            return []
        if array is None:  # the candidates in the token array (LOWER, PREFIX), not a Token per word
            array = doc.to_array([LOWER, PREFIX])
        candidates = numpy.flatnonzero(numpy.isin(array[:, 0], self.result_ids) | numpy.isin(array[:, 1], self.digit_ids)).tolist()
        spans: list[Span] = []
        for i in candidates:
            token = doc[i]
            if token.lower_ in self.result_words:  # X beat Y 2-1: a final score after Y
                right_start, after = i + 1, "final score"
            elif self._is_final_score(doc, i):  # X 2-1 Y
                right_start, after = i + (1 if SCORE_PAIR.match(token.text) else 3), ""
            elif bare_scores and self._is_score(token):  # X 2 Y 1: a score after Y
                right_start, after = i + 1, "score"
            else:
                continue
            left = self._name_run(doc, i, -1)
            right = self._name_run(doc, right_start, 1)
            if left is None or right is None or "\n" in doc[left[0] : right[1]].text:
                continue
            if after and (right[1] >= len(doc) or not (self._is_final_score(doc, right[1]) if after == "final score" else self._is_score(doc[right[1]]))):
                continue
            sides = [doc[left[0]].ent_type_ or None, doc[right[0]].ent_type_ or None]  # an entity's label, or none
            if sides.count(None) != 1 or any(label not in (self.team_label, *self.place_labels) for label in sides if label):
                continue
            start, end = left if sides[0] is None else right
            spans.append(self._team(doc, start, end))
        return spans

    def _name_run(self, doc: Doc, edge: int, step: int) -> tuple[int, int] | None:
        """The tokens of an entity, or one to three capitalised words that are no stop words nor
        weekdays or months (``34 - 12 Sunday``), ending
        before ``edge`` (``step`` -1) or starting at it (``step`` 1); None if there are none."""
        i = edge - 1 if step < 0 else edge
        if not 0 <= i < len(doc):
            return None
        token = doc[i]
        if token.ent_iob_ in ("B", "I"):
            ent_start = i
            while ent_start > 0 and doc[ent_start].ent_iob_ == "I":
                ent_start -= 1
            ent_end = i + 1
            while ent_end < len(doc) and doc[ent_end].ent_iob_ == "I":
                ent_end += 1
            return ent_start, ent_end
        words: list[int] = []
        while (
            0 <= i < len(doc)
            and len(words) < 3
            and _capitalised(doc[i])
            and not doc[i].is_stop
            and doc[i].lower_ not in CALENDAR_WORDS
            and doc[i].ent_iob_ not in ("B", "I")
        ):
            words.append(i)
            i += step
        if not words:
            return None
        return min(words), max(words) + 1

    def nicknamed(self, doc: Doc) -> set[tuple[str, ...]]:
        """Extend every place followed by a capitalised plural into one team mention (``New Orleans
        Saints``), a place entity or a gazetteer match outside the entities (``places_key``);
        returns the name keys of the teams and of their plurals (``("saints",)``)."""
        found: set[tuple[str, ...]] = set()
        spans = []
        ents = list(doc.ents)
        starts = [ent.start for ent in ents]
        # The gazetteer's matches by start, read only where a place entity of two words or more may hold one.
        places = self._place_starts(doc) if any(len(e) > 1 and e.label_ in self.place_labels for e in ents) else {}
        for ent in sorted([*ents, *self._dropped_places(doc)], key=lambda span: span.start):
            is_ent = ent._.component != _DROPPED_PLACE
            if is_ent and self._is_place_and_plural(doc, ent, places):
                # The recogniser's (or the vote's) one place entity over the team's whole name.
                team = copy_span(ent, label=self.team_label)
                team._.component = ent._.component
                spans.append(team)
                found |= {name_key(team.text), name_key(ent[-1:].text)}
                continue
            after = bisect_left(starts, ent.end)  # the entity after it
            end = self._nickname_end(doc, ent, ents[after] if after < len(ents) else None)
            if end is None:
                if is_ent:
                    spans.append(ent)
                continue
            if spans and spans[-1].end > ent.start:
                continue  # a gazetteer match inside a team already found
            team = copy_span(ent, end=end, label=self.team_label)
            team._.component = self.name
            spans.append(team)
            found |= {name_key(team.text), name_key(doc[ent.end : end].text)}
        if found:
            set_entities(doc, spans)
            for ent in doc.ents:
                if ent._.component == self.name:
                    for token in ent:
                        token.ent_id = 0
        found.discard(())
        return found

    def _place_starts(self, doc: Doc) -> dict[int, set[int]]:
        """Start -> the ends of the gazetteer's place matches (``places_key``)."""
        starts: dict[int, set[int]] = {}
        if self.places_key and self.places_key in doc.spans:
            for span in doc.spans[self.places_key]:
                starts.setdefault(span.start, set()).add(span.end)
        return starts

    def _is_place_and_plural(self, doc: Doc, ent: Span, places: dict[int, set[int]]) -> bool:
        """Whether place entity ``ent`` is a known place and a capitalised plural (``San Antonio
        Spurs``, ``Chicago Bears`` as one place): the gazetteer's match ends one word before it does.
        Off a sports page the plural must be a word's (the vectors know its singular, *bear*):
        *Athens Acropolis* is no team."""
        if ent.label_ not in self.place_labels or len(ent) < 2 or ent.end - 1 not in places.get(ent.start, ()):
            return False
        last = ent[-1]
        plural = len(last.text) > 2 and last.lower_.endswith("s") and not last.lower_.endswith("ss") and last.lower_ not in self.place_plurals
        if not plural or not _capitalised(last) or _title_case_line(doc, ent.start):
            return False
        return doc._.sport is not None or doc.vocab.has_vector(last.lower_[:-1])

    def _dropped_places(self, doc: Doc) -> list[Span]:
        """The gazetteer's matches (``places_key``) that overlap no entity, as place spans."""
        if not self.places_key or self.places_key not in doc.spans or not len(doc.spans[self.places_key]):
            return []
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        label = min(self.place_labels)
        dropped = []
        for span in doc.spans[self.places_key]:
            # Only a match before a capitalised word may start a team (``_nickname_end``).
            if span.end < len(doc) and _capitalised(doc[span.end]) and not any(i in taken for i in range(span.start, span.end)):
                place = Span(doc, span.start, span.end, label=label)
                place._.component = _DROPPED_PLACE
                dropped.append(place)
        return dropped

    def _nickname_end(self, doc: Doc, ent: Span, following: Span | None) -> int | None:
        """The end of the capitalised plural after place ``ent`` (one or two words on its line and in
        its sentence, not function words, the last ending in ``s``, not followed by a capitalised
        word; a one-word entity of its own there counts), else None; never after a place word."""
        if ent.label_ not in self.place_labels or ent.end >= len(doc) or ent[-1].whitespace_ != " ":
            return None
        if ent.start and doc[ent.start - 1].lower_ in self.place_words:
            return None  # ``cut in Egypt Reports on Tuesday``: a place, then another sentence
        for length in (1, 2):
            words = doc[ent.end : ent.end + length]
            if len(words) < length or not all(_capitalised(t) and not t.is_stop and not t.is_sent_start for t in words):
                return None
            if any(t.whitespace_ not in (" ", "") for t in words[:-1]):
                return None
            last = words[-1]
            if following is not None and following.start < words.end:
                if not (following.start == ent.end and following.end == words.end and len(following) == 1):
                    return None
            after = doc[words.end] if words.end < len(doc) else None
            if after is not None and after.text[:1].isupper():
                return None  # a headline's next word (``Texas Lifer Escapes From``): the plural may be a verb
            if len(last.text) > 2 and last.lower_.endswith("s") and not last.lower_.endswith("ss") and last.lower_ not in self.place_plurals:
                # Last, because it reads the line's text (Doc.text joins every token each time).
                return None if _title_case_line(doc, ent.start) else words.end
        return None

    def _unrecognised(self, doc: Doc, nicknames: set[tuple[str, ...]]) -> list[Span]:
        """``team_label`` spans for the plurals of ``nicknames`` the recogniser left out (``the Saints``),
        not at a sentence start, where a capital says nothing (``Saints are revered``)."""
        plurals = {key for key in nicknames if len(key) == 1}
        if not plurals:
            return []
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        spans = []
        for token in doc:
            if token.i not in taken and _capitalised(token) and not token.is_sent_start and (token.lower_,) in plurals:
                span = Span(doc, token.i, token.i + 1, label=self.team_label)
                span._.component = self.name
                spans.append(span)
        return spans

    def unplaced(self, doc: Doc) -> set[tuple[str, ...]]:
        """Name keys of the places a sports page never writes as a place: no mention after a
        ``place_words`` word (``in Russia``, ``at the Oval``) nor in a dateline (a line with a date,
        ``LONDON 1996-08-30``, or opened by the place and a comma or bracket: ``LONDON (Reuters) -``)."""
        placed: set[tuple[str, ...]] = set()
        names: set[tuple[str, ...]] = set()
        text = doc.text  # Doc.text joins every token: built once, not once per entity
        for ent in doc.ents:
            if ent.label_ not in self.place_labels:
                continue
            key = name_key(ent.text)
            names.add(key)
            line_start = text.rfind("\n", 0, ent.start_char) + 1
            line_end = text.find("\n", ent.end_char)
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            before = doc[ent.start - 1].lower_ if ent.start else ""
            if before in ARTICLES and ent.start > 1:  # ``at the Oval``, ``in the Netherlands``
                before = doc[ent.start - 2].lower_
            after = doc[ent.end].text if ent.end < len(doc) else ""
            opens_dateline = not text[line_start : ent.start_char].strip() and after in DATELINE_OPENERS
            if before in self.place_words or DATELINE_DATE.search(line) or opens_dateline:
                placed.add(key)
        return names - placed - {()}

    def sport(self, doc: Doc, min_words: int | None = None) -> str | None:
        """The sport whose words the document uses most (at least ``min_words``, by default
        ``min_sport_words``), else None."""
        sport, uses = self._top_sport(doc)
        return sport if uses >= (self.min_sport_words if min_words is None else min_words) else None

    def _top_sport(self, doc: Doc, lower: numpy.ndarray | None = None) -> tuple[str | None, int]:
        """The sport whose words the document uses most and how often (None, 0 without any)."""
        if lower is None:  # the sport words in the Doc's token array (LOWER), not a Token per word
            lower = doc.to_array(LOWER)
        found = lower[numpy.isin(lower, self.sport_ids)].tolist()
        ranked = Counter(self.sport_by_id[word] for word in found).most_common(1)
        return (ranked[0][0], ranked[0][1]) if ranked else (None, 0)

    def _is_score(self, token: Token) -> bool:
        return token.text.isdigit() and len(token.text) <= self.max_score_digits

    def _is_final_score(self, doc: Doc, start: int) -> bool:
        """``2-1`` from token ``start``: one token, or ``2`` ``-`` ``1``."""
        if SCORE_PAIR.match(doc[start].text):
            return True
        parts = doc[start : start + 3]
        return len(parts) == 3 and self._is_score(parts[0]) and parts[1].text in SCORE_DASHES and self._is_score(parts[2])


#: ``news_sports_teams``' defaults (a module constant: the factory stays within the function-length limit).
DEFAULT_CONFIG = {
    "team_label": "ORG",
    "place_labels": ["LOC"],
    "result_words": ["beat", "beats", "v", "vs", "vs.", "drew", "defeated"],
    "place_words": ["in", "at", "near", "from", "outside", "across"],
    "max_score_digits": 3,
    "sports": {},
    "min_sport_words": 3,
    "victory_words": ["victory", "win", "triumph", "rout"],
    "place_plurals": list(PLACE_PLURALS),
    "unknown_sport": "unknown",
    "places_key": None,
    "person_label": "PERSON",
    "name_connectors": ["of", "the", "de", "del", "&", "and"],
    "standings_words": ["standings", "table", "tabulate"],
    "min_standings_numbers": 4,
    "max_name_words": 4,
    "table_confidence": 0.9,
    "dismissal_words": ["c", "b", "lbw", "st", "run", "out", "not", "retired", "hurt"],
    "scorecard_sport": "cricket",
    "prose_result_words": [],
    "result_prepositions": [],
    "pair_prepositions": [],
    "pair_joiners": [],
    "individual_sports": [],
    "team_roles": [],
}


@Language.factory("news_sports_teams", default_config=DEFAULT_CONFIG)
def make_sports_teams(
    nlp: Language,
    name: str,
    team_label: str,
    place_labels: list[str],
    result_words: list[str],
    place_words: list[str],
    max_score_digits: int,
    sports: dict[str, list[str]],
    min_sport_words: int,
    victory_words: list[str],
    place_plurals: list[str],
    unknown_sport: str,
    places_key: str | None,
    person_label: str,
    name_connectors: list[str],
    standings_words: list[str],
    min_standings_numbers: int,
    max_name_words: int,
    table_confidence: float,
    dismissal_words: list[str],
    scorecard_sport: str | None,
    prose_result_words: list[str],
    result_prepositions: list[str],
    pair_prepositions: list[str],
    pair_joiners: list[str],
    individual_sports: list[str],
    team_roles: list[str] | None = None,
) -> SportsTeams:
    return SportsTeams(
        name,
        team_label=team_label,
        place_labels=place_labels,
        result_words=result_words,
        place_words=place_words,
        max_score_digits=max_score_digits,
        sports=sports,
        min_sport_words=min_sport_words,
        victory_words=victory_words,
        place_plurals=place_plurals,
        unknown_sport=unknown_sport,
        places_key=places_key,
        person_label=person_label,
        name_connectors=name_connectors,
        standings_words=standings_words,
        min_standings_numbers=min_standings_numbers,
        max_name_words=max_name_words,
        table_confidence=table_confidence,
        dismissal_words=dismissal_words,
        scorecard_sport=scorecard_sport,
        prose_result_words=prose_result_words,
        result_prepositions=result_prepositions,
        pair_prepositions=pair_prepositions,
        pair_joiners=pair_joiners,
        individual_sports=individual_sports,
        team_roles=team_roles or (),
    )
