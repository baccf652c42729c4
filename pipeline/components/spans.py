"""Helpers for rewriting ``doc.ents`` without losing the pipeline's span attributes.

spaCy keys ``Span._`` values by offsets *and* label, so a span re-made with another label or
other boundaries starts empty: these helpers carry the values over.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..base.extensions import SPAN_EXTENSIONS


def copy_span(span: Span, start: int | None = None, end: int | None = None, label: str | None = None) -> Span:
    """A new span over ``span.doc[start:end]`` with ``label``, keeping ``span``'s ``_`` values."""
    new = Span(
        span.doc,
        span.start if start is None else start,
        span.end if end is None else end,
        label=span.label_ if label is None else label,
        kb_id=span.kb_id_,
        span_id=span.id_,
    )
    values, new_values = span._, new._  # each ``Span._`` read makes an object: one of each
    for name in SPAN_EXTENSIONS:
        value = values.get(name)
        if value is not None:
            new_values.set(name, value)
    return new


def set_entities(doc: Doc, spans: Iterable[Span]) -> None:
    """Set ``doc.ents`` to ``spans``, resolving overlaps in favour of the longest span."""
    doc.set_ents(filter_spans(spans), default="outside")


def moved_probability(probs: Mapping[str, float], old: str, new: str) -> dict[str, float]:
    """``probs`` (``Span._.label_probs``) with ``old``'s probability added to ``new``'s and ``old``
    at 0: a rule that relabels a scored span (a place that is a team, a name written with an age)
    moves the classifier's mass with it, so that the mention's score and the votes follow the rule."""
    moved = dict(probs)
    moved[new] = round(moved.get(new, 0.0) + moved.get(old, 0.0), 4)
    moved[old] = 0.0
    return moved
