"""Corpus resolution: one ``canonical_id`` for the same entity in every document.

A reduction over compact per-entity summaries, never over Docs: engines feed each
document entity's ``(label, name, aliases, kb_id, context)`` to :meth:`CorpusResolver.add`,
resolvers built on different partitions combine with :meth:`CorpusResolver.merge`, and
:meth:`CorpusResolver.resolve` clusters the distinct summaries. ``context`` (the ``entities``
column, :mod:`pipeline.writing.rows`) is the name keys of the other entities of the document and,
on a sports page, its sport. A summary keeps it only where a decision reads it
(:func:`summary_key`): persons and organisations; a place keeps none, so the same place in many
documents is still one summary.

Candidates are blocked by name key (a person's short forms by surname, an organisation's one-word
name by that word), then decided within the block, in the manner of record-linkage tools
(Splink): exact keys first, then the context of the uncertain ones.

* Summaries sharing a *strong* key merge: a name's key (:func:`names.name_key`) with its label
  (and, for an organisation, its sport: ``Australia`` the cricket team, the rugby team and an
  ``Australia`` that is no team stay three; the country is a LOC), or a curated ``kb_id``. A
  person's lone surname is never strong as an alias of a full name (so ``Fuad Hussein`` and
  ``Saddam Hussein`` stay apart), nor on its own when it has context.
* A short form joins the fuller name whose documents share the most context with its own, at
  least ``min_shared_context`` entity keys, when no other cluster shares as much: a shortened
  name (``Richard Nixon``: ``Richard M. Nixon``; ``Promises Treatment Center``: ``Malibu Promises
  Treatment Center``), a one-word organisation (``Scientology``:
  ``Church of Scientology``; ``Chicago`` on a basketball page: ``Chicago Bulls``), a person's lone
  surname (``Bush`` beside ``Saints`` is Reggie Bush), which may also join another lone surname
  it shares context with (never two ``Johnson`` s of unrelated pages).
* A person "named" by titles alone (``President``, ``Prime Minister``) has no name to link by: it
  joins nothing by its name, is no short form of a fuller name and no fuller name of one (the
  lone ``President`` of an interview is not the ``International President`` of another, nor
  its ``President``); only a ``kb_id`` links it.
* Otherwise a person's short form (a lone surname, a shortened name) joins the single fuller name
  it fits whose documents are of its kind (both without a sport, or of its sport) and which only
  adds words in front (``Saints Pierre Thomas``: a team or title the span kept), and stays apart
  when there are several or none: an ambiguous short form stays apart rather than merging
  wrongly. (An organisation's stays apart: ``Police Department`` is no one department's.)

Ids are a hash of label and representative name, so the same input gives the same ids; of two
clusters with one name and label, the less mentioned one's id also hashes its context.
:class:`CorpusIds` then computes what the tables need from the :class:`Resolution`: the
``canonical_id`` column of each batch's ``entities`` and ``mentions``, and the
``corpus_entities`` table. This module computes; the writer (:mod:`pipeline.writing.writer`) writes.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import takewhile

import pyarrow as pa

from ..knowledge.names import PERSON_TITLES, SPORT_PREFIX, UnionFind, fold, fullest_form, is_short_form, is_shouted, name_key, surname
from ..writing.schema import CORPUS_ENTITIES, replace_column

SummaryKey = tuple[str, str, tuple[str, ...], str | None, tuple[str, ...]]  # label, name, aliases, kb_id, context
#: Length of the hexadecimal hash in a canonical id.
ID_HEX_CHARS = 12
#: The ``entities`` columns a summary is made of (:meth:`CorpusResolver.add_columns`).
SUMMARY_COLUMNS = ["label", "name", "aliases", "kb_id", "mention_count", "context"]
#: The ``entities`` columns that identify a summary (a :data:`SummaryKey`; see :func:`summary_key`).
SUMMARY_KEY_COLUMNS = ["label", "name", "aliases", "kb_id", "context"]
PERSON_LABELS = frozenset({"PERSON", "PER"})
#: Name keys' words that are titles (``president``): a person's name of these alone names no one.
TITLE_WORDS = frozenset(PERSON_TITLES)
#: Labels whose summaries keep their sport: a place's name on a sports page names a team.
TEAM_LABELS = frozenset({"ORG"})
#: Labels whose one-word names may stand for a longer name (``Scientology``, ``Church of Scientology``).
PART_NAME_LABELS = frozenset({"ORG"})
#: Entity keys a short form's documents must share with a cluster's to join it.
MIN_SHARED_CONTEXT = 1
#: Block keys (:meth:`CorpusResolver.block_keys`) of an organisation looking for its fuller name,
#: and of a fuller name found there; each meets the other's, every other key meets itself.
SHORT_BLOCK, FULL_BLOCK = "short:", "full:"
BLOCK_KEY_PARTNERS = {SHORT_BLOCK: FULL_BLOCK, FULL_BLOCK: SHORT_BLOCK}
#: Block keys of a block where short forms look for their fuller names (a person's surname, an
#: organisation's word); every other block key (a name's, a ``kb_id``) is a strong key.
SURNAME_BLOCK = "surname:"
#: Block keys of a summary's names (and of its aliases) and of its ``kb_id``: strong keys.
NAME_BLOCK, KB_BLOCK = "name:", "kb:"
#: What a ``short:`` or ``full:`` key's block is called by :func:`short_form_block` (the two meet).
ORG_BLOCK = "words:"


def block_partners(keys: Iterable[str]) -> set[str]:
    """The block keys that summaries with ``keys`` meet (see :meth:`CorpusResolver.block_keys`)."""
    found = set()
    for key in keys:
        prefix = key[: key.index(":") + 1]
        partner = BLOCK_KEY_PARTNERS.get(prefix)
        found.add(partner + key[len(prefix) :] if partner else key)
    return found


def short_form_block(key: str) -> str | None:
    """The block where short forms look for fuller names that the block key ``key`` is a key of
    (a ``short:`` and a ``full:`` key of one block give the same), or None for a strong key.
    Summaries that share only such a block are joined by :meth:`CorpusResolver._join_short_forms`
    alone, and only when the block holds a short form (:meth:`CorpusResolver.decided_alone`)."""
    if key.startswith(SURNAME_BLOCK):
        return key
    for prefix in BLOCK_KEY_PARTNERS:
        if key.startswith(prefix):
            return ORG_BLOCK + key[len(prefix) :]
    return None


def linking_keys(label: str, keys: Iterable[str]) -> list[str]:
    """A summary's block keys (``label``: its label) less those no decision links it by: a
    person's one-word name keys when it has a longer name (:meth:`CorpusResolver._strong`: a lone
    surname is never strong as an alias of a full name; its surname block is where it is looked
    for). Two summaries that share only such a key are never joined by it."""
    keys = list(keys)
    if label not in PERSON_LABELS or not any(key.startswith(NAME_BLOCK) and " " in key for key in keys):
        return keys
    return [key for key in keys if not key.startswith(NAME_BLOCK) or " " in key]


def summary_key(label: str, name: str, aliases: Iterable[str], kb_id: str | None, context: Iterable[str] | None = ()) -> SummaryKey:
    """The summary of one document entity: ``context`` kept where resolution reads it (module docstring)."""
    if label in PERSON_LABELS or label in PART_NAME_LABELS or label in TEAM_LABELS:
        kept = tuple(context or ())
    else:  # a place keeps its page's sport only, for the corpus vote (pipeline/corpus/vote.py)
        kept = tuple(c for c in context or () if c.startswith(SPORT_PREFIX))
    return (label, name, tuple(aliases), kb_id, kept)


def settled_key(summary: SummaryKey) -> SummaryKey:
    """``summary`` without its context but its sport: what the summaries of one name decided by
    strong keys alone have in common (:meth:`CorpusResolver.decided_alone`)."""
    label, name, aliases, kb_id, context = summary
    return (label, name, aliases, kb_id, tuple(c for c in context if c.startswith(SPORT_PREFIX)))


def canonical_id_for(label: str, name: str, context: Sequence[str] = ()) -> str:
    """``LABEL:<hash>``: the id of the cluster that ``name`` represents (stable across runs).

    Two entities of one name and label (two people called ``Johnson``) are told apart by ``context``, the
    context of the second one's first summary; the most mentioned keeps the plain name's id.
    """
    digest = hashlib.sha1("\t".join([label, name, *context]).encode()).hexdigest()[:ID_HEX_CHARS]
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

    def canonical_id(self, label: str, name: str, aliases: Iterable[str], kb_id: str | None, context: Iterable[str] | None = ()) -> str | None:
        return self.by_summary.get(summary_key(label, name, aliases, kb_id, context))

    def canonical_ids(self, entities: Mapping[str, Sequence]) -> list[str | None]:
        """The canonical id of every row of an ``entities`` column dict (see :mod:`pipeline.writing.rows`).

        A row the corpus vote relabelled from a place (whose summary kept only its sport) to a
        label that keeps context is found by its sport alone.
        """
        found = []
        for label, name, aliases, kb_id, context in summary_keys(entities):
            canonical = self.by_summary.get((label, name, aliases, kb_id, context))
            if canonical is None:
                canonical = self.by_summary.get((label, name, aliases, kb_id, tuple(c for c in context if c.startswith(SPORT_PREFIX))))
            found.append(canonical)
        return found


def summary_keys(entities: Mapping[str, Sequence]) -> list[SummaryKey]:
    """The summary of every row of an ``entities`` column dict (no ``context`` column: none)."""
    contexts = entities.get("context") or [()] * len(entities["label"])
    return [
        summary_key(label, name, aliases, kb_id, context)
        for label, name, aliases, kb_id, context in zip(entities["label"], entities["name"], entities["aliases"], entities["kb_id"], contexts)
    ]


@dataclass
class CorpusResolver:
    """Accumulates entity summaries; mergeable, so it works as a reduction (see module doc)."""

    person_labels: frozenset[str] = PERSON_LABELS
    min_shared_context: int = MIN_SHARED_CONTEXT
    mentions: Counter = field(default_factory=Counter)  # SummaryKey -> mention count

    def add(self, label: str, name: str, aliases: Iterable[str], kb_id: str | None, mention_count: int, context: Iterable[str] | None = ()) -> None:
        self.mentions[summary_key(label, name, aliases, kb_id, context)] += mention_count

    def add_columns(self, entities: Mapping[str, Sequence]) -> None:
        """Add every row of an ``entities`` column dict (see :mod:`pipeline.writing.rows`)."""
        for key, count in zip(summary_keys(entities), entities["mention_count"]):
            self.mentions[key] += count

    @classmethod
    def from_tables(cls, entities: Iterable[pa.Table]) -> CorpusResolver:
        """A resolver holding the summaries of ``entities`` tables (a resumed run's written batches)."""
        resolver = cls()
        for table in entities:
            resolver.add_columns(table.select([c for c in SUMMARY_COLUMNS if c in table.column_names]).to_pydict())
        return resolver

    def merge(self, other: CorpusResolver) -> CorpusResolver:
        self.mentions.update(other.mentions)
        return self

    def block_keys(self, key: SummaryKey) -> set[str]:
        """Keys that ``key`` shares with every summary :meth:`_link` may join it with, or whose
        decision may read its cluster (directly or through others). Resolution is local to the
        groups of summaries these keys connect, which lets a grown corpus resolve again only the
        groups a new run touches (pipeline/corpus/registry.py); a change to :meth:`_link` that
        joins summaries on anything else must add it here. (The registry follows a key only
        where it may link: :func:`linking_keys`, and a block of :func:`short_form_block` only
        where a short form is; a change to what :meth:`_strong` or :meth:`decided_alone` say
        must keep those right.)

        The keys of its names (whatever the label) and its ``kb_id`` (strong keys); a person's
        block (:meth:`_block`: the surname); an organisation's block as a short form (its first
        word, ``short:``) and, for a name of several words, the blocks it is found in as a fuller
        name (each word, ``full:``). A ``short:`` key meets the ``full:`` keys of the same block
        (:data:`BLOCK_KEY_PARTNERS`), not other ``short:`` keys: ``Kakaka Group`` and ``Lokaka
        Group`` share the block ``group`` as fuller names only, so they are not one group unless
        a short form looks there."""
        label, name, aliases, kb_id, context = key
        name_keys = [name_key(form) for form in (name, *aliases)]
        keys = {NAME_BLOCK + " ".join(k) for k in name_keys if k}
        if kb_id:
            keys.add(KB_BLOCK + kb_id)
        own = name_keys[0]
        if own and label in self.person_labels:
            keys.add(SURNAME_BLOCK + "\t".join(self._block(label, own, context)))
        elif own and label in PART_NAME_LABELS:
            keys.add(SHORT_BLOCK + "\t".join(map(str, self._block(label, own, context))))
            if len(own) > 1:
                keys |= {FULL_BLOCK + "\t".join(map(str, self._block(label, (word,), context))) for word in set(own)}
        return keys

    def remove(self, other: CorpusResolver) -> CorpusResolver:
        """Take ``other``'s summaries out again (the documents an append replaces): undoes :meth:`merge`."""
        self.mentions.subtract(other.mentions)
        for key in [key for key, count in self.mentions.items() if count <= 0]:
            del self.mentions[key]
        return self

    def summaries(self) -> list[SummaryKey]:
        """The summaries in the order :meth:`resolve` and :meth:`summary_table` take them (a missing kb_id as "")."""
        return sorted(self.mentions, key=lambda k: (k[0], k[1], k[2], k[3] or "", k[4]))

    def summary_table(self) -> pa.Table:
        """The summaries as a table of :data:`SUMMARY_COLUMNS` (what :meth:`from_tables` reads back),
        sorted as :meth:`resolve` sorts them: how a grown corpus keeps them (pipeline/corpus/registry.py)."""
        keys = self.summaries()
        columns: dict[str, list] = {name: [key[i] for key in keys] for i, name in enumerate(SUMMARY_KEY_COLUMNS)}
        columns["aliases"] = [list(aliases) for aliases in columns["aliases"]]
        columns["context"] = [list(context) for context in columns["context"]]
        columns["mention_count"] = [self.mentions[key] for key in keys]
        types = {"aliases": pa.list_(pa.string()), "context": pa.list_(pa.string()), "mention_count": pa.int64()}
        return pa.table({name: pa.array(values, types.get(name, pa.string())) for name, values in columns.items()})

    def resolve(self) -> Resolution:
        summaries = self.summaries()  # sorted: the same clusters and ids on every run
        uf = self._link(summaries)
        members: dict[int, list[int]] = {}
        for i in range(len(summaries)):
            members.setdefault(uf.find(i), []).append(i)
        built = [(self._cluster([summaries[i] for i in group]), group) for group in members.values()]
        # The most mentioned cluster of a name gets the name's id; a namesake, one with its context.
        taken: set[str] = set()
        for cluster, group in sorted(built, key=lambda b: (-b[0].mention_count, b[1][0])):
            if cluster.canonical_id in taken:
                cluster.canonical_id = canonical_id_for(cluster.label, cluster.name, ("", *summaries[group[0]][4], str(group[0])))
            taken.add(cluster.canonical_id)
        clusters = {cluster.canonical_id: cluster for cluster, _group in built}
        by_summary = {summaries[i]: cluster.canonical_id for cluster, group in built for i in group}
        return Resolution(by_summary, clusters)

    def _link(self, summaries: list[SummaryKey]) -> UnionFind:
        """Union the summaries that name one entity (see the module docstring)."""
        uf = UnionFind(len(summaries))
        owner: dict[tuple, int] = {}
        lone_surnames: list[int] = []
        for i, summary in enumerate(summaries):
            strong, lone = self._strong(summary)
            if lone:
                lone_surnames.append(i)
            for key in strong:
                if key in owner:
                    uf.union(owner[key], i)
                else:
                    owner[key] = i
        blocks = self._blocks(summaries)
        # Shortened names (``Richard Nixon`` of ``Richard M. Nixon``) first, then one-word
        # organisations, lone surnames last: a surname then sees the full names already joined.
        one_word = [i for i, s in enumerate(summaries) if _one_word(s)]
        self._join_short_forms(summaries, uf, _shortened(blocks) + one_word + lone_surnames, blocks)
        return uf

    def _strong(self, summary: SummaryKey) -> tuple[set[tuple], bool]:
        """A summary's strong keys (module docstring), and whether it is a person's lone surname."""
        label, name, aliases, kb_id, context = summary
        is_person = label in self.person_labels
        if is_person and _titles_only(name_key(name)):
            return ({("kb", kb_id)} if kb_id else set()), False
        keys = {name_key(a) for a in (name, *aliases)}
        keys.discard(())
        longest = max((len(k) for k in keys), default=0)
        sport = _sport(context) if label in TEAM_LABELS else None
        strong: set[tuple] = {(label, sport, k) for k in keys if not (is_person and len(k) == 1 and longest > 1)}
        lone = is_person and longest == 1
        if lone and _entity_context(context):
            strong = set()  # decided by context (:meth:`_join_short_forms`)
        if kb_id:
            strong.add(("kb", kb_id))
        return strong, lone

    def decided_alone(self, summaries: list[SummaryKey]) -> set[int]:
        """The summaries whose own context may decide where they go: short forms (a shortened
        name, a one-word organisation, a lone surname; :meth:`_join_short_forms`) and those with
        no strong key. Every other summary joins the summaries of its name, label, aliases,
        ``kb_id`` and sport by strong keys alone, and its context is read only where it meets a
        short form's; so such summaries may be resolved as one, with their contexts' union
        (:func:`settled_key`; pipeline/corpus/registry.py does). Whether a name is shortened
        depends on its label, name and sport only: it may be asked of such a merged summary."""
        return set(_shortened(self._blocks(summaries))) | {i for i, summary in enumerate(summaries) if self.always_alone(summary)}

    def always_alone(self, summary: SummaryKey) -> bool:
        """Whether ``summary`` is decided alone whatever else is resolved with it (a one-word
        organisation, a lone surname, no strong key: :meth:`decided_alone`)."""
        strong, lone = self._strong(summary)
        return lone or not strong or _one_word(summary)

    def _block(self, label: str, key: tuple[str, ...], context: Iterable[str]) -> tuple:
        """Where a short form looks for the fuller names it may stand for: a person's by surname
        (:func:`names.surname`: ``Comeaux`` meets ``Arcade Joseph Comeaux Jr.``), an
        organisation's by the word (``Scientology``, ``Colts``) and its sport."""
        if label in self.person_labels:
            return (label, surname(key))
        return (label, _sport(context), key[0])

    def _blocks(self, summaries: list[SummaryKey]) -> dict[tuple, dict[tuple[str, ...], list[int]]]:
        """Block -> fuller name key -> its summaries: compared by distinct names, not per document."""
        blocks: dict[tuple, dict[tuple[str, ...], list[int]]] = {}
        for i, (label, name, _aliases, _kb, context) in enumerate(summaries):
            key = name_key(name)
            if len(key) < 2 or not (label in self.person_labels or label in PART_NAME_LABELS):
                continue
            if label in self.person_labels and _titles_only(key):
                continue  # ``Prime Minister``: no fuller name of anyone's
            words = [surname(key)] if label in self.person_labels else sorted(set(key))
            for word in words:
                blocks.setdefault(self._block(label, (word,), context), {}).setdefault(key, []).append(i)
        return blocks

    def _join_short_forms(self, summaries: list[SummaryKey], uf: UnionFind, short: list[int], blocks: dict[tuple, dict]) -> None:
        """A short form joins the fuller (or, a surname, lone-surname) cluster its context points to.

        The cluster sharing the most context, at least ``min_shared_context`` entity keys, and
        alone in that; else a person's lone surname or shortened name joins the one fuller name
        it ends (:func:`_ends`) whose documents are of its kind (no sport, or its sport); else
        it stays apart (module docstring)."""
        contexts: dict[int, set[str]] = {}  # cluster root -> the entity keys of its documents
        sports: dict[int, set[str | None]] = {}  # cluster root -> the sports of its documents
        for i, summary in enumerate(summaries):
            contexts.setdefault(uf.find(i), set()).update(_entity_context(summary[4]))
            sports.setdefault(uf.find(i), set()).add(_sport(summary[4]))
        seen: dict[tuple, list[int]] = {}  # lone surnames decided so far
        for i in short:
            label, name, _aliases, _kb, context = summaries[i]
            key = name_key(name)
            block = self._block(label, key, context)
            fuller = [j for j in _fuller(key, blocks.get(block, {})) if uf.find(j) != uf.find(i)]
            full = {uf.find(j) for j in fuller}
            lone = label in self.person_labels and len(key) == 1
            candidates = full | ({uf.find(j) for j in seen.get(block, ())} - {uf.find(i)} if lone else set())
            if lone:
                seen.setdefault(block, []).append(i)
            own = _entity_context(context)
            shared = sorted(((len(own & contexts[root]), root) for root in candidates), reverse=True)
            if shared and shared[0][0] >= self.min_shared_context and (len(shared) == 1 or shared[1][0] < shared[0][0]):
                target: int | None = shared[0][1]
            elif label in self.person_labels and len(full) == 1 and _sport(context) in sports[next(iter(full))] and (lone or _ends(fuller, key, summaries)):
                target = next(iter(full))  # a person's one fuller name, on pages of its kind
            else:
                target = None  # nothing shares enough context, or two clusters share as much: ambiguous
            if target is not None:
                merged_context, merged_sports = contexts.pop(target) | contexts.pop(uf.find(i)), sports.pop(target) | sports.pop(uf.find(i))
                uf.union(target, i)
                contexts[uf.find(i)], sports[uf.find(i)] = merged_context, merged_sports

    def _cluster(self, group: list[SummaryKey]) -> Cluster:
        labels: Counter = Counter()
        kb_ids: Counter = Counter()
        names: Counter = Counter()
        aliases: set[str] = set()
        for key in group:
            label, name, alias_list, kb_id, _context = key
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
        if is_shouted(name, aliases):  # a dateline's LONDON: the running text's London
            name = min(a for a in aliases if fold(a) == fold(name) and not a.isupper())
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
        columns = entities.select(["doc_id", "entity_id", "label", "name", "aliases", "kb_id", "context"]).to_pydict()
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
        """``corpus_entities`` rows (places not yet filled: :func:`pipeline.knowledge.geo.add_places`)."""
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


def _entity_context(context: Iterable[str]) -> set[str]:
    """The entity keys of a summary's context, without its sport (every page of a sport has it)."""
    return {c for c in context if not c.startswith(SPORT_PREFIX)}


def _titles_only(key: tuple[str, ...]) -> bool:
    """Whether a name key is titles alone (``("prime", "minister")``): no one's name."""
    return bool(key) and all(word in TITLE_WORDS for word in key)


def _one_word(summary: SummaryKey) -> bool:
    """Whether the summary is an organisation's one-word name (which may stand for a longer one)."""
    return summary[0] in PART_NAME_LABELS and len(name_key(summary[1])) == 1


def _shortened(blocks: Mapping[tuple, Mapping[tuple[str, ...], list[int]]]) -> list[int]:
    """The summaries (sorted) whose name is a shorter form of another of its block (:func:`_fuller`:
    for a name of several words, a longer name with its surname, :func:`names.is_short_form`).
    A block's names are looked up by surname (:func:`names.surname`), longest first, so that a
    block of many names of one length (every ``... Group``) costs a pass, not a comparison of every pair."""
    found: list[int] = []
    for block in blocks.values():
        by_last: dict[str, list[tuple[str, ...]]] = {}
        for key in sorted(block, key=len, reverse=True):
            by_last.setdefault(surname(key), []).append(key)
        for key, rows in block.items():
            if len(key) > 1 and any(is_short_form(key, longer) for longer in takewhile(lambda other: len(other) > len(key), by_last[surname(key)])):
                found.extend(rows)
    return sorted(found)


def _fuller(short: tuple[str, ...], block: Mapping[tuple[str, ...], list[int]]) -> list[int]:
    """The summaries of ``block`` (name key -> summaries) whose name ``short`` stands for: a shorter
    form of a person's name (:func:`names.is_short_form`), or one word of a longer name."""
    return [i for key, found in block.items() if len(key) > len(short) and (len(short) == 1 and short[0] in key or is_short_form(short, key)) for i in found]


def _ends(fuller: Iterable[int], key: tuple[str, ...], summaries: list[SummaryKey]) -> bool:
    """Whether every name of ``fuller`` ends with ``key``: it adds words in front only (``Saints
    Pierre Thomas``, a team or title the span kept, of ``Pierre Thomas``), not in the middle
    (``George H. W. Bush`` is no fuller ``George W. Bush``: another man by one initial); a
    generational suffix is passed over (:func:`names.surname`)."""
    found = [name_key(summaries[j][1]) for j in fuller]
    return all((name[:-1] if name[-1] != key[-1] and surname(name) == key[-1] else name)[-len(key) :] == key for name in found)


def _sport(context: Iterable[str]) -> str | None:
    """The sport of a summary's document (``sport:cricket``), or None."""
    return next((c for c in context if c.startswith(SPORT_PREFIX)), None)
