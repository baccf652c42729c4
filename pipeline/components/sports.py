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
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Token

from ..knowledge.names import name_key
from .spans import copy_span, set_entities

#: A final score written as one token: ``2-1``, ``3–0``.
SCORE_PAIR = re.compile(r"^\d{1,3}[-–:]\d{1,3}$")
SCORE_DASHES = frozenset({"-", "–", ":"})
#: A dateline's date (``LONDON 1996-08-30``, ``AL-AIN , United Arab Emirates 1996-12-06``).
DATELINE_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
#: What follows the place that opens a dateline (``LONDON (Reuters) -``, ``WASHINGTON, Jan 5``).
DATELINE_OPENERS = frozenset({",", "("})


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
    ) -> None:
        self.name = name
        self.team_label = team_label
        self.place_labels = frozenset(place_labels)
        self.result_words = frozenset(w.lower() for w in result_words)
        self.place_words = frozenset(w.lower() for w in place_words)
        self.max_score_digits = max_score_digits
        self.sport_words = {word.lower(): sport for sport, words in sports.items() for word in words}
        self.min_sport_words = min_sport_words

    def __call__(self, doc: Doc) -> Doc:
        doc._.sport = self.sport(doc)
        teams = self.teams(doc) | (self.unplaced(doc) if doc._.sport else set())
        if not teams:
            return doc
        spans, relabelled = [], []
        for ent in doc.ents:
            if ent.label_ in self.place_labels and name_key(ent.text) in teams:
                place_label = ent.label_
                ent = copy_span(ent, label=self.team_label)  # every mention: one label for one name
                ent._.component = self.name
                if ent._.label_probs:  # the classifier's place is the rule's team: its mass moves over
                    probs = dict(ent._.label_probs)
                    probs[self.team_label] = round(probs.get(self.team_label, 0.0) + probs.pop(place_label, 0.0), 4)
                    ent._.label_probs = {**probs, place_label: 0.0}
                relabelled.append(ent)
            spans.append(ent)
        set_entities(doc, spans)
        for ent in relabelled:  # the country's curated id is not the team's (set_ents keeps token ids)
            for token in ent:
                token.ent_id = 0
        return doc

    def teams(self, doc: Doc) -> set[tuple[str, ...]]:
        """Name keys of the entities in a result (``Australia 2 Japan 1``, ``Japan beat Syria 2-1``)."""
        ents = list(doc.ents)
        found: set[tuple[str, ...]] = set()
        for first, second in zip(ents, ents[1:]):
            between = doc[first.end : second.start]
            after = doc[second.end] if second.end < len(doc) else None
            if after is None or "\n" in between.text:
                continue
            scores = len(between) == 1 and self._is_score(between[0]) and self._is_score(after)
            result = 0 < len(between) <= 2 and all(t.lower_ in self.result_words for t in between) and self._is_final_score(doc, second.end)
            if scores or result:
                found |= {name_key(first.text), name_key(second.text)}
        found.discard(())
        return found

    def unplaced(self, doc: Doc) -> set[tuple[str, ...]]:
        """Name keys of the places a sports page never writes as a place: no mention after a
        ``place_words`` word (``in Russia``) nor in a dateline (a line with a date,
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
            after = doc[ent.end].text if ent.end < len(doc) else ""
            opens_dateline = not text[line_start : ent.start_char].strip() and after in DATELINE_OPENERS
            if before in self.place_words or DATELINE_DATE.search(line) or opens_dateline:
                placed.add(key)
        return names - placed - {()}

    def sport(self, doc: Doc) -> str | None:
        """The sport whose words the document uses most (at least ``min_sport_words``), else None."""
        counts = Counter(self.sport_words[t.lower_] for t in doc if t.lower_ in self.sport_words)
        ranked = counts.most_common(1)
        return ranked[0][0] if ranked and ranked[0][1] >= self.min_sport_words else None

    def _is_score(self, token: Token) -> bool:
        return token.text.isdigit() and len(token.text) <= self.max_score_digits

    def _is_final_score(self, doc: Doc, start: int) -> bool:
        """``2-1`` from token ``start``: one token, or ``2`` ``-`` ``1``."""
        if SCORE_PAIR.match(doc[start].text):
            return True
        parts = doc[start : start + 3]
        return len(parts) == 3 and self._is_score(parts[0]) and parts[1].text in SCORE_DASHES and self._is_score(parts[2])


@Language.factory(
    "news_sports_teams",
    default_config={
        "team_label": "ORG",
        "place_labels": ["LOC"],
        "result_words": ["beat", "beats", "v", "vs", "vs.", "drew", "defeated"],
        "place_words": ["in", "at", "near", "from", "outside", "across"],
        "max_score_digits": 3,
        "sports": {},
        "min_sport_words": 3,
    },
)
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
    )
