"""Writing the tables: crash-safe batches in a staging folder, compacted and committed by rename.

Layout while a run is going (``<output>.staging/``)::

    parts/<table>/<batch>.parquet   one file per table per batch of documents
    batches/<batch>.json            written last: the batch is complete (its documents are done)

A batch without its ``batches/`` marker is incomplete (a crash mid-write) and is discarded, so a
resumed run redoes exactly those documents. Any engine writes batches with :func:`write_batch`
(local batches are numbered, Dask partitions named). At the end :meth:`Staging.finalize`
fills canonical ids and compacts each table into one ``<table>.parquet``; :meth:`Staging.commit`
then replaces the output folder by rename, so a reader never sees a half-written output.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .resolve import CorpusResolver, Resolution
from .schema import CORPUS_ENTITIES, TABLES

PARTS, BATCHES = "parts", "batches"
#: Tables written per batch (corpus_entities is made at the end).
BATCH_TABLES = ("documents", "sentences", "mentions", "entities")


class OutputExistsError(FileExistsError):
    """The output folder exists and the run was not told to overwrite it."""


class InterruptedRunError(FileExistsError):
    """A staging folder from an interrupted run exists and the run was not told what to do with it."""


class OutputNotWritableError(OSError):
    """The output folder (or its staging folder beside it) cannot be created or written."""


def check_writable(output: Path) -> None:
    """Raise OutputNotWritableError unless files can be written beside ``output`` (its staging
    folder goes there). Called before the model is loaded, so the user learns it at once."""
    output = Path(output)
    fix = "choose another --output, or fix the folder's permissions"
    if output.exists() and not output.is_dir():
        raise OutputNotWritableError(f"Output {output} is a file, not a folder: {fix}.")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        probe = output.parent / f".{output.name}.write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise OutputNotWritableError(f"Cannot write the output folder {output} ({err.strerror or err}): {fix}.") from err


def table_path(output: Path, table: str) -> Path:
    return Path(output) / f"{table}.parquet"


def write_batch(staging: Path, batch: str, tables: dict[str, pa.Table], info: dict[str, Any] | None = None) -> None:
    """Write one batch's tables into ``staging``; complete only once its marker is written.

    Safe to call from any process (Dask workers included): every file is written under a
    temporary name and renamed into place.
    """
    for name in BATCH_TABLES:
        folder = staging / PARTS / name
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{batch}.parquet.tmp"
        pq.write_table(tables[name].cast(TABLES[name]), tmp)
        os.replace(tmp, folder / f"{batch}.parquet")
    marker = staging / BATCHES / f"{batch}.json"
    marker.parent.mkdir(parents=True, exist_ok=True)
    tmp = marker.with_name(f".{batch}.json.tmp")
    tmp.write_text(json.dumps({"documents": tables["documents"].num_rows, **(info or {})}), encoding="utf8")
    os.replace(tmp, marker)


def staging_path(output: Path) -> Path:
    """Where a run into ``output`` stages its tables: ``<output>.staging`` beside it."""
    return Path(output).with_name(f"{Path(output).name}.staging")


def check_can_start(output: Path, *, overwrite: bool = False, resume: bool = False) -> None:
    """Raise what :class:`Staging` would, without touching anything (so a run can check before
    it loads its model): an existing output needs --overwrite, an interrupted one --resume."""
    output = Path(output)
    staging = staging_path(output)
    if resume:
        if not staging.exists():
            raise InterruptedRunError(f"Nothing to resume: no interrupted run at {staging}. Run without --resume.")
    elif staging.exists() and not overwrite:
        raise InterruptedRunError(f"An interrupted run left {staging}: pass --resume to continue it, or --overwrite to start again.")
    if output.exists() and not (overwrite or resume):
        raise OutputExistsError(f"Output folder {output} exists; pass --overwrite to replace it or choose another --output.")


class Staging:
    """The staging folder of one run (see the module docstring)."""

    def __init__(self, output: Path, *, overwrite: bool = False, resume: bool = False) -> None:
        self.output = Path(output)
        self.path = staging_path(self.output)
        check_can_start(self.output, overwrite=overwrite, resume=resume)
        if self.path.exists() and not resume:
            shutil.rmtree(self.path)
        self.output.parent.mkdir(parents=True, exist_ok=True)
        for sub in (PARTS, BATCHES):
            (self.path / sub).mkdir(parents=True, exist_ok=True)
        self._discard_incomplete()

    # -- batches ----------------------------------------------------------------------------
    def batches(self) -> list[str]:
        """Complete batches, in order."""
        return sorted(p.stem for p in (self.path / BATCHES).glob("*.json"))

    def next_batch_number(self) -> int:
        numbers = [int(b) for b in self.batches() if b.isdigit()]
        return max(numbers, default=-1) + 1

    def write(self, batch: str, tables: dict[str, pa.Table], info: dict[str, Any] | None = None) -> None:
        write_batch(self.path, batch, tables, info)

    def read(self, table: str, columns: list[str] | None = None) -> Iterator[pa.Table]:
        """One complete batch of ``table`` at a time, in batch order."""
        for batch in self.batches():
            yield pq.read_table(self.path / PARTS / table / f"{batch}.parquet", columns=columns)

    def done_doc_ids(self) -> set[str]:
        """Documents already written by complete batches (what a resumed run skips)."""
        done: set[str] = set()
        for table in self.read("documents", ["doc_id"]):
            done.update(table.column("doc_id").to_pylist())
        return done

    def resolver(self) -> CorpusResolver:
        """A resolver holding the entity summaries of every complete batch."""
        resolver = CorpusResolver()
        for table in self.read("entities", ["label", "name", "aliases", "kb_id", "mention_count"]):
            resolver.add_columns(table.to_pydict())
        return resolver

    def _discard_incomplete(self) -> None:
        complete = set(self.batches())
        for part in (self.path / PARTS).glob("*/*"):
            if part.name.startswith(".") or part.stem not in complete:
                part.unlink()

    # -- the end of a run -------------------------------------------------------------------
    def finalize(self, resolution: Resolution, enrich: Callable[[pa.Table], pa.Table] | None = None) -> pa.Table:
        """Compact the batches into one file per table, with canonical ids; returns corpus_entities.

        ``enrich`` fills further corpus_entities columns (places: :func:`pipeline.geo.add_places`).
        """
        doc_counts: Counter = Counter()
        writers = {name: pq.ParquetWriter(table_path(self.path, name), TABLES[name]) for name in BATCH_TABLES}
        try:
            for batch in self.batches():
                parts = {name: pq.read_table(self.path / PARTS / name / f"{batch}.parquet") for name in BATCH_TABLES}
                entities = parts["entities"]
                columns = entities.select(["doc_id", "entity_id", "label", "name", "aliases", "kb_id"]).to_pydict()
                ids = [
                    resolution.canonical_id(label, name, aliases, kb_id)
                    for label, name, aliases, kb_id in zip(columns["label"], columns["name"], columns["aliases"], columns["kb_id"])
                ]
                for _doc, canonical in set(zip(columns["doc_id"], ids)):
                    doc_counts[canonical] += 1
                parts["entities"] = _replace_column(entities, "canonical_id", ids)
                lookup = dict(zip(columns["entity_id"], ids))
                mention_entities = parts["mentions"].column("entity_id").to_pylist()
                parts["mentions"] = _replace_column(parts["mentions"], "canonical_id", [lookup.get(e) for e in mention_entities])
                for name, table in parts.items():
                    if table.num_rows:
                        writers[name].write_table(table)
        finally:
            for writer in writers.values():
                writer.close()
        corpus = corpus_table(resolution, doc_counts)
        if enrich is not None:
            corpus = enrich(corpus)
        pq.write_table(corpus, table_path(self.path, "corpus_entities"))
        return corpus

    def write_json(self, name: str, data: dict[str, Any]) -> None:
        (self.path / name).write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf8")

    def commit(self) -> Path:
        """Replace ``output`` with the finished tables in one rename (the old one is removed after)."""
        shutil.rmtree(self.path / PARTS, ignore_errors=True)
        shutil.rmtree(self.path / BATCHES, ignore_errors=True)
        old = None
        if self.output.exists():
            old = self.output.with_name(f"{self.output.name}.old-{os.getpid()}")
            self.output.rename(old)
        self.path.rename(self.output)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.output


def _replace_column(table: pa.Table, name: str, values: list) -> pa.Table:
    index = table.schema.get_field_index(name)
    return table.set_column(index, table.schema.field(index), pa.array(values, table.schema.field(index).type))


def corpus_table(resolution: Resolution, doc_counts: Counter) -> pa.Table:
    """``corpus_entities`` rows, most mentioned first."""
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
