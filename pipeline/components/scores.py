"""``news_mention_scores``: every mention's ``score``, and the ``min_score`` cut.

The last stage, after everything that relabels or adds mentions. A mention's score is the
probability of its final label:

* ``Span._.label_probs[label]`` where the span classifier scored it (``news_span_classifier``);
* a mention added after the classifier (the alias linker's acronyms and recurring names) takes
  the mean ``label_probs`` of the scored mentions of its entity (``Span._.entity_id``);
* curated matches (a ``kb_id`` from the alias table) get ``rule_score``: the share of them that
  are right on dev and training data (``benchmarks/calibration.py --fit``);
* mentions nothing scored (no classifier in the pipeline, as with ``configs/fast.cfg``) get
  ``unscored_score``: the recogniser's measured confidence in its own label (the votes'
  ``default_confidence``, so that the corpus vote weighs them as it would unscored ones).

Mentions scoring below ``min_score`` are dropped (``run --min-score``; 0 keeps all).
"""

from __future__ import annotations

from collections import defaultdict

from spacy.language import Language
from spacy.tokens import Doc, Span

from .spans import set_entities

#: The score of a curated match (``configs/default.cfg`` sets the measured share right).
DEFAULT_RULE_SCORE = 0.95
#: The recogniser's confidence in its own label (``corpus_vote.default_confidence``).
DEFAULT_UNSCORED_SCORE = 0.82


class MentionScores:
    """Sets ``Span._.score`` on every entity and drops those below ``min_score``."""

    def __init__(self, name: str, *, rule_score: float, unscored_score: float, min_score: float) -> None:
        for setting, value in (("rule_score", rule_score), ("unscored_score", unscored_score), ("min_score", min_score)):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name}: {setting} must be between 0 and 1, not {value!r} ([components.{name}] {setting}).")
        self.name = name
        self.rule_score = rule_score
        self.unscored_score = unscored_score
        self.min_score = min_score

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)  # doc.ents makes every Span anew each time it is read
        by_entity: dict[str, list[dict[str, float]]] = defaultdict(list)
        for ent in ents:
            values = ent._
            if values.label_probs is not None and values.entity_id is not None:
                by_entity[values.entity_id].append(values.label_probs)
        kept: list[Span] = []
        for ent in ents:
            values = ent._
            if values.label_probs is None and by_entity.get(values.entity_id):
                values.label_probs = mean_probs(by_entity[values.entity_id])
            values.score = score = self.score(ent)
            if score >= self.min_score:
                kept.append(ent)
        if len(kept) < len(ents):
            set_entities(doc, kept)
        return doc

    def score(self, span: Span) -> float:
        """The probability of ``span``'s label; ``rule_score`` if curated, ``unscored_score`` if nothing scored it."""
        probs = span._.label_probs
        if span.id_:
            return self.rule_score
        if probs is None or span.label_ not in probs:
            return self.unscored_score
        return min(1.0, max(0.0, float(probs[span.label_])))


def mean_probs(rows: list[dict[str, float]]) -> dict[str, float]:
    """The label-wise mean of ``label_probs`` dicts (labels missing from a row count as 0)."""
    labels = sorted({label for row in rows for label in row})
    return {label: round(sum(row.get(label, 0.0) for row in rows) / len(rows), 4) for label in labels}


@Language.factory(
    "news_mention_scores",
    assigns=["span._.score", "span._.label_probs"],
    default_config={"rule_score": DEFAULT_RULE_SCORE, "unscored_score": DEFAULT_UNSCORED_SCORE, "min_score": 0.0},
)
def make_mention_scores(nlp: Language, name: str, rule_score: float, unscored_score: float, min_score: float) -> MentionScores:
    return MentionScores(name, rule_score=rule_score, unscored_score=unscored_score, min_score=min_score)
