"""Loading a pipeline config and building the spaCy pipeline it describes.

The same route as ``spacy assemble``: components with ``source`` come from a trained pipeline
(an installed package or a folder), the others are created and initialized from the config.
"""

from __future__ import annotations

import difflib
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

import spacy
from confection import Config
from spacy.language import Language
from spacy.util import get_sourced_components, load_config, load_model_from_config, registry

from . import components as _components  # noqa: F401  (registers the factories)
from . import kb as _kb  # noqa: F401  (registers news.read_patterns.v2)
from .backbone import resolve_package_paths
from .config_errors import explain
from .readers import ArticleReader

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "configs" / "default.cfg"
#: Top-level config sections that are the pipeline's own, not spaCy's.
PIPELINE_SECTIONS = ("reader", "export", "report", "chunking")
#: Settings of the pipeline's own sections that are read as plain values (others are arguments
#: of registered functions, which spaCy checks).
EXPORT_KEYS = ("batch_size", "top_entities", "link_places", "aliases", "min_city_population")
KNOWN_SECTIONS = ("paths", "system", "nlp", "components", "corpora", "training", "pretraining", "initialize", *PIPELINE_SECTIONS)


class ConfigError(ValueError):
    """A config that names something unknown or cannot be built."""


def load_pipeline_config(path: Path | str | None = None, overrides: dict[str, Any] | None = None) -> Config:
    """The config at ``path`` (default ``configs/default.cfg``) with dotted ``overrides`` applied."""
    path = Path(path) if path is not None else DEFAULT_CONFIG
    if not path.exists():
        raise ConfigError(f"Config file {path} not found; pass --config with a path to a .cfg file.")
    try:
        config = load_config(path, overrides=overrides or {}, interpolate=False)
    except Exception as err:  # noqa: BLE001  (spaCy's message is many lines: make it one)
        try:
            plain = load_config(path, interpolate=False)
        except Exception:  # noqa: BLE001  (the file itself is broken: explain without it)
            plain = {}
        raise explain(err, plain, str(path), ConfigError) from err
    for section in config:
        if section not in KNOWN_SECTIONS:
            hint = difflib.get_close_matches(section, KNOWN_SECTIONS, n=1)
            suggestion = f" Did you mean [{hint[0]}]?" if hint else ""
            raise ConfigError(f"Unknown section [{section}] in {path}.{suggestion}")
    _check_keys(config, "nlp", _spacy_nlp_keys(), path)
    _check_keys(config, "export", EXPORT_KEYS, path)
    return resolve_package_paths(config)


def _spacy_nlp_keys() -> tuple[str, ...]:
    from spacy.language import DEFAULT_CONFIG as SPACY_DEFAULTS

    return tuple(SPACY_DEFAULTS["nlp"])


def _check_keys(config: Config, section: str, known: tuple[str, ...], path: Path) -> None:
    """spaCy ignores unknown keys in [nlp], and [export] is read with .get: name a typo here."""
    for key in config.get(section, {}):
        if key not in known:
            hint = difflib.get_close_matches(key, known, n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ConfigError(f"Unknown setting {key!r} in [{section}] of {path}{suggestion}. Settings there: {', '.join(known)}.")


def build_nlp(config: Config) -> Language:
    """The spaCy pipeline the config's ``[nlp]``/``[components]``/``[initialize]`` describe."""
    try:
        nlp = load_model_from_config(config, auto_fill=True)
        sourced = get_sourced_components(config.interpolate())
        nlp._link_components()
        # Initialize only what was not sourced, so trained weights stay as they are.
        with nlp.select_pipes(disable=[name for name in sourced if name in nlp.pipe_names]):
            nlp.initialize()
    except Exception as err:  # noqa: BLE001  (one line for config mistakes; others unchanged)
        explained = explain(err, config, "the config", ConfigError)
        if explained is err:
            raise
        raise explained from err
    return nlp


def build_reader(config: Config) -> ArticleReader:
    """The ``[reader]`` section as an :class:`ArticleReader` (defaults when absent)."""
    section = config.interpolate().get("reader")
    if not section:
        return ArticleReader()
    try:
        return registry.resolve({"reader": section})["reader"]
    except Exception as err:  # noqa: BLE001
        explained = explain(err, config, "the config", ConfigError)
        if explained is err:
            raise
        raise explained from err


def export_settings(config: Config) -> dict[str, Any]:
    return dict(config.interpolate().get("export", {}))


def load_pipeline(path: Path | str | None = None, overrides: dict[str, Any] | None = None) -> tuple[Language, Config]:
    """Config and pipeline in one call, for notebooks: ``nlp, config = load_pipeline()``."""
    config = load_pipeline_config(path, overrides)
    return build_nlp(config), config


def package_versions(names: Iterable[str]) -> dict[str, str | None]:
    """Installed versions of ``names`` (None for a package that is not installed), for run records."""
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def model_description(nlp: Language, config: Config) -> dict[str, Any]:
    """Name and version of the pipeline, and of the trained pipelines its components come from."""
    sources: dict[str, dict[str, Any]] = {}
    components = config.interpolate().get("components", {})
    for name, settings in components.items():
        source = settings.get("source")
        if source is None:
            continue
        source = str(source)
        try:
            folder = Path(source) if Path(source).exists() else spacy.util.get_package_path(source)
            meta = spacy.util.load_meta(folder / "meta.json")
        except Exception:  # noqa: BLE001  (a description, not a check: the model already loaded)
            meta = {}
        sources[name] = {"model": source, "name": meta.get("name"), "version": meta.get("version")}
    return {
        "pipeline": list(nlp.pipe_names),
        "spacy_version": spacy.__version__,
        "sources": sources,
    }
