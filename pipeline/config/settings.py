"""The pipeline's own config sections, resolved once into typed settings.

Every section that is not spaCy's names a registered, versioned function, as spaCy's own blocks
do (``@misc = "news.engine.v1"``): ``[engine]`` (batches and processes), ``[chunking]`` (long
documents), ``[reader]`` (input files), ``[export]`` (corpus tables and the run summary),
``[report]`` (the HTML page) and ``[corpus_vote]`` (labels decided across the corpus,
:mod:`pipeline.corpus.vote`; off in a config without it). A config without one of these sections
gets the default function, so ``--engine.batch_size 32`` works on any config. :func:`resolve_settings` resolves them all
through confection (which checks names and types against the functions' signatures) into one
:class:`Settings`; every mistake, whether confection's or a range check of a function here, ends
in one line that names the section, the key and the nearest valid name.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from confection import Config
from spacy.util import registry

from ..base.chunking import Chunker
from ..base.config_errors import ConfigError, SettingError, explain
from ..corpus.vote import VoteSettings
from ..knowledge.geo import DEFAULT_MIN_POPULATION as DEFAULT_MIN_CITY_POPULATION
from ..readers import ArticleReader, ReaderSettingError

logger = logging.getLogger("pipeline")

#: The pipeline's own sections and the function a section without ``@misc`` is built by.
SECTIONS: dict[str, str] = {
    "engine": "news.engine.v1",
    "chunking": "news.chunker.v1",
    "reader": "news.article_reader.v1",
    "export": "news.export.v1",
    "report": "news.report.v1",
    "corpus_vote": "news.corpus_vote.v1",
}
#: Settings that moved: (old section, key) -> new section. Old configs keep working, with a warning.
MOVED: dict[tuple[str, str], str] = {("export", "batch_size"): "engine"}
#: ``n_process`` meaning "one process per core" (spaCy's convention for ``nlp.pipe``).
ALL_CORES = -1
DEFAULT_BATCH_SIZE = 256
DEFAULT_TOP_ENTITIES = 10


@dataclass(frozen=True)
class EngineSettings:
    """``[engine]``: documents per batch, and worker processes (``-1``: one per core)."""

    batch_size: int = DEFAULT_BATCH_SIZE
    n_process: int = ALL_CORES

    def processes(self, cores: int | None = None) -> int:
        """Worker processes to start on this machine: ``-1`` is every core, and more than the
        cores is capped at the cores (with a warning), since extra processes only cost memory."""
        cores = cores or os.cpu_count() or 1
        if self.n_process == ALL_CORES:
            return cores
        if self.n_process > cores:
            logger.warning("n_process %d is more than the %d cores of this machine: using %d processes.", self.n_process, cores, cores)
            return cores
        return self.n_process


@dataclass(frozen=True)
class ExportSettings:
    """``[export]``: what the corpus tables and the run summary add to the per-document rows."""

    top_entities: int = DEFAULT_TOP_ENTITIES  # entities listed in the run summary
    link_places: bool = True  # ISO country code, GeoNames id and coordinates for places
    aliases: str | None = None  # the curated alias table (configs/aliases), for places
    min_city_population: int = DEFAULT_MIN_CITY_POPULATION  # smaller cities are not linked by name alone


@dataclass(frozen=True)
class ReportSettings:
    """``[report]``: the HTML page of ``python -m pipeline report`` (``--report.max_articles 20``)."""

    max_articles: int = 50  # articles rendered with highlighting; the page says when there are more
    top_entities: int = 15  # bars per chart
    network_entities: int = 25  # nodes of the co-occurrence network
    max_table_rows: int = 500  # rows of the corpus and document tables
    title: str = "News entities"


@dataclass(frozen=True)
class Settings:
    """Every non-spaCy section of a config, resolved."""

    engine: EngineSettings
    chunking: Chunker
    reader: ArticleReader
    export: ExportSettings
    report: ReportSettings
    corpus_vote: VoteSettings


def _at_least(key: str, value: int, minimum: int) -> None:
    if value < minimum:
        raise SettingError(key, f"must be at least {minimum}, not {value}")


@registry.misc("news.engine.v1")
def make_engine_settings(batch_size: int = DEFAULT_BATCH_SIZE, n_process: int = ALL_CORES) -> EngineSettings:
    """``[engine]``: ``batch_size`` documents per written batch; ``n_process`` worker processes."""
    _at_least("batch_size", batch_size, 1)
    if n_process != ALL_CORES and n_process < 1:
        raise SettingError("n_process", f"must be {ALL_CORES} (one per core) or at least 1, not {n_process}")
    return EngineSettings(batch_size=batch_size, n_process=n_process)


@registry.misc("news.export.v1")
def make_export_settings(
    top_entities: int = DEFAULT_TOP_ENTITIES,
    link_places: bool = True,
    aliases: str | None = None,
    min_city_population: int = DEFAULT_MIN_CITY_POPULATION,
) -> ExportSettings:
    """``[export]``: see :class:`ExportSettings`."""
    _at_least("top_entities", top_entities, 0)
    _at_least("min_city_population", min_city_population, 0)
    return ExportSettings(top_entities, link_places, aliases, min_city_population)


@registry.misc("news.report.v1")
def make_report_settings(
    max_articles: int = 50, top_entities: int = 15, network_entities: int = 25, max_table_rows: int = 500, title: str = "News entities"
) -> ReportSettings:
    """``[report]``: see :class:`ReportSettings`."""
    for key, value in (
        ("max_articles", max_articles),
        ("top_entities", top_entities),
        ("network_entities", network_entities),
        ("max_table_rows", max_table_rows),
    ):
        _at_least(key, value, 0)
    return ReportSettings(max_articles, top_entities, network_entities, max_table_rows, title)


def with_settings_sections(config: Config, where: str) -> Config:
    """``config`` with every settings section present (built by its default function when it
    names none) and moved settings in their new place (a warning says what to rename)."""
    filled = Config(config)
    for section, function in SECTIONS.items():
        block = dict(filled.get(section) or {})
        if not any(key.startswith("@") for key in block):
            block = {"@misc": function, **block}
        filled[section] = block
    for (old, key), new in MOVED.items():
        if key not in filled[old]:
            continue
        if key in filled[new]:
            raise ConfigError(f"{key!r} is set in both [{old}] and [{new}] of {where}: keep only [{new}] {key}.")
        logger.warning("[%s] %s has moved to [%s] %s: rename it in %s (used as [%s] %s this time).", old, key, new, key, where, new, key)
        filled[new] = {**filled[new], key: filled[old][key]}
        filled[old] = {k: v for k, v in filled[old].items() if k != key}
    return filled


def moved_overrides(overrides: dict[str, Any]) -> dict[str, Any]:
    """Dotted ``overrides`` with moved settings under their new names (with a warning)."""
    renamed: dict[str, Any] = {}
    for dotted, value in overrides.items():
        section, _, key = dotted.partition(".")
        if (section, key) in MOVED:
            new = f"{MOVED[section, key]}.{key}"
            logger.warning("--%s has moved: use --%s (used as --%s this time).", dotted, new, new)
            dotted = new
        renamed[dotted] = value
    return renamed


def resolve_section(config: Config, section: str, where: str = "the config") -> Any:
    """One settings section of ``config``, built by its registered function."""
    block = dict(config.interpolate().get(section) or {"@misc": SECTIONS[section]})
    try:
        return registry.resolve({section: block}, validate=True)[section]
    except SettingError as err:
        raise ConfigError(
            f"Invalid value for {err.key!r} in [{section}] of {where}: {err.problem}; fix it in the config or with --{section}.{err.key} VALUE."
        ) from err
    except ReaderSettingError as err:  # the reader's own checks name the setting already
        raise ConfigError(str(err)) from err
    except Exception as err:  # noqa: BLE001  (confection's and the functions' own errors, in one line)
        explained = explain(err, config, where, ConfigError)
        if explained is not err:
            raise explained from err
        raise ConfigError(f"Invalid [{section}] settings in {where}: {err}") from err


def resolve_settings(config: Config, where: str = "the config") -> Settings:
    """Every settings section of ``config``, resolved and checked (see the module docstring)."""
    return Settings(**{section: resolve_section(config, section, where) for section in SECTIONS})
