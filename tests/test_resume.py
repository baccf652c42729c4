"""Kill a run part-way (SIGKILL, then SIGINT), resume it, and get exactly the uninterrupted output.

The CLI runs in a subprocess on a blank English pipeline with the project's stages (a config
file written here), so that a run takes a few seconds: many small documents and a small
``--engine.batch_size`` make it write hundreds of batches, and the test interrupts it once some
are complete.
"""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT
from test_config import CONFIG

from pipeline.writing.lock import lock_path
from pipeline.writing.schema import TABLES

N_DOCS = 500
N_IDS = 450  # ids repeat after this: the last 50 documents get "~2"
BATCH_SIZE = 2
#: Complete batches to wait for before interrupting the run.
INTERRUPT_AFTER = 8
TIMEOUT = 240


def write_input(folder):
    folder.mkdir()
    lines = []
    for i in range(N_DOCS):
        text = (
            f"Report {i}: the Islamic State (IS) lost ground near Baghdad. {'IS fighters retreated from the U.S. base.' if i % 3 else 'Nothing else happened.'}"
        )
        lines.append(json.dumps({"id": f"doc{i % N_IDS}", "text": text}))  # some ids repeat: ~2
    (folder / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf8")
    (folder / "empty.txt").write_text("", encoding="utf8")  # an error row, kept on resume too
    return folder


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    base = tmp_path_factory.mktemp("resume")
    config = base / "rules.cfg"
    config.write_text(CONFIG + "\n[engine]\nbatch_size = 256\n", encoding="utf8")
    return base, write_input(base / "in"), config


def command(setup, output, *extra):
    _, inputs, config = setup
    return [
        sys.executable, "-m", "pipeline", "run", str(inputs), "--output", str(output), "--config", str(config),
        "--engine.batch_size", str(BATCH_SIZE), *extra,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def uninterrupted(setup):
    out = setup[0] / "whole"
    result = subprocess.run(command(setup, out), cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    return out


def interrupt(cmd, staging, sig):
    """Start ``cmd``, send ``sig`` once INTERRUPT_AFTER batches are complete; returns (returncode, stderr, batches)."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + TIMEOUT
    done = 0
    while proc.poll() is None and time.monotonic() < deadline:
        done = len(list((staging / "batches").glob("*.json"))) if (staging / "batches").exists() else 0
        if done >= INTERRUPT_AFTER:
            proc.send_signal(sig)
            break
        time.sleep(0.01)
    _, stderr = proc.communicate(timeout=TIMEOUT)
    assert done >= INTERRUPT_AFTER, f"the run ended before it could be interrupted (make N_DOCS larger): {stderr}"
    return proc.returncode, stderr, done


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_interrupted_run_resumes_to_the_same_tables(setup, uninterrupted, sig):
    out = setup[0] / f"out-{sig.name}"
    staging = out.with_name(out.name + ".staging")
    returncode, stderr, done = interrupt(command(setup, out), staging, sig)
    assert not out.exists() and staging.exists()
    if sig == signal.SIGKILL:
        assert returncode == -signal.SIGKILL
        assert lock_path(out).exists()  # a killed run leaves its lock file, but not its lock: --resume takes it
    else:
        assert returncode == 130, stderr
        assert "Interrupted" in stderr and "--resume" in stderr and "Traceback" not in stderr
    batches = len(list((staging / "batches").glob("*.json")))
    assert done <= batches < N_DOCS // BATCH_SIZE  # stopped part-way

    resumed = subprocess.run(command(setup, out, "--resume"), cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    assert resumed.returncode == 0, resumed.stderr
    assert not staging.exists() and not lock_path(out).exists()
    for name in TABLES:
        expected = pd.read_parquet(uninterrupted / f"{name}.parquet")
        actual = pd.read_parquet(out / f"{name}.parquet")
        pd.testing.assert_frame_equal(actual, expected, obj=name)
    docs = pd.read_parquet(out / "documents.parquet")
    assert len(docs) == N_DOCS + 1 and docs.doc_id.is_unique
    run = json.loads((out / "run.json").read_text())
    assert run["resumed"] is True
    assert len(run["renamed_ids"]) == N_DOCS - N_IDS
    assert [Path(i["path"]).name for i in run["inputs"]] == ["empty.txt", "news.jsonl"]
    assert all(len(i["sha256"]) == 64 for i in run["inputs"])
