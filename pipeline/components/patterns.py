"""The rule stage's ``ents_filter``: curated matches win over the model's entities.

The rules themselves are data, read at ``initialize`` by ``news.read_patterns.v1``/``v2``
(:mod:`pipeline.knowledge.curated`: the pattern files and the alias table); ``span_ruler`` saves them with
the pipeline, so a packaged model does not need the files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spacy.tokens import Span
from spacy.util import filter_spans, registry

# Importable from here too: installs made before the readers moved to pipeline.knowledge.curated name
# ``pipeline.components.patterns:read_patterns`` as the news.read_patterns.v1 entry point.
from ..knowledge.curated import read_patterns  # noqa: F401


@registry.misc("news.prefer_rules_filter.v1")
def make_prefer_rules_filter() -> Callable[[Iterable[Span], Iterable[Span]], list[Span]]:
    """A ``span_ruler`` ``ents_filter``: curated matches win over overlapping model entities,
    except inside a longer model entity (``US`` in ``US State Department`` stays part of the ORG).

    ``spacy.prioritize_new_ents_filter.v1`` lets ``US`` cut the department in two.
    """

    def prefer_rules(entities: Iterable[Span], spans: Iterable[Span]) -> list[Span]:
        entities = list(entities)
        rules = [s for s in filter_spans(list(spans)) if not any(e.start <= s.start and s.end <= e.end and len(e) > len(s) for e in entities)]
        taken = {i for s in rules for i in range(s.start, s.end)}
        kept = [e for e in entities if not taken.intersection(range(e.start, e.end))]
        return sorted(kept + rules, key=lambda s: s.start)

    return prefer_rules


@registry.misc("news.prefer_rules_filter.v2")
def make_prefer_rules_filter_v2(person_labels: list[str]) -> Callable[[Iterable[Span], Iterable[Span]], list[Span]]:
    """``news.prefer_rules_filter.v1``, and a curated surname yields to another person of that name.

    A one-word curated person (``Scholz``, an alias of Olaf Scholz) in a document where the model
    names a different person ending in that word (``Lois Scholz``: no curated match of the same id
    there) is that person's short form, not the curated one's: the match goes, and the model's
    entity, if any, stays (the alias linker then joins it to the full name). With the curated full
    name there too (``Olaf Scholz ... Scholz``), or with no other full name, the match stays."""
    persons = frozenset(person_labels)
    prefer_rules = make_prefer_rules_filter()

    def prefer_rules_but_other_persons(entities: Iterable[Span], spans: Iterable[Span]) -> list[Span]:
        entities, spans = list(entities), list(spans)
        curated_at = {(s.start, s.end): s.id_ for s in spans}
        other_persons: dict[str, set[str]] = {}  # last word -> the curated ids of the full names that end in it ("" for none)
        for e in entities:
            if e.label_ in persons and len(e) > 1:
                other_persons.setdefault(e[-1].text, set()).add(curated_at.get((e.start, e.end), ""))
        kept = [s for s in spans if not (len(s) == 1 and s.label_ in persons and other_persons.get(s.text, {s.id_}) - {s.id_})]
        return prefer_rules(entities, kept)

    return prefer_rules_but_other_persons
