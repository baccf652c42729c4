"""The Dask engine: the same batches as the local engine, processed and written by Dask workers.

The client reads the input lazily and cuts it into partitions of ``export.batch_size``
articles, numbered in input order like the local engine's batches. Each partition is one task:
the worker takes its pipeline from a per-process cache (:func:`~pipeline.engines.batch.pipeline_for`,
built from the config string the first time, never pickled from the client; ``n_process=1``),
runs :func:`~pipeline.engines.batch.process_batch` and writes the partition's tables with
:func:`~pipeline.writer.write_batch` into the run's staging folder. It returns only its entity
summaries, which the client merges (corpus resolution is a reduction over them); compaction and
the commit by rename are the local engine's, so the tables are the same, in the same order.

A failed task fails the run and leaves the staging folder for ``--resume``; a retried task
rewrites its own batch atomically, so nothing is duplicated. With ``--scheduler`` the staging
folder must be on storage every worker can write (a shared file system).
"""

from __future__ import annotations

import os
import uuid
from collections import deque
from pathlib import Path
from typing import Callable, Iterable

from ..chunking import Chunker
from ..readers import Article
from ..resolve import CorpusResolver
from ..writer import Staging, write_batch
from .batch import batches, pipeline_for, process_batch

#: Called after each written partition with (documents done, words done).
ProgressCallback = Callable[[int, int], None]
#: Partitions queued per worker: keeps workers busy while bounding what the client holds.
IN_FLIGHT_PER_WORKER = 2
#: Worker threads: one, so each worker process runs one pipeline at a time.
THREADS_PER_WORKER = 1


def process_articles_dask(
    pipeline_config: str,
    articles: Iterable[Article],
    staging: Staging,
    resolver: CorpusResolver,
    *,
    batch_size: int,
    scheduler: str | None = None,
    n_workers: int | None = None,
    skip: set[str] | frozenset[str] = frozenset(),
    on_batch: ProgressCallback | None = None,
    chunker: Chunker | None = None,
) -> tuple[int, int]:
    """Process ``articles`` on a Dask cluster into ``staging``; returns (docs, words).

    ``scheduler`` is a scheduler address (``tcp://host:8786``); without one a ``LocalCluster``
    with ``n_workers`` processes (default: all cores) of one thread each is started and closed.
    """
    from distributed import Client, LocalCluster, wait

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=n_workers or os.cpu_count() or 1,
            threads_per_worker=THREADS_PER_WORKER,
            processes=True,
            dashboard_address=None,
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        workers = max(len(client.scheduler_info()["workers"]), 1)
        limit = workers * IN_FLIGHT_PER_WORKER
        staging_path = str(staging.path)
        docs_done = words_done = 0
        queued: deque = deque()

        def collect(future) -> None:  # noqa: ANN001  (a distributed.Future)
            nonlocal docs_done, words_done
            summary, n_docs, n_words = future.result()
            resolver.merge(summary)
            docs_done += n_docs
            words_done += n_words
            if on_batch is not None:
                on_batch(docs_done, words_done)

        run_token = uuid.uuid4().hex[:8]  # task keys unique to this run on a shared cluster
        number = staging.next_batch_number()
        for batch in batches(articles, batch_size, skip):
            key = f"{number:08d}"
            number += 1
            queued.append(client.submit(process_partition, pipeline_config, staging_path, key, batch, chunker, pure=False, key=f"news-partition-{run_token}-{key}"))
            if len(queued) >= limit:
                wait([queued[0]])
                collect(queued.popleft())
        while queued:
            collect(queued.popleft())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return docs_done, words_done


def process_partition(
    pipeline_config: str, staging_path: str, key: str, articles: list[Article], chunker: Chunker | None = None
) -> tuple[CorpusResolver, int, int]:
    """One Dask task: process a partition, write it as batch ``key``; returns (summaries, docs, words)."""
    result = process_batch(pipeline_for(pipeline_config), articles, chunker)
    write_batch(Path(staging_path), key, result.tables)
    return result.resolver, result.n_docs, result.n_words
