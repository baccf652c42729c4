"""The Dask engine: the same batches as the local engines, processed and written by Dask workers.

The client plans the same numbered batches as the local engines (``[engine] batch_size``
articles each), as record ranges of the input (:mod:`pipeline.readers.ranges`): it never reads an
article's text. When the engine starts, every worker builds its pipeline (a task pinned to each),
so a run counts model loading before its first document, as the local engines do. Each batch is
one task: the worker takes its pipeline from a per-process cache
(:func:`~pipeline.engines.batch.pipeline_for`, built from the config string, never pickled from
the client, which never loads the model), reads the batch's ranges, runs
:func:`~pipeline.engines.batch.process_batch` and writes the batch's tables with
:func:`~pipeline.writing.writer.write_batch` into the run's staging folder. It returns only its entity
summaries and counts, which :func:`~pipeline.engines.process` merges in input order; compaction
and the commit by rename are the same as for the local engines, so the tables are the same.

A failed task fails the run and leaves the staging folder for ``--resume``; a retried task
rewrites its own batch atomically, so nothing is duplicated. With ``--scheduler`` the input and
the staging folder (beside ``--output``) must be on storage every worker can read and write (a
shared file system), and the workers need the model and the config's data files (``configs/``)
at the same paths.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from distributed import Worker, get_worker
from distributed.core import Status

from ..base.chunking import Chunker
from ..writing.writer import write_batch
from . import Engine
from .batch import Batch, BatchResult, pipeline_for, process_batch

#: Batches queued per worker: keeps workers busy while bounding what the client holds.
IN_FLIGHT_PER_WORKER = 2
#: Worker threads: one, so each worker process runs one pipeline at a time.
THREADS_PER_WORKER = 1
#: How long a run waits for a scheduler's first worker before it says so.
WORKER_WAIT_SECONDS = 60
#: Loggers that report connections closing while a finished cluster shuts down (CommClosedError).
SHUTDOWN_LOGGERS = ("distributed", "tornado")
#: Settings of the workers a run starts itself (their nannies pass them on).
#: The LocalCluster's options: one thread per worker process, no dashboard, and the scheduler's
#: own HTTP routes (health, metrics) on a free port rather than on 8787, where another run or a
#: user's cluster may already listen (Dask would then warn that the port is in use).
LOCAL_CLUSTER_OPTIONS: dict[str, Any] = {
    "threads_per_worker": THREADS_PER_WORKER,
    "processes": True,
    "dashboard_address": None,
    "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"},
}
LOCAL_CLUSTER_CONFIG = {
    # No statistical profiler: it samples the task thread's stack every 10 ms, holding the GIL
    # the pipeline needs; nothing here reads its profiles.
    "distributed.worker.profile.enabled": False,
    # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, so that glibc returns freed memory
    # at once; the pipeline's many short-lived arrays then cost page faults (2.5x as many, about
    # 10% more CPU per batch). Unset, the workers allocate as the local pool's do.
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    # A worker's event loop takes the GIL from the batch each time it wakes, and on a busy machine
    # the batch then waits for the loop's thread to be scheduled: its health check (every 20 ms),
    # memory check (100 ms) and system monitor (500 ms) wake it less often.
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
}


class NoWorkersError(RuntimeError):
    """The scheduler has no worker to run the batches."""


class DaskEngine(Engine):
    """Batches as Dask tasks: on the cluster at ``scheduler``, or on a ``LocalCluster`` of
    ``n_workers`` single-threaded worker processes started (and closed) by the engine. Workers
    write their batches into the staging folder at ``staging``."""

    def __init__(self, pipeline_config: str, staging: Path, chunker: Chunker | None = None, *, scheduler: str | None = None, n_workers: int = 1) -> None:
        self.pipeline_config = pipeline_config
        self.staging_path = str(staging)
        self.chunker = chunker or Chunker()
        self.scheduler = scheduler
        self.n_workers = n_workers
        self.cluster: Any = None
        self.client: Any = None

    def __enter__(self) -> DaskEngine:
        import dask
        from distributed import Client, LocalCluster

        if self.scheduler is None:
            with dask.config.set(LOCAL_CLUSTER_CONFIG):
                self.cluster = LocalCluster(n_workers=self.n_workers, **LOCAL_CLUSTER_OPTIONS)
            self.client = Client(self.cluster)
        else:
            self.client = Client(self.scheduler)
            try:
                self.client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
            except TimeoutError as err:
                self.close()
                raise NoWorkersError(
                    f"No Dask worker joined the scheduler at {self.scheduler} within {WORKER_WAIT_SECONDS} s: "
                    f"start workers with `dask worker {self.scheduler}`."
                ) from err
        self._load_models()
        return self

    def _load_models(self) -> None:
        """Each worker builds its pipeline now, all at once (a task pinned to each), so that a run
        counts model loading before its first document, as the local engines do; a worker that
        joins later builds its pipeline with its first batch."""
        token = uuid.uuid4().hex[:8]
        workers = list(self.client.scheduler_info()["workers"])
        ours = self.scheduler is None  # a LocalCluster's workers, started by this run
        self.client.gather(
            [self.client.submit(load_model, self.pipeline_config, ours, key=f"news-model-{token}-{i}", workers=[w], pure=False) for i, w in enumerate(workers)]
        )

    def map(self, batches: Iterable[Batch]) -> Iterator[BatchResult]:
        if self.client is None:
            raise RuntimeError("the Dask engine runs batches inside its `with` block")
        workers = self.client.scheduler_info()["workers"]
        threads = max(sum(worker.get("nthreads", THREADS_PER_WORKER) for worker in workers.values()), 1)
        run_token = uuid.uuid4().hex[:8]  # task keys unique to this run on a shared cluster

        def submit(batch: Batch) -> Any:
            return self.client.submit(
                process_partition, self.pipeline_config, self.staging_path, batch, self.chunker,
                pure=False, key=f"news-partition-{run_token}-{batch.key}",
            )  # fmt: skip

        yield from in_order_as_freed(submit, batches, threads, max(len(workers), 1) * IN_FLIGHT_PER_WORKER)

    def close(self) -> None:
        # Client first, then the cluster: workers then close connections nobody waits on, which
        # distributed logs as CommClosedError tracebacks although nothing failed.
        with _quiet(SHUTDOWN_LOGGERS):
            if self.client is not None:
                self.client.close()
                self.client = None
            if self.cluster is not None:
                self.cluster.close()
                self.cluster = None


def in_order_as_freed(submit: Callable[[Batch], Any], batches: Iterable[Batch], threads: int, limit: int) -> Iterator[BatchResult]:
    """The results of ``submit(batch)`` Dask futures in input order, like :func:`~pipeline.engines.in_order`,
    but each batch is submitted only when one of the cluster's ``threads`` is free (at most
    ``limit`` batches submitted and not yet yielded).

    Dask gives a task to a worker as soon as it is submitted, so batches queued at once are dealt
    out in turn: with batches of uneven size, one worker is left with the long ones while the
    other idles (work stealing moves a queued task only when a worker is idle before the other
    starts it). Held back until a thread is free, the next batch goes to the worker that freed it,
    as in the local pool."""
    from distributed import wait

    stream = iter(batches)
    queued: deque = deque()
    planned = True
    try:
        while True:
            while planned and len(queued) < limit and sum(not future.done() for future in queued) < threads:
                batch = next(stream, None)
                if batch is None:
                    planned = False
                else:
                    queued.append(submit(batch))
            if not queued:
                return
            if queued[0].done():
                yield queued.popleft().result()
            else:
                wait([future for future in queued if not future.done()], return_when="FIRST_COMPLETED")
    finally:
        for future in queued:
            future.cancel()


@contextmanager
def _quiet(names: tuple[str, ...]) -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def load_model(pipeline_config: str, skip_teardown: bool = False) -> None:
    """A Dask task: build this worker's pipeline (see :meth:`DaskEngine._load_models`). With
    ``skip_teardown`` (workers the run started), the worker's process ends without the
    interpreter's teardown once the worker has closed (see :func:`_end_closed_worker`)."""
    pipeline_for(pipeline_config)
    if skip_teardown:
        atexit.register(_end_closed_worker, get_worker())


def _end_closed_worker(worker: Worker) -> None:
    # Tearing down spaCy, torch and a built pipeline takes the interpreter seconds (4 s under
    # load), and closing the LocalCluster waits for it: its nannies give a worker process 4 s to
    # exit, then kill it. A worker that closed has written its batches and has nothing to free.
    if worker.status == Status.closed:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def process_partition(pipeline_config: str, staging_path: str, batch: Batch, chunker: Chunker | None = None) -> BatchResult:
    """One Dask task: process a batch and write it into the staging folder; returns its result
    without the tables (they are written)."""
    result = process_batch(pipeline_for(pipeline_config), batch, chunker)
    write_batch(Path(staging_path), batch.key, result.tables or {})
    result.tables = None
    return result
