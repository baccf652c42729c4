"""Engines decide *where* a batch runs; what happens to its result is decided once, here.

Every engine is an :class:`Engine`: ``map(batches)`` yields one
:class:`~pipeline.engines.batch.BatchResult` per :class:`~pipeline.engines.batch.Batch`, in
input order, and its ``with`` block holds whatever it started (a process pool, a Dask cluster).
The engines are: in this process and a pool of worker processes (``local.py``), and a Dask
cluster (``dask.py``). The one loop over the results is :func:`pipeline.commands.run.process`: it writes
each batch into the staging folder (unless it was written where it ran), merges its entity
summaries for corpus resolution, and reports progress; engines never see the writer or the
resolver of the run.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language

from ..base.chunking import Chunker
from .batch import Batch, BatchResult

#: Where the batches run, by ``--engine``.
ENGINES = ("local", "dask")
#: Called after each batch with (documents done, words done).
ProgressCallback = Callable[[int, int], None]


class Engine:
    """Runs batches somewhere; see the module docstring."""

    #: The pipeline loaded in this process, if the engine loaded one (a Dask client does not).
    nlp: Language | None = None

    def map(self, batches: Iterable[Batch]) -> Iterator[BatchResult]:
        raise NotImplementedError

    def close(self) -> None:
        """Stop what the engine started (nothing, for the in-process engine)."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def in_order(submit: Callable[[Batch], Any], batches: Iterable[Batch], limit: int) -> Iterator[BatchResult]:
    """The results of ``submit(batch)`` futures (a process pool's or Dask's), in input order,
    with at most ``limit`` batches in flight; what is still queued is cancelled on the way out."""
    queued: deque = deque()
    try:
        for batch in batches:
            queued.append(submit(batch))
            if len(queued) >= limit:
                yield queued.popleft().result()
        while queued:
            yield queued.popleft().result()
    finally:
        for future in queued:
            future.cancel()


def check_engine(name: str, scheduler: str | None = None) -> None:
    """Raise ValueError unless ``name`` is an engine and a ``scheduler`` goes with Dask."""
    if name not in ENGINES:
        raise ValueError(f"Unknown engine {name!r}; choose one of {', '.join(ENGINES)}.")
    if scheduler is not None and name != "dask":
        raise ValueError(f"A scheduler ({scheduler}) is only used by the Dask engine; add --engine dask.")


def make_engine(
    name: str,
    *,
    pipeline_config: str,
    chunker: Chunker,
    staging: Path,
    n_process: int = 1,
    scheduler: str | None = None,
    nlp_loader: Callable[[], Language] | None = None,
) -> Engine:
    """The engine ``name`` (see :data:`ENGINES`). ``pipeline_config`` (``config.to_str()``) is
    what worker processes build their pipeline from; ``nlp_loader`` builds this process's pipeline,
    which only the local engines call (a Dask client never loads the model). Dask workers write
    their batches into ``staging`` (the staging folder's path) themselves."""
    check_engine(name, scheduler)
    if name == "dask":
        from .dask import DaskEngine

        return DaskEngine(pipeline_config, staging, chunker, scheduler=scheduler, n_workers=n_process)
    from .local import InProcessEngine, PoolEngine

    if nlp_loader is None:
        raise ValueError("the local engines need nlp_loader, which builds this process's pipeline")
    nlp = nlp_loader()
    if n_process > 1:
        return PoolEngine(nlp, pipeline_config, n_process, chunker)
    return InProcessEngine(nlp, chunker)
