"""``evaluate``: scores on hand-made gold and a small rule-based pipeline (no statistical model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from pipeline.commands.evaluate import cluster_scores, evaluate, match_mentions
from tests.conftest import make_doc

FIXTURES = Path(__file__).parent / "fixtures" / "gold"


@pytest.fixture
def rule_nlp():
    """A blank pipeline that finds a fixed list of names and links aliases."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([
        {"label": "PERSON", "pattern": "Asaad al-Shaibani"},
        {"label": "LOC", "pattern": "Baghdad"},
        {"label": "ORG", "pattern": "Iraq"},  # a wrong label on purpose
        {"label": "ORG", "pattern": "Google"},
    ])  # fmt: skip
    nlp.add_pipe("news_alias_linker")
    return nlp


def test_cluster_scores_by_hand():
    # gold: {a1 a2 a3} {b1}; predicted: {a1 a2} {a3 b1}
    scores = cluster_scores(["a", "a", "a", "b"], ["x", "x", "y", "y"])
    assert scores["pairwise_p"] == 0.5  # 1 of 2 predicted pairs is right
    assert scores["pairwise_r"] == round(1 / 3, 4)  # 1 of 3 gold pairs found
    assert scores["b3_p"] == 0.75 and scores["b3_r"] == round((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4, 4)
    assert cluster_scores(["a", "b"], ["x", "y"])["pairwise_f"] == 1.0  # no pairs at all: nothing wrong


def test_match_mentions_one_to_one_by_overlap(blank):
    gold = make_doc(blank, "Foreign Minister Asaad al-Shaibani met IS", [("Asaad al-Shaibani", "PERSON"), ("IS", "ORG")])
    pred = make_doc(blank, "Foreign Minister Asaad al-Shaibani met IS", [("Minister Asaad al-Shaibani", "PERSON")])
    assert match_mentions(pred, gold) == {0: 0}


def test_evaluate_uner_fixture(rule_nlp, tmp_path):
    result = evaluate([FIXTURES / "tiny.iob2"], "uner", nlp=rule_nlp)
    per = result.ner["per_label"]
    assert per["PERSON"]["gold"] == 2 and per["PERSON"]["p"] == 1.0
    assert per["PERSON"]["r"] == 0.5  # Jane Doe is not in the rules
    assert per["LOC"]["p"] == 1.0 and per["LOC"]["r"] == 0.5  # Baghdad found, Iraq labelled ORG
    assert per["ORG"]["predicted"] == 2 and per["ORG"]["p"] == 0.5  # Google right, Iraq wrong
    assert result.linking["gold_mentions"] == 0  # UNER has no identities
    out = result.write(tmp_path / "m.json")
    assert json.loads(out.read_text())["ner"]["per_label"]["LOC"]["gold"] == 2
    table = result.write(tmp_path / "m.parquet")
    import pyarrow.parquet as pq

    assert {"task", "label", "metric", "value"} <= set(pq.read_table(table).column_names)


def test_evaluate_gum_linking(rule_nlp):
    rule_nlp.get_pipe("entity_ruler").add_patterns([{"label": "PERSON", "pattern": "Shaibani"}])
    result = evaluate([FIXTURES / "tiny.conllu"], "gum", nlp=rule_nlp)
    linking = result.linking
    assert linking["gold_mentions"] == 4 and linking["found"] == 1.0
    # Shaibani and Asaad al-Shaibani are one entity in gold and in the pipeline
    assert linking["within"]["pairwise_p"] == 1.0 and linking["within"]["pairwise_r"] == 1.0
    assert linking["corpus"]["pairwise_f"] == 1.0


@pytest.mark.slow
def test_evaluate_command_on_a_fixture(tmp_path):
    """``python -m pipeline evaluate`` with the base config and an override after the gold path."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    out = tmp_path / "m.json"
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "evaluate", str(FIXTURES / "tiny.conllu"), "--format", "gum",
         "--config", "configs/base.cfg", "-o", str(out), "--components.alias_linker.recover_surnames", "true"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    metrics = json.loads(out.read_text())
    assert metrics["settings"]["overrides"] == {"components.alias_linker.recover_surnames": True}
    assert metrics["ner"]["per_label"]["PERSON"]["gold"] == 2 and metrics["linking"]["gold_mentions"] == 4
    assert "Recognition" in result.stderr and "unopened 1" in result.stderr


def test_evaluate_command_names_a_bad_format():
    import subprocess
    import sys

    from tests.conftest import ROOT

    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "evaluate", str(FIXTURES), "--format", "xml", "--config", "configs/base.cfg"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1 and "Unknown gold format 'xml'" in result.stderr
