"""The label vote: a name's label decided by all its mentions, weighed, not counted.

For one name (its key, :func:`names.name_key` of the entity's fullest name, with the sport of its
page where ``entities.context`` has one: a team votes apart from its country) the score of a label
is the sum of the mentions' log-probabilities of that label, times ``probability_weight``
(fitted with the evidence by benchmarks/evidence_weights.py), plus the name's evidence log-odds
(:mod:`pipeline.components.evidence`), counted once (under a sport, without the evidence that it
is a place's name: ``PLACE_FEATURES``); the best label wins, and a tie changes
nothing. A mention's probabilities are the span classifier's (``Span._.label_probs``) where it
ran; otherwise its ``label_prob`` (its score before the score model of
:mod:`pipeline.components.scores`; its ``score`` in tables written before that model) for its own
label and the rest shared by the other labels; without a score, ``default_confidence`` for its own label. Mentions the alias linker added after the
classifier carry their entity's mean probabilities, a copy of other mentions' evidence: they do
not vote (``COPYING_COMPONENTS``). Curated mentions (a ``kb_id``) are never relabelled, and where
a name has any, their label is the name's.

The same arithmetic decides within a document (``news_label_vote``,
:mod:`pipeline.components.vote`) and across the corpus: :class:`CorpusVote` is a reduction like
corpus resolution. Engines feed it each batch's ``mentions`` and ``entities`` columns
(:meth:`CorpusVote.add_columns`), votes of different batches combine with :meth:`CorpusVote.merge`
(log-probabilities are summed in fixed point, so any order of merges gives the same sums), and
:meth:`CorpusVote.decide` gives a :class:`Relabelling`, which changes ``label`` in each batch's
tables (``model_label`` stays the recogniser's) and in the resolver's summaries, and counts the
mentions it relabelled.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from spacy.util import registry

from ..knowledge.names import SPORT_PREFIX, name_key
from ..writing.schema import replace_column

if TYPE_CHECKING:
    from ..components.evidence import NameEvidence
    from .resolve import CorpusResolver

#: The labels a vote chooses among; mentions with other labels are left alone.
VOTE_LABELS = ("PERSON", "ORG", "LOC")
#: A mention's own label, when nothing gives it a probability (no classifier, no score): the
#: recogniser's accuracy given the evidence, fitted by benchmarks/evidence_weights.py.
DEFAULT_CONFIDENCE = 0.82
#: Probabilities are clipped to [MIN_PROB, 1 - MIN_PROB]: one mention never vetoes a label.
MIN_PROB = 1e-3
#: Log-probabilities are summed as integers in these units, so merges are exact in any order.
FIXED_POINT = 1_000_000
#: The columns a vote reads: from ``mentions`` and from ``entities`` (see :meth:`CorpusVote.add_columns`).
#: A mention's probability is its ``label_prob`` (its score before the score model), else its
#: ``score`` (tables written before the score model have no ``label_prob``).
MENTION_COLUMNS = ["label", "score", "label_prob", "kb_id", "entity_id", "component"]
#: Stages whose mentions copy their entity's score (``news_mention_scores`` gives a mention added
#: after the classifier its entity's mean): no evidence of their own, so they do not vote (each
#: would count the same mentions' probabilities again).
COPYING_COMPONENTS = frozenset({"alias_linker"})
ENTITY_COLUMNS = ["entity_id", "name", "kb_id", "context"]
#: Between a name and its page's sport in a vote key: ``australia\tsport:cricket``.
SPORT_SEPARATOR = "\t"
#: Name evidence (:meth:`pipeline.components.evidence.NameEvidence.features`) that a name is a
#: place's, which a name voting under a sport does not count: *Aberdeen* on a football page is the
#: team news_sports_teams made it, and the place's evidence would vote it back to LOC.
PLACE_FEATURES = frozenset({"place", "place_or_name"})


def mention_log_probs(
    label: str, probs: Mapping[str, float] | None, score: float | None, default_confidence: float, labels: Sequence[str] = VOTE_LABELS
) -> dict[str, float]:
    """log p(label) of one mention for every label in ``labels`` (see the module docstring)."""
    if probs:
        return {other: math.log(min(max(probs.get(other, 0.0), MIN_PROB), 1.0)) for other in labels}
    own = default_confidence if score is None else score
    own = min(max(own, MIN_PROB), 1 - MIN_PROB)
    rest = (1 - own) / max(len(labels) - 1, 1)
    return {other: math.log(own if other == label else rest) for other in labels}


def best_label(scores: Mapping[str, float]) -> str | None:
    """The label with the highest score; None when the best two are equal (nothing to decide)."""
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def vote_key(name: str, context: Iterable[str] | None = ()) -> str:
    """The key a name votes under: its name key, words joined by spaces, and the sport of its
    page where its ``context`` has one (``entities.context``): the cricket team *Australia* does
    not vote with the country."""
    key = " ".join(name_key(name))
    sport = next((c for c in context or () if c.startswith(SPORT_PREFIX)), None)
    return f"{key}{SPORT_SEPARATOR}{sport}" if sport else key


def _contexts(entities: Mapping[str, Sequence] | pa.Table) -> Sequence:
    """The ``context`` column of ``entities``, or none for each row where it has no such column."""
    columns = entities.column_names if isinstance(entities, pa.Table) else entities
    return entities["context"] if "context" in columns else [()] * len(entities["entity_id"])


def add_scores(total: dict[str, float], scores: Mapping[str, float] | None) -> None:
    """Add ``scores`` (label -> log-odds) into ``total``, for the labels ``total`` has."""
    for label, value in (scores or {}).items():
        if label in total:
            total[label] += value


@dataclass(frozen=True)
class VoteSettings:
    """``[corpus_vote]``: whether the corpus vote runs, the confidence of an unscored mention, the
    weight of the mentions' log-probabilities against the evidence, and the name evidence."""

    enabled: bool = False
    default_confidence: float = DEFAULT_CONFIDENCE
    evidence: NameEvidence | None = None
    probability_weight: float = 1.0


@registry.misc("news.corpus_vote.v1")
def make_vote_settings(
    enabled: bool = False, default_confidence: float = DEFAULT_CONFIDENCE, evidence: Any = None, probability_weight: float = 1.0
) -> VoteSettings:
    """``[corpus_vote]``: ``evidence`` is a ``news.name_evidence.v1`` block (or null: probabilities only)."""
    from ..base.config_errors import SettingError

    if not 0.0 < default_confidence < 1.0:
        raise SettingError("default_confidence", f"must be between 0 and 1 (exclusive), not {default_confidence}")
    if probability_weight <= 0.0:
        raise SettingError("probability_weight", f"must be above 0, not {probability_weight}")
    return VoteSettings(enabled, default_confidence, evidence, probability_weight)


@dataclass
class CorpusVote:
    """Per name key: what its mentions say (see the module docstring); mergeable."""

    labels: tuple[str, ...] = VOTE_LABELS
    scored: defaultdict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # key -> label -> fixed-point log p
    unscored: defaultdict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # key -> label -> mentions without a score
    curated: defaultdict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # key -> label -> mentions with a kb_id

    def add_columns(self, mentions: Mapping[str, Sequence], entities: Mapping[str, Sequence]) -> None:
        """Add one batch: ``mentions`` and ``entities`` column dicts (or tables) of the same documents."""
        names = dict(zip(entities["entity_id"], zip(entities["name"], entities["kb_id"], _contexts(entities))))
        columns = mentions.column_names if isinstance(mentions, pa.Table) else mentions
        probs = mentions["label_prob"] if "label_prob" in columns else [None] * len(mentions["label"])
        scores = (score if prob is None else prob for score, prob in zip(mentions["score"], probs))
        for label, score, kb_id, entity_id, component in zip(mentions["label"], scores, *(mentions[c] for c in MENTION_COLUMNS[3:])):
            name, entity_kb_id, context = names.get(entity_id, (None, None, ()))
            if name is None or label not in self.labels:
                continue
            key = vote_key(name, context)
            if kb_id or entity_kb_id:
                self.curated[key][label] += 1
            elif component in COPYING_COMPONENTS:
                continue
            elif score is None:
                self.unscored[key][label] += 1
            else:
                for other, log_p in mention_log_probs(label, None, score, DEFAULT_CONFIDENCE, self.labels).items():
                    self.scored[key][other] += round(log_p * FIXED_POINT)

    @classmethod
    def from_tables(cls, mentions: Iterable[pa.Table], entities: Iterable[pa.Table]) -> CorpusVote:
        """A vote over written batches (a resumed run's): ``mentions`` and ``entities`` tables, batch by batch."""
        vote = cls()
        for mention_table, entity_table in zip(mentions, entities):
            present = [column for column in MENTION_COLUMNS if column in mention_table.column_names]
            vote.add_columns(mention_table.select(present).to_pydict(), entity_table.select(ENTITY_COLUMNS).to_pydict())
        return vote

    def merge(self, other: CorpusVote) -> CorpusVote:
        for mine, theirs in ((self.scored, other.scored), (self.unscored, other.unscored), (self.curated, other.curated)):
            for key, counts in theirs.items():
                mine[key].update(counts)
        return self

    def scores(self, key: str, settings: VoteSettings) -> dict[str, float]:
        """Each label's score for the name ``key``: mentions' log-probabilities plus the name's evidence."""
        weight = settings.probability_weight
        total = {label: weight * self.scored[key][label] / FIXED_POINT if key in self.scored else 0.0 for label in self.labels}
        for label, count in self.unscored.get(key, Counter()).items():
            for other, log_p in mention_log_probs(label, None, None, settings.default_confidence, self.labels).items():
                total[other] += weight * count * log_p
        if settings.evidence is not None:
            name, _, sport = key.partition(SPORT_SEPARATOR)
            features = settings.evidence.features(tuple(name.split()))
            if sport:  # on a sports page a team is named after its place: the place says nothing of the label
                features = [feature for feature in features if feature not in PLACE_FEATURES]
            add_scores(total, settings.evidence.scores(features))
        return total

    def decide(self, settings: VoteSettings) -> Relabelling:
        """The label of every name (curated label first; else the best score, if there is one)."""
        decided: dict[str, str] = {}
        for key in sorted(set(self.scored) | set(self.unscored) | set(self.curated)):
            if self.curated.get(key):
                counts = self.curated[key]
                decided[key] = max(sorted(counts), key=counts.__getitem__)
                continue
            best = best_label(self.scores(key, settings))
            if best is not None:
                decided[key] = best
        return Relabelling(decided, self.labels)


@dataclass
class Relabelling:
    """The corpus vote's decisions, applied batch by batch; ``relabelled`` counts changed mentions."""

    labels_by_key: dict[str, str]
    labels: tuple[str, ...] = VOTE_LABELS
    relabelled: int = 0

    def label_for(self, label: str | None, name: str | None, kb_id: str | None, context: Iterable[str] | None = ()) -> str | None:
        """The decided label of an entity (or mention) named ``name``; curated ones keep theirs."""
        if kb_id or label not in self.labels or name is None:
            return label
        return self.labels_by_key.get(vote_key(name, context), label)

    def apply(self, tables: Mapping[str, pa.Table]) -> dict[str, pa.Table]:
        """One batch's ``tables`` with ``label`` decided in ``mentions`` and ``entities``."""
        entities = tables["entities"]
        columns = entities.select(ENTITY_COLUMNS + ["label"]).to_pydict()
        names = dict(zip(columns["entity_id"], zip(columns["name"], columns["kb_id"], columns["context"])))
        mentions = tables["mentions"].select(["label", "kb_id", "entity_id"]).to_pydict()
        labels = []
        for label, kb_id, entity_id in zip(mentions["label"], mentions["kb_id"], mentions["entity_id"]):
            name, entity_kb_id, context = names.get(entity_id, (None, None, ()))
            new = self.label_for(label, name, kb_id or entity_kb_id, context)
            self.relabelled += new != label
            labels.append(new)
        entity_labels = [self.label_for(*row) for row in zip(columns["label"], columns["name"], columns["kb_id"], columns["context"])]
        return {
            **tables,
            "mentions": replace_column(tables["mentions"], "label", labels),
            "entities": replace_column(entities, "label", entity_labels),
        }

    def resolver(self, resolver: CorpusResolver) -> CorpusResolver:
        """``resolver`` with its summaries relabelled as :meth:`apply` relabels the entities."""
        from .resolve import summary_key

        mentions: Counter = Counter()
        for (label, name, aliases, kb_id, context), count in resolver.mentions.items():
            mentions[summary_key(self.label_for(label, name, kb_id, context) or label, name, aliases, kb_id, context)] += count
        return replace(resolver, mentions=mentions)


#: How the registry keeps a :class:`~pipeline.corpus.vote.CorpusVote`: one row per name key, kind and label.
VOTES = pa.schema([pa.field("key", pa.string()), pa.field("kind", pa.string()), pa.field("label", pa.string()), pa.field("value", pa.int64())])
VOTE_KINDS = ("scored", "unscored", "curated")


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
