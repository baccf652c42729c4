"""A corpus that grows by appends, on disk: its layout, and what the next append reads from it.

Layout of ``DIR`` once a run was appended (``python -m pipeline run NEW --output DIR --append``)::

    documents/run_id=<run>/part-0.parquet   (sentences, mentions, entities alike): one part per run
    corpus_entities.parquet                 the current view of every entity, replaced by each run
    canonical_redirects.parquet             ids retired by a merge -> the surviving id
    runs.parquet                            one row per run: inputs, counts, config hash
    run.json                                the last run's record
    registry/summaries.parquet              what corpus resolution needs (pipeline/corpus/registry.py),
                                            as the last run that wrote it whole left it
    registry/summary_changes/run_id=<run>/part-0.parquet   the rows each later run changed, added or removed
    registry/canonical_ids.parquet, registry/votes.parquet (the corpus's label votes)
    registry/new_ids/run_id=<run>/part-0.parquet   the ids each later run gave (with the summaries' changes)
    registry/vote_changes/run_id=<run>/part-0.parquet   the votes of the names each later run met
    registry/documents/run_id=<run>/part-0.parquet, registry/entities/run_id=<run>/part-0.parquet
    registry/folded/run_id=<run>/part-0.parquet   the run's document rows of the registry's name rows
    registry/block_index/entries.arrow, postings.arrow   the summaries' linking keys, as last written whole
    registry/block_index_changes/run_id=<run>/part-0.parquet   the entries each later run added or removed

The registry's summaries grow with the corpus, and an append changes a few thousand of them: it
writes those (:func:`~pipeline.corpus.rows.change_rows`), and the next one reads the summaries
with every run's changes laid over them (:func:`~pipeline.corpus.rows.layered`), until the changes
reach :data:`COMPACT_RATIO` of the summaries' bytes; the next append writes them whole again
(and drops the changes). So do the canonical ids given and the label votes: written whole
with the summaries, and beside them the ids each later run gave and the votes of the names it
met (the newest part of a name's votes wins). The index of the summaries' linking keys
(:mod:`pipeline.corpus.block_index`) follows them: written whole with them (Arrow IPC files,
memory-mapped when read: an append looks its keys up and loads only the pages it reads), and
each later run's entries beside its changes. An index that does not match the summaries (none
yet, or written before another version's append) is not used: the append makes it from the
summaries and writes both whole.

An append writes its parts and the whole files it replaces into the staging folder, hard-links
every other file of ``DIR`` into it (:meth:`~pipeline.writing.writer.Staging.adopt`: no data is
copied, nothing in ``DIR`` changes) and commits by rename like any run: a reader sees the corpus
before or after the append, never between, and a failed append leaves ``DIR`` as it was. An
output written without ``--append`` (one file per table) is read as run :data:`FIRST_RUN`, and its
files move into that run's parts on its first append.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .schema import CANONICAL_IDS, CANONICAL_REDIRECTS, DOCUMENT_INDEX, ENTITY_SUMMARIES, FOLDED_ROWS, RUNS
from .tables import REGISTRY_FOLDED, REGISTRY_SUMMARIES, RUN_METADATA
from .writer import BATCH_TABLES, ROW_GROUP_ROWS, partition_path, table_path

if TYPE_CHECKING:
    from ..corpus.block_index import BlockIndex
    from ..corpus.rows import Rows

REGISTRY = "registry"
SUMMARIES = REGISTRY_SUMMARIES
CANONICAL_ID_FILE = f"{REGISTRY}/canonical_ids.parquet"
VOTES = f"{REGISTRY}/votes.parquet"
#: The registry's per-run tables (under ``registry/``), and their schemas.
INDEXES = {"documents": DOCUMENT_INDEX, "entities": ENTITY_SUMMARIES, "folded": FOLDED_ROWS}
#: The registry's per-run changes to its summaries (under ``registry/``).
SUMMARY_CHANGES = "summary_changes"
#: The index of the summaries' linking keys (:class:`~pipeline.corpus.block_index.BlockIndex`):
#: its entries and postings as the summaries were last written whole, each later run's changes.
BLOCK_INDEX = f"{REGISTRY}/block_index"
BLOCK_ENTRIES, BLOCK_POSTINGS = f"{BLOCK_INDEX}/entries.arrow", f"{BLOCK_INDEX}/postings.arrow"
BLOCK_INDEX_CHANGES = "block_index_changes"
#: The canonical ids each run gave since the summaries were last written whole (with them, every id given).
NEW_IDS = "new_ids"
#: The votes of the names each run met since then (laid over ``votes.parquet``: :meth:`CorpusStore.votes`).
VOTE_CHANGES = "vote_changes"
#: The metadata of the index's entries that ties them to the summaries written with them.
INDEXED_ROWS, INDEXED_NEXT_ID = b"summaries_rows", b"next_summary_id"
#: An append writes the summaries whole again (a compaction) when the earlier runs' changes to
#: them since they were last written so reach this share of their bytes on disk: every pass over
#: the summaries reads the changes too, and holds the newest version of each changed row (a
#: popular name's context, changed by every run, is in each run's changes), so they are kept to
#: about two runs' changes at 100,000 documents; a compaction rewrites the summaries at most once
#: per that share of their bytes changed.
COMPACT_RATIO = 0.2
#: What each run replaces as a whole (the rest of the corpus is adopted by hard links).
REPLACED = (
    "corpus_entities.parquet",
    "canonical_redirects.parquet",
    "runs.parquet",
    RUN_METADATA,
    SUMMARIES,
    CANONICAL_ID_FILE,
    VOTES,
    BLOCK_ENTRIES,
    BLOCK_POSTINGS,
)
#: What an append that writes only its changes to the summaries keeps of the files above.
WRITTEN_WITH_SUMMARIES = (SUMMARIES, BLOCK_ENTRIES, BLOCK_POSTINGS, CANONICAL_ID_FILE, VOTES)
#: The run id of an output written without --append, when it is appended to.
FIRST_RUN = "r0000"


#: Rows in a row group (and a batch read) of the registry's summaries: a name row holds the union
#: of its documents' contexts (a popular name's, thousands of keys), so a quarter of the other
#: tables' rows, for about the bytes of a row group of summaries per document.
SUMMARY_ROWS = ROW_GROUP_ROWS // 4


#: Rows in a batch of ``corpus_entities`` read by an append (a row group as written): the
#: Parquet reader's buffers for a batch of 16,384 rows made the resident size 20 MB higher, 16 with 4,096.
CORPUS_ENTITY_ROWS = ROW_GROUP_ROWS // 4


def stream(path: Path, columns: list[str] | None = None, rows: int = ROW_GROUP_ROWS) -> Iterator[pa.Table]:
    """The Parquet file at ``path`` a batch (``rows`` rows: a row group as written) at a time, so
    that reading it holds a batch, not the file. A row group of no more than ``rows`` rows is read
    whole: streaming it with the reader's batches held about twice the memory (a pass over the
    registry's summaries at 100,000 documents: Arrow's peak 27 MB, not 16; the resident size 37
    MB higher, not 26); a larger one (a run's index written at once) is read in batches."""
    with pq.ParquetFile(path) as parquet:
        for group in range(parquet.num_row_groups):
            if parquet.metadata.row_group(group).num_rows <= rows:
                yield parquet.read_row_group(group, columns=columns, use_threads=False)
                continue
            for batch in parquet.iter_batches(batch_size=rows, row_groups=[group], columns=columns, use_threads=False):
                yield pa.Table.from_batches([batch])


def mapped(path: Path) -> pa.Table:
    """The Arrow IPC file at ``path``, memory-mapped: its pages are loaded as they are read, and
    let go with the last array that refers to them."""
    with pa.memory_map(str(path)) as source:
        return pa.ipc.open_file(source).read_all()


def use_returning_allocator() -> None:
    """Make Arrow allocate with jemalloc (the system's allocator where Arrow has no jemalloc): an
    append streams the corpus's registry past several times, and Arrow's default allocator,
    mimalloc, keeps much of what each batch freed (four passes over a 14 MB registry file: +140 MB
    resident with mimalloc, +45 MB with jemalloc, measured), so its peak memory would follow the
    corpus after all. Process-wide, as Arrow's allocator is. (This is the pool pyarrow allocates
    from; the pool of Arrow's C++ code, the Parquet reader's buffers, is chosen in ``pipeline/__init__.py``.)
    jemalloc gives freed pages back at once rather than after a second (its decay time): the
    batches of one pass come faster than that (an append to 100,000: 500 MB peak, 467 MB at once)."""
    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
        pa.jemalloc_set_decay_ms(0)
    except NotImplementedError:  # a build without jemalloc (Windows wheels)
        pa.set_memory_pool(pa.system_memory_pool())


class NotACorpusError(FileExistsError):
    """--append to a folder that is neither a run's output nor empty."""


def run_id_for(number: int) -> str:
    """``r0001``, ``r0002``, ...: sortable, and the same when an interrupted append is resumed."""
    return f"r{number:04d}"


def index_path(root: Path, table: str, run_id: str) -> Path:
    """Where the registry keeps run ``run_id``'s index ``table`` (see :data:`INDEXES`)."""
    return partition_path(Path(root) / REGISTRY, table, run_id)


class CorpusStore:
    """The corpus in ``output`` as the next append finds it (nothing when it does not exist yet)."""

    def __init__(self, output: Path) -> None:
        self.path = Path(output)
        self.plain = table_path(self.path, "documents").is_file()  # written without --append
        self.grown = (self.path / SUMMARIES).is_file()
        if self.path.exists() and any(self.path.iterdir()) and not (self.plain or self.grown):
            raise NotACorpusError(
                f"--append to {self.path}, which holds no corpus (no documents.parquet, no {SUMMARIES}): name the --output of an earlier run, or a new folder."
            )

    def runs(self) -> pa.Table:
        """One row per run so far (an output written without --append is one run, from its run.json)."""
        if self.grown:
            return pq.read_table(self.path / "runs.parquet").cast(RUNS)
        if not self.plain:
            return RUNS.empty_table()
        record = self.record()
        counts = record.get("counts", {})
        documents = counts.get("documents", {})
        row = {
            "run_id": FIRST_RUN, "started": record.get("started"), "finished": record.get("finished"), "seconds": record.get("seconds"),
            "config_hash": record.get("config_hash"), "inputs": json.dumps(record.get("inputs", [])), "documents": sum(documents.values()),
            "errors": documents.get("error", 0), "skipped": 0, "conflicts": 0, "replaced": 0,
            "mentions": sum(counts.get("mentions", {}).values()), "words": counts.get("words"), "new_entities": None, "redirected": 0,
        }  # fmt: skip
        return pa.Table.from_pylist([row], schema=RUNS)

    def next_run_id(self) -> str:
        return run_id_for(max((int(run[1:]) for run in self.runs().column("run_id").to_pylist()), default=0) + 1)

    def record(self) -> dict[str, Any]:
        path = self.path / RUN_METADATA
        return json.loads(path.read_text(encoding="utf8")) if path.exists() else {}

    def registry_tables(self) -> tuple[Rows, Rows, pa.Table, Rows] | None:
        """The registry's summaries and canonical ids (read batch by batch when used, never whole),
        its redirects, and every run's document rows of name rows (None when the corpus has none)."""
        if not self.grown:
            return None
        from ..corpus.rows import Rows

        redirects = self.path / "canonical_redirects.parquet"
        folded = sorted((self.path / REGISTRY_FOLDED).glob("run_id=*/*.parquet"))
        return (
            self.summaries(),
            self.canonical_ids(),
            pq.read_table(redirects).cast(CANONICAL_REDIRECTS) if redirects.exists() else CANONICAL_REDIRECTS.empty_table(),
            Rows(FOLDED_ROWS, lambda columns: (batch for path in folded for batch in stream(path, columns))),
        )

    def summaries(self, *later: pa.Table) -> Rows:
        """The registry's summaries with every run's changes to them laid over them
        (:func:`~pipeline.corpus.rows.layered`), and the changes ``later`` (a run's, not written
        yet: what a compaction writes), read batch by batch when used."""
        from ..corpus.rows import Rows, layered

        changes = self.summary_changes()
        base = self.rows(SUMMARIES, rows=SUMMARY_ROWS)
        layers = [self.rows(path.relative_to(self.path).as_posix(), rows=SUMMARY_ROWS) for path in changes] + [Rows.of(table) for table in later]
        if layers:  # the next summary_id to give is the newest run's
            newest = (later[-1].schema.metadata if later else pq.read_schema(changes[-1]).metadata) or {}
            base = replace(base, schema=base.schema.with_metadata({**(base.schema.metadata or {}), **newest}))
        return layered(base, layers)

    def block_index(self) -> BlockIndex | None:
        """The index of the summaries' linking keys (:class:`~pipeline.corpus.block_index.BlockIndex`),
        memory-mapped, with every later run's changes; None when the corpus has none that matches
        its summaries (written by a version without it, or before another version's append)."""
        from ..corpus.block_index import CHANGES, BlockIndex

        entries, postings = self.path / BLOCK_ENTRIES, self.path / BLOCK_POSTINGS
        if not (self.grown and entries.is_file() and postings.is_file()):
            return None
        changes = sorted((self.path / REGISTRY / BLOCK_INDEX_CHANGES).glob("run_id=*/*.parquet"))
        if [path.parent.name for path in changes] != [path.parent.name for path in self.summary_changes()]:
            return None
        summaries = pq.read_metadata(self.path / SUMMARIES)
        with pa.memory_map(str(entries)) as source:
            written = pa.ipc.open_file(source).schema.metadata or {}
        if written.get(INDEXED_ROWS) != str(summaries.num_rows).encode() or written.get(INDEXED_NEXT_ID) != (summaries.metadata or {}).get(INDEXED_NEXT_ID):
            return None
        later = pa.concat_tables([CHANGES.empty_table(), *(pq.read_table(path).cast(CHANGES) for path in changes)])
        return BlockIndex(lambda: (mapped(entries).replace_schema_metadata(None), mapped(postings)), later)

    def canonical_ids(self) -> Rows:
        """Every canonical id given: those written with the summaries, then each later run's, read batch by batch when used."""
        from ..corpus.rows import Rows

        paths = [self.path / CANONICAL_ID_FILE, *sorted((self.path / REGISTRY / NEW_IDS).glob("run_id=*/*.parquet"))]
        return Rows(
            CANONICAL_IDS, lambda columns: (batch.cast(CANONICAL_IDS) if columns is None else batch for path in paths for batch in stream(path, columns))
        )

    def votes(self) -> Rows | None:
        """The corpus's label votes (None: it keeps none): those written with the summaries less
        the names a later run met, then each later run's less the names a still later one met (a
        name's newest votes win), read batch by batch when used: the table an append that wrote
        them whole each time would have left."""
        base = self.path / VOTES
        if not base.is_file():
            return None
        from ..corpus.rows import Rows

        parts = sorted((self.path / REGISTRY / VOTE_CHANGES).glob("run_id=*/*.parquet"))
        met = [pq.read_table(path, columns=["key"]).column("key").unique() for path in parts]  # a run's names: a few thousand
        layers = []
        for i, relative in enumerate([VOTES, *(path.relative_to(self.path).as_posix() for path in parts)]):
            newer = pa.concat_arrays([pa.array([], pa.string()), *met[i:]])  # the names met by the runs after this layer's
            layer = self.rows(relative)
            layers.append(layer.without("key", pc.unique(newer)) if len(newer) else layer)
        return Rows(layers[0].schema, lambda columns: (batch for layer in layers for batch in layer.batches(columns)))

    def summary_changes(self) -> list[Path]:
        """Every run's changes to the registry's summaries since they were last written whole, oldest first."""
        return sorted((self.path / REGISTRY / SUMMARY_CHANGES).glob("run_id=*/*.parquet"))

    def compacts(self) -> bool:
        """Whether the next append writes the summaries whole (:data:`COMPACT_RATIO`); always for
        a corpus without them yet."""
        if not self.grown:
            return True
        changed = sum(path.stat().st_size for path in self.summary_changes())
        return changed >= COMPACT_RATIO * (self.path / SUMMARIES).stat().st_size

    def rows(self, relative: str, schema: pa.Schema | None = None, rows: int = ROW_GROUP_ROWS) -> Rows:
        """The table at ``relative`` as :class:`~pipeline.corpus.rows.Rows`: read a batch (``rows``
        rows) at a time, each time it is used."""
        from ..corpus.rows import Rows

        path = self.path / relative
        return Rows(schema or pq.read_schema(path), lambda columns: stream(path, columns, rows))

    def read(self, relative: str) -> pa.Table | None:
        """The table at ``relative`` in the corpus (None when it has none)."""
        path = self.path / relative
        return pq.read_table(path) if path.is_file() else None

    def corpus_entities(self) -> Iterator[pa.Table]:
        """The corpus's ``corpus_entities`` as the last run left it, a batch at a time (none for a new corpus)."""
        path = table_path(self.path, "corpus_entities")
        if path.is_file():
            yield from stream(path, rows=CORPUS_ENTITY_ROWS)

    def doc_counts(self, canonical_ids: Collection[str]) -> dict[str, int]:
        """The ``doc_count`` that ``corpus_entities`` gives each of ``canonical_ids`` (those it has), read two columns at a time."""
        path = table_path(self.path, "corpus_entities")
        if not canonical_ids or not path.is_file():
            return {}
        wanted = pa.array(sorted(canonical_ids), pa.string())
        found = self.rows(path.relative_to(self.path).as_posix()).where("canonical_id", wanted, ["canonical_id", "doc_count"])
        return dict(zip(found.column("canonical_id").to_pylist(), found.column("doc_count").to_pylist()))

    def plain_tables(self) -> dict[str, pa.Table]:
        """The documents (ids and texts) and entities of an output written without --append."""
        return {
            "documents": pq.read_table(table_path(self.path, "documents"), columns=["doc_id", "text"]),
            "entities": pq.read_table(table_path(self.path, "entities")),
        }

    def index(self, table: str, columns: list[str] | None = None) -> Iterator[tuple[str, pa.Table]]:
        """``(run_id, part)`` for every run's part of the registry's index ``table`` (see :data:`INDEXES`)."""
        for path in sorted((self.path / REGISTRY / table).glob("run_id=*/*.parquet")):
            yield path.parent.name.split("=", 1)[1], pq.read_table(path, columns=columns)

    def index_batches(self, table: str, columns: list[str], left_out: Collection[str] = ()) -> Iterator[pa.Table]:
        """Every run's part of the registry's index ``table`` but those of the runs ``left_out``,
        a batch at a time (the largest run's part is never held whole)."""
        schema = INDEXES[table]
        for path in sorted((self.path / REGISTRY / table).glob("run_id=*/*.parquet")):
            if path.parent.name.split("=", 1)[1] not in left_out:
                there = pq.read_schema(path).names  # a column added since the file was written is read as nulls
                for batch in stream(path, [c for c in columns if c in there]):
                    yield pa.table({c: batch[c] if c in there else pa.nulls(batch.num_rows, schema.field(c).type) for c in columns})

    def documents_index(self, run_id: str) -> pa.Table:
        """Run ``run_id``'s document index (read when an appended article's id hash is found in it)."""
        return pq.read_table(index_path(self.path, "documents", run_id))

    def run_index(self, run_id: str) -> tuple[pa.Table, pa.Table]:
        """Run ``run_id``'s document index and entity summaries."""
        return pq.read_table(index_path(self.path, "documents", run_id)), pq.read_table(index_path(self.path, "entities", run_id))

    def read_part(self, table: str, run_id: str) -> pa.Table:
        """Run ``run_id``'s part of ``table`` (one of the per-document tables)."""
        path = table_path(self.path, table) if self.plain and run_id == FIRST_RUN else partition_path(self.path, table, run_id)
        return pq.read_table(path)

    def carried(self, compacted: bool = True) -> list[tuple[Path, str]]:
        """Every file of the corpus that an append keeps as it is, with where it goes: an output
        written without --append has its tables moved into run :data:`FIRST_RUN`'s parts. An
        append that wrote only its changes to the summaries (not ``compacted``) keeps them and
        the earlier runs' changes; one that wrote them whole keeps neither."""
        if not self.path.exists():
            return []
        replaced = set(REPLACED) if compacted else set(REPLACED) - set(WRITTEN_WITH_SUMMARIES)
        changes = tuple(f"{REGISTRY}/{name}/" for name in (SUMMARY_CHANGES, BLOCK_INDEX_CHANGES, NEW_IDS, VOTE_CHANGES))
        moved = {table_path(self.path, name): partition_path(Path(), name, FIRST_RUN) for name in BATCH_TABLES} if self.plain else {}
        files = []
        for path in sorted(p for p in self.path.rglob("*") if p.is_file()):
            relative = path.relative_to(self.path)
            if relative.as_posix() not in replaced and not (compacted and relative.as_posix().startswith(changes)):
                files.append((path, str(moved.get(path, relative))))
        return files
