"""What an append resolves again: the registry rows it touches, grouped by name, with the run's summaries.

A summary is one per document (:mod:`pipeline.corpus.registry`). An append does not resolve
them one by one: the summaries of one name (label, name, aliases, ``kb_id``, sport) that
resolution joins by strong keys alone are one cluster with one id, and are resolved as one
summary whose context is the union of theirs less what no short form of the append can read
(:class:`Resolved`); only short forms (a lone surname, a one-word organisation, a name that a
fuller one makes short: :meth:`~pipeline.corpus.resolve.CorpusResolver.decided_alone`) are
resolved a row per document, as one run over every article resolves them. The registry keeps
such a name as one row already (a name row, whose context is that union); rows of one name and
id that are not (a registry written before name rows, the rows of a name made short once) are
grouped as they stream past, in Arrow (:class:`_Groups`). A name row of a name that must be
decided document by document now is read as its document rows, from the runs' files
(:meth:`_Groups.unfolded`). So an append holds the distinct names it touches, not their
documents, and gives the clusters one run would.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..knowledge.names import SPORT_PREFIX
from .resolve import SUMMARY_KEY_COLUMNS, CorpusResolver, settled_key
from .rows import FIELD_SEPARATOR, FOLDED, NAME_ID, Rows, SummaryRowKey, encoded, encoded_rows, picked, sports, summary_keys

#: What tells which summaries are decided alone (:meth:`CorpusResolver.always_alone`).
RESOLVER = CorpusResolver()
#: The registry columns an update reads of the rows it resolves again (:class:`Resolved`).
RESOLVED_COLUMNS = ["summary_id", *SUMMARY_KEY_COLUMNS, "mention_count", "canonical_id", FOLDED]
#: The columns of a name's document rows, kept in the run's own file (:data:`~pipeline.writing.schema.FOLDED_ROWS`).
FOLDED_COLUMNS = ["summary_id", NAME_ID, *SUMMARY_KEY_COLUMNS, "mention_count"]


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
    named: dict[int, list[int]] = field(default_factory=dict)  # group -> its name rows (summary_id)
    unfold: dict[int, str] = field(default_factory=dict)  # a name row held a row per document -> its canonical id

    def add(self, batch: pa.Table, new: Mapping[SummaryRowKey, int], wanted: pa.Array, keep: set[int] | None = None) -> None:
        """Group one batch's rows, noting those that hold a summary of ``new`` (a run's; ``wanted``:
        them :func:`encoded`); with ``keep``, only keep the rows of those groups (a second read)."""
        settled = pc.binary_join_element_wise(
            encoded_rows(batch, sports(batch.column("context").combine_chunks())), batch.column("canonical_id").combine_chunks(), FIELD_SEPARATOR
        )
        codes = settled.dictionary_encode()
        dictionary = codes.dictionary.to_pylist()
        unseen = [i for i, code in enumerate(dictionary) if code not in self.index] if keep is None else []
        firsts = batch.take(pa.array(np.unique(codes.indices.to_numpy(), return_index=True)[1][unseen], pa.int64()))  # a new group's first row
        # Only a group's settled key is kept: its first row's context is not made Python objects (a name row's is its documents' union).
        firsts = firsts.set_column(firsts.schema.get_field_index("context"), "context", sports(firsts.column("context").combine_chunks()))
        for i, key, canonical_id in zip(unseen, summary_keys(firsts), firsts.column("canonical_id").to_pylist()):
            self.index[dictionary[i]] = len(self.settled)
            self.settled.append((settled_key(key), canonical_id))
            self.counts.append(0)
            self.alone.append(RESOLVER.always_alone(settled_key(key)))
        row_groups = np.array([self.index.get(code, -1) for code in dictionary], np.int64)[codes.indices.to_numpy()]
        named = batch.column(FOLDED).to_numpy(zero_copy_only=False) > 0
        if keep is not None:
            self._keep(batch, np.isin(row_groups, np.fromiter(keep, np.int64, len(keep))), named)
            return
        for summary_id, group in zip(batch.column("summary_id").to_numpy()[named].tolist(), row_groups[named].tolist()):
            self.named.setdefault(group, []).append(summary_id)
        totals = np.bincount(row_groups, weights=batch.column("mention_count").to_numpy(), minlength=len(self.counts))
        self.counts = [count + int(total) for count, total in zip(self.counts, totals)]
        self.ids.append(batch.column("summary_id").to_numpy())
        self.groups.append(row_groups)
        rows = np.flatnonzero(~named)  # a name row holds no run's summary (its context is a union): not encoded
        held = rows[pc.is_in(encoded_rows(batch.take(pa.array(rows, pa.int64()))), value_set=wanted).to_numpy(zero_copy_only=False)]
        found = batch.take(pa.array(held, pa.int64()))
        columns = (found.column(name).to_pylist() for name in ("summary_id", "mention_count"))
        for key, summary_id, count, group in zip(summary_keys(found), *columns, row_groups[held].tolist()):
            if key in new and key not in self.matched:
                self.matched[key] = (summary_id, count, group)
        self._keep(batch, np.array(self.alone, bool)[row_groups], named)

    def _keep(self, batch: pa.Table, rows: np.ndarray, named: np.ndarray) -> None:
        """Hold ``rows`` (a mask) of ``batch`` as Python objects; of a name row (``named``), its
        document rows, read from the runs' files (:meth:`unfolded`)."""
        for summary_id, canonical_id in zip(
            batch.column("summary_id").to_numpy()[rows & named].tolist(), batch.column("canonical_id").filter(pa.array(rows & named)).to_pylist()
        ):
            self.unfold[summary_id] = canonical_id
        rows = rows & ~named
        if not rows.any():
            return
        kept = batch.filter(pa.array(rows))
        columns = (kept.column(name).to_pylist() for name in ("summary_id", "canonical_id", "mention_count"))
        self.rows += [(key, summary_id, canonical_id, count) for key, summary_id, canonical_id, count in zip(summary_keys(kept), *columns)]

    def unfolded(self, folded: Rows) -> list[int]:
        """Hold the document rows of the name rows to unfold (``folded``: every run's), as rows;
        returns their ``summary_id``."""
        if not self.unfold:
            return []
        names = pa.array(sorted(self.unfold), pa.int64())
        found: list[int] = []
        for batch in folded.batches(FOLDED_COLUMNS):
            kept = batch.filter(pc.is_in(batch[NAME_ID], value_set=names))
            columns = (kept.column(name).to_pylist() for name in ("summary_id", NAME_ID, "mention_count"))
            for key, summary_id, name_id, count in zip(summary_keys(kept), *columns):
                self.rows.append((key, summary_id, self.unfold[name_id], count))
                found.append(summary_id)
        return found


@dataclass
class Resolved:
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
    name_rows: dict[int, list[int]] = field(default_factory=dict)  # group item -> its name rows (which stay)
    unfolded: list[int] = field(default_factory=list)  # the document rows of the name rows held a row per document
    dissolved: list[int] = field(default_factory=list)  # those name rows (they go)
    decided_alone: set[SummaryRowKey] = field(default_factory=set)  # the run's summaries decided alone

    @classmethod
    def read(cls, rows: Rows, folded: Rows, ids: pa.Array, new: CorpusResolver, dropped: CorpusResolver | None) -> Resolved:
        """The touched registry rows (``ids``) with ``new`` added and ``dropped`` taken out; the
        document rows of a name row (``folded``: every run's) are read when it is held a row per document."""
        groups, wanted = _Groups(), pa.array([encoded(key) for key in new.mentions], pa.string())
        for batch in picked(rows, ids, RESOLVED_COLUMNS):
            groups.add(batch, new.mentions, wanted)
        settled = groups.settled
        run = new.summaries()
        alone = CorpusResolver().decided_alone([key for key, _ in settled] + run)
        gone = {settled_key(key) for key in dropped.mentions} if dropped is not None else set()
        # A name that is shortened here (or loses a document) is read again a row per document.
        again = {g for g, (key, _) in enumerate(settled) if not groups.alone[g] and (g in alone or key in gone)}
        for batch in picked(rows, ids, RESOLVED_COLUMNS) if again else ():
            groups.add(batch, new.mentions, wanted, keep=again)
        dissolved = sorted(groups.unfold)
        unfolded = groups.unfolded(folded)
        single = {g for g in range(len(settled)) if groups.alone[g] or g in again}
        short = set().union(*(_entity_keys(key[4]) for key, *_ in groups.rows), *(_entity_keys(run[i - len(settled)][4]) for i in alone if i >= len(settled)))
        member_ids = np.concatenate(groups.ids) if groups.ids else np.empty(0, np.int64)
        member_groups = np.concatenate(groups.groups) if groups.groups else np.empty(0, np.int64)
        contexts = _group_contexts(rows, ids, member_ids, member_groups, single, short)
        resolved = cls(CorpusResolver(), unfolded=unfolded, dissolved=dissolved)
        resolved.decided_alone = {key for i, key in enumerate(run) if len(settled) + i in alone}
        item_of = np.full(len(settled), -1, np.int64)
        for g, (key, canonical_id) in enumerate(settled):
            if g not in single:
                item_of[g] = resolved._add((*key[:4], key[4] + tuple(sorted(contexts.get(g, ())))), canonical_id, groups.counts[g], None)
                if g in groups.named:
                    resolved.name_rows[int(item_of[g])] = groups.named[g]
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
    for batch in picked(rows, ids, ["summary_id", "context"]):
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
