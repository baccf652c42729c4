"""Reliability of the mention scores, by where each score comes from, on dev and held-out data.

    PYTHONPATH=. .venv/bin/python benchmarks/calibration.py [--output benchmarks/results]

Runs the default pipeline (``configs/default.cfg``, corpus vote included, as ``evaluate`` does) on
the span classifier's selection data (UNER English-EWT dev 20% and GUM's 12 dev documents:
``data/processed/corpus/news/*-dev.spacy``, made by ``make classifier``) and on UNER EWT test (held
out), and sorts every predicted mention by the source of its score:

* ``classifier, recogniser`` / ``classifier, rule`` / ``classifier, gazetteer``: scored by the span
  classifier (``Span._.label_probs``), the span found by the ner, a pattern (``doc.spans["rules"]``)
  or the place gazetteer (``doc.spans["places"]``);
* ``inherited``: added after the classifier (alias linker), its entity's mean probabilities;
* ``curated``: a match of the alias table or the pattern files (``kb_id``), its entry's measured score;
* ``gazetteer place``: a place the gazetteer added (a ``geonames`` ``kb_id``), the classifier's
  probability (its entry's score where the classifier did not score it);
* ``unscored``: nothing scored it, ``unscored_score``.

A mention is right when its span and label are exactly a gold mention's (``evaluate``'s
``correct``). Writes ``calibration.json`` (every mention: set, source, score, right) and
``calibration-tables.md`` (per set and source: mentions, mean score, share right, ECE; the
reliability table of each set; and the ECE that perfectly calibrated scores would show on each set
by chance, simulated: on a few hundred mentions it is about 0.05). Needs ../shared/data and the
dev DocBins.

``--fit`` also measures the scores of curated matches on the training texts only
(``*-train.spacy``: nothing in a curated entry is fitted to them, and the dev sets hold only 16):
per entry (``kb_id``), the share right shrunk toward its kind's share (alias entry, gazetteer
region, gazetteer city) by a prior worth ``prior_mentions`` mentions, chosen by leave-one-out
likelihood (``--write-scores configs/scores/curated.jsonl`` writes them: what
``news.curated_scores.v1`` reads); ``rule_score``, the share of all curated matches right there
(the fallback without a table); ``unscored_score``, the share right of the mentions
of the pipeline without its classifier on the dev sets (where every mention gets it). And the
shifts of the log-odds that fit the dev sets best (maximum likelihood, a unit Gaussian prior) of
the inherited mentions (``inherited_log_odds``) and of the places the gazetteer added
(``added_place_log_odds``), and of the recogniser's spans the classifier scored
(``classified_log_odds``), all ``[components.mention_scores]`` settings (measured at 0: a refit
reports what to add), and, as a diagnosis not applied, of the recogniser's spans that
are gazetteer places (``place_log_odds``: the corpus vote reads their scores). Then prints the
tables again with all of these in place.

``--training FOLD0 FOLD1 [--fold-classifiers C0 C1]`` also runs the training texts
(``*-train.spacy``) cross-fitted: document ``i`` of each DocBin by fold ``i % k``'s pipeline, whose
recogniser (``pipeline folds``, project.yml ``train-folds``) never saw it; with fold classifiers
(``train-fold-classifiers``) the whole pipeline of the fold, else the shipped one with the fold
recogniser's entities (its classifier then in sample). ``--fit-model PATH --fit-on training`` fits
the score model there: features and L2 chosen by out-of-fold log-loss by document on the training
texts, the dev sets scored out of sample (``--no-held-out`` leaves UNER EWT test out).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from pipeline.commands.evaluate import CALIBRATION_BINS, calibration_error, mention_outcomes, vote_over_corpus
from pipeline.components.scores import ALIAS, CURATED, FEATURES, ScoreModel, curated_kind, score_features, score_source, shifted
from pipeline.config.build import build_nlp, load_pipeline_config
from pipeline.config.settings import resolve_section
from pipeline.corpora import read_gold

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
DEV = ROOT / "data" / "processed" / "corpus" / "news"
CLASSIFIER = "span_classifier"
RECOGNISER = "ner"
SOURCES = ("classifier, recogniser", "classifier, rule", "classifier, gazetteer", "inherited", "curated", "gazetteer place", "unscored")
#: Simulated outcomes per set for the ECE that perfectly calibrated scores would show by chance.
FLOOR_DRAWS = 200
#: The prior strengths (in mentions) the leave-one-out fit of the curated entries' scores chooses among.
PRIOR_GRID = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
DEV_SETS = ("uner-dev (selection)", "gum-dev (selection)")
#: The set of the pipeline without its classifier, where every mention is unscored (``--fit``).
UNSCORED_SET = "dev, classifier off"
#: The training texts, where only the curated matches are measured (``--fit``).
TRAIN_SET = "training texts"
#: Sets measured for ``--fit`` only, not reported.
FIT_ONLY = (UNSCORED_SET, TRAIN_SET)
HELD_OUT = "UNER EWT test (held out)"
#: A fold of the cross-fitting: the pipeline that runs its documents, and the recogniser whose ner
#: finds their entities again in it (None: the pipeline's own).
Fold = tuple[Language, Language | None]
#: Every mention of the training texts, the entities found by fold recognisers that never saw
#: the document (``--training FOLD_MODEL ...``), or by the shipped one (``--training`` alone).
CROSS_FITTED, IN_SAMPLE = "training texts, cross-fitted", "training texts, in sample"


def gold_sets(nlp: Language, held_out: bool = True) -> dict[str, list[Doc]]:
    """Each set's gold Docs: the dev DocBins (selection data: UNER dev 20%, GUM dev) and, with
    ``held_out``, UNER EWT test."""
    sets = {f"{name} (selection)": corpus_docs(DEV / f"{name}.spacy", nlp) for name in ("uner-dev", "gum-dev")}
    if held_out:
        sets[HELD_OUT] = list(read_gold([DATA / "uner_en_ewt" / "en_ewt-ud-test.iob2"], "uner", vocab=nlp.vocab))
    return sets


def corpus_docs(path: Path, nlp: Language) -> list[Doc]:
    """The gold Docs of the DocBin ``path`` in order, each with a ``doc_id`` (``NAME-i`` where it had none)."""
    docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    for i, doc in enumerate(docs):
        doc._.doc_id = doc._.doc_id or f"{path.stem}-{i}"
    return docs


def training_mentions(nlp: Language, settings, folds: list[Fold] = ()) -> list[dict]:  # noqa: ANN001  (VoteSettings)
    """The mentions of the training texts (``*-train.spacy``, each DocBin its own corpus vote),
    every row with its ``corpus`` (the DocBin's name): cross-fitted by ``folds`` (:func:`mentions`),
    or by ``nlp`` (in sample) without them."""
    rows = []
    for path in sorted(DEV.glob("*-train.spacy")):
        rows += [{**r, "corpus": path.stem} for r in mentions(nlp, corpus_docs(path, nlp), settings, folds)]
    return rows


def run_marking(nlp: Language, texts: Iterable[str], recogniser: Language | None = None) -> Iterator[Doc]:
    """``nlp.pipe`` that marks, right after the classifier, which entities it scored and where
    they came from; with ``recogniser`` (cross-fitting), the entities right after ``ner`` are that
    pipeline's ner's instead (:func:`refinding`), the token vectors the classifier reads still ``nlp``'s."""
    docs: Iterable[Doc] = (nlp.make_doc(text) for text in texts)
    for name, proc in nlp.pipeline:
        docs = proc.pipe(docs, batch_size=nlp.batch_size) if hasattr(proc, "pipe") else map(proc, docs)
        if name == RECOGNISER and recogniser is not None:
            docs = refinding(recogniser.get_pipe(RECOGNISER), docs, nlp.batch_size)
        if name == CLASSIFIER:
            docs = map(_mark, docs)
    return iter(docs)


def run_folds(references: list[Doc], folds: list[Fold]) -> list[Doc]:
    """The predictions of ``references`` in order, document ``i`` run by ``folds[i % k]`` (document
    ``i`` of a DocBin is in fold ``i % k`` of ``pipeline folds``): its pipeline, the entities found
    again by its recogniser where it has one (:func:`run_marking`)."""
    predictions: dict[int, Doc] = {}
    for fold, (nlp, recogniser) in enumerate(folds):
        chosen = range(fold, len(references), len(folds))
        predictions.update(zip(chosen, run_marking(nlp, (references[i].text for i in chosen), recogniser)))
    return [predictions[i] for i in range(len(references))]


def cross_fitting(nlp: Language, config: Path, overrides: dict[str, Any], models: list[str], classifiers: list[str] | None) -> list[Fold]:
    """The pipelines of the folds: with ``classifiers`` (one per fold, trained as the shipped one on
    the fold recogniser's training documents and features: ``--fold-classifiers``) the whole default
    pipeline on ``models[k]`` and ``classifiers[k]``, nothing in it trained on fold ``k``; else ``nlp``
    (the shipped recogniser and classifier) with its entities found again by ``models[k]``'s ner."""
    if classifiers is None:
        return [(nlp, spacy.load(model, enable=[RECOGNISER])) for model in models]
    if len(classifiers) != len(models):
        raise SystemExit(f"--fold-classifiers needs one classifier per fold recogniser ({len(models)}), not {len(classifiers)}.")
    return [
        (build_nlp(load_pipeline_config(config, {**overrides, "paths.model": model, "paths.classifier": classifier})), None)
        for model, classifier in zip(models, classifiers)
    ]


def refinding(ner: Any, docs: Iterable[Doc], batch_size: int) -> Iterator[Doc]:
    """``docs`` with their entities found again by ``ner`` (a fold recogniser), everything else
    (sentences, ``doc.tensor``: the shipped recogniser's token vectors, which the span classifier
    was trained on and checks) as it was. The entities are cleared first (to *missing*, as on a
    fresh Doc): spaCy's ner keeps the entities a Doc already has."""

    def cleared(stream: Iterable[Doc]) -> Iterator[Doc]:
        for doc in stream:
            doc.set_ents([], default="missing")
            yield doc

    return iter(ner.pipe(cleared(docs), batch_size=batch_size))


def _mark(doc: Doc) -> Doc:
    rules = {(s.start, s.end) for s in doc.spans.get("rules", [])}
    places = {(s.start, s.end) for s in doc.spans.get("places", [])}
    doc.user_data["scored_by_classifier"] = {
        (e.start, e.end): "rule" if (e.start, e.end) in rules else "gazetteer" if (e.start, e.end) in places else "recogniser"
        for e in doc.ents
        if e._.label_probs is not None
    }
    return doc


def source(doc: Doc, ent) -> str:  # noqa: ANN001  (a Span)
    if ent.id_:
        return "curated" if curated_kind(ent.id_) == ALIAS or ent._.label_probs is None else "gazetteer place"
    origin = doc.user_data.get("scored_by_classifier", {}).get((ent.start, ent.end))
    if origin and ent._.label_probs is not None:
        return f"classifier, {origin}"
    return "inherited" if ent._.label_probs is not None else "unscored"


def mention_features(doc: Doc) -> dict[tuple[int, int], dict[str, float]]:
    """What the score model reads of each entity of ``doc`` (before the corpus vote), by its
    (start, end): :func:`~pipeline.components.scores.score_features` of its score without the model."""
    counts = Counter(ent._.entity_id for ent in doc.ents if ent._.entity_id is not None)
    return {
        (ent.start, ent.end): score_features(ent, score_source(ent, inherited=source(doc, ent) == "inherited"), ent._.score, counts.get(ent._.entity_id, 1))
        for ent in doc.ents
        if ent._.score is not None
    }


def mentions(nlp: Language, references: list[Doc], settings, folds: list[Fold] = ()) -> list[dict]:  # noqa: ANN001  (VoteSettings)
    """Every predicted mention: source, label, score, label_probs, right (exact span and label).
    With ``folds`` (cross-fitting, :func:`cross_fitting`), document ``i`` is run by ``folds[i % k]``,
    whose recogniser never saw it."""
    predictions = run_folds(references, folds) if folds else list(run_marking(nlp, (doc.text for doc in references)))
    features = {}
    for prediction, reference in zip(predictions, references):
        prediction._.doc_id = reference._.doc_id
        features[prediction._.doc_id] = mention_features(prediction)
    vote_over_corpus(predictions, settings)
    rows = []
    for prediction, reference in zip(predictions, references):
        outcomes, _ = mention_outcomes(prediction, reference)
        for ent, (outcome, score) in zip(prediction.ents, outcomes):
            rows.append(
                {"source": source(prediction, ent), "label": ent.label_, "model_label": ent._.model_label, "score": score,
                 "probs": ent._.label_probs, "outcome": outcome, "right": outcome == "correct", "text": ent.text,
                 "kb_id": ent.id_ or None, "doc_id": prediction._.doc_id, "features": features[prediction._.doc_id].get((ent.start, ent.end)),
                 "evidence": {k: (ent._.name_evidence or {}).get(k, 0.0) + (ent._.context_evidence or {}).get(k, 0.0) for k in ("PERSON", "ORG", "LOC")}}
            )  # fmt: skip
    return rows


def reliability(rows: list[dict], bins: int = CALIBRATION_BINS) -> list[tuple[str, int, float, float]]:
    """(bin, mentions, mean score, share right) of every non-empty score bin."""
    table = []
    for b in range(bins):
        cell = [r for r in rows if min(int(r["score"] * bins), bins - 1) == b]
        if cell:
            table.append(
                (f"{b / bins:.1f}–{(b + 1) / bins:.1f}", len(cell), sum(r["score"] for r in cell) / len(cell), sum(r["right"] for r in cell) / len(cell))
            )
    return table


def fit_shift(rows: list[dict], prior: float = 1.0, steps: int = 50) -> float:
    """The log-odds shift ``b`` maximising the likelihood of ``rows``' rightness under
    ``sigmoid(logit(score) + b)``, with a Gaussian prior of variance ``1 / prior`` (Newton steps)."""
    logits = [math.log(min(max(r["score"], 1e-4), 1 - 1e-4) / (1 - min(max(r["score"], 1e-4), 1 - 1e-4))) for r in rows]
    b = 0.0
    for _ in range(steps):
        probs = [1 / (1 + math.exp(-(z + b))) for z in logits]
        gradient = sum(p - r["right"] for p, r in zip(probs, rows)) + prior * b
        b -= gradient / (sum(p * (1 - p) for p in probs) + prior)
    return round(b, 2)


def shrunk(right: float, mentions: float, prior: float, prior_mentions: float) -> float:
    """The share right of ``mentions``, shrunk toward ``prior`` as if ``prior_mentions`` more were seen at it."""
    return (right + prior * prior_mentions) / (mentions + prior_mentions)


def _tally(rows: list[dict], key: Callable[[dict], str]) -> dict[str, list[int]]:
    counts: dict[str, list[int]] = {}
    for r in rows:
        cell = counts.setdefault(key(r), [0, 0])
        cell[0] += r["right"]
        cell[1] += 1
    return counts


def fit_prior_mentions(rows: list[dict], grid: Iterable[float] = PRIOR_GRID) -> float:
    """The prior strength whose shrunk entry scores predict each curated match best with that
    match left out (its kind's and its entry's counts without it): leave-one-out log-likelihood."""
    kinds, entries = _tally(rows, lambda r: curated_kind(r["kb_id"])), _tally(rows, lambda r: r["kb_id"])

    def loss(prior_mentions: float) -> float:
        total = 0.0
        for r in rows:
            k_right, k_n = kinds[curated_kind(r["kb_id"])]
            e_right, e_n = entries[r["kb_id"]]
            kind_rate = (k_right - r["right"] + 1) / (k_n - 1 + 2)  # Laplace: a kind seen once still has a rate
            p = min(max(shrunk(e_right - r["right"], e_n - 1, kind_rate, prior_mentions), 1e-3), 1 - 1e-3)
            total -= math.log(p if r["right"] else 1 - p)
        return total

    return min(grid, key=loss)


def entry_scores(rows: list[dict], prior_mentions: float) -> list[dict]:
    """The lines of ``configs/scores/curated.jsonl`` from the curated matches ``rows`` of the
    training texts: one per kind (its share right), one per entry (shrunk toward its kind's)."""
    kinds, entries = _tally(rows, lambda r: curated_kind(r["kb_id"])), _tally(rows, lambda r: r["kb_id"])
    forms = _tally(rows, lambda r: f"{r['kb_id']}\t{r['text']}")
    names = {key.split("\t")[0]: key.split("\t")[1] for key, _ in sorted(forms.items(), key=lambda kv: kv[1][1])}  # the commonest form last
    lines = [
        {"kind": kind, "score": round((right + 1) / (n + 2), 3), "mentions": n, "right": right, "prior_mentions": prior_mentions}
        for kind, (right, n) in sorted(kinds.items())
    ]
    for kb_id, (right, n) in sorted(entries.items()):
        k_right, k_n = kinds[curated_kind(kb_id)]
        score = shrunk(right, n, (k_right + 1) / (k_n + 2), prior_mentions)
        lines.append({"id": kb_id, "kind": curated_kind(kb_id), "name": names[kb_id], "score": round(score, 3), "mentions": n, "right": right})
    return lines


def fit(results: dict[str, list[dict]]) -> dict[str, Any]:
    """The values of ``[components.mention_scores]`` and the curated entries' scores (module docstring)."""
    dev = [r for name in DEV_SETS for r in results[name]]
    train = results.get(TRAIN_SET, [])
    curated = [r["right"] for r in train]
    unscored = [r["right"] for r in results.get(UNSCORED_SET, [])]
    prior_mentions = fit_prior_mentions(train)
    return {
        "entries": entry_scores(train, prior_mentions),
        "rule_score": round(sum(curated) / len(curated), 2),
        "unscored_score": round(sum(unscored) / len(unscored), 2) if unscored else None,
        "place_log_odds": fit_shift([r for r in dev if r["source"] == "classifier, gazetteer"]),
        "inherited_log_odds": fit_shift([r for r in dev if r["source"] == "inherited"]),
        "added_place_log_odds": fit_shift([r for r in dev if r["source"] == "gazetteer place"]),
        "classified_log_odds": fit_shift([r for r in dev if r["source"] == "classifier, recogniser"]),
    }


def rescorer(values: dict[str, Any]) -> Callable[[dict], float]:
    """A mention's score with ``values`` in place of the configured ones (what ``news_mention_scores`` would give)."""
    by_kind = {line["kind"]: line["score"] for line in values["entries"] if "id" not in line}
    by_id = {line["id"]: line["score"] for line in values["entries"] if "id" in line}

    def score(row: dict) -> float:
        if row["source"] == "curated":
            return by_id.get(row["kb_id"], by_kind.get(curated_kind(row["kb_id"]), values["rule_score"]))
        if row["source"] == "unscored":
            return values["unscored_score"] if values["unscored_score"] is not None else row["score"]
        if row["source"] == "classifier, gazetteer":
            return shifted(row["score"], values["place_log_odds"])
        if row["source"] == "inherited":
            return shifted(row["score"], values["inherited_log_odds"])
        if row["source"] == "gazetteer place":
            return shifted(row["score"], values["added_place_log_odds"])
        if row["source"] == "classifier, recogniser":
            return shifted(row["score"], values["classified_log_odds"])
        return row["score"]

    return score


def rescored(results: dict[str, list[dict]], values: dict[str, Any]) -> dict[str, list[dict]]:
    score = rescorer(values)
    return {name: [{**r, "score": score(r)} for r in rows] for name, rows in results.items()}


def chance_ece(scores: list[float], draws: int = FLOOR_DRAWS, seed: int = 0) -> tuple[float, float]:
    """The ECE that perfectly calibrated ``scores`` would show by chance (each mention right with
    probability its score): the mean and the 90th percentile over ``draws`` simulated outcomes.
    The floor under which a set this small cannot tell calibration from luck."""
    rng = random.Random(seed)
    values = sorted(calibration_error(scores, [float(rng.random() < p) for p in scores]) for _ in range(draws))
    return sum(values) / draws, values[int(0.9 * draws)]


#: The kinds of a spurious mention's text, first match wins (:func:`text_kind`).
SPURIOUS_KINDS = ("web address or handle", "with digits", "with a lower-case word", "ALL CAPS", "one word", "several words")
WEB = re.compile(r"https?://|www\.|@|\.(com|org|net)\b")


def text_kind(text: str) -> str:
    """What a mention's text looks like: one of ``SPURIOUS_KINDS``."""
    words = text.split()
    if WEB.search(text):
        return SPURIOUS_KINDS[0]
    if any(ch.isdigit() for ch in text):
        return SPURIOUS_KINDS[1]
    if any(w[:1].islower() for w in words if w[:1].isalpha()):
        return SPURIOUS_KINDS[2]
    if len(text) > 1 and text.isupper():
        return SPURIOUS_KINDS[3]
    return SPURIOUS_KINDS[4] if len(words) == 1 else SPURIOUS_KINDS[5]


def spurious_table(results: dict[str, list[dict]]) -> list[str]:
    """The spurious mentions (overlapping no gold mention) of each set by score source, label and text kind."""
    lines = ["", "### Spurious mentions by score source (PERSON / ORG / LOC; text kinds)", ""]
    lines.append("| set | source | spurious / mentions | PERSON / ORG / LOC | " + " | ".join(SPURIOUS_KINDS) + " |")
    lines.append("|---|---|---|---|" + "---|" * len(SPURIOUS_KINDS))
    for name, rows in results.items():
        for src in (*SOURCES, "all"):
            cell = rows if src == "all" else [r for r in rows if r["source"] == src]
            spurious = [r for r in cell if r["outcome"] == "spurious"]
            if not spurious:
                continue
            labels = " / ".join(str(sum(r["label"] == label for r in spurious)) for label in ("PERSON", "ORG", "LOC"))
            kinds = " | ".join(str(sum(text_kind(r["text"]) == kind for r in spurious)) for kind in SPURIOUS_KINDS)
            lines.append(f"| {name} | {src} | {len(spurious)} / {len(cell)} | {labels} | {kinds} |")
    return lines


def tables(results: dict[str, list[dict]]) -> str:
    lines = ["### ECE by chance (perfectly calibrated scores, simulated: mean / 90th percentile)", ""]
    lines += [f"* {name}: {len(rows)} mentions, %.3f / %.3f" % chance_ece([r["score"] for r in rows]) for name, rows in results.items() if rows]
    lines += ["", "### Score sources (mentions, mean score, share right, ECE)", ""]
    lines.append("| set | source | mentions | mean score | share right | ECE |")
    lines.append("|---|---|---|---|---|---|")
    for name, rows in results.items():
        for src in (*SOURCES, "all"):
            cell = rows if src == "all" else [r for r in rows if r["source"] == src]
            if cell:
                ece = calibration_error([r["score"] for r in cell], [float(r["right"]) for r in cell])
                mean, right = sum(r["score"] for r in cell) / len(cell), sum(r["right"] for r in cell) / len(cell)
                lines.append(f"| {name} | {src} | {len(cell)} | {mean:.3f} | {right:.3f} | {ece:.3f} |")
    lines += spurious_table(results)
    for name, rows in results.items():
        lines += ["", f"### Reliability: {name}", "", "| score | mentions | mean score | share right |", "|---|---|---|---|"]
        lines += [f"| {b} | {n} | {s:.3f} | {r:.3f} |" for b, n, s, r in reliability(rows)]
    return "\n".join(lines) + "\n"


#: The features the score model uses (of :data:`~pipeline.components.scores.FEATURES`): chosen by
#: out-of-fold log-loss on the dev sets among a few sets (benchmarks/quality.md, "Score model").
MODEL_FEATURES = ("bias", "logit", "log_mentions", "PERSON", "ORG")
#: The strength of the Gaussian prior on the weights (L2), from the same comparison (1, 2, 5, 10, 20).
MODEL_L2 = 5.0
#: UNER dev's documents go round-robin into this many folds; each GUM dev document is a fold.
UNER_FOLDS = 5
#: The training texts' documents go round-robin (per corpus) into this many folds.
TRAINING_FOLDS = 10
#: Every feature a mention that is not a curated entry can have but ``logit``, ``bias`` and ``LOC`` (the reference label).
MORE_FEATURES = ("log_mentions", "PERSON", "ORG", "overridden", "inherited", "place", "unscored", "none", "margin", "one_word", "all_caps", "sentence_start")
#: The feature sets (and whether the classifier's log-odds keep weight 1) the fit on the training texts chooses among.
TRAINING_CANDIDATES: tuple[tuple[tuple[str, ...], bool], ...] = (
    (("bias", "logit"), True),
    (("bias", "logit", "log_mentions"), True),
    (("bias", "logit", "log_mentions", "PERSON", "ORG"), True),
    (("bias", "logit", "log_mentions", "PERSON", "ORG", "overridden"), True),
    (("bias", "logit", "log_mentions", "PERSON", "ORG", "overridden", "inherited", "place", "unscored"), True),
    (("bias", "logit", *MORE_FEATURES), True),
    (("bias", "logit"), False),
    (("bias", "logit", "log_mentions"), False),
    (("bias", "logit", "log_mentions", "PERSON", "ORG"), False),
    (("bias", "logit", "log_mentions", "PERSON", "ORG", "overridden"), False),
    (("bias", "logit", *MORE_FEATURES), False),
)
TRAINING_L2 = (1.0, 10.0, 100.0)
#: Resamples of the paired bootstrap of the chosen model's differences.
BOOTSTRAP_RESAMPLES = 2000
#: Thresholds of the out-of-fold precision/recall table.
MODEL_THRESHOLDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)
#: The precision the out-of-fold table asks the best recall at.
TARGET_PRECISION = 0.9
#: The prior precision that holds a fixed feature's weight at its centre.
FIXED_PRIOR = 1e6
#: The Newton steps of the fit (it converges in under ten).
NEWTON_STEPS = 30


def fit_model(rows: list[dict], features: Iterable[str] = MODEL_FEATURES, l2: float = MODEL_L2, fixed: Iterable[str] = ()) -> dict[str, float]:
    """The weights of the logistic score model fitted to the :func:`modelled` ``rows`` (each with
    ``features`` and ``right``) by Newton steps: maximum likelihood with a Gaussian prior of precision ``l2`` centred
    on the score as it is (``logit`` weight 1, every other 0; ``bias`` free); the ``fixed`` features keep the centre.
    A row's ``weight`` (default 1) multiplies its term of the likelihood (:func:`balanced`)."""
    names, fixed = list(features), set(fixed)
    rows = [r for r in rows if modelled(r)]
    x = np.array([[r["features"].get(name, 0.0) for name in names] for r in rows])
    y = np.array([float(r["right"]) for r in rows])
    weight = np.array([r.get("weight", 1.0) for r in rows])
    centre = np.array([1.0 if name == "logit" else 0.0 for name in names])
    prior = np.array([FIXED_PRIOR if name in fixed else 0.0 if name == "bias" else l2 for name in names]) + 1e-6
    w = centre.copy()
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (weight * (p - y)) + prior * (w - centre)
        hessian = (x * (weight * p * (1 - p))[:, None]).T @ x + np.diag(prior)
        w -= np.linalg.solve(hessian, gradient)
    return {name: round(float(v), 4) for name, v in zip(names, w)}


def document_folds(rows: list[dict]) -> dict[str, int]:
    """doc_id -> fold: each GUM document its own, UNER's documents round-robin in ``UNER_FOLDS``."""
    docs = sorted({r["doc_id"] for r in rows})
    gum = [d for d in docs if d.startswith("GUM_")]
    folds = {d: i for i, d in enumerate(gum)}
    folds.update({d: len(gum) + i % UNER_FOLDS for i, d in enumerate(d for d in docs if not d.startswith("GUM_"))})
    return folds


def out_of_fold(
    rows: list[dict], features: Iterable[str] = MODEL_FEATURES, l2: float = MODEL_L2, fixed: Iterable[str] = (), folds: dict[str, int] | None = None
) -> list[float]:
    """Each row's score by the model fitted on the other folds (``folds``: doc_id -> fold, by default :func:`document_folds`)."""
    folds = folds if folds is not None else document_folds(rows)
    scores = [0.0] * len(rows)
    for fold in sorted(set(folds.values())):
        model = ScoreModel(fit_model([r for r in rows if folds[r["doc_id"]] != fold], features, l2, fixed))
        for i, r in enumerate(rows):
            if folds[r["doc_id"]] == fold:
                scores[i] = model_score(model, r)
    return scores


def model_score(model: ScoreModel, row: dict) -> float:
    """``row``'s score by ``model``; a curated entry's (not :func:`modelled`) stays."""
    return model.probability(row["features"]) if modelled(row) else row["score"]


def training_folds(rows: list[dict], k: int = TRAINING_FOLDS) -> dict[str, int]:
    """doc_id -> fold: the documents of each training corpus round-robin in ``k`` folds."""
    docs = sorted({(r["corpus"], r["doc_id"]) for r in rows})
    by_corpus: dict[str, list[str]] = {}
    for corpus, doc_id in docs:
        by_corpus.setdefault(corpus, []).append(doc_id)
    return {doc_id: i % k for ids in by_corpus.values() for i, doc_id in enumerate(ids)}


def modelled(row: dict) -> bool:
    """Whether the score model scores this mention: not a curated entry's (its measured score stays)."""
    return row["features"] is not None and not row["features"].get(CURATED)


def threshold_cells(scores: list[float], right: list[bool], gold: int) -> tuple[list[str], float]:
    """Precision / recall at each of ``MODEL_THRESHOLDS``, and the best recall at precision ``TARGET_PRECISION``."""
    cells, best = [], 0.0
    for t in MODEL_THRESHOLDS:
        kept = [r for s, r in zip(scores, right) if s >= t]
        cells.append(f"{sum(kept) / len(kept):.2f} / {sum(kept) / gold:.2f}" if kept else "– / 0")
    for t in sorted(set(scores)):
        kept = [r for s, r in zip(scores, right) if s >= t]
        if sum(kept) / len(kept) >= TARGET_PRECISION:
            best = max(best, sum(kept) / gold)
    return cells, best


#: The parts of the dev sets each table reports (by doc_id).
DEV_PARTS: dict[str, Callable[[dict], bool]] = {
    "UNER dev": lambda r: not r["doc_id"].startswith("GUM_"),
    "GUM dev": lambda r: r["doc_id"].startswith("GUM_"),
    "GUM news dev": lambda r: r["doc_id"].startswith("GUM_news"),
    "GUM dev, other genres": lambda r: r["doc_id"].startswith("GUM_") and not r["doc_id"].startswith("GUM_news"),
    "dev, pooled": lambda r: True,
}


def model_table(
    results: dict[str, list[dict]], gold: dict[str, int], features: Iterable[str] = MODEL_FEATURES, l2: float = MODEL_L2, fixed: Iterable[str] = ()
) -> str:
    """The configured scores and the score model's out of fold on the dev sets, side by side:
    ECE, log-loss, precision / recall at thresholds (``gold``: gold mentions per document)."""
    rows = [r for name in DEV_SETS for r in results[name]]
    return comparison_table(rows, out_of_fold(rows, features, l2, fixed), gold, "model, out of fold")


def log_loss(scores: list[float], right: list[bool], weights: list[float] | None = None) -> float:
    """The mean (``weights``: weighted) negative log-likelihood of ``right`` under ``scores``."""
    weights = weights if weights is not None else [1.0] * len(scores)
    return -sum(w * math.log(min(max(s if r else 1 - s, 1e-6), 1.0)) for s, r, w in zip(scores, right, weights)) / sum(weights)


def balanced(rows: list[dict]) -> list[dict]:
    """``rows`` with a ``weight`` each such that every ``corpus`` weighs the same in total (the
    mean weight 1): WikiGold's and GUM's thousands of mentions no longer drown UNER's hundreds."""
    sizes = Counter(r["corpus"] for r in rows)
    return [{**r, "weight": len(rows) / (len(sizes) * sizes[r["corpus"]])} for r in rows]


def comparison_table(rows: list[dict], after: list[float], gold: dict[str, int], label: str) -> str:
    """The dev ``rows``' configured scores against ``after`` (``label``) for each of :data:`DEV_PARTS`:
    ECE, log-loss, precision / recall at thresholds (``gold``: gold mentions per document)."""
    head = " | ".join(f"≥ {t:.1f}" for t in MODEL_THRESHOLDS)
    lines = [
        f"| set | scores | mentions | ECE | log-loss | P / R {head} | R at P ≥ {TARGET_PRECISION} |",
        "|---|---|---|---|---|" + "---|" * (len(MODEL_THRESHOLDS) + 1),
    ]
    for part, keep in DEV_PARTS.items():
        chosen = [i for i, r in enumerate(rows) if keep(r)]
        n_gold = sum(n for doc_id, n in gold.items() if keep({"doc_id": doc_id}))
        right = [rows[i]["right"] for i in chosen]
        for name, scores in (("configured", [rows[i]["score"] for i in chosen]), (label, [after[i] for i in chosen])):
            cells, best = threshold_cells(scores, right, n_gold)
            ece = calibration_error(scores, [float(r) for r in right])
            lines.append(f"| {part} | {name} | {len(chosen)} | {ece:.3f} | {log_loss(scores, right):.3f} | " + " | ".join(cells) + f" | {best:.2f} |")
    return "\n".join(lines) + "\n"


def candidate_table(
    results: dict[str, list[dict]], candidates: Iterable[tuple[tuple[str, ...], bool]], l2s: Iterable[float], balance: bool = False
) -> tuple[str, tuple]:
    """Score models fitted on the cross-fitted training texts: for each (features, logit fixed) of
    ``candidates`` and L2 of ``l2s``, the training texts' log-loss and ECE out of fold by document
    (:func:`training_folds`) and, fitted on all of them, each dev part's ECE / log-loss (out of
    sample: nothing was fitted on them). Returns the table and the (features, fixed, l2) of the
    best out-of-fold log-loss on the training texts (the choice never reads the dev sets). With
    ``balance``, each training corpus weighs the same in the fits and the log-loss (:func:`balanced`)."""
    train = [r for r in results[CROSS_FITTED] if modelled(r)]
    train = balanced(train) if balance else train
    weights = [r.get("weight", 1.0) for r in train]
    dev = [r for name in DEV_SETS for r in results[name]]
    folds = training_folds(train)
    right = [r["right"] for r in train]
    parts = {part: [i for i, r in enumerate(dev) if keep(r)] for part, keep in DEV_PARTS.items()}
    lines = [
        "| features | logit | L2 | train OOF log-loss | train OOF ECE | " + " | ".join(f"{p} ECE / log-loss" for p in parts) + " |",
        "|---|---|---|---|---|" + "---|" * len(parts),
    ]
    configured = [r["score"] for r in dev]
    lines.append(
        f"| configured (label_prob) | – | – | {log_loss([r['score'] for r in train], right, weights):.3f} | "
        f"{calibration_error([r['score'] for r in train], [float(x) for x in right]):.3f} | "
        + " | ".join(f"{calibration_error([configured[i] for i in ix], [float(dev[i]['right']) for i in ix]):.3f} / "
                     f"{log_loss([configured[i] for i in ix], [dev[i]['right'] for i in ix]):.3f}" for ix in parts.values()) + " |"
    )  # fmt: skip
    best, best_loss = None, math.inf
    for features, fix in candidates:
        fixed = ["logit"] if fix else []
        for l2 in l2s:
            oof = out_of_fold(train, features, l2, fixed, folds)
            loss = log_loss(oof, right, weights)
            model = ScoreModel(fit_model(train, features, l2, fixed))
            scores = [model_score(model, r) for r in dev]
            cells = [
                f"{calibration_error([scores[i] for i in ix], [float(dev[i]['right']) for i in ix]):.3f} / "
                f"{log_loss([scores[i] for i in ix], [dev[i]['right'] for i in ix]):.3f}"
                for ix in parts.values()
            ]
            ece = calibration_error(oof, [float(x) for x in right])
            lines.append(f"| {', '.join(features)} | {'fixed' if fix else 'free'} | {l2:g} | {loss:.4f} | {ece:.3f} | " + " | ".join(cells) + " |")
            if loss < best_loss:
                best, best_loss = (tuple(features), fix, l2), loss
    return "\n".join(lines) + "\n", best


def fit_on_training(results: dict[str, list[dict]], output: Path, balance: bool = False) -> str:
    """Choose and fit the score model on the cross-fitted training texts (:func:`candidate_table`;
    ``balance``: each corpus weighing the same), write it to ``output``; the tables as Markdown."""
    if CROSS_FITTED not in results:
        raise SystemExit(f"--fit-on training needs the cross-fitted training texts: --training FOLD_MODEL ... (or a --from-json with {CROSS_FITTED!r}).")
    table, (features, fix, l2) = candidate_table(results, TRAINING_CANDIDATES, TRAINING_L2, balance)
    train = [r for r in results[CROSS_FITTED] if modelled(r)]
    train = balanced(train) if balance else train
    fixed = ["logit"] if fix else []
    model = ScoreModel(fit_model(train, features, l2, fixed))
    corpora = Counter(r["corpus"] for r in train if modelled(r))
    about = {"fitted_on": CROSS_FITTED, "mentions": dict(sorted(corpora.items())), "corpora_balanced": balance, "l2": l2, "fixed": fixed,
             "chosen_by": f"log-loss out of fold by document ({TRAINING_FOLDS} folds) on the training texts",
             "made_by": "benchmarks/calibration.py --training FOLD_MODEL ... --fit-model PATH --fit-on training"}  # fmt: skip
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"weights": model.weights, "about": about}, indent=1) + "\n", encoding="utf8")
    dev = [r for name in DEV_SETS for r in results[name]]
    after = [model_score(model, r) for r in dev]
    text = f"\n### Score models fitted on the {CROSS_FITTED} ({sum(corpora.values())} mentions; dev sets out of sample)\n\n" + table
    text += f"\nChosen (train out of fold): {json.dumps(model.weights)}, L2 {l2:g}\n\n"
    text += comparison_table(dev, after, gold_counts(spacy.blank("en")), "model (fitted on training texts)")
    modelled_train = [r for r in train if modelled(r)]
    oof = out_of_fold(modelled_train, features, l2, fixed, training_folds(modelled_train))
    text += "\nThe chosen model out of fold on each training corpus, and model − configured on the dev sets "
    text += f"(ECE by chance: of perfectly calibrated scores, mean / 90th percentile; log-loss: 95% interval of a paired bootstrap over documents, {BOOTSTRAP_RESAMPLES} resamples):\n\n"
    text += "| set | mentions | ECE configured → model | ECE by chance | log-loss configured → model | log-loss difference |\n|---|---|---|---|---|---|\n"
    for corpus in sorted(corpora):
        text += difference_row(corpus + " (out of fold)", [(r, s) for r, s in zip(modelled_train, oof) if r["corpus"] == corpus])
    for part, keep in DEV_PARTS.items():
        text += difference_row(part, [(r, s) for r, s in zip(dev, after) if keep(r)])
    return text


def difference_row(name: str, pairs: list[tuple[dict, float]], resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0) -> str:
    """A table row: ECE of the configured scores and of the new ones (``pairs`` of a mention row and
    its new score), the ECE the new ones would show by chance (:func:`chance_ece`), their log-loss,
    and a 95% interval of the log-loss difference new − configured from resampling the documents with
    replacement (both scores on the same resample; ECE, not a mean over mentions, has no such interval)."""
    rows, new = [r for r, _ in pairs], [s for _, s in pairs]
    right = [r["right"] for r in rows]
    old = [r["score"] for r in rows]
    members: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        members.setdefault(r["doc_id"], []).append(i)
    docs = sorted(members)
    rng = random.Random(seed)
    diffs = []
    for _ in range(resamples):
        chosen = [i for d in rng.choices(docs, k=len(docs)) for i in members[d]]
        diffs.append(log_loss([new[i] for i in chosen], [right[i] for i in chosen]) - log_loss([old[i] for i in chosen], [right[i] for i in chosen]))
    diffs.sort()
    low, high = diffs[int(0.025 * resamples)], diffs[int(0.975 * resamples) - 1]
    flags = [float(x) for x in right]
    chance = chance_ece(new)
    return (f"| {name} | {len(rows)} | {calibration_error(old, flags):.3f} → {calibration_error(new, flags):.3f} | {chance[0]:.3f} / {chance[1]:.3f} | "
            f"{log_loss(old, right):.3f} → {log_loss(new, right):.3f} | {log_loss(new, right) - log_loss(old, right):+.3f} ({low:+.3f} … {high:+.3f}) |\n")  # fmt: skip


def gold_counts(nlp: Language) -> dict[str, int]:
    """Gold mentions per document of the dev sets (the recall of the out-of-fold table)."""
    return {doc._.doc_id: len(doc.ents) for name in DEV_SETS for doc in gold_sets(nlp, held_out=False)[name]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "default.cfg")
    parser.add_argument("--classifier", help="the span classifier's weights (default: the config's paths.classifier)")
    parser.add_argument("--fit", action="store_true", help="measure the mention_scores values on the dev sets")
    parser.add_argument("--from-json", type=Path, help="the mentions of an earlier run (its calibration.json), not run again")
    parser.add_argument("--write-scores", type=Path, help="with --fit: write the curated entries' scores here (configs/scores/curated.jsonl)")
    parser.add_argument(
        "--fit-model", type=Path, help="fit the score model on the dev sets (run with use_model off), write it here (configs/scores/model.json)"
    )
    parser.add_argument("--model-features", nargs="+", default=list(MODEL_FEATURES), choices=FEATURES, help="with --fit-model: its features")
    parser.add_argument(
        "--training", nargs="*", metavar="FOLD_MODEL",
        help="also the training texts (*-train.spacy), the entities found by these fold recognisers (pipeline folds, project.yml train-folds: "
        "the k-th trained without document i %% k == k), the classifier's features the shipped recogniser's; none: the shipped recogniser (in sample)",
    )  # fmt: skip
    parser.add_argument(
        "--fit-on", choices=("dev", "training"), default="dev",
        help="with --fit-model: fit on the dev sets (out of fold there), or on the cross-fitted training texts (needs --training "
        "FOLD_MODEL ... or a --from-json that has them; features and L2 chosen out of fold there, the dev sets out of sample)",
    )  # fmt: skip
    parser.add_argument(
        "--fold-classifiers", nargs="+", metavar="CLASSIFIER",
        help="with --training FOLD_MODEL ...: one span classifier per fold, trained on the fold recogniser's training documents and features "
        "(project.yml train-fold-classifiers): the whole pipeline of fold k on its documents, nothing in it trained on them",
    )  # fmt: skip
    parser.add_argument("--balance-corpora", action="store_true", help="with --fit-on training: each training corpus weighs the same")
    parser.add_argument("--no-held-out", action="store_true", help=f"leave out {HELD_OUT} (tuning runs)")
    parser.add_argument("--fix-logit", action="store_true", help="with --fit-model: keep the weight of the score's log-odds at 1")
    args = parser.parse_args()
    overrides = {"paths.patterns": str(ROOT / "configs" / "patterns"), "paths.aliases": str(ROOT / "configs" / "aliases")}
    if args.classifier:
        overrides["paths.classifier"] = args.classifier
    if args.fit_model:  # the model is fitted to the scores and features without it (the default)
        overrides["components.mention_scores.use_model"] = False
    if args.from_json:
        results = json.loads(args.from_json.read_text(encoding="utf8"))
    else:
        config = load_pipeline_config(args.config, overrides)
        nlp = build_nlp(config)
        settings = resolve_section(config, "corpus_vote")
        results = {name: mentions(nlp, docs, settings) for name, docs in gold_sets(nlp, held_out=not args.no_held_out).items()}
        if args.training is not None:
            folds = cross_fitting(nlp, args.config, overrides, args.training, args.fold_classifiers) if args.training else []
            results[CROSS_FITTED if folds else IN_SAMPLE] = training_mentions(nlp, settings, folds)
        if args.fit:
            pipeline = [name for name in config["nlp"]["pipeline"] if name != CLASSIFIER]
            off = build_nlp(load_pipeline_config(args.config, {**overrides, "nlp.pipeline": pipeline}))
            sets = gold_sets(off)
            results[UNSCORED_SET] = [r for name in DEV_SETS for r in mentions(off, sets[name], settings)]
            train = [doc for path in sorted(DEV.glob("*-train.spacy")) for doc in DocBin().from_disk(path).get_docs(nlp.vocab)]
            for i, doc in enumerate(train):
                doc._.doc_id = doc._.doc_id or f"train-{i}"
            results[TRAIN_SET] = [r for r in mentions(nlp, train, settings) if r["kb_id"]]
    text = tables({name: rows for name, rows in results.items() if name not in FIT_ONLY})
    if args.fit:
        values = fit(results)
        if args.write_scores:
            args.write_scores.parent.mkdir(parents=True, exist_ok=True)
            args.write_scores.write_text("".join(json.dumps(line) + "\n" for line in values["entries"]), encoding="utf8")
        shown = {k: v for k, v in values.items() if k != "entries"} | {"prior_mentions": values["entries"][0]["prior_mentions"]}
        text += f"\n### Refitted (curated on the training texts, the rest on the dev sets): {json.dumps(shown)}\n\n" + tables(
            {n: r for n, r in rescored(results, values).items() if n not in FIT_ONLY}
        )
    if args.fit_model and args.fit_on == "training":
        text += fit_on_training(results, args.fit_model, args.balance_corpora)
    elif args.fit_model:
        dev = [r for name in DEV_SETS for r in results[name]]
        features, fixed = args.model_features, ["logit"] if args.fix_logit else []
        model = {"weights": fit_model(dev, features, MODEL_L2, fixed), "about": {"fitted_on": list(DEV_SETS), "mentions": len(dev), "l2": MODEL_L2,
                 "fixed": fixed, "made_by": "benchmarks/calibration.py --fit-model"}}  # fmt: skip
        args.fit_model.parent.mkdir(parents=True, exist_ok=True)
        args.fit_model.write_text(json.dumps(model, indent=1) + "\n", encoding="utf8")
        text += f"\n### Score model (fitted on the dev sets): {json.dumps(model['weights'])}\n\n"
        text += "Out of fold (grouped by document) against the configured scores:\n\n" + model_table(
            results, gold_counts(spacy.blank("en")), features, MODEL_L2, fixed
        )
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "calibration.json").write_text(json.dumps(results) + "\n", encoding="utf8")
    (args.output / "calibration-tables.md").write_text(text, encoding="utf8")
    print(text)


if __name__ == "__main__":
    main()
