"""``train``: spaCy training wrapped, on a small fixture corpus written here.

A CNN fine-tuned from the base model and a transformer pipeline on a tiny random BERT built in
a tmp folder (deleted before the trained pipeline is loaded and used by ``pipeline run``), each
trained for a few steps: they check the plumbing (configs, overrides, metrics, model card,
self-contained output), not accuracy.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pandas as pd
import pytest
import spacy
from conftest import ROOT, make_doc
from spacy.tokens import DocBin
from typer.testing import CliRunner

from pipeline.commands.cli import app
from pipeline.commands.train import METRICS_FILE, MODEL_CARD_FILE, SHIPPED_LICENCE, TrainingError, create_corpora, evaluate_corpus, ship_model, train_model
from pipeline.config.build import ConfigError

TRAIN_CONFIGS = ROOT / "configs" / "train"
PEOPLE = ["Maria Lopez", "John Smith", "Asaad al-Shaibani", "Angela Merkel", "Ahmed Hassan", "Li Wei"]
ORGS = ["Reuters", "the United Nations", "Google", "Oxfam", "the World Bank", "NATO"]
PLACES = ["Baghdad", "Paris", "Texas", "Nairobi", "Damascus", "Berlin"]
TEMPLATES = [
    "{PERSON} told {ORG} on Monday that talks in {LOC} would resume.",
    "{ORG} said {PERSON} had left {LOC} after the meeting.",
    "In {LOC}, {PERSON} met officials from {ORG}.",
    "{PERSON} works for {ORG} and lives near {LOC}.",
]
#: Steps enough to save model-best and exercise the loop, few enough for a test.
FEW_STEPS = {"training.max_steps": 4, "training.eval_frequency": 2}


def _fixture_docs(nlp, n: int, seed: int):
    rng = random.Random(seed)
    docs = []
    for _ in range(n):
        person, org, place = rng.choice(PEOPLE), rng.choice(ORGS), rng.choice(PLACES)
        text = rng.choice(TEMPLATES).format(PERSON=person, ORG=org, LOC=place)
        org_name = org.removeprefix("the ")
        docs.append(make_doc(nlp, text, [(person, "PERSON"), (org_name, "ORG"), (place, "LOC")]))
    return docs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """train.spacy (24 sentences) and dev.spacy (8) of templated news sentences."""
    folder = tmp_path_factory.mktemp("corpus")
    nlp = spacy.blank("en")
    paths = {}
    for split, n, seed in (("train", 24, 0), ("dev", 8, 1)):
        paths[split] = folder / f"{split}.spacy"
        DocBin(docs=_fixture_docs(nlp, n, seed)).to_disk(paths[split])
    return paths


def _overrides(corpus: dict[str, Path], **extra) -> dict:
    return {"paths.train": str(corpus["train"]), "paths.dev": str(corpus["dev"]), **FEW_STEPS, **extra}


@pytest.fixture(scope="module")
def cnn_model(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("cnn") / "news-cnn"
    return train_model(TRAIN_CONFIGS / "cnn.cfg", out, overrides=_overrides(corpus))


@pytest.mark.slow
def test_cnn_fine_tune_writes_model_metrics_and_card(cnn_model):
    assert (cnn_model.output / "model-best" / "config.cfg").exists()
    assert (cnn_model.output / "model-last").exists()
    metrics = json.loads((cnn_model.output / METRICS_FILE).read_text())
    assert metrics == json.loads(json.dumps(cnn_model.metrics))
    assert set(metrics["dev"]["per_label"]) <= {"PERSON", "ORG", "LOC"}
    assert metrics["dev"]["documents"] == 8 and metrics["dev"]["gold_entities"] == 24
    assert metrics["dev"]["words_per_second"] > 0 and metrics["training_seconds"] > 0
    assert metrics["max_steps"] == 4
    assert metrics["corpora"]["train"]["documents"] == 24
    card = (cnn_model.output / MODEL_CARD_FILE).read_text()
    assert "## Scores on the dev corpus" in card and "models/news-md" in card and "[training]" in card


@pytest.mark.slow
def test_cnn_fine_tune_keeps_base_labels_and_senter(cnn_model):
    nlp = spacy.load(cnn_model.model)
    assert nlp.pipe_names == ["senter", "ner", "label_mapper"]
    # Sourced from the base model: it still knows its labels (it has not been rebuilt).
    assert {"PERSON", "ORG", "GPE", "DATE"} <= set(nlp.get_pipe("ner").labels)
    doc = nlp("Maria Lopez told Reuters that talks in Paris would resume. She left.")
    assert len(list(doc.sents)) == 2
    assert {e.label_ for e in doc.ents} <= {"PERSON", "ORG", "LOC"}


@pytest.mark.slow
def test_evaluate_corpus_scores_base_pipeline(corpus):
    from spacy.util import load_config

    from pipeline.config.build import build_nlp

    config = load_config(TRAIN_CONFIGS / "cnn.cfg", interpolate=False)
    base = build_nlp(config)  # sourced senter + ner with the base's vectors ([initialize]), label mapper
    scores = evaluate_corpus(base, corpus["dev"])
    assert scores["documents"] == 8 and 0 <= scores["f"] <= 1
    # The base model finds most of these names already.
    assert scores["per_label"]["PERSON"]["f"] > 0.5


def _tiny_bert(folder: Path, texts: list[str]) -> Path:
    """A random 2-layer BERT with a WordPiece vocabulary of the fixture's words."""
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder.mkdir(parents=True)
    words = sorted({tok.lower_ for t in texts for tok in spacy.blank("en").make_doc(t)})
    chars = sorted({c for w in words for c in w})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars, *(f"##{c}" for c in chars), *(w for w in words if w not in chars)]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf8")
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=True).save_pretrained(folder)
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=256,
    )  # fmt: skip
    BertModel(config).save_pretrained(folder)
    return folder


@pytest.mark.slow
def test_transformer_pipeline_is_self_contained_and_runs(corpus, tmp_path, monkeypatch):
    texts = [doc.text for path in corpus.values() for doc in DocBin().from_disk(path).get_docs(spacy.blank("en").vocab)]
    backbone = _tiny_bert(tmp_path / "tiny-bert", texts)
    out = tmp_path / "news-trf"
    result = train_model(TRAIN_CONFIGS / "trf.cfg", out, overrides=_overrides(corpus, **{"paths.transformer": str(backbone)}))
    assert result.metrics["pipeline"] == ["senter", "transformer", "ner", "label_mapper"]
    shutil.rmtree(backbone)  # the trained pipeline must not need it

    nlp = spacy.load(result.model)
    doc = nlp("Maria Lopez told Reuters that talks in Paris would resume.")
    assert doc._.trf_data is not None

    articles = tmp_path / "articles.jsonl"
    articles.write_text(json.dumps({"id": "a1", "text": "John Smith met Oxfam in Nairobi."}) + "\n", encoding="utf8")
    tables = tmp_path / "tables"
    # The command a user runs (in-process, to spare a second torch import), from the repository root.
    monkeypatch.chdir(ROOT)
    run = CliRunner().invoke(app, ["run", str(articles), "--output", str(tables), "--model", str(result.model)])
    assert run.exit_code == 0, run.output
    documents = pd.read_parquet(tables / "documents.parquet")
    assert documents["status"].tolist() == ["ok"]
    assert json.loads((tables / "run.json").read_text())["model"]["sources"]["ner"]["model"] == str(result.model)


def test_missing_corpus_is_named(tmp_path):
    with pytest.raises(TrainingError, match=r"paths\.train"):
        train_model(TRAIN_CONFIGS / "cnn.cfg", tmp_path / "out", overrides={"paths.dev": "x.spacy"})
    with pytest.raises(TrainingError, match="does not exist"):
        train_model(TRAIN_CONFIGS / "cnn.cfg", tmp_path / "out", overrides={"paths.train": "nope.spacy", "paths.dev": "nope.spacy"})


def test_missing_backbone_is_not_fetched(corpus, tmp_path):
    with pytest.raises(TrainingError, match="not a local folder"):
        train_model(TRAIN_CONFIGS / "trf.cfg", tmp_path / "out", overrides=_overrides(corpus, **{"paths.transformer": str(tmp_path / "gone")}))


def test_missing_config_and_non_training_config(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        train_model(tmp_path / "nope.cfg", tmp_path / "out")
    with pytest.raises(ConfigError, match=r"\[training\]"):
        train_model(ROOT / "configs" / "default.cfg", tmp_path / "out")


@pytest.mark.slow
def test_trained_pipeline_carries_project_stages(corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # paths.patterns is relative to the repository, as in configs/default.cfg
    overrides = _overrides(corpus, **{"training.max_steps": 2})
    result = train_model(TRAIN_CONFIGS / "cnn-news.cfg", tmp_path / "news", overrides=overrides)
    nlp = spacy.load(result.model)
    assert nlp.pipe_names == ["senter", "ner", "entity_rules", "span_cleanup", "label_mapper", "alias_linker"]
    assert len(nlp.get_pipe("entity_rules").patterns) > 0  # the patterns travel with the pipeline
    doc = nlp("Fighters of the Islamic State (IS) attacked. IS later withdrew.")
    assert ("IS", "ORG") in {(e.text, e.label_) for e in doc.ents}


def test_scratch_config_assembles(monkeypatch):
    """cnn-scratch.cfg builds its pipeline (the other configs are trained above): a new ner, a sourced senter."""
    from spacy.util import load_config, load_model_from_config

    monkeypatch.chdir(ROOT)
    config = load_config(TRAIN_CONFIGS / "cnn-scratch.cfg", interpolate=False)
    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    assert nlp.pipe_names == ["senter", "ner", "label_mapper"]
    assert "source" not in config["components"]["ner"] and "source" in config["components"]["senter"]
    assert config["training"]["frozen_components"] == ["senter"]
    assert nlp.get_pipe("ner").labels == ()  # labels come from the training data at initialize


def test_project_workflow_is_valid():
    """project.yml (weasel) names the same commands a user runs by hand."""
    from weasel.util import load_project_config

    project = load_project_config(ROOT)
    assert project["workflows"]["all"] == ["convert", "train", "run"]
    scripts = " ".join(s for c in project["commands"] for s in c["script"])
    assert "pipeline convert" in scripts and "pipeline train configs/train/cnn.cfg" in scripts and "--model models/mine/model-best" in scripts


def test_corpora_reader_takes_a_glob(tmp_path):
    """news.corpora.v1 reads every DocBin a glob matches, so NAME-train and NAME-dev share a folder."""
    nlp = spacy.blank("en")
    for name, n in (("a-train", 3), ("b-train", 2), ("a-dev", 4)):
        DocBin(docs=_fixture_docs(nlp, n, seed=n)).to_disk(tmp_path / f"{name}.spacy")
    assert len(list(create_corpora(str(tmp_path / "*-train.spacy"))(nlp))) == 5
    assert len(list(create_corpora(str(tmp_path / "a-dev.spacy"))(nlp))) == 4
    assert len(list(create_corpora(str(tmp_path))(nlp))) == 9  # a folder: every .spacy in it
    both = f"{tmp_path / '*-train.spacy'},{tmp_path / 'a-dev.spacy'}"  # several paths, comma-separated
    assert len(list(create_corpora(both)(nlp))) == 9
    with pytest.raises(TrainingError, match="No .spacy files match"):
        create_corpora(str(tmp_path / "*-test.spacy"))


@pytest.mark.slow
def test_ship_model_is_self_contained_with_licence(cnn_model, tmp_path):
    shipped = ship_model(cnn_model.output, tmp_path / "shipped", name="news_test", version="9.9.9")
    meta = json.loads((shipped / "meta.json").read_text())
    assert (meta["name"], meta["version"], meta["license"]) == ("news_test", "9.9.9", SHIPPED_LICENCE)
    assert meta["performance"]["ents_f"] == cnn_model.metrics["dev"]["f"]
    assert meta["sources"][0]["name"].startswith("en_core_web_md")
    card = (shipped / MODEL_CARD_FILE).read_text()
    assert card.startswith("# Model card: news_test 9.9.9") and "## Licence" in card and "share-alike" in card
    assert (shipped / METRICS_FILE).exists()
    doc = spacy.load(shipped)("Maria Lopez told Reuters that talks in Paris would resume.")
    assert {e.label_ for e in doc.ents} <= {"PERSON", "ORG", "LOC"}
    with pytest.raises(TrainingError, match="not a trained pipeline"):
        ship_model(tmp_path / "nothing", tmp_path / "x", name="x")


def _shared_slice(root: Path) -> Path:
    """A tiny copy of ../shared/data's layout from the test fixtures: two GUM documents, WikiGold
    (two documents) and UNER dev (two documents)."""
    fixtures = ROOT / "tests" / "fixtures" / "gold"
    gum = (fixtures / "tiny.conllu").read_text(encoding="utf8")
    (root / "gum" / "news").mkdir(parents=True)
    for name in ("GUM_news_one", "GUM_news_two"):
        (root / "gum" / "news" / f"{name}.conllu").write_text(gum.replace("GUM_news_tiny", name), encoding="utf8")
    (root / "wikigold").mkdir()
    shutil.copy(fixtures / "tiny.conll", root / "wikigold" / "wikigold.conll.txt")
    (root / "uner_en_ewt").mkdir()
    shutil.copy(fixtures / "tiny.iob2", root / "uner_en_ewt" / "en_ewt-ud-dev.iob2")
    return root


@pytest.mark.slow
def test_model_workflow_runs_on_a_tiny_slice(tmp_path):
    """`make model` (weasel workflow `model`) end to end on a slice of the corpora, a few steps."""
    import subprocess
    import sys

    data = _shared_slice(tmp_path / "data")
    out = tmp_path / "work"
    command = [
        sys.executable, "-m", "weasel", "run", "model", str(ROOT), "--force",
        "--vars.data", str(data), "--vars.gum_dev", "GUM_news_two", "--vars.corpus", str(out / "corpus"),
        "--vars.training", str(out / "training"), "--vars.shipped", str(out / "shipped"),
        "--vars.model_steps", "4", "--vars.eval_frequency", "2", "--vars.senter_training", str(out / "senter"),
        "--vars.senter_steps", "4", "--vars.senter_eval_frequency", "2",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    corpus = {p.name for p in (out / "corpus").glob("*.spacy")}
    assert corpus == {"gum-train.spacy", "gum-dev.spacy", "wikigold-train.spacy", "uner-train.spacy", "uner-dev.spacy"}
    metrics = json.loads((out / "shipped" / METRICS_FILE).read_text())
    assert metrics["max_steps"] == 4 and metrics["corpora"]["train"]["documents"] == 4  # GUM 1, WikiGold 2, UNER 1
    assert json.loads((out / "shipped" / "meta.json").read_text())["name"] == "news_md"
    shipped = spacy.load(out / "shipped")
    assert shipped.pipe_names == ["senter", "ner", "label_mapper"]
    senter_embed = shipped.config["components"]["senter"]["model"]["tok2vec"]["embed"]
    assert senter_embed["include_static_vectors"] is False  # the trained senter, not md's
    assert "## Sentences" in (out / "shipped" / MODEL_CARD_FILE).read_text()
