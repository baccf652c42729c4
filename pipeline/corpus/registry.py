"""The entity registry of a growing corpus: canonical ids that stay when articles are appended.

A corpus that grows (``python -m pipeline run NEW --output DIR --append``) keeps beside its
tables what corpus resolution needs to go on (``DIR/registry/``, read and written by
:mod:`pipeline.commands.run`):

* ``summaries``: the :class:`~pipeline.corpus.resolve.CorpusResolver`'s summaries as
  :meth:`~pipeline.corpus.resolve.CorpusResolver.summary_table` gives them (whatever columns a
  summary has), each with a ``summary_id``, the ``canonical_id`` it has now, its block keys and
  ``folded`` (below);
* ``canonical_ids``: every id given, with the run that gave it;
* per run, a document index (id, text hash), the summary of every ``entities`` row, and the
  document rows of name rows that the run brought (``folded``, :data:`~pipeline.writing.schema.FOLDED_ROWS`).

An append resolves the new summaries together with the groups of registry summaries they touch
(those sharing a block key, :meth:`~pipeline.corpus.resolve.CorpusResolver.block_keys`: a name, a
word of a name, initials, a surname, a ``kb_id``; a surname's or a word's block only where a
short form is there or may be after the run, :meth:`Registry._touched`), so that its cost
follows the new articles, not the corpus, and the clusters are those one run over every article
would make; then it keeps the ids the corpus gave (:meth:`Registry.update`):

* a cluster whose known summaries had one id keeps it (a fuller name changes ``name`` and
  ``aliases``, never the id); a cluster with no known summary gets a new id;
* a cluster that joins the summaries of several ids keeps the oldest; the others are retired
  into ``canonical_redirects`` (old id -> surviving id, with the run that merged them);
* when new evidence splits a cluster, its id stays with the part holding most of its mentions.

A summary is one per document (a person's or organisation's keeps its document's context). The
summaries of one name (label, name, aliases, ``kb_id``, sport) that resolution joins by strong
keys alone are one cluster with one id, and resolution reads their contexts only as a union
(:mod:`pipeline.corpus.grouping`), so the registry keeps such a name as **one row** (a *name
row*: its mentions, the union of its documents' context keys, and in ``folded`` how many
document rows it stands for); the document rows are kept in the file of the run that brought
them, and each run's entity index names, beside an entity row's summary, the name row it is a
document row of (``name_id``). Only short forms (a lone surname, a one-word
organisation, a name that a fuller one makes short:
:meth:`~pipeline.corpus.resolve.CorpusResolver.decided_alone`) are kept a row per document
(``folded`` 0): resolution decides them one by one. When a fuller name arrives and makes a
name row's name short, its document rows are read from the runs' files and become rows of
their own (with their ids); the name row goes. An entity's id is its summary's row's, else
its name row's (``pipeline.load``, DuckDB, the document counts); ``summary_id`` is never given
twice, so a name row that went is found by no entity whose summary is a row of its own now. So
an append reads, holds and rewrites the distinct names it touches, not their documents (the
runs' files of document rows are read only to unfold a name), and gives the clusters one run
would. A registry written before name rows (no ``folded`` column) is read as document rows.

The registry's tables grow with the corpus, so an append never holds them whole: they are
:class:`Rows`, read batch by batch from where the store keeps them (the rows a run touches are
picked out as they stream past, grouped in Arrow), and written again the same way, less the rows
replaced, with the new ids and counts of the rows resolved again patched in (:meth:`Rows.patched`),
plus the new ones. This module computes on tables and batches; it reads and writes no file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..knowledge.names import SPORT_PREFIX
from ..writing.schema import CANONICAL_IDS, CANONICAL_REDIRECTS, FOLDED_ROWS
from .block_index import CHANGES, INDEXED_COLUMNS, BlockIndex, block_keys_of
from .block_index import changes as block_changes
from .grouping import Resolved
from .resolve import (
    SUMMARY_KEY_COLUMNS,
    CorpusResolver,
    Resolution,
    block_partners,
    linking_keys,
    settled_key,
    short_form_block,
)
from .rows import FIELD_SEPARATOR, FOLDED, NAME_ID, SUMMARY_ID, Rows, SummaryRowKey, change_rows, encoded, summary_keys

#: The registry column of each summary's block keys (:meth:`CorpusResolver.block_keys`), and
#: which version of them the summaries file holds (its schema metadata): a registry written with
#: other keys has them computed again as it is read (:meth:`Registry.stored`).
BLOCK_KEYS = "block_keys"
BLOCK_KEYS_VERSION = {b"block_keys": b"3"}  # 3: a person's surname block passes over Jr., Sr., II (names.surname)
#: The summaries' metadata key of the next ``summary_id`` to give (:meth:`Registry._next_id`).
#: Rows of the touched rows held by an update that are grouped at a time (the summaries' row groups).
HELD_BATCH_ROWS = 4_096
NEXT_ID = b"next_summary_id"


@dataclass
class Update:
    """What :meth:`Registry.update` computed for one run."""

    resolution: Resolution  # the clusters of the summaries resolved again, with the corpus's ids (by_summary: the run's summaries)
    registry: Registry  # the registry after the run
    resolved: pa.Table  # the registry rows resolved again or added (summary_id, name, canonical_id, name_row)
    changed: list[str]  # the ids those rows had before: their corpus_entities rows are replaced
    summary_ids: dict[SummaryRowKey, int]  # summary key -> summary_id, of the run's summaries
    new_ids: int  # canonical ids given by this run
    redirected: int  # ids retired into an older one by this run
    summaries_resolved: int = 0  # registry summaries resolved again (the rows of a name decided by strong keys alone count once)
    folded: pa.Table = field(default_factory=FOLDED_ROWS.empty_table)  # the run's document rows of name rows (its file)
    name_ids: dict[SummaryRowKey, int] = field(default_factory=dict)  # the run's summaries kept as document rows -> their name row
    #: The ids whose documents must be counted again over every run's index: their clusters
    #: gained or lost registry rows of another id, or documents were replaced (None: every id).
    #: Any other cluster's documents are its count before plus the run's (:func:`recounted`).
    recount: set[str] | None = None
    #: The summaries' rows the run changed, added and removed (:func:`~pipeline.corpus.rows.change_rows`):
    #: what an append writes when it does not write them whole. None: they must be written whole
    #: (a registry read in another format, whose rows were converted as they were read).
    changes: pa.Table | None = None
    #: The run's changes to the index of linking keys (:func:`~pipeline.corpus.block_index.changes`): written with the summaries' changes.
    index_changes: pa.Table = field(default_factory=CHANGES.empty_table)
    given: pa.Table = field(default_factory=CANONICAL_IDS.empty_table)  # the ids this run gave (CANONICAL_IDS): written as the run's part


@dataclass
class Registry:
    """The summaries with their ids, every id given, and the redirects (see the module docstring).

    ``summaries`` and ``canonical_ids`` grow with the corpus and are :class:`Rows`; the redirects
    (one row per merge of two known entities) are few and held whole."""

    summaries: Rows  # summary_id, the summary's columns, canonical_id, block_keys, folded
    canonical_ids: Rows  # CANONICAL_IDS
    redirects: pa.Table  # CANONICAL_REDIRECTS
    folded: Rows = field(default_factory=lambda: Rows.of(FOLDED_ROWS.empty_table()))  # every run's document rows of name rows
    converted: bool = False  # summaries of another format, converted as they are read: written whole by the next run
    index: BlockIndex | None = None  # the linking keys of the summaries (:meth:`block_index`): the stored index, or made when first needed

    @classmethod
    def empty(cls) -> Registry:
        return cls(Rows.of(_rows(CorpusResolver(), [], [])), Rows.of(CANONICAL_IDS.empty_table()), CANONICAL_REDIRECTS.empty_table())

    @classmethod
    def stored(cls, summaries: Rows, canonical_ids: Rows, redirects: pa.Table, folded: Rows | None = None, index: BlockIndex | None = None) -> Registry:
        """The registry a corpus keeps (:meth:`~pipeline.writing.store.CorpusStore.registry_tables`);
        summaries written with block keys of another version get today's, as they are read, and
        a registry written before names were kept as one row (no ``folded`` column) is read as
        document rows: they are resolved as before, and the names the next runs add are one row.
        ``index``: the index of the summaries' linking keys the store keeps (None: made when needed)."""
        converted = False
        if (summaries.schema.metadata or {}).get(b"block_keys") != BLOCK_KEYS_VERSION[b"block_keys"]:
            summaries, converted = _rekeyed(summaries), True
        if FOLDED not in summaries.schema.names:
            summaries, converted = _with_folded(summaries), True
        folded = folded if folded is not None else Rows.of(FOLDED_ROWS.empty_table())
        return cls(summaries, canonical_ids, redirects, folded, converted, None if converted else index)

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

    def document_rows(self) -> pa.Table:
        """Every document row (a summary per document: ``summary_id``, the summary's columns and
        ``mention_count``) with its ``canonical_id`` now: the rows kept as they are and those of
        the name rows, read from the runs' files (a test, a small corpus: held whole)."""
        rows = self.summaries.table()
        kept = rows.filter(pc.equal(rows[FOLDED], 0)).select(["summary_id", *SUMMARY_KEY_COLUMNS, "mention_count", "canonical_id"])
        named = rows.filter(pc.greater(rows[FOLDED], 0))
        folded = self.folded.table()
        folded = folded.filter(pc.is_in(folded[NAME_ID], value_set=named["summary_id"].combine_chunks()))
        ids = named["canonical_id"].take(pc.index_in(folded[NAME_ID], value_set=named["summary_id"].combine_chunks()))
        return pa.concat_tables([kept, folded.drop_columns([NAME_ID]).append_column("canonical_id", ids).cast(kept.schema)])

    def update(self, new: CorpusResolver, run_id: str, dropped: CorpusResolver | None = None) -> Update:
        """Add the summaries of ``new`` (a run's) and take out those of ``dropped`` (replaced
        documents'), resolve again the groups of summaries they touch (:meth:`_touched`: the
        clusters one run over every article would make) and keep the corpus's ids; the returned
        registry is the corpus's after ``run_id``.

        A name decided by strong keys alone is one row and one summary resolved (:class:`Resolved`),
        so that what is read and held follows the distinct names a run touches, not their
        documents. Rows are not written again: the touched ones get their new ids and counts (a
        name row that gains document rows, its context too) as the registry streams past
        (:meth:`Rows.patched`); the run's summaries are rows of their own (short forms) or
        document rows of their name's row (:attr:`Update.folded`, for the run's file). The rows the
        run changed, added and removed are given too (:attr:`Update.changes`: what it writes)."""
        # Block keys are computed for the run's summaries only; the registry's are stored.
        gone = dropped.summaries() if dropped is not None else []
        blocks = {key: sorted(new.block_keys(key)) for key in [*new.summaries(), *gone]}
        # The touched rows are read once and held: grouping, contexts and grown names read them here, not the file.
        ids = self._touched(blocks, gone)
        held = Rows.of(self.summaries.where("summary_id", ids), HELD_BATCH_ROWS)
        touched = Resolved.read(held, self.folded, ids, new, dropped)
        fresh = touched.resolver.resolve()
        alive = touched.alive()
        new_keys = [key for key in new.summaries() if touched.summary_id(key) is None]
        fresh_ids = [fresh.by_summary[touched.keys[i]] for i in alive] + [fresh.by_summary[key] for key in new_keys]
        old_ids = [touched.canonical_ids[i] for i in alive] + [None] * len(new_keys)
        stable, redirects, new_ids = self._keep_ids(fresh_ids, old_ids, [touched.counts[i] for i in alive] + [new.mentions[key] for key in new_keys])
        item_ids = {i: stable[cid] for i, cid in zip(alive, fresh_ids)}
        # A new summary decided alone (a short form) is a row of its own; any other is a document
        # row of its name's row, found among those touched or made now (before its document rows,
        # so that a name row's id is below theirs: an id is never given twice, see _next_id).
        names = {(settled_key(touched.keys[i]), item_ids[i]): touched.name_rows[i][0] for i in alive if i in touched.name_rows}
        own: list[SummaryRowKey] = []
        folding: dict[tuple[SummaryRowKey, str], list[SummaryRowKey]] = {}
        for key in new_keys:
            if key in touched.decided_alone:
                own.append(key)
            else:
                folding.setdefault((settled_key(key), stable[fresh.by_summary[key]]), []).append(key)
        next_id = self._next_id()
        made = {name: next_id + i for i, name in enumerate(name for name in folding if name not in names)}
        names.update(made)
        document_keys = own + [key for keys in folding.values() for key in keys]
        summary_ids = {key: next_id + len(made) + i for i, key in enumerate(document_keys)}
        summary_ids.update((key, found) for key in new.mentions for found in [touched.summary_id(key)] if found is not None)
        own_rows = _table(
            own, [new.mentions[k] for k in own], [summary_ids[k] for k in own], [stable[fresh.by_summary[k]] for k in own], [blocks[k] for k in own]
        )
        made_rows = _table(
            [_name_key(name[0], folding[name]) for name in made], [sum(new.mentions[k] for k in folding[name]) for name in made], list(made.values()),
            [cid for _, cid in made], [blocks[folding[name][0]] for name in made], [len(folding[name]) for name in made],
        )  # fmt: skip
        folded = _folded([(key, summary_ids[key], names[name], new.mentions[key]) for name, keys in folding.items() for key in keys])
        unfolded = set(touched.unfolded)
        again = {i: row for i in alive for row in [touched.row_ids[i]] if row is not None and row in unfolded}  # document rows of a name row that goes
        unfolded_rows = _table(
            [touched.keys[i] for i in again], [touched.counts[i] for i in again], list(again.values()),
            [item_ids[i] for i in again], [sorted(new.block_keys(touched.keys[i])) for i in again],
        )  # fmt: skip
        patch, resolved = touched.patch(item_ids, new.mentions)
        patch = _with_grown(patch, _grown(held, {names[name]: (name[1], keys) for name, keys in folding.items() if name not in made}, new.mentions))
        given = pa.table({"canonical_id": new_ids, "run_id": [run_id] * len(new_ids)}, schema=CANONICAL_IDS)
        gone = pa.concat_arrays([touched.removed(), pa.array(touched.dissolved, pa.int64())])
        name_rows = pa.array(sorted({*made.values(), *(row for rows in touched.name_rows.values() for row in rows)}), pa.int64())
        changed, summaries_resolved = touched.changed(), len(touched.keys)
        # The run's summaries only: what its tables are stamped with (the others' keys are let go).
        resolution = Resolution(
            by_summary={key: stable[fresh.by_summary[key]] for key in new.mentions},
            clusters={stable[cid]: replace(cluster, canonical_id=stable[cid]) for cid, cluster in fresh.clusters.items()},
        )
        del touched, fresh  # the touched summaries as Python objects go before the changed rows are made
        summaries, changed_rows, index_changes = self._after(held, patch, gone, [own_rows, made_rows, unfolded_rows], next_id + len(made) + len(document_keys))
        resolved = _resolved_rows([resolved, own_rows, made_rows], name_rows)
        registry = Registry(summaries, self.canonical_ids.plus(given), self._redirected(redirects, run_id), self.folded.plus(folded))
        registry.index = self.block_index().plus(index_changes)
        name_ids = {key: names[name] for name, keys in folding.items() for key in keys}
        recount = recounted([stable[cid] for cid in fresh_ids], old_ids) if dropped is None or not dropped.mentions else None
        return Update(
            resolution, registry, resolved, changed, summary_ids, len(new_ids), len(redirects), summaries_resolved, folded, name_ids, recount,
            changed_rows, index_changes, given,
        )  # fmt: skip

    def _after(self, held: Rows, patch: pa.Table, gone: pa.Array, added: list[pa.Table], next_id: int) -> tuple[Rows, pa.Table | None, pa.Table]:
        """The summaries after a run (``patch`` applied, the rows ``gone`` left out, ``added``
        after them, ``next_id`` the next ``summary_id`` to give), the rows the run changed, added
        and removed (:func:`~pipeline.corpus.rows.change_rows`; the touched rows, ``held``, hold
        every row the patch changes), or None when the summaries were read in another format
        (they are written whole), and the run's changes to the index of linking keys."""
        summaries = self.summaries.without("summary_id", gone).patched("summary_id", patch)
        for table in added:
            summaries = summaries.plus(table)
        metadata = {**(summaries.schema.metadata or {}), NEXT_ID: str(next_id)}
        summaries = replace(summaries, schema=summaries.schema.with_metadata(metadata))
        index_changes = block_changes(added, gone)
        if self.converted:
            return summaries, None, index_changes
        rows = pa.concat_tables([part.cast(summaries.schema) for part in added])
        return summaries, change_rows(_changed(held, patch, gone), rows, gone, summaries.schema).replace_schema_metadata(metadata), index_changes

    def _next_id(self) -> int:
        """The first ``summary_id`` not given yet (kept in the summaries' metadata; else above every
        row's and every document row's in the runs' files): a name row's id is below its
        document rows', so the id of a name row that went is never given again."""
        kept = (self.summaries.schema.metadata or {}).get(NEXT_ID)
        if kept is not None:
            return int(kept)
        found = [top for top in (self.summaries.max("summary_id"), self.folded.max("summary_id")) if top is not None]
        return max(found) + 1 if found else 0

    def _touched(self, blocks: Mapping[SummaryRowKey, list[str]], dropped: Iterable[SummaryRowKey] = ()) -> pa.Array:
        """The ``summary_id`` of the registry rows to resolve again: those with a block key that
        the run's summaries' keys (``blocks``: summary -> its keys; ``dropped``: those of them a
        replaced document takes out) meet (:func:`~pipeline.corpus.resolve.block_partners`), and
        so on through theirs, until no row is added. Only keys that link summaries count
        (:func:`~pipeline.corpus.resolve.linking_keys`), and a block where short forms look for
        fuller names (:func:`~pipeline.corpus.resolve.short_form_block`) only where the run can
        change a decision in it.

        Summaries that share only such a block are joined only by a short form that looks there
        (:meth:`~pipeline.corpus.resolve.CorpusResolver._join_short_forms`), and a summary is a
        short form (:meth:`~pipeline.corpus.resolve.CorpusResolver.decided_alone`) by its name,
        aliases, ``kb_id`` and the other names of its block. The registry keeps every summary
        decided alone a row per document (``folded`` 0), so a block holds a short form after the
        run only where a registry row there is kept a row per document (a short form, or,
        conservatively, a row written before name rows or left from a name made short once);
        where the run brings a name the block has no row of (its label, name, aliases and
        ``kb_id``, with this block key: it may be a short form, or make one of the block's names
        short; a name the block has already changes neither, that row would have made the same);
        or where a replaced document takes a summary out. Any other block is left as it is: its
        rows found by strong keys (a name, a ``kb_id``) are resolved again, the others keep their
        clusters. (A new cluster of a name that another cluster has, whose id hashes its place
        among the summaries resolved, may get another id than if the whole block were resolved again.)

        The rows are found in the registry's index of linking keys (:class:`~pipeline.corpus.block_index.BlockIndex`:
        lookups of the keys sought, not a pass over the summaries); a registry without one (made
        in memory, or stored before the index) has it made from its rows, once."""
        index = self.block_index()
        blocks = {summary: linking_keys(summary[0], keys) for summary, keys in blocks.items()}
        brought = [(encoded(_identity(summary)), key) for summary, keys in blocks.items() for key in keys if short_form_block(key) is not None]
        live = {block for summary in dropped for key in blocks[summary] for block in [short_form_block(key)] if block is not None}
        # A name the run brings to a block that has no row of it may be a short form there, or make one.
        there = index.find((key for _, key in brought), ["identity"])
        known = set(pc.binary_join_element_wise(there.column("identity"), there.column("key"), FIELD_SEPARATOR).to_pylist())
        live |= {block for identity, key in brought if identity + FIELD_SEPARATOR + key not in known for block in [short_form_block(key)] if block is not None}
        checked: set[str] = set()

        def followed(keys: Iterable[str]) -> set[str]:
            # A block holding a row kept a row per document is followed too: looked up once per block.
            keys = list(keys)
            asked = {block for key in keys for block in [short_form_block(key)] if block is not None} - live - checked
            if asked:
                held = index.find((key for block in asked for key in block_keys_of(block)), ["alone"])
                live.update(
                    block for key in held.filter(held.column("alone")).column("key").to_pylist() for block in [short_form_block(key)] if block is not None
                )
                checked.update(asked)
            return {key for key in keys for block in [short_form_block(key)] if block is None or block in live}

        found: set[int] = set()
        seen: set[str] = set()
        frontier = block_partners(followed(key for keys in blocks.values() for key in keys))
        while frontier:
            seen |= frontier
            hit = index.find(frontier, ["keys"])
            fresh = pc.invert(pc.is_in(hit.column(SUMMARY_ID), value_set=pa.array(sorted(found), pa.int64())))
            hit = hit.filter(fresh)
            found.update(hit.column(SUMMARY_ID).to_pylist())
            reached = set(pc.unique(pc.list_flatten(hit.column("keys"))).to_pylist()) if hit.num_rows else set()
            frontier = block_partners(followed(reached)) - seen
        return pa.array(sorted(found), pa.int64())

    def block_index(self) -> BlockIndex:
        """The index of the registry's linking keys: the stored one, or made from its rows (a pass)."""
        if self.index is None:
            self.index = BlockIndex.of(self.summaries.batches(INDEXED_COLUMNS))
        return self.index

    def _keep_ids(self, fresh_ids: list[str], old_ids: list[str | None], counts: list[int]) -> tuple[dict[str, str], dict[str, str], list[str]]:
        """Fresh cluster id -> the id it keeps, retired id -> surviving id (module docstring), and the new ids."""
        weights: dict[str, Counter] = {}  # known id -> fresh cluster -> mentions
        for fresh, old, count in zip(fresh_ids, old_ids, counts):
            if old is not None:
                weights.setdefault(old, Counter())[fresh] += count
        claims: dict[str, list[str]] = {}  # fresh cluster -> the known ids whose mentions are mostly in it
        for old, by_fresh in weights.items():
            claims.setdefault(max(sorted(by_fresh), key=by_fresh.__getitem__), []).append(old)
        # One pass over the ids given: the runs of the known ids, and which fresh ids were given before.
        ids = self.canonical_ids.where("canonical_id", pa.array(sorted({*weights, *fresh_ids}), pa.string()))
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
        taken = {fresh for fresh in unclaimed if fresh in born} | self._retired(unclaimed) | set(stable.values())
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
        alive = self.canonical_ids.where("canonical_id", pa.array(candidates, pa.string()), ["canonical_id"]).column("canonical_id").to_pylist()
        return set(alive) | self._retired(candidates)

    def _retired(self, candidates: list[str]) -> set[str]:
        """Those of ``candidates`` that the corpus retired into another id."""
        wanted = pa.array(candidates, pa.string())
        return set(self.redirects.filter(pc.is_in(self.redirects["old_id"], value_set=wanted)).column("old_id").to_pylist())

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


def _resolved_rows(parts: list[pa.Table], name_rows: pa.Array) -> pa.Table:
    """The registry rows an update resolved again or made (``parts``: their ``summary_id``, ``name``
    and ``canonical_id``), with ``name_row`` true for a name row (one of ``name_rows``)."""
    resolved = pa.concat_tables([part.select(["summary_id", "name", "canonical_id"]).cast(parts[0].schema) for part in parts])
    return resolved.append_column("name_row", pc.is_in(resolved["summary_id"], value_set=name_rows))


def _identity(summary: SummaryRowKey) -> SummaryRowKey:
    """``summary`` without its context, as :meth:`Registry._touched` compares them (an entry's
    identity, :func:`~pipeline.corpus.block_index.entries`)."""
    return (*summary[:4], ())


def recounted(ids: list[str], old_ids: list[str | None]) -> set[str]:
    """The ids (``ids``: each resolved summary's id after an update; ``old_ids``: its id before,
    None for a new one) whose clusters' members changed: a cluster holding summaries of another
    id before, or one whose summaries went to several clusters. Any other cluster is the same
    summaries as before plus new ones, which come from the run's new documents only (without
    replaced documents), so its documents are the count it had plus the run's."""
    before: dict[str, set[str]] = {}  # an id now -> the ids its summaries had
    after: dict[str, set[str]] = {}  # an id before -> the ids its summaries have now
    for now, old in zip(ids, old_ids):
        if old is not None:
            before.setdefault(now, set()).add(old)
            after.setdefault(old, set()).add(now)
    moved = {now for now, olds in before.items() if olds != {now}} | {old for old, nows in after.items() if nows != {old}}
    return moved | {now for old in moved for now in after.get(old, ())}


def _grown(rows: Rows, grown: Mapping[int, tuple[str, list[SummaryRowKey]]], mentions: Mapping[SummaryRowKey, int]) -> pa.Table:
    """The id, mentions, context and count of document rows of the name rows (``summary_id``
    -> its id and the run's summaries it gains; ``rows``: the touched rows, which hold them), as
    a patch for :meth:`Rows.patched`. A context is made again only where the run brings keys it
    lacks (null: kept), in Arrow, a few rows at a time (at most :data:`GROWN_KEYS` context keys):
    a popular name's is thousands of keys, never Python objects, and never copied all at once."""
    ids = pa.array(sorted(grown), pa.int64())
    parts, renewed = [], []
    for batch in rows.batches(["summary_id", "context", "mention_count", FOLDED]) if grown else ():
        at = np.flatnonzero(pc.is_in(batch["summary_id"], value_set=ids).to_numpy(zero_copy_only=False))
        lengths = np.cumsum(pc.list_value_length(batch["context"]).to_numpy(zero_copy_only=False)[at])
        for piece in np.split(at, np.flatnonzero(np.diff(lengths // GROWN_KEYS)) + 1) if len(at) else ():
            found = batch.take(pa.array(piece, pa.int64()))
            gains = [grown[summary_id] for summary_id in found.column("summary_id").to_pylist()]
            added = [sorted({c for key in keys for c in key[4] if not c.startswith(SPORT_PREFIX)}) for _, keys in gains]
            counts = pc.add(found.column("mention_count"), pa.array([sum(mentions[key] for key in keys) for _, keys in gains], pa.int64()))
            folded = pc.add(found.column(FOLDED), pa.array([len(keys) for _, keys in gains], pa.int64()))
            context = _with_keys(found.column("context").combine_chunks(), added)
            part = pa.table([found.column("summary_id"), pa.array([cid for cid, _ in gains], pa.string()), counts, context, folded], schema=GROWN)
            parts.append(part.filter(pc.is_null(part["context"])))
            renewed.append(part.filter(pc.is_valid(part["context"])))
    # The rows that gain no key first, those with a context made again last: a patch's new contexts are its tail (_changed).
    return pa.concat_tables([GROWN.empty_table(), *parts, *renewed])


def _with_keys(contexts: pa.ListArray, added: list[list[str]]) -> pa.ListArray:
    """Each name row's context (its sport first, then its other keys sorted: :func:`_name_key`)
    with ``added``'s keys (per row, none a sport) among the others, in order; null for a row that
    gains no key (the patch keeps its context)."""
    flat, parents = pc.list_flatten(contexts), pc.list_parent_indices(contexts).to_numpy()
    new_parents = np.repeat(np.arange(len(added), dtype=np.int64), [len(keys) for keys in added])
    new_keys = pa.array([key for keys in added for key in keys], pa.string())
    # A key a row has already is not added: pairs (row, key) as integers over the keys added.
    wanted = pc.unique(new_keys)
    there = pc.index_in(flat, value_set=wanted)
    had = parents[there.is_valid().to_numpy(zero_copy_only=False)] * len(wanted) + there.drop_null().to_numpy()
    fresh = ~np.isin(new_parents * len(wanted) + pc.index_in(new_keys, value_set=wanted).to_numpy(), had)
    gaining = np.zeros(len(added), bool)
    gaining[new_parents[fresh]] = True
    if not gaining.any():
        return pa.nulls(len(added), pa.list_(pa.string()))
    old = gaining[parents]
    keys = pa.concat_arrays([flat.filter(pa.array(old)), new_keys.filter(pa.array(fresh))])
    rows = np.concatenate([parents[old], new_parents[fresh]])
    sport = np.concatenate([pc.starts_with(keys[: int(old.sum())], SPORT_PREFIX).to_numpy(zero_copy_only=False), np.zeros(int(fresh.sum()), bool)])
    # Sorted by row, then its sport in the order it had, then the other keys by their rank among all
    # (integers: the strings are neither copied nor made Python objects to be sorted).
    codes = keys.dictionary_encode()
    rank = np.empty(len(codes.dictionary), np.int64)
    rank[pc.sort_indices(codes.dictionary).to_numpy()] = np.arange(len(codes.dictionary))
    within = np.where(sport, np.arange(len(keys)), rank[codes.indices.to_numpy()])
    order = np.lexsort((within, ~sport, rows))
    offsets = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=len(added)))]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), keys.take(pa.array(order)), mask=pa.array(~gaining))


def _changed(held: Rows, patch: pa.Table, gone: pa.Array) -> pa.Table:
    """The touched rows (``held``) that ``patch`` (:func:`_with_grown`'s: the rows with a context
    made again last) changes, less those ``gone``, with its values (in no particular order): a
    context it makes again (a name row that gains keys, a popular name's thousands) is taken from
    it as it is, never copied into the rows and patched there, nor out of the patch."""
    if len(gone) and pc.any(pc.is_in(patch["summary_id"], value_set=gone)).as_py():
        patch = patch.filter(pc.invert(pc.is_in(patch["summary_id"], value_set=gone)))
    others = patch.drop_columns(["context"])
    start = patch["context"].null_count  # where the rows with a context made again start: a slice, not a copy
    renewed = patch.slice(start)
    kept = Rows.of(held.where("summary_id", patch["summary_id"].slice(0, start).combine_chunks())).patched("summary_id", others).table()
    found = held.where("summary_id", renewed["summary_id"].combine_chunks(), [name for name in held.schema.names if name != "context"])
    found = Rows.of(found.take(pc.index_in(renewed["summary_id"], value_set=found["summary_id"].combine_chunks()))).patched("summary_id", others).table()
    found = found.append_column("context", renewed["context"]).select(held.schema.names)
    return pa.concat_tables([found.cast(kept.schema), kept])


def _rows(resolver: CorpusResolver, summary_ids: list[int], canonical_ids: list[str]) -> pa.Table:
    """Registry rows of the resolver's summaries (in :meth:`~CorpusResolver.summaries` order), each a document row."""
    keys = resolver.summaries()
    return _table(keys, [resolver.mentions[key] for key in keys], summary_ids, canonical_ids, [sorted(resolver.block_keys(key)) for key in keys])


def _rekeyed(summaries: Rows) -> Rows:
    """``summaries`` with their block keys computed again, batch by batch as they are read."""
    resolver = CorpusResolver()
    schema = summaries.schema.with_metadata({**(summaries.schema.metadata or {}), **BLOCK_KEYS_VERSION})

    def batches(columns: list[str] | None) -> Iterator[pa.Table]:
        for batch in summaries.batches(None if columns is None or BLOCK_KEYS not in columns else list({*columns, *SUMMARY_KEY_COLUMNS})):
            if BLOCK_KEYS in batch.column_names:
                blocks = [sorted(resolver.block_keys(key)) for key in summary_keys(batch)]
                batch = batch.set_column(batch.schema.get_field_index(BLOCK_KEYS), schema.field(BLOCK_KEYS), pa.array(blocks, pa.list_(pa.string())))
            yield batch if columns is None else batch.select(columns)

    return Rows(schema, batches)


def _table(
    keys: list[SummaryRowKey], counts: list[int], summary_ids: list[int], canonical_ids: list[str], blocks: list[list[str]], folded: list[int] | None = None
) -> pa.Table:
    """Registry rows of ``keys`` in that order (``folded``: each one's document rows, 0 by default)."""
    columns: dict[str, list] = {name: [key[i] for key in keys] for i, name in enumerate(SUMMARY_KEY_COLUMNS)}
    types = {"aliases": pa.list_(pa.string()), "context": pa.list_(pa.string())}
    table = pa.table({name: pa.array([list(v) for v in values] if name in types else values, types.get(name, pa.string())) for name, values in columns.items()})
    table = table.append_column("mention_count", pa.array(counts, pa.int64())).add_column(0, "summary_id", pa.array(summary_ids, pa.int64()))
    table = table.append_column("canonical_id", pa.array(canonical_ids, pa.string())).append_column(BLOCK_KEYS, pa.array(blocks, pa.list_(pa.string())))
    return table.append_column(FOLDED, pa.array(folded if folded is not None else [0] * len(keys), pa.int64())).replace_schema_metadata(BLOCK_KEYS_VERSION)


def _name_key(settled: SummaryRowKey, keys: list[SummaryRowKey], context: tuple[str, ...] = ()) -> SummaryRowKey:
    """The summary of a name row: ``settled`` (its name, with its sport) with the context keys of
    ``keys`` (its document rows) and of ``context`` (what it had), sorted after its sport."""
    sport = settled[4]
    found = {c for key in keys for c in key[4] if c not in sport} | {c for c in context if c not in sport}
    return (*settled[:4], sport + tuple(sorted(found)))


def _folded(rows: list[tuple[SummaryRowKey, int, int, int]]) -> pa.Table:
    """The document rows ``(summary, summary_id, name_id, mentions)`` as a table (:data:`FOLDED_ROWS`)."""
    columns: dict[str, list] = {"summary_id": [r[1] for r in rows], NAME_ID: [r[2] for r in rows]}
    columns.update({name: [list(r[0][i]) if name in ("aliases", "context") else r[0][i] for r in rows] for i, name in enumerate(SUMMARY_KEY_COLUMNS)})
    columns["mention_count"] = [r[3] for r in rows]
    return pa.table(columns, schema=FOLDED_ROWS)


#: A patch of name rows that gain document rows (:func:`_grown`), and how many of their context
#: keys are merged with the run's at a time (what it holds besides the new contexts).
GROWN_KEYS = 16_384
GROWN = pa.schema(
    [("summary_id", pa.int64()), ("canonical_id", pa.string()), ("mention_count", pa.int64()), ("context", pa.list_(pa.string())), (FOLDED, pa.int64())]
)


def _with_grown(patch: pa.Table, grown: pa.Table) -> pa.Table:
    """``patch`` (ids and mentions) with ``grown``'s rows (:data:`GROWN`) in place of its own for
    the same rows, after them: the rows with a context made again are the patch's last (:func:`_grown`)."""
    kept = patch.filter(pc.invert(pc.is_in(patch["summary_id"], value_set=grown["summary_id"].combine_chunks())))
    kept = kept.append_column("context", pa.nulls(kept.num_rows, pa.list_(pa.string()))).append_column(FOLDED, pa.nulls(kept.num_rows, pa.int64()))
    return pa.concat_tables([kept.select(GROWN.names).cast(GROWN), grown])


def _with_folded(summaries: Rows) -> Rows:
    """Summaries written before names were kept as one row: every row a document row (``folded`` 0)."""
    schema = summaries.schema.append(pa.field(FOLDED, pa.int64()))

    def batches(columns: list[str] | None) -> Iterator[pa.Table]:
        for batch in summaries.batches(None if columns is None else [c for c in columns if c != FOLDED]):
            batch = batch.append_column(FOLDED, pa.array(np.zeros(batch.num_rows, np.int64)))
            yield batch if columns is None else batch.select(columns)

    return Rows(schema, batches)
