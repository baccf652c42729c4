"""``news_label_mapper``: map the recogniser's labels to the output labels.

By default PERSON, ORG and LOC (GPE, LOC and FAC become LOC); any label without a mapping is
dropped from ``doc.ents``. The label before mapping stays in ``Span._.model_label``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .spans import copy_span, set_entities

DEFAULT_MAPPING = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
}


class LabelMapper:
    """Rename entity labels by a mapping; drop (or keep) the labels it does not name."""

    def __init__(self, name: str, *, mapping: dict[str, str], keep_unmapped: bool) -> None:
        self.name = name
        self.mapping = dict(mapping)
        self.keep_unmapped = keep_unmapped

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.mapping.values())))

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for ent in doc.ents:
            if ent._.model_label is None:
                ent._.model_label = ent.label_
            target = self.mapping.get(ent.label_)
            if target is None:
                if self.keep_unmapped:
                    spans.append(ent)
                continue
            spans.append(ent if target == ent.label_ else copy_span(ent, label=target))
        set_entities(doc, spans)
        return doc


@Language.factory(
    "news_label_mapper",
    # The default mapping is applied in code: a config's mapping replaces it whole
    # (a dict default would be merged key by key into the user's mapping).
    default_config={"mapping": None, "keep_unmapped": False},
)
def make_label_mapper(nlp: Language, name: str, mapping: dict[str, str] | None, keep_unmapped: bool) -> LabelMapper:
    return LabelMapper(name, mapping=DEFAULT_MAPPING if mapping is None else mapping, keep_unmapped=keep_unmapped)
