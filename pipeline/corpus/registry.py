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

This module computes on tables; it reads and writes no file.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..writing.schema import CANONICAL_IDS, CANONICAL_REDIRECTS, CORPUS_ENTITIES, DOCUMENT_INDEX, ENTITY_SUMMARIES
from .resolve import SUMMARY_KEY_COLUMNS, CorpusResolver, Resolution
from .resolve import summary_keys as resolver_keys
from .vote import CorpusVote

#: How the registry keeps a :class:`~pipeline.corpus.vote.CorpusVote`: one row per name key, kind and label.
VOTES = pa.schema([pa.field("key", pa.string()), pa.field("kind", pa.string()), pa.field("label", pa.string()), pa.field("value", pa.int64())])
VOTE_KINDS = ("scored", "unscored", "curated")

SummaryRowKey = tuple[Any, ...]
#: The registry column of each summary's block keys (:meth:`CorpusResolver.block_keys`).
BLOCK_KEYS = "block_keys"


def text_hash(text: str | None) -> str:
    """SHA-256 of a document's text (of "" for an error row, which has none): what an append compares."""
    return hashlib.sha256((text or "").encode("utf8")).hexdigest()


def id_hash(doc_id: str) -> int:
    """A document id as a signed 64-bit integer (BLAKE2b): what :class:`DocIndex` searches."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf8"), digest_size=8).digest(), "little", signed=True)


@dataclass
class DocIndex:
    """Every document of a corpus, for an append to look its articles up: the ids' hashes sorted
    in a NumPy array and the rest in Arrow arrays, so that a corpus of a million documents costs
    some tens of megabytes, not a Python object per document."""

    table: pa.Table  # DOCUMENT_INDEX columns and run_id
    hashes: np.ndarray  # id_hash, sorted
    order: np.ndarray  # row of each sorted hash

    @classmethod
    def of(cls, parts: Iterable[tuple[str, pa.Table]]) -> DocIndex:
        """The index of ``(run_id, part)`` pairs (the registry's per-run document indexes)."""
        tables = [part.cast(DOCUMENT_INDEX).append_column("run_id", pa.array([run] * part.num_rows, pa.string())) for run, part in parts]
        table = pa.concat_tables(tables) if tables else DOCUMENT_INDEX.append(pa.field("run_id", pa.string())).empty_table()
        table = table.combine_chunks()
        hashes = table.column("id_hash").to_numpy()
        order = np.argsort(hashes, kind="stable")
        return cls(table, hashes[order], order)

    def get(self, doc_id: str) -> tuple[str, str, int] | None:
        """``(text hash, run, doc_key)`` of the corpus's document ``doc_id``, or None."""
        wanted = id_hash(doc_id)
        position = int(np.searchsorted(self.hashes, wanted))
        while position < len(self.hashes) and self.hashes[position] == wanted:
            row = int(self.order[position])
            if self.table.column("doc_id")[row].as_py() == doc_id:
                return tuple(self.table.column(name)[row].as_py() for name in ("text_sha256", "run_id", "doc_key"))
            position += 1
        return None

    def next_key(self) -> int:
        """The ``doc_key`` the next document gets."""
        last = pc.max(self.table.column("doc_key")).as_py()
        return 0 if last is None else last + 1


def summary_keys(table: pa.Table) -> list[SummaryRowKey]:
    """The summary key of every row of ``table`` (``entities`` or the registry's ``summaries``),
    as the resolver keys its summaries (:func:`pipeline.corpus.resolve.summary_keys`)."""
    return resolver_keys(table.select(SUMMARY_KEY_COLUMNS).to_pydict())


@dataclass
class Update:
    """What :meth:`Registry.update` computed for one run."""

    resolution: Resolution  # the clusters of the summaries resolved again, with the corpus's ids
    registry: Registry  # the registry after the run
    resolved: pa.Table  # the registry rows resolved again (summary_id, ..., canonical_id)
    changed: list[str]  # the ids those rows had before: their corpus_entities rows are replaced
    summary_ids: dict[SummaryRowKey, int]  # summary key -> summary_id, of the rows resolved again
    new_ids: int  # canonical ids given by this run
    redirected: int  # ids retired into an older one by this run


@dataclass
class Registry:
    """The summaries with their ids, every id given, and the redirects (see the module docstring)."""

    summaries: pa.Table  # summary_id, the summary's columns, canonical_id, block_keys
    canonical_ids: pa.Table  # CANONICAL_IDS
    redirects: pa.Table  # CANONICAL_REDIRECTS

    @classmethod
    def empty(cls) -> Registry:
        return cls(_rows(CorpusResolver(), [], []), CANONICAL_IDS.empty_table(), CANONICAL_REDIRECTS.empty_table())

    @classmethod
    def of_run(cls, entities: pa.Table, run_id: str) -> Registry:
        """The registry of a corpus written by one run without ``--append`` (its ``entities``
        table): the ids that run gave are kept, as given by ``run_id``."""
        resolver = CorpusResolver.from_tables([entities])
        given = dict(zip(summary_keys(entities), entities.column("canonical_id").to_pylist()))
        ids = [given[key] for key in _keys(resolver)]
        unique = sorted(set(ids))
        born = pa.table({"canonical_id": unique, "run_id": [run_id] * len(unique)}, schema=CANONICAL_IDS)
        return cls(_rows(resolver, list(range(len(ids))), ids), born, CANONICAL_REDIRECTS.empty_table())

    def update(self, new: CorpusResolver, run_id: str, dropped: CorpusResolver | None = None) -> Update:
        """Add the summaries of ``new`` (a run's) and take out those of ``dropped`` (replaced
        documents'), resolve again the groups of summaries they touch (:meth:`_touched`: the
        clusters one run over every article would make) and keep the corpus's ids; the returned
        registry is the corpus's after ``run_id``."""
        # Block keys are computed for the run's summaries only; the registry's are stored.
        blocks = {key: sorted(new.block_keys(key)) for key in [*_keys(new), *(_keys(dropped) if dropped is not None else [])]}
        touched = self._touched(set().union(*blocks.values()))
        before = self.summaries.filter(touched)
        blocks.update(zip(summary_keys(before), before.column(BLOCK_KEYS).to_pylist()))
        resolver = CorpusResolver.from_tables([before]).merge(new)
        if dropped is not None:
            resolver.remove(dropped)
        fresh = resolver.resolve()
        keys = _keys(resolver)
        known = dict(zip(summary_keys(before), zip(before.column("summary_id").to_pylist(), before.column("canonical_id").to_pylist())))
        fresh_ids = [fresh.by_summary[key] for key in keys]
        counts = resolver.summary_table().column("mention_count").to_pylist()
        stable, redirects, new_ids = self._keep_ids(fresh_ids, [known[key][1] if key in known else None for key in keys], counts)
        next_id = pc.max(self.summaries.column("summary_id")).as_py()
        next_id = 0 if next_id is None else next_id + 1
        summary_ids = []
        for key in keys:
            summary_ids.append(known[key][0] if key in known else next_id)
            next_id += key not in known
        rows = _rows(resolver, summary_ids, [stable[i] for i in fresh_ids], blocks)
        born = pa.concat_tables([self.canonical_ids, pa.table({"canonical_id": new_ids, "run_id": [run_id] * len(new_ids)}, schema=CANONICAL_IDS)])
        summaries = pa.concat_tables([self.summaries.filter(pc.invert(touched)), rows.cast(self.summaries.schema)])
        resolution = Resolution(
            by_summary={key: stable[cid] for key, cid in fresh.by_summary.items()},
            clusters={stable[cid]: replace(cluster, canonical_id=stable[cid]) for cid, cluster in fresh.clusters.items()},
        )
        registry = Registry(summaries, born, self._redirected(redirects, run_id))
        changed = sorted(set(before.column("canonical_id").to_pylist()))
        return Update(resolution, registry, rows, changed, dict(zip(keys, summary_ids)), len(new_ids), len(redirects))

    def _touched(self, frontier: set[str]) -> pa.Array:
        """Which registry rows to resolve again: those with a block key
        (:meth:`CorpusResolver.block_keys`) in ``frontier`` (the keys of the run's summaries), and
        so on through theirs, until no row is added. A mask; computed on the stored keys, so its
        cost grows with the groups touched, not with the registry (beyond a vectorised scan)."""
        touched = np.zeros(self.summaries.num_rows, dtype=bool)
        lists = self.summaries.column(BLOCK_KEYS).combine_chunks()
        flat, parents = pc.list_flatten(lists), pc.list_parent_indices(lists).to_numpy()
        seen: set[str] = set()
        while frontier:
            seen |= frontier
            rows = np.unique(parents[pc.is_in(flat, pa.array(sorted(frontier), pa.string())).to_numpy(zero_copy_only=False)])
            rows = rows[~touched[rows]]
            touched[rows] = True
            frontier = set(flat.filter(pa.array(np.isin(parents, rows))).to_pylist()) - seen
        return pa.array(touched)

    def _keep_ids(self, fresh_ids: list[str], old_ids: list[str | None], counts: list[int]) -> tuple[dict[str, str], dict[str, str], list[str]]:
        """Fresh cluster id -> the id it keeps, retired id -> surviving id (module docstring), and the new ids."""
        weights: dict[str, Counter] = {}  # known id -> fresh cluster -> mentions
        for fresh, old, count in zip(fresh_ids, old_ids, counts):
            if old is not None:
                weights.setdefault(old, Counter())[fresh] += count
        claims: dict[str, list[str]] = {}  # fresh cluster -> the known ids whose mentions are mostly in it
        for old, by_fresh in weights.items():
            claims.setdefault(max(sorted(by_fresh), key=by_fresh.__getitem__), []).append(old)
        claimed = pa.array(sorted(weights), pa.string())
        ids = self.canonical_ids.filter(pc.is_in(self.canonical_ids["canonical_id"], claimed))
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
        never names another entity. Vectorised: no set of every id is built."""
        ever = pa.chunked_array([*self.canonical_ids["canonical_id"].chunks, *self.redirects["old_id"].chunks], pa.string())
        found = pc.is_in(pa.array(candidates, pa.string()), value_set=ever.combine_chunks())
        return {candidate for candidate, hit in zip(candidates, found.to_pylist()) if hit}

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


def _keys(resolver: CorpusResolver) -> list[SummaryRowKey]:
    """The resolver's summaries, in the order of :meth:`CorpusResolver.summary_table`."""
    return summary_keys(resolver.summary_table().select(SUMMARY_KEY_COLUMNS))


def _rows(resolver: CorpusResolver, summary_ids: list[int], canonical_ids: list[str], known: Mapping | None = None) -> pa.Table:
    """Registry rows: the resolver's summary table with ``summary_id``, ``canonical_id`` and the
    block keys (each list sorted; taken from ``known`` where it has them)."""
    table = resolver.summary_table()
    known = known or {}
    blocks = [known[key] if key in known else sorted(resolver.block_keys(key)) for key in summary_keys(table)]
    table = table.add_column(0, "summary_id", pa.array(summary_ids, pa.int64()))
    table = table.append_column("canonical_id", pa.array(canonical_ids, pa.string()))
    return table.append_column(BLOCK_KEYS, pa.array(blocks, pa.list_(pa.string())))


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


def merge_corpus(before: pa.Table, rows: pa.Table, changed: Iterable[str]) -> pa.Table:
    """``corpus_entities`` after a run: the rows of ``before`` whose id is not in ``changed``, and
    ``rows`` (the clusters resolved again), most mentioned first as one run orders them."""
    kept = before.filter(pc.invert(pc.is_in(before["canonical_id"], pa.array(sorted(changed), pa.string()))))
    whole = pa.concat_tables([kept.cast(CORPUS_ENTITIES), rows.cast(CORPUS_ENTITIES)])
    return whole.sort_by([("mention_count", "descending"), ("canonical_id", "ascending")])


def vote_table(votes: CorpusVote) -> pa.Table:
    """``votes`` as a table (:data:`VOTES`), for the registry: the label votes go on with the corpus."""
    rows = [(key, kind, label, value) for kind in VOTE_KINDS for key, counts in getattr(votes, kind).items() for label, value in counts.items()]
    return pa.table([list(column) for column in zip(*rows)] if rows else [[], [], [], []], schema=VOTES)


def votes_of(table: pa.Table | None) -> CorpusVote:
    """The :class:`~pipeline.corpus.vote.CorpusVote` of a :func:`vote_table` (an empty vote for None)."""
    votes = CorpusVote()
    for key, kind, label, value in zip(*(table.column(name).to_pylist() for name in VOTES.names)) if table is not None else ():
        getattr(votes, kind)[key][label] += value
    return votes
