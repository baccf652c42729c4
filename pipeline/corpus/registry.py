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

A registry row is a summary per document (a person's or organisation's keeps its document's
context), so a popular name's group holds a row per document that names it. An append does not
resolve those rows one by one: the rows of one name (label, name, aliases, ``kb_id``, sport) that
resolution joins by strong keys alone are one cluster with one id, and are resolved as one
summary whose context is the union of theirs less what no short form of the append can read
(:class:`_Resolved`); only short forms (a lone surname, a one-word organisation, a name that a
fuller one makes short: :meth:`~pipeline.corpus.resolve.CorpusResolver.decided_alone`) are
resolved a row per document, as one run over every article resolves them. So an append holds
the distinct names it touches, not their documents, and gives the clusters one run would.

The registry's tables grow with the corpus, so an append never holds them whole: they are
:class:`Rows`, read batch by batch from where the store keeps them (the rows a run touches are
picked out as they stream past, grouped in Arrow), and written again the same way, less the rows
replaced, with the new ids and counts of the rows resolved again patched in (:meth:`Rows.patched`),
plus the new ones. This module computes on tables and batches; it reads and writes no file.
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

from ..knowledge.names import SPORT_PREFIX
from ..writing.schema import CANONICAL_IDS, CANONICAL_REDIRECTS, CORPUS_ENTITIES, DOCUMENT_INDEX, ENTITY_SUMMARIES
from .resolve import SUMMARY_KEY_COLUMNS, CorpusResolver, Resolution, block_partners, settled_key
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

    def patched(self, column: str, patch: pa.Table) -> Rows:
        """These rows with the values of ``patch``'s other columns where their ``column`` is one
        of ``patch``'s (a null in ``patch`` keeps the row's value)."""
        if not patch.num_rows:
            return self
        keys = patch[column].combine_chunks()

        def source(columns: list[str] | None) -> Iterator[pa.Table]:
            for batch in self.batches(None if columns is None else list(dict.fromkeys([*columns, column]))):
                found = pc.index_in(batch[column], value_set=keys)
                for name in patch.column_names:
                    if name != column and name in batch.column_names:
                        values = pc.coalesce(patch[name].combine_chunks().take(found), batch[name].combine_chunks())
                        batch = batch.set_column(batch.schema.get_field_index(name), batch.schema.field(name), values)
                yield batch if columns is None else batch.select(columns)

        return Rows(self.schema, source)

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
    summaries_resolved: int = 0  # registry summaries resolved again (the rows of a name decided by strong keys alone count once)


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
        registry is the corpus's after ``run_id``.

        The registry keeps a summary per document; the rows of one name decided by strong keys
        alone are resolved as one summary (:class:`_Resolved`), so that what is held follows the
        distinct names a run touches, not their documents. Rows are not written again: the
        touched ones get their new ids and counts as the registry streams past (:meth:`Rows.patched`)."""
        # Block keys are computed for the run's summaries only; the registry's are stored.
        blocks = {key: sorted(new.block_keys(key)) for key in [*new.summaries(), *(dropped.summaries() if dropped is not None else [])]}
        touched = _Resolved.read(self.summaries, self._touched(set().union(*blocks.values())), new, dropped)
        fresh = touched.resolver.resolve()
        alive = touched.alive()
        new_keys = [key for key in new.summaries() if touched.summary_id(key) is None]
        fresh_ids = [fresh.by_summary[touched.keys[i]] for i in alive] + [fresh.by_summary[key] for key in new_keys]
        old_ids = [touched.canonical_ids[i] for i in alive] + [None] * len(new_keys)
        stable, redirects, new_ids = self._keep_ids(fresh_ids, old_ids, [touched.counts[i] for i in alive] + [new.mentions[key] for key in new_keys])
        next_id = self.summaries.max("summary_id")
        next_id = 0 if next_id is None else next_id + 1
        summary_ids = {key: next_id + i for i, key in enumerate(new_keys)}
        summary_ids.update((key, found) for key in new.mentions for found in [touched.summary_id(key)] if found is not None)
        added = _rows(
            CorpusResolver(mentions=Counter({key: new.mentions[key] for key in new_keys})), [summary_ids[key] for key in new_keys],
            [stable[fresh.by_summary[key]] for key in new_keys], pa.array([blocks[key] for key in new_keys], pa.list_(pa.string())),
        )  # fmt: skip
        patch, resolved = touched.patch({i: stable[cid] for i, cid in zip(alive, fresh_ids)}, new.mentions)
        born = self.canonical_ids.plus(pa.table({"canonical_id": new_ids, "run_id": [run_id] * len(new_ids)}, schema=CANONICAL_IDS))
        summaries = self.summaries.without("summary_id", touched.removed()).patched("summary_id", patch).plus(added)
        # The run's summaries only: what its tables are stamped with (the others' keys are let go).
        resolution = Resolution(
            by_summary={key: stable[fresh.by_summary[key]] for key in new.mentions},
            clusters={stable[cid]: replace(cluster, canonical_id=stable[cid]) for cid, cluster in fresh.clusters.items()},
        )
        resolved = pa.concat_tables([resolved, added.select(resolved.column_names)])
        registry = Registry(summaries, born, self._redirected(redirects, run_id))
        return Update(resolution, registry, resolved, touched.changed(), summary_ids, len(new_ids), len(redirects), len(touched.keys))

    def _touched(self, keys: set[str]) -> pa.Array:
        """The ``summary_id`` of the registry rows to resolve again: those with a block key that
        ``keys`` (the run's summaries') meet (:func:`~pipeline.corpus.resolve.block_partners`), and
        so on through theirs, until no row is added. Each round streams the stored keys past (a
        batch at a time, vectorised) and keeps only the ids found, so its memory grows with the
        groups touched (8 bytes a row), not with the registry; its time, with the rounds times
        the registry (a scan)."""
        found = np.empty(0, np.int64)
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
                fresh = ~np.isin(ids, found)
                if fresh.any():
                    found = np.union1d(found, ids[fresh])
                    keys.update(pc.unique(pc.list_flatten(lists.take(pa.array(hit[fresh])))).to_pylist())
            frontier = block_partners(keys) - seen
        return pa.array(found, pa.int64())

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


#: What tells which summaries are decided alone (:meth:`CorpusResolver.always_alone`).
RESOLVER = CorpusResolver()
#: The registry columns an update reads of the rows it resolves again (:class:`_Resolved`).
RESOLVED_COLUMNS = ["summary_id", *SUMMARY_KEY_COLUMNS, "mention_count", "canonical_id"]


def _picked(rows: Rows, ids: pa.Array, columns: list[str]) -> Iterator[pa.Table]:
    """The rows whose ``summary_id`` is one of ``ids``, a batch at a time."""
    for batch in rows.batches(columns):
        found = batch.filter(pc.is_in(batch["summary_id"], value_set=ids))
        if found.num_rows:
            yield found


#: Separators of the strings that stand for a summary in Arrow (:func:`encoded`): between its
#: fields, and between the items of a list field.
FIELD_SEPARATOR, ITEM_SEPARATOR = "\x1e", "\x1f"
NO_KB_ID = "\x00"


def encoded(key: SummaryRowKey) -> str:
    """A summary as one string, as :func:`encoded_rows` writes a row's (to find a run's summaries
    among the registry's rows without a Python object per row)."""
    label, name, aliases, kb_id, context = key
    fields = [
        label,
        name,
        ITEM_SEPARATOR.join(aliases),
        str(len(aliases)),
        NO_KB_ID if kb_id is None else kb_id,
        ITEM_SEPARATOR.join(context),
        str(len(context)),
    ]
    return FIELD_SEPARATOR.join(fields)


def encoded_rows(table: pa.Table, context: pa.Array | None = None) -> pa.Array:
    """Each row of ``table`` (registry rows) as :func:`encoded` writes its summary, vectorised;
    with ``context``, that list column stands for the rows' context."""
    column = {name: table.column(name).combine_chunks() for name in ("label", "name", "aliases", "kb_id")}
    context = table.column("context").combine_chunks() if context is None else context
    fields = [
        column["label"], column["name"], pc.binary_join(column["aliases"], ITEM_SEPARATOR), pc.cast(pc.list_value_length(column["aliases"]), pa.string()),
        pc.fill_null(column["kb_id"], NO_KB_ID), pc.binary_join(context, ITEM_SEPARATOR), pc.cast(pc.list_value_length(context), pa.string()),
    ]  # fmt: skip
    return pc.binary_join_element_wise(*[pc.fill_null(f, "") for f in fields], FIELD_SEPARATOR)


def _sports(context: pa.ListArray) -> pa.ListArray:
    """Each row's context less all but its sport (:func:`~pipeline.corpus.resolve.settled_key`), vectorised."""
    flat = pc.list_flatten(context)
    kept = pc.starts_with(flat, SPORT_PREFIX).to_numpy(zero_copy_only=False)
    counts = np.bincount(pc.list_parent_indices(context).to_numpy()[kept], minlength=len(context))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), flat.filter(pa.array(kept)))


@dataclass
class _Groups:
    """The registry rows an update resolves again, grouped by name (:func:`settled_key`) and
    canonical id as they stream past, vectorised: each group's mentions, its rows' ids and groups
    (NumPy), the rows that hold a run's summary, and, as Python objects, only the rows of groups
    decided alone (:meth:`CorpusResolver.always_alone`) and of those read again (``keep``)."""

    index: dict[str, int] = field(default_factory=dict)  # a group's settled key and canonical id (encoded) -> group
    settled: list[tuple[SummaryRowKey, str]] = field(default_factory=list)  # per group: settled key, canonical id
    counts: list[int] = field(default_factory=list)
    alone: list[bool] = field(default_factory=list)  # decided alone whatever else the update holds
    rows: list[tuple[SummaryRowKey, int, str, int]] = field(default_factory=list)  # key, summary_id, canonical_id, mentions
    ids: list[np.ndarray] = field(default_factory=list)
    groups: list[np.ndarray] = field(default_factory=list)
    matched: dict[SummaryRowKey, tuple[int, int, int]] = field(default_factory=dict)  # a run's summary -> its row: summary_id, mentions, group

    def add(self, batch: pa.Table, new: Mapping[SummaryRowKey, int], wanted: pa.Array, keep: set[int] | None = None) -> None:
        """Group one batch's rows, noting those that hold a summary of ``new`` (a run's; ``wanted``:
        them :func:`encoded`); with ``keep``, only keep the rows of those groups (a second read)."""
        settled = pc.binary_join_element_wise(
            encoded_rows(batch, _sports(batch.column("context").combine_chunks())), batch.column("canonical_id").combine_chunks(), FIELD_SEPARATOR
        )
        codes = settled.dictionary_encode()
        dictionary = codes.dictionary.to_pylist()
        unseen = [i for i, code in enumerate(dictionary) if code not in self.index] if keep is None else []
        firsts = batch.take(pa.array(np.unique(codes.indices.to_numpy(), return_index=True)[1][unseen], pa.int64()))  # a new group's first row
        for i, key, canonical_id in zip(unseen, summary_keys(firsts), firsts.column("canonical_id").to_pylist()):
            self.index[dictionary[i]] = len(self.settled)
            self.settled.append((settled_key(key), canonical_id))
            self.counts.append(0)
            self.alone.append(RESOLVER.always_alone(settled_key(key)))
        row_groups = np.array([self.index.get(code, -1) for code in dictionary], np.int64)[codes.indices.to_numpy()]
        if keep is not None:
            self._keep(batch, np.isin(row_groups, np.fromiter(keep, np.int64, len(keep))))
            return
        totals = np.bincount(row_groups, weights=batch.column("mention_count").to_numpy(), minlength=len(self.counts))
        self.counts = [count + int(total) for count, total in zip(self.counts, totals)]
        self.ids.append(batch.column("summary_id").to_numpy())
        self.groups.append(row_groups)
        held = np.flatnonzero(pc.is_in(encoded_rows(batch), value_set=wanted).to_numpy(zero_copy_only=False))
        found = batch.take(pa.array(held, pa.int64()))
        columns = (found.column(name).to_pylist() for name in ("summary_id", "mention_count"))
        for key, summary_id, count, group in zip(summary_keys(found), *columns, row_groups[held].tolist()):
            if key in new and key not in self.matched:
                self.matched[key] = (summary_id, count, group)
        self._keep(batch, np.array(self.alone, bool)[row_groups])

    def _keep(self, batch: pa.Table, rows: np.ndarray) -> None:
        """Hold ``rows`` (a mask) of ``batch`` as Python objects."""
        if not rows.any():
            return
        kept = batch.filter(pa.array(rows))
        columns = (kept.column(name).to_pylist() for name in ("summary_id", "canonical_id", "mention_count"))
        self.rows += [(key, summary_id, canonical_id, count) for key, summary_id, canonical_id, count in zip(summary_keys(kept), *columns)]


@dataclass
class _Resolved:
    """What an update resolves: the run's summaries with the registry rows they touch, as one
    :class:`~pipeline.corpus.resolve.CorpusResolver`, and where each came from.

    A registry row is a summary per document. The rows of a summary decided alone (a short form:
    :meth:`~pipeline.corpus.resolve.CorpusResolver.decided_alone`) are resolved as they are, one
    item each. The rows of one name decided by strong keys alone (one cluster, one id) are one
    item and one summary, whose context is the union of theirs restricted to the keys the
    update's short forms have (the only part a decision reads: the same clusters as every row);
    their rows stay in Arrow (an id and an item: 16 bytes a row), so that what is held follows the
    names an update touches, not the documents that name them."""

    resolver: CorpusResolver
    keys: list[SummaryRowKey] = field(default_factory=list)  # per item: its summary in ``resolver``
    canonical_ids: list[str] = field(default_factory=list)  # per item: its id before the update
    counts: list[int] = field(default_factory=list)  # per item: its mentions after the update
    names: list[str] = field(default_factory=list)
    row_ids: list[int | None] = field(default_factory=list)  # per item: its summary_id (a row), None (a group)
    row_of: dict[SummaryRowKey, list[int]] = field(default_factory=dict)  # summary -> its row items
    member_ids: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # the rows of group items
    member_items: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    #: A run's summary held by a row of a group item -> that row's summary_id, mentions and item.
    matched: dict[SummaryRowKey, tuple[int, int, int]] = field(default_factory=dict)

    @classmethod
    def read(cls, rows: Rows, ids: pa.Array, new: CorpusResolver, dropped: CorpusResolver | None) -> _Resolved:
        """The touched registry rows (``ids``) with ``new`` added and ``dropped`` taken out."""
        groups, wanted = _Groups(), pa.array([encoded(key) for key in new.mentions], pa.string())
        for batch in _picked(rows, ids, RESOLVED_COLUMNS):
            groups.add(batch, new.mentions, wanted)
        settled = groups.settled
        run = new.summaries()
        alone = CorpusResolver().decided_alone([key for key, _ in settled] + run)
        gone = {settled_key(key) for key in dropped.mentions} if dropped is not None else set()
        # A name that is shortened here (or loses a document) is read again a row per document.
        again = {g for g, (key, _) in enumerate(settled) if not groups.alone[g] and (g in alone or key in gone)}
        for batch in _picked(rows, ids, RESOLVED_COLUMNS) if again else ():
            groups.add(batch, new.mentions, wanted, keep=again)
        single = {g for g in range(len(settled)) if groups.alone[g] or g in again}
        short = set().union(*(_entity_keys(key[4]) for key, *_ in groups.rows), *(_entity_keys(run[i - len(settled)][4]) for i in alone if i >= len(settled)))
        member_ids = np.concatenate(groups.ids) if groups.ids else np.empty(0, np.int64)
        member_groups = np.concatenate(groups.groups) if groups.groups else np.empty(0, np.int64)
        contexts = _group_contexts(rows, ids, member_ids, member_groups, single, short)
        resolved = cls(CorpusResolver())
        item_of = np.full(len(settled), -1, np.int64)
        for g, (key, canonical_id) in enumerate(settled):
            if g not in single:
                item_of[g] = resolved._add((*key[:4], key[4] + tuple(sorted(contexts.get(g, ())))), canonical_id, groups.counts[g], None)
        for key, summary_id, canonical_id, count in groups.rows:
            resolved.row_of.setdefault(key, []).append(resolved._add(key, canonical_id, count, summary_id))
        kept = item_of[member_groups] >= 0
        resolved.member_ids, resolved.member_items = member_ids[kept], item_of[member_groups[kept]]
        resolved.matched = {key: (summary_id, count, int(item_of[group])) for key, (summary_id, count, group) in groups.matched.items() if item_of[group] >= 0}
        resolved._change(new, dropped)
        return resolved

    def _add(self, key: SummaryRowKey, canonical_id: str, count: int, summary_id: int | None) -> int:
        self.resolver.mentions[key] += count
        self.keys.append(key)
        self.canonical_ids.append(canonical_id)
        self.counts.append(count)
        self.names.append(key[1])
        self.row_ids.append(summary_id)
        return len(self.keys) - 1

    def _change(self, new: CorpusResolver, dropped: CorpusResolver | None) -> None:
        """Add the run's summaries (to the row of the same summary, if there is one) and take out
        the dropped ones (from their rows, in order)."""
        self.resolver.merge(new)
        for key, count in new.mentions.items():
            if key in self.row_of:
                self.counts[self.row_of[key][0]] += count
            elif key in self.matched:
                self.counts[self.matched[key][2]] += count
        if dropped is None:
            return
        self.resolver.remove(dropped)
        for key, count in dropped.mentions.items():
            for item in self.row_of.get(key, ()):
                taken = min(count, self.counts[item])
                self.counts[item] -= taken
                count -= taken

    def alive(self) -> list[int]:
        """The items with mentions left."""
        return [item for item, count in enumerate(self.counts) if count > 0]

    def removed(self) -> pa.Array:
        """The ``summary_id`` of rows left with no mention (their documents were replaced)."""
        return pa.array(sorted(row for row, count in zip(self.row_ids, self.counts) if count <= 0 and row is not None), pa.int64())

    def changed(self) -> list[str]:
        """The ids the touched rows had: their ``corpus_entities`` rows are replaced."""
        return sorted(set(self.canonical_ids))

    def summary_id(self, key: SummaryRowKey) -> int | None:
        """The ``summary_id`` of the row holding ``key`` (a run's summary), or None (a new row)."""
        if key in self.row_of:
            return self.row_ids[self.row_of[key][0]]
        return self.matched[key][0] if key in self.matched else None

    def patch(self, ids: Mapping[int, str], new: Mapping[SummaryRowKey, int]) -> tuple[pa.Table, pa.Table]:
        """The new id (and, for a row item or a row that ``new`` adds to, mentions) of every touched
        row whose item is in ``ids`` (item -> id), as a patch for :meth:`Rows.patched` (the rows
        of a group whose id stays are left out), and every such row's ``summary_id``, ``name``
        and ``canonical_id``."""
        items = np.fromiter(ids, np.int64, len(ids))
        new_ids = np.full(len(self.keys), None, object)
        new_ids[items] = [ids[i] for i in items.tolist()]
        moved = np.array([ids.get(i, old) != old for i, old in enumerate(self.canonical_ids)] or [False], bool)
        added = {summary_id: (item, count + new[key]) for key, (summary_id, count, item) in self.matched.items() if item in ids}
        members = np.isin(self.member_items, items)
        patched = members & moved[self.member_items] & ~np.isin(self.member_ids, np.fromiter(added, np.int64, len(added)))
        rows = [(self.row_ids[i], i, self.counts[i]) for i in items.tolist() if self.row_ids[i] is not None] + [(s, i, n) for s, (i, n) in added.items()]
        patch = pa.table(
            {
                "summary_id": pa.array(np.concatenate([self.member_ids[patched], np.array([s for s, _, _ in rows], np.int64)]), pa.int64()),
                "canonical_id": pa.array([*new_ids[self.member_items[patched]].tolist(), *(ids[i] for _, i, _ in rows)], pa.string()),
                "mention_count": pa.array([None] * int(patched.sum()) + [n for _, _, n in rows], pa.int64()),
            }
        )
        listed = [(s, i) for s, i, _ in rows if self.row_ids[i] is not None]  # group rows are listed with their group
        names = pa.array(self.names, pa.string())
        resolved = pa.table(
            {
                "summary_id": pa.array(np.concatenate([self.member_ids[members], np.array([s for s, _ in listed], np.int64)]), pa.int64()),
                "name": pa.concat_arrays([names.take(pa.array(self.member_items[members])), names.take(pa.array([i for _, i in listed], pa.int64()))]),
                "canonical_id": pa.array([*new_ids[self.member_items[members]].tolist(), *(ids[i] for _, i in listed)], pa.string()),
            }
        )
        return patch, resolved


def _entity_keys(context: Iterable[str]) -> set[str]:
    """The entity keys of a summary's context (without its sport)."""
    return {c for c in context if not c.startswith(SPORT_PREFIX)}


def _group_contexts(rows: Rows, ids: pa.Array, member_ids: np.ndarray, member_groups: np.ndarray, single: set[int], short: set[str]) -> dict[int, set[str]]:
    """Group -> the keys of ``short`` that its rows' contexts have (groups not in ``single``),
    streamed past vectorised: only the keys found become Python objects."""
    if not short or not len(member_ids):
        return {}
    order = np.argsort(member_ids)
    sorted_ids, sorted_groups = member_ids[order], member_groups[order]
    merged = np.ones(int(sorted_groups.max()) + 1, bool)
    merged[list(single)] = False
    wanted = pa.array(sorted(short), pa.string())
    found: dict[int, set[str]] = {}
    for batch in _picked(rows, ids, ["summary_id", "context"]):
        contexts = batch.column("context").combine_chunks()
        hit = pc.is_in(pc.list_flatten(contexts), value_set=wanted).to_numpy(zero_copy_only=False)
        if not hit.any():
            continue
        parents = pc.list_parent_indices(contexts).to_numpy()[hit]
        groups = sorted_groups[np.searchsorted(sorted_ids, batch.column("summary_id").to_numpy()[parents])]
        keys = pc.list_flatten(contexts).filter(pa.array(hit)).to_pylist()
        for group, key in zip(groups.tolist(), keys):
            if merged[group]:
                found.setdefault(group, set()).add(key)
    return found


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
    rows: ``summary_id`` and ``canonical_id``), over every run's entity summaries (only
    ``doc_key`` and ``summary_id`` are read and filtered, vectorised: no Python object per row)."""
    wanted = summaries.column("summary_id").combine_chunks()
    parts = [table.select(["doc_key", "summary_id"]).filter(pc.is_in(table["summary_id"], wanted)) for table in entity_summaries]
    if not parts or not summaries.num_rows:
        return Counter()
    pairs = pa.concat_tables(parts)
    ids = pc.unique(summaries.column("canonical_id").combine_chunks())
    clusters = pc.index_in(summaries.column("canonical_id"), value_set=ids).combine_chunks()  # per summary row
    cluster = clusters.take(pc.index_in(pairs.column("summary_id"), value_set=wanted))
    distinct = pa.table({"doc_key": pairs.column("doc_key"), "cluster": cluster}).group_by(["doc_key", "cluster"]).aggregate([])
    counted = distinct.group_by("cluster").aggregate([("doc_key", "count")]).to_pydict()
    return Counter({ids[c].as_py(): n for c, n in zip(counted["cluster"], counted["doc_key_count"])})


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
