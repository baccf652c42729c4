"""Writing the tables: Parquet row groups into a staging folder, committed by rename.

A run never leaves a half-written output: tables go to ``<output>.staging-<pid>`` beside the
output folder, and only a finished run replaces the output (``commit``).
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .resolve import Resolution
from .schema import CORPUS_ENTITIES, ENTITIES, MENTIONS, TABLES


class OutputExistsError(FileExistsError):
    """The output folder exists and the run was not told to overwrite it."""


def table_path(output: Path, table: str) -> Path:
    return Path(output) / f"{table}.parquet"


class StagedOutput:
    """A staging folder for one run's tables, committed to ``output`` by rename."""

    def __init__(self, output: Path, *, overwrite: bool = False) -> None:
        self.output = Path(output)
        if self.output.exists() and not overwrite:
            raise OutputExistsError(
                f"Output folder {self.output} exists; pass --overwrite to replace it or choose another --output."
            )
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.staging = self.output.with_name(f"{self.output.name}.staging-{os.getpid()}")
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir()
        self._writers: dict[str, pq.ParquetWriter] = {}

    def write(self, table: str, data: pa.Table) -> None:
        """Append ``data`` to ``table`` as one row group (nothing is written for no rows)."""
        if table not in self._writers:
            self._writers[table] = pq.ParquetWriter(table_path(self.staging, table), TABLES[table])
        if data.num_rows:
            self._writers[table].write_table(data)

    def close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()
        # Every table exists, if only with its schema and no rows.
        for name, schema in TABLES.items():
            path = table_path(self.staging, name)
            if not path.exists():
                pq.write_table(schema.empty_table(), path)

    def write_json(self, name: str, data: dict[str, Any]) -> None:
        (self.staging / name).write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf8")

    def commit(self) -> Path:
        """Replace ``output`` with the staged tables in one rename (the old one is removed after)."""
        self.close()
        old = None
        if self.output.exists():
            old = self.output.with_name(f"{self.output.name}.old-{os.getpid()}")
            self.output.rename(old)
        self.staging.rename(self.output)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.output

    def abort(self) -> None:
        for writer in self._writers.values():
            try:
                writer.close()
            except Exception:  # noqa: BLE001  (already failing; the staging folder goes anyway)
                pass
        self._writers.clear()
        shutil.rmtree(self.staging, ignore_errors=True)


def add_canonical_ids(staging: Path, resolution: Resolution) -> pa.Table:
    """Fill ``canonical_id`` in the staged entities and mentions; return ``corpus_entities``.

    Both tables were written in the same document order, one row group per batch, so this
    streams them row group by row group and holds one batch of entity ids at a time.
    """
    entities_path, mentions_path = table_path(staging, "entities"), table_path(staging, "mentions")
    entities_in, mentions_in = pq.ParquetFile(entities_path), pq.ParquetFile(mentions_path)
    doc_counts: Counter = Counter()
    tmp_entities, tmp_mentions = entities_path.with_suffix(".tmp"), mentions_path.with_suffix(".tmp")
    with pq.ParquetWriter(tmp_entities, ENTITIES) as entities_out, pq.ParquetWriter(tmp_mentions, MENTIONS) as mentions_out:
        mention_groups = iter(range(mentions_in.num_row_groups))
        for group in range(entities_in.num_row_groups):
            entities = entities_in.read_row_group(group)
            columns = entities.to_pydict()
            ids = [
                resolution.canonical_id(label, name, aliases, kb_id)
                for label, name, aliases, kb_id in zip(columns["label"], columns["name"], columns["aliases"], columns["kb_id"])
            ]
            for doc_id, canonical in set(zip(columns["doc_id"], ids)):
                doc_counts[canonical] += 1
            entities_out.write_table(entities.set_column(entities.schema.get_field_index("canonical_id"), "canonical_id", pa.array(ids, pa.string())))
            lookup = dict(zip(columns["entity_id"], ids))
            # The mentions of this batch's entities are in the matching row group.
            if columns["entity_id"]:
                mentions = mentions_in.read_row_group(next(mention_groups))
                canon = [lookup.get(e) for e in mentions.column("entity_id").to_pylist()]
                mentions_out.write_table(mentions.set_column(mentions.schema.get_field_index("canonical_id"), "canonical_id", pa.array(canon, pa.string())))
    tmp_entities.replace(entities_path)
    tmp_mentions.replace(mentions_path)
    clusters = sorted(resolution.clusters.values(), key=lambda c: (-c.mention_count, c.canonical_id))
    return pa.Table.from_pylist(
        [
            {
                "canonical_id": c.canonical_id,
                "label": c.label,
                "name": c.name,
                "aliases": c.aliases,
                "kb_id": c.kb_id,
                "doc_count": doc_counts[c.canonical_id],
                "mention_count": c.mention_count,
            }
            for c in clusters
        ],
        schema=CORPUS_ENTITIES,
    )


def count_values(table: pa.Table, column: str) -> dict[str, int]:
    """``{value: count}`` for one column of a table (for summaries)."""
    counts = pc.value_counts(table.column(column)).to_pylist()
    return {row["values"]: row["counts"] for row in counts}
