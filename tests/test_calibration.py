"""benchmarks/calibration.py: the cross-fitting helpers that fit the score model on the training texts."""

from __future__ import annotations

import math

import numpy
import pytest
import spacy
from conftest import load_benchmark
from spacy.tokens import Doc, Span


@pytest.fixture(scope="module")
def calibration():
    return load_benchmark("calibration")


def _row(corpus: str, doc_id: str, logit: float, right: bool, mentions: int = 1) -> dict:
    features = {"bias": 1.0, "logit": logit, "log_mentions": math.log1p(mentions)}
    return {"corpus": corpus, "doc_id": doc_id, "features": features, "right": right, "score": 1 / (1 + math.exp(-logit))}


def test_training_folds_deal_each_corpus_round_robin(calibration):
    rows = [_row("a", f"a{i}", 0.0, True) for i in range(7)] + [_row("b", f"b{i}", 0.0, True) for i in range(3)]
    folds = calibration.training_folds(rows + rows[:2], k=3)  # a document's mentions share its fold
    assert set(folds) == {r["doc_id"] for r in rows}
    assert [folds[f"a{i}"] for i in range(7)] == [0, 1, 2, 0, 1, 2, 0]
    assert [folds[f"b{i}"] for i in range(3)] == [0, 1, 2]


def test_balanced_gives_every_corpus_the_same_total_weight(calibration):
    rows = [_row("big", f"g{i}", 0.0, True) for i in range(30)] + [_row("small", f"s{i}", 0.0, False) for i in range(10)]
    weighted = calibration.balanced(rows)
    totals = {c: sum(r["weight"] for r in weighted if r["corpus"] == c) for c in ("big", "small")}
    assert totals["big"] == pytest.approx(totals["small"])
    assert sum(r["weight"] for r in weighted) == pytest.approx(len(rows))


def test_a_row_weighing_two_counts_as_two_rows(calibration):
    rows = [_row("a", f"d{i}", 0.3 * i - 1, i % 3 != 0, mentions=1 + i % 2) for i in range(12)]
    doubled = rows + rows[:4]
    weighted = [{**r, "weight": 2.0 if i < 4 else 1.0} for i, r in enumerate(rows)]
    features = ("bias", "logit", "log_mentions")
    assert calibration.fit_model(weighted, features, 1.0) == pytest.approx(calibration.fit_model(doubled, features, 1.0), abs=1e-3)


def test_log_loss_weighs_rows(calibration):
    assert calibration.log_loss([0.5, 0.9], [True, True], [1.0, 0.0]) == pytest.approx(math.log(2))


def test_refinding_replaces_the_entities_and_keeps_the_tensor(calibration):
    nlp = spacy.blank("en")
    finder = nlp.add_pipe("entity_ruler")
    finder.add_patterns([{"label": "PERSON", "pattern": "Ada"}])
    doc = Doc(nlp.vocab, words=["Ada", "met", "Bob", "in", "Paris"])
    doc.ents = [Span(doc, 2, 3, label="PERSON"), Span(doc, 4, 5, label="GPE")]
    doc.tensor = numpy.ones((len(doc), 4), dtype="float32")
    (found,) = calibration.refinding(finder, [doc], batch_size=8)
    assert [(e.text, e.label_) for e in found.ents] == [("Ada", "PERSON")]
    assert found.tensor.shape == (5, 4) and float(found.tensor.sum()) == 20.0


class _Recording:
    """A stand-in ner that records the entity annotation each Doc reaches it with."""

    def __init__(self) -> None:
        self.seen: list[list[str]] = []

    def pipe(self, docs, batch_size: int):
        for doc in docs:
            self.seen.append([token.ent_iob_ for token in doc])
            yield doc


def test_refinding_hands_the_ner_a_doc_without_entities(calibration):
    """spaCy's ner keeps the entities a Doc already has: the shipped recogniser's must go first."""
    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words=["Ada", "met", "Bob"])
    doc.ents = [Span(doc, 2, 3, label="PERSON")]
    ner = _Recording()
    list(calibration.refinding(ner, [doc], batch_size=8))
    assert ner.seen == [["", "", ""]]
