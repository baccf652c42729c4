"""The curated alias table: ``configs/aliases/*.jsonl``, one entity a line.

``{"id": "islamic-state", "label": "ORG", "name": "Islamic State", "aliases": ["IS", "ISIL"],
"wikidata": "Q2429253"}``; places may add ``country_code``, ``geonames_id``, ``latitude`` and
``longitude``. The table serves both stages:

* recognition: :func:`read_patterns_v2` turns every name and alias into a ``span_ruler``
  pattern whose ``id`` (the entity's ``id``) becomes ``kb_id``; the patterns are read at
  ``initialize`` and saved with the pipeline;
* linking: mentions with one ``kb_id`` are one entity in a document (``news_alias_linker``)
  and in the corpus (``resolve``), and :mod:`pipeline.geo` gives places their coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import srsly
from spacy.util import registry

from .components.patterns import PatternFileError, read_patterns

#: Label in the alias table -> label the span_ruler gives (mapped again by news_label_mapper).
REQUIRED_KEYS = ("id", "label", "name")


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
    path = Path(path)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files or not all(f.exists() for f in files):
        raise PatternFileError(f"No alias table at {path}: expected a .jsonl file or a folder of them.")
    entries: list[AliasEntry] = []
    seen: dict[str, str] = {}
    for file in files:
        with file.open(encoding="utf8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                where = f"{file}:{number}"
                try:
                    row = srsly.json_loads(line)
                except ValueError as err:
                    raise PatternFileError(f"{where}: not valid JSON ({err}).") from None
                missing = [k for k in REQUIRED_KEYS if not isinstance(row, dict) or not row.get(k)]
                if missing:
                    raise PatternFileError(f"{where}: an alias entry needs {', '.join(REQUIRED_KEYS)}; missing {', '.join(missing)}.")
                if row["id"] in seen:
                    raise PatternFileError(f"{where}: id {row['id']!r} is already used at {seen[row['id']]}; ids must be unique.")
                seen[row["id"]] = where
                known = AliasEntry.__dataclass_fields__.keys()
                unknown = set(row) - set(known)
                if unknown:
                    raise PatternFileError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(known)}.")
                entries.append(AliasEntry(**row))
    return entries


def alias_patterns(entries: list[AliasEntry]) -> list[dict[str, Any]]:
    """Exact-phrase ``span_ruler`` patterns for every name and alias, with the entry's id."""
    return [{"label": e.label, "pattern": form, "id": e.id} for e in entries for form in e.forms]


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
