"""Curated data read at ``initialize``: the pattern files and the alias table (JSONL under ``configs/``).

Pattern files (``configs/patterns/*.jsonl``) hold ``span_ruler`` patterns, read by
``news.read_patterns.v1``; ``news.read_patterns.v2`` adds the alias table's names. Used from the
config as ``[initialize.components.entity_rules] patterns = {"@misc": "news.read_patterns.v2",
"path": ${paths.patterns}, "aliases": ${paths.aliases}}``.

The alias table is ``configs/aliases/*.jsonl``, one entity a line:

``{"id": "islamic-state", "label": "ORG", "name": "Islamic State", "aliases": ["IS", "ISIL"],
"wikidata": "Q2429253"}``; places may add ``country_code``, ``geonames_id``, ``latitude`` and
``longitude``. The table serves both stages:

* recognition: :func:`read_patterns_v2` turns every name and alias into a ``span_ruler``
  pattern whose ``id`` (the entity's ``id``) becomes ``kb_id``; the patterns are read at
  ``initialize`` and saved with the pipeline;
* linking: mentions with one ``kb_id`` are one entity in a document (``news_alias_linker``)
  and in the corpus (``resolve``), and :mod:`pipeline.knowledge.geo` gives places their coordinates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import srsly
from spacy.util import registry

#: Keys every alias entry has.
REQUIRED_KEYS = ("id", "label", "name")


class PatternFileError(ValueError):
    """A curated JSONL file (pattern files, the alias table) that is missing or has a malformed line."""


def read_jsonl_files(path: Path | str, what: str) -> Iterator[tuple[str, str, Any]]:
    """``(file:line, line, value)`` for every non-blank line of ``path``: one JSONL file, or every
    ``*.jsonl`` in a folder (sorted). ``what`` names the files when there are none."""
    path = Path(path)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files or not all(f.exists() for f in files):
        raise PatternFileError(f"No {what} at {path}: expected a .jsonl file or a folder of them.")
    for file in files:
        with file.open(encoding="utf8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    value = srsly.json_loads(line)
                except ValueError as err:
                    raise PatternFileError(f"{file}:{number}: not valid JSON ({err}).") from None
                yield f"{file}:{number}", line, value


@dataclass
class AliasEntry:
    id: str
    label: str
    name: str
    aliases: list[str] = field(default_factory=list)
    wikidata: str | None = None
    country_code: str | None = None
    geonames_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None

    @property
    def forms(self) -> list[str]:
        return [self.name, *[a for a in self.aliases if a != self.name]]


def read_alias_table(path: Path | str) -> list[AliasEntry]:
    """Every entry in ``path`` (a JSONL file, or a folder of them); errors name the file and line."""
    entries: list[AliasEntry] = []
    seen: dict[str, str] = {}
    known = AliasEntry.__dataclass_fields__.keys()
    for where, _line, row in read_jsonl_files(path, "alias table"):
        missing = [k for k in REQUIRED_KEYS if not isinstance(row, dict) or not row.get(k)]
        if missing:
            raise PatternFileError(f"{where}: an alias entry needs {', '.join(REQUIRED_KEYS)}; missing {', '.join(missing)}.")
        if row["id"] in seen:
            raise PatternFileError(f"{where}: id {row['id']!r} is already used at {seen[row['id']]}; ids must be unique.")
        seen[row["id"]] = where
        unknown = set(row) - set(known)
        if unknown:
            raise PatternFileError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(known)}.")
        entries.append(AliasEntry(**row))
    return entries


def alias_patterns(entries: list[AliasEntry]) -> list[dict[str, Any]]:
    """Exact-phrase ``span_ruler`` patterns for every name and alias, with the entry's id."""
    return [{"label": e.label, "pattern": form, "id": e.id} for e in entries for form in e.forms]


@registry.misc("news.read_patterns.v1")
def read_patterns(path: Path | str) -> list[dict[str, Any]]:
    """All patterns from ``path``: one JSONL file, or every ``*.jsonl`` in a folder (sorted).

    Each line is a span_ruler pattern: ``{"label": "ORG", "pattern": "IS", "id": "..."}``.
    """
    patterns: list[dict[str, Any]] = []
    for where, line, pattern in read_jsonl_files(path, "pattern files"):
        if not isinstance(pattern, dict) or not {"label", "pattern"} <= pattern.keys():
            raise PatternFileError(f"{where}: a pattern needs 'label' and 'pattern' keys, got {line.strip()[:80]!r}.")
        patterns.append(pattern)
    return patterns


@registry.misc("news.read_patterns.v2")
def read_patterns_v2(path: Path | str, aliases: Path | str | None = None) -> list[dict[str, Any]]:
    """The pattern files at ``path`` (as ``news.read_patterns.v1``) plus the alias table at ``aliases``.

    A form listed in both keeps the pattern file's entry once.
    """
    patterns = read_patterns(path)
    if aliases:
        seen = {p["pattern"] for p in patterns if isinstance(p["pattern"], str)}
        patterns += [p for p in alias_patterns(read_alias_table(aliases)) if p["pattern"] not in seen]
    return patterns
