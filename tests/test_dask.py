"""The Dask engine writes the same tables as the local engine: on a two-worker LocalCluster, and
on a scheduler and two workers started as separate processes on the loopback address."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ENGINE_OVERRIDES, ROOT, assert_same_tables, read_tables

from pipeline.commands.run import run_pipeline

#: Seconds a cluster process gets to start, and a run on it to finish.
START_SECONDS = 60
RUN_SECONDS = 600


@pytest.mark.slow
def test_dask_local_cluster_equals_local_engine_and_the_client_neither_loads_the_model_nor_reads_articles(
    engine_corpus, single_process_tables, tmp_path, monkeypatch
):
    import spacy

    import pipeline.config.build
    import pipeline.engines.batch
    import pipeline.readers
    import pipeline.readers.ranges

    def no_model(*args, **kwargs):
        raise AssertionError("the Dask client loaded the model")

    def no_text(*args, **kwargs):
        raise AssertionError("the Dask client read article text")

    # LocalCluster workers are fresh processes: these patches reach only the client, which
    # plans record ranges (ids and positions) and never reads a batch or cleans a text.
    for module, name in ((spacy, "load"), (pipeline.config.build, "build_nlp"), (pipeline.engines.batch, "pipeline_for")):
        monkeypatch.setattr(module, name, no_model)
    monkeypatch.setattr(pipeline.readers.ranges.InputRanges, "read", no_text)
    monkeypatch.setattr(pipeline.readers, "clean_text", no_text)
    result = run_pipeline([engine_corpus], tmp_path / "out", overrides=ENGINE_OVERRIDES, n_process=-1, engine="dask")
    assert result.documents == {"ok": 14, "error": 1}
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["engine"] == "dask" and run["n_process"] == (os.cpu_count() or 1)  # -1: one worker per core
    assert run["model"]["pipeline"][:3] == ["senter", "line_sentences", "ner"]
    assert not (tmp_path / "out.staging").exists()
    assert_same_tables(single_process_tables, read_tables(tmp_path / "out"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the scheduler exited: {process.stderr.read() if process.stderr else ''}"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"no scheduler on port {port} after {START_SECONDS} s")


@pytest.mark.slow
def test_a_scheduler_and_two_workers_as_separate_processes(engine_corpus, single_process_tables, tmp_path):
    """As on a cluster: `dask scheduler` and two `dask worker`s, the run a third process on the CLI."""
    dask = Path(sys.executable).with_name("dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    # Workers import the pipeline package (this checkout) and read configs/ relative to their folder.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "text": True}
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], cwd=ROOT, env=env, **quiet)
    workers: list[subprocess.Popen] = []
    try:
        wait_for_port(port, scheduler)
        for _ in range(2):
            command = [dask, "worker", address, "--host", "127.0.0.1", "--nworkers", "1", "--nthreads", "1", "--no-dashboard"]
            workers.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        overrides = [f"--{key}={value}" for key, value in ENGINE_OVERRIDES.items()]
        run = subprocess.run(
            [sys.executable, "-m", "pipeline", "run", str(engine_corpus), *overrides, "--output", str(tmp_path / "out"),
             "--engine", "dask", "--scheduler", address],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=RUN_SECONDS,
        )  # fmt: skip
    finally:
        for process in [*workers, scheduler]:
            process.terminate()
        for process in [*workers, scheduler]:
            process.wait(timeout=START_SECONDS)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and "CommClosedError" not in run.stderr, run.stderr
    assert "Documents: 1 error, 14 ok" in run.stderr
    recorded = json.loads((tmp_path / "out" / "run.json").read_text())
    assert recorded["engine"] == "dask" and recorded["scheduler"] == address
    assert_same_tables(single_process_tables, read_tables(tmp_path / "out"))


def _held_until_released(index: int) -> str:
    from distributed import Event, get_worker

    release = Event("release-first")
    if index == 0:
        release.wait()
    elif index == 3:
        release.set()  # the last batch lets the first one finish
    return get_worker().name


def test_batches_go_to_the_worker_that_freed_up_and_come_back_in_input_order():
    """The first batch holds one worker until the last has run: the others all run on the other
    worker, in turn, instead of being dealt out to both at once (one queued behind the first)."""
    from distributed import Client, LocalCluster

    from pipeline.engines.dask import in_order_as_freed

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, Client(cluster) as client:
        submit = lambda index: client.submit(_held_until_released, index, pure=False)  # noqa: E731
        workers = list(in_order_as_freed(submit, range(4), threads=2, limit=4))
    assert workers[1] == workers[2] == workers[3] != workers[0]


def test_unknown_engine_is_refused(tmp_path):
    with pytest.raises(ValueError, match="Unknown engine 'spark'"):
        run_pipeline([tmp_path], tmp_path / "out", engine="spark")


def test_scheduler_needs_the_dask_engine(tmp_path):
    with pytest.raises(ValueError, match="--engine dask"):
        run_pipeline([tmp_path], tmp_path / "out", scheduler="tcp://127.0.0.1:8786")


def test_the_local_cluster_leaves_port_8787_alone():
    """With the dashboard off, the scheduler still serves its HTTP routes: on a free port, not on
    Dask's default 8787, so that two runs (or a run beside a user's cluster) do not collide."""
    from distributed import LocalCluster

    from pipeline.engines.dask import LOCAL_CLUSTER_OPTIONS

    with LocalCluster(n_workers=1, **{**LOCAL_CLUSTER_OPTIONS, "processes": False}) as cluster:
        assert cluster.scheduler.http_server.port != 8787
