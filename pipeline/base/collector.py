"""Python's cyclic garbage collector, kept off the objects a process builds once and keeps.

Python runs a full collection each time the objects it tracks grow by a quarter, and each walks
every object made so far. Building the pipeline (the model, the rules and places, the name
lexicon) makes hundreds of thousands of objects that live as long as the process: measured on
``python -m pipeline run``, full collections took about 0.4 s of CPU while it was built and
0.3 s more at exit, walking them again. :func:`long_lived` pauses the collector while they are
made, collects once (the build's own garbage), and moves what is left out of its reach
(``gc.freeze``), so that later collections walk only what processing makes. It also leaves
forked pool workers' copies of the pipeline untouched (Python's advice for ``fork``).

Frozen objects are never collected: a call that may come again in the same process (a run from a
notebook or a test) gives them back when it returns (:func:`released_after`), so that its
pipeline can go; a command line process freezes once more before it exits (:func:`exiting`),
where the collection Python runs at exit would walk every object for nothing.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def paused() -> Iterator[None]:
    """Pause the cyclic collector while the block runs (imports: their few thousand garbage
    objects are not worth a walk of every module); restore it as it was. Nothing is frozen, so
    importing the package leaves a notebook's objects where they were.

    The pause holds even where a library switches the collector back on inside the block: srsly
    does (``gc.disable()``, then ``gc.enable()`` around every msgpack read), so spaCy's first
    vocabulary read while the model loads used to end the pause, and the rest of the build ran
    some 250 young and 20 middle collections and a full one (0.5-0.6 s of CPU per process). A zero
    first threshold stops automatic collections whatever ``gc.enable`` says; both are restored.
    """
    enabled = gc.isenabled()
    thresholds = gc.get_threshold()
    gc.disable()
    gc.set_threshold(0)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if enabled:
            gc.enable()
        else:
            gc.disable()


@contextmanager
def long_lived() -> Iterator[None]:
    """Pause the cyclic collector while the block builds objects the process keeps; then collect
    once and freeze what is left, the modules imported before included (see the module
    docstring). Restores the collector as it was."""
    with paused():
        try:
            yield
        finally:
            gc.collect()
            gc.freeze()


def released_after(function: Callable[P, R]) -> Callable[P, R]:
    """``function``, giving what it (or anything before it) froze back to the collector when it returns."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        finally:
            gc.unfreeze()

    return wrapper


def starting() -> None:
    """A command-line process starts its command: the modules it imported live to its end, so
    freeze them now. Otherwise the collections that come before the run's :func:`long_lived`
    (a middle one while the command imports its own modules, then the full one there) walk
    every object of spaCy, thinc and torch again: about 0.15 s of CPU per command."""
    gc.freeze()


def exiting() -> None:
    """The process ends next: freeze what is left, so that the collection at exit skips it."""
    gc.freeze()
