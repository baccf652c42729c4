"""The registry's linking keys as an index: which rows an append resolves again, found by lookups, not a pass.

An append resolves again the registry rows that share a linking key with its summaries, and so
on through theirs (:meth:`~pipeline.corpus.registry.Registry._touched`). What that search needs of
a row never changes once the row is written (a row's block keys, label, name, aliases and
``kb_id`` stay; so does whether it is kept a row per document, ``folded`` 0): so the registry keeps
it beside the summaries (:class:`BlockIndex`), as an entry per row (:data:`ENTRIES`: its
``summary_id``, its linking keys, whether it is kept a row per document, its identity) and the
postings of every key (:data:`POSTINGS`: the key and its entry, sorted by key), written whole
when the summaries are, plus each later run's entries and removed rows (:data:`CHANGES`, a few
thousand rows). A search looks keys up in the sorted postings (a binary search over all the keys
sought at once, vectorised) and takes the entries it finds: what it reads follows the keys a run
brings, not the corpus; the store memory-maps the files, so that only the pages read are loaded.

This module computes on tables; it reads and writes no file (:mod:`pipeline.writing.store` does).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .resolve import FULL_BLOCK, NAME_BLOCK, ORG_BLOCK, PERSON_LABELS, SHORT_BLOCK, SURNAME_BLOCK
from .rows import FOLDED, SUMMARY_ID, encoded_rows

#: The registry columns an entry is made of (:func:`entries`).
INDEXED_COLUMNS = [SUMMARY_ID, "block_keys", "label", "name", "aliases", "kb_id", FOLDED]
#: One entry per registry row: its linking keys, kept a row per document (``folded`` 0), and its
#: identity (label, name, aliases, ``kb_id``, as :func:`~pipeline.corpus.rows.encoded` writes a
#: summary without its context).
ENTRIES = pa.schema(
    [pa.field(SUMMARY_ID, pa.int64()), pa.field("keys", pa.list_(pa.string())), pa.field("alone", pa.bool_()), pa.field("identity", pa.string())]
)
#: Every linking key of every entry (its position in the entries), sorted by key.
POSTINGS = pa.schema([pa.field("key", pa.string()), pa.field("entry", pa.int32())])
#: A run's changes to the index: the entries of the rows it added, and the rows it removed (``removed``: only their ``summary_id``).
CHANGES = ENTRIES.append(pa.field("removed", pa.bool_()))


def entries(rows: pa.Table) -> pa.Table:
    """The entries (:data:`ENTRIES`) of registry rows (:data:`INDEXED_COLUMNS`), vectorised: a row's
    linking keys are its block keys less a person's one-word name keys when it has a longer name
    (:func:`~pipeline.corpus.resolve.linking_keys`)."""
    lists = rows.column("block_keys").combine_chunks()
    flat, parents = pc.list_flatten(lists), pc.list_parent_indices(lists).to_numpy()
    names = pc.fill_null(pc.starts_with(flat, NAME_BLOCK), False).to_numpy(zero_copy_only=False)
    longer = names & pc.fill_null(pc.match_substring(flat, " "), False).to_numpy(zero_copy_only=False)
    person = pc.is_in(rows.column("label"), value_set=pa.array(sorted(PERSON_LABELS), pa.string())).to_numpy(zero_copy_only=False)
    has_longer = np.bincount(parents[longer], minlength=rows.num_rows) > 0
    linking = ~(names & ~longer & person[parents] & has_longer[parents])
    counts = np.bincount(parents[linking], minlength=rows.num_rows)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    keys = pa.ListArray.from_arrays(pa.array(offsets), flat.filter(pa.array(linking)))
    identity = encoded_rows(rows, pa.array([[]] * rows.num_rows, pa.list_(pa.string())))
    alone = pc.equal(rows.column(FOLDED).combine_chunks(), 0)
    return pa.table([rows.column(SUMMARY_ID).combine_chunks(), keys, alone, identity], schema=ENTRIES)


def teed(batches: Iterable[pa.Table], into: list[pa.Table]) -> Iterator[pa.Table]:
    """``batches`` (registry rows, on their way to be written whole) as they are, each one's
    entries added to ``into``: the index is made as the summaries stream past, not in a pass of its own."""
    for batch in batches:
        into.append(entries(batch.select(INDEXED_COLUMNS)))
        yield batch


def changes(added: Iterable[pa.Table], removed: pa.Array) -> pa.Table:
    """A run's changes to the index (:data:`CHANGES`): the entries of the registry rows it
    ``added``, and the ``summary_id`` of those it ``removed``."""
    parts = [entries(table.select(INDEXED_COLUMNS)) for table in added if table.num_rows]
    made = pa.concat_tables([ENTRIES.empty_table(), *parts])
    gone = pa.table(
        {name: removed.cast(pa.int64()) if name == SUMMARY_ID else pa.nulls(len(removed), field.type) for name, field in zip(ENTRIES.names, ENTRIES)}
    )
    return pa.concat_tables(
        [
            made.append_column("removed", pa.array(np.zeros(made.num_rows, bool))),
            gone.cast(ENTRIES).append_column("removed", pa.array(np.ones(len(removed), bool))),
        ]
    )


def postings(table: pa.Table) -> pa.Table:
    """The postings (:data:`POSTINGS`) of ``table``'s entries, sorted by key."""
    keys = table.column("keys").combine_chunks()
    flat, parents = pc.list_flatten(keys), pc.list_parent_indices(keys)
    order = pc.sort_indices(flat)
    return pa.table([flat.take(order), parents.cast(pa.int32()).take(order)], schema=POSTINGS)


@dataclass(frozen=True)
class BlockIndex:
    """The entries of the registry's rows as the summaries were last written whole, with their
    postings (``read`` gives both: the store maps its files each time they are searched, so that
    the pages read are let go after), and every later run's changes (``later``, held: a few
    thousand rows a run). What :meth:`find` gives leaves out every row removed since."""

    read: Callable[[], tuple[pa.Table, pa.Table]]  # ENTRIES, and their POSTINGS
    later: pa.Table  # CHANGES

    @classmethod
    def of(cls, rows: Iterable[pa.Table]) -> BlockIndex:
        """The index of registry rows (:data:`INDEXED_COLUMNS`, batch by batch), held."""
        base = pa.concat_tables([ENTRIES.empty_table(), *(entries(batch) for batch in rows)]).combine_chunks()
        made = (base, postings(base))
        return cls(lambda: made, CHANGES.empty_table())

    def plus(self, run: pa.Table) -> BlockIndex:
        """This index with a run's changes (:func:`changes`)."""
        return BlockIndex(self.read, pa.concat_tables([self.later, run.cast(CHANGES)]))

    def find(self, keys: Iterable[str], columns: list[str] | None = None) -> pa.Table:
        """The entries (their ``summary_id`` and ``columns``: all by default) of the rows that have
        any of ``keys`` among their linking keys, each with the key found (``key``; a row with
        several of them is there once per key), less the rows removed since. Only the columns
        asked for are read: the pages of the others are not loaded."""
        wanted = pa.array(sorted(set(keys)), pa.string())
        names = list(dict.fromkeys([SUMMARY_ID, *(ENTRIES.names if columns is None else columns)]))
        schema = pa.schema([ENTRIES.field(name) for name in names]).append(pa.field("key", pa.string()))
        if not len(wanted):
            return schema.empty_table()
        # The base: each key's range of postings, found by a binary search of every key at once.
        base, base_postings = self.read()
        sorted_keys = _whole(base_postings.column("key"))
        first, end = _search(sorted_keys, wanted, right=False), _search(sorted_keys, wanted, right=True)
        counts = end - first
        within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)  # a posting's place in its key's range
        at = np.repeat(first, counts) + within
        found = base.select(names).take(base_postings.column("entry").take(pa.array(at, pa.int64())))
        found = found.append_column("key", wanted.take(pa.array(np.repeat(np.arange(len(wanted)), counts), pa.int64())))
        parts = [found]
        # The later runs': their keys compared with the keys sought (a few thousand rows).
        added = self.later.filter(pc.invert(self.later.column("removed")))
        if added.num_rows:
            lists = added.column("keys").combine_chunks()
            flat, parents = pc.list_flatten(lists), pc.list_parent_indices(lists).to_numpy()
            hit = pc.is_in(flat, value_set=wanted).to_numpy(zero_copy_only=False)
            there = added.select(names).take(pa.array(parents[hit], pa.int64()))
            parts.append(there.append_column("key", flat.filter(pa.array(hit))))
        table = pa.concat_tables([part.cast(schema) for part in parts])
        removed = self.later.filter(self.later.column("removed")).column(SUMMARY_ID).combine_chunks()
        return table.filter(pc.invert(pc.is_in(table.column(SUMMARY_ID), value_set=removed))) if len(removed) else table

    def written(self) -> Iterator[pa.Table]:
        """The entries now (the base less the rows removed, then the later runs' rows), a part at
        a time: what :meth:`of` would make of the summaries now (for a test)."""
        removed = self.later.filter(self.later.column("removed")).column(SUMMARY_ID).combine_chunks()
        added = self.later.filter(pc.invert(self.later.column("removed"))).select(ENTRIES.names)
        for part in (self.read()[0], added):
            yield part.filter(pc.invert(pc.is_in(part.column(SUMMARY_ID), value_set=removed))) if len(removed) else part


def _whole(column: pa.ChunkedArray) -> pa.Array:
    """``column`` as one array: its chunk as it is where it has one (a memory-mapped file's
    column is not copied), else its chunks joined."""
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _search(sorted_keys: pa.Array, wanted: pa.Array, right: bool) -> np.ndarray:
    """For each of ``wanted`` the first position in ``sorted_keys`` whose key is not below it
    (``right``: above it), as :func:`bisect.bisect_left` (``bisect_right``) gives one, for every
    key at once: about twenty vectorised comparisons, whatever the number of keys sought."""
    low, high = np.zeros(len(wanted), np.int64), np.full(len(wanted), len(sorted_keys), np.int64)
    active = np.flatnonzero(low < high)
    while len(active):
        middle = (low[active] + high[active]) // 2
        values, sought = sorted_keys.take(pa.array(middle)), wanted.take(pa.array(active))
        after = (pc.less_equal(values, sought) if right else pc.less(values, sought)).to_numpy(zero_copy_only=False)
        low[active[after]] = middle[after] + 1
        high[active[~after]] = middle[~after]
        active = active[low[active] < high[active]]
    return low


def block_keys_of(block: str) -> list[str]:
    """The linking keys whose block where short forms look for fuller names is ``block``
    (:func:`~pipeline.corpus.resolve.short_form_block` the other way round)."""
    if block.startswith(SURNAME_BLOCK):
        return [block]
    if block.startswith(ORG_BLOCK):
        rest = block[len(ORG_BLOCK) :]
        return [SHORT_BLOCK + rest, FULL_BLOCK + rest]
    return []
