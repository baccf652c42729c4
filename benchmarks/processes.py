"""One command timed as a whole process (wall seconds, CPU seconds, peak RSS): the benchmark scripts' one timer.

CPU seconds and peak RSS come from ``os.wait4``: the command's own process and the children it
waited for (a worker pool's workers). Output goes to temporary files, not pipes, so a chatty
command cannot fill a pipe and stall while it is waited for.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def whole_process(command: list[str], *, capture_stdout: bool = False, cwd: Path = ROOT) -> dict:
    """Run ``command`` in ``cwd`` (the repository root), offline; raise with its stderr if it fails.

    Returns ``wall_seconds``, ``cpu_seconds``, ``max_rss_mb`` and ``stdout`` (empty unless
    ``capture_stdout``).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, stdout=out if capture_stdout else subprocess.DEVNULL, stderr=err, env={**os.environ, "HF_HUB_OFFLINE": "1"}
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed:\n{err.read().decode(errors='replace')[-3000:]}")
        out.seek(0)
        return {
            "wall_seconds": wall,
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "max_rss_mb": usage.ru_maxrss / 1024,
            "stdout": out.read().decode() if capture_stdout else "",
        }
