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

With ``use_model`` (off by default) the score of every mention but a curated entry's is a logistic
model's probability that the mention is right (exact span and label): :class:`ScoreModel` over
:func:`score_features` (the log-odds of the score above, the entity's mentions in the document, the
label, ...), its coefficients as data (``configs/scores/model.json``, ``news.score_model.v1`` at
``initialize``, saved with the pipeline; fitted by ``benchmarks/calibration.py --fit-model``). The
score above stays as ``Span._.label_prob``, which the corpus vote weighs, so the model moves no label.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry

from ..knowledge.curated import PatternFileError, read_jsonl_files
from .classifier import NONE_LABEL
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
#: The file ``to_disk`` writes the score model's coefficients to.
MODEL_FILE = "score_model.json"
#: Where a mention's score comes from (:func:`score_source`).
CLASSIFIED, CURATED, INHERITED, PLACE, UNSCORED = "classified", "curated", "inherited", "place", "unscored"
#: The log-odds of a probability are taken of it clipped to [LOGIT_CLIP, 1 - LOGIT_CLIP].
LOGIT_CLIP = 1e-3
#: What the score model can read of a mention (:func:`score_features`), each a number:
#: ``logit`` the log-odds of the shifted score (the ``score`` without a model), ``none`` the span
#: classifier's probability of no entity, ``margin`` its probability of the label less the best
#: other label's, the source of the score (``curated``, ``place``, ``inherited``, ``unscored``;
#: else the classifier on the mention itself), ``overridden`` the label is not the one the
#: recogniser or rule gave (``model_label``), ``log_mentions`` log(1 + the entity's mentions in
#: the document), ``one_word``, ``all_caps``, ``sentence_start``, and the label.
FEATURES = (
    "bias", "logit", "none", "margin", CURATED, PLACE, INHERITED, UNSCORED, "overridden", "log_mentions",
    "one_word", "all_caps", "sentence_start", "PERSON", "ORG", "LOC",
)  # fmt: skip


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


def check_probability(component: str, setting: str, value: float) -> None:
    """Raise, naming the config key, unless ``value`` (a score a stage gives or reads) is in [0, 1]."""
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{component}: {setting} must be between 0 and 1, not {value!r} ([components.{component}] {setting}).")


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
        use_model: bool = False,
    ) -> None:
        for setting, value in (("rule_score", rule_score), ("unscored_score", unscored_score), ("min_score", min_score)):
            check_probability(name, setting, value)
        self.name = name
        self.rule_score = rule_score
        self.unscored_score = unscored_score
        self.min_score = min_score
        self.inherited_log_odds = inherited_log_odds
        self.added_place_log_odds = added_place_log_odds
        self.classified_log_odds = classified_log_odds
        self.use_model = use_model
        self.curated: CuratedScores | None = None
        self.model: ScoreModel | None = None

    # ``Any``: spaCy checks initialize settings with pydantic, which cannot see this module's types.
    def initialize(self, get_examples: Any = None, *, nlp: Any = None, scores: Any = None, model: Any = None) -> None:
        """Take the curated matches' scores (``[initialize.components.<name>] scores``, e.g.
        ``news.curated_scores.v1``) and the score model (``model``, ``news.score_model.v1``; needed
        with ``use_model``)."""
        if isinstance(scores, dict):  # spaCy's settings check hands dataclasses over as dicts
            scores = CuratedScores.from_dict(scores)
        if isinstance(model, dict):
            model = ScoreModel.from_dict(model)
        if self.use_model and model is None:
            raise ValueError(
                f"{self.name}: use_model is set but no score model was given: set [initialize.components.{self.name}.model] "
                "(news.score_model.v1, configs/scores/model.json) or use_model = false."
            )
        self.curated = scores
        self.model = model

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)  # doc.ents makes every Span anew each time it is read
        by_entity: dict[str, list[dict[str, float]]] = defaultdict(list)
        for ent in ents:
            values = ent._
            if values.label_probs is not None and values.entity_id is not None:
                by_entity[values.entity_id].append(values.label_probs)
        model = self.model if self.use_model else None
        counts = Counter(ent._.entity_id for ent in ents) if model is not None else Counter()
        kept: list[Span] = []
        for ent in ents:
            values = ent._
            inherited = values.label_probs is None and bool(by_entity.get(values.entity_id))
            if inherited:
                values.label_probs = mean_probs(by_entity[values.entity_id])
            values.label_prob = score = self.score(ent, inherited=inherited)
            source = score_source(ent, inherited=inherited) if model is not None else CURATED
            if model is not None and source != CURATED:  # a curated entry's score is measured on far more matches
                mentions = counts[values.entity_id] if values.entity_id is not None else 1
                score = model.probability(score_features(ent, source, score, mentions))
            values.score = score
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
        srsly.write_json(folder / MODEL_FILE, self.model.to_dict() if self.model is not None else None)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> MentionScores:
        data = srsly.read_json(Path(path) / SCORES_FILE)
        self.curated = CuratedScores.from_dict(data) if data is not None else None
        model = srsly.read_json(Path(path) / MODEL_FILE) if (Path(path) / MODEL_FILE).exists() else None
        self.model = ScoreModel.from_dict(model) if model is not None else None
        return self


def score_source(span: Span, *, inherited: bool = False) -> str:
    """Where ``span``'s score comes from: a curated entry (``curated``), the classifier on a place
    the gazetteer added (``place``), its entity's mean (``inherited``), the classifier on the
    mention (``classified``) or nothing (``unscored``), as :meth:`MentionScores.score` decides."""
    probs = span._.label_probs
    if probs is None or span.label_ not in probs:
        return CURATED if span.id_ else UNSCORED
    if span.id_:
        return CURATED if curated_kind(span.id_) == ALIAS else PLACE
    return INHERITED if inherited else CLASSIFIED


def logit(p: float) -> float:
    """The log-odds of ``p`` clipped to [LOGIT_CLIP, 1 - LOGIT_CLIP]."""
    p = min(max(p, LOGIT_CLIP), 1 - LOGIT_CLIP)
    return math.log(p / (1 - p))


def score_features(span: Span, source: str, score: float, mentions: int) -> dict[str, float]:
    """What the score model reads of ``span`` (:data:`FEATURES`): ``score`` is its score without
    the model, ``source`` where that came from (:func:`score_source`), ``mentions`` how many
    mentions its entity has in the document (1 for a mention of no entity)."""
    probs = span._.label_probs or {}
    own = probs.get(span.label_, 0.0)
    others = [p for label, p in probs.items() if label not in (span.label_, NONE_LABEL)]
    text = span.text
    features = {
        "bias": 1.0,
        "logit": logit(score),
        "none": probs.get(NONE_LABEL, 0.0),
        "margin": own - max(others, default=0.0) if probs else 0.0,
        "overridden": float(span._.model_label is not None and span._.model_label != span.label_),
        "log_mentions": math.log1p(mentions),
        "one_word": float(len(span) == 1),
        "all_caps": float(len(text) > 1 and text.isupper()),
        "sentence_start": float(span.start == 0 or bool(span.doc[span.start].is_sent_start)),
    }
    if source != CLASSIFIED:
        features[source] = 1.0
    if span.label_ in FEATURES:
        features[span.label_] = 1.0
    return features


@dataclass
class ScoreModel:
    """A logistic model of whether a mention is right (exact span and label): its score is
    ``sigmoid(sum(weights[f] * x[f]))`` over :func:`score_features`; features it has no weight for count 0."""

    weights: dict[str, float]
    about: dict[str, Any] = field(default_factory=dict)

    def probability(self, features: dict[str, float]) -> float:
        weights = self.weights
        z = sum(weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScoreModel:
        return cls(weights={k: float(v) for k, v in data.get("weights", {}).items()}, about=dict(data.get("about", {})))


@registry.misc("news.score_model.v1")
def read_score_model(path: Path | str) -> ScoreModel:
    """The score model in the JSON file ``path``: ``{"weights": {feature: coefficient}, "about": {...}}``
    (made by ``benchmarks/calibration.py --fit-model``). Errors name the file and what is wrong."""
    where = Path(path)
    if not where.is_file():
        raise PatternFileError(f"{where}: no such score model file (made by benchmarks/calibration.py --fit-model).")
    data = srsly.read_json(where)
    weights = data.get("weights") if isinstance(data, dict) else None
    if not isinstance(weights, dict) or not all(name in FEATURES and isinstance(v, int | float) for name, v in weights.items()):
        raise PatternFileError(f"{where}: a score model needs 'weights', a number for each of some of {', '.join(FEATURES)}.")
    return ScoreModel.from_dict(data)


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
    assigns=["span._.score", "span._.label_prob", "span._.label_probs"],
    default_config={
        "rule_score": DEFAULT_RULE_SCORE,
        "unscored_score": DEFAULT_UNSCORED_SCORE,
        "min_score": 0.0,
        "inherited_log_odds": 0.0,
        "added_place_log_odds": 0.0,
        "classified_log_odds": 0.0,
        "use_model": False,
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
    use_model: bool = False,
) -> MentionScores:
    return MentionScores(
        name,
        rule_score=rule_score,
        unscored_score=unscored_score,
        min_score=min_score,
        inherited_log_odds=inherited_log_odds,
        added_place_log_odds=added_place_log_odds,
        classified_log_odds=classified_log_odds,
        use_model=use_model,
    )
