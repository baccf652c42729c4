"""Training data and training for the span classifier (``news_span_classifier``).

Candidates are what the classifier will see in use: the default pipeline, run up to the stage
before the classifier, over the gold documents (:func:`build_candidates` writes those predicted
Docs, entities and all, as a DocBin beside nothing else). The reader ``news.candidate_corpus.v1``
pairs them with their gold Docs: a candidate that is exactly a gold entity learns its gold
label, any other ``NONE``; for training the gold entities are added as candidates too
(``gold_spans``), so every label is seen often enough.

The shipped recogniser has seen its training texts and makes few mistakes on them, so its
candidates there teach the classifier little about its mistakes elsewhere. Cross-fitted
candidates show them: :func:`write_folds` splits the training texts into folds, a recogniser is
trained without each fold, and each document's candidates come from the recogniser that did not
see it (:func:`build_candidates` with one model per fold).

    python -m pipeline folds data/processed/corpus/news/*-train.spacy --output data/processed/corpus/folds
    python -m pipeline candidates data/processed/corpus/news/*-train.spacy --output data/processed/candidates/cross \
        --model data/processed/training/news-md-fold-0/model-best --model data/processed/training/news-md-fold-1/model-best
    python -m pipeline candidates data/processed/corpus/news/*-train.spacy --output data/processed/candidates/news
    python -m pipeline train-classifier configs/train/span-classifier.cfg --output data/processed/training/span-classifier
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import numpy
import spacy
import srsly
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.training import Example
from spacy.util import load_config, registry

from ..base.backbone import resolve_package_paths
from ..base.config_errors import ConfigError
from ..components.classifier import FINGERPRINT_KEY, TEMPERATURE_KEY, SpanClassifier, fingerprint, recogniser_tok2vec, tempered
from ..config.build import build_nlp, load_pipeline_config
from .train import MODEL_BEST, TrainingError, corpus_files

#: The stage the candidates are taken after, when the config has no classifier to stop before.
CANDIDATES_AFTER = "label_mapper"
CLASSIFIER_FACTORY = "news_span_classifier"
CANDIDATE_SUFFIX = ".candidates.spacy"
#: The candidates folder (under ``paths.candidates``) made with the shipped recogniser: dev data's.
DEV_CANDIDATES = "news"


def candidate_stages(nlp: Language) -> list[str]:
    """The stages that make the classifier's candidates: those before it, or up to ``label_mapper``."""
    names = list(nlp.pipe_names)
    for i, name in enumerate(names):
        if nlp.get_pipe_meta(name).factory == CLASSIFIER_FACTORY:
            return names[:i]
    if CANDIDATES_AFTER not in names:
        raise ConfigError(f"The pipeline has neither a {CLASSIFIER_FACTORY} nor a {CANDIDATES_AFTER} stage to take candidates after.")
    return names[: names.index(CANDIDATES_AFTER) + 1]


def build_candidates(
    gold: str | Path,
    output: Path | str,
    *,
    config_path: Path | str | None = None,
    overrides: dict[str, Any] | None = None,
    fold_models: list[str] | None = None,
) -> list[Path]:
    """For every gold DocBin ``gold`` names (a file, folder or glob), the pipeline's predicted Docs
    over the same texts, written to ``output/NAME.candidates.spacy``; returns the files written.
    With ``fold_models`` (cross-fitting: one recogniser per fold of :func:`write_folds`, the
    ``k``-th trained without fold ``k``), document ``i`` of each file is proposed by
    ``fold_models[i % len(fold_models)]``, the recogniser that never saw it."""
    models: list[str | None] = list(fold_models) if fold_models else [None]
    pipelines = [build_nlp(load_pipeline_config(config_path, {**(overrides or {}), **({"paths.model": m} if m else {})})) for m in models]
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for path in corpus_files(gold):
        references = list(DocBin().from_disk(path).get_docs(pipelines[0].vocab))
        docs: dict[int, Doc] = {}
        for fold, nlp in enumerate(pipelines):
            chosen = range(fold, len(references), len(pipelines))
            with nlp.select_pipes(enable=candidate_stages(nlp)):
                docs.update(zip(chosen, nlp.pipe(references[j].text for j in chosen)))
        predicted = DocBin(store_user_data=True, docs=[docs[i] for i in range(len(references))])
        target = output / (path.name.removesuffix(".spacy") + CANDIDATE_SUFFIX)
        predicted.to_disk(target)
        written.append(target)
    return written


def write_folds(gold: str | Path, output: Path | str, folds: int = 2) -> list[Path]:
    """Cross-fitting data: for every gold DocBin ``gold`` names, ``output/fold-K/NAME`` holds its
    documents *except* fold ``K`` (document ``i`` is in fold ``i % folds``): train recogniser ``K``
    on ``output/fold-K/*`` and it proposes fold ``K``'s candidates (:func:`build_candidates`).
    Returns the folders written."""
    if folds < 2:
        raise ValueError(f"Cross-fitting needs at least 2 folds, not {folds}.")
    output = Path(output)
    folders = [output / f"fold-{k}" for k in range(folds)]
    files = corpus_files(gold)
    if not files:
        raise TrainingError(f"No .spacy files match {gold!r}; create them with `python -m pipeline convert`.")
    for path in files:
        docs = list(DocBin(store_user_data=True).from_disk(path).get_docs(spacy.blank("en").vocab))
        for k, folder in enumerate(folders):
            folder.mkdir(parents=True, exist_ok=True)
            DocBin(store_user_data=True, docs=[doc for i, doc in enumerate(docs) if i % folds != k]).to_disk(folder / path.name)
    return folders


@registry.readers("news.candidate_corpus.v1")
def create_candidate_corpus(
    gold: str,
    candidates: list[str],
    features_from: str,
    features_component: str = "ner",
    spans_key: str = "classified",
    candidates_key: str = "candidates",
    gold_spans: bool = False,
    fold_features: list[str] = [],  # noqa: B006  (config default)
) -> Callable[[Language], Iterator[Example]]:
    """Examples of (candidates, gold) for every gold DocBin ``gold`` names and each of its
    ``FOLDER/NAME.candidates.spacy`` in ``candidates`` (one folder per recogniser that made
    them: one example per document and folder). The gold entities go to ``spans_key`` (what
    the span categorizer learns from) and, with ``gold_spans``, into the candidates too.
    ``doc.tensor`` holds the token vectors of the ``features_component`` of the pipeline
    ``features_from`` (the recogniser the classifier will sit behind), computed once; with
    ``fold_features`` (cross-fitting: the recognisers of :func:`write_folds`, the ``k``-th trained
    without fold ``k``), document ``i``'s come from ``fold_features[i % k]``, which never saw it."""
    files = corpus_files(gold)
    if not files:
        raise TrainingError(f"No .spacy files match {gold!r}; create them with `python -m pipeline convert`.")
    pairs = [(f, Path(folder) / (f.name.removesuffix(".spacy") + CANDIDATE_SUFFIX)) for folder in candidates for f in files]
    for gold_file, candidate_file in pairs:
        if not candidate_file.exists():
            raise TrainingError(
                f"No candidates {candidate_file} for {gold_file}: create them with `python -m pipeline candidates {gold_file} --output {candidate_file.parent}`."
            )

    tensors: dict[tuple[Path, int], Any] = {}
    tok2vec: list[Any] = []  # loaded at the first read

    def read(nlp: Language) -> Iterator[Example]:
        if not tok2vec:
            tok2vec.extend(recogniser_tok2vec(spacy.load(model).get_pipe(features_component)) for model in fold_features or [features_from])
        for gold_file, candidate_file in pairs:
            references = DocBin().from_disk(gold_file).get_docs(nlp.vocab)
            predictions = DocBin().from_disk(candidate_file).get_docs(nlp.vocab)
            for i, (reference, predicted) in enumerate(zip(references, predictions, strict=True)):
                key = (candidate_file, i)
                if key not in tensors:
                    tensors[key] = tok2vec[i % len(tok2vec)].predict([predicted])[0]
                predicted.tensor = tensors[key]
                yield candidate_example(predicted, reference, spans_key=spans_key, candidates_key=candidates_key, gold_spans=gold_spans)

    return read


def candidate_example(predicted: Doc, reference: Doc, *, spans_key: str, candidates_key: str, gold_spans: bool) -> Example:
    """One training example: ``reference``'s entities in ``spans_key``, and, with ``gold_spans``,
    those of them that fall on ``predicted``'s token boundaries in ``predicted.spans[candidates_key]``."""
    reference.spans[spans_key] = list(reference.ents)
    if gold_spans:
        spans = [predicted.char_span(ent.start_char, ent.end_char, label=ent.label_) for ent in reference.ents]
        predicted.spans[candidates_key] = [span for span in spans if span is not None]
    return Example(predicted, reference)


def train_classifier(config_path: Path | str, output: Path | str, *, overrides: dict[str, Any] | None = None, stdout: IO[str] | None = None) -> Path:
    """Train the span classifier ``config_path`` describes; returns ``output/model-best``.
    ``output/model-best/<component>`` is the folder the default pipeline reads its weights from."""
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_nlp

    config = resolve_package_paths(load_config(Path(config_path), overrides=dict(overrides or {}), interpolate=False))
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    nlp = init_nlp(config)
    train_nlp(nlp, output, stdout=stdout or sys.stdout, stderr=stdout or sys.stderr)
    best = output / MODEL_BEST
    if not best.exists():
        raise TrainingError(f"Training wrote no {best}: set --training.max_steps and eval_frequency so at least one evaluation runs.")
    return best


#: Temperatures tried by :func:`fit_temperature`.
TEMPERATURES = [round(0.5 + 0.05 * i, 2) for i in range(91)]


def fit_temperature(model: Path | str, gold: str, candidates: str, *, features_from: str, component: str = "span_classifier") -> tuple[float, dict[str, float]]:
    """The softmax temperature that minimises the classifier's log loss on the candidates of
    ``gold`` (dev data), and the log loss before and after."""
    nlp = spacy.load(model)
    classifier = nlp.get_pipe(component)
    assert isinstance(classifier, SpanClassifier), f"{component} in {model} is not a span classifier"
    read = create_candidate_corpus(gold, [candidates], features_from, spans_key=classifier.key)
    rows, targets = [], []
    n_labels = len(classifier.labels)
    for eg in read(nlp):
        indices, scores = classifier.predict([eg.predicted])
        gold_spans = {(span.start, span.end): span.label_ for span in eg.get_aligned_spans_y2x(eg.reference.ents)}
        for (start, end), row in zip(classifier.model.ops.to_numpy(indices.dataXd), classifier.model.ops.to_numpy(scores)):
            label = gold_spans.get((int(start), int(end)))
            targets.append(classifier.labels.index(label) if label in classifier.labels else n_labels)
            rows.append(row)
    if not rows:
        raise TrainingError(f"No candidates in {gold} to fit a temperature on.")
    probs, index = numpy.asarray(rows), numpy.asarray(targets)

    def log_loss(temperature: float) -> float:
        return float(-numpy.log(numpy.clip(tempered(probs, temperature)[numpy.arange(len(index)), index], 1e-9, 1.0)).mean())

    best = min(TEMPERATURES, key=log_loss)
    return best, {"log_loss_before": round(log_loss(1.0), 4), "log_loss_after": round(log_loss(best), 4), "candidates": len(index)}


def ship_classifier(
    model: Path | str, dest: Path | str, *, features_from: str, temperature: float = 1.0, features_component: str = "ner", component: str = "span_classifier"
) -> Path:
    """Copy the trained component's folder (``cfg`` and ``model``, no vocabulary or vectors: it
    reads the base model's) from a trained pipeline ``model`` to ``dest``, its ``cfg`` with the
    fingerprint of the recogniser (``features_from``) whose features it learnt and the
    ``temperature`` fitted on dev data."""
    source = Path(model) / component
    if not (source / "model").exists():
        raise TrainingError(f"{model} has no trained {component!r} ({source / 'model'} does not exist).")
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "model", dest / "model")
    cfg = srsly.read_json(source / "cfg")
    cfg[TEMPERATURE_KEY] = temperature
    cfg[FINGERPRINT_KEY] = fingerprint(recogniser_tok2vec(spacy.load(features_from).get_pipe(features_component)))
    srsly.write_json(dest / "cfg", cfg)
    return dest


def ship_trained(
    config_path: Path | str, best: Path | str, dest: Path | str, *, overrides: dict[str, Any] | None = None
) -> tuple[Path, float, dict[str, float]]:
    """Fit the temperature of the trained classifier ``best`` on the dev candidates its training
    config names (``paths.dev``, ``paths.candidates``/news), and copy it to ``dest`` with it."""
    paths = load_config(Path(config_path), overrides=dict(overrides or {}), interpolate=True)["paths"]
    recogniser = str(resolve_package_paths(load_config(Path(config_path), overrides=dict(overrides or {}), interpolate=True))["paths"]["recogniser"])
    temperature, fit = fit_temperature(best, str(paths["dev"]), f"{paths['candidates']}/{DEV_CANDIDATES}", features_from=recogniser)
    return ship_classifier(best, dest, features_from=recogniser, temperature=temperature), temperature, fit
