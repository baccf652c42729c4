"""Pattern files for the rule stage: JSONL under ``configs/patterns/``, read at ``initialize``.

Used from the config as ``[initialize.components.entity_rules] patterns = {"@misc":
"news.read_patterns.v1", "path": ${paths.patterns}}``; ``span_ruler`` then saves them with
the pipeline, so a packaged model does not need the files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable

import srsly
from spacy.tokens import Span
from spacy.util import filter_spans, registry


class PatternFileError(ValueError):
    """A pattern file that is missing or has a malformed line."""


@registry.misc("news.read_patterns.v1")
def read_patterns(path: Path | str) -> list[dict[str, Any]]:
    """All patterns from ``path``: one JSONL file, or every ``*.jsonl`` in a folder (sorted).

    Each line is a span_ruler pattern: ``{"label": "ORG", "pattern": "IS", "id": "..."}``.
    """
    path = Path(path)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files or not all(f.exists() for f in files):
        raise PatternFileError(f"No pattern files at {path}: expected a .jsonl file or a folder of them.")
    patterns: list[dict[str, Any]] = []
    for file in files:
        with file.open(encoding="utf8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    pattern = srsly.json_loads(line)
                except ValueError as err:
                    raise PatternFileError(f"{file}:{number}: not valid JSON ({err}).") from None
                if not isinstance(pattern, dict) or not {"label", "pattern"} <= pattern.keys():
                    raise PatternFileError(
                        f"{file}:{number}: a pattern needs 'label' and 'pattern' keys, got {line.strip()[:80]!r}."
                    )
                patterns.append(pattern)
    return patterns


@registry.misc("news.prefer_rules_filter.v1")
def make_prefer_rules_filter() -> Callable[[Iterable[Span], Iterable[Span]], list[Span]]:
    """A ``span_ruler`` ``ents_filter``: curated matches win over overlapping model entities,
    except inside a longer model entity (``US`` in ``US State Department`` stays part of the ORG).

    ``spacy.prioritize_new_ents_filter.v1`` lets ``US`` cut the department in two.
    """

    def prefer_rules(entities: Iterable[Span], spans: Iterable[Span]) -> list[Span]:
        entities = list(entities)
        rules = [
            s
            for s in filter_spans(list(spans))
            if not any(e.start <= s.start and s.end <= e.end and len(e) > len(s) for e in entities)
        ]
        taken = {i for s in rules for i in range(s.start, s.end)}
        kept = [e for e in entities if not taken.intersection(range(e.start, e.end))]
        return sorted(kept + rules, key=lambda s: s.start)

    return prefer_rules
