"""One run per output: the lock refuses a second run at once, naming the first, and a killed
run's lock is free. The end-to-end test holds a real run part-way (a gate in its progress
callback) and starts a second run on the same output through the CLI."""

import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time

import pandas as pd
import pytest
from conftest import ROOT
from test_config import CONFIG

from pipeline.commands.run import run_pipeline
from pipeline.writing.lock import OutputLock, OutputLockedError, holding_output_lock, lock_path
from pipeline.writing.writer import OutputNotWritableError, check_outside_inputs, staging_path

TIMEOUT = 240
N_DOCS = 40
BATCH_SIZE = 4

#: Takes the lock of argv[1], says so on stdout, and sleeps until it is killed.
HOLD = "import sys, time; from pipeline.writing.lock import OutputLock; OutputLock(sys.argv[1]).acquire(); print('locked', flush=True); time.sleep(600)"

#: A run that stops after its first batch until the file argv[4] exists (it writes argv[3] when
#: it gets there), so that a second run can be started while it is active.
GATED_RUN = """
import sys, time
from pathlib import Path
from pipeline.commands.run import run_pipeline

inputs, output, waiting, go, config = sys.argv[1:6]

def gate(docs, words):
    Path(waiting).touch()
    deadline = time.monotonic() + 240
    while not Path(go).exists() and time.monotonic() < deadline:
        time.sleep(0.05)

result = run_pipeline([inputs], output, config_path=config, on_progress=gate)
print(sum(result.documents.values()))
"""


def wait_for(path, proc):
    deadline = time.monotonic() + TIMEOUT
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def test_a_second_lock_is_refused_naming_the_first(tmp_path):
    with OutputLock(tmp_path / "out"):
        with pytest.raises(OutputLockedError) as err:
            OutputLock(tmp_path / "out").acquire()
        message = str(err.value)
        assert f"pid {os.getpid()} on {socket.gethostname()}" in message
        assert "--resume" in message and str(tmp_path / "out.lock") in message
        OutputLock(tmp_path / "other").acquire().release()  # another output is another lock
    assert not lock_path(tmp_path / "out").exists()  # removed when released
    with OutputLock(tmp_path / "out"):
        pass


def test_the_decorated_function_runs_holding_the_lock(tmp_path):
    @holding_output_lock
    def run(inputs, output, *, overwrite=False):
        with pytest.raises(OutputLockedError):
            OutputLock(output).acquire()
        raise RuntimeError("the run failed")

    with pytest.raises(RuntimeError, match="the run failed"):
        run([], output=tmp_path / "out")
    with OutputLock(tmp_path / "out"):  # released although the run raised
        pass


def test_the_lock_of_a_killed_process_is_free(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(out)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(OutputLockedError, match=f"pid {holder.pid} "):
            OutputLock(out).acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(TIMEOUT)
    assert json.loads(lock_path(out).read_text())["pid"] == holder.pid  # its file stays ...
    with OutputLock(out):  # ... but the lock died with it
        assert json.loads(lock_path(out).read_text())["pid"] == os.getpid()


def _wait(event):
    event.wait(TIMEOUT)


def test_forked_children_do_not_hold_the_lock(tmp_path):
    lock = OutputLock(tmp_path / "out").acquire()
    context = multiprocessing.get_context("fork")
    done = context.Event()
    child = context.Process(target=_wait, args=(done,))
    child.start()
    try:
        lock.release()
        with OutputLock(tmp_path / "out"):  # the child, still alive, does not keep the output locked
            assert child.is_alive()
    finally:
        done.set()
        child.join(TIMEOUT)


@pytest.mark.parametrize("output", [".", "/", "..", "a/.."])
def test_an_output_without_a_name_of_its_own_is_refused(output):
    with pytest.raises(OutputNotWritableError, match="name a new folder"):
        OutputLock(output)


@pytest.mark.slow
def test_a_second_run_on_one_output_fails_at_once_and_the_first_completes(tmp_path):
    inputs = tmp_path / "news.jsonl"
    inputs.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Report {i} from the U.S. base."}) + "\n" for i in range(N_DOCS)))
    config = tmp_path / "rules.cfg"
    config.write_text(CONFIG + f"\n[export]\nbatch_size = {BATCH_SIZE}\n", encoding="utf8")
    out, waiting, go = tmp_path / "out", tmp_path / "waiting", tmp_path / "go"
    staging = staging_path(out)
    first = subprocess.Popen(
        [sys.executable, "-c", GATED_RUN, str(inputs), str(out), str(waiting), str(go), str(config)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for(waiting, first)
        batches = sorted(p.name for p in (staging / "batches").iterdir())
        assert batches
        for flags in (["--overwrite"], ["--resume"], []):
            second = subprocess.run(
                [sys.executable, "-m", "pipeline", "run", str(inputs), "--output", str(out), "--config", str(config), *flags],
                cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT,
            )  # fmt: skip
            assert second.returncode == 1, second.stderr
            assert "Another run is writing to" in second.stderr and f"pid {first.pid} " in second.stderr
            assert "Traceback" not in second.stdout + second.stderr
            assert len(second.stderr.strip().splitlines()) == 1
            assert sorted(p.name for p in (staging / "batches").iterdir()) == batches  # untouched
    finally:
        go.touch()
    stdout, stderr = first.communicate(timeout=TIMEOUT)
    assert first.returncode == 0, stderr
    assert int(stdout.split()[-1]) == N_DOCS
    documents = pd.read_parquet(out / "documents.parquet")
    assert sorted(documents.doc_id) == sorted(f"d{i}" for i in range(N_DOCS))
    assert not staging.exists() and not lock_path(out).exists()


@pytest.mark.parametrize("output", ["raw/out", "raw", "raw/a/b"])
def test_an_output_inside_an_input_folder_is_refused_before_the_model_loads(tmp_path, output):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Police Scotland said.", encoding="utf8")
    with pytest.raises(OutputNotWritableError, match="inside the input folder"):
        run_pipeline([raw], tmp_path / output, config_path=tmp_path / "no-such.cfg")  # refused before the config is read
    assert not (tmp_path / "raw" / "out").exists()


@pytest.mark.parametrize("inside", ["out/news.jsonl", "out/raw"])
def test_an_input_inside_the_output_folder_is_refused_and_kept(tmp_path, inside):
    article = tmp_path / inside / "a.txt" if inside.endswith("raw") else tmp_path / inside
    article.parent.mkdir(parents=True)
    article.write_text("Police Scotland said.", encoding="utf8")
    with pytest.raises(OutputNotWritableError, match="inside the output folder"):
        run_pipeline([tmp_path / inside], tmp_path / "out", overwrite=True, config_path=tmp_path / "no-such.cfg")
    assert article.read_text(encoding="utf8") == "Police Scotland said."  # --overwrite deleted it before


def test_an_output_beside_the_input_folder_is_taken(tmp_path):
    (tmp_path / "raw").mkdir()
    check_outside_inputs(tmp_path / "processed", [tmp_path / "raw", tmp_path / "raw" / "a.txt"])
