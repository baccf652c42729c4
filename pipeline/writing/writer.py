"""Writing the tables: crash-safe batches in a staging folder, compacted and committed by rename.

Layout while a run is going (``<output>.staging/``)::

    parts/<table>/<batch>.parquet   one file per table per batch of documents
    batches/<batch>.json            written last: the batch is complete (its documents are done)

A batch without its ``batches/`` marker is incomplete (a crash mid-write) and is discarded, so a
resumed run redoes exactly those documents. Any engine writes batches with :func:`write_batch`
(local batches are numbered, Dask partitions named). At the end :meth:`Staging.compact` writes
the batches, as the run hands them back with the columns it computed (canonical ids: see
:mod:`pipeline.corpus.resolve`), into one ``<table>.parquet`` per table, :meth:`Staging.write_table`
adds ``corpus_entities``, and :meth:`Staging.commit` replaces the output folder by rename, so a
reader never sees a half-written output. The writer computes nothing: it stages, compacts and
commits.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .schema import DICTIONARY_COLUMNS, TABLES

PARTS, BATCHES = "parts", "batches"
#: Tables written per batch (corpus_entities is made at the end).
BATCH_TABLES = ("documents", "sentences", "mentions", "entities")
#: Rows per Parquet row group of a table written a batch at a time (a grown corpus's
#: corpus_entities and registry): what reading it again a batch at a time holds at once.
ROW_GROUP_ROWS = 16_384


class OutputExistsError(FileExistsError):
    """The output folder exists and the run was not told to overwrite it."""


class InterruptedRunError(FileExistsError):
    """A staging folder from an interrupted run exists and the run was not told what to do with it."""


class OutputNotWritableError(OSError):
    """The output folder (or its staging folder beside it) cannot be created or written."""


def _dictionary(name: str) -> bool | list[str]:
    """The columns of table ``name`` whose pages are dictionary-encoded (:data:`~pipeline.writing.schema.DICTIONARY_COLUMNS`; all by default)."""
    return DICTIONARY_COLUMNS.get(name, True)


def check_output_name(output: Path) -> None:
    """Refuse an output that names no folder of its own (``.``, ``..``, ``/``) or holds the
    current folder: the run replaces the output folder when it commits."""
    output = Path(output)
    if not output.name or output.name == ".." or Path.cwd().resolve().is_relative_to(output.resolve()):
        raise OutputNotWritableError(
            f"--output {output} is not a folder a run can replace (it is the current folder, one of its parents, "
            f"or the root): name a new folder for the tables, e.g. --output out/run1."
        )


def check_writable(output: Path, inputs: Iterable[Path | str] = ()) -> None:
    """Raise OutputNotWritableError unless ``output`` names a folder of its own (see
    :func:`check_output_name`), outside the folders of ``inputs`` (:func:`check_outside_inputs`),
    and files can be written beside it (its staging folder and lock go there). Called before the
    model is loaded, so the user learns it at once."""
    output = Path(output)
    check_output_name(output)
    check_outside_inputs(output, inputs)
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


def check_outside_inputs(output: Path, inputs: Iterable[Path | str]) -> None:
    """Raise OutputNotWritableError when ``output`` is an input folder or inside one (a folder's
    Parquet files are articles to the readers, so the next run would read this run's tables back
    as news), or holds an input (the run replaces its output folder: ``--overwrite`` would delete
    the articles). Called before the model is loaded."""
    target = Path(output).resolve()
    for item in inputs:
        path = Path(item).resolve()
        if path.is_dir() and (target == path or path in target.parents):
            raise OutputNotWritableError(
                f"Output {output} is inside the input folder {item}: the next run would read its Parquet tables as articles. "
                f"Choose an --output outside {item} (data/processed/ beside data/raw/, say)."
            )
        if target in path.parents:
            raise OutputNotWritableError(f"Input {item} is inside the output folder {output}, which the run replaces: choose an --output that holds no input.")


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


def partition_path(root: Path, table: str, run_id: str) -> Path:
    """Where a grown corpus keeps run ``run_id``'s part of ``table``: ``table/run_id=<run>/part-0.parquet``
    (Hive-style, so DuckDB and pyarrow read the run id as a column)."""
    return Path(root) / table / f"run_id={run_id}" / "part-0.parquet"


def check_can_start(output: Path, *, overwrite: bool = False, resume: bool = False, append: bool = False) -> None:
    """Raise what :class:`Staging` would, without touching anything (so a run can check before
    it loads its model): an existing output needs --overwrite (or --append), an interrupted one --resume."""
    output = Path(output)
    staging = staging_path(output)
    if append and overwrite:
        raise ValueError("--append adds to the output and --overwrite replaces it: pass one of them.")
    if append and staging.exists() and not resume:
        raise InterruptedRunError(
            f"An interrupted run left {staging}: pass --resume to continue it (the same inputs and config), or delete {staging} to drop it; "
            f"{output} is as the last finished run left it."
        )
    if resume:
        if not staging.exists():
            raise InterruptedRunError(f"Nothing to resume: no interrupted run at {staging}. Run without --resume.")
    elif staging.exists() and not overwrite:
        raise InterruptedRunError(f"An interrupted run left {staging}: pass --resume to continue it, or --overwrite to start again.")
    if output.exists() and not (overwrite or resume or append):
        raise OutputExistsError(f"Output folder {output} exists; pass --overwrite to replace it or choose another --output.")


class Staging:
    """The staging folder of one run (see the module docstring)."""

    def __init__(self, output: Path, *, overwrite: bool = False, resume: bool = False, append: bool = False) -> None:
        self.output = Path(output)
        self.path = staging_path(self.output)
        check_can_start(self.output, overwrite=overwrite, resume=resume, append=append)
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

    def batch_tables(self) -> Iterator[dict[str, pa.Table]]:
        """Every table of one complete batch at a time, in batch order (what :meth:`compact` takes)."""
        for batch in self.batches():
            yield {name: pq.read_table(self.path / PARTS / name / f"{batch}.parquet") for name in BATCH_TABLES}

    def _discard_incomplete(self) -> None:
        complete = set(self.batches())
        for part in (self.path / PARTS).glob("*/*"):
            if part.name.startswith(".") or part.stem not in complete:
                part.unlink()

    # -- the end of a run -------------------------------------------------------------------
    def compact(self, batches: Iterable[Mapping[str, pa.Table]], run_id: str | None = None) -> None:
        """Write ``batches`` (one dict of tables each, as :meth:`batch_tables` gives them, with
        the columns the run computed filled in) as one file per table, in the order given; with
        ``run_id`` (an append), as that run's partition of each table (:func:`partition_path`)."""
        paths = {name: partition_path(self.path, name, run_id) if run_id else table_path(self.path, name) for name in BATCH_TABLES}
        for path in paths.values():
            path.parent.mkdir(parents=True, exist_ok=True)
        writers = {name: pq.ParquetWriter(paths[name], TABLES[name]) for name in BATCH_TABLES}
        try:
            for tables in batches:
                for name in BATCH_TABLES:
                    if tables[name].num_rows:
                        writers[name].write_table(tables[name])
        finally:
            for writer in writers.values():
                writer.close()

    def write_table(self, name: str, table: pa.Table) -> None:
        """Write a table made whole at the end of a run (``corpus_entities``)."""
        pq.write_table(table.cast(TABLES[name]), table_path(self.path, name), row_group_size=ROW_GROUP_ROWS, use_dictionary=_dictionary(name))

    def write_file(self, relative: str | Path, table: pa.Table, schema: pa.Schema | None = None) -> None:
        """Write ``table`` (cast to ``schema``, when given) at ``relative`` inside the staging folder
        (a grown corpus's registry and its other tables), in row groups of :data:`ROW_GROUP_ROWS`
        rows, so that it can be read a batch at a time."""
        path = self.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table.cast(schema) if schema is not None else table, path, row_group_size=ROW_GROUP_ROWS)

    def write_batches(
        self, relative: str | Path, batches: Iterable[pa.Table | pa.RecordBatch], schema: pa.Schema, row_group_rows: int = ROW_GROUP_ROWS
    ) -> None:
        """Write ``batches`` (each cast to ``schema``) as one file at ``relative`` inside the staging
        folder, a batch at a time (a grown corpus's tables that are never held whole), in row
        groups of ``row_group_rows``."""
        path = self.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with pq.ParquetWriter(path, schema, use_dictionary=_dictionary(Path(relative).stem)) as writer:
            for batch in batches:
                table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
                if table.num_rows:
                    writer.write_table(table.cast(schema), row_group_size=row_group_rows)

    def write_arrow(self, relative: str | Path, table: pa.Table) -> None:
        """Write ``table`` as an Arrow IPC file at ``relative`` inside the staging folder, one
        uncompressed batch: a file read by memory-mapping it, whose pages are loaded only where
        they are read (a grown corpus's index of linking keys)."""
        path = self.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table.combine_chunks(), max_chunksize=max(table.num_rows, 1))

    def adopt(self, files: Iterable[tuple[Path, str | Path]]) -> None:
        """Make each ``(file, relative)`` part of the output to be committed, at ``relative``: the
        earlier runs' files of a grown corpus. Hard links (no data copied, the original untouched);
        a copy where the file system has none."""
        for source, relative in files:
            target = self.path / relative
            if target.exists():  # adopted by an attempt that failed before its commit
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)

    def write_json(self, name: str, data: dict[str, Any]) -> None:
        (self.path / name).write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf8")

    def commit(self) -> Path:
        """Replace ``output`` with the finished tables in one rename (the old one is removed after).

        Where the system can swap two folders in one step (Linux ``renameat2``), ``output`` is never
        missing, not even for an instant: a corpus that grows by appends is always there to read."""
        shutil.rmtree(self.path / PARTS, ignore_errors=True)
        shutil.rmtree(self.path / BATCHES, ignore_errors=True)
        if self.output.exists():
            # Renamed first, so that a staging folder is never left holding an old output.
            finished = self.path.rename(self.output.with_name(f"{self.output.name}.new-{os.getpid()}"))
            if _exchange(finished, self.output):
                shutil.rmtree(finished, ignore_errors=True)  # it holds the old output now
                return self.output
            finished.rename(self.path)
        old = None
        if self.output.exists():
            old = self.output.with_name(f"{self.output.name}.old-{os.getpid()}")
            self.output.rename(old)
        self.path.rename(self.output)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.output


#: renameat2's "the current folder" and its flag that swaps two paths (linux/fs.h).
AT_FDCWD, RENAME_EXCHANGE = -100, 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap ``a`` and ``b`` in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where the
    C library, the kernel or the file system cannot (the caller then renames twice)."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))
