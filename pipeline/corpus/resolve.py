"""Corpus resolution: one ``canonical_id`` for the same entity in every document.

A reduction over compact per-entity summaries, never over Docs: engines feed each
document entity's ``(label, name, aliases, kb_id)`` to :meth:`CorpusResolver.add`, resolvers
built on different partitions combine with :meth:`CorpusResolver.merge`, and
:meth:`CorpusResolver.resolve` clusters the distinct summaries:

* summaries sharing a *strong* key merge: a name's key (:func:`names.name_key`) with its label,
  or a curated ``kb_id``; a person's lone surname is strong only where it is all a document
  had (``Hussein`` alone), never as an alias of a full name (so ``Fuad Hussein`` and
  ``Saddam Hussein`` stay apart);
* a surname-only cluster joins the single full-name cluster with that surname, and stays
  apart when there are several (ambiguous) or none.

Ids are a hash of label and representative name, so the same input gives the same ids.
:class:`CorpusIds` then computes what the tables need from the :class:`Resolution`: the
``canonical_id`` column of each batch's ``entities`` and ``mentions``, and the
``corpus_entities`` table. This module computes; the writer (:mod:`pipeline.writing.writer`) writes.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from ..writing.schema import CORPUS_ENTITIES, replace_column
from .names import UnionFind, fullest_form, name_key

SummaryKey = tuple[str, str, tuple[str, ...], str | None]  # label, name, aliases, kb_id
#: Length of the hexadecimal hash in a canonical id.
ID_HEX_CHARS = 12
#: The ``entities`` columns that identify a summary (a :data:`SummaryKey`), and those it is made of
#: (:meth:`CorpusResolver.add_columns`, :meth:`CorpusResolver.summary_table`).
SUMMARY_KEY_COLUMNS = ["label", "name", "aliases", "kb_id"]
SUMMARY_COLUMNS = [*SUMMARY_KEY_COLUMNS, "mention_count"]


def canonical_id_for(label: str, name: str) -> str:
    """``LABEL:<hash>``: the id of the cluster that ``name`` represents (stable across runs)."""
    digest = hashlib.sha1(f"{label}\t{name}".encode()).hexdigest()[:ID_HEX_CHARS]
    return f"{label}:{digest}"


@dataclass
class Cluster:
    canonical_id: str
    label: str
    name: str
    aliases: list[str]
    kb_id: str | None
    mention_count: int


@dataclass
class Resolution:
    """The result: summary -> canonical id, and one :class:`Cluster` per canonical id."""

    by_summary: dict[SummaryKey, str]
    clusters: dict[str, Cluster]

    def canonical_id(self, label: str, name: str, aliases: Iterable[str], kb_id: str | None) -> str | None:
        return self.by_summary.get((label, name, tuple(aliases), kb_id))

    def canonical_ids(self, entities: Mapping[str, Sequence]) -> list[str | None]:
        """The canonical id of every row of an ``entities`` column dict (see :mod:`pipeline.writing.rows`)."""
        return [
            self.canonical_id(label, name, aliases, kb_id)
            for label, name, aliases, kb_id in zip(entities["label"], entities["name"], entities["aliases"], entities["kb_id"])
        ]


@dataclass
class CorpusResolver:
    """Accumulates entity summaries; mergeable, so it works as a reduction (see module doc)."""

    person_labels: frozenset[str] = frozenset({"PERSON", "PER"})
    mentions: Counter = field(default_factory=Counter)  # SummaryKey -> mention count

    def add(self, label: str, name: str, aliases: Iterable[str], kb_id: str | None, mention_count: int) -> None:
        self.mentions[(label, name, tuple(aliases), kb_id)] += mention_count

    def add_columns(self, entities: Mapping[str, Sequence]) -> None:
        """Add every row of an ``entities`` column dict (see :mod:`pipeline.writing.rows`)."""
        for row in zip(*(entities[column] for column in SUMMARY_COLUMNS)):
            self.add(*row)

    @classmethod
    def from_tables(cls, entities: Iterable[pa.Table]) -> CorpusResolver:
        """A resolver holding the summaries of ``entities`` tables (a resumed run's written batches)."""
        resolver = cls()
        for table in entities:
            resolver.add_columns(table.select(SUMMARY_COLUMNS).to_pydict())
        return resolver

    def merge(self, other: CorpusResolver) -> CorpusResolver:
        self.mentions.update(other.mentions)
        return self

    def block_keys(self, key: SummaryKey) -> set[str]:
        """Keys that ``key`` shares with every summary :meth:`_link` may join it with (directly or
        through others): the keys of its names (whatever the label), its ``kb_id`` and, for a person,
        the surname. Resolution is local to the groups of summaries these keys connect, which lets a
        grown corpus resolve again only the groups a new run touches (pipeline/corpus/registry.py);
        a change to :meth:`_link` that joins summaries on anything else must add it here."""
        label, name, aliases, kb_id = key
        name_keys = [name_key(form) for form in (name, *aliases)]
        keys = {"name:" + " ".join(k) for k in name_keys if k}
        if kb_id:
            keys.add("kb:" + kb_id)
        if label in self.person_labels and name_keys[0]:
            keys.add("surname:" + name_keys[0][-1])
        return keys

    def remove(self, other: CorpusResolver) -> CorpusResolver:
        """Take ``other``'s summaries out again (the documents an append replaces): undoes :meth:`merge`."""
        self.mentions.subtract(other.mentions)
        for key in [key for key, count in self.mentions.items() if count <= 0]:
            del self.mentions[key]
        return self

    def summary_table(self) -> pa.Table:
        """The summaries as a table of :data:`SUMMARY_COLUMNS` (what :meth:`from_tables` reads back),
        sorted as :meth:`resolve` sorts them: how a grown corpus keeps them (pipeline/corpus/registry.py)."""
        keys = sorted(self.mentions, key=lambda k: (k[0], k[1], k[2], k[3] or ""))
        columns: dict[str, list] = {name: [key[i] for key in keys] for i, name in enumerate(SUMMARY_KEY_COLUMNS)}
        columns["aliases"] = [list(aliases) for aliases in columns["aliases"]]
        columns["mention_count"] = [self.mentions[key] for key in keys]
        types = {"aliases": pa.list_(pa.string()), "mention_count": pa.int64()}
        return pa.table({name: pa.array(values, types.get(name, pa.string())) for name, values in columns.items()})

    def resolve(self) -> Resolution:
        # Sorted (a missing kb_id as ""): the same clusters and ids on every run.
        summaries = sorted(self.mentions, key=lambda k: (k[0], k[1], k[2], k[3] or ""))
        uf = self._link(summaries)
        members: dict[int, list[int]] = {}
        for i in range(len(summaries)):
            members.setdefault(uf.find(i), []).append(i)
        by_summary: dict[SummaryKey, str] = {}
        clusters: dict[str, Cluster] = {}
        for group in members.values():
            cluster = self._cluster([summaries[i] for i in group])
            clusters[cluster.canonical_id] = cluster
            for i in group:
                by_summary[summaries[i]] = cluster.canonical_id
        return Resolution(by_summary, clusters)

    def _link(self, summaries: list[SummaryKey]) -> UnionFind:
        """Union the summaries that name one entity (see the module docstring)."""
        uf = UnionFind(len(summaries))
        owner: dict[tuple, int] = {}
        surname_only: list[int] = []
        for i, (label, name, aliases, kb_id) in enumerate(summaries):
            keys = {name_key(a) for a in (name, *aliases)}
            keys.discard(())
            is_person = label in self.person_labels
            longest = max((len(k) for k in keys), default=0)
            strong: set[tuple] = {(label, k) for k in keys if not (is_person and len(k) == 1 and longest > 1)}
            if kb_id:
                strong.add(("kb", kb_id))
            if is_person and longest == 1:
                surname_only.append(i)
            for key in strong:
                if key in owner:
                    uf.union(owner[key], i)
                else:
                    owner[key] = i
        # Surname-only clusters join the one full-name cluster ending in that surname.
        by_surname: dict[tuple[str, str], set[int]] = {}
        for i, (label, name, _aliases, _kb) in enumerate(summaries):
            key = name_key(name)
            if label in self.person_labels and len(key) > 1:
                by_surname.setdefault((label, key[-1]), set()).add(i)
        for i in surname_only:
            label, name = summaries[i][0], summaries[i][1]
            key = name_key(name)
            candidates = {uf.find(j) for j in by_surname.get((label, key[-1] if key else ""), ())}
            if len(candidates) == 1:
                uf.union(candidates.pop(), i)
        return uf

    def _cluster(self, group: list[SummaryKey]) -> Cluster:
        labels: Counter = Counter()
        kb_ids: Counter = Counter()
        names: Counter = Counter()
        aliases: set[str] = set()
        for key in group:
            label, name, alias_list, kb_id = key
            count = self.mentions[key]
            labels[label] += count
            names[name] += count
            aliases.update(alias_list)
            if kb_id:
                kb_ids[kb_id] += count
        label = labels.most_common(1)[0][0] if len(labels) == 1 else max(sorted(labels), key=labels.__getitem__)
        # The fullest name; among equally full names the most mentioned, then alphabetical.
        ordered = sorted(names, key=lambda n: (-names[n], n))
        name = fullest_form(ordered)
        return Cluster(
            canonical_id=canonical_id_for(label, name),
            label=label,
            name=name,
            aliases=sorted(aliases),
            kb_id=max(sorted(kb_ids), key=kb_ids.__getitem__) if kb_ids else None,
            mention_count=sum(self.mentions[key] for key in group),
        )


@dataclass
class CorpusIds:
    """What the tables need from a :class:`Resolution`, computed batch by batch.

    :meth:`stamp` fills ``canonical_id`` in one batch's ``entities`` and ``mentions`` and counts
    the documents of each id; once every batch is stamped, :meth:`corpus_table` is the
    ``corpus_entities`` table, most mentioned first.
    """

    resolution: Resolution
    doc_counts: Counter = field(default_factory=Counter)  # canonical id -> documents

    def stamp(self, tables: Mapping[str, pa.Table]) -> dict[str, pa.Table]:
        """``tables`` (one batch) with ``canonical_id`` filled in ``entities`` and ``mentions``."""
        entities = tables["entities"]
        columns = entities.select(["doc_id", "entity_id", "label", "name", "aliases", "kb_id"]).to_pydict()
        ids = self.resolution.canonical_ids(columns)
        for _doc, canonical in set(zip(columns["doc_id"], ids)):
            self.doc_counts[canonical] += 1
        lookup = dict(zip(columns["entity_id"], ids))
        mention_entities = tables["mentions"].column("entity_id").to_pylist()
        return {
            **tables,
            "entities": replace_column(entities, "canonical_id", ids),
            "mentions": replace_column(tables["mentions"], "canonical_id", [lookup.get(e) for e in mention_entities]),
        }

    def corpus_table(self) -> pa.Table:
        """``corpus_entities`` rows (places not yet filled: :func:`pipeline.corpus.geo.add_places`)."""
        clusters = sorted(self.resolution.clusters.values(), key=lambda c: (-c.mention_count, c.canonical_id))
        return pa.Table.from_pylist(
            [
                {
                    "canonical_id": c.canonical_id,
                    "label": c.label,
                    "name": c.name,
                    "aliases": c.aliases,
                    "kb_id": c.kb_id,
                    "doc_count": self.doc_counts[c.canonical_id],
                    "mention_count": c.mention_count,
                }
                for c in clusters
            ],
            schema=CORPUS_ENTITIES,
        )
