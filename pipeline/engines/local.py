"""The local engines: batches processed in this process, or by a pool of worker processes.

Each batch is processed by :func:`~pipeline.engines.batch.process_batch` (its record ranges read,
``nlp.pipe`` inside a memory zone, Docs turned into rows in the same process); :func:`~pipeline.engines.process`
writes it. With a pool, each worker process builds the pipeline once from the config (or
inherits it, forked) and returns Arrow tables, not Docs; results come back in input order, so
the output is identical to one process. At most ``IN_FLIGHT_PER_PROCESS`` batches per worker are
queued, which bounds memory. A run with a single batch stays in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from spacy.language import Language

from ..base.chunking import Chunker
from . import Engine, in_order
from .batch import Batch, BatchResult, pipeline_for, process_batch, seed_pipeline

#: Batches queued per worker process: enough to keep it busy while the main process writes.
IN_FLIGHT_PER_PROCESS = 2
#: Forked workers inherit the imported modules and the built pipeline (seconds saved per
#: worker); where fork is unavailable they start fresh and build it from the config.
START_METHOD = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
#: How often a worker checks that the main process is alive (a killed run leaves no workers).
PARENT_CHECK_SECONDS = 0.5


class InProcessEngine(Engine):
    """Every batch in this process, with ``nlp``."""

    def __init__(self, nlp: Language, chunker: Chunker | None = None) -> None:
        self.nlp: Language = nlp
        self.chunker = chunker or Chunker()

    def map(self, batches: Iterable[Batch]) -> Iterator[BatchResult]:
        for batch in batches:
            yield process_batch(self.nlp, batch, self.chunker)


class PoolEngine(Engine):
    """Batches on ``n_process`` worker processes, each with the pipeline of ``pipeline_config``."""

    def __init__(self, nlp: Language, pipeline_config: str, n_process: int, chunker: Chunker | None = None) -> None:
        self.nlp: Language = nlp
        self.local = InProcessEngine(nlp, chunker)
        self.pipeline_config = pipeline_config
        self.n_process = n_process

    def map(self, batches: Iterable[Batch]) -> Iterator[BatchResult]:
        stream = iter(batches)
        first = next(stream, None)
        second = next(stream, None)
        if first is None or second is None:  # one batch: starting workers would cost more than it saves
            yield from self.local.map([first] if first is not None else [])
            return
        seed_pipeline(self.pipeline_config, self.nlp)
        yield from self._pooled(_chain(first, second, stream))

    def _pooled(self, stream: Iterator[Batch]) -> Iterator[BatchResult]:
        context = multiprocessing.get_context(START_METHOD)
        initargs = (self.pipeline_config, os.getpid())
        with ProcessPoolExecutor(self.n_process, mp_context=context, initializer=_init_worker, initargs=initargs) as pool:
            submit = lambda batch: pool.submit(_work, self.pipeline_config, batch, self.local.chunker)  # noqa: E731
            yield from in_order(submit, stream, self.n_process * IN_FLIGHT_PER_PROCESS)


def _chain(first: Batch, second: Batch, rest: Iterator[Batch]) -> Iterator[Batch]:
    yield first
    yield second
    yield from rest


def _init_worker(pipeline_config: str, parent: int) -> None:
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    pipeline_for(pipeline_config)


def _exit_with_parent(parent: int) -> None:
    # A pool's workers outlive a SIGKILLed main process (and hold its output pipes): end with it.
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def _work(pipeline_config: str, batch: Batch, chunker: Chunker) -> BatchResult:
    return process_batch(pipeline_for(pipeline_config), batch, chunker)
