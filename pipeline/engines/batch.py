"""One batch of articles in, table rows out: the unit of work every engine runs, in any process.

A run's batches carry record ranges, not text (:mod:`pipeline.readers.ranges`): the process that
runs a batch reads its articles itself. :func:`process_batch` runs ``nlp.pipe`` over a :class:`Batch` of articles inside spaCy's
``nlp.memory_zone()``, so the strings a batch adds to the vocabulary are freed when it ends (all
but the first batch of a pipeline, whose words stay: see :func:`process_batch`), and
turns the Docs into Arrow tables *inside* the zone: a Doc never outlives its batch and never
leaves the process that made it. :func:`pipeline_for` is the per-process pipeline cache that
worker processes (the local pool, Dask workers) use, so the model is loaded once per process
from a config string and never pickled.
"""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace

import pyarrow as pa
from confection import Config
from spacy.language import Language
from spacy.tokens import Doc

from ..base.chunking import Chunker
from ..base.collector import long_lived
from ..corpus.resolve import CorpusResolver
from ..corpus.vote import CorpusVote
from ..readers import Article
from ..readers.ranges import InputRanges
from ..writing.rows import Rows


@dataclass
class Batch:
    """A numbered batch: ``key`` orders its part of the staging folder. Its articles are the
    ``ranges`` of the input, read where the batch runs, or given as ``articles``."""

    key: str
    articles: list[Article] = field(default_factory=list)
    ranges: InputRanges | None = None

    def read(self) -> tuple[list[Article], list[str]]:
        """The batch's articles and the reader's warnings about them (none for given articles)."""
        return self.ranges.read() if self.ranges is not None else (self.articles, [])


@dataclass
class BatchResult:
    """What one batch produced, as plain data: its tables (None once written where the batch ran,
    as Dask workers do), its entity summaries and label votes, its counts, and its documents' processing errors."""

    key: str
    tables: dict[str, pa.Table] | None
    resolver: CorpusResolver = field(default_factory=CorpusResolver)
    n_docs: int = 0
    n_words: int = 0
    errors: dict[str, str] = field(default_factory=dict)  # doc_id -> error, for documents a stage failed on
    votes: CorpusVote = field(default_factory=CorpusVote)  # the batch's names, their mentions' labels and scores
    warnings: list[str] = field(default_factory=list)  # the reader's, about this batch's input (doubtful encodings)


def range_batches(ranges: Iterable[InputRanges], first: int = 0) -> Iterator[Batch]:
    """Planned input ranges (:func:`pipeline.readers.ranges.plan_ranges`) as batches numbered from ``first``."""
    for number, planned in enumerate(ranges, start=first):
        yield Batch(f"{number:08d}", ranges=planned)


def batches(articles: Iterable[Article], size: int, skip: AbstractSet[str] = frozenset(), first: int = 0) -> Iterator[Batch]:
    """``articles`` (read already) in batches of ``size`` numbered from ``first``, leaving out
    ids in ``skip`` (done by a resumed run)."""
    number = first
    batch: list[Article] = []
    for article in articles:
        if article.doc_id in skip:
            continue
        batch.append(article)
        if len(batch) >= size:
            yield Batch(f"{number:08d}", batch)
            number += 1
            batch = []
    if batch:
        yield Batch(f"{number:08d}", batch)


def process_batch(nlp: Language, batch: Batch, chunker: Chunker | None = None) -> BatchResult:
    """Run ``nlp`` over the batch's articles (one process) and return their rows as tables.

    Every article gets a ``documents`` row: unreadable ones with their reader error, ones a
    pipeline stage failed on with that stage's error (also in ``BatchResult.errors``; the
    articles themselves are not changed). When a stage raises out of ``nlp.pipe`` (spaCy's
    compiled components do), the batch is processed again one document at a time, so that only
    the document it fails on is lost. Documents longer than the ``chunker``'s limit are processed
    in chunks and joined (see ``pipeline/base/chunking.py``).
    """
    chunker = chunker or Chunker()
    articles, warnings = batch.read()
    with _zone(nlp):
        try:
            rows, n_words, errors = _pipe(nlp, articles, chunker)
        except Exception:  # noqa: BLE001  (a stage raised on some document: find which, one by one)
            rows, n_words, errors = Rows(), 0, {}
            for article in articles:
                n_words += _one(nlp, article, chunker, rows, errors)
    resolver = CorpusResolver()
    resolver.add_columns(rows.entities)
    votes = CorpusVote()
    votes.add_columns(rows.mentions, rows.entities)
    return BatchResult(batch.key, rows.to_tables(), resolver, rows.n_docs, n_words, errors, votes, warnings)


#: Pipelines (in this process) that have processed their first batch, outside a memory zone.
_WARM: weakref.WeakSet[Language] = weakref.WeakSet()


def _zone(nlp: Language) -> AbstractContextManager:
    """A memory zone for every batch but a pipeline's first, whose words (lexemes) stay.

    A zone frees every lexeme made inside it, the commonest words too, and the next batch makes
    them again (the tokenizer's CPU on 100,000 words of distinct news and web documents in
    batches of 256: 0.85 s with a zone per batch, 0.48 s so; benchmarks/performance.md). The first batch's words are
    made once and kept: the memory they take is one batch's vocabulary, once per pipeline, and
    every later batch frees what it adds.
    """
    if nlp in _WARM:
        return nlp.memory_zone()
    _WARM.add(nlp)
    return nullcontext()


def _pipe(nlp: Language, articles: list[Article], chunker: Chunker) -> tuple[Rows, int, dict[str, str]]:
    """Rows of ``articles`` through ``nlp.pipe``; stages that report through spaCy's error
    handler (ours, span_ruler) lose only the documents they fail on."""
    errors: dict[str, str] = {}

    def on_error(proc_name: str, proc: object, docs: list[Doc], err: Exception) -> None:
        for doc in docs:
            article = getattr(doc, "_context", None)
            if article is not None:
                errors[article.doc_id] = f"{article.location}: stage {proc_name!r} failed on document {article.doc_id!r}: {err}"

    pending: deque[Article] = deque(articles)
    rows = Rows()
    n_words = 0
    chunked: dict[str, Doc] = {}  # long documents, processed in chunks as they come

    def texts() -> Iterator[tuple[str, Article]]:
        for article in articles:
            text = article.text if article.ok else None
            if text is not None and chunker.needs_chunks(nlp, text):
                try:
                    chunked[article.doc_id] = chunker(nlp, text)
                except Exception as err:  # noqa: BLE001  (recorded as the document's error)
                    errors[article.doc_id] = _chunk_error(article, err)
                yield ("", article)  # nlp.pipe carries a placeholder
            else:
                # Unreadable articles pass through as empty texts, so the output keeps input order.
                yield (text or "", article)

    def lost(article: Article) -> None:
        errors.setdefault(article.doc_id, f"{article.location}: document {article.doc_id!r} was not returned by the pipeline")
        rows.add_error(replace(article, error=errors[article.doc_id]))

    # Language.set_error_handler cannot reach spaCy's Cython components (no attribute to
    # set), so only stages called per document (ours, span_ruler) report through on_error.
    previous_handler = nlp.default_error_handler
    nlp.default_error_handler = on_error
    try:
        for doc, returned in nlp.pipe(texts(), as_tuples=True, batch_size=nlp.batch_size):
            # Articles before this one that did not come back were dropped by a failing stage.
            while pending and pending[0] is not returned:
                lost(pending.popleft())
            article = pending.popleft() if pending else returned
            if article.doc_id in errors:
                rows.add_error(replace(article, error=errors[article.doc_id]))
            elif article.ok:
                doc = chunked.pop(article.doc_id, doc)
                rows.add_doc(doc, article)
                n_words += len(doc)
            else:
                rows.add_error(article)
        while pending:
            lost(pending.popleft())
    finally:
        nlp.default_error_handler = previous_handler
    return rows, n_words, errors


def _one(nlp: Language, article: Article, chunker: Chunker, rows: Rows, errors: dict[str, str]) -> int:
    """Add the rows of one article, processed stage by stage; returns its words (0 on an error)."""
    text = article.text
    if not article.ok or text is None:
        rows.add_error(article)
        return 0
    try:
        if chunker.needs_chunks(nlp, text):
            doc = chunker(nlp, text)
        else:
            doc = nlp.make_doc(text)
            for name, proc in nlp.pipeline:
                try:
                    doc = proc(doc)
                except Exception as err:  # noqa: BLE001  (this document's error, naming the stage)
                    raise StageError(f"{article.location}: stage {name!r} failed on document {article.doc_id!r}: {err}") from err
    except StageError as err:
        errors[article.doc_id] = str(err)
    except Exception as err:  # noqa: BLE001  (the chunker's errors)
        errors[article.doc_id] = _chunk_error(article, err)
    if article.doc_id in errors:
        rows.add_error(replace(article, error=errors[article.doc_id]))
        return 0
    rows.add_doc(doc, article)
    return len(doc)


class StageError(RuntimeError):
    """A pipeline stage raised on one document."""


def _chunk_error(article: Article, err: Exception) -> str:
    return f"{article.location}: document {article.doc_id!r} ({len(article.text or ''):,} characters, processed in chunks): {err}"


#: Pipelines built in this process, by config string (worker processes build each once).
_PIPELINES: dict[str, Language] = {}


def pipeline_for(config_text: str) -> Language:
    """The pipeline a config (as ``Config.to_str()``) describes, built once per process."""
    nlp = _PIPELINES.get(config_text)
    if nlp is None:
        from ..config.build import build_nlp

        with long_lived():  # the worker keeps its pipeline to the end
            nlp = build_nlp(Config().from_str(config_text, interpolate=False))
        _PIPELINES[config_text] = nlp
    return nlp


def seed_pipeline(config_text: str, nlp: Language) -> None:
    """Make ``nlp`` this process's pipeline for ``config_text`` (forked workers inherit it)."""
    _PIPELINES[config_text] = nlp
