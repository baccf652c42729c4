"""benchmarks/paired.py: the paired bootstrap that says whether a label is really worse."""

from __future__ import annotations

import pytest
from conftest import load_benchmark


@pytest.fixture(scope="module")
def paired():
    return load_benchmark("paired")


def _doc(doc_id: str, gold: list, pred: list) -> dict:
    return {"doc_id": doc_id, "text": "", "gold": gold, "pred": pred}


def _corpus(pred_person: bool) -> list[dict]:
    docs = []
    for topic in range(1, 7):
        gold = [[0, 5, "PERSON"], [10, 15, "ORG"]]
        pred = [[10, 15, "ORG"]] + ([[0, 5, "PERSON"]] if pred_person else [[0, 5, "ORG"]])
        docs += [_doc(f"{topic}_1ecb", gold, pred), _doc(f"{topic}_2ecbplus", gold, pred)]
    return docs


def test_an_ecbplus_document_is_resampled_with_its_topic_and_others_alone(paired):
    assert paired.unit_of("26_3ecbplus") == paired.unit_of("26_10ecb") == "topic 26"
    assert paired.unit_of("GUM_news_iodine") == "GUM_news_iodine"


def test_the_same_predictions_differ_by_nothing(paired):
    rows = {r["label"]: r for r in paired.compare(_corpus(True), _corpus(True), resamples=200, seed=0)}
    assert rows["all"]["diff"] == rows["all"]["low"] == rows["all"]["high"] == 0.0
    assert rows["all"]["p_worse"] == 0.0
    assert rows["PERSON"]["units"] == 6 and rows["PERSON"]["gold"] == 12


def test_a_label_lost_in_every_topic_is_worse_in_every_resample(paired):
    rows = {r["label"]: r for r in paired.compare(_corpus(True), _corpus(False), resamples=200, seed=0)}
    assert rows["PERSON"]["f1_a"] == 1.0 and rows["PERSON"]["f1_b"] == 0.0
    assert rows["PERSON"]["high"] < 0 and rows["PERSON"]["p_worse"] == 1.0
    assert rows["ORG"]["diff"] < 0  # the wrong ORGs cost ORG's precision too


def test_different_documents_are_refused(paired):
    with pytest.raises(SystemExit, match="different documents"):
        paired.compare(_corpus(True), _corpus(True)[:-1], resamples=10, seed=0)
