"""The entity registry of a growing corpus: canonical ids that stay when articles are appended.

A corpus that grows (``python -m pipeline run NEW --output DIR --append``) keeps beside its
tables what corpus resolution needs to go on (``DIR/registry/``, read and written by
:mod:`pipeline.commands.run`):

* ``summaries``: the :class:`~pipeline.corpus.resolve.CorpusResolver`'s summaries as
  :meth:`~pipeline.corpus.resolve.CorpusResolver.summary_table` gives them (whatever columns a
  summary has), each with a ``summary_id`` and the ``canonical_id`` it has now;
* ``canonical_ids``: every id given, with the run that gave it;
* per run, a document index (id, text hash) and the summary of every ``entities`` row.

An append resolves the new summaries together with the groups of registry summaries they touch
(those sharing a block key, :meth:`~pipeline.corpus.resolve.CorpusResolver.block_keys`: a name, a
word of a name, initials, a surname, a ``kb_id``), so that its cost follows the new articles, not the corpus, and the
clusters are those one run over every article would make; then it keeps the ids the corpus gave
(:meth:`Registry.update`):

* a cluster whose known summaries had one id keeps it (a fuller name changes ``name`` and
  ``aliases``, never the id); a cluster with no known summary gets a new id;
* a cluster that joins the summaries of several ids keeps the oldest; the others are retired
  into ``canonical_redirects`` (old id -> surviving id, with the run that merged them);
* when new evidence splits a cluster, its id stays with the part holding most of its mentions.

The registry's tables grow with the corpus, so an append never holds them whole: they are
:class:`Rows`, read batch by batch from where the store keeps them (the rows a run touches are
picked out as they stream past), and written again the same way, less the rows replaced, plus
the new ones. This module computes on tables and batches; it reads and writes no file.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..writing.schema import CANONICAL_IDS, CANONICAL_REDIRECTS, CORPUS_ENTITIES, DOCUMENT_INDEX, ENTITY_SUMMARIES
from .resolve import SUMMARY_KEY_COLUMNS, CorpusResolver, Resolution, block_partners
from .resolve import summary_keys as resolver_keys
from .vote import CorpusVote

#: How the registry keeps a :class:`~pipeline.corpus.vote.CorpusVote`: one row per name key, kind and label.
VOTES = pa.schema([pa.field("key", pa.string()), pa.field("kind", pa.string()), pa.field("label", pa.string()), pa.field("value", pa.int64())])
VOTE_KINDS = ("scored", "unscored", "curated")

SummaryRowKey = tuple[Any, ...]
#: The registry column of each summary's block keys (:meth:`CorpusResolver.block_keys`), and
#: which version of them the summaries file holds (its schema metadata): a registry written with
#: other keys has them computed again as it is read (:meth:`Registry.stored`).
BLOCK_KEYS = "block_keys"
BLOCK_KEYS_VERSION = {b"block_keys": b"2"}


#: Reads a registry table's batches, of the columns given (all: None), from where the store keeps it.
BatchSource = Callable[[list[str] | None], Iterable[pa.RecordBatch | pa.Table]]


@dataclass(frozen=True)
class Rows:
    """A registry table that is never held whole: the batches of a ``source`` (a file the store
    reads, or a table in memory), less the rows whose ``column`` value is in ``dropped``, plus the
    ``added`` tables. What an append reads of it is picked out batch by batch (:meth:`where`), and
    what it writes streams the same way (:meth:`batches`): memory follows a batch and the rows a
    run touches, not the corpus."""

    schema: pa.Schema
    source: BatchSource
    dropped: tuple[str, pa.Array] | None = None
    added: tuple[pa.Table, ...] = ()

    @classmethod
    def of(cls, table: pa.Table) -> Rows:
        """``table`` (in memory) as rows."""
        return cls(table.schema, lambda columns: [table.select(columns) if columns else table])

    def batches(self, columns: list[str] | None = None) -> Iterator[pa.Table]:
        """Every row, a batch at a time (of ``columns``: all by default)."""
        wanted = None if columns is None else list(dict.fromkeys([*columns, *([self.dropped[0]] if self.dropped else [])]))
        for batch in self.source(wanted):
            table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
            if self.dropped is not None:
                table = table.filter(pc.invert(pc.is_in(table[self.dropped[0]], value_set=self.dropped[1])))
            if table.num_rows:
                yield table.select(columns) if columns is not None else table.cast(self.schema)
        for table in self.added:
            if table.num_rows:
                yield table.select(columns) if columns is not None else table.cast(self.schema)

    def where(self, column: str, values: pa.Array, columns: list[str] | None = None) -> pa.Table:
        """The rows whose ``column`` is one of ``values`` (of ``columns``: all by default)."""
        read = None if columns is None else list(dict.fromkeys([column, *columns]))
        schema = self.schema if read is None else pa.schema([self.schema.field(c) for c in read])
        found = [batch.filter(pc.is_in(batch[column], value_set=values)) for batch in self.batches(read)]
        table = pa.concat_tables([f.cast(schema) for f in found if f.num_rows] or [schema.empty_table()])
        return table if columns is None else table.select(columns)

    def max(self, column: str) -> Any:
        """The largest value of ``column`` (None when there are no rows)."""
        found = [pc.max(batch[column]).as_py() for batch in self.batches([column])]
        found = [value for value in found if value is not None]
        return max(found) if found else None

    def without(self, column: str, values: pa.Array) -> Rows:
        """These rows less those whose ``column`` is one of ``values``."""
        return Rows(self.schema, self.batches, dropped=(column, values))

    def plus(self, table: pa.Table) -> Rows:
        """These rows and ``table``'s after them."""
        return replace(self, added=(*self.added, table.cast(self.schema)))

    def table(self) -> pa.Table:
        """Every row at once (a test, a small corpus)."""
        parts = list(self.batches())
        return pa.concat_tables(parts) if parts else self.schema.empty_table()


def text_hash(text: str | None) -> str:
    """SHA-256 of a document's text (of "" for an error row, which has none): what an append compares."""
    return hashlib.sha256((text or "").encode("utf8")).hexdigest()


def id_hash(doc_id: str) -> int:
    """A document id as a signed 64-bit integer (BLAKE2b): what :class:`DocIndex` searches."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf8"), digest_size=8).digest(), "little", signed=True)


@dataclass
class DocIndex:
    """Every document of a corpus, for an append to look its articles up: 64-bit hashes of the
    ids, sorted in a NumPy array with the run and row of each (20 bytes a document); a run's
    index (ids, text hashes) is read only when an article's hash is found in it (``read``), so
    that a corpus of a million documents costs some twenty megabytes, not an object per document."""

    hashes: np.ndarray  # id_hash, sorted
    runs: np.ndarray  # the run (a position in run_ids) of each sorted hash
    rows: np.ndarray  # its row in that run's index
    run_ids: list[str]
    last_key: int | None  # the largest doc_key
    read: Callable[[str], pa.Table]  # run -> its document index (DOCUMENT_INDEX)
    _read: dict[str, pa.Table] = field(default_factory=dict)

    @classmethod
    def of(cls, parts: Iterable[tuple[str, pa.Table]], read: Callable[[str], pa.Table] | None = None) -> DocIndex:
        """The index of ``(run_id, part)`` pairs (the registry's per-run document indexes: their
        ``id_hash`` and ``doc_key`` columns are enough when ``read`` gives a run's whole index;
        without ``read``, the parts are kept)."""
        hashes: list[np.ndarray] = []
        runs: list[np.ndarray] = []
        rows: list[np.ndarray] = []
        run_ids: list[str] = []
        kept: dict[str, pa.Table] = {}
        last: int | None = None
        for run, part in parts:
            run_hashes = part.column("id_hash").to_numpy()
            hashes.append(run_hashes)
            runs.append(np.full(len(run_hashes), len(run_ids), dtype=np.int32))
            rows.append(np.arange(len(run_hashes), dtype=np.int64))
            run_ids.append(run)
            top = pc.max(part.column("doc_key")).as_py()
            last = top if last is None or (top is not None and top > last) else last
            if read is None:
                kept[run] = part
        every = np.concatenate(hashes) if hashes else np.empty(0, np.int64)
        order = np.argsort(every, kind="stable")
        runs_all = np.concatenate(runs) if runs else np.empty(0, np.int32)
        rows_all = np.concatenate(rows) if rows else np.empty(0, np.int64)
        return cls(every[order], runs_all[order], rows_all[order], run_ids, last, read or kept.__getitem__)

    def get(self, doc_id: str) -> tuple[str, str, int] | None:
        """``(text hash, run, doc_key)`` of the corpus's document ``doc_id``, or None."""
        wanted = id_hash(doc_id)
        position = int(np.searchsorted(self.hashes, wanted))
        while position < len(self.hashes) and self.hashes[position] == wanted:
            run = self.run_ids[int(self.runs[position])]
            if run not in self._read:
                self._read[run] = self.read(run)
            table, row = self._read[run], int(self.rows[position])
            if table.column("doc_id")[row].as_py() == doc_id:
                return table.column("text_sha256")[row].as_py(), run, table.column("doc_key")[row].as_py()
            position += 1
        return None

    def next_key(self) -> int:
        """The ``doc_key`` the next document gets."""
        return 0 if self.last_key is None else self.last_key + 1


def summary_keys(table: pa.Table) -> list[SummaryRowKey]:
    """The summary key of every row of ``table`` (``entities`` or the registry's ``summaries``),
    as the resolver keys its summaries (:func:`pipeline.corpus.resolve.summary_keys`)."""
    return resolver_keys(table.select(SUMMARY_KEY_COLUMNS).to_pydict())


@dataclass
class Update:
    """What :meth:`Registry.update` computed for one run."""

    resolution: Resolution  # the clusters of the summaries resolved again, with the corpus's ids (by_summary: the run's summaries)
    registry: Registry  # the registry after the run
    resolved: pa.Table  # the registry rows resolved again (summary_id, ..., canonical_id)
    changed: list[str]  # the ids those rows had before: their corpus_entities rows are replaced
    summary_ids: dict[SummaryRowKey, int]  # summary key -> summary_id, of the run's summaries
    new_ids: int  # canonical ids given by this run
    redirected: int  # ids retired into an older one by this run


@dataclass
class Registry:
    """The summaries with their ids, every id given, and the redirects (see the module docstring).

    ``summaries`` and ``canonical_ids`` grow with the corpus and are :class:`Rows`; the redirects
    (one row per merge of two known entities) are few and held whole."""

    summaries: Rows  # summary_id, the summary's columns, canonical_id, block_keys
    canonical_ids: Rows  # CANONICAL_IDS
    redirects: pa.Table  # CANONICAL_REDIRECTS

    @classmethod
    def empty(cls) -> Registry:
        return cls(Rows.of(_rows(CorpusResolver(), [], [])), Rows.of(CANONICAL_IDS.empty_table()), CANONICAL_REDIRECTS.empty_table())

    @classmethod
    def stored(cls, summaries: Rows, canonical_ids: Rows, redirects: pa.Table) -> Registry:
        """The registry a corpus keeps (:meth:`~pipeline.writing.store.CorpusStore.registry_tables`);
        summaries written with block keys of another version get today's, as they are read."""
        if (summaries.schema.metadata or {}).get(b"block_keys") != BLOCK_KEYS_VERSION[b"block_keys"]:
            summaries = _rekeyed(summaries)
        return cls(summaries, canonical_ids, redirects)

    @classmethod
    def of_run(cls, entities: pa.Table, run_id: str) -> Registry:
        """The registry of a corpus written by one run without ``--append`` (its ``entities``
        table): the ids that run gave are kept, as given by ``run_id``."""
        resolver = CorpusResolver.from_tables([entities])
        given = dict(zip(summary_keys(entities), entities.column("canonical_id").to_pylist()))
        ids = [given[key] for key in resolver.summaries()]
        unique = sorted(set(ids))
        born = pa.table({"canonical_id": unique, "run_id": [run_id] * len(unique)}, schema=CANONICAL_IDS)
        return cls(Rows.of(_rows(resolver, list(range(len(ids))), ids)), Rows.of(born), CANONICAL_REDIRECTS.empty_table())

    def update(self, new: CorpusResolver, run_id: str, dropped: CorpusResolver | None = None) -> Update:
        """Add the summaries of ``new`` (a run's) and take out those of ``dropped`` (replaced
        documents'), resolve again the groups of summaries they touch (:meth:`_touched`: the
        clusters one run over every article would make) and keep the corpus's ids; the returned
        registry is the corpus's after ``run_id``."""
        # Block keys are computed for the run's summaries only; the registry's are stored. The rows
        # touched are turned into Python objects once (their keys), the rest stays in Arrow.
        blocks = {key: sorted(new.block_keys(key)) for key in [*new.summaries(), *(dropped.summaries() if dropped is not None else [])]}
        before = self._touched(set().union(*blocks.values()))
        resolver = CorpusResolver()
        known: dict[SummaryRowKey, tuple[int, str, int]] = {}  # key -> summary_id, canonical_id, row of ``before``
        columns = (before.column(name).to_pylist() for name in ("summary_id", "canonical_id", "mention_count"))
        for row, (key, summary_id, canonical_id, count) in enumerate(zip(summary_keys(before), *columns)):
            known[key] = (summary_id, canonical_id, row)
            resolver.mentions[key] += count
        stored_blocks, touched_ids = before.column(BLOCK_KEYS).combine_chunks(), before.column("summary_id").combine_chunks()
        changed = sorted(set(before.column("canonical_id").to_pylist()))
        del before
        resolver.merge(new)
        if dropped is not None:
            resolver.remove(dropped)
        fresh = resolver.resolve()
        keys = resolver.summaries()
        fresh_ids = [fresh.by_summary[key] for key in keys]
        counts = [resolver.mentions[key] for key in keys]
        stable, redirects, new_ids = self._keep_ids(fresh_ids, [known[key][1] if key in known else None for key in keys], counts)
        next_id = self.summaries.max("summary_id")
        next_id = 0 if next_id is None else next_id + 1
        summary_ids: list[int] = []
        rows_of_blocks: list[int] = []
        unknown: list[list[str]] = []
        for key in keys:
            if key in known:
                summary_ids.append(known[key][0])
                rows_of_blocks.append(known[key][2])
            else:
                summary_ids.append(next_id)
                next_id += 1
                rows_of_blocks.append(len(stored_blocks) + len(unknown))
                unknown.append(blocks[key])
        block_column = pa.concat_arrays([stored_blocks, pa.array(unknown, stored_blocks.type)]).take(pa.array(rows_of_blocks, pa.int64()))
        rows = _rows(resolver, summary_ids, [stable[i] for i in fresh_ids], block_column)
        born = self.canonical_ids.plus(pa.table({"canonical_id": new_ids, "run_id": [run_id] * len(new_ids)}, schema=CANONICAL_IDS))
        summaries = self.summaries.without("summary_id", touched_ids).plus(rows)
        # The run's summaries only: what its tables are stamped with (the others' keys are let go).
        resolution = Resolution(
            by_summary={key: stable[cid] for key, cid in fresh.by_summary.items() if key in new.mentions},
            clusters={stable[cid]: replace(cluster, canonical_id=stable[cid]) for cid, cluster in fresh.clusters.items()},
        )
        registry = Registry(summaries, born, self._redirected(redirects, run_id))
        summary_ids_of_run = {key: summary_id for key, summary_id in zip(keys, summary_ids) if key in new.mentions}
        return Update(resolution, registry, rows, changed, summary_ids_of_run, len(new_ids), len(redirects))

    def _touched(self, keys: set[str]) -> pa.Table:
        """The registry rows to resolve again: those with a block key that ``keys`` (the run's
        summaries') meet (:func:`~pipeline.corpus.resolve.block_partners`), and so on through
        theirs, until no row is added. Each round streams the stored keys past (a batch at a time,
        vectorised) and keeps only the rows found, so its memory grows with the groups touched,
        not with the registry; its time, with the rounds times the registry (a scan)."""
        found: set[int] = set()
        seen: set[str] = set()
        frontier = block_partners(keys)
        while frontier:
            seen |= frontier
            wanted = pa.array(sorted(frontier), pa.string())
            keys = set()
            for batch in self.summaries.batches(["summary_id", BLOCK_KEYS]):
                lists = batch.column(BLOCK_KEYS).combine_chunks()
                parents = pc.list_parent_indices(lists).to_numpy()
                hit = np.unique(parents[pc.is_in(pc.list_flatten(lists), value_set=wanted).to_numpy(zero_copy_only=False)])
                ids = batch.column("summary_id").to_numpy()[hit]
                fresh = ~np.isin(ids, np.fromiter(found, np.int64, len(found)))
                if fresh.any():
                    found.update(ids[fresh].tolist())
                    keys.update(pc.list_flatten(lists.take(pa.array(hit[fresh]))).to_pylist())
            frontier = block_partners(keys) - seen
        return self.summaries.where("summary_id", pa.array(sorted(found), pa.int64()))

    def _keep_ids(self, fresh_ids: list[str], old_ids: list[str | None], counts: list[int]) -> tuple[dict[str, str], dict[str, str], list[str]]:
        """Fresh cluster id -> the id it keeps, retired id -> surviving id (module docstring), and the new ids."""
        weights: dict[str, Counter] = {}  # known id -> fresh cluster -> mentions
        for fresh, old, count in zip(fresh_ids, old_ids, counts):
            if old is not None:
                weights.setdefault(old, Counter())[fresh] += count
        claims: dict[str, list[str]] = {}  # fresh cluster -> the known ids whose mentions are mostly in it
        for old, by_fresh in weights.items():
            claims.setdefault(max(sorted(by_fresh), key=by_fresh.__getitem__), []).append(old)
        ids = self.canonical_ids.where("canonical_id", pa.array(sorted(weights), pa.string()))
        born = dict(zip(ids.column("canonical_id").to_pylist(), ids.column("run_id").to_pylist()))
        stable: dict[str, str] = {}
        redirects: dict[str, str] = {}
        for fresh in sorted(set(fresh_ids)):
            olds = claims.get(fresh)
            if olds:
                survivor = min(olds, key=lambda i: (born.get(i, ""), i))  # the oldest id
                stable[fresh] = survivor
                redirects.update((old, survivor) for old in olds if old != survivor)
        unclaimed = sorted(set(fresh_ids) - stable.keys())
        taken = self._given(unclaimed) | set(stable.values())
        for fresh in unclaimed:  # new ids: the fresh one, unless the corpus gave it before
            candidate, n = fresh, 1
            while candidate in taken or (n > 1 and self._given([candidate])):
                n += 1
                candidate = f"{fresh}.{n}"
            stable[fresh] = candidate
            taken.add(candidate)
        return stable, redirects, [stable[fresh] for fresh in unclaimed]

    def _given(self, candidates: list[str]) -> set[str]:
        """Those of ``candidates`` the corpus gave before (alive or redirected): an id once given
        never names another entity. Streamed past the ids given: no set of every id is built."""
        wanted = pa.array(candidates, pa.string())
        alive = self.canonical_ids.where("canonical_id", wanted, ["canonical_id"]).column("canonical_id").to_pylist()
        retired = self.redirects.filter(pc.is_in(self.redirects["old_id"], value_set=wanted)).column("old_id").to_pylist()
        return set(alive) | set(retired)

    def _redirected(self, redirects: Mapping[str, str], run_id: str) -> pa.Table:
        """The redirects after this run: earlier ones re-pointed to where their target went (so one
        lookup always reaches an id of ``corpus_entities``), then this run's."""
        earlier = self.redirects.to_pydict()
        rows = {
            "old_id": earlier["old_id"] + sorted(redirects),
            "canonical_id": [redirects.get(target, target) for target in earlier["canonical_id"]] + [redirects[o] for o in sorted(redirects)],
            "run_id": earlier["run_id"] + [run_id] * len(redirects),
        }
        return pa.table(rows, schema=CANONICAL_REDIRECTS)


def _rows(resolver: CorpusResolver, summary_ids: list[int], canonical_ids: list[str], blocks: pa.Array | None = None) -> pa.Table:
    """Registry rows: the resolver's summary table with ``summary_id``, ``canonical_id`` and the
    block keys (``blocks``, in the same order; computed when not given, each list sorted)."""
    table = resolver.summary_table()
    if blocks is None:
        blocks = pa.array([sorted(resolver.block_keys(key)) for key in resolver.summaries()], pa.list_(pa.string()))
    table = table.add_column(0, "summary_id", pa.array(summary_ids, pa.int64()))
    table = table.append_column("canonical_id", pa.array(canonical_ids, pa.string()))
    return table.append_column(BLOCK_KEYS, blocks).replace_schema_metadata(BLOCK_KEYS_VERSION)


def _rekeyed(summaries: Rows) -> Rows:
    """``summaries`` with their block keys computed again, batch by batch as they are read."""
    resolver = CorpusResolver()
    schema = summaries.schema.with_metadata(BLOCK_KEYS_VERSION)

    def batches(columns: list[str] | None) -> Iterator[pa.Table]:
        for batch in summaries.batches(None if columns is None or BLOCK_KEYS not in columns else list({*columns, *SUMMARY_KEY_COLUMNS})):
            if BLOCK_KEYS in batch.column_names:
                blocks = [sorted(resolver.block_keys(key)) for key in summary_keys(batch)]
                batch = batch.set_column(batch.schema.get_field_index(BLOCK_KEYS), schema.field(BLOCK_KEYS), pa.array(blocks, pa.list_(pa.string())))
            yield batch if columns is None else batch.select(columns)

    return Rows(schema, batches)


@dataclass
class RunIndex:
    """The registry rows of one run's documents, gathered batch by batch on their way to the
    writer: each document's text hash and key, and the summary of each ``entities`` row."""

    summary_ids: Mapping[SummaryRowKey, int]
    first_key: int = 0
    documents: dict[str, list] = field(default_factory=lambda: {name: [] for name in DOCUMENT_INDEX.names})
    entities: dict[str, list] = field(default_factory=lambda: {name: [] for name in ENTITY_SUMMARIES.names})
    _keys: dict[str, int] = field(default_factory=dict)

    def add(self, tables: Mapping[str, pa.Table]) -> Mapping[str, pa.Table]:
        """Index one batch's tables; returns them unchanged."""
        documents = tables["documents"].select(["doc_id", "text"]).to_pydict()
        for doc_id, text in zip(documents["doc_id"], documents["text"]):
            self._keys[doc_id] = key = self.first_key + len(self._keys)
            self.documents["doc_id"].append(doc_id)
            self.documents["text_sha256"].append(text_hash(text))
            self.documents["doc_key"].append(key)
            self.documents["id_hash"].append(id_hash(doc_id))
        entities = tables["entities"]
        self.entities["entity_id"] += entities.column("entity_id").to_pylist()
        self.entities["doc_key"] += [self._keys[doc_id] for doc_id in entities.column("doc_id").to_pylist()]
        self.entities["summary_id"] += [self.summary_ids[key] for key in summary_keys(entities)]
        return tables

    def tables(self) -> tuple[pa.Table, pa.Table]:
        """The run's document index and entity summaries."""
        return pa.table(self.documents, schema=DOCUMENT_INDEX), pa.table(self.entities, schema=ENTITY_SUMMARIES)


def doc_counts(entity_summaries: Iterable[pa.Table], summaries: pa.Table) -> Counter:
    """Canonical id -> documents it is mentioned in, for the clusters of ``summaries`` (registry
    rows), over every run's entity summaries (only ``doc_key`` and ``summary_id`` are read and
    filtered, vectorised: whole numbers, however large the corpus)."""
    wanted = summaries.column("summary_id")
    parts = [table.select(["doc_key", "summary_id"]).filter(pc.is_in(table["summary_id"], wanted)) for table in entity_summaries]
    if not parts or not summaries.num_rows:
        return Counter()
    pairs = pa.concat_tables(parts)
    cluster = dict(zip(wanted.to_pylist(), summaries.column("canonical_id").to_pylist()))
    ids = sorted(set(cluster.values()))
    index = {canonical_id: i for i, canonical_id in enumerate(ids)}
    lookup = {summary_id: index[canonical_id] for summary_id, canonical_id in cluster.items()}
    clusters = np.array([lookup[s] for s in pairs.column("summary_id").to_pylist()], dtype=np.int64)
    distinct = pa.table({"doc_key": pairs.column("doc_key"), "cluster": clusters}).group_by(["doc_key", "cluster"]).aggregate([])
    counted = distinct.group_by("cluster").aggregate([("doc_key", "count")]).to_pydict()
    return Counter({ids[c]: n for c, n in zip(counted["cluster"], counted["doc_key_count"])})


#: How ``corpus_entities`` is ordered: most mentioned first, then by id (as one run writes it).
CORPUS_ORDER = [("mention_count", "descending"), ("canonical_id", "ascending")]


def merge_corpus(before: Iterable[pa.Table], rows: pa.Table, changed: Iterable[str]) -> Iterator[pa.Table]:
    """``corpus_entities`` after a run, a batch at a time: the rows of ``before`` (the corpus's,
    batch by batch, in :data:`CORPUS_ORDER`) whose id is not in ``changed``, and ``rows`` (the
    clusters resolved again), merged in that order, so that the table is never held whole."""
    gone = pa.array(sorted(changed), pa.string())
    pending = rows.cast(CORPUS_ENTITIES).sort_by(CORPUS_ORDER)
    for batch in before:
        kept = batch.filter(pc.invert(pc.is_in(batch["canonical_id"], value_set=gone))).cast(CORPUS_ENTITIES)
        if not kept.num_rows:
            continue
        # The new rows that sort before this batch's last row go with it.
        count, last = kept["mention_count"][-1], kept["canonical_id"][-1]
        earlier = pc.or_(
            pc.greater(pending["mention_count"], count),
            pc.and_(pc.equal(pending["mention_count"], count), pc.less_equal(pending["canonical_id"], last)),
        )
        yield pa.concat_tables([kept, pending.filter(earlier)]).sort_by(CORPUS_ORDER)
        pending = pending.filter(pc.invert(earlier))
    if pending.num_rows:
        yield pending


def vote_table(votes: CorpusVote) -> pa.Table:
    """``votes`` as a table (:data:`VOTES`), for the registry: the label votes go on with the corpus."""
    rows = [(key, kind, label, value) for kind in VOTE_KINDS for key, counts in getattr(votes, kind).items() for label, value in counts.items()]
    return pa.table([list(column) for column in zip(*rows)] if rows else [[], [], [], []], schema=VOTES)


def vote_keys(votes: CorpusVote) -> pa.Array:
    """The name keys ``votes`` has a vote for (what an append reads of the corpus's votes)."""
    return pa.array(sorted({key for kind in VOTE_KINDS for key in getattr(votes, kind)}), pa.string())


def votes_of(table: pa.Table | None) -> CorpusVote:
    """The :class:`~pipeline.corpus.vote.CorpusVote` of a :func:`vote_table` (an empty vote for None)."""
    votes = CorpusVote()
    for key, kind, label, value in zip(*(table.column(name).to_pylist() for name in VOTES.names)) if table is not None else ():
        getattr(votes, kind)[key][label] += value
    return votes
