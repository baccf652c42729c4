"""The figures a report draws, computed from a run's tables with pandas.

Each function takes DataFrames as :func:`pipeline.load` returns them (or as ``pd.read_parquet``
does) and returns a small DataFrame; a notebook can call them too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import pandas as pd

Unit = Literal["sentence", "document"]
UNIT_COLUMNS: dict[str, list[str]] = {"sentence": ["doc_id", "sentence_id"], "document": ["doc_id"]}
COORDINATES = ("latitude", "longitude")


def entity_keys(frame: pd.DataFrame) -> pd.Series:
    """The key of each row's entity across the corpus: ``canonical_id``, else ``entity_id``."""
    if "canonical_id" not in frame:
        return frame["entity_id"].astype("string")
    return frame["canonical_id"].astype("string").fillna(frame["entity_id"].astype("string"))


def top_entities(corpus: pd.DataFrame, n: int, *, by: str = "mention_count", label: str | None = None) -> pd.DataFrame:
    """The ``n`` corpus entities with most ``by`` (ties by name), of ``label`` when given."""
    rows = corpus if label is None else corpus[corpus["label"] == label]
    other = "doc_count" if by == "mention_count" else "mention_count"
    order = rows.sort_values([by, other, "name"], ascending=[False, False, True], kind="stable")
    return order.head(n)


def cooccurrence(mentions: pd.DataFrame, unit: Unit = "sentence", keys: Iterable[str] | None = None) -> pd.DataFrame:
    """Pairs of entities mentioned in the same sentence (or document), with how many they share.

    Returns columns ``a``, ``b`` (entity keys, ``a < b``) and ``count``, most shared first.
    ``keys`` limits the pairs to those entities (do that on a large run: pairs grow as squares).
    """
    columns = UNIT_COLUMNS[unit]
    frame = mentions[columns].copy()
    frame["key"] = entity_keys(mentions)
    if keys is not None:
        frame = frame[frame["key"].isin(list(keys))]
    if unit == "sentence":
        frame = frame.dropna(subset=["sentence_id"])
    frame = frame.drop_duplicates()
    pairs = frame.merge(frame, on=columns, suffixes=("_a", "_b"))
    pairs = pairs[pairs["key_a"] < pairs["key_b"]]
    counts = pairs.groupby(["key_a", "key_b"], sort=False).size().reset_index(name="count")
    counts = counts.rename(columns={"key_a": "a", "key_b": "b"})
    return counts.sort_values(["count", "a", "b"], ascending=[False, True, True], kind="stable").reset_index(drop=True)


def places(corpus: pd.DataFrame) -> pd.DataFrame:
    """Corpus entities with coordinates (``latitude``, ``longitude``); empty when the run has none."""
    if not all(column in corpus for column in COORDINATES):
        return corpus.iloc[0:0]
    located = corpus.dropna(subset=list(COORDINATES))
    located = located[located["latitude"].between(-90, 90) & located["longitude"].between(-180, 180)]
    return located


def has_coordinates(corpus: pd.DataFrame) -> bool:
    return all(column in corpus for column in COORDINATES)
