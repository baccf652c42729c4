"""``news_label_vote``: one label for one name within a document, weighed on evidence.

The successor of ``news_label_consistency`` (which counts labels; measured, a count changes
little because the recogniser is wrong the same way in every mention). Mentions with the same
name (:func:`pipeline.knowledge.names.name_key`) take the label with the highest score: the sum
of the mentions' log-probabilities (the span classifier's ``Span._.label_probs`` where it ran;
else ``Span._.score``, else ``default_confidence``, for the mention's own label) times
``probability_weight``, each
mention's context evidence (a title before it) and, once, the name's evidence
(``Span._.name_evidence``; both from ``news_name_evidence``, when it runs before this stage).
The arithmetic is :mod:`pipeline.corpus.vote`'s, which makes the same decision across the corpus.
A tie changes nothing. Curated matches (``kb_id``) are never relabelled and add
``curated_weight`` (log-odds) to their label. With ``surnames``, a one-word mention that is the
last word of exactly one person's full name in the document becomes a PERSON (``Valeska Paris``
... ``Paris`` said). ``model_label`` stays what the recogniser said.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..corpus.vote import DEFAULT_CONFIDENCE, VOTE_LABELS, add_scores, best_label, mention_log_probs
from ..knowledge.names import name_key
from .consistency import surname_owners
from .spans import copy_span, set_entities


class LabelVote:
    def __init__(
        self,
        name: str,
        *,
        default_confidence: float,
        probability_weight: float = 1.0,
        curated_weight: float,
        surnames: bool,
        person_label: str,
        labels: list[str],
    ) -> None:
        if not 0.0 < default_confidence < 1.0:
            raise ValueError(f"[components.{name}] default_confidence must be between 0 and 1 (exclusive), not {default_confidence}.")
        self.name = name
        self.default_confidence = default_confidence
        self.probability_weight = probability_weight
        self.curated_weight = curated_weight
        self.surnames = surnames
        self.person_label = person_label
        self.labels = tuple(labels)

    def scores(self, ents: list[Span], keys: list[tuple[str, ...]] | None = None) -> dict[tuple[str, ...], dict[str, float]]:
        """Name key -> label -> score, over ``ents`` (see the module docstring); ``keys``: their name keys, if known."""
        totals: dict[tuple[str, ...], dict[str, float]] = {}
        for ent, key in zip(ents, keys if keys is not None else (name_key(ent.text) for ent in ents)):
            if ent.label_ not in self.labels:
                continue
            values = ent._  # each read of ``Span._`` makes an object: one per mention
            if key not in totals:
                totals[key] = dict.fromkeys(self.labels, 0.0)
                add_scores(totals[key], values.name_evidence)  # once per name
            total = totals[key]
            log_probs = mention_log_probs(ent.label_, values.label_probs, values.score, self.default_confidence, self.labels)
            add_scores(total, {label: self.probability_weight * log_p for label, log_p in log_probs.items()})
            add_scores(total, values.context_evidence)
            if ent.id_:
                total[ent.label_] += self.curated_weight
        return totals

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        keys = [name_key(ent.text) for ent in ents]
        decided = {key: best_label(scores) for key, scores in self.scores(ents, keys).items()}
        surnames = surname_owners(((key, decided.get(key) or ent.label_) for key, ent in zip(keys, ents)), self.person_label) if self.surnames else {}
        changed = False
        spans = []
        for key, ent in zip(keys, ents):
            best = decided.get(key)
            if len(key) == 1 and len(surnames.get(key[0], ())) == 1 and ent.label_ in self.labels:
                best = self.person_label
            if best is not None and best != ent.label_ and not ent.id_:
                probs = ent._.label_probs
                ent = copy_span(ent, label=best)
                ent._.component = ent._.component or self.name
                if probs:  # the score is the probability of the final label
                    ent._.score = probs.get(best)
                changed = True
            spans.append(ent)
        if changed:
            set_entities(doc, spans)
        return doc


@Language.factory(
    "news_label_vote",
    default_config={
        "default_confidence": DEFAULT_CONFIDENCE,
        "probability_weight": 1.0,
        "curated_weight": 5.0,
        "surnames": True,
        "person_label": "PERSON",
        "labels": list(VOTE_LABELS),
    },
)
def make_label_vote(
    nlp: Language,
    name: str,
    default_confidence: float,
    probability_weight: float,
    curated_weight: float,
    surnames: bool,
    person_label: str,
    labels: list[str],
) -> LabelVote:
    return LabelVote(
        name,
        default_confidence=default_confidence,
        probability_weight=probability_weight,
        curated_weight=curated_weight,
        surnames=surnames,
        person_label=person_label,
        labels=labels,
    )
