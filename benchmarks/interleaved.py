"""End to end against bare ``nlp.pipe``, for several checkouts in one loop: old and new side by side.

    .venv/bin/python benchmarks/interleaved.py CHECKOUT [CHECKOUT ...] [--words 200000] [--repeats 5]

Each repeat runs, in turn, ``performance.py``'s bare ner of the default model (``bare ner (same
model)``, from this checkout) and ``python -m pipeline run CORPUS --n-process 1`` from each
``CHECKOUT`` (a folder with the repository: ``/work/main``, a worktree), every one a fresh process
timed whole (wall and CPU seconds, :mod:`processes`), on the corpus of ``performance.py``
(``write_corpus``). A busy neighbour slows all of them alike within a repeat, so the per-repeat
ratios (bare ner whole command / run whole command) are the figures to compare; the report gives
them with the medians, as Markdown on stdout.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from performance import BARE_NER, write_corpus

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of ``command`` run in ``cwd`` (offline); raises with its stderr if it fails."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env={**os.environ, "HF_HUB_OFFLINE": "1"})
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(command)} in {cwd} failed:\n{err.read().decode(errors='replace')[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkouts", nargs="+", type=Path, help="repository folders whose `pipeline run` is timed")
    parser.add_argument("--words", type=int, default=200_000, help="words in the corpus")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--model", default="models/news-md", help="the default config's model, for the bare ner")
    args = parser.parse_args()
    names = ["bare ner", *(str(checkout) for checkout in args.checkouts)]
    walls: dict[str, list[float]] = {name: [] for name in names}
    cpus: dict[str, list[float]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory(prefix="news-interleaved-") as tmp:
        corpus = write_corpus(Path(tmp) / "corpus.jsonl", args.words)
        commands = {"bare ner": ([sys.executable, "-c", BARE_NER, args.model, corpus["path"]], ROOT)}
        for checkout in args.checkouts:
            out = Path(tmp) / f"out-{len(commands)}"
            command = [sys.executable, "-m", "pipeline", "run", corpus["path"], "--output", str(out), "--overwrite", "--n-process", "1"]
            commands[str(checkout)] = (command, checkout.resolve())
        for repeat in range(args.repeats):
            for name, (command, cwd) in commands.items():
                wall, cpu = timed(command, cwd)
                walls[name].append(wall)
                cpus[name].append(cpu)
                print(f"# repeat {repeat + 1}: {name}: {wall:.1f} s wall, {cpu:.1f} s CPU", file=sys.stderr, flush=True)
    print(f"Corpus: {corpus['documents']:,} documents, {corpus['words']:,} words; {args.repeats} repeats, load average at the end {os.getloadavg()[0]:.1f}\n")
    print("| command | whole command per repeat (s) | CPU per repeat (s) | median whole / CPU (s) | bare / run per repeat, whole | median ratio whole / CPU |")
    print("|---|---|---|---|---|---|")
    for name in names:
        ratios = [bare / mine for bare, mine in zip(walls["bare ner"], walls[name])]
        cpu_ratio = statistics.median(cpus["bare ner"]) / statistics.median(cpus[name])
        print(
            f"| {name} | {', '.join(f'{v:.1f}' for v in walls[name])} | {', '.join(f'{v:.1f}' for v in cpus[name])} "
            f"| {statistics.median(walls[name]):.1f} / {statistics.median(cpus[name]):.1f} | {', '.join(f'{r:.2f}' for r in ratios)} "
            f"| {statistics.median(walls['bare ner']) / statistics.median(walls[name]):.2f} / {cpu_ratio:.2f} |"
        )


if __name__ == "__main__":
    main()
