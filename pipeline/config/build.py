"""Loading a pipeline config and building the spaCy pipeline it describes.

The same route as ``spacy assemble``: components with ``source`` come from a trained pipeline
(an installed package or a folder), the others are created and initialized from the config.
"""

from __future__ import annotations

import difflib
import itertools
import sys
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

import spacy
from confection import Config
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import get_sourced_components, load_config, load_model_from_config, registry
from spacy.vectors import Vectors

from .. import components as _components  # noqa: F401  (registers the factories)
from ..base.backbone import resolve_package_paths
from ..base.config_errors import ConfigError, explain
from ..knowledge import curated as _kb  # noqa: F401  (registers news.read_patterns.v2)
from .settings import SECTIONS, moved_overrides, with_settings_sections

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "configs" / "default.cfg"
KNOWN_SECTIONS = ("paths", "system", "nlp", "components", "corpora", "training", "pretraining", "initialize", *SECTIONS)


def load_pipeline_config(path: Path | str | None = None, overrides: dict[str, Any] | None = None) -> Config:
    """The config at ``path`` (default ``configs/default.cfg``) with dotted ``overrides`` applied.

    The pipeline's own sections are filled in first (see :mod:`pipeline.config.settings`), so an
    override can set any of their settings; settings that moved are renamed with a warning.
    """
    path = Path(path) if path is not None else DEFAULT_CONFIG
    if not path.exists():
        raise ConfigError(f"Config file {path} not found; pass --config with a path to a .cfg file.")
    plain: Config | dict[str, Any] = {}
    try:
        plain = with_settings_sections(load_config(path, interpolate=False), str(path))
        config = Config().from_str(plain.to_str(), overrides=moved_overrides(overrides or {}), interpolate=False)
    except ConfigError:
        raise
    except Exception as err:  # noqa: BLE001  (spaCy's message is many lines: make it one)
        raise explain(err, plain, str(path), ConfigError) from err
    for section in config:
        if section not in KNOWN_SECTIONS:
            hint = difflib.get_close_matches(section, KNOWN_SECTIONS, n=1)
            suggestion = f" Did you mean [{hint[0]}]?" if hint else ""
            raise ConfigError(f"Unknown section [{section}] in {path}.{suggestion}")
    _check_nlp(config, path)
    return resolve_package_paths(config)


def _check_nlp(config: Config, path: Path) -> None:
    """spaCy ignores unknown keys in [nlp], and takes ``batch_size = 0`` (then fails every
    document): name a typo or a bad size here, before anything is built."""
    from spacy.language import DEFAULT_CONFIG as SPACY_DEFAULTS

    known = tuple(SPACY_DEFAULTS["nlp"])
    for key in config.get("nlp", {}):
        if key not in known:
            hint = difflib.get_close_matches(key, known, n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ConfigError(f"Unknown setting {key!r} in [nlp] of {path}{suggestion}. Settings there: {', '.join(known)}.")
    size = config.get("nlp", {}).get("batch_size")
    if size is not None and not (isinstance(size, str) and size.startswith("${")):  # a ${variable}: spaCy checks it
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise ConfigError(
                f"Invalid value for 'batch_size' in [nlp] of {path}: must be a whole number of at least 1, not {size!r}; "
                f"fix it in the config or with --nlp.batch_size VALUE."
            )


#: spaCy's error for a factory it cannot find (a sourced pipeline's own, from a package's entry point).
UNKNOWN_FACTORY = "[E002]"


def build_nlp(config: Config) -> Language:
    """The spaCy pipeline the config's ``[nlp]``/``[components]``/``[initialize]`` describe."""
    try:
        with only_named_factories(config), vectors_read_from_disk(_sources(config)), sourced_into_shared_vocab(), phrase_patterns_tokenized():
            return _build(config)
    except ValueError as err:
        if UNKNOWN_FACTORY not in str(err):
            raise
    return _build(config)  # a sourced pipeline needs a factory the config does not name: load them all


@contextmanager
def only_named_factories(config: Config) -> Iterator[None]:
    """While a pipeline is built, load only the factory entry points that ``config`` names (or
    whose module is imported already).

    ``spacy.Language()`` imports every installed package's factory entry points to register them
    all; spacy-transformers' import pulls in transformers and torch's compiler, about 2 s of CPU
    per process (the run, each pool or Dask worker), for a pipeline that has no transformer. A
    factory the config does not name but a sourced pipeline needs fails the build with E002, and
    :func:`build_nlp` builds again with every entry point.
    """
    factories = registry._entry_point_factories
    named = {str(section.get("factory")) for section in config.get("components", {}).values() if isinstance(section, dict)}
    every = factories._get_entry_points

    def wanted() -> list[Any]:
        return [point for point in every() if point.name in named or point.module.split(".")[0] in sys.modules]

    factories._get_entry_points = wanted
    try:
        yield
    finally:
        del factories._get_entry_points


@contextmanager
def vectors_read_from_disk(sourced: frozenset[str] = frozenset()) -> Iterator[None]:
    """While a pipeline is built, ``[initialize] vectors`` naming a pipeline folder read that
    folder's vocab, as spaCy's loader does, without loading the whole pipeline a second time.

    spaCy loads the vectors of ``[initialize] vectors`` by loading that pipeline (its tokenizer
    and every component's weights) into the shared vocab, then keeps only what the vocab took:
    strings, vectors and their name (lexeme ranks follow the vectors' rows as lexemes are made).
    For the default model (already loaded once to source ``ner``) that second load cost about
    3 s of CPU per process. The strings of a folder in ``sourced`` are in the vocab already
    (sourcing loaded them, and spaCy keeps them). Anything else (a package name, a vectors-less
    model, whose warning spaCy gives) goes through spaCy's own loader.
    """
    import spacy.training.initialize as initialize

    spacy_loader = initialize.load_vectors_into_model

    def load(nlp: Language, name: str | Path, *, add_strings: bool = True) -> None:
        folder = Path(name)
        meta = folder / "meta.json"
        if not (add_strings and (folder / "vocab").is_dir() and meta.is_file()):
            return spacy_loader(nlp, name, add_strings=add_strings)
        nlp.vocab.vectors.name = spacy.util.load_meta(meta).get("vectors", {}).get("name")
        nlp.vocab.from_disk(folder / "vocab", exclude=["lookups", "strings"] if str(name) in sourced else ["lookups"])
        if not len(nlp.vocab.vectors.keys()):
            return spacy_loader(nlp, name, add_strings=add_strings)
        return None

    initialize.load_vectors_into_model = load
    try:
        yield
    finally:
        initialize.load_vectors_into_model = spacy_loader


@contextmanager
def sourced_into_shared_vocab() -> Iterator[None]:
    """While a pipeline is built, a component sourced from a pipeline that shares its vocab skips
    spaCy's check that the two vocabs' vectors are equal.

    spaCy's ``from_config`` loads every source pipeline into the new pipeline's own vocab, so that
    check compares the vectors with themselves, by serialising them twice (md's 20k x 300: about
    0.2 s of CPU per sourced component, in every process that builds the pipeline). spaCy keeps
    its own record of the sourced vectors (a hash) and compares it with the final vectors at
    ``initialize`` (W113), so a model whose vectors differ is still reported. A source with a
    vocab of its own goes through spaCy's check unchanged.
    """
    spacy_create = Language.create_pipe_from_source

    def create(self: Language, source_name: str, source: Language, *, name: str) -> tuple[Any, str]:
        if source.vocab is not self.vocab:
            return spacy_create(self, source_name, source, name=name)
        # Swapped in and out through the vocab's own slot: the ``vectors`` setter would add every string again.
        vocab: Any = self.vocab
        vectors = vocab._vectors
        vocab._vectors = Vectors(strings=vocab.strings)  # empty: compared with itself in no time
        try:
            return spacy_create(self, source_name, source, name=name)
        finally:
            vocab._vectors = vectors

    Language.create_pipe_from_source = create  # type: ignore[method-assign]
    try:
        yield
    finally:
        Language.create_pipe_from_source = spacy_create  # type: ignore[method-assign]


#: PhraseMatcher attributes that a token takes from its lexeme (``None`` is ``ORTH``): a pattern's
#: tokens are all that matching on them reads, whatever the components before the ruler set.
LEXEME_ATTRS = (None, "ORTH", "LOWER")


@contextmanager
def phrase_patterns_tokenized() -> Iterator[None]:
    """While a pipeline is built, a span ruler matching phrases on a lexeme attribute (ORTH,
    LOWER) makes its pattern Docs with the tokenizer alone.

    spaCy's ``SpanRuler.add_patterns`` runs every phrase pattern through the components before
    the ruler (``nlp.pipe``), whose annotations matching on ORTH or LOWER never reads: for the
    ``places`` ruler, 6,400 place names through ``line_sentences`` and ``entity_rules`` (0.2 s of
    CPU per process that builds the pipeline: the run, each pool or Dask worker). The tokens are
    the same unless one of those components changes the tokenization (spaCy's ``retokenizes``,
    as ``merge_entities`` declares): then, or for any other attribute, spaCy's route is taken.
    """
    from spacy.pipeline.span_ruler import SpanRuler

    spacy_add = SpanRuler.add_patterns

    def add_patterns(self: SpanRuler, patterns: list[Any]) -> None:
        before = list(itertools.takewhile(lambda name: self.nlp.get_pipe(name) is not self, self.nlp.pipe_names))
        if self.phrase_matcher_attr not in LEXEME_ATTRS or any(self.nlp.get_pipe_meta(name).retokenizes for name in before):
            return spacy_add(self, patterns)
        with self.nlp.select_pipes(disable=before):
            return spacy_add(self, patterns)

    SpanRuler.add_patterns = add_patterns  # type: ignore[method-assign]
    try:
        yield
    finally:
        SpanRuler.add_patterns = spacy_add  # type: ignore[method-assign]


@contextmanager
def sourced_without_vectors(sources: AbstractSet[str]) -> Iterator[None]:
    """While a pipeline's components are sourced, a source in ``sources`` (the pipeline whose
    vectors ``[initialize] vectors`` reads) is loaded without its vectors.

    spaCy's ``from_config`` loads each source pipeline whole into the new pipeline's vocab, hashes
    its vectors (for its W113 check at ``initialize``), then puts the vocab back as it was, without
    them; ``initialize`` reads the vectors again and hashes them again to compare. For md's 20k x 300
    vectors that is one read and two hashes of 24 MB too many (about 0.5 s of CPU per process that
    builds the pipeline: the run, each pool or Dask worker). Read from the very folder the component
    comes from, the vectors are the source's by construction, so :func:`_build` drops spaCy's
    comparison for those components; a source whose vectors come from elsewhere (or from no
    ``[initialize] vectors``) is loaded and checked as spaCy does.
    """
    spacy_load = spacy.util.load_model

    def load(name: str | Path, *, vocab: Any = True, exclude: Iterable[str] = (), **kwargs: Any) -> Language:
        if str(name) in sources and not isinstance(vocab, bool):  # into the new pipeline's vocab: sourcing
            exclude = [*exclude, "vectors"]
        return spacy_load(name, vocab=vocab, exclude=exclude, **kwargs)

    spacy.util.load_model = load
    try:
        yield
    finally:
        spacy.util.load_model = spacy_load


def _sources_of_the_vectors(interpolated: Config, sourced: dict[str, Any]) -> frozenset[str]:
    """The components' sources that ``[initialize] vectors`` names too (none, or the one)."""
    vectors = interpolated.get("initialize", {}).get("vectors")
    if isinstance(vectors, dict):  # a registered function (news.model_vectors.v1): what it gives
        vectors = registry.resolve({"vectors": vectors})["vectors"]
    sources = {str(settings["source"]) for settings in sourced.values()}
    return frozenset({str(vectors)} & sources) if vectors is not None else frozenset()


def _sources(config: Config) -> frozenset[str]:
    """The pipelines the config's components are sourced from."""
    components = config.interpolate().get("components", {})
    return frozenset(str(section["source"]) for section in components.values() if isinstance(section, dict) and "source" in section)


def _build(config: Config) -> Language:
    try:
        interpolated = config.interpolate()
        sourced = get_sourced_components(interpolated)
        same_vectors = _sources_of_the_vectors(interpolated, sourced)
        with sourced_without_vectors(same_vectors):
            nlp = load_model_from_config(config, auto_fill=True)
        hashes = nlp.meta.get("_sourced_vectors_hashes", {})
        for name, settings in sourced.items():
            if str(settings["source"]) in same_vectors:
                hashes.pop(name, None)  # its vectors are read from its own source at initialize: nothing to compare
        nlp._link_components()
        # Initialize only what was not sourced, so trained weights stay as they are.
        with nlp.select_pipes(disable=[name for name in sourced if name in nlp.pipe_names]):
            nlp.initialize()
        _empty_tokenizer_cache(nlp)
    except Exception as err:  # noqa: BLE001  (one line for config mistakes; others unchanged)
        explained = explain(err, config, "the config", ConfigError)
        if explained is err:
            raise
        raise explained from err
    return nlp


def _empty_tokenizer_cache(nlp: Language) -> None:
    """Give the documents the tokenizer's cache of split words, which ``initialize`` filled up.

    spaCy's tokenizer keeps how it split a whitespace-separated chunk (``"(ESA)"``, ``"Game"``) for
    at most ``max_cache_size`` chunks (10,000), adds none once it holds that many (entries it
    drops still count), and none inside a memory zone. The span rulers' patterns, made by the
    tokenizer at ``initialize`` (6,400 place names, the curated patterns), took most of it, so
    most of the documents' words were split again every time (prefix, suffix and infix
    searches): 0.6 s of CPU per 200,000 words, against 0.3 s for the model loaded alone. Setting
    the rules (spaCy's public route) starts a new cache, which the first batch (the one outside a
    memory zone: :func:`pipeline.engines.batch._zone`) fills, as the model alone would. It also
    makes the special cases' tokens again (``n't``, ``U.S.``), now in the vocabulary's index,
    which loading the vectors had emptied after they were first made: their attributes are the
    same (all 1,351, compared), and so are the tokens, since the cache only remembers splits.
    """
    tokenizer = nlp.tokenizer
    if isinstance(tokenizer, Tokenizer):  # a custom tokenizer keeps what it has
        tokenizer.rules = tokenizer.rules


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


def model_description(nlp: Language | None, config: Config) -> dict[str, Any]:
    """Name and version of the pipeline, and of the trained pipelines its components come from.

    Without ``nlp`` (a Dask client, which never loads the model) the names come from the config.
    """
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
        "pipeline": list(nlp.pipe_names) if nlp is not None else _pipe_names(config),
        "spacy_version": spacy.__version__,
        "sources": sources,
    }


def _pipe_names(config: Config) -> list[str]:
    """What ``nlp.pipe_names`` will be for ``config``: its pipeline without the disabled components."""
    section = config.get("nlp", {})
    disabled = set(section.get("disabled", []))
    return [name for name in section.get("pipeline", []) if name not in disabled]
