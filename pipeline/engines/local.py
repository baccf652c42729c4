"""The local engine: one process (or spaCy's own worker processes) streaming through the input.

Articles are read lazily, processed with ``nlp.pipe`` in batches and written as Parquet row
groups as they go; only compact per-entity summaries are kept for corpus resolution.
"""

from __future__ import annotations

from collections import deque
from typing import Callable, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from ..chunking import Chunker
from ..readers import Article
from ..resolve import CorpusResolver
from ..rows import Rows
from ..writer import Staging

#: Called after each written batch with (documents done, words done).
ProgressCallback = Callable[[int, int], None]


def process_articles(
    nlp: Language,
    articles: Iterable[Article],
    staging: Staging,
    resolver: CorpusResolver,
    *,
    batch_size: int,
    n_process: int = 1,
    skip: set[str] | frozenset[str] = frozenset(),
    on_batch: ProgressCallback | None = None,
    chunker: Chunker | None = None,
) -> tuple[int, int]:
    """Run ``nlp`` over ``articles`` and write their rows to ``staging``; returns (docs, words).

    Every article ends up in ``documents``: unreadable ones with their reader error, ones a
    pipeline stage failed on with that stage's error. Articles whose id is in ``skip`` (done
    by an interrupted run being resumed) are not processed again. Documents longer than the
    ``chunker``'s limit are processed in chunks, here, and joined (see ``pipeline/chunking.py``).
    """
    chunker = chunker or Chunker()
    # Long documents, processed in chunks as they are read; nlp.pipe carries a placeholder.
    chunked: dict[str, Doc] = {}
    stage_errors: dict[str, str] = {}

    def on_error(proc_name: str, proc: object, docs: list[Doc], err: Exception) -> None:
        for doc in docs:
            article = getattr(doc, "_context", None)
            if article is not None:
                stage_errors[article.doc_id] = f"{article.location}: stage {proc_name!r} failed on document {article.doc_id!r}: {err}"

    pending: deque[Article] = deque()

    def feed() -> Iterator[tuple[str, Article]]:
        for article in articles:
            if article.doc_id in skip:
                continue
            if article.ok and chunker.needs_chunks(nlp, article.text):
                try:
                    chunked[article.doc_id] = chunker(nlp, article.text)
                except Exception as err:  # noqa: BLE001  (recorded as the document's error)
                    article.error = f"{article.location}: document {article.doc_id!r} ({len(article.text):,} characters, processed in chunks): {err}"
                pending.append(article)
                yield ("", article)
                continue
            pending.append(article)
            # Unreadable articles pass through as empty texts, so the output keeps input order.
            yield (article.text if article.ok else "", article)

    rows = Rows()
    docs_done = words_done = 0
    batch_number = staging.next_batch_number()

    def flush() -> None:
        nonlocal rows, batch_number
        if not rows.n_docs:
            return
        staging.write(f"{batch_number:08d}", rows.to_tables())
        batch_number += 1
        resolver.add_columns(rows.entities)
        rows = Rows()
        if on_batch is not None:
            on_batch(docs_done, words_done)

    # Language.set_error_handler cannot reach spaCy's Cython components (no attribute to
    # set), so only stages called per document (ours, span_ruler) report through on_error.
    previous_handler = nlp.default_error_handler
    nlp.default_error_handler = on_error
    try:
        for doc, returned in nlp.pipe(feed(), as_tuples=True, batch_size=nlp.batch_size, n_process=n_process):
            # Articles before this one that did not come back were dropped by a failing stage.
            # (Compared by id: with several processes the context comes back as a copy.)
            while pending and pending[0].doc_id != returned.doc_id:
                lost = pending.popleft()
                lost.error = stage_errors.pop(lost.doc_id, f"{lost.location}: document {lost.doc_id!r} was not returned by the pipeline")
                rows.add_error(lost)
                docs_done += 1
            article = pending.popleft() if pending else returned
            if article.ok:
                doc = chunked.pop(article.doc_id, doc)
                rows.add_doc(doc, article)
                words_done += len(doc)
            else:
                rows.add_error(article)
            docs_done += 1
            if rows.n_docs >= batch_size:
                flush()
        while pending:
            lost = pending.popleft()
            lost.error = stage_errors.pop(lost.doc_id, f"{lost.location}: document {lost.doc_id!r} was not returned by the pipeline")
            rows.add_error(lost)
            docs_done += 1
        flush()
    finally:
        nlp.default_error_handler = previous_handler
    return docs_done, words_done
