"""The span classifier's training route on a tiny slice: candidates, training, temperature, shipping, use."""

from __future__ import annotations

import pytest
import srsly
from conftest import ROOT

from pipeline.commands.convert import convert_corpus
from pipeline.commands.train_classifier import build_candidates, candidate_stages, create_candidate_corpus, ship_trained, train_classifier
from pipeline.components.classifier import FINGERPRINT_KEY, TEMPERATURE_KEY
from pipeline.config.build import build_nlp, load_pipeline_config

FIXTURE = ROOT / "tests" / "fixtures" / "gold" / "tiny.iob2"
PATHS = {"paths.patterns": str(ROOT / "configs" / "patterns"), "paths.aliases": str(ROOT / "configs" / "aliases")}


def test_candidates_come_from_the_stages_before_the_classifier(default_config):
    nlp = build_nlp(default_config)
    stages = candidate_stages(nlp)
    assert stages[-1] == "label_mapper" and "span_classifier" not in stages


@pytest.mark.slow
def test_train_ship_and_use_on_a_tiny_slice(tmp_path):
    corpus = tmp_path / "corpus"
    convert_corpus([FIXTURE], "uner", corpus / "tiny.spacy", split=0.5, seed=0)
    candidates = tmp_path / "candidates"
    for split in ("train", "dev"):
        assert build_candidates(corpus / f"tiny-{split}.spacy", candidates / "news", overrides=PATHS)
    examples = list(
        create_candidate_corpus(str(corpus / "tiny-train.spacy"), [str(candidates / "news")], str(ROOT / "models" / "news-md"), gold_spans=True)(
            build_nlp(load_pipeline_config(None, PATHS))
        )
    )
    assert examples and all(eg.predicted.tensor.shape[0] == len(eg.predicted) for eg in examples)
    overrides = {
        "paths.train": str(corpus / "*-train.spacy"),
        "paths.dev": str(corpus / "*-dev.spacy"),
        "paths.candidates": str(candidates),
        "paths.recogniser": str(ROOT / "models" / "news-md"),
        "corpora.train.candidates": [str(candidates / "news")],
        "training.max_steps": 4,
        "training.eval_frequency": 2,
    }
    best = train_classifier(ROOT / "configs" / "train" / "span-classifier.cfg", tmp_path / "training", overrides=overrides)
    shipped, temperature, fit = ship_trained(ROOT / "configs" / "train" / "span-classifier.cfg", best, tmp_path / "shipped", overrides=overrides)
    cfg = srsly.read_json(shipped / "cfg")
    assert cfg[TEMPERATURE_KEY] == temperature and cfg[FINGERPRINT_KEY] and fit["candidates"] > 0
    nlp = build_nlp(load_pipeline_config(None, {**PATHS, "paths.classifier": str(shipped)}))
    assert nlp.get_pipe("span_classifier").enabled
    doc = nlp("Asaad al-Shaibani visited Baghdad, Iraq.")
    assert all(0.0 <= ent._.score <= 1.0 and ent._.label_probs for ent in doc.ents)
