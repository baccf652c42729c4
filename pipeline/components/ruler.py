"""``news_span_ruler``: spaCy's ``span_ruler`` that says which entities it produced.

The rule stages (``entity_rules``: curated patterns and aliases; ``places``: the place gazetteer;
``companies``: listed companies) are spaCy ``SpanRuler`` s. Each puts its matches in ``doc.ents``
through its ``ents_filter`` (``news.prefer_rules_filter.v1``, ``news.fill_gaps_filter.v1``): a
match the filter takes (an added name, or one that takes a model entity's place, as a country's
name does a model ORG's) is this stage's mention, and gets ``Span._.component`` = the stage's
name in the config; an entity the filter keeps stays the recogniser's, also where a match has
its offsets (the model's *Deutsche Bank*, which ``companies`` matches too). Without this, spaCy's
ruler leaves ``component`` unset and ``news_span_cleanup`` credits every unmarked entity to the
recogniser. ``doc.spans[spans_key]`` (every match, taken or not) is unchanged.

The filter alone knows which spans it took (the same ``Span`` objects it was given), so the
ruler wraps its filter: one pass over the kept spans per document, no re-scan of the text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from spacy.language import Language
from spacy.matcher.levenshtein import levenshtein_compare
from spacy.pipeline.span_ruler import DEFAULT_SPANS_KEY, SpanRuler, overlapping_labeled_spans_score
from spacy.tokens import Span

SpanFilter = Callable[[Iterable[Span], Iterable[Span]], Iterable[Span]]


def credit_matches(ents_filter: SpanFilter, component: str) -> SpanFilter:
    """``ents_filter``, marking the matches it keeps with ``Span._.component`` = ``component``.

    ``Span._`` values are keyed by the span's offsets: a match that replaces an entity of the same
    offsets is the match's from now on, and one that is dropped is never marked."""

    def filter_and_credit(entities: Iterable[Span], matches: Iterable[Span]) -> list[Span]:
        matches = list(matches)
        kept = list(ents_filter(entities, matches))
        taken = {id(span) for span in matches}
        for span in kept:
            if id(span) in taken:
                span._.component = component
        return kept

    return filter_and_credit


class CreditingSpanRuler(SpanRuler):
    """A ``SpanRuler`` whose entities (``annotate_ents``) carry its name in ``Span._.component``."""

    def __init__(self, nlp: Language, name: str = "news_span_ruler", **settings: Any) -> None:
        super().__init__(nlp, name, **settings)
        self.ents_filter = credit_matches(self.ents_filter, name)


@Language.factory(
    "news_span_ruler",
    assigns=["doc.spans", "doc.ents", "span._.component"],
    # spaCy's span_ruler's defaults (spacy/pipeline/factories.py), so a config can swap the factory name alone.
    default_config={
        "spans_key": DEFAULT_SPANS_KEY,
        "spans_filter": None,
        "annotate_ents": False,
        "ents_filter": {"@misc": "spacy.first_longest_spans_filter.v1"},
        "phrase_matcher_attr": None,
        "matcher_fuzzy_compare": {"@misc": "spacy.levenshtein_compare.v1"},
        "validate": False,
        "overwrite": True,
        "scorer": {"@scorers": "spacy.overlapping_labeled_spans_scorer.v1", "spans_key": DEFAULT_SPANS_KEY},
    },
)
def make_span_ruler(
    nlp: Language,
    name: str,
    spans_key: str | None,
    spans_filter: SpanFilter | None,
    annotate_ents: bool,
    ents_filter: SpanFilter,
    phrase_matcher_attr: int | str | None,
    matcher_fuzzy_compare: Callable = levenshtein_compare,
    validate: bool = False,
    overwrite: bool = True,
    scorer: Callable | None = partial(overlapping_labeled_spans_score, spans_key=DEFAULT_SPANS_KEY),
) -> CreditingSpanRuler:
    return CreditingSpanRuler(
        nlp,
        name,
        spans_key=spans_key,
        spans_filter=spans_filter,
        annotate_ents=annotate_ents,
        ents_filter=ents_filter,
        phrase_matcher_attr=phrase_matcher_attr,
        matcher_fuzzy_compare=matcher_fuzzy_compare,
        validate=validate,
        overwrite=overwrite,
        scorer=scorer,
    )
