"""The name evidence's weights and the votes' default confidence, fitted on data the recogniser never saw.

    .venv/bin/python benchmarks/evidence_weights.py [--config configs/default.cfg]

The evidence is added to what the recogniser already says, and the recogniser has learnt much of
it (``John Smith`` is a PERSON to it without a list of given names): weights that say how
likely a label is given a feature alone count it twice (measured: they turn right labels wrong).
So the weights are fitted *given the recogniser's label*: the configured pipeline without the
name evidence and the document vote runs on ECB+ topics 1-25 (never used to train the
recogniser, and not the held-out topics 26-35 of benchmarks/quality.md); for every predicted
mention with the span of a gold mention, a softmax over PERSON/ORG/LOC of
``a * [label = the recogniser's] + sum of the features' weights`` is fitted to the gold label
(L2-regularised, full-batch gradient descent). ``a`` gives ``default_confidence`` (the
probability of the recogniser's own label: ``e^a / (e^a + 2)``), the weights the
``[corpus_vote.evidence.weights]`` block, which this prints. Needs ../shared/data.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from pipeline.components.evidence import CONTEXT_FEATURES, NAME_FEATURES, NameEvidence
from pipeline.config import build_nlp, load_pipeline_config
from pipeline.corpora import read_gold
from pipeline.corpus.names import name_key
from pipeline.corpus.vote import VOTE_LABELS
from pipeline.settings import resolve_section

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
FIT_TOPICS = range(1, 26)
#: The stages whose decisions are fitted here, left out of the pipeline that makes the examples.
FITTED_STAGES = ("name_evidence", "label_consistency")
L2 = 2.0
STEPS = 3000
LEARNING_RATE = 0.5
FEATURES = NAME_FEATURES + CONTEXT_FEATURES


def examples(config_path: Path, evidence: NameEvidence) -> list[tuple[str, str, list[str]]]:
    """(recogniser's label, gold label, features) of every predicted mention with a gold mention's span."""
    config = load_pipeline_config(config_path, {"paths.patterns": str(ROOT / "configs" / "patterns"), "paths.aliases": str(ROOT / "configs" / "aliases")})
    pipeline = [name for name in config["nlp"]["pipeline"] if name not in FITTED_STAGES]
    nlp = build_nlp(load_pipeline_config(config_path, {"nlp.pipeline": pipeline}))
    paths = [DATA / "ecbplus" / "ECB+" / str(t) for t in FIT_TOPICS if (DATA / "ecbplus" / "ECB+" / str(t)).exists()]
    references = list(read_gold(paths, "ecbplus", vocab=nlp.vocab))
    found = []
    for prediction, reference in zip(nlp.pipe(doc.text for doc in references), references):
        gold = {(e.start_char, e.end_char): e.label_ for e in reference.ents}
        for ent in prediction.ents:
            label = gold.get((ent.start_char, ent.end_char))
            if label in VOTE_LABELS and ent.label_ in VOTE_LABELS:
                found.append((ent.label_, label, evidence.features(name_key(ent.text)) + evidence.context_features(ent)))
    return found


def fit(data: list[tuple[str, str, list[str]]]) -> tuple[float, dict[str, dict[str, float]]]:
    """(a, weights): see the module docstring."""
    index = {label: i for i, label in enumerate(VOTE_LABELS)}
    own = np.zeros((len(data), len(VOTE_LABELS)))
    x = np.zeros((len(data), len(FEATURES)))
    y = np.zeros((len(data), len(VOTE_LABELS)))
    for row, (predicted, gold, features) in enumerate(data):
        own[row, index[predicted]] = 1.0
        y[row, index[gold]] = 1.0
        for feature in features:
            x[row, FEATURES.index(feature)] = 1.0
    a, w = 1.0, np.zeros((len(FEATURES), len(VOTE_LABELS)))
    for _ in range(STEPS):
        logits = a * own + x @ w
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - y) / len(data)
        a -= LEARNING_RATE * float((grad * own).sum())
        w -= LEARNING_RATE * (x.T @ grad + L2 * w / len(data))
    weights = {feature: {label: round(float(w[i, j]), 2) for j, label in enumerate(VOTE_LABELS)} for i, feature in enumerate(FEATURES)}
    return a, weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "default.cfg")
    args = parser.parse_args()
    evidence = resolve_section(load_pipeline_config(args.config), "corpus_vote").evidence
    if evidence is None:
        raise SystemExit(f"{args.config} has no [corpus_vote.evidence] lexicon to fit weights for.")
    data = examples(args.config, evidence)
    wrong = sum(predicted != gold for predicted, gold, _ in data)
    counts = {feature: sum(feature in features for _, _, features in data) for feature in FEATURES}
    print(f"# {len(data)} mentions with a gold span, {wrong} with another label than the gold; mentions per feature: {json.dumps(counts)}")
    a, weights = fit(data)
    print(f"# a = {a:.3f}: default_confidence = {math.exp(a) / (math.exp(a) + len(VOTE_LABELS) - 1):.3f}")
    print("[corpus_vote.evidence.weights]")
    for feature, by_label in weights.items():
        print(f"{feature} = {json.dumps(by_label, separators=(',', ':'))}")


if __name__ == "__main__":
    main()
