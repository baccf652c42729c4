"""A registry table that is never held whole, and the strings that stand for a summary in Arrow.

The registry of a grown corpus (:mod:`pipeline.corpus.registry`) grows with the corpus, so an
append reads it batch by batch from where the store keeps it (:class:`Rows`), picks out the rows
it touches as they stream past (:func:`picked`), and finds a run's summaries among them without a
Python object per row (:func:`encoded`, :func:`encoded_rows`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..knowledge.names import SPORT_PREFIX
from .resolve import SUMMARY_KEY_COLUMNS
from .resolve import summary_keys as resolver_keys

SummaryRowKey = tuple[Any, ...]


#: The registry column of a name row's count of document rows (0: a document row), and the
#: column of a document row kept in its run's file that names its name row (:mod:`pipeline.corpus.registry`).
FOLDED, NAME_ID = "folded", "name_id"
SUMMARY_ID = "summary_id"

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
    def of(cls, table: pa.Table, batch_rows: int | None = None) -> Rows:
        """``table`` (in memory) as rows: one batch, or batches of ``batch_rows`` rows (so that
        what is made of each batch, Python objects among it, is held a batch at a time)."""
        if batch_rows is None:
            return cls(table.schema, lambda columns: [table.select(columns) if columns else table])

        def slices(columns: list[str] | None) -> Iterator[pa.Table]:
            # Slices of rows, whatever the table's chunks (rows picked out of many small batches).
            selected = table.select(columns) if columns else table
            return (selected.slice(start, batch_rows) for start in range(0, selected.num_rows, batch_rows))

        return cls(table.schema, slices)

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
        values = {name: patch[name] for name in patch.column_names if name != column}  # not combined: a patch's contexts are not copied

        def source(columns: list[str] | None) -> Iterator[pa.Table]:
            for batch in self.batches(None if columns is None else list(dict.fromkeys([*columns, column]))):
                found = pc.index_in(batch[column], value_set=keys)
                for name, patched in values.items():
                    new = patched.take(found)
                    # A column no row of the batch changes is kept as it is (a list column is not copied).
                    if name in batch.column_names and new.null_count < len(new):
                        batch = batch.set_column(batch.schema.get_field_index(name), batch.schema.field(name), pc.coalesce(new, batch[name].combine_chunks()))
                yield batch if columns is None else batch.select(columns)

        return Rows(self.schema, source)

    def plus(self, table: pa.Table) -> Rows:
        """These rows and ``table``'s after them."""
        return replace(self, added=(*self.added, table.cast(self.schema)))

    def table(self) -> pa.Table:
        """Every row at once (a test, a small corpus)."""
        parts = list(self.batches())
        return pa.concat_tables(parts) if parts else self.schema.empty_table()


#: The column of a run's changes to the registry's summaries (:func:`layered`) that says what the
#: run did to the row: changed it (its values now), added it (after every earlier row), removed it.
CHANGE = "change"
CHANGED, ADDED, REMOVED = 0, 1, 2


def layered(base: Rows, changes: list[Rows]) -> Rows:
    """``base`` (the summaries as the last compaction wrote them) with ``changes`` (each later
    run's changed, added and removed rows, oldest first, :data:`CHANGE` saying which) laid over
    it, as if each run had written the whole table again: a changed row keeps its place with its
    newest values, a removed row goes, an added row comes after the rows before it. What is held
    is the newest version of the changed rows, of the columns read (a run's changes are the rows
    it touched: they follow the run, not the corpus)."""
    if not changes:
        return base
    kinds = [pa.concat_tables([*layer.batches([SUMMARY_ID, CHANGE]), layer.schema.empty_table().select([SUMMARY_ID, CHANGE])]) for layer in changes]
    ids = np.concatenate([t[SUMMARY_ID].to_numpy() for t in kinds])
    layer_of = np.concatenate([np.full(t.num_rows, i, np.int64) for i, t in enumerate(kinds)])
    change = np.concatenate([t[CHANGE].to_numpy(zero_copy_only=False) for t in kinds])
    newest, last = np.unique(ids[::-1], return_index=True)  # the last change of each row wins
    newest_layer, newest_change = layer_of[::-1][last], change[::-1][last]
    removed = pa.array(newest[newest_change == REMOVED], pa.int64())

    def source(columns: list[str] | None) -> Iterator[pa.Table]:
        read = None if columns is None else list(dict.fromkeys([SUMMARY_ID, *columns]))
        names = base.schema.names if read is None else read
        kept = [pa.array(newest[(newest_layer == i) & (newest_change != REMOVED)], pa.int64()) for i in range(len(changes))]
        schema = pa.schema([base.schema.field(name) for name in names])
        parts = (batch.filter(pc.is_in(batch[SUMMARY_ID], value_set=kept[i])) for i, layer in enumerate(changes) for batch in layer.batches([*names, CHANGE]))
        latest = pa.concat_tables([_encoded_lists(part.select(names).cast(schema)) for part in parts if part.num_rows] or [schema.empty_table()])
        latest = latest.unify_dictionaries().combine_chunks()  # one dictionary a column: taken from batch by batch
        latest_ids = latest[SUMMARY_ID].combine_chunks()

        def laid(table: pa.Table) -> pa.Table:
            table = table.filter(pc.invert(pc.is_in(table[SUMMARY_ID], value_set=removed))) if len(removed) else table
            found = pc.index_in(table[SUMMARY_ID], value_set=latest_ids)
            hit = found.is_valid().to_numpy(zero_copy_only=False)
            if not hit.any():
                return table
            # Rows in place: each column's newest values where a row changed (one copy of the batch).
            values, changed = latest.take(found).cast(schema), pa.array(hit)
            return pa.table([pc.if_else(changed, values.column(i), table.column(i)) for i in range(len(names))], schema=schema)

        for batch in base.batches(read):
            yield laid(batch.select(names))
        for layer in changes:
            for batch in layer.batches([*names, CHANGE]):
                added = batch.filter(pc.equal(batch[CHANGE], ADDED)).select(names)
                if added.num_rows:
                    yield laid(added.cast(schema))

    return Rows(base.schema, source)


def _encoded_lists(table: pa.Table) -> pa.Table:
    """``table`` with its lists of strings dictionary-encoded: the newest versions of the changed
    rows are held through a pass, and their contexts (a popular name's, thousands of keys, changed
    by every run) share most of their strings."""
    for i, column in enumerate(table.columns):
        if pa.types.is_list(column.type) and pa.types.is_string(column.type.value_type):
            lists = column.combine_chunks()
            offsets = np.concatenate([[0], np.cumsum(pc.fill_null(pc.list_value_length(lists), 0).to_numpy())]).astype(np.int32)
            encoded = pa.ListArray.from_arrays(pa.array(offsets), pc.dictionary_encode(pc.list_flatten(lists)), mask=lists.is_null())
            table = table.set_column(i, table.field(i).with_type(encoded.type), encoded)
    return table


def change_rows(changed: pa.Table, added: pa.Table, removed: pa.Array, schema: pa.Schema) -> pa.Table:
    """A run's changes to the summaries (:func:`layered`): the rows it ``changed`` (their values
    now) and ``added`` (in their order), and the ``summary_id`` of those it ``removed``."""
    gone = pa.table({SUMMARY_ID: removed}).cast(pa.schema([schema.field(SUMMARY_ID)]))
    gone = pa.table({name: gone[SUMMARY_ID] if name == SUMMARY_ID else pa.nulls(len(gone), field.type) for name, field in zip(schema.names, schema)})
    parts = [(changed, CHANGED), (added, ADDED), (gone, REMOVED)]
    return pa.concat_tables(
        [part.select(schema.names).cast(schema).append_column(CHANGE, pa.array(np.full(part.num_rows, kind, np.int8))) for part, kind in parts]
    )


def summary_keys(table: pa.Table) -> list[SummaryRowKey]:
    """The summary key of every row of ``table`` (``entities`` or the registry's ``summaries``),
    as the resolver keys its summaries (:func:`pipeline.corpus.resolve.summary_keys`)."""
    return resolver_keys(table.select(SUMMARY_KEY_COLUMNS).to_pydict())


def picked(rows: Rows, ids: pa.Array, columns: list[str], column: str = "summary_id") -> Iterator[pa.Table]:
    """The rows whose ``column`` (``summary_id``) is one of ``ids``, a batch at a time."""
    for batch in rows.batches(columns):
        found = batch.filter(pc.is_in(batch[column], value_set=ids))
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


def sports(context: pa.ListArray) -> pa.ListArray:
    """Each row's context less all but its sport (:func:`~pipeline.corpus.resolve.settled_key`), vectorised."""
    flat = pc.list_flatten(context)
    kept = pc.starts_with(flat, SPORT_PREFIX).to_numpy(zero_copy_only=False)
    counts = np.bincount(pc.list_parent_indices(context).to_numpy()[kept], minlength=len(context))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), flat.filter(pa.array(kept)))
