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
(:class:`Resolved`); only short forms (a lone surname, a one-word organisation, a name that a
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

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..writing.schema import CANONICAL_IDS, CANONICAL_REDIRECTS
from .grouping import Resolved
from .resolve import SUMMARY_KEY_COLUMNS, CorpusResolver, Resolution, block_partners
from .rows import Rows, SummaryRowKey, summary_keys

#: The registry column of each summary's block keys (:meth:`CorpusResolver.block_keys`), and
#: which version of them the summaries file holds (its schema metadata): a registry written with
#: other keys has them computed again as it is read (:meth:`Registry.stored`).
BLOCK_KEYS = "block_keys"
BLOCK_KEYS_VERSION = {b"block_keys": b"2"}


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
        alone are resolved as one summary (:class:`Resolved`), so that what is held follows the
        distinct names a run touches, not their documents. Rows are not written again: the
        touched ones get their new ids and counts as the registry streams past (:meth:`Rows.patched`)."""
        # Block keys are computed for the run's summaries only; the registry's are stored.
        blocks = {key: sorted(new.block_keys(key)) for key in [*new.summaries(), *(dropped.summaries() if dropped is not None else [])]}
        touched = Resolved.read(self.summaries, self._touched(set().union(*blocks.values())), new, dropped)
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
