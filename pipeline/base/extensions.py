"""The custom attributes the pipeline's stages write on Docs and Spans.

Registered once, at import, so every process (spaCy workers, Dask workers) has them.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

#: Span attributes: set on every entity in ``doc.ents`` by the pipeline's stages.
SPAN_EXTENSIONS: dict[str, object] = {
    "model_label": None,  # the label the recogniser (or rule) gave before normalisation
    # The stage that produced the span, by its name in [nlp] pipeline: the one that added it or put
    # a span of its own in its place (new boundaries, or a label a rule of its own decides); a stage
    # that only weighs labels (span classifier, label mapper, votes) keeps it. README, "mentions".
    "component": None,
    "entity_id": None,  # document-level entity (alias_linker)
    "canonical_id": None,  # corpus-level entity (resolve, after all documents)
    # The probability of the mention's final label, in [0, 1] (news_mention_scores; curated matches
    # get their entry's measured score, configs/scores/curated.jsonl).
    "score": None,
    # The probability of the label before the score model (configs/scores/model.json): the span
    # classifier's, a curated entry's measured score or ``unscored_score``; what the corpus vote weighs.
    "label_prob": None,
    # {label: probability} from the span classifier (news_span_classifier), one entry per label
    # it knows plus "NONE" (not an entity); the values sum to 1. Set on every entity the
    # classifier saw; mentions added after it (alias linker) take their entity's mean.
    "label_probs": None,
    "name_evidence": None,  # {label: log-odds} of what the name says (news_name_evidence)
    "context_evidence": None,  # {label: log-odds} of what the words before the mention say (a title)
}
#: Doc attributes.
DOC_EXTENSIONS: dict[str, object] = {
    "doc_id": None,
    "acronyms": None,  # {acronym: long form} defined in the text, e.g. {"IS": "Islamic State"}
    "sport": None,  # the sport a sports page reports (news_sports_teams), else None
}


def register_extensions() -> None:
    """Register the pipeline's ``Doc._`` and ``Span._`` attributes (idempotent)."""
    for name, default in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
