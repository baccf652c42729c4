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
