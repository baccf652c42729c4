"""The gold readers on the real shared corpora (../shared/data): counts that the corpora's README states."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import SHARED_DATA

from pipeline.corpora import GoldReport, read_gold


def _need(path):
    if not path.exists():
        pytest.skip(f"shared corpus {path} not found (see ../shared/data/README.md)")
    return path


def test_uner_dev_matches_the_readme():
    report = GoldReport()
    docs = list(read_gold(_need(SHARED_DATA / "uner_en_ewt" / "en_ewt-ud-dev.iob2"), "uner", report=report))
    assert len(docs) == 318
    assert sum(len(list(d.sents)) for d in docs) == 2001
    assert Counter(e.label_ for d in docs for e in d.ents) == Counter({"PERSON": 343, "ORG": 224, "LOC": 399})
    assert report.counts().get("text_mismatch", 0) == 0


def test_gum_news_named_mentions():
    report = GoldReport()
    docs = list(read_gold(_need(SHARED_DATA / "gum" / "news"), "gum", report=report))
    assert len(docs) == 22 and not report.problems
    labels = Counter(e.label_ for d in docs for e in d.ents)
    assert set(labels) == {"PERSON", "ORG", "LOC"} and sum(labels.values()) > 900
    assert all(e.kb_id_ for d in docs for e in d.ents)


@pytest.mark.slow
def test_ecbplus_reads_every_file():
    report = GoldReport()
    docs = list(read_gold(_need(SHARED_DATA / "ecbplus" / "ECB+"), "ecbplus", report=report))
    assert len(docs) > 700
    linked = [e.kb_id_ for d in docs for e in d.ents if e.kb_id_]
    assert len(linked) > 1500
    assert report.counts() == {"discontinuous": 1}
