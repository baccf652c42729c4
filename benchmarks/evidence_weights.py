"""The name evidence's weights, fitted on the training corpora: log P(feature | label) / P(feature).

    .venv/bin/python benchmarks/evidence_weights.py [--config configs/default.cfg]

Reads the gold entities of the corpora the recogniser was trained on (GUM's train documents,
WikiGold, UNER EWT dev; never the held-out sets of benchmarks/quality.md), finds each one's
features with the configured lexicon (:class:`pipeline.components.evidence.NameEvidence`), and
prints the ``[corpus_vote.evidence.weights]`` block: for every feature and label the log of how
much likelier the feature is among that label's names than among all names (add-one smoothed,
clipped to ±``MAX_WEIGHT``), which is the log-odds a naive-Bayes vote adds to the mentions'
log-probabilities. Needs ../shared/data.
"""

from __future__ import annotations

import argparse
import json
import math
from collections import Counter
from pathlib import Path

from pipeline.components.evidence import CONTEXT_FEATURES, NAME_FEATURES, NameEvidence
from pipeline.config import load_pipeline_config
from pipeline.corpora import read_gold
from pipeline.corpus.names import name_key
from pipeline.corpus.vote import VOTE_LABELS
from pipeline.settings import resolve_section

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
#: GUM's dev documents (project.yml ``gum_dev``): held out, so left out here.
GUM_DEV = {
    "GUM_academic_exposure", "GUM_academic_librarians", "GUM_bio_byron", "GUM_bio_emperor", "GUM_court_loan", "GUM_court_negligence",
    "GUM_voyage_athens", "GUM_voyage_coron", "GUM_news_homeopathic", "GUM_news_iodine", "GUM_interview_cyclone", "GUM_interview_gaming",
}  # fmt: skip
#: Weights are clipped to this (log-odds): no single feature outweighs many mentions.
MAX_WEIGHT = 3.0
SMOOTHING = 1.0


def training_corpora() -> list[tuple[str, list[Path]]]:
    gum = [p for p in sorted((DATA / "gum").rglob("*.conllu")) if p.stem not in GUM_DEV]
    return [("gum", gum), ("iob", [DATA / "wikigold" / "wikigold.conll.txt"]), ("uner", [DATA / "uner_en_ewt" / "en_ewt-ud-dev.iob2"])]


def count_features(evidence: NameEvidence) -> tuple[Counter, Counter]:
    """(label -> names, (feature, label) -> names with the feature) over the training corpora."""
    labels: Counter = Counter()
    features: Counter = Counter()
    for fmt, paths in training_corpora():
        for doc in read_gold(paths, fmt):
            for ent in doc.ents:
                if ent.label_ not in VOTE_LABELS:
                    continue
                labels[ent.label_] += 1
                for feature in evidence.features(name_key(ent.text)) + evidence.context_features(ent):
                    features[feature, ent.label_] += 1
    return labels, features


def fit(labels: Counter, features: Counter) -> dict[str, dict[str, float]]:
    total = sum(labels.values())
    weights: dict[str, dict[str, float]] = {}
    for feature in NAME_FEATURES + CONTEXT_FEATURES:
        with_feature = sum(features[feature, label] for label in VOTE_LABELS)
        p_feature = (with_feature + SMOOTHING) / (total + 2 * SMOOTHING)
        weights[feature] = {}
        for label in VOTE_LABELS:
            p_given_label = (features[feature, label] + SMOOTHING) / (labels[label] + 2 * SMOOTHING)
            weight = max(-MAX_WEIGHT, min(MAX_WEIGHT, math.log(p_given_label / p_feature)))
            weights[feature][label] = round(weight, 2)
    return weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "default.cfg")
    args = parser.parse_args()
    evidence = resolve_section(load_pipeline_config(args.config), "corpus_vote").evidence
    if evidence is None:
        raise SystemExit(f"{args.config} has no [corpus_vote.evidence] lexicon to fit weights for.")
    labels, features = count_features(evidence)
    print(f"# names: {dict(labels)}; names with each feature: " + json.dumps({f"{f}/{label}": n for (f, label), n in sorted(features.items())}))
    print("[corpus_vote.evidence.weights]")
    for feature, by_label in fit(labels, features).items():
        print(f"{feature} = {json.dumps(by_label, separators=(',', ':'))}")


if __name__ == "__main__":
    main()
