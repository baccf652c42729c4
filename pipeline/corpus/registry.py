"""The entity registry of a growing corpus: canonical ids that stay when articles are appended.

A corpus that grows (``python -m pipeline run NEW --output DIR --append``) keeps beside its
tables what corpus resolution needs to go on (``DIR/registry/``, read and written by
:mod:`pipeline.run`):

* ``summaries``: the :class:`~pipeline.corpus.resolve.CorpusResolver`'s summaries as
  :meth:`~pipeline.corpus.resolve.CorpusResolver.summary_table` gives them (whatever columns a
  summary has), each with a ``summary_id`` and the ``canonical_id`` it has now;
* ``canonical_ids``: every id given, with the run that gave it;
* per run, a document index (id, text hash) and the summary of every ``entities`` row.

An append resolves the registry's summaries together with the new ones (the same reduction as
one run: the clusters are those one run over every article would make), then keeps the ids the
corpus gave (:meth:`Registry.update`):

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

from ..writing.schema import CANONICAL_IDS, CANONICAL_REDIRECTS, DOCUMENT_INDEX, ENTITY_SUMMARIES
from .resolve import SUMMARY_KEY_COLUMNS, CorpusResolver, Resolution

SummaryRowKey = tuple[Any, ...]


def text_hash(text: str | None) -> str:
    """SHA-256 of a document's text (of "" for an error row, which has none): what an append compares."""
    return hashlib.sha256((text or "").encode("utf8")).hexdigest()


def summary_keys(table: pa.Table) -> list[SummaryRowKey]:
    """The summary key of every row of ``table`` (``entities`` or the registry's ``summaries``):
    the values of :data:`~pipeline.corpus.resolve.SUMMARY_KEY_COLUMNS`, lists as tuples, as the
    resolver keys its summaries (:attr:`Resolution.by_summary`)."""
    columns = table.select(SUMMARY_KEY_COLUMNS).to_pydict()
    values = [[tuple(v) if isinstance(v, list) else v for v in columns[name]] for name in SUMMARY_KEY_COLUMNS]
    return list(zip(*values))


@dataclass
class Update:
    """What :meth:`Registry.update` computed for one run."""

    resolution: Resolution  # every summary's cluster, with the corpus's ids
    registry: Registry  # the registry after the run
    summary_ids: dict[SummaryRowKey, int]  # summary key -> summary_id
    new_ids: int  # canonical ids given by this run
    redirected: int  # ids retired into an older one by this run


@dataclass
class Registry:
    """The summaries with their ids, every id given, and the redirects (see the module docstring)."""

    summaries: pa.Table  # summary_id, the summary's columns, canonical_id
    canonical_ids: pa.Table  # CANONICAL_IDS
    redirects: pa.Table  # CANONICAL_REDIRECTS

    @classmethod
    def empty(cls) -> Registry:
        return cls.of_summaries(CorpusResolver().summary_table(), [], [], CANONICAL_IDS.empty_table(), CANONICAL_REDIRECTS.empty_table())

    @classmethod
    def of_summaries(cls, table: pa.Table, summary_ids: list[int], ids: list[str], born: pa.Table, redirects: pa.Table) -> Registry:
        summaries = table.add_column(0, "summary_id", pa.array(summary_ids, pa.int64()))
        return cls(summaries.append_column("canonical_id", pa.array(ids, pa.string())), born, redirects)

    @classmethod
    def of_run(cls, entities: pa.Table, run_id: str) -> Registry:
        """The registry of a corpus written by one run without ``--append`` (its ``entities``
        table): the ids that run gave are kept, as given by ``run_id``."""
        resolver = CorpusResolver.from_tables([entities])
        table = resolver.summary_table()
        given = dict(zip(summary_keys(entities), entities.column("canonical_id").to_pylist()))
        ids = [given[key] for key in summary_keys(table)]
        unique = sorted(set(ids))
        born = pa.table({"canonical_id": unique, "run_id": [run_id] * len(unique)}, schema=CANONICAL_IDS)
        return cls.of_summaries(table, list(range(table.num_rows)), ids, born, CANONICAL_REDIRECTS.empty_table())

    def resolver(self) -> CorpusResolver:
        """A resolver holding the corpus's summaries (merge the new run's into it)."""
        return CorpusResolver.from_tables([self.summaries])

    def update(self, resolver: CorpusResolver, run_id: str) -> Update:
        """Resolve ``resolver`` (this registry's summaries merged with a run's) and keep the
        corpus's ids; the returned registry is the corpus's after ``run_id``."""
        fresh = resolver.resolve()
        table = resolver.summary_table()
        keys = summary_keys(table)
        known = dict(zip(summary_keys(self.summaries), zip(self.summaries.column("summary_id").to_pylist(), self.summaries.column("canonical_id").to_pylist())))
        fresh_ids = [fresh.by_summary[key] for key in keys]
        old_ids = [known[key][1] if key in known else None for key in keys]
        stable, redirects = self._keep_ids(fresh_ids, old_ids, table.column("mention_count").to_pylist())
        next_id = max(self.summaries.column("summary_id").to_pylist(), default=-1) + 1
        summary_ids = []
        for key in keys:
            if key in known:
                summary_ids.append(known[key][0])
            else:
                summary_ids.append(next_id)
                next_id += 1
        given = set(self.canonical_ids.column("canonical_id").to_pylist())
        new = sorted(set(stable.values()) - given)
        born = pa.concat_tables([self.canonical_ids, pa.table({"canonical_id": new, "run_id": [run_id] * len(new)}, schema=CANONICAL_IDS)])
        registry = Registry.of_summaries(table, summary_ids, [stable[i] for i in fresh_ids], born, self._redirected(redirects, run_id))
        resolution = Resolution(
            by_summary={key: stable[cid] for key, cid in fresh.by_summary.items()},
            clusters={stable[cid]: replace(cluster, canonical_id=stable[cid]) for cid, cluster in fresh.clusters.items()},
        )
        return Update(resolution, registry, dict(zip(keys, summary_ids)), len(new), len(redirects))

    def _keep_ids(self, fresh_ids: list[str], old_ids: list[str | None], counts: list[int]) -> tuple[dict[str, str], dict[str, str]]:
        """Fresh cluster id -> the id it keeps, and retired id -> surviving id (module docstring)."""
        weights: dict[str, Counter] = {}  # known id -> fresh cluster -> mentions
        for fresh, old, count in zip(fresh_ids, old_ids, counts):
            if old is not None:
                weights.setdefault(old, Counter())[fresh] += count
        claims: dict[str, list[str]] = {}  # fresh cluster -> the known ids whose mentions are mostly in it
        for old, by_fresh in weights.items():
            claims.setdefault(max(sorted(by_fresh), key=by_fresh.__getitem__), []).append(old)
        born = dict(zip(self.canonical_ids.column("canonical_id").to_pylist(), self.canonical_ids.column("run_id").to_pylist()))
        taken = set(born) | set(self.redirects.column("old_id").to_pylist())
        stable: dict[str, str] = {}
        redirects: dict[str, str] = {}
        for fresh in sorted(set(fresh_ids)):
            olds = claims.get(fresh)
            if olds:
                survivor = min(olds, key=lambda i: (born.get(i, ""), i))  # the oldest id
                stable[fresh] = survivor
                redirects.update((old, survivor) for old in olds if old != survivor)
        for fresh in sorted(set(fresh_ids) - stable.keys()):
            stable[fresh] = _unused(fresh, taken)
            taken.add(stable[fresh])
        return stable, redirects

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


def _unused(canonical_id: str, taken: set[str]) -> str:
    """``canonical_id``, or ``canonical_id.2`` (``.3``, ...) when the corpus gave it before: an id
    once given never names another entity."""
    candidate, n = canonical_id, 1
    while candidate in taken:
        n += 1
        candidate = f"{canonical_id}.{n}"
    return candidate


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
        entities = tables["entities"]
        self.entities["entity_id"] += entities.column("entity_id").to_pylist()
        self.entities["doc_key"] += [self._keys[doc_id] for doc_id in entities.column("doc_id").to_pylist()]
        self.entities["summary_id"] += [self.summary_ids[key] for key in summary_keys(entities)]
        return tables

    def tables(self) -> tuple[pa.Table, pa.Table]:
        """The run's document index and entity summaries."""
        return pa.table(self.documents, schema=DOCUMENT_INDEX), pa.table(self.entities, schema=ENTITY_SUMMARIES)


def doc_counts(entity_summaries: Iterable[pa.Table], summaries: pa.Table) -> Counter:
    """Canonical id -> documents it is mentioned in, over every run's entity summaries
    (only their ``doc_key`` and ``summary_id`` are read: whole numbers, however large the corpus)."""
    parts = [table.select(["doc_key", "summary_id"]) for table in entity_summaries]
    if not parts or not summaries.num_rows:
        return Counter()
    pairs = pa.concat_tables(parts)
    ids, cluster_of_row = np.unique(np.asarray(summaries.column("canonical_id").to_pylist(), dtype=object), return_inverse=True)
    summary_ids = summaries.column("summary_id").to_numpy()
    cluster = np.full(int(summary_ids.max()) + 1, -1, dtype=np.int64)
    cluster[summary_ids] = cluster_of_row
    clusters = cluster[pairs.column("summary_id").to_numpy()]
    known = clusters >= 0  # summaries no document has any more (replaced documents) are gone
    distinct = pa.table({"doc_key": pairs.column("doc_key").to_numpy()[known], "cluster": clusters[known]}).group_by(["doc_key", "cluster"]).aggregate([])
    counted = distinct.group_by("cluster").aggregate([("doc_key", "count")]).to_pydict()
    return Counter({ids[c]: n for c, n in zip(counted["cluster"], counted["doc_key_count"])})
