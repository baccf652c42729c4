"""``news_mention_scores``: every mention's ``score``, and the ``min_score`` cut.

The last stage, after everything that relabels or adds mentions. A mention's score is the
probability of its final label:

* ``Span._.label_probs[label]`` where the span classifier scored it (``news_span_classifier``);
* a mention added after the classifier (the alias linker's acronyms and recurring names) takes
  the mean ``label_probs`` of the scored mentions of its entity (``Span._.entity_id``);
* curated matches (a ``kb_id`` from the alias table) get ``rule_score``;
* mentions nothing scored (no classifier in the pipeline, as with ``configs/fast.cfg``) get
  ``unscored_score``.

The classifier's probabilities are calibrated over all its candidates; the mentions kept come
from sources it cannot tell apart, which are right more or less often than it says: a place
the gazetteer found (``doc.spans[places_key]``) more often, a mention that inherits its entity's
mean less often. Their scores are shifted by ``place_log_odds`` and ``inherited_log_odds``
(added to the log-odds of the probability). These, ``rule_score`` and ``unscored_score`` are
measured on dev data by ``benchmarks/calibration.py`` (``--fit``; benchmarks/quality.md).

Mentions scoring below ``min_score`` are dropped (``run --min-score``; 0 keeps all).
"""

from __future__ import annotations

import math
from collections import defaultdict

from spacy.language import Language
from spacy.tokens import Doc, Span

from .spans import set_entities

#: The score of a curated match.
DEFAULT_RULE_SCORE = 0.95
#: The recogniser's confidence in its own label (``corpus_vote.default_confidence``).
DEFAULT_UNSCORED_SCORE = 0.82
#: Probabilities are clipped to [MIN_PROB, 1 - MIN_PROB] before a log-odds shift.
MIN_PROB = 1e-4


class MentionScores:
    """Sets ``Span._.score`` on every entity and drops those below ``min_score``."""

    def __init__(
        self,
        name: str,
        *,
        rule_score: float,
        unscored_score: float,
        min_score: float,
        places_key: str | None = None,
        place_log_odds: float = 0.0,
        inherited_log_odds: float = 0.0,
    ) -> None:
        for setting, value in (("rule_score", rule_score), ("unscored_score", unscored_score), ("min_score", min_score)):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name}: {setting} must be between 0 and 1, not {value!r} ([components.{name}] {setting}).")
        self.name = name
        self.rule_score = rule_score
        self.unscored_score = unscored_score
        self.min_score = min_score
        self.places_key = places_key
        self.place_log_odds = place_log_odds
        self.inherited_log_odds = inherited_log_odds

    def __call__(self, doc: Doc) -> Doc:
        by_entity: dict[str, list[dict[str, float]]] = defaultdict(list)
        for ent in doc.ents:
            if ent._.label_probs is not None and ent._.entity_id is not None:
                by_entity[ent._.entity_id].append(ent._.label_probs)
        places = {(span.start, span.end) for span in doc.spans.get(self.places_key, [])} if self.places_key else set()
        kept: list[Span] = []
        for ent in doc.ents:
            shift = self.place_log_odds if (ent.start, ent.end) in places else 0.0
            if ent._.label_probs is None and by_entity.get(ent._.entity_id):
                ent._.label_probs = mean_probs(by_entity[ent._.entity_id])
                shift = self.inherited_log_odds
            ent._.score = self.score(ent, shift)
            if ent._.score >= self.min_score:
                kept.append(ent)
        if len(kept) < len(doc.ents):
            set_entities(doc, kept)
        return doc

    def score(self, span: Span, log_odds: float = 0.0) -> float:
        """The probability of ``span``'s label, its log-odds shifted by ``log_odds``; ``rule_score``
        if curated, ``unscored_score`` if nothing scored it."""
        probs = span._.label_probs
        if span.id_:
            return self.rule_score
        if probs is None or span.label_ not in probs:
            return self.unscored_score
        p = min(1.0, max(0.0, float(probs[span.label_])))
        return shifted(p, log_odds) if log_odds else p


def shifted(p: float, log_odds: float) -> float:
    """``p`` with ``log_odds`` added to its log-odds (rounded to 4 places, as ``label_probs`` are)."""
    p = min(1 - MIN_PROB, max(MIN_PROB, p))
    return round(1.0 / (1.0 + math.exp(-(math.log(p / (1 - p)) + log_odds))), 4)


def mean_probs(rows: list[dict[str, float]]) -> dict[str, float]:
    """The label-wise mean of ``label_probs`` dicts (labels missing from a row count as 0)."""
    labels = sorted({label for row in rows for label in row})
    return {label: round(sum(row.get(label, 0.0) for row in rows) / len(rows), 4) for label in labels}


@Language.factory(
    "news_mention_scores",
    assigns=["span._.score", "span._.label_probs"],
    default_config={
        "rule_score": DEFAULT_RULE_SCORE,
        "unscored_score": DEFAULT_UNSCORED_SCORE,
        "min_score": 0.0,
        "places_key": None,
        "place_log_odds": 0.0,
        "inherited_log_odds": 0.0,
    },
)
def make_mention_scores(
    nlp: Language,
    name: str,
    rule_score: float,
    unscored_score: float,
    min_score: float,
    places_key: str | None,
    place_log_odds: float,
    inherited_log_odds: float,
) -> MentionScores:
    return MentionScores(
        name,
        rule_score=rule_score,
        unscored_score=unscored_score,
        min_score=min_score,
        places_key=places_key,
        place_log_odds=place_log_odds,
        inherited_log_odds=inherited_log_odds,
    )
