"""``news_mention_scores``: every mention's ``score``, and the ``min_score`` cut.

The last stage, after everything that relabels or adds mentions. A mention's score is the
probability of its final label:

* ``Span._.label_probs[label]`` where the span classifier scored it (``news_span_classifier``);
* a mention added after the classifier (the alias linker's acronyms and recurring names) takes
  the mean ``label_probs`` of the scored mentions of its entity (``Span._.entity_id``);
* curated matches (a ``kb_id``) of the alias table and pattern files get their entry's measured
  score: the share of its matches that were right on the training texts, shrunk toward the share
  of all such matches for an entry seen rarely (``configs/scores/curated.jsonl``, made by
  ``benchmarks/calibration.py --fit --write-scores``; read at ``initialize`` by
  ``news.curated_scores.v1`` and saved with the pipeline); an entry never seen there gets the
  share of its kind (alias entry, gazetteer region, gazetteer city);
* a place the gazetteer added (a ``geonames`` ``kb_id``) is a name-list match, not a curated
  decision: it gets the classifier's probability of its label where the classifier scored it
  (it sees the context: *Nice*, *Orange*, *Man* are mostly no places), else its entry's score;
* without a table, curated matches get ``rule_score``;
* mentions nothing scored (no classifier in the pipeline, as with ``configs/fast.cfg``) get
  ``unscored_score``: the recogniser's measured confidence in its own label (the votes'
  ``default_confidence``, so that the corpus vote weighs them as it would unscored ones).

Mentions scoring below ``min_score`` are dropped (``run --min-score``; 0 keeps all).
Two shifts of the log-odds, fitted on the dev sets (``benchmarks/calibration.py --fit``):
``inherited_log_odds`` for the mentions that take their entity's mean (over-confident: they are
often a recurring name found where it is none), ``added_place_log_odds`` for the places the
gazetteer added, scored by the classifier (under-confident: it does not see that the name is a
place). Neither moves a label: curated mentions do not vote by score, and the corpus vote leaves
out the mentions that copy their entity's score (:mod:`pipeline.corpus.vote`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry

from ..knowledge.curated import PatternFileError, read_jsonl_files
from .gazetteer import CITY_PREFIX, REGION_PREFIX
from .spans import set_entities

#: The score of a curated match (``configs/default.cfg`` sets the measured share right).
DEFAULT_RULE_SCORE = 0.95
#: The recogniser's confidence in its own label (``corpus_vote.default_confidence``).
DEFAULT_UNSCORED_SCORE = 0.82
#: The kinds of curated ``kb_id``: the alias table's and pattern files' entries, the gazetteer's
#: countries and states (``geonames-region:``) and its cities (``geonames:``).
ALIAS, REGION, CITY = "alias", "region", "city"
#: The digits a measured score keeps.
SCORE_DIGITS = 6
#: The file ``to_disk`` writes the measured scores to.
SCORES_FILE = "curated_scores.json"


def curated_kind(kb_id: str) -> str:
    """The kind of a curated id: ``region`` or ``city`` for the gazetteer's, else ``alias``."""
    if kb_id.startswith(REGION_PREFIX):
        return REGION
    if kb_id.startswith(CITY_PREFIX):
        return CITY
    return ALIAS


def _as_written(value: float) -> float:
    """A measured score with the digits written (srsly's JSON reader gives 0.9500000000000001 for 0.95)."""
    return round(float(value), SCORE_DIGITS)


@dataclass
class CuratedScores:
    """The measured score of each curated entry (by ``kb_id``) and of each kind of entry."""

    by_id: dict[str, float] = field(default_factory=dict)
    by_kind: dict[str, float] = field(default_factory=dict)

    def score(self, kb_id: str) -> float | None:
        """The entry's score, else its kind's; None if the table knows neither."""
        measured = self.by_id.get(kb_id)
        return measured if measured is not None else self.by_kind.get(curated_kind(kb_id))

    def to_dict(self) -> dict[str, dict[str, float]]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CuratedScores:
        return cls(
            by_id={k: _as_written(v) for k, v in data.get("by_id", {}).items()},
            by_kind={k: _as_written(v) for k, v in data.get("by_kind", {}).items()},
        )


@registry.misc("news.curated_scores.v1")
def read_curated_scores(path: Path | str) -> CuratedScores:
    """The scores in ``path`` (a JSONL file or a folder of them): a line per kind
    (``{"kind": "alias", "score": 0.93, ...}``) and a line per entry (``{"id": "syria", "kind":
    "alias", "score": 0.95, ...}``); other keys (``name``, ``mentions``, ``right``) document the
    measurement. Errors name the file and line."""
    scores = CuratedScores()
    for where, _line, row in read_jsonl_files(path, "curated scores"):
        value = row.get("score") if isinstance(row, dict) else None
        if not isinstance(value, int | float) or not 0.0 <= value <= 1.0 or row.get("kind") not in (ALIAS, REGION, CITY):
            raise PatternFileError(f"{where}: a curated score needs 'kind' ({ALIAS}, {REGION} or {CITY}) and 'score' in [0, 1].")
        value = _as_written(value)
        if row.get("id"):
            scores.by_id[row["id"]] = value
        else:
            scores.by_kind[row["kind"]] = value
    return scores


class MentionScores:
    """Sets ``Span._.score`` on every entity and drops those below ``min_score``."""

    def __init__(
        self,
        name: str,
        *,
        rule_score: float,
        unscored_score: float,
        min_score: float,
        inherited_log_odds: float = 0.0,
        added_place_log_odds: float = 0.0,
        classified_log_odds: float = 0.0,
    ) -> None:
        for setting, value in (("rule_score", rule_score), ("unscored_score", unscored_score), ("min_score", min_score)):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name}: {setting} must be between 0 and 1, not {value!r} ([components.{name}] {setting}).")
        self.name = name
        self.rule_score = rule_score
        self.unscored_score = unscored_score
        self.min_score = min_score
        self.inherited_log_odds = inherited_log_odds
        self.added_place_log_odds = added_place_log_odds
        self.classified_log_odds = classified_log_odds
        self.curated: CuratedScores | None = None

    # ``Any``: spaCy checks initialize settings with pydantic, which cannot see this module's types.
    def initialize(self, get_examples: Any = None, *, nlp: Any = None, scores: Any = None) -> None:
        """Take the curated matches' scores (``[initialize.components.<name>] scores``, e.g. ``news.curated_scores.v1``)."""
        if isinstance(scores, dict):  # spaCy's settings check hands dataclasses over as dicts
            scores = CuratedScores.from_dict(scores)
        self.curated = scores

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)  # doc.ents makes every Span anew each time it is read
        by_entity: dict[str, list[dict[str, float]]] = defaultdict(list)
        for ent in ents:
            values = ent._
            if values.label_probs is not None and values.entity_id is not None:
                by_entity[values.entity_id].append(values.label_probs)
        kept: list[Span] = []
        for ent in ents:
            values = ent._
            inherited = values.label_probs is None and bool(by_entity.get(values.entity_id))
            if inherited:
                values.label_probs = mean_probs(by_entity[values.entity_id])
            values.score = score = self.score(ent, inherited=inherited)
            if score >= self.min_score:
                kept.append(ent)
        if len(kept) < len(ents):
            set_entities(doc, kept)
        return doc

    def score(self, span: Span, *, inherited: bool = False) -> float:
        """The probability of ``span``'s label: a curated entry's measured score (``rule_score``
        without a table), a gazetteer place's as any other mention's, ``unscored_score`` if nothing
        scored it; the log-odds of an inherited mention's and an added place's shifted by their settings."""
        probs = span._.label_probs
        if probs is None or span.label_ not in probs:
            return self.curated_score(span.id_) if span.id_ else self.unscored_score
        if span.id_ and curated_kind(span.id_) == ALIAS:
            return self.curated_score(span.id_)
        shift = self.added_place_log_odds if span.id_ else self.inherited_log_odds if inherited else self.classified_log_odds
        return shifted(float(probs[span.label_]), shift)

    def curated_score(self, kb_id: str) -> float:
        measured = self.curated.score(kb_id) if self.curated is not None else None
        return measured if measured is not None else self.rule_score

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        srsly.write_json(folder / SCORES_FILE, self.curated.to_dict() if self.curated is not None else None)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> MentionScores:
        data = srsly.read_json(Path(path) / SCORES_FILE)
        self.curated = CuratedScores.from_dict(data) if data is not None else None
        return self


def shifted(p: float, log_odds: float) -> float:
    """``p`` (clipped to [0, 1]) with ``log_odds`` added to its log-odds."""
    p = min(1.0, max(0.0, p))
    if not log_odds or p in (0.0, 1.0):
        return p
    return 1.0 / (1.0 + math.exp(-(math.log(p / (1 - p)) + log_odds)))


def mean_probs(rows: list[dict[str, float]]) -> dict[str, float]:
    """The label-wise mean of ``label_probs`` dicts (labels missing from a row count as 0)."""
    labels = sorted({label for row in rows for label in row})
    return {label: round(sum(row.get(label, 0.0) for row in rows) / len(rows), 4) for label in labels}


@Language.factory(
    "news_mention_scores",
    assigns=["span._.score", "span._.label_probs"],
    default_config={
        "rule_score": DEFAULT_RULE_SCORE,
        "unscored_score": DEFAULT_UNSCORED_SCORE,
        "min_score": 0.0,
        "inherited_log_odds": 0.0,
        "added_place_log_odds": 0.0,
        "classified_log_odds": 0.0,
    },
)
def make_mention_scores(
    nlp: Language,
    name: str,
    rule_score: float,
    unscored_score: float,
    min_score: float,
    inherited_log_odds: float = 0.0,
    added_place_log_odds: float = 0.0,
    classified_log_odds: float = 0.0,
) -> MentionScores:
    return MentionScores(
        name,
        rule_score=rule_score,
        unscored_score=unscored_score,
        min_score=min_score,
        inherited_log_odds=inherited_log_odds,
        added_place_log_odds=added_place_log_odds,
        classified_log_odds=classified_log_odds,
    )
