"""One batch of articles in, table rows out: the unit of work every engine runs, in any process.

:func:`process_batch` runs ``nlp.pipe`` over a list of articles inside spaCy's
``nlp.memory_zone()``, so the strings a batch adds to the vocabulary are freed when it ends, and
turns the Docs into Arrow tables *inside* the zone: a Doc never outlives its batch and never
leaves the process that made it. :func:`pipeline_for` is the per-process pipeline cache that
worker processes (the local pool, Dask workers) use, so the model is loaded once per process
from a config string and never pickled.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import pyarrow as pa
from confection import Config
from spacy.language import Language
from spacy.tokens import Doc

from ..chunking import Chunker
from ..readers import Article
from ..resolve import CorpusResolver
from ..rows import Rows


@dataclass
class BatchResult:
    """What one batch produced: its tables, its entity summaries and its counts (plain data)."""

    tables: dict[str, pa.Table]
    resolver: CorpusResolver = field(default_factory=CorpusResolver)
    n_docs: int = 0
    n_words: int = 0


def batches(articles: Iterable[Article], size: int, skip: set[str] | frozenset[str] = frozenset()) -> Iterator[list[Article]]:
    """``articles`` in lists of ``size``, leaving out ids in ``skip`` (done by a resumed run)."""
    batch: list[Article] = []
    for article in articles:
        if article.doc_id in skip:
            continue
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def process_batch(nlp: Language, articles: list[Article], chunker: Chunker | None = None) -> BatchResult:
    """Run ``nlp`` over ``articles`` (one process) and return their rows as tables.

    Every article gets a ``documents`` row: unreadable ones with their reader error, ones a
    pipeline stage failed on with that stage's error. Documents longer than the ``chunker``'s
    limit are processed in chunks and joined (see ``pipeline/chunking.py``).
    """
    stage_errors: dict[str, str] = {}

    def on_error(proc_name: str, proc: object, docs: list[Doc], err: Exception) -> None:
        for doc in docs:
            article = getattr(doc, "_context", None)
            if article is not None:
                stage_errors[article.doc_id] = f"{article.location}: stage {proc_name!r} failed on document {article.doc_id!r}: {err}"

    chunker = chunker or Chunker()
    pending: deque[Article] = deque(articles)
    rows = Rows()
    n_words = 0

    def lost(article: Article) -> None:
        article.error = stage_errors.pop(
            article.doc_id, f"{article.location}: document {article.doc_id!r} was not returned by the pipeline"
        )
        rows.add_error(article)

    # Language.set_error_handler cannot reach spaCy's Cython components (no attribute to
    # set), so only stages called per document (ours, span_ruler) report through on_error.
    previous_handler = nlp.default_error_handler
    nlp.default_error_handler = on_error
    try:
        with nlp.memory_zone():
            # Long documents, processed in chunks as they come; nlp.pipe carries a placeholder.
            chunked: dict[str, Doc] = {}

            def texts() -> Iterator[tuple[str, Article]]:
                for article in articles:
                    if article.ok and chunker.needs_chunks(nlp, article.text):
                        try:
                            chunked[article.doc_id] = chunker(nlp, article.text)
                        except Exception as err:  # noqa: BLE001  (recorded as the document's error)
                            article.error = (
                                f"{article.location}: document {article.doc_id!r} "
                                f"({len(article.text):,} characters, processed in chunks): {err}"
                            )
                        yield ("", article)
                    else:
                        # Unreadable articles pass through as empty texts, so the output keeps input order.
                        yield (article.text if article.ok else "", article)

            for doc, returned in nlp.pipe(texts(), as_tuples=True, batch_size=nlp.batch_size):
                # Articles before this one that did not come back were dropped by a failing stage.
                while pending and pending[0] is not returned:
                    lost(pending.popleft())
                article = pending.popleft() if pending else returned
                if article.ok:
                    doc = chunked.pop(article.doc_id, doc)
                    rows.add_doc(doc, article)
                    n_words += len(doc)
                else:
                    rows.add_error(article)
            while pending:
                lost(pending.popleft())
    finally:
        nlp.default_error_handler = previous_handler
    resolver = CorpusResolver()
    resolver.add_columns(rows.entities)
    return BatchResult(rows.to_tables(), resolver, rows.n_docs, n_words)


#: Pipelines built in this process, by config string (worker processes build each once).
_PIPELINES: dict[str, Language] = {}


def pipeline_for(config_text: str) -> Language:
    """The pipeline a config (as ``Config.to_str()``) describes, built once per process."""
    nlp = _PIPELINES.get(config_text)
    if nlp is None:
        from ..config import build_nlp

        nlp = build_nlp(Config().from_str(config_text, interpolate=False))
        _PIPELINES[config_text] = nlp
    return nlp


def seed_pipeline(config_text: str, nlp: Language) -> None:
    """Make ``nlp`` this process's pipeline for ``config_text`` (forked workers inherit it)."""
    _PIPELINES[config_text] = nlp
