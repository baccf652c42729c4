"""The garbage-collector helpers: the pipeline's long-lived objects frozen while a run needs them,
given back after it, and nothing frozen by importing the package."""

import gc
import subprocess
import sys

from pipeline.base.collector import long_lived, paused, released_after


def test_importing_the_package_freezes_nothing_and_leaves_the_collector_on():
    code = "import gc, pipeline; print(gc.get_freeze_count(), gc.isenabled())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["0", "True"]


def test_long_lived_objects_are_frozen_and_given_back_when_the_call_returns():
    kept: list[object] = []

    @released_after
    def build_and_use() -> int:
        with long_lived():
            assert not gc.isenabled()
            kept.append([[] for _ in range(100)])
        assert gc.isenabled()
        return gc.get_freeze_count()

    assert build_and_use() >= 100  # the lists (and everything before them) out of the collector's reach
    assert gc.get_freeze_count() == 0


def test_paused_restores_a_collector_the_caller_had_switched_off():
    gc.disable()
    try:
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_pause_holds_when_a_library_switches_the_collector_back_on():
    collections: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    thresholds = gc.get_threshold()
    gc.callbacks.append(count)
    try:
        with paused():
            gc.enable()  # as srsly does after every msgpack read (spaCy's vocabulary, the model's weights)
            kept = [[] for _ in range(10 * thresholds[0])]
            during = list(collections)
        assert during == []
        assert len(kept) == 10 * thresholds[0]
    finally:
        gc.callbacks.remove(count)
    assert gc.get_threshold() == thresholds
    assert gc.isenabled()
