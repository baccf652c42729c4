"""``news_label_consistency``: one label for one name within a document.

The model may call ``Shaibani`` a PERSON in one sentence and an ORG in the next. Mentions
with the same name (``names.name_key``: case, articles and possessives aside) take the label
most of them have; a tie keeps the labels as they are (measured: taking the first mention's
label in a tie lost 0.01 F1 on GUM news). Curated matches (with a ``kb_id``)
are never relabelled, and they count as ``curated_weight`` votes. With ``surnames``, a
one-word mention that is the last word of exactly one person's full name in the document
becomes a PERSON (``Valeska Paris`` ... ``Paris`` said).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from ..knowledge.names import name_key
from .spans import copy_span, set_entities


def surname_owners(names: Iterable[tuple[tuple[str, ...], str]], person_label: str) -> dict[str, set[tuple[str, ...]]]:
    """Surname -> the full names (keys of two words or more) labelled ``person_label`` that end in it."""
    owners: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for key, label in names:
        if label == person_label and len(key) > 1:
            owners[key[-1]].add(key)
    return owners


class LabelConsistency:
    def __init__(self, name: str, *, curated_weight: int, surnames: bool, person_label: str) -> None:
        self.name = name
        self.curated_weight = curated_weight
        self.surnames = surnames
        self.person_label = person_label

    def __call__(self, doc: Doc) -> Doc:
        votes: dict[tuple[str, ...], Counter] = defaultdict(Counter)
        for ent in doc.ents:
            votes[name_key(ent.text)][ent.label_] += self.curated_weight if ent.id_ else 1
        surnames = surname_owners(((name_key(ent.text), ent.label_) for ent in doc.ents), self.person_label) if self.surnames else {}
        changed = False
        spans = []
        for ent in doc.ents:
            key = name_key(ent.text)
            ranked = votes[key].most_common(2)
            best = ranked[0][0]
            tie = len(ranked) > 1 and ranked[0][1] == ranked[1][1]
            if len(key) == 1 and len(surnames.get(key[0], ())) == 1:
                best, tie = self.person_label, False
            if best != ent.label_ and not tie and not ent.id_:
                ent = copy_span(ent, label=best)
                ent._.component = ent._.component or self.name
                changed = True
            spans.append(ent)
        if changed:
            set_entities(doc, spans)
        return doc


@Language.factory("news_label_consistency", default_config={"curated_weight": 3, "surnames": True, "person_label": "PERSON"})
def make_label_consistency(nlp: Language, name: str, curated_weight: int, surnames: bool, person_label: str) -> LabelConsistency:
    return LabelConsistency(name, curated_weight=curated_weight, surnames=surnames, person_label=person_label)
