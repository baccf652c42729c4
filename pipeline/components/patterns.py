"""Pattern files for the rule stage: JSONL under ``configs/patterns/``, read at ``initialize``.

Used from the config as ``[initialize.components.entity_rules] patterns = {"@misc":
"news.read_patterns.v1", "path": ${paths.patterns}}``; ``span_ruler`` then saves them with
the pipeline, so a packaged model does not need the files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import srsly
from spacy.util import registry


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
