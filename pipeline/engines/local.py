"""The local engine: one process, or a pool of worker processes, streaming through the input.

Articles are read lazily and cut into batches of ``export.batch_size``; each batch is processed
by :func:`~pipeline.engines.batch.process_batch` (``nlp.pipe`` inside a memory zone, Docs turned
into rows in the same process) and written as one crash-safe batch of the staging folder. Only
compact per-entity summaries are kept for corpus resolution, so memory does not grow with the
corpus.

With ``n_process > 1`` each worker process builds the pipeline once from the config and
returns Arrow tables, not Docs; the main process writes the batches in input order, so the
output is identical to one process. At most ``IN_FLIGHT_PER_PROCESS`` batches per worker are
queued, which bounds memory.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Callable, Iterable, Iterator

from spacy.language import Language

from ..chunking import Chunker
from ..readers import Article
from ..resolve import CorpusResolver
from ..writer import Staging
from .batch import BatchResult, batches, pipeline_for, process_batch, seed_pipeline

#: Called after each written batch with (documents done, words done).
ProgressCallback = Callable[[int, int], None]
#: Batches queued per worker process: enough to keep it busy while the main process writes.
IN_FLIGHT_PER_PROCESS = 2
#: Forked workers inherit the imported modules and the built pipeline (seconds saved per
#: worker); where fork is unavailable they start fresh and build it from the config.
START_METHOD = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
#: How often a worker checks that the main process is alive (a killed run leaves no workers).
PARENT_CHECK_SECONDS = 0.5


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
    pipeline_config: str | None = None,
    chunker: Chunker | None = None,
) -> tuple[int, int]:
    """Run ``nlp`` over ``articles`` and write their rows to ``staging``; returns (docs, words).

    Every article ends up in ``documents`` with a status (see :func:`process_batch`). Articles
    whose id is in ``skip`` (done by an interrupted run being resumed) are not processed again.
    ``n_process > 1`` needs ``pipeline_config`` (``config.to_str()``), from which each worker
    builds its own pipeline; a run with a single batch stays in this process. Documents
    longer than the ``chunker``'s limit are processed in chunks (``pipeline/chunking.py``).
    """
    docs_done = words_done = 0
    batch_number = staging.next_batch_number()
    for result in _results(nlp, batches(articles, batch_size, skip), n_process, pipeline_config, chunker or Chunker()):
        staging.write(f"{batch_number:08d}", result.tables)
        batch_number += 1
        resolver.merge(result.resolver)
        docs_done += result.n_docs
        words_done += result.n_words
        if on_batch is not None:
            on_batch(docs_done, words_done)
    return docs_done, words_done


def _results(
    nlp: Language, stream: Iterator[list[Article]], n_process: int, pipeline_config: str | None, chunker: Chunker
) -> Iterator[BatchResult]:
    """Batch results in input order: here, or from a pool when there is more than one batch."""
    first = next(stream, None)
    if first is None:
        return
    second = next(stream, None)
    if n_process <= 1 or second is None:
        yield process_batch(nlp, first, chunker)
        if second is not None:
            yield process_batch(nlp, second, chunker)
        for batch in stream:
            yield process_batch(nlp, batch, chunker)
        return
    if pipeline_config is None:
        raise ValueError("n_process > 1 needs pipeline_config (the config as a string) to build the workers' pipelines")
    seed_pipeline(pipeline_config, nlp)
    yield from _pooled(_chain(first, second, stream), n_process, pipeline_config, chunker)


def _chain(first: list[Article], second: list[Article], rest: Iterator[list[Article]]) -> Iterator[list[Article]]:
    yield first
    yield second
    yield from rest


def _pooled(stream: Iterator[list[Article]], n_process: int, pipeline_config: str, chunker: Chunker) -> Iterator[BatchResult]:
    context = multiprocessing.get_context(START_METHOD)
    with ProcessPoolExecutor(n_process, mp_context=context, initializer=_init_worker, initargs=(pipeline_config, os.getpid())) as pool:
        queued: deque[Future] = deque()
        try:
            for batch in stream:
                queued.append(pool.submit(_work, pipeline_config, batch, chunker))
                if len(queued) >= n_process * IN_FLIGHT_PER_PROCESS:
                    yield queued.popleft().result()
            while queued:
                yield queued.popleft().result()
        finally:
            for future in queued:
                future.cancel()


def _init_worker(pipeline_config: str, parent: int) -> None:
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    pipeline_for(pipeline_config)


def _exit_with_parent(parent: int) -> None:
    # A pool's workers outlive a SIGKILLed main process (and hold its output pipes): end with it.
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def _work(pipeline_config: str, batch: list[Article], chunker: Chunker) -> BatchResult:
    return process_batch(pipeline_for(pipeline_config), batch, chunker)
