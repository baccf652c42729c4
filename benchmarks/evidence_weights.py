"""The name evidence's weights and the votes' weights of a mention, fitted on data the recogniser never saw.

    PYTHONPATH=. .venv/bin/python benchmarks/evidence_weights.py [--config configs/default.cfg]

The evidence is added to what the pipeline already says, and the recogniser and the span
classifier have learnt much of it (``John Smith`` is a PERSON to them without a list of given
names): weights that say how likely a label is given a feature alone count it twice (measured:
they turn right labels wrong). So the weights are fitted *given what the votes see*: the
configured pipeline without the name evidence's weights and the document vote runs on ECB+ topics 1-25
(never used to train the recogniser or the classifier, and not the held-out topics 26-35 of
benchmarks/quality.md); for every predicted mention with the span of a gold mention, a softmax
over PERSON/ORG/LOC of ``b * log p(label) + sum of the features' weights`` is fitted to the gold
label (L2-regularised, full-batch gradient descent), where ``p`` is the span classifier's
``Span._.label_probs`` and, for a mention without them (no classifier in the pipeline), the
recogniser's label is scored ``a * [label = its own]``. ``b`` is the votes'
``probability_weight``, ``a`` gives ``default_confidence`` (``r / (r + 2)``, ``r = e^(a / b)``:
the probability of an unscored mention's own label; not fitted when every mention has the
classifier's probabilities), the weights the ``[corpus_vote.evidence.weights]`` block, which this
prints. By default ``p`` is what the corpus vote sees, the mention's ``score`` (the probability of
its label) with the rest shared by the other labels; ``--full-probabilities`` fits on the
classifier's whole distribution, which the document vote sees (the pipeline's F1 on topics 1-25
is slightly higher with the first: benchmarks/quality.md). Needs ../shared/data.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from pipeline.components.evidence import CONTEXT_FEATURES, NAME_FEATURES, NameEvidence
from pipeline.config.build import build_nlp, load_pipeline_config
from pipeline.config.settings import resolve_section
from pipeline.corpora import read_gold
from pipeline.corpus.vote import MIN_PROB, VOTE_LABELS
from pipeline.knowledge.names import name_key

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
FIT_TOPICS = range(1, 26)
#: The stages whose decisions are fitted here, left out of the pipeline that makes the examples. The
#: name evidence stays in it with no weights: ``titled_names`` reads its lexicon (its titles).
FITTED_STAGES = ("label_consistency",)
UNWEIGHED_STAGE = "name_evidence"
L2 = 2.0
STEPS = 3000
LEARNING_RATE = 0.5
FEATURES = NAME_FEATURES + CONTEXT_FEATURES


Example = tuple[str, str, list[str], dict[str, float] | None]


def examples(config_path: Path, evidence: NameEvidence) -> list[Example]:
    """(predicted label, gold label, features, classifier's probabilities or None) of every predicted mention with a gold mention's span."""
    config = load_pipeline_config(config_path, {"paths.patterns": str(ROOT / "configs" / "patterns"), "paths.aliases": str(ROOT / "configs" / "aliases")})
    pipeline = [name for name in config["nlp"]["pipeline"] if name not in FITTED_STAGES]
    overrides: dict[str, object] = {"nlp.pipeline": pipeline}
    if UNWEIGHED_STAGE in pipeline:
        overrides[f"components.{UNWEIGHED_STAGE}.weights"] = {}
    nlp = build_nlp(load_pipeline_config(config_path, overrides))
    paths = [DATA / "ecbplus" / "ECB+" / str(t) for t in FIT_TOPICS if (DATA / "ecbplus" / "ECB+" / str(t)).exists()]
    references = list(read_gold(paths, "ecbplus", vocab=nlp.vocab))
    found = []
    for prediction, reference in zip(nlp.pipe(doc.text for doc in references), references):
        gold = {(e.start_char, e.end_char): e.label_ for e in reference.ents}
        for ent in prediction.ents:
            label = gold.get((ent.start_char, ent.end_char))
            if label in VOTE_LABELS and ent.label_ in VOTE_LABELS:
                features = evidence.features(name_key(ent.text)) + evidence.context_features(ent)
                found.append((ent.label_, label, features, ent._.label_probs or None))
    return found


def as_scores(data: list[Example]) -> list[Example]:
    """``data`` as the corpus vote sees it: the probability of the mention's label, the rest shared."""
    shared = []
    for predicted, gold, features, probs in data:
        if probs:
            own = min(max(probs.get(predicted, 0.0), MIN_PROB), 1 - MIN_PROB)
            probs = {label: own if label == predicted else (1 - own) / (len(VOTE_LABELS) - 1) for label in VOTE_LABELS}
        shared.append((predicted, gold, features, probs))
    return shared


def fit(data: list[Example], evidence: bool = True) -> tuple[float, float, dict[str, dict[str, float]]]:
    """(a, b, weights): see the module docstring; without ``evidence``, the weights stay 0."""
    index = {label: i for i, label in enumerate(VOTE_LABELS)}
    own = np.zeros((len(data), len(VOTE_LABELS)))
    log_p = np.zeros((len(data), len(VOTE_LABELS)))
    x = np.zeros((len(data), len(FEATURES)))
    y = np.zeros((len(data), len(VOTE_LABELS)))
    for row, (predicted, gold, features, probs) in enumerate(data):
        if probs:
            log_p[row] = [math.log(min(max(probs.get(label, 0.0), MIN_PROB), 1.0)) for label in VOTE_LABELS]
        else:
            own[row, index[predicted]] = 1.0
        y[row, index[gold]] = 1.0
        for feature in features:
            x[row, FEATURES.index(feature)] = 1.0
    a, b, w = 1.0, 1.0, np.zeros((len(FEATURES), len(VOTE_LABELS)))
    for _ in range(STEPS):
        logits = a * own + b * log_p + x @ w
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - y) / len(data)
        a -= LEARNING_RATE * float((grad * own).sum())
        b -= LEARNING_RATE * float((grad * log_p).sum())
        if evidence:
            w -= LEARNING_RATE * (x.T @ grad + L2 * w / len(data))
    weights = {feature: {label: round(float(w[i, j]), 2) for j, label in enumerate(VOTE_LABELS)} for i, feature in enumerate(FEATURES)}
    return a, b, weights


def log_loss(data: list[Example], a: float, b: float, weights: dict[str, dict[str, float]]) -> float:
    """Mean negative log-likelihood of the gold labels under (a, b, weights)."""
    total = 0.0
    for predicted, gold, features, probs in data:
        logits = {}
        for label in VOTE_LABELS:
            mention = b * math.log(min(max(probs.get(label, 0.0), MIN_PROB), 1.0)) if probs else a * (label == predicted)
            logits[label] = mention + sum(weights[feature][label] for feature in features)
        top = max(logits.values())
        total -= logits[gold] - top - math.log(sum(math.exp(v - top) for v in logits.values()))
    return total / len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "default.cfg")
    parser.add_argument("--full-probabilities", action="store_true", help="fit on the classifier's whole distribution (see above)")
    parser.add_argument("--examples", type=Path, help="a JSON file of the examples: read if it exists, else written (to refit without rerunning the pipeline)")
    args = parser.parse_args()
    evidence = resolve_section(load_pipeline_config(args.config), "corpus_vote").evidence
    if evidence is None:
        raise SystemExit(f"{args.config} has no [corpus_vote.evidence] lexicon to fit weights for.")
    if args.examples and args.examples.exists():
        data = [tuple(row) for row in json.loads(args.examples.read_text())]
    else:
        data = examples(args.config, evidence)
        if args.examples:
            args.examples.write_text(json.dumps(data))
    if not args.full_probabilities:
        data = as_scores(data)
    wrong = sum(predicted != gold for predicted, gold, _, _ in data)
    scored = sum(probs is not None for *_, probs in data)
    counts = {feature: sum(feature in features for _, _, features, _ in data) for feature in FEATURES}
    print(f"# {len(data)} mentions with a gold span ({scored} with the classifier's probabilities), {wrong} with another label than the gold")
    print(f"# mentions per feature: {json.dumps(counts)}")
    a0, b0, none = fit(data, evidence=False)
    print(f"# without evidence: a = {a0:.3f}, b = {b0:.3f}, log loss {log_loss(data, a0, b0, none):.4f}")
    a, b, weights = fit(data)
    print(f"# with evidence: a = {a:.3f}, b = {b:.3f}, log loss {log_loss(data, a, b, weights):.4f}")
    print(f"# probability_weight = {b:.2f}")
    if scored < len(data):
        ratio = math.exp(a / b)
        print(f"# default_confidence = {ratio / (ratio + len(VOTE_LABELS) - 1):.3f}")
    else:
        print("# default_confidence: not fitted (every mention has the classifier's probabilities)")
    print("[corpus_vote.evidence.weights]")
    for feature, by_label in weights.items():
        print(f"{feature} = {json.dumps(by_label, separators=(',', ':'))}")


if __name__ == "__main__":
    main()
