"""Salience: how much a document is about each of its entities, in [0, 1].

A weighted sum of three signals, each in [0, 1], so a notebook can rank what an article is
about (``entities.sort_values("salience")``):

* mentions: the entity's mentions over those of the document's most mentioned entity;
* position: how early the first mention comes (1 at the start, 0 at the end);
* headline: whether the entity is mentioned in the first line (a saved article's headline).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

MENTION_WEIGHT = 0.5
POSITION_WEIGHT = 0.3
HEADLINE_WEIGHT = 0.2
#: A first line longer than this is body text, not a headline.
MAX_HEADLINE_CHARS = 300


def headline_end(text: str) -> int:
    """End offset of the headline: the first line, when there are several and it is short; else 0."""
    end = text.find("\n")
    return end if 0 < end <= MAX_HEADLINE_CHARS else 0


class Mention(Protocol):
    """A mention's character offsets (a ``Span``, or the rows' record of one)."""

    @property
    def start_char(self) -> int: ...

    @property
    def end_char(self) -> int: ...


def salience(spans: Sequence[Mention], max_mentions: int, text_length: int, headline: int) -> float:
    """Salience of an entity with mentions ``spans`` (see the module docstring)."""
    mentions = len(spans) / max_mentions if max_mentions else 0.0
    first = min(s.start_char for s in spans)
    position = 1.0 - first / text_length if text_length else 0.0
    in_headline = 1.0 if any(s.end_char <= headline for s in spans) else 0.0
    return round(MENTION_WEIGHT * mentions + POSITION_WEIGHT * position + HEADLINE_WEIGHT * in_headline, 4)
